/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-decimate"

#include "config.h"

#include <math.h>

#include "icto-test-util.h"
#include "signal/icto-decimate.h"
#include "signal/icto-resample.h"

static void
test_extremes (void)
{
  const gsize n = 10007;
  const guint cols = 333;
  g_autofree float *x = g_new (float, n);
  float mn[333], mx[333];

  for (gsize i = 0; i < n; i++)
    x[i] = (float) sin (i * 0.01) + (float) g_test_rand_double_range (-0.1, 0.1);
  x[5000] = 17.0f;       /* a one-sample spike */
  x[123] = -23.0f;
  icto_decimate_minmax (x, n, cols, mn, mx);
  for (guint c = 0; c < cols; c++)
    {
      gsize a = (gsize) c * n / cols, b = (gsize) (c + 1) * n / cols;
      float lo = INFINITY, hi = -INFINITY;
      for (gsize i = a; i < b; i++)
        {
          lo = MIN (lo, x[i]);
          hi = MAX (hi, x[i]);
        }
      g_assert_cmpfloat (mn[c], ==, lo);
      g_assert_cmpfloat (mx[c], ==, hi);
    }
  /* the spikes survive exactly, in the right column */
  g_assert_cmpfloat (mx[5000 * cols / n], ==, 17.0f);
  g_assert_cmpfloat (mn[123 * cols / n], ==, -23.0f);
}

static void
test_nan_and_few_samples (void)
{
  float x[10] = { 1, NAN, 3, NAN, NAN, NAN, 7, 8, 9, 10 };
  float mn[5], mx[5], mn2[20], mx2[20];

  icto_decimate_minmax (x, 10, 5, mn, mx);
  g_assert_cmpfloat (mn[0], ==, 1);
  g_assert_cmpfloat (mx[0], ==, 1);
  g_assert_true (isnan (mn[2]) && isnan (mx[2]));
  g_assert_cmpfloat (mn[1], ==, 3);
  g_assert_cmpfloat (mx[4], ==, 10);
  /* more columns than samples: every column shows the sample it falls on */
  icto_decimate_minmax (x, 10, 20, mn2, mx2);
  g_assert_cmpfloat (mn2[0], ==, 1);
  g_assert_cmpfloat (mn2[1], ==, 1);
  g_assert_cmpfloat (mx2[19], ==, 10);
  icto_decimate_minmax (NULL, 0, 5, mn, mx);
  g_assert_true (isnan (mn[0]));
}

static void
test_resample (void)
{
  float x[2048], y[1024], z[300];

  for (int i = 0; i < 2048; i++)
    x[i] = (float) g_test_rand_double_range (-1, 1);
  /* fs 1024 → 512: mean of pairs, exactly */
  icto_resample_linear (x, 2048, y, 1024);
  for (int i = 0; i < 1024; i++)
    g_assert_cmpfloat (y[i], ==, (float) (((double) x[2 * i] + x[2 * i + 1]) / 2));
  /* fs 2048 → 512: mean of the middle two of four */
  icto_resample_linear (x, 2048, z, 512 > 300 ? 300 : 512);
  {
    float w[512];
    icto_resample_linear (x, 2048, w, 512);
    for (int i = 0; i < 512; i++)
      g_assert_cmpfloat (w[i], ==, (float) (((double) x[4 * i + 1] + x[4 * i + 2]) / 2));
  }
  /* identity */
  icto_resample_linear (x, 1024, y, 1024);
  g_assert_cmpmem (x, 1024 * sizeof (float), y, 1024 * sizeof (float));
  /* upsampling 3 → 6 by hand: src = max(0,(i+.5)/2-.5) */
  {
    float a[3] = { 0, 10, 20 }, b[6];
    float want[6] = { 0, 2.5f, 7.5f, 12.5f, 17.5f, 20 };
    icto_resample_linear (a, 3, b, 6);
    for (int i = 0; i < 6; i++)
      g_assert_cmpfloat (fabsf (b[i] - want[i]), <, 1e-6);
  }
  /* non-integer ratio 1000 → 512 against the formula */
  {
    float w[512];
    icto_resample_linear (x, 1000, w, 512);
    for (int i = 0; i < 512; i++)
      {
        double scale = 1000.0 / 512, src = MAX (0.0, (i + 0.5) * scale - 0.5);
        int i0 = (int) floor (src), i1 = MIN (i0 + 1, 999);
        double l = src - i0;
        g_assert_cmpfloat (fabs (w[i] - ((1 - l) * x[i0] + l * x[i1])), <, 1e-6);
      }
  }
}

/* The lane version gives exactly the row version's columns, lane by lane,
 * for more and fewer columns than samples, with NAN runs, and n = 0. */
static void
test_lanes (void)
{
  const gsize sizes[][2] = { { 10240, 1920 }, { 10007, 333 }, { 10, 20 }, { 1000, 1000 }, { 0, 5 } };
  const guint L = ICTO_DECIMATE_LANES;

  for (guint k = 0; k < G_N_ELEMENTS (sizes); k++)
    for (guint n_lanes = 1; n_lanes <= L; n_lanes += L - 1)
      {
        gsize n = sizes[k][0];
        guint cols = (guint) sizes[k][1];
        g_autofree float *x = g_new (float, MAX (n, 1) * L);
        g_autofree float *row = g_new (float, MAX (n, 1));
        g_autofree float *mins = g_new (float, (gsize) L * cols);
        g_autofree float *maxs = g_new (float, (gsize) L * cols);
        g_autofree float *rmn = g_new (float, cols);
        g_autofree float *rmx = g_new (float, cols);
        float *mp[ICTO_DECIMATE_LANES], *xp[ICTO_DECIMATE_LANES];

        for (gsize i = 0; i < n * L; i++)
          x[i] = (float) g_test_rand_double_range (-100, 100);
        for (gsize i = n / 3; i < n / 3 + n / 10; i++)   /* a NAN run in lane 2 */
          x[i * L + 2] = NAN;
        for (guint l = 0; l < L; l++)
          {
            mp[l] = mins + (gsize) l * cols;
            xp[l] = maxs + (gsize) l * cols;
          }
        icto_decimate_minmax_lanes (n ? x : NULL, n, cols, n_lanes, mp, xp);
        for (guint l = 0; l < n_lanes; l++)
          {
            for (gsize i = 0; i < n; i++)
              row[i] = x[i * L + l];
            icto_decimate_minmax (n ? row : NULL, n, cols, rmn, rmx);
            for (guint c = 0; c < cols; c++)
              {
                g_assert_true (rmn[c] == mp[l][c] || (isnan (rmn[c]) && isnan (mp[l][c])));
                g_assert_true (rmx[c] == xp[l][c] || (isnan (rmx[c]) && isnan (xp[l][c])));
              }
          }
      }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/signal/decimate/extremes", test_extremes);
  g_test_add_func ("/signal/decimate/nan", test_nan_and_few_samples);
  g_test_add_func ("/signal/decimate/lanes", test_lanes);
  g_test_add_func ("/signal/resample/linear", test_resample);
  return g_test_run ();
}
