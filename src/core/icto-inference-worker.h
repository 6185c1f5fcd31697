/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "model/icto-model.h"
#include "signal/icto-recording.h"
#include "store/icto-store.h"

G_BEGIN_DECLS

/*
 * IctoInferenceWorker: MVPFormer over a whole recording in the background,
 * for the window.  One worker thread (owned here: widgets never start
 * threads) with one model state; results are per 5-s segment of the
 * recording: segment k covers [k * 5 s, (k + 1) * 5 s) from the first sample
 * and receives the readouts of the window whose last segment it is (spec
 * §3: a window's readouts belong to its last segment).  Segments no window
 * ends on (the first 24 of a recording longer than one window, those touching
 * an EDF+D gap) stay NAN forever; icto_inference_worker_get_segment_state()
 * tells "not yet computed" from "never computed" and why.
 *
 * Order of work: the focus range (the page in view) first, then the pages on
 * either side, then the rest of the recording from the start; setting a new
 * focus re-prioritises at once (the window being computed finishes, within
 * one window's time).  Changing the model or the channel set cancels the
 * queued work and restarts; results already computed for the other
 * configuration are kept in the store's cache (result_run / result_window),
 * keyed by recording fingerprint, model file hash, channel labels and
 * preprocessing settings, and shown at once when that configuration returns
 * or the recording is reopened.
 *
 * The cache holds per window the probability, agreement[C] and
 * contribution[C] (not the predicted embeddings: C x D floats per 5 s would
 * be gigabytes for a day; the continuation at the cursor is computed on
 * demand by core/icto-prediction.h).  Cached windows are read on the main
 * thread when the configuration is set (state DONE at once when complete);
 * the worker thread writes through its own IctoStore connection on the same
 * file, in transactions of 32 windows.
 *
 * Work is done in chunks of consecutive windows (icto_inference_run over a
 * range: consecutive windows encode one new segment each; a new chunk takes
 * the encodings it can from the worker's IctoEncodingCache of 64 MB, for
 * 512-Hz continuous files); a new focus stops the running chunk after its
 * current window unless the chunk is already running through the new focus
 * range or the focus and its neighbours are all computed.
 *
 * The worker thread (and the model's threads it starts) runs at nice 10
 * on Linux, below the UI thread, so that frames keep their pace.
 *
 * Every public function is for the main thread (the thread-default main
 * context when the worker was created).  Results reach the main thread via
 * idle callbacks and "segments-changed"; none from cancelled work is
 * delivered after the change that cancelled it.
 */

#define ICTO_TYPE_INFERENCE_WORKER (icto_inference_worker_get_type ())
G_DECLARE_FINAL_TYPE (IctoInferenceWorker, icto_inference_worker, ICTO, INFERENCE_WORKER, GObject)

typedef enum {
  ICTO_INFERENCE_IDLE,      /* nothing configured (no recording or no model) */
  ICTO_INFERENCE_RUNNING,
  ICTO_INFERENCE_PAUSED,
  ICTO_INFERENCE_DONE,      /* every computable segment has its results */
  ICTO_INFERENCE_FAILED,    /* see icto_inference_worker_get_error() */
} IctoInferenceState;

typedef enum {
  ICTO_SEGMENT_PENDING,     /* will be computed */
  ICTO_SEGMENT_DONE,
  ICTO_SEGMENT_NO_WINDOW,   /* before the first window's end: no window ends here */
  ICTO_SEGMENT_GAP,         /* the window would touch an EDF+D gap or the end of data */
} IctoSegmentState;

/* @store: (nullable): the result cache; NULL keeps results in memory only. */
IctoInferenceWorker *icto_inference_worker_new (IctoStore *store);

/* @recording: (nullable); its fingerprint is the cache key. */
void     icto_inference_worker_set_recording (IctoInferenceWorker *self,
                                              IctoRecording       *recording);

/* Loads the model file (mmap, quick) on the calling thread.  NULL path: no
 * model (state IDLE).  Errors: the model layer's; the previous model stays. */
gboolean icto_inference_worker_set_model     (IctoInferenceWorker *self,
                                              const char          *path,
                                              GError             **error);
IctoModel *icto_inference_worker_get_model   (IctoInferenceWorker *self);

/* Data signal indices in model order (NULL, 0: every data signal, in file
 * order).  More than the model's n_channels: the group rule of
 * icto-inference.h. */
void     icto_inference_worker_set_channels  (IctoInferenceWorker *self,
                                              const guint         *signals,
                                              guint                n_signals);
guint    icto_inference_worker_get_n_channels (IctoInferenceWorker *self);
/* The data signal index of result channel @channel. */
guint    icto_inference_worker_get_channel_signal (IctoInferenceWorker *self,
                                                   guint                channel);

/* The range in view, seconds from the first sample: computed first. */
void     icto_inference_worker_set_focus     (IctoInferenceWorker *self,
                                              double               start_s,
                                              double               end_s);
void     icto_inference_worker_set_paused    (IctoInferenceWorker *self,
                                              gboolean             paused);

IctoInferenceState icto_inference_worker_get_state (IctoInferenceWorker *self);
const GError      *icto_inference_worker_get_error (IctoInferenceWorker *self);

/* Progress of the computable segments: fraction done 0..1, windows per
 * second over the last few seconds, estimated seconds left (< 0: unknown).
 * Properties :fraction, :state notify on the main thread (coalesced, at most
 * ~10 times per second). */
double   icto_inference_worker_get_fraction       (IctoInferenceWorker *self);
double   icto_inference_worker_get_windows_per_s  (IctoInferenceWorker *self);
double   icto_inference_worker_get_seconds_left   (IctoInferenceWorker *self);

/* Number of 5-s segments of the recording (floor(duration / 5 s)). */
guint    icto_inference_worker_get_n_segments (IctoInferenceWorker *self);
double   icto_inference_worker_get_segment_s  (IctoInferenceWorker *self);  /* 5.0 */
IctoSegmentState icto_inference_worker_get_segment_state (IctoInferenceWorker *self,
                                                          guint                segment);

typedef enum {
  ICTO_RESULT_PROBABILITY,  /* seizure probability; @channel ignored */
  ICTO_RESULT_AGREEMENT,    /* cosine of prediction and encoding, channel @channel */
  ICTO_RESULT_CONTRIBUTION, /* channel @channel's share of logit(seizure) - logit(other) */
} IctoResultKind;

/* Copies @n values of segments [@first, @first + @n) into @out; NAN where
 * there is no value (yet).  Segments beyond the end are NAN. */
void     icto_inference_worker_get_values (IctoInferenceWorker *self,
                                           IctoResultKind       kind,
                                           guint                channel,
                                           guint                first,
                                           guint                n,
                                           float               *out);

/* Refinements (worker helper): */

/* The hash of the current model file (icto_model_file_hash; with a head
 * file set by icto_inference_worker_set_head(), "<model hash>+head:<head
 * hash>"), NULL without a model.  Key of the cache and of detection
 * decisions. */
const char *icto_inference_worker_get_model_hash (IctoInferenceWorker *self);

/* The recording (no new reference), NULL when none. */
IctoRecording *icto_inference_worker_get_recording (IctoInferenceWorker *self);

/* User-visible notes on how the documented rules applied to this recording
 * and model (channels run in groups beyond the model's channel table, sample
 * rates resampled to 512 Hz, a recording shorter than one window, EDF+D gaps
 * and non-finite (flat-lined or disconnected) data leaving segments without
 * results), one per line, translated; NULL when there is nothing to say.
 * Newly allocated.  For the overlay legend. */
char    *icto_inference_worker_get_notes (IctoInferenceWorker *self);

/* Copies the values of segments [@first, @first + @n) as in
 * icto_inference_worker_get_values() for every channel at once: @out is
 * [n_channels * @n], channel-major.  ICTO_RESULT_PROBABILITY: [@n]. */
void     icto_inference_worker_get_all_values (IctoInferenceWorker *self,
                                               IctoResultKind       kind,
                                               guint                first,
                                               guint                n,
                                               float               *out);

/**
 * icto_model_file_hash:
 *
 * A 256-bit hash (64 lower-case hex digits) of the bytes of the model file
 * at @path, cached for the process by (path, size, modification time), so
 * asking again is free.  Not cryptographic (4 lanes of 64-bit
 * multiply-rotate, at memory speed: SHA-256 would keep the main thread busy
 * for seconds on an MVPFormer-S file); any single changed 8-byte word
 * changes the hash.  A cache key, not a signature.  Errors: G_FILE_ERROR_*
 * when it cannot be read.  Any thread.
 */
char    *icto_model_file_hash (const char  *path,
                               GError     **error);

/**
 * icto_inference_worker_set_head:
 * @head_path: (nullable): a classification head file (e.g. from
 *   `ictoscope-cli train-head`); NULL: the model file's own head
 *
 * (helper "head") Reloads the current model file with @head_path in place
 * of its own head and restarts, as icto_inference_worker_set_model() does.
 * The model hash (the cache key) becomes "<model hash>+head:<head hash>",
 * so the results of each head are cached apart.  A later set_model() drops
 * the head.  Errors: ICTO_CORE_ERROR_INVALID without a model, the model
 * layer's load errors (the previous model stays).  Main thread.
 */
gboolean icto_inference_worker_set_head (IctoInferenceWorker *self,
                                         const char          *head_path,
                                         GError             **error);

/*
 * Signals:
 *   "segments-changed" (guint first, guint n): results for these segments
 *     arrived (or were cleared by a configuration change).
 */

G_END_DECLS
