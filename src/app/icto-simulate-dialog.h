/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "app/icto-window.h"

G_BEGIN_DECLS

/*
 * IctoSimulateDialog: "Simulate Recording…": the simulator's parameters
 * (duration in minutes, sample rate, seizures, onset pattern, electrode
 * layout, seed) and the output file.  "Simulate" runs the simulator in a
 * worker thread (core/icto-simulate-job.h) with a progress bar; "Cancel"
 * stops it (the partial file is removed).  On success the recording opens
 * in the parent window, a toast there says where it was saved, and the
 * dialog closes; errors are shown in the dialog.  Closing the dialog while
 * it runs cancels the simulation.  Main thread only.
 */

#define ICTO_TYPE_SIMULATE_DIALOG (icto_simulate_dialog_get_type ())
G_DECLARE_FINAL_TYPE (IctoSimulateDialog, icto_simulate_dialog, ICTO, SIMULATE_DIALOG, AdwWindow)

/* A modal dialog transient for @window (not yet shown). */
IctoSimulateDialog *icto_simulate_dialog_new         (IctoWindow         *window);
/* The output file: by default a new name in the last directory used, or
 * the user's Documents folder. */
GFile              *icto_simulate_dialog_get_file    (IctoSimulateDialog *self);
void                icto_simulate_dialog_set_file    (IctoSimulateDialog *self,
                                                      GFile              *file);
/* TRUE while a simulation runs. */
gboolean            icto_simulate_dialog_get_running (IctoSimulateDialog *self);
/* The error shown in the dialog, or NULL (tests). */
const char         *icto_simulate_dialog_get_error   (IctoSimulateDialog *self);

G_END_DECLS
