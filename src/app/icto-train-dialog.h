/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "app/icto-window.h"
#include "core/icto-head-train.h"

G_BEGIN_DECLS

/*
 * IctoTrainDialog: "Train Detector from Annotations…" (issue 9).
 *
 * Setup page: the recordings (the window's open recording, plus others
 * added with the + button), the rater, the positive labels ("Seizure
 * labels" or one label) and the negative ones ("Everything else" or one
 * label); "Train" runs core/icto-head-train.h in a thread with a progress
 * bar and "Cancel".  Result page: the cross-validated metrics beside those
 * of the model's own head on the same windows, and a plot of the
 * cross-validated probabilities over time against the annotations (one
 * band per recording).  "Use This Detector" saves the head to
 * g_get_user_data_dir()/ictoscope/heads/ and emits "detector-chosen" with
 * its path.  Closing the dialog while training cancels it.  Main thread only.
 *
 * Signals: "detector-chosen" (const char *path).
 */

#define ICTO_TYPE_TRAIN_DIALOG (icto_train_dialog_get_type ())
G_DECLARE_FINAL_TYPE (IctoTrainDialog, icto_train_dialog, ICTO, TRAIN_DIALOG, AdwWindow)

/* A modal dialog transient for @window (not yet shown).  @store_path: the
 * annotation database (NULL: the user's). */
IctoTrainDialog *icto_train_dialog_new (IctoWindow *window,
                                        const char *store_path);

/* Adds a recording (no-op when listed already). */
void      icto_train_dialog_add_recording (IctoTrainDialog *self,
                                           const char      *path);
/* Selects a rater of the list by name; FALSE when it is not there. */
gboolean  icto_train_dialog_set_rater     (IctoTrainDialog *self,
                                           const char      *rater);
/* As the Train button. */
void      icto_train_dialog_start         (IctoTrainDialog *self);
gboolean  icto_train_dialog_get_running   (IctoTrainDialog *self);
/* The error shown, or NULL. */
const char *icto_train_dialog_get_error   (IctoTrainDialog *self);
/* The result shown on the result page, or NULL. */
const IctoHeadTrainResult *icto_train_dialog_get_result (IctoTrainDialog *self);
/* "setup" or "result". */
const char *icto_train_dialog_get_page    (IctoTrainDialog *self);
/* As "Use This Detector": saves the head; returns its path (owned by the
 * dialog) or NULL with the error shown. */
const char *icto_train_dialog_use_detector (IctoTrainDialog *self);

G_END_DECLS
