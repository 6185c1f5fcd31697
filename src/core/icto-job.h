/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/*
 * IctoJob: progress and cancellation of one piece of background work.
 * The worker thread reports progress with icto_job_set_fraction(); the
 * value is stored under a mutex and at most one idle callback is queued on
 * the main context the job was created in, which notifies :fraction there
 * (Sysprof's document loader does it this way), so widgets can bind to it.
 */

#define ICTO_TYPE_JOB (icto_job_get_type ())
G_DECLARE_FINAL_TYPE (IctoJob, icto_job, ICTO, JOB, GObject)

/* @title: translated, shown beside the progress. */
IctoJob      *icto_job_new             (const char *title);
const char   *icto_job_get_title       (IctoJob    *self);
/* 0..1; main thread value (last coalesced report). */
double        icto_job_get_fraction    (IctoJob    *self);
/* Any thread.  Values are clamped to 0..1. */
void          icto_job_set_fraction    (IctoJob    *self,
                                        double      fraction);
GCancellable *icto_job_get_cancellable (IctoJob    *self);
void          icto_job_cancel          (IctoJob    *self);
/* Main thread: marks the job done (:completed notifies). */
void          icto_job_complete        (IctoJob    *self);
gboolean      icto_job_get_completed   (IctoJob    *self);

G_END_DECLS
