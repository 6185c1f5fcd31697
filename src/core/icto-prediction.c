/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "icto-prediction"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "core/icto-core-error.h"
#include "core/icto-prediction.h"
#include "model/icto-continuation.h"
#include "model/icto-model-state.h"
#include "signal/icto-resample.h"

#define MODEL_RATE   512
#define SEGMENT_S    5
#define SEGMENT_LEN  (MODEL_RATE * SEGMENT_S)
#define WINDOW_T     25
#define RETRIEVE_S   3600

void
icto_continuation_free (IctoContinuation *continuation)
{
  if (continuation == NULL)
    return;
  g_free (continuation->samples);
  g_free (continuation->agreement);
  g_free (continuation->source_s);
  g_free (continuation->source_cosine);
  g_free (continuation->source_samples);
  g_free (continuation->embedding);
  g_free (continuation);
}

static gboolean
abort_cb (gpointer user_data)
{
  return g_cancellable_is_cancelled (user_data);
}

/* Reads @n_seg segments from @start_s of signal @sig resampled to 512 Hz
 * into @out [n_seg * SEGMENT_LEN]; FALSE without error when the range
 * touches a gap, the end or non-finite samples. */
static gboolean
read_resampled (IctoRecording  *recording,
                guint           sig,
                double          start_s,
                int             n_seg,
                float          *out,
                gboolean       *usable,
                GError        **error)
{
  double fs = icto_recording_get_signal (recording, sig)->sample_rate;
  gsize n_in = (gsize) ((double) n_seg * SEGMENT_S * fs);
  g_autofree float *raw = NULL;

  *usable = FALSE;
  if (n_in < 1)
    return TRUE;
  raw = g_new (float, n_in);
  if (!icto_recording_read_range (recording, sig, icto_seconds_to_ticks (start_s), n_in, raw, NULL, error))
    return FALSE;
  for (gsize i = 0; i < n_in; i++)
    if (!isfinite (raw[i]))
      return TRUE;
  icto_resample_linear (raw, n_in, out, (gsize) n_seg * SEGMENT_LEN);
  *usable = TRUE;
  return TRUE;
}

static gboolean
set_cancelled_from_model (GError  *local,
                          GError **error)
{
  if (g_error_matches (local, ICTO_MODEL_ERROR, ICTO_MODEL_ERROR_CANCELLED))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, _("Operation was cancelled"));
      return TRUE;
    }
  return FALSE;
}

/* The retrieval for channel @i (signal @sig) of @ret: every 5-s segment of
 * the hour before S (icto-prediction.h), encoded and compared with @pred. */
static gboolean
retrieve_channel (IctoRecording     *recording,
                  IctoModelState    *st,
                  guint              sig,
                  const float       *pred,
                  int                D,
                  IctoContinuation  *ret,
                  guint              i,
                  GError           **error)
{
  double S = ret->start_s;
  gint64 k_end = (gint64) floor (S / SEGMENT_S + 1e-9);    /* segments [k·5, k·5 + 5) with k < k_end */
  gint64 k_first = MAX (0, k_end - RETRIEVE_S / SEGMENT_S);
  gsize n_cand = (gsize) (k_end - k_first), n_ok = 0;
  g_autofree float *segs = g_new (float, MAX (1, n_cand) * SEGMENT_LEN);
  g_autofree gint64 *ks = g_new (gint64, MAX (1, n_cand));
  g_autofree float *enc = NULL;
  double pn = 0, best = -INFINITY;
  gsize best_j = G_MAXSIZE;

  for (gint64 k = k_first; k < k_end; k++)
    {
      gboolean usable = FALSE;

      if (!read_resampled (recording, sig, (double) k * SEGMENT_S, 1, segs + n_ok * SEGMENT_LEN, &usable, error))
        return FALSE;
      if (usable)
        ks[n_ok++] = k;
    }
  ret->source_s[i] = NAN;
  ret->source_cosine[i] = NAN;
  for (int j = 0; j < SEGMENT_LEN; j++)
    ret->source_samples[(gsize) i * SEGMENT_LEN + j] = NAN;
  if (n_ok == 0)
    return TRUE;

  enc = g_new (float, n_ok * D);
  {
    g_autoptr(GError) local = NULL;

    if (!icto_model_encode (st, segs, n_ok, enc, &local))
      {
        if (!set_cancelled_from_model (local, error))
          g_propagate_error (error, g_steal_pointer (&local));
        return FALSE;
      }
  }
  for (int d = 0; d < D; d++)
    pn += (double) pred[d] * pred[d];
  for (gsize j = 0; j < n_ok; j++)
    {
      const float *e = enc + j * D;
      double dot = 0, en = 0, cosv;

      for (int d = 0; d < D; d++)
        {
          dot += (double) pred[d] * e[d];
          en += (double) e[d] * e[d];
        }
      cosv = dot / sqrt (pn * en);
      if (isfinite (cosv) && cosv > best)
        {
          best = cosv;
          best_j = j;
        }
    }
  if (best_j == G_MAXSIZE)
    return TRUE;
  ret->source_s[i] = (double) ks[best_j] * SEGMENT_S;
  ret->source_cosine[i] = (float) best;
  memcpy (ret->source_samples + (gsize) i * SEGMENT_LEN, segs + best_j * SEGMENT_LEN, sizeof (float) * SEGMENT_LEN);
  return TRUE;
}

IctoContinuation *
icto_prediction_compute (IctoRecording  *recording,
                         IctoModel      *model,
                         const guint    *signals,
                         guint           n,
                         double          at_s,
                         GCancellable   *cancellable,
                         GError        **error)
{
  return icto_prediction_compute_full (recording, model, signals, n, at_s, ICTO_PREDICTION_DECODED,
                                       cancellable, error);
}

IctoContinuation *
icto_prediction_compute_full (IctoRecording       *recording,
                              IctoModel           *model,
                              const guint         *signals,
                              guint                n,
                              double               at_s,
                              IctoPredictionMode   mode,
                              GCancellable        *cancellable,
                              GError             **error)
{
  const IctoModelConfig *cfg;
  g_autoptr(IctoContinuation) ret = NULL;
  g_autoptr(IctoContinuationDecoder) dec = NULL;
  g_autoptr(IctoModelState) st = NULL;
  g_autofree guint *chans = NULL;
  g_autofree float *x = NULL;        /* [n_ch][T][L] */
  g_autofree float *preds = NULL;    /* [n_ch][D] predicted embeddings */
  gboolean have_next;
  double total_s, S, b;
  guint n_ch, n_sig, n_groups;
  int T = 0, D, pred_step;

  g_return_val_if_fail (ICTO_IS_RECORDING (recording), NULL);
  g_return_val_if_fail (model != NULL, NULL);
  g_return_val_if_fail (signals != NULL || n == 0, NULL);

  cfg = icto_model_get_config (model);
  D = cfg->n_embd;
  if (!icto_model_has_generative_head (model))
    {
      g_set_error (error, ICTO_MODEL_ERROR, ICTO_MODEL_ERROR_NO_HEAD,
                   _("The model has no generative head: it cannot predict the continuation"));
      return NULL;
    }
  if (cfg->segment_len != SEGMENT_LEN)
    {
      g_set_error (error, ICTO_CORE_ERROR, ICTO_CORE_ERROR_INVALID,
                   _("The model takes segments of %d samples; inference cuts 5 s at 512 Hz (%d samples)"),
                   cfg->segment_len, SEGMENT_LEN);
      return NULL;
    }

  total_s = icto_ticks_to_seconds (icto_recording_get_duration (recording));
  S = isfinite (at_s) ? floor (at_s / SEGMENT_S + 1e-9) * SEGMENT_S : -1;
  if (S < SEGMENT_S || S > total_s + 1e-9)
    {
      g_set_error (error, ICTO_CORE_ERROR, ICTO_CORE_ERROR_INVALID,
                   _("A continuation needs at least 5 s of recording before it and must start within the recording (%.3f s asked, %.3f s long)"),
                   at_s, total_s);
      return NULL;
    }
  n_sig = icto_recording_get_n_signals (recording);
  n_ch = n > 0 ? n : n_sig;
  if (n_ch == 0)
    {
      g_set_error (error, ICTO_CORE_ERROR, ICTO_CORE_ERROR_INVALID, _("No channels to run the model on"));
      return NULL;
    }
  chans = g_new (guint, n_ch);
  for (guint i = 0; i < n_ch; i++)
    {
      chans[i] = n > 0 ? signals[i] : i;
      if (chans[i] >= n_sig)
        {
          g_set_error (error, ICTO_CORE_ERROR, ICTO_CORE_ERROR_INVALID,
                       _("Channel index %u is not a data signal of the recording"), chans[i]);
          return NULL;
        }
    }

  /* with a real segment after S: the window ending at S + 5 s, whose
   * step T-2 predicts [S, S + 5) (the agreement the worker shows for that
   * segment); else the window ending at S and its last step */
  have_next = S + SEGMENT_S <= total_s + 1e-9;
  for (int attempt = 0; attempt < 2; attempt++)
    {
      double end_s = have_next ? S + SEGMENT_S : S;
      gboolean all_usable = TRUE;

      T = (int) MIN (WINDOW_T, floor (end_s / SEGMENT_S + 1e-9));
      T = MIN (T, cfg->n_positions);
      b = end_s - (double) T * SEGMENT_S;
      g_clear_pointer (&x, g_free);
      x = g_new (float, (gsize) n_ch * T * SEGMENT_LEN);
      for (guint i = 0; all_usable && i < n_ch; i++)
        {
          gboolean usable = FALSE;

          if (!read_resampled (recording, chans[i], b, T, x + (gsize) i * T * SEGMENT_LEN, &usable, error))
            return NULL;
          all_usable = usable;
          if (!usable && !have_next)
            {
              g_set_error (error, ICTO_CORE_ERROR, ICTO_CORE_ERROR_INVALID,
                           _("The %d s before %.1f s of channel %s touch a gap or hold samples that are not numbers"),
                           T * SEGMENT_S, S, icto_recording_get_signal (recording, chans[i])->label);
              return NULL;
            }
        }
      if (all_usable)
        break;
      have_next = FALSE;    /* the next segment is not usable: predict from the window ending at S */
    }
  pred_step = have_next ? T - 2 : T - 1;
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  dec = icto_continuation_decoder_new (model, error);
  if (dec == NULL)
    return NULL;
  st = icto_model_state_new (model, (int) MAX (1, g_get_num_processors ()));
  if (cancellable != NULL)
    icto_model_state_set_callbacks (st, NULL, abort_cb, cancellable);

  ret = g_new0 (IctoContinuation, 1);
  ret->start_s = S;
  ret->rate_hz = MODEL_RATE;
  ret->n_channels = n_ch;
  ret->n_samples = SEGMENT_LEN;
  ret->samples = g_new (float, (gsize) n_ch * SEGMENT_LEN);
  ret->agreement = g_new (float, n_ch);
  preds = g_new (float, (gsize) n_ch * D);

  /* groups of consecutive channels of near-equal size, as icto-inference */
  n_groups = (n_ch + cfg->n_channels - 1) / cfg->n_channels;
  for (guint k = 0; k < n_groups; k++)
    {
      guint first = (guint) ((guint64) k * n_ch / n_groups);
      int C = (int) ((guint) ((guint64) (k + 1) * n_ch / n_groups) - first);
      g_autofree float *seg = g_new (float, (gsize) T * C * SEGMENT_LEN);  /* [T, C, L] */
      g_autofree float *enc = g_new (float, (gsize) T * C * D);
      g_autoptr(IctoModelOutput) out = NULL;
      g_autoptr(GError) local = NULL;

      for (int t = 0; t < T; t++)
        for (int c = 0; c < C; c++)
          memcpy (seg + ((gsize) t * C + c) * SEGMENT_LEN, x + ((gsize) (first + c) * T + t) * SEGMENT_LEN,
                  sizeof (float) * SEGMENT_LEN);
      if (!icto_model_encode (st, seg, (gsize) T * C, enc, &local))
        goto failed;
      out = icto_model_forward_encoded (st, enc, T, C, ICTO_FORWARD_LAST_STEPS, &local);
      if (out == NULL)
        goto failed;
      if (out->gen_pred == NULL)
        {
          g_set_error (error, ICTO_MODEL_ERROR, ICTO_MODEL_ERROR_NO_HEAD,
                       _("The model has no generative head: it cannot predict the continuation"));
          return NULL;
        }
      for (int c = 0; c < C; c++)
        {
          const float *pred = out->gen_pred + ((gsize) pred_step * C + c) * D;
          /* the real segment before S */
          const float *prev = x + ((gsize) (first + c) * T + pred_step) * SEGMENT_LEN;
          float *dst = ret->samples + (gsize) (first + c) * SEGMENT_LEN;
          double ss = 0, rms;

          memcpy (preds + (gsize) (first + c) * D, pred, sizeof (float) * D);
          icto_continuation_decoder_decode (dec, pred, dst);
          for (int i = 0; i < SEGMENT_LEN; i++)
            ss += (double) prev[i] * prev[i];
          rms = sqrt (ss / SEGMENT_LEN);
          for (int i = 0; i < SEGMENT_LEN; i++)
            dst[i] = (float) (dst[i] * rms);
          ret->agreement[first + c] = have_next && out->agreement != NULL
                                      ? out->agreement[(gsize) pred_step * C + c] : NAN;
        }
      continue;

    failed:
      if (!set_cancelled_from_model (local, error))
        g_propagate_error (error, g_steal_pointer (&local));
      return NULL;
    }

  if (mode & ICTO_PREDICTION_RETRIEVE)
    {
      ret->source_s = g_new (double, n_ch);
      ret->source_cosine = g_new (float, n_ch);
      ret->source_samples = g_new (float, (gsize) n_ch * SEGMENT_LEN);
      ret->embedding_dim = (guint) D;
      ret->embedding = g_memdup2 (preds, sizeof (float) * n_ch * D);
      for (guint i = 0; i < n_ch; i++)
        {
          if (g_cancellable_set_error_if_cancelled (cancellable, error))
            return NULL;
          if (!retrieve_channel (recording, st, chans[i], preds + (gsize) i * D, D, ret, i, error))
            return NULL;
        }
    }
  return g_steal_pointer (&ret);
}

typedef struct {
  IctoRecording *recording;
  IctoModel     *model;
  guint         *signals;
  guint          n;
  double         at_s;
  IctoPredictionMode mode;
} ComputeData;

static void
compute_data_free (gpointer data)
{
  ComputeData *cd = data;

  g_clear_object (&cd->recording);
  g_clear_pointer (&cd->model, icto_model_unref);
  g_free (cd->signals);
  g_free (cd);
}

static void
compute_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  ComputeData *cd = task_data;
  GError *error = NULL;
  IctoContinuation *ret;

  ret = icto_prediction_compute_full (cd->recording, cd->model, cd->signals, cd->n, cd->at_s, cd->mode,
                                      cancellable, &error);
  if (ret == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, ret, (GDestroyNotify) icto_continuation_free);
}

void
icto_prediction_compute_async (IctoRecording       *recording,
                               IctoModel           *model,
                               const guint         *signals,
                               guint                n,
                               double               at_s,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  icto_prediction_compute_full_async (recording, model, signals, n, at_s, ICTO_PREDICTION_DECODED,
                                      cancellable, callback, user_data);
}

void
icto_prediction_compute_full_async (IctoRecording       *recording,
                                    IctoModel           *model,
                                    const guint         *signals,
                                    guint                n,
                                    double               at_s,
                                    IctoPredictionMode   mode,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  ComputeData *cd;

  g_return_if_fail (ICTO_IS_RECORDING (recording));
  g_return_if_fail (model != NULL);

  cd = g_new0 (ComputeData, 1);
  cd->recording = g_object_ref (recording);
  cd->model = icto_model_ref (model);
  cd->signals = n > 0 ? g_memdup2 (signals, sizeof (guint) * n) : NULL;
  cd->n = n;
  cd->at_s = at_s;
  cd->mode = mode;
  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, icto_prediction_compute_async);
  g_task_set_task_data (task, cd, compute_data_free);
  g_task_run_in_thread (task, compute_thread);
}

IctoContinuation *
icto_prediction_compute_finish (GAsyncResult  *result,
                                GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

IctoContinuation *
icto_prediction_compute_full_finish (GAsyncResult  *result,
                                     GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}
