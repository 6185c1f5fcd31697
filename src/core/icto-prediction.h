/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "model/icto-model.h"
#include "signal/icto-recording.h"

G_BEGIN_DECLS

/*
 * The model's predicted continuation of a recording at a segment boundary:
 * what the generative head expects the next 5 s to look like, per channel,
 * decoded into a waveform (model/icto-continuation.h explains the decoding:
 * minimum-norm least-squares inverse of the encoder's projection, then the
 * least-squares inverse of the wavelet transform).
 *
 * The continuation starts at S = floor(at_s / 5 s) * 5 s.  When the
 * recording holds the real segment [S, S + 5 s), the model reads the window
 * of T = min(25, (S + 5 s) / 5 s) segments ending at S + 5 s (the window
 * whose readouts the worker shows for that segment; the same resampling to
 * 512 Hz as icto-inference.h) and the prediction of its step T-2 (made from
 * the segments up to S, causal attention) is decoded.  Otherwise (the end of
 * the recording, a gap) it reads the window of min(25, S / 5 s) segments
 * ending at S and decodes the prediction of its last step.  The decoded waveform carries no amplitude (the
 * encoder normalises every segment), so each channel is scaled to the RMS of
 * its preceding real segment [S - 5 s, S) (a flat preceding segment gives a
 * flat continuation).  It is a model prediction: never export it as data.
 *
 * agreement[c] is the cosine between the prediction and the encoder output
 * of the real segment [S, S + 5 s) (the paper's generative measure: exactly
 * IctoInferenceWindow.agreement of the window ending at S + 5 s); NAN when
 * the recording ends (or has a gap) before S + 5 s.
 *
 * More channels than the model's channel table: consecutive groups of
 * near-equal size as icto-inference.h, each run as its own window.
 */
typedef struct {
  double  start_s;            /* S, seconds from the first sample */
  double  rate_hz;            /* 512 */
  guint   n_channels;
  guint   n_samples;          /* 2560 (5 s) */
  float  *samples;            /* [n_channels * n_samples], channel-major, µV (physical
                                 units of the channel), scaled to the preceding segment's RMS */
  float  *agreement;          /* [n_channels]; NAN: no real segment to compare */

  /* Retrieval (ICTO_PREDICTION_RETRIEVE only; NULL otherwise): per channel,
   * the real segment of the same channel in the hour before S whose encoding
   * is closest (cosine) to the predicted embedding. */
  double *source_s;           /* [n_channels]: its start, seconds from the first sample
                                 (a multiple of 5 s in [max (0, S - 3600), S - 5]); NAN: no candidate */
  float  *source_cosine;      /* [n_channels]: cosine(prediction, encoding of that segment); NAN: none */
  float  *source_samples;     /* [n_channels * n_samples], channel-major: that segment resampled to
                                 512 Hz as the model's input, µV as recorded (not rescaled); NAN: none */
  guint   embedding_dim;      /* the model's n_embd (0 without retrieval) */
  float  *embedding;          /* [n_channels * embedding_dim]: the predicted embeddings compared */
} IctoContinuation;

/*
 * IctoPredictionMode: flags for icto_prediction_compute_full().
 * ICTO_PREDICTION_DECODED: the decoded continuation only (samples, agreement).
 * ICTO_PREDICTION_RETRIEVE: in addition, the retrieval fields (source_*).
 *   Candidates: every 5-s segment [k·5 s, k·5 s + 5 s) of the same channel with
 *   S - 3600 s <= k·5 s and k·5 s + 5 s <= S (the recording's first hour: the
 *   segments that exist before S), read and resampled to 512 Hz as the model's
 *   input (icto-inference.h) and encoded with icto_model_encode(); segments
 *   touching a gap or non-finite samples are skipped.  The best is the largest
 *   cosine with the predicted embedding (the earliest on a tie).  About 720
 *   encodings per channel: a few ms each.
 */
typedef enum {
  ICTO_PREDICTION_DECODED  = 0,
  ICTO_PREDICTION_RETRIEVE = 1 << 0,
} IctoPredictionMode;

void icto_continuation_free (IctoContinuation *continuation);

/**
 * icto_prediction_compute:
 * @signals: (array length=n) (nullable): data signal indices in model order;
 *   NULL, 0: every data signal
 * @at_s: seconds from the first sample; rounded down to a segment boundary
 *
 * Blocking (call from a worker thread in the GUI; polls @cancellable between
 * the model's layers); @recording and @model may be shared with other
 * threads.  Errors: ICTO_MODEL_ERROR_NO_HEAD (no generative head),
 * ICTO_CORE_ERROR_INVALID (S < 5 s: nothing precedes it; S at or past the
 * end; a signal index; the window touches a gap or non-finite samples),
 * the signal layer's read errors, ICTO_MODEL_ERROR_*, G_IO_ERROR_CANCELLED.
 */
IctoContinuation *icto_prediction_compute (IctoRecording  *recording,
                                           IctoModel      *model,
                                           const guint    *signals,
                                           guint           n,
                                           double          at_s,
                                           GCancellable   *cancellable,
                                           GError        **error);

/**
 * icto_prediction_compute_full:
 * @mode: ICTO_PREDICTION_DECODED (the same as icto_prediction_compute()) or
 *   ICTO_PREDICTION_RETRIEVE (also fills the source_* fields)
 *
 * As icto_prediction_compute(); with ICTO_PREDICTION_RETRIEVE, @cancellable
 * is also polled between channels of the retrieval (G_IO_ERROR_CANCELLED).
 * Same threading and errors.
 */
IctoContinuation *icto_prediction_compute_full (IctoRecording       *recording,
                                                IctoModel           *model,
                                                const guint         *signals,
                                                guint                n,
                                                double               at_s,
                                                IctoPredictionMode   mode,
                                                GCancellable        *cancellable,
                                                GError             **error);

/* The same in a GTask thread; @signals is copied, @recording and @model are
 * referenced.  The callback runs in the thread-default main context of the
 * caller.  icto_prediction_compute_async() is _full_async() with
 * ICTO_PREDICTION_DECODED; either _finish() takes either result. */
void              icto_prediction_compute_full_async  (IctoRecording       *recording,
                                                       IctoModel           *model,
                                                       const guint         *signals,
                                                       guint                n,
                                                       double               at_s,
                                                       IctoPredictionMode   mode,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
IctoContinuation *icto_prediction_compute_full_finish (GAsyncResult        *result,
                                                       GError             **error);

void              icto_prediction_compute_async  (IctoRecording       *recording,
                                                  IctoModel           *model,
                                                  const guint         *signals,
                                                  guint                n,
                                                  double               at_s,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
IctoContinuation *icto_prediction_compute_finish (GAsyncResult        *result,
                                                  GError             **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (IctoContinuation, icto_continuation_free)

G_END_DECLS
