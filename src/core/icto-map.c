/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "icto-map"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "core/icto-core-error.h"
#include "core/icto-map.h"
#include "model/icto-model-state.h"
#include "signal/icto-filter.h"
#include "signal/icto-montage.h"
#include "signal/icto-resample.h"
#include "store/icto-layout-store.h"

#define MODEL_RATE   512
#define SEGMENT_S    5.0
#define SEGMENT_LEN  2560
#define WINDOW_T     25
#define MAX_CHANNELS 4096
#define HG_LOW       70.0
#define HG_HIGH      150.0
#define HG_MIN_RATE  330.0

/* ------------------------------------------------------------ quantities */

static const struct {
  const char *id;
  const char *title;
  const char *unit;
} quantities[ICTO_MAP_N_QUANTITIES] = {
  { "attention-from",     N_("Attention from the selected contact"), "" },
  { "attention-received", N_("Attention received"),                  "" },
  { "contribution",       N_("Contribution to the seizure logit"),   "" },
  { "agreement",          N_("Agreement"),                           "" },
  { "line-length",        N_("Line length"),                         "µV/s" },
  { "high-gamma",         N_("High-gamma power (70–150 Hz)"),        "µV²" },
};

const char *
icto_map_quantity_to_string (IctoMapQuantity quantity)
{
  g_return_val_if_fail (quantity < ICTO_MAP_N_QUANTITIES, NULL);
  return quantities[quantity].id;
}

gboolean
icto_map_quantity_from_string (const char      *text,
                               IctoMapQuantity *quantity)
{
  g_return_val_if_fail (quantity != NULL, FALSE);
  for (guint q = 0; text != NULL && q < ICTO_MAP_N_QUANTITIES; q++)
    if (strcmp (text, quantities[q].id) == 0)
      {
        *quantity = (IctoMapQuantity) q;
        return TRUE;
      }
  return FALSE;
}

const char *
icto_map_quantity_get_title (IctoMapQuantity quantity)
{
  g_return_val_if_fail (quantity < ICTO_MAP_N_QUANTITIES, NULL);
  return _(quantities[quantity].title);
}

const char *
icto_map_quantity_get_unit (IctoMapQuantity quantity)
{
  g_return_val_if_fail (quantity < ICTO_MAP_N_QUANTITIES, NULL);
  return quantities[quantity].unit;
}

gboolean
icto_map_quantity_is_signed (IctoMapQuantity quantity)
{
  return quantity == ICTO_MAP_CONTRIBUTION;
}

gboolean
icto_map_quantity_needs_model (IctoMapQuantity quantity)
{
  return quantity <= ICTO_MAP_AGREEMENT;
}

/* ------------------------------------------------------------ attention */

float *
icto_map_attention_matrix (const float *channel_attn,
                           int          n_layer,
                           int          C,
                           int          layer)
{
  gsize CC = (gsize) C * C;
  float *out;

  g_return_val_if_fail (channel_attn != NULL && n_layer > 0 && C > 0, NULL);
  if (layer >= n_layer || layer < ICTO_MAP_LAYERS_ROLLOUT)
    return NULL;
  out = g_new (float, CC);
  if (layer >= 0)
    memcpy (out, channel_attn + (gsize) layer * CC, sizeof (float) * CC);
  else if (layer == ICTO_MAP_LAYERS_MEAN)
    {
      for (gsize i = 0; i < CC; i++)
        {
          double s = 0;
          for (int l = 0; l < n_layer; l++)
            s += channel_attn[(gsize) l * CC + i];
          out[i] = (float) (s / n_layer);
        }
    }
  else
    {
      /* R = Â_L ... Â_1, accumulated in double: R <- Â_l R */
      g_autofree double *r = g_new0 (double, CC);
      g_autofree double *tmp = g_new (double, CC);

      for (int i = 0; i < C; i++)
        r[(gsize) i * C + i] = 1.0;
      for (int l = 0; l < n_layer; l++)
        {
          const float *a = channel_attn + (gsize) l * CC;
          for (int i = 0; i < C; i++)
            for (int j = 0; j < C; j++)
              {
                double s = 0;
                for (int k = 0; k < C; k++)
                  {
                    double ah = 0.5 * a[(gsize) i * C + k] + (i == k ? 0.5 : 0.0);
                    s += ah * r[(gsize) k * C + j];
                  }
                tmp[(gsize) i * C + j] = s;
              }
          memcpy (r, tmp, sizeof (double) * CC);
        }
      for (gsize i = 0; i < CC; i++)
        out[i] = (float) r[i];
    }
  return out;
}

void
icto_map_attention_received (const float *matrix,
                             int          C,
                             float       *out)
{
  g_return_if_fail (matrix != NULL && out != NULL && C > 0);
  for (int j = 0; j < C; j++)
    {
      double s = 0;
      for (int i = 0; i < C; i++)
        s += matrix[(gsize) i * C + j];
      out[j] = (float) (s / C);
    }
}

/* ------------------------------------------------------------ signal */

gboolean
icto_map_signal_power (IctoRecording  *recording,
                       const guint    *channels,
                       guint           n,
                       gint64          start,
                       gint64          end,
                       float          *line_length,
                       float          *high_gamma,
                       GError        **error)
{
  gint64 duration;

  g_return_val_if_fail (ICTO_IS_RECORDING (recording), FALSE);
  g_return_val_if_fail (channels != NULL || n == 0, FALSE);
  duration = icto_recording_get_duration (recording);
  if (!(end > start) || start < 0 || end > duration + 1)
    {
      g_set_error (error, ICTO_CORE_ERROR, ICTO_CORE_ERROR_INVALID,
                   _("The range %.3f s to %.3f s is not inside the recording"),
                   icto_ticks_to_seconds (start), icto_ticks_to_seconds (end));
      return FALSE;
    }
  for (guint i = 0; i < n; i++)
    {
      const IctoSignalInfo *info;
      double fs;
      gsize n_seg, pad = 0, n_read;
      gint64 read_start;
      g_autofree float *x = NULL;
      double ll = 0;
      gboolean finite = TRUE;

      if (channels[i] >= icto_recording_get_n_signals (recording))
        {
          g_set_error (error, ICTO_CORE_ERROR, ICTO_CORE_ERROR_INVALID,
                       _("Channel index %u is not a data signal of the recording"), channels[i]);
          return FALSE;
        }
      info = icto_recording_get_signal (recording, channels[i]);
      fs = info->sample_rate;
      n_seg = (gsize) floor (icto_ticks_to_seconds (end - start) * fs + 1e-6);
      if (n_seg < 2 || !(fs > 0) || n_seg > 1u << 26)
        {
          if (line_length)
            line_length[i] = NAN;
          if (high_gamma)
            high_gamma[i] = NAN;
          continue;
        }
      /* padding for the band-pass transient, where the recording has it */
      if (high_gamma && fs >= HG_MIN_RATE)
        pad = (gsize) ceil (fs);
      read_start = start - icto_seconds_to_ticks ((double) pad / fs);
      if (read_start < 0)
        {
          pad = (gsize) floor (icto_ticks_to_seconds (start) * fs);
          read_start = start - icto_seconds_to_ticks ((double) pad / fs);
        }
      n_read = pad + n_seg + pad;
      x = g_new (float, n_read);
      if (!icto_recording_read_range (recording, channels[i], read_start, n_read, x, NULL, error))
        return FALSE;
      for (gsize k = pad; k < pad + n_seg; k++)
        finite &= isfinite (x[k]);
      if (line_length)
        {
          for (gsize k = pad + 1; finite && k < pad + n_seg; k++)
            ll += fabs ((double) x[k] - x[k - 1]);
          line_length[i] = finite ? (float) (ll / (double) (n_seg - 1) * fs) : NAN;
        }
      if (high_gamma)
        {
          IctoFilterSpec spec = { HG_LOW, HG_HIGH, 0, 4 };
          double p = 0;
          gsize n_fin = n_read;

          if (fs < HG_MIN_RATE || !finite)
            {
              high_gamma[i] = NAN;
              continue;
            }
          /* samples past the end (NAN) are not filtered */
          while (n_fin > pad + n_seg && !isfinite (x[n_fin - 1]))
            n_fin--;
          for (gsize k = 0; k < pad; k++)
            if (!isfinite (x[k]))
              x[k] = 0;
          for (gsize k = pad + n_seg; k < n_fin; k++)
            if (!isfinite (x[k]))
              x[k] = 0;
          if (!icto_filter_apply (&spec, fs, x, n_fin, error))
            return FALSE;
          for (gsize k = pad; k < pad + n_seg; k++)
            p += (double) x[k] * x[k];
          high_gamma[i] = (float) (p / (double) n_seg);
        }
    }
  return TRUE;
}

/* ------------------------------------------------------------ result */

void
icto_map_result_free (IctoMapResult *result)
{
  if (result == NULL)
    return;
  g_free (result->channels);
  g_strfreev (result->labels);
  g_free (result->channel_attn);
  g_free (result->contribution);
  g_free (result->agreement);
  g_free (result->line_length);
  g_free (result->high_gamma);
  g_free (result);
}

gboolean
icto_map_result_get_values (const IctoMapResult *result,
                            IctoMapQuantity      quantity,
                            int                  layer,
                            int                  selected,
                            float               *out)
{
  guint C;
  const float *src = NULL;

  g_return_val_if_fail (result != NULL && out != NULL, FALSE);
  C = result->n_channels;
  for (guint i = 0; i < C; i++)
    out[i] = NAN;
  switch (quantity)
    {
    case ICTO_MAP_ATTENTION_FROM:
    case ICTO_MAP_ATTENTION_RECEIVED:
      {
        g_autofree float *m = NULL;
        if (result->channel_attn == NULL || C == 0)
          return FALSE;
        m = icto_map_attention_matrix (result->channel_attn, result->n_layer, (int) C, layer);
        if (m == NULL)
          return FALSE;
        if (quantity == ICTO_MAP_ATTENTION_RECEIVED)
          icto_map_attention_received (m, (int) C, out);
        else
          {
            if (selected < 0 || (guint) selected >= C)
              return FALSE;
            memcpy (out, m + (gsize) selected * C, sizeof (float) * C);
          }
        return TRUE;
      }
    case ICTO_MAP_CONTRIBUTION:
      src = result->contribution;
      break;
    case ICTO_MAP_AGREEMENT:
      src = result->agreement;
      break;
    case ICTO_MAP_LINE_LENGTH:
      src = result->line_length;
      break;
    case ICTO_MAP_HIGH_GAMMA:
      src = result->high_gamma;
      break;
    case ICTO_MAP_N_QUANTITIES:
    default:
      return FALSE;
    }
  if (src == NULL)
    return FALSE;
  memcpy (out, src, sizeof (float) * C);
  return TRUE;
}

/* ------------------------------------------------------------ compute */

static gboolean
abort_cb (gpointer user_data)
{
  return g_cancellable_is_cancelled (user_data);
}

/* One window ending at @end_s over the result's channels. */
static gboolean
run_model (IctoRecording  *recording,
           IctoModel      *model,
           IctoMapResult  *r,
           double          end_s,
           int             n_threads,
           GCancellable   *cancellable,
           GError        **error)
{
  const IctoModelConfig *cfg = icto_model_get_config (model);
  double total_s = icto_ticks_to_seconds (icto_recording_get_duration (recording));
  guint C = r->n_channels, n_groups, max_group = 0;
  g_autoptr(IctoModelState) st = NULL;
  g_autofree float *raw = NULL;
  g_autofree float *win = NULL;
  g_autofree float *x = NULL;
  gsize max_in = 0;
  double start_s;
  int T;

  if (cfg->segment_len != SEGMENT_LEN)
    {
      g_set_error (error, ICTO_CORE_ERROR, ICTO_CORE_ERROR_INVALID,
                   _("The model takes segments of %d samples; the map cuts 5 s at 512 Hz (%d samples)"),
                   cfg->segment_len, SEGMENT_LEN);
      return FALSE;
    }
  if (total_s < SEGMENT_S)
    return TRUE;   /* no model results: not an error */
  end_s = CLAMP (end_s, SEGMENT_S, total_s);
  T = MIN (WINDOW_T, (int) floor (end_s / SEGMENT_S + 1e-9));
  T = MIN (T, cfg->n_positions);
  start_s = end_s - T * SEGMENT_S;
  if (start_s < 0)
    start_s = 0;

  n_groups = (C + (guint) cfg->n_channels - 1) / (guint) cfg->n_channels;
  for (guint k = 0; k < n_groups; k++)
    max_group = MAX (max_group, (guint) ((guint64) (k + 1) * C / n_groups) - (guint) ((guint64) k * C / n_groups));
  for (guint i = 0; i < C; i++)
    max_in = MAX (max_in, (gsize) (T * SEGMENT_S * icto_recording_get_signal (recording, r->channels[i])->sample_rate) + 1);

  st = icto_model_state_new (model, n_threads > 0 ? n_threads : (int) MAX (1, g_get_num_processors ()));
  if (cancellable != NULL)
    icto_model_state_set_callbacks (st, NULL, abort_cb, cancellable);
  raw = g_new (float, max_in);
  win = g_new (float, (gsize) T * SEGMENT_LEN);
  x = g_new (float, (gsize) T * max_group * SEGMENT_LEN);

  r->n_layer = cfg->n_layer;
  r->n_segments = T;
  r->window_start_s = start_s;
  r->window_end_s = start_s + T * SEGMENT_S;
  r->channel_attn = g_new0 (float, (gsize) cfg->n_layer * C * C);
  r->contribution = g_new (float, C);
  r->agreement = g_new (float, C);
  r->seizure_prob = NAN;

  for (guint k = 0; k < n_groups; k++)
    {
      guint first = (guint) ((guint64) k * C / n_groups);
      int Cg = (int) ((guint) ((guint64) (k + 1) * C / n_groups) - first);
      g_autoptr(IctoModelOutput) out = NULL;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
      for (int c = 0; c < Cg; c++)
        {
          guint sig = r->channels[first + c];
          double fs = icto_recording_get_signal (recording, sig)->sample_rate;
          gsize n_in = (gsize) ((double) T * SEGMENT_LEN * fs / MODEL_RATE);

          if (n_in < 1)
            n_in = 1;
          if (icto_recording_get_n_gaps (recording) == 0)
            {
              /* continuous file: stored sample int(start fs) onwards, as the inference */
              gint64 firsts = (gint64) (start_s * fs);
              gint64 avail = icto_recording_get_n_samples (recording, sig);
              if (firsts + (gint64) n_in > avail)
                firsts = MAX (0, avail - (gint64) n_in);
              if ((gint64) n_in > avail)
                {
                  g_set_error (error, ICTO_CORE_ERROR, ICTO_CORE_ERROR_INVALID,
                               _("The channel “%s” is shorter than the model window"), r->labels[first + c]);
                  return FALSE;
                }
              if (!icto_recording_read_samples (recording, sig, firsts, n_in, raw, error))
                return FALSE;
            }
          else if (!icto_recording_read_range (recording, sig, icto_seconds_to_ticks (start_s), n_in, raw, NULL, error))
            return FALSE;
          /* the model needs finite samples: gaps become 0 */
          for (gsize s = 0; s < n_in; s++)
            if (!isfinite (raw[s]))
              raw[s] = 0;
          icto_resample_linear (raw, n_in, win, (gsize) T * SEGMENT_LEN);
          for (int t = 0; t < T; t++)
            memcpy (x + ((gsize) t * Cg + c) * SEGMENT_LEN, win + (gsize) t * SEGMENT_LEN, sizeof (float) * SEGMENT_LEN);
        }
      out = icto_model_forward (st, x, T, Cg, SEGMENT_LEN, ICTO_FORWARD_LAST_STEPS, error);
      if (out == NULL)
        {
          if (error != NULL && g_error_matches (*error, ICTO_MODEL_ERROR, ICTO_MODEL_ERROR_CANCELLED))
            {
              g_clear_error (error);
              g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, _("Operation was cancelled"));
            }
          return FALSE;
        }
      for (int l = 0; l < cfg->n_layer; l++)
        for (int i = 0; i < Cg; i++)
          for (int j = 0; j < Cg; j++)
            r->channel_attn[((gsize) l * C + first + i) * C + first + j] =
              out->channel_attn[((gsize) l * Cg + i) * Cg + j];
      for (int c = 0; c < Cg; c++)
        {
          r->contribution[first + c] = out->has_class && out->contribution ? out->contribution[c] : NAN;
          r->agreement[first + c] = out->agreement && T >= 2 ? out->agreement[(gsize) (T - 2) * Cg + c] : NAN;
        }
      if (out->has_class)
        r->seizure_prob = isnan (r->seizure_prob) ? out->class_probs[1] : MAX (r->seizure_prob, out->class_probs[1]);
    }
  return TRUE;
}

IctoMapResult *
icto_map_compute (IctoRecording  *recording,
                  IctoModel      *model,
                  const guint    *channels,
                  guint           n_channels,
                  gint64          time,
                  int             n_threads,
                  GCancellable   *cancellable,
                  GError        **error)
{
  g_autoptr(IctoMapResult) r = g_new0 (IctoMapResult, 1);
  gint64 duration, seg = icto_seconds_to_ticks (SEGMENT_S), end, start;
  guint n_sig;

  g_return_val_if_fail (ICTO_IS_RECORDING (recording), NULL);
  n_sig = icto_recording_get_n_signals (recording);
  duration = icto_recording_get_duration (recording);
  r->time = time;
  r->seizure_prob = NAN;
  if (channels != NULL)
    {
      if (n_channels > MAX_CHANNELS)
        {
          g_set_error (error, ICTO_CORE_ERROR, ICTO_CORE_ERROR_INVALID, _("Too many channels for the map"));
          return NULL;
        }
      r->channels = g_memdup2 (channels, sizeof (guint) * MAX (n_channels, 1));
      r->n_channels = n_channels;
    }
  else
    {
      r->channels = g_new (guint, MAX (n_sig, 1));
      for (guint i = 0; i < n_sig; i++)
        if (icto_recording_get_signal (recording, i)->is_voltage)
          r->channels[r->n_channels++] = i;
    }
  if (r->n_channels == 0)
    {
      g_set_error (error, ICTO_CORE_ERROR, ICTO_CORE_ERROR_INVALID, _("No channels to draw on the map"));
      return NULL;
    }
  r->labels = g_new0 (char *, r->n_channels + 1);
  for (guint i = 0; i < r->n_channels; i++)
    {
      if (r->channels[i] >= n_sig)
        {
          g_set_error (error, ICTO_CORE_ERROR, ICTO_CORE_ERROR_INVALID,
                       _("Channel index %u is not a data signal of the recording"), r->channels[i]);
          return NULL;
        }
      r->labels[i] = g_strdup (icto_recording_get_signal (recording, r->channels[i])->label);
    }

  /* the signal quantities: the 5 s before the time (clamped to the recording) */
  end = CLAMP (time, MIN (seg, duration), duration);
  start = MAX (0, end - seg);
  r->signal_start_s = icto_ticks_to_seconds (start);
  r->signal_end_s = icto_ticks_to_seconds (end);
  r->line_length = g_new (float, r->n_channels);
  r->high_gamma = g_new (float, r->n_channels);
  if (end <= start)
    for (guint i = 0; i < r->n_channels; i++)
      r->line_length[i] = r->high_gamma[i] = NAN;
  else if (!icto_map_signal_power (recording, r->channels, r->n_channels, start, end,
                                   r->line_length, r->high_gamma, error))
    return NULL;
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;
  if (model != NULL && !run_model (recording, model, r, icto_ticks_to_seconds (time), n_threads, cancellable, error))
    return NULL;
  return g_steal_pointer (&r);
}

typedef struct {
  IctoRecording *recording;
  IctoModel     *model;
  guint         *channels;
  guint          n_channels;
  gint64         time;
  int            n_threads;
} ComputeData;

static void
compute_data_free (gpointer p)
{
  ComputeData *d = p;
  g_clear_object (&d->recording);
  g_clear_pointer (&d->model, icto_model_unref);
  g_free (d->channels);
  g_free (d);
}

static void
compute_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  ComputeData *d = task_data;
  GError *error = NULL;
  IctoMapResult *r = icto_map_compute (d->recording, d->model, d->channels, d->n_channels, d->time,
                                       d->n_threads, cancellable, &error);

  if (r == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, r, (GDestroyNotify) icto_map_result_free);
}

void
icto_map_compute_async (IctoRecording       *recording,
                        IctoModel           *model,
                        const guint         *channels,
                        guint                n_channels,
                        gint64               time,
                        int                  n_threads,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  ComputeData *d;

  g_return_if_fail (ICTO_IS_RECORDING (recording));
  d = g_new0 (ComputeData, 1);
  d->recording = g_object_ref (recording);
  d->model = model ? icto_model_ref (model) : NULL;
  d->channels = channels ? g_memdup2 (channels, sizeof (guint) * MAX (n_channels, 1)) : NULL;
  d->n_channels = n_channels;
  d->time = time;
  d->n_threads = n_threads;
  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, icto_map_compute_async);
  g_task_set_task_data (task, d, compute_data_free);
  g_task_run_in_thread (task, compute_thread);
}

IctoMapResult *
icto_map_compute_finish (GAsyncResult  *result,
                         GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ------------------------------------------------------------ SOZ */

void
icto_soz_agreement_free (IctoSozAgreement *agreement)
{
  if (agreement == NULL)
    return;
  g_strfreev (agreement->soz);
  g_free (agreement->ranks);
  g_strfreev (agreement->top);
  g_strfreev (agreement->missing);
  g_free (agreement);
}

typedef struct {
  const float *scores;
} RankCtx;

static gint
compare_rank (gconstpointer a, gconstpointer b, gpointer user_data)
{
  const RankCtx *ctx = user_data;
  guint i = *(const guint *) a, j = *(const guint *) b;
  float x = ctx->scores[i], y = ctx->scores[j];
  gboolean xn = isnan (x), yn = isnan (y);

  if (xn != yn)
    return xn ? 1 : -1;
  if (!xn && x != y)
    return x > y ? -1 : 1;
  return i < j ? -1 : (i > j ? 1 : 0);
}

IctoSozAgreement *
icto_map_soz_agreement (const float        *scores,
                        const char *const  *labels,
                        guint               n,
                        const char *const  *soz,
                        guint               k)
{
  IctoSozAgreement *a = g_new0 (IctoSozAgreement, 1);
  g_autofree guint *order = g_new (guint, n + 1);
  g_autofree guint *rank = g_new (guint, n + 1);
  g_autoptr(GPtrArray) found = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) missing = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) top = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GArray) ranks = g_array_new (FALSE, FALSE, sizeof (guint));
  RankCtx ctx = { scores };
  double rank_sum = 0;

  g_return_val_if_fail (scores != NULL || n == 0, a);
  for (guint i = 0; i < n; i++)
    order[i] = i;
  g_qsort_with_data (order, (gint) n, sizeof (guint), compare_rank, &ctx);
  for (guint r = 0; r < n; r++)
    rank[order[r]] = r + 1;

  for (guint s = 0; soz != NULL && soz[s] != NULL; s++)
    {
      g_autofree char *want = g_strstrip (g_strdup (soz[s]));
      int idx = -1;
      gboolean dup = FALSE;

      if (*want == '\0')
        continue;
      for (guint i = 0; i < found->len && !dup; i++)
        dup = strcmp (found->pdata[i], want) == 0;
      if (dup)
        continue;
      for (guint i = 0; i < n && idx < 0; i++)
        {
          g_autofree char *l = g_strstrip (g_strdup (labels[i]));
          if (strcmp (l, want) == 0)
            idx = (int) i;
        }
      if (idx < 0)
        {
          g_ptr_array_add (missing, g_steal_pointer (&want));
          continue;
        }
      g_array_append_val (ranks, rank[idx]);
      rank_sum += rank[idx];
      g_ptr_array_add (found, g_steal_pointer (&want));
    }
  a->n_soz = found->len;
  a->k = k > 0 ? MIN (k, n) : MIN (a->n_soz, n);
  for (guint r = 0; r < a->k; r++)
    {
      g_autofree char *l = g_strstrip (g_strdup (labels[order[r]]));
      for (guint s = 0; s < found->len; s++)
        if (strcmp (found->pdata[s], l) == 0)
          a->hits++;
      g_ptr_array_add (top, g_steal_pointer (&l));
    }
  a->precision = a->k > 0 ? (double) a->hits / a->k : NAN;
  a->recall = a->n_soz > 0 ? (double) a->hits / a->n_soz : NAN;
  a->mean_rank = a->n_soz > 0 ? rank_sum / a->n_soz : NAN;
  g_ptr_array_add (found, NULL);
  g_ptr_array_add (missing, NULL);
  g_ptr_array_add (top, NULL);
  a->soz = (char **) g_ptr_array_free (g_steal_pointer (&found), FALSE);
  a->missing = (char **) g_ptr_array_free (g_steal_pointer (&missing), FALSE);
  a->top = (char **) g_ptr_array_free (g_steal_pointer (&top), FALSE);
  a->ranks = (guint *) g_array_free (g_steal_pointer (&ranks), FALSE);
  return a;
}

IctoSozAgreement *
icto_map_soz_agreement_for_seizure (IctoRecording      *recording,
                                    IctoModel          *model,
                                    const guint        *channels,
                                    guint               n_channels,
                                    gint64              eec,
                                    const char *const  *soz,
                                    IctoMapQuantity     quantity,
                                    int                 n_threads,
                                    float             **scores_out,
                                    GCancellable       *cancellable,
                                    GError            **error)
{
  gint64 duration, seg = icto_seconds_to_ticks (SEGMENT_S);
  gint64 times[2];
  guint n_times;
  g_autofree float *sum = NULL;
  g_autofree guint *count = NULL;
  g_autofree float *values = NULL;
  g_auto(GStrv) labels = NULL;
  guint C = 0;
  IctoSozAgreement *a;

  g_return_val_if_fail (ICTO_IS_RECORDING (recording), NULL);
  if (quantity != ICTO_MAP_CONTRIBUTION && quantity != ICTO_MAP_ATTENTION_RECEIVED &&
      quantity != ICTO_MAP_LINE_LENGTH && quantity != ICTO_MAP_HIGH_GAMMA)
    {
      g_set_error (error, ICTO_CORE_ERROR, ICTO_CORE_ERROR_INVALID,
                   _("The onset-zone agreement uses the contribution, attention received, line length or high-gamma power"));
      return NULL;
    }
  if (icto_map_quantity_needs_model (quantity) && model == NULL)
    {
      g_set_error (error, ICTO_CORE_ERROR, ICTO_CORE_ERROR_INVALID, _("This quantity needs a model"));
      return NULL;
    }
  duration = icto_recording_get_duration (recording);
  if (eec < 0 || eec >= duration)
    {
      g_set_error (error, ICTO_CORE_ERROR, ICTO_CORE_ERROR_INVALID,
                   _("The seizure onset at %.3f s is not inside the recording"), icto_ticks_to_seconds (eec));
      return NULL;
    }
  times[0] = MIN (eec + seg, duration);
  times[1] = MIN (eec + 2 * seg, duration);
  n_times = times[1] == times[0] ? 1 : 2;
  for (guint t = 0; t < n_times; t++)
    {
      g_autoptr(IctoMapResult) r = icto_map_compute (recording, icto_map_quantity_needs_model (quantity) ? model : NULL,
                                                     channels, n_channels, times[t], n_threads, cancellable, error);
      if (r == NULL)
        return NULL;
      if (sum == NULL)
        {
          C = r->n_channels;
          sum = g_new0 (float, C);
          count = g_new0 (guint, C);
          values = g_new (float, C);
          labels = g_strdupv (r->labels);
        }
      if (!icto_map_result_get_values (r, quantity, ICTO_MAP_LAYERS_MEAN, -1, values))
        continue;
      for (guint i = 0; i < C; i++)
        if (isfinite (values[i]))
          {
            sum[i] += values[i];
            count[i]++;
          }
    }
  for (guint i = 0; i < C; i++)
    sum[i] = count[i] > 0 ? sum[i] / count[i] : NAN;
  a = icto_map_soz_agreement (sum, (const char *const *) labels, C, soz, 0);
  if (scores_out)
    *scores_out = g_steal_pointer (&sum);
  return a;
}

typedef struct {
  IctoRecording   *recording;
  IctoModel       *model;
  guint           *channels;
  guint            n_channels;
  gint64           eec;
  char           **soz;
  IctoMapQuantity  quantity;
} SozData;

static void
soz_data_free (gpointer p)
{
  SozData *d = p;
  g_clear_object (&d->recording);
  g_clear_pointer (&d->model, icto_model_unref);
  g_free (d->channels);
  g_strfreev (d->soz);
  g_free (d);
}

static void
soz_thread (GTask        *task,
            gpointer      source_object,
            gpointer      task_data,
            GCancellable *cancellable)
{
  SozData *d = task_data;
  GError *error = NULL;
  IctoSozAgreement *a = icto_map_soz_agreement_for_seizure (d->recording, d->model, d->channels, d->n_channels,
                                                            d->eec, (const char *const *) d->soz, d->quantity,
                                                            0, NULL, cancellable, &error);
  if (a == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, a, (GDestroyNotify) icto_soz_agreement_free);
}

void
icto_map_soz_agreement_async (IctoRecording       *recording,
                              IctoModel           *model,
                              const guint         *channels,
                              guint                n_channels,
                              gint64               eec,
                              const char *const   *soz,
                              IctoMapQuantity      quantity,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  SozData *d;

  g_return_if_fail (ICTO_IS_RECORDING (recording));
  d = g_new0 (SozData, 1);
  d->recording = g_object_ref (recording);
  d->model = model ? icto_model_ref (model) : NULL;
  d->channels = channels ? g_memdup2 (channels, sizeof (guint) * MAX (n_channels, 1)) : NULL;
  d->n_channels = n_channels;
  d->eec = eec;
  d->soz = g_strdupv ((char **) soz);
  d->quantity = quantity;
  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, icto_map_soz_agreement_async);
  g_task_set_task_data (task, d, soz_data_free);
  g_task_run_in_thread (task, soz_thread);
}

IctoSozAgreement *
icto_map_soz_agreement_finish (GAsyncResult  *result,
                               GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ------------------------------------------------------------ layout */

IctoLayout *
icto_map_layout_for_recording (IctoRecording  *recording,
                               const char     *electrodes_path,
                               GError        **error)
{
  guint n = icto_recording_get_n_signals (recording);
  g_autoptr(GPtrArray) labels = g_ptr_array_new ();
  g_autofree gboolean *skip = g_new0 (gboolean, n + 1);
  g_autofree char *tsv = NULL;
  g_autofree char *channels_tsv = NULL;
  g_auto(GStrv) names = NULL;
  char **groups_tsv = NULL;
  g_autofree gboolean *bad = NULL;
  g_autofree const char **groups = g_new0 (const char *, n + 1);
  IctoLayout *layout = NULL;

  g_return_val_if_fail (ICTO_IS_RECORDING (recording), NULL);
  for (guint i = 0; i < n; i++)
    {
      const IctoSignalInfo *info = icto_recording_get_signal (recording, i);
      g_ptr_array_add (labels, info->label);
      skip[i] = !info->is_voltage;
    }
  /* BIDS groups from channels.tsv, by name */
  channels_tsv = icto_layout_find_sidecar (icto_recording_get_path (recording), "channels.tsv");
  if (channels_tsv != NULL && icto_montage_read_channels_tsv (channels_tsv, &names, &groups_tsv, &bad, NULL))
    {
      for (guint j = 0; names[j] != NULL; j++)
        for (guint i = 0; i < n; i++)
          if (groups_tsv[j] != NULL && strcmp (labels->pdata[i], names[j]) == 0)
            groups[i] = groups_tsv[j];
    }
  tsv = electrodes_path ? g_strdup (electrodes_path)
                        : icto_layout_find_sidecar (icto_recording_get_path (recording), "electrodes.tsv");
  if (tsv != NULL)
    {
      g_autoptr(GError) local = NULL;
      layout = icto_layout_new_from_bids (tsv, NULL, (const char *const *) labels->pdata, n, groups, skip, &local);
      if (layout == NULL && electrodes_path != NULL)
        g_propagate_error (error, g_steal_pointer (&local));
      else if (layout == NULL)
        g_message ("%s: %s", tsv, local->message);
    }
  if (layout == NULL && (electrodes_path == NULL))
    layout = icto_layout_new_from_labels ((const char *const *) labels->pdata, n, groups, skip,
                                          ICTO_LAYOUT_HINT_AUTO, NULL, 0);
  if (groups_tsv != NULL)
    {
      for (guint j = 0; names[j] != NULL; j++)
        g_free (groups_tsv[j]);
      g_free (groups_tsv);
    }
  return layout;
}

guint *
icto_map_layout_channels (const IctoLayout *layout,
                          guint            *n)
{
  guint nc = icto_layout_get_n_contacts (layout), k = 0;
  guint *out = g_new (guint, nc + 1);

  for (guint i = 0; i < nc; i++)
    {
      const IctoContact *c = icto_layout_get_contact (layout, i);
      if (c->channel >= 0)
        out[k++] = (guint) c->channel;
    }
  *n = k;
  return out;
}

static char **
soz_from_channels_tsv (const char *path)
{
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  g_auto(GStrv) header = NULL;
  g_autoptr(GPtrArray) out = NULL;
  int col_name = -1, col_soz = -1;
  gsize len;

  if (path == NULL || !g_file_get_contents (path, &contents, &len, NULL) || len > 16 * 1024 * 1024 ||
      !g_utf8_validate (contents, (gssize) len, NULL))
    return NULL;
  lines = g_strsplit (contents, "\n", -1);
  if (lines[0] == NULL)
    return NULL;
  header = g_strsplit (g_strchomp (lines[0]), "\t", -1);
  for (int i = 0; header[i] != NULL; i++)
    {
      if (strcmp (header[i], "name") == 0)
        col_name = i;
      else if (strcmp (header[i], "soz") == 0)
        col_soz = i;
    }
  if (col_name < 0 || col_soz < 0)
    return NULL;
  out = g_ptr_array_new_with_free_func (g_free);
  for (guint l = 1; lines[l] != NULL; l++)
    {
      g_auto(GStrv) cells = g_strsplit (g_strchomp (lines[l]), "\t", -1);
      if ((int) g_strv_length (cells) <= MAX (col_name, col_soz))
        continue;
      if (g_ascii_strcasecmp (g_strstrip (cells[col_soz]), "true") == 0)
        g_ptr_array_add (out, g_strdup (g_strstrip (cells[col_name])));
    }
  if (out->len == 0)
    return NULL;
  g_ptr_array_add (out, NULL);
  return (char **) g_ptr_array_free (g_steal_pointer (&out), FALSE);
}

char **
icto_map_find_soz (IctoRecording *recording,
                   gint64        *onset)
{
  g_autofree char *channels_tsv = NULL;
  char **soz;
  gint64 eec = -1, other = -1;

  g_return_val_if_fail (ICTO_IS_RECORDING (recording), NULL);
  for (guint i = 0; i < icto_recording_get_n_annotations (recording); i++)
    {
      const IctoEdfAnnotation *a = icto_recording_get_annotation (recording, i);
      g_autofree char *lower = g_utf8_strdown (a->text ? a->text : "", -1);
      if (eec < 0 && g_strcmp0 (g_strstrip (lower), "eec") == 0)
        eec = a->onset;
      else if (other < 0 && (strstr (lower, "onset") || strstr (lower, "sz start") || strstr (lower, "seizure")))
        other = a->onset;
    }
  if (onset != NULL)
    *onset = eec >= 0 ? eec : other;
  channels_tsv = icto_layout_find_sidecar (icto_recording_get_path (recording), "channels.tsv");
  soz = soz_from_channels_tsv (channels_tsv);
  if (soz != NULL)
    return soz;
  for (guint i = 0; i < icto_recording_get_n_annotations (recording); i++)
    {
      const IctoEdfAnnotation *a = icto_recording_get_annotation (recording, i);
      const char *p = a->text ? strstr (a->text, "SOZ=") : NULL;
      if (p != NULL)
        {
          g_autofree char *list = g_strdup (p + 4);
          char *end = list + strcspn (list, " ;\t");
          *end = '\0';
          soz = g_strsplit (list, ",", -1);
          for (guint k = 0; soz[k] != NULL; k++)
            g_strstrip (soz[k]);
          if (soz[0] != NULL && *soz[0] != '\0')
            return soz;
          g_strfreev (soz);
        }
    }
  return NULL;
}

gboolean *
icto_map_read_bad_channels (IctoRecording *recording)
{
  guint n = icto_recording_get_n_signals (recording);
  gboolean *out = g_new0 (gboolean, n + 1);
  g_autofree char *tsv = icto_layout_find_sidecar (icto_recording_get_path (recording), "channels.tsv");
  g_auto(GStrv) names = NULL;
  char **groups = NULL;
  g_autofree gboolean *bad = NULL;

  if (tsv == NULL || !icto_montage_read_channels_tsv (tsv, &names, &groups, &bad, NULL))
    return out;
  for (guint j = 0; names[j] != NULL; j++)
    {
      int s = bad[j] ? icto_recording_find_signal (recording, names[j]) : -1;
      if (s >= 0 && (guint) s < n)
        out[s] = TRUE;
      g_free (groups[j]);
    }
  g_free (groups);
  return out;
}

gboolean
icto_map_layout_save (IctoStore         *store,
                      IctoRecording     *recording,
                      const char        *patient,
                      const char        *name,
                      const IctoLayout  *layout,
                      GError           **error)
{
  g_autofree char *text = NULL;
  gint64 id;

  g_return_val_if_fail (ICTO_IS_STORE (store) && ICTO_IS_RECORDING (recording) && layout != NULL, FALSE);
  id = icto_store_ensure_recording (store, icto_recording_get_fingerprint (recording),
                                    icto_recording_get_path (recording), icto_recording_get_duration (recording), error);
  if (id <= 0)
    return FALSE;
  text = icto_layout_to_tsv (layout);
  return icto_store_save_layout (store, id, patient, name, text, error) > 0;
}

IctoLayout *
icto_map_layout_load (IctoStore      *store,
                      IctoRecording  *recording,
                      const char     *patient,
                      GError        **error)
{
  g_autoptr(IctoStoredLayout) stored = NULL;
  g_autoptr(GPtrArray) labels = g_ptr_array_new ();
  g_autofree gboolean *skip = NULL;
  gint64 id;
  guint n;

  g_return_val_if_fail (ICTO_IS_STORE (store) && ICTO_IS_RECORDING (recording), NULL);
  id = icto_store_find_recording (store, icto_recording_get_fingerprint (recording), NULL);
  stored = icto_store_load_layout (store, MAX (id, 0), patient, error);
  if (stored == NULL)
    return NULL;
  n = icto_recording_get_n_signals (recording);
  skip = g_new0 (gboolean, n + 1);
  for (guint i = 0; i < n; i++)
    {
      g_ptr_array_add (labels, icto_recording_get_signal (recording, i)->label);
      skip[i] = !icto_recording_get_signal (recording, i)->is_voltage;
    }
  return icto_layout_new_from_tsv_data (stored->electrodes, -1, 1.0, (const char *const *) labels->pdata, n,
                                        NULL, skip, error);
}
