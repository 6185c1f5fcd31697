/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "app/icto-annotation-dialog.h"
#include "app/icto-window.h"
#include "store/icto-store-io.h"

G_BEGIN_DECLS

/*
 * The window's annotation review (icto-window-annotations.c): the user's
 * annotation database (icto_store_default_path(), i.e. under
 * $XDG_DATA_HOME/ictoscope), the annotation layer over the traces, the
 * "Annotations" side page, keys, import and export.
 * Private to the window and its tests.
 */

typedef struct _IctoWindowAnnotations IctoWindowAnnotations;

void       _icto_window_annotations_class_init (GtkWidgetClass *widget_class);
void       _icto_window_annotations_init       (IctoWindow     *self);
void       _icto_window_annotations_dispose    (IctoWindow     *self);

/* NULL when the database could not be opened (a toast said why). */
IctoStore *_icto_window_annotations_get_store     (IctoWindow *self);
/* Store id of the open recording, 0 without one. */
gint64     _icto_window_annotations_get_recording (IctoWindow *self);

/* What the file choosers call: import @path (a dialog asks what to do
 * with broken rows) and export to @path (@format "bids", "szcore", "csv" or
 * "edf"); results and errors as toasts. */
void       _icto_window_annotations_import_path   (IctoWindow      *self,
                                                   const char      *path,
                                                   IctoAnnotFormat  format);
gboolean   _icto_window_annotations_export_path   (IctoWindow      *self,
                                                   const char      *path,
                                                   const char      *format,
                                                   GError         **error);
/* Opens the edit dialog of annotation @id (the one returned is presented). */
IctoAnnotationDialog *_icto_window_annotations_edit (IctoWindow *self,
                                                     gint64      id);

G_END_DECLS
