/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "core/icto-inference-worker.h"

G_BEGIN_DECLS

/* Threads of the model per worker (default: number of CPUs - 1, at least 1);
 * takes effect at the next configuration change.  Main thread. */
void _icto_inference_worker_set_n_threads (IctoInferenceWorker *self,
                                           int                  n_threads);

/* For tests: worker threads of all workers still running (a cancelled
 * thread counts until it has returned).  Any thread. */
int  _icto_inference_worker_get_busy_threads (void);

G_END_DECLS
