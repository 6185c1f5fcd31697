/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "icto-test"

#include "config.h"

#include <math.h>

#include "core/icto-scoring.h"
#include "icto-test-util.h"

/*
 * SzCORE event scoring (formats-and-scoring.md §4): the worked examples of
 * §4.5 and the edge cases, each with the counts worked out by hand below.
 */

static GArray *
events (const double *pairs,
        guint         n)
{
  GArray *a = g_array_new (FALSE, FALSE, sizeof (IctoEvent));

  for (guint i = 0; i < n; i++)
    {
      IctoEvent ev = { pairs[2 * i], pairs[2 * i + 1], NAN };
      g_array_append_val (a, ev);
    }
  return a;
}

#define EVENTS(...) events ((const double[]) { __VA_ARGS__ }, \
                            sizeof ((const double[]) { __VA_ARGS__ }) / sizeof (double) / 2)

static void
score (GArray         *ref,
       GArray         *hyp,
       double          T,
       IctoEventScore *s)
{
  IctoScoringParams p;

  icto_scoring_params_init (&p);
  icto_score_events (ref, hyp, T, &p, s);
  g_array_unref (ref);
  g_array_unref (hyp);
}

static void
assert_metric (double value,
               double expected)
{
  if (isnan (expected))
    g_assert_true (isnan (value));
  else
    g_assert_cmpfloat_with_epsilon (value, expected, 1e-4);
}

static void
assert_score (const IctoEventScore *s,
              guint                 tp,
              guint                 fp,
              guint                 n_ref,
              double                sens,
              double                prec,
              double                f1,
              double                fa)
{
  g_assert_cmpuint (s->true_positives, ==, tp);
  g_assert_cmpuint (s->false_positives, ==, fp);
  g_assert_cmpuint (s->n_ref, ==, n_ref);
  assert_metric (s->sensitivity, sens);
  assert_metric (s->precision, prec);
  assert_metric (s->f1, f1);
  assert_metric (s->false_alarms_per_24h, fa);
}

/* Example 1: T = 3600.  Extended windows [270,420) and [1770,1920).
 * (200,270) ends at 270 and (420,425) starts at 420: no overlap, 2 FPs;
 * (1870,1880) detects the second.  TP 1, FN 1, FP 2:
 * sens 1/2, prec 1/3, F1 2/(2+2+1) = 0.4, FA 2 * 86400 / 3600 = 48. */
static void
test_example1 (void)
{
  IctoEventScore s;

  score (EVENTS (300, 360, 1800, 1860), EVENTS (200, 270, 420, 425, 1870, 1880), 3600, &s);
  assert_score (&s, 1, 2, 2, 0.5, 1.0 / 3, 0.4, 48);
  g_assert_cmpuint (s.n_hyp, ==, 3);

  /* (419,425) reaches into [270,420): TP 2, FP 1; F1 4/(4+1+0) = 0.8, FA 24 */
  score (EVENTS (300, 360, 1800, 1860), EVENTS (200, 270, 419, 425, 1870, 1880), 3600, &s);
  assert_score (&s, 2, 1, 2, 1.0, 2.0 / 3, 0.8, 24);
}

/* Example 2: T = 7200.  The 400-s reference splits into (1000,1300) and
 * (1300,1400): windows [970,1360) and [1270,1460).  The hypotheses merge
 * into (1010,1120) (gap 80 < 90) and (5000,5160) (gap 50).  (1010,1120)
 * hits the first window only; (5000,5160) is an FP.  TP 1, FN 1, FP 1:
 * 0.5 / 0.5 / 2/(2+1+1) = 0.5 / 86400/7200 = 12. */
static void
test_example2 (void)
{
  IctoEventScore s;

  score (EVENTS (1000, 1400), EVENTS (1010, 1020, 1100, 1120, 5000, 5100, 5150, 5160), 7200, &s);
  assert_score (&s, 1, 1, 2, 0.5, 0.5, 0.5, 12);
  g_assert_cmpuint (s.n_hyp, ==, 2);
}

/* Example 3: T = 600.  The references merge into (100,200) (gap 50), window
 * [70,260) overlaps (195,260).  TP 1, FP 0: 1 / 1 / 1 / 0. */
static void
test_example3 (void)
{
  IctoEventScore s;

  score (EVENTS (100, 130, 180, 200), EVENTS (195, 260), 600, &s);
  assert_score (&s, 1, 0, 1, 1, 1, 1, 0);
}

/* Gap of exactly 90 s: two events; 89.9 s: one. */
static void
test_merge_edges (void)
{
  IctoScoringParams p;
  g_autoptr(GArray) a = EVENTS (100, 110, 200, 210);
  g_autoptr(GArray) b = EVENTS (100, 110, 199.9, 210);
  g_autoptr(GArray) ma = NULL;
  g_autoptr(GArray) mb = NULL;

  icto_scoring_params_init (&p);
  ma = icto_scoring_merge_split (a, &p);
  mb = icto_scoring_merge_split (b, &p);
  g_assert_cmpuint (ma->len, ==, 2);
  g_assert_cmpuint (mb->len, ==, 1);
  g_assert_cmpfloat (g_array_index (mb, IctoEvent, 0).start_s, ==, 100);
  g_assert_cmpfloat (g_array_index (mb, IctoEvent, 0).end_s, ==, 210);
}

/* 300 s: one event; 300.1 s: 300 + 0.1; 720 s: 300 + 300 + 120. */
static void
test_split_edges (void)
{
  IctoScoringParams p;
  g_autoptr(GArray) a = EVENTS (0, 300);
  g_autoptr(GArray) b = EVENTS (0, 300.1);
  g_autoptr(GArray) c = EVENTS (1000, 1720);
  g_autoptr(GArray) ma = NULL;
  g_autoptr(GArray) mb = NULL;
  g_autoptr(GArray) mc = NULL;

  icto_scoring_params_init (&p);
  ma = icto_scoring_merge_split (a, &p);
  mb = icto_scoring_merge_split (b, &p);
  mc = icto_scoring_merge_split (c, &p);
  g_assert_cmpuint (ma->len, ==, 1);
  g_assert_cmpuint (mb->len, ==, 2);
  g_assert_cmpfloat_with_epsilon (g_array_index (mb, IctoEvent, 1).start_s, 300, 1e-9);
  g_assert_cmpfloat_with_epsilon (g_array_index (mb, IctoEvent, 1).end_s, 300.1, 1e-9);
  g_assert_cmpuint (mc->len, ==, 3);
  g_assert_cmpfloat (g_array_index (mc, IctoEvent, 2).start_s, ==, 1600);
  g_assert_cmpfloat (g_array_index (mc, IctoEvent, 2).end_s, ==, 1720);
}

/* Hypothesis (1000,1720) and no reference: 3 FPs (300 + 300 + 120 s);
 * T = 86400: FA 3 per 24 h; sensitivity and F1 undefined with no reference?
 * F1 = 0 / (0 + 3 + 0) = 0 (refTrue + FP > 0), sensitivity NaN, precision 0. */
static void
test_no_reference (void)
{
  IctoEventScore s;

  score (events (NULL, 0), EVENTS (1000, 1720), 86400, &s);
  assert_score (&s, 0, 3, 0, NAN, 0, 0, 3);

  /* nothing at all: only FA is defined */
  score (events (NULL, 0), events (NULL, 0), 3600, &s);
  assert_score (&s, 0, 0, 0, NAN, NAN, NAN, 0);
}

/* Nested references (100,500), (200,250) are united into (100,500) (sorted
 * and united first), so a hypothesis at 520 (< 500 + 60) is a TP. */
static void
test_nested_reference (void)
{
  IctoEventScore s;

  score (EVENTS (200, 250, 100, 500), EVENTS (520, 530), 3600, &s);
  /* (100,500) has length 400 > 300: split into (100,400), (400,500) */
  assert_score (&s, 1, 0, 2, 0.5, 1, 2.0 / 3, 0);
}

/* A zero-length hypothesis inside a seizure has no 10 Hz sample: TP 0 and
 * it is an FP.  A zero-length reference (100,100) still has its window
 * [70,160): (120,121) detects it. */
static void
test_zero_length (void)
{
  IctoEventScore s;

  score (EVENTS (100, 160), EVENTS (105, 105), 3600, &s);
  assert_score (&s, 0, 1, 1, 0, 0, 0, 24);
  score (EVENTS (100, 100), EVENTS (120, 121), 3600, &s);
  assert_score (&s, 1, 0, 1, 1, 1, 1, 0);
}

/* Tolerance windows are clipped to [0, T]: ref (10,20) in a 100-s file has
 * the window [0,80); (85,90) is outside (FP), (0,1) inside (TP). */
static void
test_clipped_window (void)
{
  IctoEventScore s;

  score (EVENTS (10, 20), EVENTS (0, 1, 85, 90), 100, &s);
  /* (0,1) and (85,90): gap 84 < 90, they merge into (0,90), which overlaps: TP 1, FP 0 */
  assert_score (&s, 1, 0, 1, 1, 1, 1, 0);
  score (EVENTS (10, 20), EVENTS (0, 1), 100, &s);
  assert_score (&s, 1, 0, 1, 1, 1, 1, 0);
}

/* Detections from 5-s probabilities: runs >= threshold, NaN negative,
 * merging of runs under the gap. */
static void
test_detect_events (void)
{
  /*                 0    1    2    3    4    5    6    7    8    9 */
  const float p[] = { 0.1, 0.6, 0.9, 0.2, NAN, 0.5, 0.1, 0.1, 0.1, 0.7 };
  g_autoptr(GArray) a = icto_detect_events (p, G_N_ELEMENTS (p), 5.0, 0.5f, 0);
  g_autoptr(GArray) b = icto_detect_events (p, G_N_ELEMENTS (p), 5.0, 0.5f, 15.0);
  g_autoptr(GArray) c = icto_detect_events (p, G_N_ELEMENTS (p), 5.0, 0.5f, 20.1);
  g_autoptr(GArray) d = icto_detect_events (p, G_N_ELEMENTS (p), 5.0, 0.95f, 90);

  /* runs: [5,15) peak 0.9, [25,30) 0.5, [45,50) 0.7 */
  g_assert_cmpuint (a->len, ==, 3);
  g_assert_cmpfloat (g_array_index (a, IctoEvent, 0).start_s, ==, 5);
  g_assert_cmpfloat (g_array_index (a, IctoEvent, 0).end_s, ==, 15);
  g_assert_cmpfloat (g_array_index (a, IctoEvent, 0).peak_prob, ==, 0.9f);
  g_assert_cmpfloat (g_array_index (a, IctoEvent, 1).start_s, ==, 25);
  g_assert_cmpfloat (g_array_index (a, IctoEvent, 2).start_s, ==, 45);
  /* gaps 10 s and 15 s: with 15 only the first merges (strictly less) */
  g_assert_cmpuint (b->len, ==, 2);
  g_assert_cmpfloat (g_array_index (b, IctoEvent, 0).end_s, ==, 30);
  g_assert_cmpuint (c->len, ==, 1);
  g_assert_cmpfloat (g_array_index (c, IctoEvent, 0).end_s, ==, 50);
  g_assert_cmpfloat (g_array_index (c, IctoEvent, 0).peak_prob, ==, 0.9f);
  g_assert_cmpuint (d->len, ==, 0);
}

/* The sweep: a 1-h recording (720 segments) with one seizure (1000,1060);
 * probabilities 0.8 on [1000,1060), 0.4 on [2000,2010), 0.1 elsewhere.
 * Threshold 0.3: TP 1, FP 1 (2000) -> FA 24; 0.5: TP 1, FP 0;
 * 0.9: nothing detected: sensitivity 0, FA 0. */
static void
test_sweep (void)
{
  g_autofree float *p = g_new (float, 720);
  g_autoptr(GArray) ref = EVENTS (1000, 1060);
  g_autoptr(GArray) sweep = NULL;
  const float thr[] = { 0.3f, 0.5f, 0.9f };
  IctoScoringParams params;
  IctoSweepPoint *pt;
  g_autoptr(GArray) def = NULL;

  for (guint k = 0; k < 720; k++)
    p[k] = k >= 200 && k < 212 ? 0.8f : k >= 400 && k < 402 ? 0.4f : 0.1f;
  icto_scoring_params_init (&params);
  sweep = icto_score_sweep (p, 720, 5.0, ref, 3600, &params, thr, 3);
  g_assert_cmpuint (sweep->len, ==, 3);
  pt = &g_array_index (sweep, IctoSweepPoint, 0);
  g_assert_cmpuint (pt->score.true_positives, ==, 1);
  g_assert_cmpuint (pt->score.false_positives, ==, 1);
  assert_metric (pt->score.false_alarms_per_24h, 24);
  pt = &g_array_index (sweep, IctoSweepPoint, 1);
  g_assert_cmpuint (pt->score.true_positives, ==, 1);
  g_assert_cmpuint (pt->score.false_positives, ==, 0);
  pt = &g_array_index (sweep, IctoSweepPoint, 2);
  assert_metric (pt->score.sensitivity, 0);
  assert_metric (pt->score.false_alarms_per_24h, 0);

  /* default grid 0.01 .. 0.99: at 0.05 everything is one long detection */
  def = icto_score_sweep (p, 720, 5.0, ref, 3600, &params, NULL, 0);
  g_assert_cmpuint (def->len, ==, 99);
  g_assert_cmpfloat_with_epsilon (g_array_index (def, IctoSweepPoint, 4).threshold, 0.05, 1e-6);
  /* 0 .. 3600 split into 12 pieces of 300 s; all but the ones overlapping
   * [970,1120) are FPs: pieces [900,1200) only -> FP 11 */
  g_assert_cmpuint (g_array_index (def, IctoSweepPoint, 4).score.false_positives, ==, 11);
}

/* Latency: seizure EEC 1000 s, UEO 1010 s; detection (990,1100) starts 10 s
 * before the EEC (within the 30-s tolerance): latency -10 from EEC, -20
 * from UEO.  A second seizure (2000,2050) with a detection at (2015,2030):
 * +15 from EEC, UEO unknown.  A third (3000,3010) undetected. */
static void
test_latency (void)
{
  g_autoptr(GArray) ref = EVENTS (1000, 1060, 2000, 2050, 3000, 3010);
  g_autoptr(GArray) hyp = EVENTS (990, 1100, 2015, 2030);
  const double ueo[] = { 1010, NAN, 3002 };
  IctoScoringParams p;
  g_autoptr(GArray) lat = NULL;
  IctoEventLatency *l;

  icto_scoring_params_init (&p);
  lat = icto_score_latencies (ref, ueo, hyp, 3600, &p);
  g_assert_cmpuint (lat->len, ==, 3);
  l = &g_array_index (lat, IctoEventLatency, 0);
  g_assert_true (l->detected);
  g_assert_cmpfloat (l->latency_eec_s, ==, -10);
  g_assert_cmpfloat (l->latency_ueo_s, ==, -20);
  l = &g_array_index (lat, IctoEventLatency, 1);
  g_assert_true (l->detected);
  g_assert_cmpfloat (l->latency_eec_s, ==, 15);
  g_assert_true (isnan (l->latency_ueo_s));
  l = &g_array_index (lat, IctoEventLatency, 2);
  g_assert_false (l->detected);
  g_assert_true (isnan (l->latency_eec_s));
}

/* Two raters: A marks (100,160), (1000,1030); B marks (110,150) only.
 * B against A: TP 1, FN 1, FP 0 -> 0.5 / 1 / 2/(2+0+1) = 0.6667 / 0.
 * A against B: TP 1, FP 1 ((1000,1030) far from [80,210)) -> 1 / 0.5 / 0.6667 / 24. */
static void
test_two_raters (void)
{
  IctoEventScore s;

  score (EVENTS (100, 160, 1000, 1030), EVENTS (110, 150), 3600, &s);
  assert_score (&s, 1, 0, 2, 0.5, 1, 2.0 / 3, 0);
  score (EVENTS (110, 150), EVENTS (100, 160, 1000, 1030), 3600, &s);
  assert_score (&s, 1, 1, 1, 1, 0.5, 2.0 / 3, 24);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/scoring/example1", test_example1);
  g_test_add_func ("/scoring/example2", test_example2);
  g_test_add_func ("/scoring/example3", test_example3);
  g_test_add_func ("/scoring/merge-edges", test_merge_edges);
  g_test_add_func ("/scoring/split-edges", test_split_edges);
  g_test_add_func ("/scoring/no-reference", test_no_reference);
  g_test_add_func ("/scoring/nested-reference", test_nested_reference);
  g_test_add_func ("/scoring/zero-length", test_zero_length);
  g_test_add_func ("/scoring/clipped-window", test_clipped_window);
  g_test_add_func ("/scoring/detect-events", test_detect_events);
  g_test_add_func ("/scoring/sweep", test_sweep);
  g_test_add_func ("/scoring/latency", test_latency);
  g_test_add_func ("/scoring/two-raters", test_two_raters);
  return g_test_run ();
}
