/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-agreement"

#include "config.h"

#include <math.h>

#include "icto-test-util.h"
#include "store/icto-agreement.h"
#include "store/icto-store.h"

#define S(x) ((gint64) ((x) * 10000000.0))

/* Worked by hand (half-open intervals, an instant t overlaps [s, e) when s <= t < e):
 *   A: [100,160) [1800,1860) 5000
 *   B: [150,200) [1860,1900) [4000,4100) [5000,5010)
 * B against A: [100,160) hit by [150,200); [1800,1860) only touched by [1860,1900):
 * missed; 5000 inside [5000,5010): hit.  Sensitivity 2/3.  B's [1860,1900) and
 * [4000,4100) overlap nothing of A: 2 false alarms in 7200 s = 24 per 24 h.
 * A against B: 2 of B's 4 detected (0.5); A's [1800,1860) is 1 false alarm: 12 per 24 h. */
static const IctoInterval A[] = {
  { S (100), S (160) }, { S (1800), S (1860) }, { S (5000), S (5000) },
};
static const IctoInterval B[] = {
  { S (150), S (200) }, { S (1860), S (1900) }, { S (4000), S (4100) }, { S (5000), S (5010) },
};

static void
test_hand_worked (void)
{
  IctoAgreement ag;

  icto_agreement_any_overlap (A, G_N_ELEMENTS (A), B, G_N_ELEMENTS (B), S (7200), &ag);
  g_assert_cmpuint (ag.n_reference, ==, 3);
  g_assert_cmpuint (ag.n_hypothesis, ==, 4);
  g_assert_cmpuint (ag.n_detected, ==, 2);
  g_assert_cmpuint (ag.n_false_alarms, ==, 2);
  g_assert_cmpfloat_with_epsilon (ag.sensitivity, 2.0 / 3.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (ag.false_alarms_per_24h, 24.0, 1e-9);

  icto_agreement_any_overlap (B, G_N_ELEMENTS (B), A, G_N_ELEMENTS (A), S (7200), &ag);
  g_assert_cmpuint (ag.n_detected, ==, 2);
  g_assert_cmpuint (ag.n_false_alarms, ==, 1);
  g_assert_cmpfloat_with_epsilon (ag.sensitivity, 0.5, 1e-12);
  g_assert_cmpfloat_with_epsilon (ag.false_alarms_per_24h, 12.0, 1e-9);
}

/* formats-and-scoring.md §4.5 example 1 without SzCORE's tolerances:
 * ref (300,360) (1800,1860); hyp (200,270) (420,425) (1870,1880): nothing overlaps. */
static void
test_no_tolerance (void)
{
  const IctoInterval ref[] = { { S (300), S (360) }, { S (1800), S (1860) } };
  const IctoInterval hyp[] = { { S (200), S (270) }, { S (420), S (425) }, { S (1870), S (1880) } };
  IctoAgreement ag;

  icto_agreement_any_overlap (ref, 2, hyp, 3, S (3600), &ag);
  g_assert_cmpuint (ag.n_detected, ==, 0);
  g_assert_cmpfloat (ag.sensitivity, ==, 0.0);
  g_assert_cmpuint (ag.n_false_alarms, ==, 3);
  g_assert_cmpfloat_with_epsilon (ag.false_alarms_per_24h, 72.0, 1e-9);
}

static void
test_edge_cases (void)
{
  IctoAgreement ag;
  const IctoInterval one[] = { { S (10), S (20) } };
  const IctoInterval instant_end[] = { { S (20), S (20) } };
  const IctoInterval instant_start[] = { { S (10), S (10) } };

  icto_agreement_any_overlap (NULL, 0, one, 1, S (86400), &ag);
  g_assert_true (isnan (ag.sensitivity));
  g_assert_cmpfloat (ag.false_alarms_per_24h, ==, 1.0);
  icto_agreement_any_overlap (one, 1, NULL, 0, 0, &ag);
  g_assert_cmpfloat (ag.sensitivity, ==, 0.0);
  g_assert_true (isnan (ag.false_alarms_per_24h));

  g_assert_false (icto_interval_overlaps (&one[0], &instant_end[0]));
  g_assert_true (icto_interval_overlaps (&one[0], &instant_start[0]));
  g_assert_true (icto_interval_overlaps (&instant_start[0], &instant_start[0]));
  g_assert_false (icto_interval_overlaps (&instant_start[0], &instant_end[0]));
}

static void
test_store_raters (void)
{
  g_autofree char *path = g_build_filename (icto_test_tmpdir (), "agree.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(IctoStore) store = icto_store_open (path, &error);
  gint64 rec = icto_store_ensure_recording (store, "fp-agree", NULL, S (7200), &error);
  IctoAgreement ag;
  struct { const IctoInterval *iv; guint n; const char *rater; } sets[] = {
    { A, G_N_ELEMENTS (A), "ann" },
    { B, G_N_ELEMENTS (B), "ben" },
  };

  g_assert_no_error (error);
  for (guint s = 0; s < G_N_ELEMENTS (sets); s++)
    for (guint i = 0; i < sets[s].n; i++)
      {
        g_autoptr(IctoAnnotation) a = icto_annotation_new ();

        a->recording_id = rec;
        a->onset = sets[s].iv[i].start;
        a->duration = sets[s].iv[i].end - sets[s].iv[i].start;
        /* both seizure labels count */
        a->label = g_strdup (i % 2 ? "sz_subclinical" : "sz");
        a->rater = g_strdup (sets[s].rater);
        g_assert_true (icto_store_add (store, a, &error));
      }
  /* non-seizure marks of either rater do not count */
  {
    g_autoptr(IctoAnnotation) a = icto_annotation_new ();
    a->recording_id = rec;
    a->onset = S (3000);
    a->duration = S (10);
    a->label = g_strdup ("artefact");
    a->rater = g_strdup ("ben");
    g_assert_true (icto_store_add (store, a, &error));
  }
  g_assert_no_error (error);

  g_assert_true (icto_store_rater_agreement (store, rec, "ann", "ben", 0, &ag, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (ag.n_reference, ==, 3);
  g_assert_cmpuint (ag.n_hypothesis, ==, 4);
  g_assert_cmpfloat_with_epsilon (ag.sensitivity, 2.0 / 3.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (ag.false_alarms_per_24h, 24.0, 1e-9);
  g_assert_true (icto_store_rater_agreement (store, rec, "ben", "ann", S (7200), &ag, &error));
  g_assert_cmpfloat_with_epsilon (ag.sensitivity, 0.5, 1e-12);
  g_assert_cmpfloat_with_epsilon (ag.false_alarms_per_24h, 12.0, 1e-9);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/store/agreement/hand-worked", test_hand_worked);
  g_test_add_func ("/store/agreement/no-tolerance", test_no_tolerance);
  g_test_add_func ("/store/agreement/edge-cases", test_edge_cases);
  g_test_add_func ("/store/agreement/store", test_store_raters);

  return g_test_run ();
}
