/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "icto-inference"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "core/icto-core-error.h"
#include "core/icto-inference.h"
#include "model/icto-model-state.h"
#include "signal/icto-resample.h"

#define MODEL_RATE   512
#define SEGMENT_S    5
#define SEGMENT_LEN  (MODEL_RATE * SEGMENT_S)
#define WINDOW_T     25

typedef struct {
  guint  first, count;     /* channels [first, first + count) of the channel list */
  float *prev_x;           /* [T, count, L] resampled samples of the previous window */
  float *prev_enc;         /* [T, count, D] */
  gboolean have_prev;
} Group;

/* ---- encoding cache (worker helper) ---- */

typedef struct {
  guint  signal;
  gint64 first;
} EncKey;

struct _IctoEncodingCache {
  GHashTable *table;    /* EncKey* -> float[D] (the key and value in one block) */
  GQueue      order;    /* EncKey*, oldest first */
  gsize       max_bytes;
  gsize       bytes;
  int         D;
  guint64     hits, misses;
};

static guint
enc_key_hash (gconstpointer p)
{
  const EncKey *k = p;

  return (guint) (k->signal * 2654435761u) ^ (guint) (k->first ^ (k->first >> 32));
}

static gboolean
enc_key_equal (gconstpointer a,
               gconstpointer b)
{
  const EncKey *x = a, *y = b;

  return x->signal == y->signal && x->first == y->first;
}

IctoEncodingCache *
icto_encoding_cache_new (gsize max_bytes)
{
  IctoEncodingCache *cache = g_new0 (IctoEncodingCache, 1);

  cache->table = g_hash_table_new_full (enc_key_hash, enc_key_equal, g_free, NULL);
  g_queue_init (&cache->order);
  cache->max_bytes = max_bytes;
  return cache;
}

void
icto_encoding_cache_free (IctoEncodingCache *cache)
{
  if (cache == NULL)
    return;
  g_queue_clear (&cache->order);
  g_hash_table_destroy (cache->table);
  g_free (cache);
}

void
icto_encoding_cache_get_stats (IctoEncodingCache *cache,
                               guint64           *hits,
                               guint64           *misses)
{
  g_return_if_fail (cache != NULL);
  if (hits != NULL)
    *hits = cache->hits;
  if (misses != NULL)
    *misses = cache->misses;
}

static const float *
enc_cache_lookup (IctoEncodingCache *cache,
                  int                D,
                  guint              signal,
                  gint64             first)
{
  EncKey key = { signal, first };
  EncKey *found;

  if (cache->D != D)
    return NULL;
  found = g_hash_table_lookup (cache->table, &key);
  if (found == NULL)
    {
      cache->misses++;
      return NULL;
    }
  cache->hits++;
  return (const float *) (gpointer) (found + 1);
}

static void
enc_cache_insert (IctoEncodingCache *cache,
                  int                D,
                  guint              signal,
                  gint64             first,
                  const float       *enc)
{
  gsize entry = sizeof (EncKey) + sizeof (float) * (gsize) D;
  EncKey *k;

  if (cache->D != D)
    {
      /* another model: start afresh */
      g_queue_clear (&cache->order);
      g_hash_table_remove_all (cache->table);
      cache->bytes = 0;
      cache->D = D;
    }
  if (entry > cache->max_bytes)
    return;
  k = g_malloc (entry);
  k->signal = signal;
  k->first = first;
  if (g_hash_table_contains (cache->table, k))
    {
      g_free (k);
      return;
    }
  memcpy (k + 1, enc, sizeof (float) * (gsize) D);
  while (cache->bytes + entry > cache->max_bytes && cache->order.length > 0)
    {
      EncKey *old = g_queue_pop_head (&cache->order);

      g_hash_table_remove (cache->table, old);   /* frees it */
      cache->bytes -= entry;
    }
  g_hash_table_add (cache->table, k);
  g_queue_push_tail (&cache->order, k);
  cache->bytes += entry;
}

guint
icto_inference_count_windows (double duration_s)
{
  double full = (double) WINDOW_T * SEGMENT_S;

  if (duration_s < SEGMENT_S)
    return 0;
  if (duration_s < full)
    return 1;
  return (guint) floor ((duration_s - full) / SEGMENT_S + 1e-9) + 1;
}

static gboolean
abort_cb (gpointer user_data)
{
  return g_cancellable_is_cancelled (user_data);
}

static gboolean
run_windows (IctoRecording               *recording,
                    IctoModel                   *model,
                    const IctoInferenceOptions  *options,
                    IctoInferenceWindowFunc      window_func,
                    IctoInferenceProgressFunc    progress_func,
                    gpointer                     user_data,
                    GCancellable                *cancellable,
                    GError                     **error)
{
  const IctoModelConfig *cfg;
  g_autoptr(IctoModelState) st = NULL;
  g_autofree guint *chans = NULL;
  g_autofree Group *groups = NULL;
  g_autofree float *raw = NULL;
  g_autofree float *win = NULL;       /* [n_channels, T * L] resampled */
  g_autofree float *x = NULL;         /* [T, Cg, L] */
  g_autofree float *enc = NULL;       /* [T, Cg, D] */
  g_autofree float *pack_x = NULL;
  g_autofree float *pack_enc = NULL;
  g_autofree int *pack_idx = NULL;
  g_autofree float *agreement = NULL;
  g_autofree float *features = NULL;  /* [D] channel mean of the last step */
  g_autofree float *contribution = NULL;
  double total_s, start_s, end_s, span;
  guint n_ch, n_groups, n_windows, max_group = 0;
  int T, D, threads;
  gsize max_in = 0;
  gboolean ok = TRUE;
  gboolean fast;              /* every channel at 512 Hz in a continuous file */
  gboolean have_prev_window = FALSE;
  gint64 *prev_first = NULL;  /* first sample read per channel for the previous window */

  g_return_val_if_fail (ICTO_IS_RECORDING (recording), FALSE);
  g_return_val_if_fail (model != NULL, FALSE);
  g_return_val_if_fail (options != NULL, FALSE);

  cfg = icto_model_get_config (model);
  D = cfg->n_embd;
  if (cfg->segment_len != SEGMENT_LEN)
    {
      g_set_error (error, ICTO_CORE_ERROR, ICTO_CORE_ERROR_INVALID,
                   _("The model takes segments of %d samples; inference cuts 5 s at 512 Hz (%d samples)"),
                   cfg->segment_len, SEGMENT_LEN);
      return FALSE;
    }

  total_s = icto_ticks_to_seconds (icto_recording_get_duration (recording));
  start_s = options->start_s;
  end_s = options->duration_s > 0 ? MIN (total_s, start_s + options->duration_s) : total_s;
  span = end_s - start_s;
  if (!(start_s >= 0) || span < SEGMENT_S)
    {
      g_set_error (error, ICTO_CORE_ERROR, ICTO_CORE_ERROR_INVALID,
                   _("The range from %.3f s to %.3f s is shorter than one 5-s segment; "
                     "the model needs at least 5 s of recording"), start_s, end_s);
      return FALSE;
    }
  T = span >= WINDOW_T * SEGMENT_S ? WINDOW_T : (int) floor (span / SEGMENT_S + 1e-9);
  n_windows = icto_inference_count_windows (span);
  if (T > cfg->n_positions)
    {
      g_set_error (error, ICTO_CORE_ERROR, ICTO_CORE_ERROR_INVALID,
                   _("The model handles at most %d segments per window; %d are needed"), cfg->n_positions, T);
      return FALSE;
    }

  n_ch = options->channels ? options->n_channels : icto_recording_get_n_signals (recording);
  if (n_ch == 0)
    {
      g_set_error (error, ICTO_CORE_ERROR, ICTO_CORE_ERROR_INVALID, _("No channels to run the model on"));
      return FALSE;
    }
  chans = g_new (guint, n_ch);
  for (guint i = 0; i < n_ch; i++)
    {
      chans[i] = options->channels ? options->channels[i] : i;
      if (chans[i] >= icto_recording_get_n_signals (recording))
        {
          g_set_error (error, ICTO_CORE_ERROR, ICTO_CORE_ERROR_INVALID,
                       _("Channel index %u is not a data signal of the recording"), chans[i]);
          return FALSE;
        }
      max_in = MAX (max_in, (gsize) (T * SEGMENT_S * icto_recording_get_signal (recording, chans[i])->sample_rate) + 1);
    }

  /* groups of consecutive channels, near-equal sizes */
  n_groups = (n_ch + cfg->n_channels - 1) / cfg->n_channels;
  groups = g_new0 (Group, n_groups);
  for (guint k = 0; k < n_groups; k++)
    {
      groups[k].first = (guint) ((guint64) k * n_ch / n_groups);
      groups[k].count = (guint) ((guint64) (k + 1) * n_ch / n_groups) - groups[k].first;
      max_group = MAX (max_group, groups[k].count);
    }

  /* At 512 Hz in a continuous file, resampling is the identity and the
   * window starting 5 s later holds the same samples shifted by exactly one
   * segment: only its last segment is read and encoded, the other T-1
   * encodings are those of the previous window (no comparison needed). */
  fast = icto_recording_get_n_gaps (recording) == 0;
  for (guint i = 0; fast && i < n_ch; i++)
    fast = icto_recording_get_signal (recording, chans[i])->sample_rate == MODEL_RATE;

  threads = options->n_threads > 0 ? options->n_threads : (int) MAX (1, g_get_num_processors ());
  st = icto_model_state_new (model, threads);
  if (cancellable != NULL)
    icto_model_state_set_callbacks (st, NULL, abort_cb, cancellable);

  raw = g_new (float, max_in);
  win = g_new (float, (gsize) n_ch * T * SEGMENT_LEN);
  x = g_new (float, (gsize) T * max_group * SEGMENT_LEN);
  enc = g_new (float, (gsize) T * max_group * D);
  pack_x = g_new (float, (gsize) T * max_group * SEGMENT_LEN);
  pack_enc = g_new (float, (gsize) T * max_group * D);
  pack_idx = g_new (int, (gsize) T * max_group);
  agreement = g_new (float, n_ch);
  features = g_new (float, D);
  contribution = g_new (float, n_ch);
  prev_first = g_new0 (gint64, n_ch);
  for (guint k = 0; k < n_groups; k++)
    {
      if (!fast)
        groups[k].prev_x = g_new (float, (gsize) T * groups[k].count * SEGMENT_LEN);
      groups[k].prev_enc = g_new (float, (gsize) T * groups[k].count * D);
    }

  for (guint w = 0; ok && w < n_windows; w++)
    {
      double b = start_s + (double) w * SEGMENT_S;
      gint64 b_ticks = icto_seconds_to_ticks (b);
      gboolean usable = TRUE;
      IctoInferenceWindow result = { 0 };
      float prob = NAN;
      gboolean incr = fast && have_prev_window;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        {
          ok = FALSE;
          break;
        }

      /* incremental only when every channel starts exactly one segment
       * after its previous start (else everything is read again) */
      for (guint i = 0; incr && i < n_ch; i++)
        incr = (gint64) (b * MODEL_RATE) == prev_first[i] + SEGMENT_LEN;

      /* read and resample every channel over the whole window */
      for (guint i = 0; usable && i < n_ch; i++)
        {
          double fs = icto_recording_get_signal (recording, chans[i])->sample_rate;
          gsize n_in = (gsize) ((double) T * SEGMENT_LEN * fs / MODEL_RATE);

          if (n_in < 1)
            usable = FALSE;
          else if (icto_recording_get_n_gaps (recording) == 0)
            {
              /* continuous file: stored sample int(b fs) onwards, as the official loader */
              gint64 first = (gint64) (b * fs);
              gsize skip = 0;

              if (incr)
                skip = (gsize) (T - 1) * SEGMENT_LEN;
              prev_first[i] = first;
              if (first + (gint64) n_in > icto_recording_get_n_samples (recording, chans[i]))
                usable = FALSE;
              else if (!icto_recording_read_samples (recording, chans[i], first + (gint64) skip,
                                                     n_in - skip, raw + skip, error))
                {
                  ok = FALSE;
                  break;
                }
              if (fast)
                {
                  /* identity resampling: check and copy the samples read */
                  for (gsize k = skip; usable && k < n_in; k++)
                    if (!isfinite (raw[k]))
                      usable = FALSE;
                  if (usable)
                    memcpy (win + (gsize) i * T * SEGMENT_LEN + skip, raw + skip, sizeof (float) * (n_in - skip));
                  continue;
                }
            }
          else if (!icto_recording_read_range (recording, chans[i], b_ticks, n_in, raw, NULL, error))
            {
              ok = FALSE;
              break;
            }
          for (gsize k = 0; usable && k < n_in; k++)
            if (!isfinite (raw[k]))
              usable = FALSE;
          if (usable)
            icto_resample_linear (raw, n_in, win + (gsize) i * T * SEGMENT_LEN, (gsize) T * SEGMENT_LEN);
        }
      if (!ok)
        break;
      if (!usable)
        {
          have_prev_window = FALSE;
          for (guint k = 0; k < n_groups; k++)
            groups[k].have_prev = FALSE;
          if (progress_func)
            progress_func (w + 1, n_windows, user_data);
          continue;
        }

      memset (features, 0, sizeof (float) * D);
      for (guint k = 0; ok && k < n_groups; k++)
        {
          Group *g = &groups[k];
          int C = (int) g->count;
          int n_pack = 0;
          const float *cached = NULL;
          g_autoptr(IctoModelOutput) out = NULL;

          if (incr && g->have_prev)
            {
              /* shared segments: the previous window's encodings one step later */
              memcpy (enc, g->prev_enc + (gsize) C * D, sizeof (float) * (gsize) (T - 1) * C * D);
              for (int c = 0; c < C; c++)
                {
                  memcpy (pack_x + (gsize) n_pack * SEGMENT_LEN,
                          win + ((gsize) (g->first + c) * T + (T - 1)) * SEGMENT_LEN, sizeof (float) * SEGMENT_LEN);
                  pack_idx[n_pack++] = (T - 1) * C + c;
                }
            }
          for (int t = 0; !(incr && g->have_prev) && t < T; t++)
            for (int c = 0; c < C; c++)
              {
                gsize n = (gsize) t * C + c;
                float *dst = x + n * SEGMENT_LEN;

                memcpy (dst, win + ((gsize) (g->first + c) * T + t) * SEGMENT_LEN, sizeof (float) * SEGMENT_LEN);
                /* the same samples one segment earlier in the previous window: reuse */
                if (!fast && g->have_prev && t + 1 < T &&
                    memcmp (dst, g->prev_x + ((gsize) (t + 1) * C + c) * SEGMENT_LEN, sizeof (float) * SEGMENT_LEN) == 0)
                  memcpy (enc + n * D, g->prev_enc + ((gsize) (t + 1) * C + c) * D, sizeof (float) * D);
                else if (fast && options->encodings != NULL &&
                         (cached = enc_cache_lookup (options->encodings, D, chans[g->first + c],
                                                     (gint64) (b * MODEL_RATE) + (gint64) t * SEGMENT_LEN)) != NULL)
                  memcpy (enc + n * D, cached, sizeof (float) * D);
                else
                  {
                    memcpy (pack_x + (gsize) n_pack * SEGMENT_LEN, dst, sizeof (float) * SEGMENT_LEN);
                    pack_idx[n_pack++] = (int) n;
                  }
              }
          if (n_pack > 0)
            {
              if (!icto_model_encode (st, pack_x, n_pack, pack_enc, error))
                {
                  ok = FALSE;
                  break;
                }
              for (int i = 0; i < n_pack; i++)
                memcpy (enc + (gsize) pack_idx[i] * D, pack_enc + (gsize) i * D, sizeof (float) * D);
              if (fast && options->encodings != NULL)
                for (int i = 0; i < n_pack; i++)
                  enc_cache_insert (options->encodings, D, chans[g->first + pack_idx[i] % C],
                                    (gint64) (b * MODEL_RATE) + (gint64) (pack_idx[i] / C) * SEGMENT_LEN,
                                    pack_enc + (gsize) i * D);
            }
          out = icto_model_forward_encoded (st, enc, T, C, ICTO_FORWARD_LAST_STEPS, error);
          if (out == NULL)
            {
              ok = FALSE;
              break;
            }
          if (!fast)
            memcpy (g->prev_x, x, sizeof (float) * (gsize) T * C * SEGMENT_LEN);
          memcpy (g->prev_enc, enc, sizeof (float) * (gsize) T * C * D);
          g->have_prev = TRUE;

          if (out->has_class)
            prob = isnan (prob) ? out->class_probs[1] : MAX (prob, out->class_probs[1]);
          for (int c = 0; c < C; c++)
            agreement[g->first + c] = out->agreement ? out->agreement[(gsize) (T - 2) * C + c] : NAN;
          for (int c = 0; c < C; c++)
            contribution[g->first + c] = out->has_class && out->contribution ? out->contribution[c] : NAN;
          for (int c = 0; c < C; c++)
            {
              const float *y = out->hidden_states + ((gsize) (T - 1) * C + c) * D;

              for (int i = 0; i < D; i++)
                features[i] += y[i] / (float) n_ch;
            }
        }
      if (!ok)
        break;

      have_prev_window = TRUE;
      result.index = w;
      result.start_s = b;
      result.end_s = b + (double) T * SEGMENT_S;
      result.n_segments = T;
      result.seizure_prob = prob;
      result.n_channels = n_ch;
      result.agreement = agreement;
      result.n_features = D;
      result.features = features;
      result.contribution = contribution;
      if (window_func != NULL && !window_func (&result, user_data))
        {
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, _("Operation was cancelled"));
          ok = FALSE;
        }
      if (progress_func)
        progress_func (w + 1, n_windows, user_data);
    }

  for (guint k = 0; k < n_groups; k++)
    {
      g_free (groups[k].prev_x);
      g_free (groups[k].prev_enc);
    }
  g_free (prev_first);
  return ok;
}

char *
icto_inference_default_model_path (void)
{
  const char *env = g_getenv ("ICTO_MODEL_PATH");
  const char *dirs[] = { PKGDATADIR, SOURCE_ROOT };

  if (env != NULL && *env != '\0')
    return g_strdup (env);
  for (guint i = 0; i < G_N_ELEMENTS (dirs); i++)
    {
      g_autofree char *path = g_build_filename (dirs[i], "models", BUNDLED_MODEL_NAME, NULL);

      if (g_file_test (path, G_FILE_TEST_IS_REGULAR))
        return g_steal_pointer (&path);
    }
  return NULL;
}

gboolean
icto_inference_run (IctoRecording               *recording,
                    IctoModel                   *model,
                    const IctoInferenceOptions  *options,
                    IctoInferenceWindowFunc      window_func,
                    IctoInferenceProgressFunc    progress_func,
                    gpointer                     user_data,
                    GCancellable                *cancellable,
                    GError                     **error)
{
  GError *local = NULL;

  g_return_val_if_fail (ICTO_IS_RECORDING (recording), FALSE);
  g_return_val_if_fail (model != NULL, FALSE);
  g_return_val_if_fail (options != NULL, FALSE);

  if (run_windows (recording, model, options, window_func, progress_func, user_data, cancellable, &local))
    return TRUE;
  /* the model's own cancellation code becomes the usual GIO one */
  if (g_error_matches (local, ICTO_MODEL_ERROR, ICTO_MODEL_ERROR_CANCELLED))
    {
      g_clear_error (&local);
      g_set_error_literal (&local, G_IO_ERROR, G_IO_ERROR_CANCELLED, _("Operation was cancelled"));
    }
  g_propagate_error (error, local);
  return FALSE;
}
