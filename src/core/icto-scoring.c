/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "icto-scoring"

#include "config.h"

#include <math.h>
#include <string.h>

#include "core/icto-scoring.h"

/*
 * SzCORE event scoring as timescoring 0.0.7 does it
 * (formats-and-scoring.md §4.2): event lists are merged and split as given,
 * overlaps are counted on 10 Hz masks with Python rounding (ties to even:
 * rint() in the default rounding mode).
 */

#define MASK_HZ 10.0

void
icto_scoring_params_init (IctoScoringParams *params)
{
  g_return_if_fail (params != NULL);
  params->tolerance_start_s = 30;
  params->tolerance_end_s = 60;
  params->min_gap_s = 90;
  params->max_event_s = 300;
}

GArray *
icto_detect_events (const float *probs,
                    guint        n_segments,
                    double       segment_s,
                    float        threshold,
                    double       merge_gap_s)
{
  GArray *out = g_array_new (FALSE, FALSE, sizeof (IctoEvent));

  g_return_val_if_fail (probs != NULL || n_segments == 0, out);

  for (guint k = 0; k < n_segments;)
    {
      IctoEvent ev;
      guint e = k;

      if (!(probs[k] >= threshold))
        {
          k++;
          continue;
        }
      ev.peak_prob = probs[k];
      while (e < n_segments && probs[e] >= threshold)
        {
          ev.peak_prob = MAX (ev.peak_prob, probs[e]);
          e++;
        }
      ev.start_s = k * segment_s;
      ev.end_s = e * segment_s;
      if (out->len > 0 && merge_gap_s > 0)
        {
          IctoEvent *prev = &g_array_index (out, IctoEvent, out->len - 1);

          if (ev.start_s - prev->end_s < merge_gap_s)
            {
              prev->end_s = ev.end_s;
              prev->peak_prob = MAX (prev->peak_prob, ev.peak_prob);
              k = e;
              continue;
            }
        }
      g_array_append_val (out, ev);
      k = e;
    }
  return out;
}

static int
compare_start (gconstpointer a,
               gconstpointer b)
{
  const IctoEvent *x = a, *y = b;

  if (x->start_s != y->start_s)
    return x->start_s < y->start_s ? -1 : 1;
  if (x->end_s != y->end_s)
    return x->end_s < y->end_s ? -1 : 1;
  return 0;
}

GArray *
icto_scoring_merge_split (const GArray            *events,
                          const IctoScoringParams *params)
{
  g_autoptr(GArray) sorted = g_array_new (FALSE, FALSE, sizeof (IctoEvent));
  GArray *out = g_array_new (FALSE, FALSE, sizeof (IctoEvent));
  g_autoptr(GArray) merged = g_array_new (FALSE, FALSE, sizeof (IctoEvent));

  g_return_val_if_fail (params != NULL, out);

  if (events != NULL)
    for (guint i = 0; i < events->len; i++)
      {
        IctoEvent ev = g_array_index (events, IctoEvent, i);

        if (!isfinite (ev.start_s) || !isfinite (ev.end_s))
          continue;
        if (ev.end_s < ev.start_s)
          ev.end_s = ev.start_s;
        g_array_append_val (sorted, ev);
      }
  g_array_sort (sorted, compare_start);

  /* unite overlapping events, then merge gaps shorter than min_gap_s */
  for (guint i = 0; i < sorted->len; i++)
    {
      IctoEvent ev = g_array_index (sorted, IctoEvent, i);

      if (merged->len > 0)
        {
          IctoEvent *prev = &g_array_index (merged, IctoEvent, merged->len - 1);

          if (ev.start_s <= prev->end_s || ev.start_s - prev->end_s < params->min_gap_s)
            {
              prev->end_s = MAX (prev->end_s, ev.end_s);
              if (!isnan (ev.peak_prob))
                prev->peak_prob = isnan (prev->peak_prob) ? ev.peak_prob : MAX (prev->peak_prob, ev.peak_prob);
              continue;
            }
        }
      g_array_append_val (merged, ev);
    }

  /* split events longer than max_event_s */
  for (guint i = 0; i < merged->len; i++)
    {
      IctoEvent ev = g_array_index (merged, IctoEvent, i);

      while (params->max_event_s > 0 && ev.end_s - ev.start_s > params->max_event_s)
        {
          IctoEvent head = ev;

          head.end_s = ev.start_s + params->max_event_s;
          g_array_append_val (out, head);
          ev.start_s = head.end_s;
        }
      g_array_append_val (out, ev);
    }
  return out;
}

static gint64
mask_index (double s,
            gint64 n)
{
  double v = rint (s * MASK_HZ);

  if (v < 0)
    return 0;
  if (v > (double) n)
    return n;
  return (gint64) v;
}

void
icto_score_events (const GArray            *ref,
                   const GArray            *hyp,
                   double                   duration_s,
                   const IctoScoringParams *params,
                   IctoEventScore          *score)
{
  g_autoptr(GArray) r = NULL;
  g_autoptr(GArray) h = NULL;
  g_autofree guint8 *hyp_mask = NULL;
  g_autofree guint8 *tp_mask = NULL;
  gint64 n;
  double T;
  guint fn;

  g_return_if_fail (params != NULL && score != NULL);

  memset (score, 0, sizeof *score);
  n = duration_s > 0 && isfinite (duration_s) ? (gint64) rint (duration_s * MASK_HZ) : 0;
  T = n / MASK_HZ;
  r = icto_scoring_merge_split (ref, params);
  h = icto_scoring_merge_split (hyp, params);
  hyp_mask = g_new0 (guint8, n + 1);
  tp_mask = g_new0 (guint8, n + 1);

  for (guint i = 0; i < h->len; i++)
    {
      const IctoEvent *ev = &g_array_index (h, IctoEvent, i);
      gint64 a = mask_index (ev->start_s, n), b = mask_index (ev->end_s, n);

      for (gint64 k = a; k < b; k++)
        hyp_mask[k] = 1;
    }

  score->n_ref = r->len;
  score->n_hyp = h->len;
  for (guint i = 0; i < r->len; i++)
    {
      const IctoEvent *ev = &g_array_index (r, IctoEvent, i);
      double ws = MAX (0.0, ev->start_s - params->tolerance_start_s);
      double we = MIN (T, ev->end_s + params->tolerance_end_s);
      gint64 a = mask_index (ws, n), b = mask_index (we, n);
      gint64 count = 0;

      for (gint64 k = a; k < b; k++)
        count += hyp_mask[k];
      if (we > ws && (count / MASK_HZ) / (we - ws) > 1e-6)
        score->true_positives++;
      for (gint64 k = a; k < b; k++)
        tp_mask[k] = 1;
    }
  for (guint i = 0; i < h->len; i++)
    {
      const IctoEvent *ev = &g_array_index (h, IctoEvent, i);
      gint64 a = mask_index (ev->start_s, n), b = mask_index (ev->end_s, n);
      gboolean hit = FALSE;

      for (gint64 k = a; !hit && k < b; k++)
        hit = tp_mask[k] != 0;
      if (!hit)
        score->false_positives++;
    }

  fn = score->n_ref - score->true_positives;
  score->sensitivity = score->n_ref > 0 ? (double) score->true_positives / score->n_ref : NAN;
  score->precision = score->true_positives + score->false_positives > 0
                     ? (double) score->true_positives / (score->true_positives + score->false_positives) : NAN;
  score->f1 = score->n_ref + score->false_positives > 0
              ? 2.0 * score->true_positives / (2.0 * score->true_positives + score->false_positives + fn) : NAN;
  score->false_alarms_per_24h = T > 0 ? score->false_positives * 86400.0 / T : NAN;
}

GArray *
icto_score_sweep (const float             *probs,
                  guint                    n_segments,
                  double                   segment_s,
                  const GArray            *ref,
                  double                   duration_s,
                  const IctoScoringParams *params,
                  const float             *thresholds,
                  guint                    n_thresholds)
{
  GArray *out = g_array_new (FALSE, FALSE, sizeof (IctoSweepPoint));

  g_return_val_if_fail (params != NULL, out);

  if (thresholds == NULL)
    n_thresholds = 99;
  for (guint i = 0; i < n_thresholds; i++)
    {
      IctoSweepPoint p;
      g_autoptr(GArray) det = NULL;

      p.threshold = thresholds != NULL ? thresholds[i] : (float) (i + 1) / 100.0f;
      det = icto_detect_events (probs, n_segments, segment_s, p.threshold, params->min_gap_s);
      icto_score_events (ref, det, duration_s, params, &p.score);
      g_array_append_val (out, p);
    }
  return out;
}

GArray *
icto_score_latencies (const GArray            *ref,
                      const double            *ueo_s,
                      const GArray            *hyp,
                      double                   duration_s,
                      const IctoScoringParams *params)
{
  GArray *out = g_array_new (FALSE, FALSE, sizeof (IctoEventLatency));
  g_autoptr(GArray) h = NULL;
  double T = duration_s > 0 ? rint (duration_s * MASK_HZ) / MASK_HZ : 0;

  g_return_val_if_fail (params != NULL, out);
  if (ref == NULL)
    return out;

  h = icto_scoring_merge_split (hyp, params);
  for (guint i = 0; i < ref->len; i++)
    {
      const IctoEvent *ev = &g_array_index (ref, IctoEvent, i);
      IctoEventLatency lat = { ev->start_s, ev->end_s, FALSE, NAN, NAN, NAN };
      double ws = MAX (0.0, ev->start_s - params->tolerance_start_s);
      double we = MIN (T, MAX (ev->start_s, ev->end_s) + params->tolerance_end_s);

      /* the same overlap rule as the scoring (10 Hz samples) */
      for (guint j = 0; j < h->len; j++)
        {
          const IctoEvent *d = &g_array_index (h, IctoEvent, j);
          double a = MAX (rint (d->start_s * MASK_HZ), rint (ws * MASK_HZ));
          double b = MIN (rint (d->end_s * MASK_HZ), rint (we * MASK_HZ));

          if (b > a)
            {
              lat.detected = TRUE;
              lat.detection_s = d->start_s;
              break;
            }
        }
      if (lat.detected)
        {
          lat.latency_eec_s = lat.detection_s - ev->start_s;
          if (ueo_s != NULL && isfinite (ueo_s[i]))
            lat.latency_ueo_s = lat.detection_s - ueo_s[i];
        }
      g_array_append_val (out, lat);
    }
  return out;
}
