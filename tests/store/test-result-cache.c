/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "icto-test"

#include "config.h"

#include <math.h>
#include <string.h>

#include "store/icto-result-cache.h"
#include "store/icto-store-private.h"
#include "icto-test-util.h"

/*
 * The model-result cache (store/icto-result-cache.h): round trips of runs,
 * windows, features and detection decisions, keys, damaged BLOBs, and a
 * writer thread with its own connection.
 */

static const char *const labels[] = { "LA1", "LA2", "LH1" };
#define SETTINGS "rate=512;segment=5"

static IctoStore *
open_store (const char *name)
{
  g_autofree char *path = g_build_filename (icto_test_tmpdir (), name, NULL);
  g_autoptr(GError) error = NULL;
  IctoStore *store = icto_store_open (path, &error);

  g_assert_no_error (error);
  return store;
}

static void
test_runs (void)
{
  g_autoptr(IctoStore) store = open_store ("runs.db");
  g_autoptr(GError) error = NULL;
  const char *other[] = { "LA1", "LA2", "LH2" };
  const char *bad[] = { "LA1", "L\nA2", "LH1" };
  gint64 a, a2, b, c, d;

  /* nothing yet */
  g_assert_cmpint (icto_result_cache_find_run (store, "fp1", "hash1", labels, 3, SETTINGS, &error), ==, 0);
  g_assert_error (error, ICTO_STORE_ERROR, ICTO_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  a = icto_result_cache_ensure_run (store, "fp1", "hash1", labels, 3, SETTINGS, &error);
  g_assert_no_error (error);
  g_assert_cmpint (a, >, 0);
  a2 = icto_result_cache_ensure_run (store, "fp1", "hash1", labels, 3, SETTINGS, &error);
  g_assert_cmpint (a2, ==, a);
  g_assert_cmpint (icto_result_cache_find_run (store, "fp1", "hash1", labels, 3, SETTINGS, &error), ==, a);
  g_assert_cmpuint (icto_result_cache_get_run_channels (store, a, &error), ==, 3);
  /* the recording row was made for the fingerprint */
  g_assert_cmpint (icto_store_find_recording (store, "fp1", &error), >, 0);

  /* every part of the key counts */
  b = icto_result_cache_ensure_run (store, "fp1", "hash2", labels, 3, SETTINGS, &error);
  c = icto_result_cache_ensure_run (store, "fp1", "hash1", other, 3, SETTINGS, &error);
  d = icto_result_cache_ensure_run (store, "fp1", "hash1", labels, 3, "rate=256", &error);
  g_assert_no_error (error);
  g_assert_cmpint (b, !=, a);
  g_assert_cmpint (c, !=, a);
  g_assert_cmpint (d, !=, a);
  g_assert_cmpint (c, !=, b);
  /* "LA1,LA2" + ... cannot collide with fewer channels */
  g_assert_cmpint (icto_result_cache_find_run (store, "fp1", "hash1", labels, 2, SETTINGS, &error), ==, 0);
  g_clear_error (&error);

  g_assert_cmpint (icto_result_cache_ensure_run (store, "fp1", "hash1", bad, 3, SETTINGS, &error), ==, 0);
  g_assert_error (error, ICTO_STORE_ERROR, ICTO_STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_cmpint (icto_result_cache_ensure_run (store, "fp1", "", labels, 3, SETTINGS, &error), ==, 0);
  g_assert_error (error, ICTO_STORE_ERROR, ICTO_STORE_ERROR_INVALID);
  g_clear_error (&error);

  g_assert_true (icto_result_cache_delete_run (store, b, &error));
  g_assert_false (icto_result_cache_delete_run (store, b, &error));
  g_assert_error (error, ICTO_STORE_ERROR, ICTO_STORE_ERROR_NOT_FOUND);
}

static void
test_windows (void)
{
  g_autoptr(IctoStore) store = open_store ("windows.db");
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) got = NULL;
  g_autoptr(GPtrArray) some = NULL;
  float agr[3] = { 0.5f, -0.25f, NAN };
  float con[3] = { 1.5f, -2.0f, 0.125f };
  float pred[3 * 4];
  IctoResultWindow w[3] = { 0 };
  IctoResultWindow wrong = { 0 };
  gint64 run;

  for (int i = 0; i < 12; i++)
    pred[i] = (float) i / 7.0f;
  run = icto_result_cache_ensure_run (store, "fp", "h", labels, 3, SETTINGS, &error);
  g_assert_no_error (error);
  for (int i = 0; i < 3; i++)
    {
      w[i].start = (gint64) i * 5 * ICTO_STORE_TICKS_PER_SECOND;
      w[i].n_segments = 25;
      w[i].seizure_prob = i == 1 ? NAN : 0.25f * i;
      w[i].n_channels = 3;
      w[i].agreement = agr;
      w[i].contribution = i == 2 ? NULL : con;
    }
  w[0].prediction = pred;
  w[0].prediction_dim = 4;
  g_assert_true (icto_result_cache_put_windows (store, run, w, 3, &error));
  g_assert_no_error (error);
  /* replacing is fine */
  g_assert_true (icto_result_cache_put_windows (store, run, w, 3, &error));

  got = icto_result_cache_get_windows (store, run, G_MININT64, G_MAXINT64, TRUE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (got->len, ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      IctoResultWindow *r = g_ptr_array_index (got, i);

      g_assert_cmpint (r->start, ==, w[i].start);
      g_assert_cmpint (r->n_segments, ==, 25);
      g_assert_cmpuint (r->n_channels, ==, 3);
      if (i == 1)
        g_assert_true (isnan (r->seizure_prob));
      else
        g_assert_cmpfloat (r->seizure_prob, ==, w[i].seizure_prob);
      g_assert_cmpfloat (r->agreement[0], ==, 0.5f);
      g_assert_cmpfloat (r->agreement[1], ==, -0.25f);
      g_assert_true (isnan (r->agreement[2]));
      if (i == 2)
        g_assert_null (r->contribution);
      else
        g_assert_cmpmem (r->contribution, 3 * sizeof (float), con, sizeof con);
      if (i == 0)
        {
          g_assert_cmpuint (r->prediction_dim, ==, 4);
          g_assert_cmpmem (r->prediction, 12 * sizeof (float), pred, sizeof pred);
        }
      else
        g_assert_null (r->prediction);
    }

  /* a range, without predictions */
  some = icto_result_cache_get_windows (store, run, 5 * ICTO_STORE_TICKS_PER_SECOND, G_MAXINT64, FALSE, &error);
  g_assert_cmpuint (some->len, ==, 2);
  g_assert_null (((IctoResultWindow *) g_ptr_array_index (got, 1))->prediction);
  g_assert_null (((IctoResultWindow *) g_ptr_array_index (some, 0))->prediction);

  /* a window of another channel count does not fit the run */
  wrong = w[0];
  wrong.n_channels = 2;
  g_assert_false (icto_result_cache_put_windows (store, run, &wrong, 1, &error));
  g_assert_error (error, ICTO_STORE_ERROR, ICTO_STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (icto_result_cache_put_windows (store, 9999, w, 1, &error));
  g_assert_error (error, ICTO_STORE_ERROR, ICTO_STORE_ERROR_NOT_FOUND);
}

/* A BLOB of the wrong size (a damaged or foreign database) reads as absent. */
static void
test_damaged_blob (void)
{
  g_autoptr(IctoStore) store = open_store ("damaged.db");
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) got = NULL;
  g_autofree char *sql = NULL;
  float agr[3] = { 1, 2, 3 };
  IctoResultWindow w = { 0, 25, 0.5f, 3, agr, agr, 0, NULL };
  gint64 run;

  run = icto_result_cache_ensure_run (store, "fp", "h", labels, 3, SETTINGS, &error);
  g_assert_true (icto_result_cache_put_windows (store, run, &w, 1, &error));
  sql = g_strdup_printf ("UPDATE result_window SET agreement = x'0102030405', prediction = x'01020304050607'"
                         " WHERE run_id = %" G_GINT64_FORMAT, run);
  g_assert_true (_icto_store_exec (store, sql, &error));
  got = icto_result_cache_get_windows (store, run, G_MININT64, G_MAXINT64, TRUE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (got->len, ==, 1);
  g_assert_null (((IctoResultWindow *) g_ptr_array_index (got, 0))->agreement);
  g_assert_null (((IctoResultWindow *) g_ptr_array_index (got, 0))->prediction);
  g_assert_nonnull (((IctoResultWindow *) g_ptr_array_index (got, 0))->contribution);
}

static void
test_features (void)
{
  g_autoptr(IctoStore) store = open_store ("features.db");
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) starts = NULL;
  g_autoptr(GArray) feats = NULL;
  gint64 s[3] = { 30, 10, 20 };
  float f[3 * 5];
  gint64 run, n;

  for (int i = 0; i < 15; i++)
    f[i] = (float) i - 7.5f;
  run = icto_result_cache_ensure_run (store, "fp", "h", labels, 3, SETTINGS, &error);
  g_assert_true (icto_result_cache_put_features (store, run, s, f, 3, 5, &error));
  g_assert_no_error (error);
  n = icto_result_cache_get_features (store, run, G_MININT64, G_MAXINT64, 5, &starts, &feats, &error);
  g_assert_cmpint (n, ==, 3);
  g_assert_cmpuint (starts->len, ==, 3);
  g_assert_cmpuint (feats->len, ==, 15);
  /* sorted by start: 10 (row 1), 20 (row 2), 30 (row 0) */
  g_assert_cmpint (g_array_index (starts, gint64, 0), ==, 10);
  g_assert_cmpmem (&g_array_index (feats, float, 0), 5 * sizeof (float), f + 5, 5 * sizeof (float));
  g_assert_cmpmem (&g_array_index (feats, float, 10), 5 * sizeof (float), f, 5 * sizeof (float));
  /* another dimension: nothing matches */
  g_clear_pointer (&starts, g_array_unref);
  n = icto_result_cache_get_features (store, run, G_MININT64, G_MAXINT64, 4, &starts, NULL, &error);
  g_assert_cmpint (n, ==, 0);
  g_assert_false (icto_result_cache_put_features (store, run, s, f, 3, 0, &error));
  g_assert_error (error, ICTO_STORE_ERROR, ICTO_STORE_ERROR_INVALID);
  g_clear_error (&error);
  /* features go with their run */
  g_assert_true (icto_result_cache_delete_run (store, run, &error));
  n = icto_result_cache_get_features (store, run, G_MININT64, G_MAXINT64, 5, NULL, NULL, &error);
  g_assert_cmpint (n, ==, 0);
}

static void
test_decisions (void)
{
  g_autoptr(IctoStore) store = open_store ("decisions.db");
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) all = NULL;
  g_autoptr(GPtrArray) alice = NULL;
  g_autoptr(GPtrArray) after = NULL;
  IctoDetectionDecision *d;
  gint64 rec;

  rec = icto_store_ensure_recording (store, "fp", NULL, -1, &error);
  g_assert_no_error (error);
  g_assert_true (icto_result_cache_set_decision (store, rec, "alice", "h", 500, 100, ICTO_DETECTION_ACCEPTED, 42, &error));
  g_assert_true (icto_result_cache_set_decision (store, rec, "alice", "h", 100, 50, ICTO_DETECTION_REJECTED, 7, &error));
  g_assert_true (icto_result_cache_set_decision (store, rec, "bob", "h", 100, 50, ICTO_DETECTION_ACCEPTED, 0, &error));
  g_assert_true (icto_result_cache_set_decision (store, rec, "alice", "h2", 100, 50, ICTO_DETECTION_ACCEPTED, 0, &error));
  g_assert_no_error (error);
  /* a new verdict on the same detection replaces the old */
  g_assert_true (icto_result_cache_set_decision (store, rec, "alice", "h", 500, 100, ICTO_DETECTION_REJECTED, 0, &error));

  all = icto_result_cache_list_decisions (store, rec, NULL, NULL, &error);
  g_assert_cmpuint (all->len, ==, 4);
  alice = icto_result_cache_list_decisions (store, rec, "alice", "h", &error);
  g_assert_cmpuint (alice->len, ==, 2);
  d = g_ptr_array_index (alice, 0);
  g_assert_cmpint (d->onset, ==, 100);
  g_assert_cmpint (d->duration, ==, 50);
  g_assert_cmpint (d->verdict, ==, ICTO_DETECTION_REJECTED);
  g_assert_cmpint (d->annotation_id, ==, 0);     /* a rejection keeps no annotation */
  g_assert_cmpstr (d->rater, ==, "alice");
  g_assert_cmpstr (d->model_hash, ==, "h");
  g_assert_cmpint (d->time, >, 0);
  d = g_ptr_array_index (alice, 1);
  g_assert_cmpint (d->onset, ==, 500);
  g_assert_cmpint (d->verdict, ==, ICTO_DETECTION_REJECTED);

  g_assert_true (icto_result_cache_clear_decision (store, rec, "alice", "h", 100, &error));
  g_assert_false (icto_result_cache_clear_decision (store, rec, "alice", "h", 100, &error));
  g_assert_error (error, ICTO_STORE_ERROR, ICTO_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  after = icto_result_cache_list_decisions (store, rec, "alice", "h", &error);
  g_assert_cmpuint (after->len, ==, 1);

  g_assert_false (icto_result_cache_set_decision (store, rec, "alice", "h", 1, -1, ICTO_DETECTION_ACCEPTED, 0, &error));
  g_assert_error (error, ICTO_STORE_ERROR, ICTO_STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (icto_result_cache_set_decision (store, rec, "alice", "h", 1, 1, 3, 0, &error));
  g_assert_error (error, ICTO_STORE_ERROR, ICTO_STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (icto_result_cache_set_decision (store, rec + 100, "alice", "h", 1, 1, ICTO_DETECTION_ACCEPTED, 0, &error));
  g_assert_error (error, ICTO_STORE_ERROR, ICTO_STORE_ERROR_NOT_FOUND);
}

/* A writer thread with its own connection; the main connection sees every
 * committed batch after the thread ends. */
static gpointer
writer_thread (gpointer data)
{
  const char *path = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(IctoStore) store = icto_store_open (path, &error);
  float v[3] = { 1, 2, 3 };
  gint64 run;

  g_assert_no_error (error);
  run = icto_result_cache_ensure_run (store, "fp", "h", labels, 3, SETTINGS, &error);
  g_assert_no_error (error);
  for (int b = 0; b < 20; b++)
    {
      IctoResultWindow w[10];

      for (int i = 0; i < 10; i++)
        w[i] = (IctoResultWindow) { (gint64) (b * 10 + i), 25, 0.1f, 3, v, v, 0, NULL };
      g_assert_true (icto_result_cache_put_windows (store, run, w, 10, &error));
      g_assert_no_error (error);
    }
  return NULL;
}

static void
test_thread (void)
{
  g_autofree char *path = g_build_filename (icto_test_tmpdir (), "thread.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(IctoStore) store = icto_store_open (path, &error);
  g_autoptr(GPtrArray) got = NULL;
  GThread *t;
  gint64 run;

  t = g_thread_new ("writer", writer_thread, path);
  /* reads meanwhile never fail */
  for (int i = 0; i < 20; i++)
    {
      g_autoptr(GError) local = NULL;

      run = icto_result_cache_find_run (store, "fp", "h", labels, 3, SETTINGS, &local);
      if (run > 0)
        {
          g_autoptr(GPtrArray) part = icto_result_cache_get_windows (store, run, G_MININT64, G_MAXINT64, FALSE, &local);

          g_assert_no_error (local);
          g_assert_cmpuint (part->len % 10, ==, 0);
        }
      g_usleep (1000);
    }
  g_thread_join (t);
  run = icto_result_cache_find_run (store, "fp", "h", labels, 3, SETTINGS, &error);
  g_assert_no_error (error);
  got = icto_result_cache_get_windows (store, run, G_MININT64, G_MAXINT64, FALSE, &error);
  g_assert_cmpuint (got->len, ==, 200);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/result-cache/runs", test_runs);
  g_test_add_func ("/result-cache/windows", test_windows);
  g_test_add_func ("/result-cache/damaged-blob", test_damaged_blob);
  g_test_add_func ("/result-cache/features", test_features);
  g_test_add_func ("/result-cache/decisions", test_decisions);
  g_test_add_func ("/result-cache/thread", test_thread);
  return g_test_run ();
}
