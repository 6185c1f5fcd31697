/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "core/icto-job.h"
#include "signal/icto-recording.h"

G_BEGIN_DECLS

/*
 * IctoOverview: an amplitude envelope of the whole recording for the
 * overview strip: for each of n_bins equal slices of time, the median over
 * (up to 64, evenly chosen) voltage channels of each channel's
 * peak-to-peak amplitude in that slice, in microvolts; NAN where the slice
 * has no data (gaps).  Built in a worker thread from the signal library's
 * min/max pyramid (signal/icto-pyramid.h), which is cached on disk so a
 * second open is instant.
 */
typedef struct {
  guint   n_bins;
  gint64  duration;   /* ticks covered (the recording's duration) */
  float  *amplitude;  /* n_bins */
  float   max_amplitude;
} IctoOverview;

void          icto_overview_free   (IctoOverview *overview);

/* Synchronous; any thread.  @cache_dir: where the pyramid cache lives
 * (NULL: no disk cache).  Reports progress to @job when not NULL and stops
 * with G_IO_ERROR_CANCELLED when @cancellable is cancelled; read errors are
 * the recording's ICTO_SIGNAL_ERROR_*. */
IctoOverview *icto_overview_build  (IctoRecording  *recording,
                                    guint           n_bins,
                                    const char     *cache_dir,
                                    IctoJob        *job,
                                    GCancellable   *cancellable,
                                    GError        **error);

/* Runs icto_overview_build() in a worker thread (cancellable: the job's). */
void          icto_overview_build_async  (IctoRecording       *recording,
                                          guint                n_bins,
                                          const char          *cache_dir,
                                          IctoJob             *job,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data);
IctoOverview *icto_overview_build_finish (GAsyncResult        *result,
                                          GError             **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (IctoOverview, icto_overview_free)

G_END_DECLS
