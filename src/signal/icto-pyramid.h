/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "signal/icto-recording.h"

G_BEGIN_DECLS

/*
 * IctoPyramid: multi-resolution min/max of every data signal of a recording,
 * for the overview strip.  Level 0 keeps the min/max of bins of a fixed
 * number of stored samples per signal (at most 16384 bins per signal, and at
 * least 64 samples per bin); each further level merges 8 bins.  Memory: at
 * most 16384 × 2 floats × 8/7 per signal (about 150 KiB).
 *
 * Built by one sequential pass over the file (large reads, min/max on the
 * digital values, converted afterwards), or loaded from the disk cache.
 * Immutable after build: queries are thread-safe.
 */
typedef struct _IctoPyramid IctoPyramid;

/* Progress of a build: @fraction in [0, 1].  Called from the building
 * thread after each read of about 4 MiB. */
typedef void (*IctoPyramidProgress) (double fraction, gpointer user_data);

/**
 * icto_pyramid_build:
 * @cache_dir: (nullable): directory for the disk cache (created if needed);
 *     the file is "<fingerprint>.icto-pyramid".  NULL: no disk cache.
 * @cancellable: (nullable): checked between reads
 *
 * Blocking: call it in a worker thread.  Loads the pyramid from @cache_dir
 * when a valid file for this recording's fingerprint is there (a damaged
 * cache file is ignored and rebuilt); otherwise reads the recording and
 * writes the cache file (atomically; a failure to write it is not an error).
 * Errors: ICTO_SIGNAL_ERROR_CANCELLED, read errors of the recording.
 */
IctoPyramid *icto_pyramid_build (IctoRecording        *recording,
                                 const char           *cache_dir,
                                 IctoPyramidProgress   progress,
                                 gpointer              user_data,
                                 GCancellable         *cancellable,
                                 GError              **error);

void     icto_pyramid_free        (IctoPyramid *self);
/* TRUE when the pyramid came from the disk cache. */
gboolean icto_pyramid_was_loaded  (const IctoPyramid *self);
guint    icto_pyramid_get_n_signals (const IctoPyramid *self);

/**
 * icto_pyramid_query:
 * @start, @end: time range in ticks from the first sample (end > start)
 * @min, @max: (out caller-allocates): @n_columns floats each
 *
 * Min/max of @signal over each of @n_columns equal time slices of
 * [start, end).  Exact at the resolution of level 0 bins (a slice takes every
 * bin it touches); slices finer than a bin get that bin's extremes.  Slices
 * entirely in an EDF+D gap or outside the recording get NAN.  FALSE when
 * @signal is out of range.
 */
gboolean icto_pyramid_query (const IctoPyramid *self,
                             guint              signal,
                             gint64             start,
                             gint64             end,
                             guint              n_columns,
                             float             *min,
                             float             *max);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (IctoPyramid, icto_pyramid_free)

G_END_DECLS
