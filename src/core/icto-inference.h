/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "model/icto-model.h"
#include "signal/icto-recording.h"

G_BEGIN_DECLS

/*
 * MVPFormer over a recording (spec §3): windows of n_segments (25) segments
 * of 5 s at 512 Hz, one window every 5 s.  For a window starting at b s,
 * each channel's int(125 s * fs) samples from time b are resampled as a
 * whole to 64000 samples (icto_resample_linear, torch 'linear' conventions),
 * then cut into 25 segments of 2560.
 *
 * Encoder outputs are cached per (segment, channel): a segment whose
 * resampled samples are bitwise those of a segment of the previous window is
 * not encoded again (with 125*fs integral and fs >= 512 every shared segment
 * is reused; otherwise the border samples differ and it is re-encoded).
 *
 * Channels: any number.  When there are more than the model's n_channels
 * (128), they are split into G = ceil(n / n_channels) groups of consecutive
 * channels (in the given order) of near-equal size (group k holds channels
 * [floor(k n / G), floor((k+1) n / G))), each run as its own window; a
 * channel's agreement comes from its group, and the window's seizure
 * probability is the maximum over the groups.  Nothing is dropped.
 *
 * Short recordings: a range shorter than one window (125 s) but at least one
 * segment (5 s) gives a single window of T = floor(duration / 5 s)
 * segments starting at the range start (the model accepts any T <= 110; the
 * released models were trained on T = 25, so such results are less
 * comparable).  Shorter than 5 s: ICTO_CORE_ERROR_INVALID.
 * Windows that touch a gap of an EDF+D file or the end of the data are skipped.
 */

/*
 * IctoEncodingCache (worker helper): encoder outputs kept across successive
 * icto_inference_run() calls over the same recording, model and channel
 * list, so that a caller running ranges in a changing order (the inference
 * worker, on a jump) does not encode a segment twice.  Used only where a
 * segment's samples depend on its position alone (every channel at 512 Hz
 * in a continuous file); entries are (signal, first sample) -> D floats,
 * the oldest dropped beyond @max_bytes.  Not thread-safe: one run at a time.
 */
typedef struct _IctoEncodingCache IctoEncodingCache;

IctoEncodingCache *icto_encoding_cache_new  (gsize              max_bytes);
void               icto_encoding_cache_free (IctoEncodingCache *cache);
/* Hits and misses so far (for tests and benches). */
void               icto_encoding_cache_get_stats (IctoEncodingCache *cache,
                                                  guint64           *hits,
                                                  guint64           *misses);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (IctoEncodingCache, icto_encoding_cache_free)

typedef struct {
  double       start_s;       /* from the first sample; >= 0 */
  double       duration_s;    /* <= 0: to the end of the recording */
  const guint *channels;      /* data signal indices in model order; NULL: all */
  guint        n_channels;
  int          n_threads;     /* <= 0: number of CPUs */
  IctoEncodingCache *encodings; /* (nullable): reuse encodings across runs */
} IctoInferenceOptions;

typedef struct {
  guint   index;              /* window number from 0 */
  double  start_s;            /* window start (seconds from the first sample) */
  double  end_s;              /* window end = start + T * 5 s; the readouts
                                 belong to the last segment, ending here */
  int     n_segments;         /* T */
  float   seizure_prob;       /* NAN without a classification head */
  guint   n_channels;
  const float *agreement;     /* [n_channels]: cos(prediction of the last segment from
                                 segment T-2, encoder output of the last segment); NAN
                                 without a generative head */
  int     n_features;         /* D (the model's n_embd) */
  const float *features;      /* [n_features]: the vector the classification head
                                 reads: the mean over all channels of the last
                                 time step's hidden states (after ln_f); with
                                 several channel groups, the channel-count
                                 weighted mean of the groups' vectors */
  const float *contribution;  /* [n_channels]: the channel's share of logit(seizure)
                                 - logit(other) of its group's window (they sum to
                                 the group's logit difference); NAN without a
                                 classification head */
} IctoInferenceWindow;

/* Called on the calling thread for each window in order; return FALSE to stop
 * (then icto_inference_run returns FALSE with G_IO_ERROR_CANCELLED). */
typedef gboolean (*IctoInferenceWindowFunc) (const IctoInferenceWindow *window,
                                             gpointer                   user_data);

/* Called after each window with (windows done, windows total). */
typedef void (*IctoInferenceProgressFunc) (guint    done,
                                           guint    total,
                                           gpointer user_data);

/**
 * icto_inference_run:
 *
 * Runs the model over the windows of @options' range of @recording.
 * Blocking: call it from a worker thread in the GUI (it polls @cancellable
 * between windows and between the model's layers).  @recording and @model
 * may be shared with other threads (both are thread-safe for this use).
 * Errors: ICTO_CORE_ERROR_INVALID (range, channel index), the signal
 * layer's read errors, ICTO_MODEL_ERROR_*, G_IO_ERROR_CANCELLED.
 */
gboolean icto_inference_run (IctoRecording               *recording,
                             IctoModel                   *model,
                             const IctoInferenceOptions  *options,
                             IctoInferenceWindowFunc      window_func,
                             IctoInferenceProgressFunc    progress_func,
                             gpointer                     user_data,
                             GCancellable                *cancellable,
                             GError                     **error);

/**
 * icto_inference_default_model_path:
 *
 * The model to use when none is given: the environment variable
 * ICTO_MODEL_PATH when set and non-empty (returned as is, even if the file
 * does not exist, so that a wrong override gives a clear load error), else
 * the installed bundled model PKGDATADIR/models/BUNDLED_MODEL_NAME when it
 * exists, else the source tree's models/BUNDLED_MODEL_NAME when it exists
 * (a development build run uninstalled).  Returns NULL when none is found.
 * Newly allocated; any thread.
 */
char *icto_inference_default_model_path (void);

/* Number of windows icto_inference_run() visits for @duration_s seconds of range. */
guint icto_inference_count_windows (double duration_s);

G_END_DECLS
