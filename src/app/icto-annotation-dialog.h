/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "store/icto-store.h"

G_BEGIN_DECLS

/*
 * IctoAnnotationDialog: edits every field of one annotation and its seizure
 * record (times in seconds, exact to 100 ns; contacts comma-separated).
 * "Save" (action dialog.save) checks the fields: on success it emits ::save
 * with the edited annotation and closes; otherwise it shows why and stays.
 * "Delete" (dialog.delete) emits ::delete (gint64 id) and closes.  The
 * dialog never writes the store itself: the owner does, as one action.
 */

#define ICTO_TYPE_ANNOTATION_DIALOG (icto_annotation_dialog_get_type ())
G_DECLARE_FINAL_TYPE (IctoAnnotationDialog, icto_annotation_dialog, ICTO, ANNOTATION_DIALOG, AdwWindow)

/* @store: for the vocabulary; @annotation: copied. */
IctoAnnotationDialog *icto_annotation_dialog_new (GtkWindow            *parent,
                                                  IctoStore            *store,
                                                  const IctoAnnotation *annotation);

/* The annotation as the fields say now (newly allocated), or NULL with
 * ICTO_STORE_ERROR_INVALID and a message naming the field. */
IctoAnnotation *icto_annotation_dialog_get_annotation (IctoAnnotationDialog  *self,
                                                       GError               **error);

G_END_DECLS
