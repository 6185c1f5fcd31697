/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-pyramid"

#include "config.h"

#include <math.h>
#include <string.h>

#include "test-signal-util.h"
#include "signal/icto-decimate.h"
#include "signal/icto-pyramid.h"

typedef struct {
  double last;
  guint  calls;
  GCancellable *cancel_at_half;
} Progress;

static void
progress_cb (double fraction, gpointer user_data)
{
  Progress *p = user_data;
  g_assert_cmpfloat (fraction, >=, p->last);
  g_assert_cmpfloat (fraction, <=, 1.0);
  p->last = fraction;
  p->calls++;
  if (p->cancel_at_half && fraction >= 0.5)
    g_cancellable_cancel (p->cancel_at_half);
}

/* Small file: 64 samples per bin; queries aligned to bins are exact. */
static void
test_exact (void)
{
  g_autofree char *path = test_write_edf ("pyr.edf", 3, 256, 40);
  g_autoptr(IctoRecording) rec = icto_recording_open (path, NULL);
  g_autoptr(GError) error = NULL;
  Progress p = { 0 };
  g_autoptr(IctoPyramid) pyr = icto_pyramid_build (rec, NULL, progress_cb, &p, NULL, &error);
  g_autofree float *x = g_new (float, 40 * 256);
  float mn[160], mx[160], qmn[160], qmx[160];

  g_assert_no_error (error);
  g_assert_nonnull (pyr);
  g_assert_false (icto_pyramid_was_loaded (pyr));
  g_assert_cmpfloat (p.last, ==, 1.0);
  g_assert_cmpuint (icto_pyramid_get_n_signals (pyr), ==, 3);
  for (guint s = 0; s < 3; s++)
    {
      g_assert_true (icto_recording_read_samples (rec, s, 0, 40 * 256, x, NULL));
      /* whole file at 160 columns: 64 samples each, aligned */
      icto_decimate_minmax (x, 40 * 256, 160, mn, mx);
      g_assert_true (icto_pyramid_query (pyr, s, 0, 40 * ICTO_TICKS_PER_SECOND, 160, qmn, qmx));
      for (int c = 0; c < 160; c++)
        {
          g_assert_cmpfloat (fabs (qmn[c] - mn[c]), <, 1e-3);
          g_assert_cmpfloat (fabs (qmx[c] - mx[c]), <, 1e-3);
        }
      /* a 2-s range at 8 columns (64 samples each) */
      icto_decimate_minmax (x + 10 * 256, 512, 8, mn, mx);
      g_assert_true (icto_pyramid_query (pyr, s, 10 * ICTO_TICKS_PER_SECOND, 12 * ICTO_TICKS_PER_SECOND, 8, qmn, qmx));
      for (int c = 0; c < 8; c++)
        {
          g_assert_cmpfloat (fabs (qmn[c] - mn[c]), <, 1e-3);
          g_assert_cmpfloat (fabs (qmx[c] - mx[c]), <, 1e-3);
        }
    }
  /* beyond the end: NAN; bad signal: FALSE */
  g_assert_true (icto_pyramid_query (pyr, 0, 50 * ICTO_TICKS_PER_SECOND, 60 * ICTO_TICKS_PER_SECOND, 4, qmn, qmx));
  g_assert_true (isnan (qmn[0]));
  g_assert_false (icto_pyramid_query (pyr, 3, 0, 10, 4, qmn, qmx));
}

/* Larger file (several samples per bin): query bounds the true extremes. */
static void
test_bounds (void)
{
  g_autofree char *path = test_write_edf ("pyr-big.edf", 1, 1024, 100);
  g_autoptr(IctoRecording) rec = icto_recording_open (path, NULL);
  g_autoptr(IctoPyramid) pyr = icto_pyramid_build (rec, NULL, NULL, NULL, NULL, NULL);
  g_autofree float *x = g_new (float, 100 * 1024);
  float mn[1000], mx[1000], qmn[1000], qmx[1000];
  float gmin = INFINITY, gmax = -INFINITY;

  g_assert_true (icto_recording_read_samples (rec, 0, 0, 100 * 1024, x, NULL));
  for (int i = 0; i < 100 * 1024; i++)
    {
      gmin = MIN (gmin, x[i]);
      gmax = MAX (gmax, x[i]);
    }
  /* reference by time: column c holds the samples at or after its start time */
  for (int c = 0; c < 1000; c++)
    {
      int a = (int) ceil (c * 102.4 - 1e-9), b = (int) ceil ((c + 1) * 102.4 - 1e-9);
      mn[c] = INFINITY;
      mx[c] = -INFINITY;
      for (int i = a; i < b; i++)
        {
          mn[c] = MIN (mn[c], x[i]);
          mx[c] = MAX (mx[c], x[i]);
        }
    }
  g_assert_true (icto_pyramid_query (pyr, 0, 0, 100 * ICTO_TICKS_PER_SECOND, 1000, qmn, qmx));
  for (int c = 0; c < 1000; c++)
    {
      g_assert_cmpfloat (qmn[c], <=, mn[c] + 1e-3);
      g_assert_cmpfloat (qmx[c], >=, mx[c] - 1e-3);
      /* and no looser than the column widened by one bin (64 samples) each side */
      {
        int a = MAX (0, (int) ceil (c * 102.4 - 1e-9) - 64);
        int b = MIN (100 * 1024, (int) ceil ((c + 1) * 102.4 - 1e-9) + 64);
        float lo = INFINITY, hi = -INFINITY;
        for (int i = a; i < b; i++)
          {
            lo = MIN (lo, x[i]);
            hi = MAX (hi, x[i]);
          }
        g_assert_cmpfloat (qmn[c], >=, lo - 1e-3);
        g_assert_cmpfloat (qmx[c], <=, hi + 1e-3);
      }
    }
  /* whole range in one column: the global extremes (from the upper levels) */
  g_assert_true (icto_pyramid_query (pyr, 0, 0, 100 * ICTO_TICKS_PER_SECOND, 1, qmn, qmx));
  g_assert_cmpfloat (fabs (qmn[0] - gmin), <, 1e-3);
  g_assert_cmpfloat (fabs (qmx[0] - gmax), <, 1e-3);
}

static void
test_cache (void)
{
  g_autofree char *path = test_write_edf ("pyr-cache.edf", 2, 512, 20);
  g_autofree char *dir = g_build_filename (icto_test_tmpdir (), "pyr-cache", NULL);
  g_autoptr(IctoRecording) rec = icto_recording_open (path, NULL);
  g_autoptr(IctoPyramid) first = icto_pyramid_build (rec, dir, NULL, NULL, NULL, NULL);
  g_autoptr(IctoPyramid) second = NULL;
  g_autoptr(IctoPyramid) third = NULL;
  g_autofree char *cache_file = NULL;
  float a[50], b[50], c[50], d[50];

  g_assert_nonnull (first);
  g_assert_false (icto_pyramid_was_loaded (first));
  cache_file = g_strdup_printf ("%s/%s.icto-pyramid", dir, icto_recording_get_fingerprint (rec));
  g_assert_true (g_file_test (cache_file, G_FILE_TEST_IS_REGULAR));
  second = icto_pyramid_build (rec, dir, NULL, NULL, NULL, NULL);
  g_assert_true (icto_pyramid_was_loaded (second));
  g_assert_true (icto_pyramid_query (first, 1, 0, 20 * ICTO_TICKS_PER_SECOND, 50, a, b));
  g_assert_true (icto_pyramid_query (second, 1, 0, 20 * ICTO_TICKS_PER_SECOND, 50, c, d));
  g_assert_cmpmem (a, sizeof a, c, sizeof c);
  g_assert_cmpmem (b, sizeof b, d, sizeof d);
  /* a damaged cache file is ignored and rebuilt */
  g_assert_true (g_file_set_contents (cache_file, "ICTOPYR1 garbage", -1, NULL));
  third = icto_pyramid_build (rec, dir, NULL, NULL, NULL, NULL);
  g_assert_nonnull (third);
  g_assert_false (icto_pyramid_was_loaded (third));
  g_assert_true (icto_pyramid_query (third, 1, 0, 20 * ICTO_TICKS_PER_SECOND, 50, c, d));
  g_assert_cmpmem (a, sizeof a, c, sizeof c);
}

static void
test_cancel (void)
{
  g_autofree char *path = test_write_edf ("pyr-cancel.edf", 64, 1024, 40);  /* ~5 MiB: two reads */
  g_autoptr(IctoRecording) rec = icto_recording_open (path, NULL);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  Progress p = { 0 };
  IctoPyramid *pyr;

  p.cancel_at_half = cancellable;
  pyr = icto_pyramid_build (rec, NULL, progress_cb, &p, cancellable, &error);
  g_assert_null (pyr);
  g_assert_error (error, ICTO_SIGNAL_ERROR, ICTO_SIGNAL_ERROR_CANCELLED);
  g_assert_cmpfloat (p.last, <, 1.0);
  g_clear_error (&error);
  pyr = icto_pyramid_build (rec, NULL, NULL, NULL, cancellable, &error);
  g_assert_null (pyr);
  g_assert_error (error, ICTO_SIGNAL_ERROR, ICTO_SIGNAL_ERROR_CANCELLED);
}

/* EDF+D: columns inside the gap are NAN, the others hold the data around them. */
static void
test_gap (void)
{
  g_autofree char *src = test_write_edf ("pyr-gap-src.edf", 2, 256, 6);
  g_autofree char *dst = g_build_filename (icto_test_tmpdir (), "pyr-gap.edf", NULL);
  g_autofree char *contents = NULL;
  gsize len, hdr = 256 * 4, rec_bytes;
  g_autoptr(IctoRecording) rec = NULL;
  g_autoptr(IctoPyramid) pyr = NULL;
  float mn[8], mx[8], x[256];

  g_assert_true (g_file_get_contents (src, &contents, &len, NULL));
  rec_bytes = (len - hdr) / 6;
  memcpy (contents + 192, "EDF+D", 5);
  for (int r = 3; r < 6; r++)   /* records 3.. start 2 s later */
    contents[hdr + r * rec_bytes + 2 * 256 * 2 + 1] = (char) ('0' + r + 2);
  g_assert_true (g_file_set_contents (dst, contents, len, NULL));
  rec = icto_recording_open (dst, NULL);
  g_assert_cmpuint (icto_recording_get_n_gaps (rec), ==, 1);
  pyr = icto_pyramid_build (rec, NULL, NULL, NULL, NULL, NULL);
  g_assert_true (icto_pyramid_query (pyr, 0, 0, 8 * ICTO_TICKS_PER_SECOND, 8, mn, mx));
  for (int c = 0; c < 8; c++)
    g_assert_cmpint (isnan (mn[c]), ==, c == 3 || c == 4);
  /* the column of 5–6 s holds record 3 (stored seconds 3–4) */
  g_assert_true (icto_recording_read_samples (rec, 0, 3 * 256, 256, x, NULL));
  {
    float lo = INFINITY, hi = -INFINITY;
    for (int i = 0; i < 256; i++)
      {
        lo = MIN (lo, x[i]);
        hi = MAX (hi, x[i]);
      }
    g_assert_cmpfloat (fabs (mn[5] - lo), <, 1e-3);
    g_assert_cmpfloat (fabs (mx[5] - hi), <, 1e-3);
  }
}

/* 24-bit BDF+ (real file): the whole-range extremes of every signal are the
 * extremes of its samples. */
static void
test_bdf (void)
{
  g_autofree char *path = icto_test_shared_path ("data/real/edge_cases/multiple_annotation_chans.bdf");
  g_autoptr(IctoRecording) rec = NULL;
  g_autoptr(IctoPyramid) pyr = NULL;

  if (path == NULL)
    return;
  rec = icto_recording_open (path, NULL);
  pyr = icto_pyramid_build (rec, NULL, NULL, NULL, NULL, NULL);
  g_assert_nonnull (pyr);
  for (guint s = 0; s < icto_recording_get_n_signals (rec); s++)
    {
      gint64 n = icto_recording_get_n_samples (rec, s);
      g_autofree float *x = g_new (float, n);
      float lo = INFINITY, hi = -INFINITY, qmn[3], qmx[3];
      g_assert_true (icto_recording_read_samples (rec, s, 0, (gsize) n, x, NULL));
      for (gint64 i = 0; i < n; i++)
        {
          lo = MIN (lo, x[i]);
          hi = MAX (hi, x[i]);
        }
      g_assert_true (icto_pyramid_query (pyr, s, 0, icto_recording_get_duration (rec), 1, qmn, qmx));
      g_assert_cmpfloat (fabs (qmn[0] - lo), <=, 1e-6 * fabs (lo) + 1e-3);
      g_assert_cmpfloat (fabs (qmx[0] - hi), <=, 1e-6 * fabs (hi) + 1e-3);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/signal/pyramid/exact", test_exact);
  g_test_add_func ("/signal/pyramid/bounds", test_bounds);
  g_test_add_func ("/signal/pyramid/cache", test_cache);
  g_test_add_func ("/signal/pyramid/cancel", test_cancel);
  g_test_add_func ("/signal/pyramid/bdf", test_bdf);
  g_test_add_func ("/signal/pyramid/gap", test_gap);
  return g_test_run ();
}
