/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "core/icto-job.h"
#include "sim/icto-sim.h"

G_BEGIN_DECLS

/*
 * Running the seizure simulator (icto_sim_write) in a worker thread.
 *
 * icto_simulate_job_run_async: copies @params (layout string and EZ node
 * list included), then writes the EDF+ file @file (a local path) and its
 * BIDS sidecars in a GTask thread.  Progress (fraction of data records
 * written, 0..1) goes to @job with icto_job_set_fraction (coalesced onto
 * the job's main context); icto_job_cancel (@job) stops the simulation
 * after the current 1-s record.  On any failure, cancellation included,
 * the partial EDF file and any sidecars already written are deleted.
 * @callback runs in the thread-default main context of the caller; the
 * caller then calls icto_simulate_job_run_finish() and, if it wants
 * :completed, icto_job_complete (@job).
 * Call from one thread (the one owning @job's main context).
 */
void     icto_simulate_job_run_async  (const IctoSimParams *params,
                                       GFile               *file,
                                       IctoJob             *job,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data);

/*
 * TRUE when the recording and its sidecars were written.  Errors:
 * G_IO_ERROR_CANCELLED when @job was cancelled; ICTO_SIM_ERROR_INVALID /
 * _LAYOUT for parameters; ICTO_SIGNAL_ERROR_* from the EDF writer;
 * ICTO_SIM_ERROR_IO for sidecars; ICTO_CORE_ERROR_OUTPUT when @file has
 * no local path.
 */
gboolean icto_simulate_job_run_finish (GAsyncResult        *result,
                                       GError             **error);

G_END_DECLS
