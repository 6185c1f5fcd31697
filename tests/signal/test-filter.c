/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-filter"

#include "config.h"

#include <math.h>
#include <string.h>

#include "icto-test-util.h"
#include "signal/icto-filter.h"

/* Amplitude (dB) and phase of a filtered sine, measured on the middle part of
 * a long signal by least squares against sin and cos. */
static void
measure (const IctoFilterSpec *spec, double fs, double f, double *gain_db, double *phase)
{
  gsize n = (gsize) (fs * 20);
  g_autofree float *x = g_new (float, n);
  double ss = 0, sc = 0, cc = 0, ys = 0, yc = 0;

  for (gsize i = 0; i < n; i++)
    x[i] = (float) sin (2 * G_PI * f * i / fs);
  g_assert_true (icto_filter_apply (spec, fs, x, n, NULL));
  for (gsize i = n / 4; i < 3 * n / 4; i++)
    {
      double s = sin (2 * G_PI * f * i / fs), c = cos (2 * G_PI * f * i / fs);
      ss += s * s; cc += c * c; sc += s * c;
      ys += x[i] * s; yc += x[i] * c;
    }
  {
    double det = ss * cc - sc * sc;
    double a = (ys * cc - yc * sc) / det;   /* coefficient of sin */
    double b = (yc * ss - ys * sc) / det;   /* coefficient of cos */
    *gain_db = 20 * log10 (hypot (a, b));
    *phase = atan2 (b, a);
  }
}

static void
test_review_preset (void)
{
  IctoFilterSpec spec = icto_filter_preset (ICTO_FILTER_PRESET_REVIEW);
  const double fs = 512;
  double g, ph, lo = 1e9, hi = -1e9;

  g_assert_cmpfloat (spec.highpass_hz, ==, 1.0);
  g_assert_cmpfloat (spec.lowpass_hz, ==, 70.0);
  /* passband 4–25 Hz: ripple under 0.1 dB, no phase shift */
  for (double f = 4; f <= 25; f += 3)
    {
      measure (&spec, fs, f, &g, &ph);
      lo = MIN (lo, g);
      hi = MAX (hi, g);
      g_assert_cmpfloat (fabs (ph), <, 1e-3);
    }
  g_assert_cmpfloat (hi - lo, <, 0.1);
  g_assert_cmpfloat (fabs (hi), <, 0.1);
  /* the cut-offs are at −6 dB (two passes of −3 dB) */
  g_assert_cmpfloat (fabs (20 * log10 (icto_filter_response (&spec, fs, 70)) + 6.02), <, 0.1);
  g_assert_cmpfloat (fabs (20 * log10 (icto_filter_response (&spec, fs, 1)) + 6.02), <, 0.1);
  /* stopband: 200 Hz at least 60 dB down, 0.1 Hz at least 60 dB down */
  measure (&spec, fs, 200, &g, &ph);
  g_assert_cmpfloat (g, <, -60);
  g_assert_cmpfloat (20 * log10 (icto_filter_response (&spec, fs, 200)), <, -60);
  g_assert_cmpfloat (20 * log10 (icto_filter_response (&spec, fs, 0.1)), <, -60);
}

static void
test_hfo_presets (void)
{
  IctoFilterSpec s80 = icto_filter_preset (ICTO_FILTER_PRESET_HFO_80);
  IctoFilterSpec s250 = icto_filter_preset (ICTO_FILTER_PRESET_HFO_250);
  const double fs = 2048;
  double g, ph;

  measure (&s80, fs, 200, &g, &ph);
  g_assert_cmpfloat (fabs (g), <, 0.1);
  g_assert_cmpfloat (fabs (ph), <, 1e-3);
  measure (&s80, fs, 20, &g, &ph);
  g_assert_cmpfloat (g, <, -40);
  measure (&s250, fs, 500, &g, &ph);
  g_assert_cmpfloat (fabs (g), <, 0.1);
  g_assert_cmpfloat (fabs (ph), <, 1e-3);
  measure (&s250, fs, 100, &g, &ph);
  g_assert_cmpfloat (g, <, -30);
}

static void
test_notch (void)
{
  IctoFilterSpec spec = { 0, 0, 50, 0 };
  const double fs = 1000;
  double g, ph;

  for (int h = 1; h <= 9; h++)
    {
      measure (&spec, fs, 50.0 * h, &g, &ph);
      g_assert_cmpfloat (g, <, -40);
    }
  measure (&spec, fs, 20, &g, &ph);
  g_assert_cmpfloat (fabs (g), <, 0.1);
  g_assert_cmpfloat (fabs (ph), <, 1e-3);
  measure (&spec, fs, 75, &g, &ph);
  g_assert_cmpfloat (fabs (g), <, 0.1);
  spec.notch_hz = 60;
  measure (&spec, fs, 60, &g, &ph);
  g_assert_cmpfloat (g, <, -40);
  measure (&spec, fs, 50, &g, &ph);
  g_assert_cmpfloat (fabs (g), <, 0.2);
}

/* A page filtered with padding equals the same span of a long filtered signal. */
static void
test_padding (void)
{
  IctoFilterSpec spec = icto_filter_preset (ICTO_FILTER_PRESET_REVIEW);
  const double fs = 256;
  gsize n = (gsize) (fs * 60), pad = icto_filter_padding (&spec, fs);
  gsize a = n / 2, len = (gsize) (fs * 10);
  g_autofree float *x = g_new (float, n);
  g_autofree float *page = NULL;
  double err = 0, ref = 0;

  spec.notch_hz = 50;
  pad = icto_filter_padding (&spec, fs);
  g_assert_cmpuint (pad, >, 0);
  g_assert_cmpuint (pad, <, a);
  for (gsize i = 0; i < n; i++)
    x[i] = (float) (100 * sin (2 * G_PI * 5.3 * i / fs) + 300 + 40 * sin (2 * G_PI * 50 * i / fs) +
                    30 * ((i * 7919) % 101) / 101.0);
  page = g_memdup2 (x + a - pad, (len + 2 * pad) * sizeof (float));
  g_assert_true (icto_filter_apply (&spec, fs, x, n, NULL));
  g_assert_true (icto_filter_apply (&spec, fs, page, len + 2 * pad, NULL));
  for (gsize i = 0; i < len; i++)
    {
      err = MAX (err, fabs (page[pad + i] - x[a + i]));
      ref = MAX (ref, fabs (x[a + i]));
    }
  g_assert_cmpfloat (err, <, 2e-3 * ref);
  g_assert_cmpuint (icto_filter_padding (NULL, fs), ==, 0);
}

/* The padding rule: a unit step just outside the padding changes the page
 * by less than 0.1 % of the step.  The padded page that starts at the step
 * sees a constant (its state starts in the steady state of its first
 * sample), so its edge must match the filtered whole signal; checked for
 * high- and low-pass of every order, and the notch at low and high rates. */
static void
test_padding_step (void)
{
  IctoFilterSpec specs[24];
  double rates[24];
  guint n_specs = 0;

  for (int order = 1; order <= 8; order++)
    {
      specs[n_specs] = (IctoFilterSpec) { 1, 0, 0, order };
      rates[n_specs++] = 256;
      specs[n_specs] = (IctoFilterSpec) { 0, 30, 0, order };
      rates[n_specs++] = 256;
    }
  specs[n_specs] = (IctoFilterSpec) { 0, 0, 50, 0 };
  rates[n_specs++] = 256;
  specs[n_specs] = (IctoFilterSpec) { 0, 0, 60, 0 };
  rates[n_specs++] = 256;
  specs[n_specs] = (IctoFilterSpec) { 0, 0, 50, 0 };
  rates[n_specs++] = 1024;
  specs[n_specs] = (IctoFilterSpec) { 1, 70, 50, 0 };
  rates[n_specs++] = 1024;
  specs[n_specs] = (IctoFilterSpec) { 80, 0, 0, 0 };
  rates[n_specs++] = 1024;
  specs[n_specs] = (IctoFilterSpec) { 0.5, 0, 0, 2 };
  rates[n_specs++] = 256;

  for (guint k = 0; k < n_specs; k++)
    {
      double fs = rates[k];
      gsize pad = icto_filter_padding (&specs[k], fs);
      gsize n = 2 * pad + (gsize) (fs * 30), s0 = pad + (gsize) (fs * 10);
      g_autofree float *x = g_new (float, n);
      double level, worst = 0;
      float one = 1.0f;

      g_assert_cmpuint (pad, >, 0);
      for (gsize i = 0; i < n; i++)
        x[i] = i >= s0 ? 1.0f : 0.0f;
      g_assert_true (icto_filter_apply (&specs[k], fs, x, n, NULL));
      /* what the page sees: a constant 1 from its first sample on */
      g_assert_true (icto_filter_apply (&specs[k], fs, &one, 1, NULL));
      level = one;
      for (gsize i = s0 + pad; i < n - (gsize) (fs * 5); i++)
        worst = MAX (worst, fabs (x[i] - level));
      if (worst >= 1e-3)
        g_error ("filter %u (%g-%g Hz, notch %d, order %d at %g Hz): step error %g after %zu samples",
                 k, specs[k].highpass_hz, specs[k].lowpass_hz, specs[k].notch_hz, specs[k].order, fs, worst, pad);
      /* and the rule is not wasteful: at 60 % of the padding the error is
       * still visible for the Butterworth filters */
      if (specs[k].notch_hz == 0)
        {
          double early = 0;
          for (gsize i = s0 + pad * 6 / 10; i < n - (gsize) (fs * 5); i++)
            early = MAX (early, fabs (x[i] - level));
          g_assert_cmpfloat (early, >, 1e-4);
        }
    }
}

static void
test_nan_runs_and_errors (void)
{
  IctoFilterSpec spec = { 1, 40, 0, 2 };
  IctoFilterSpec bad = { 300, 0, 0, 0 };
  IctoFilterSpec crossed = { 50, 40, 0, 0 };
  float x[1000];
  g_autoptr(GError) error = NULL;

  for (int i = 0; i < 1000; i++)
    x[i] = i >= 400 && i < 500 ? NAN : (float) sin (i * 0.1);
  g_assert_true (icto_filter_apply (&spec, 256, x, 1000, NULL));
  for (int i = 0; i < 1000; i++)
    g_assert_true ((i >= 400 && i < 500) ? isnan (x[i]) : isfinite (x[i]));
  g_assert_false (icto_filter_apply (&bad, 256, x, 1000, &error));
  g_assert_error (error, ICTO_SIGNAL_ERROR, ICTO_SIGNAL_ERROR_RANGE);
  g_clear_error (&error);
  g_assert_false (icto_filter_apply (&crossed, 256, x, 1000, &error));
  g_assert_error (error, ICTO_SIGNAL_ERROR, ICTO_SIGNAL_ERROR_RANGE);
  g_assert_true (icto_filter_is_identity (NULL, 256));
  {
    IctoFilterSpec lp_above = { 0, 200, 0, 0 };
    g_assert_true (icto_filter_is_identity (&lp_above, 256));  /* low-pass above Nyquist: none */
  }
}

/* The lane path (8 channels interleaved, vector registers) equals the
 * single-channel path (the straightforward scalar loop) within 1e-4 of each
 * channel's peak, for the presets and for odd orders (first-order
 * sections), over a length that is not a multiple of the block. */
static void
test_lanes_match_single (void)
{
  const IctoFilterSpec specs[] = {
    { 1, 70, 50, 0 },     /* review + notch */
    { 80, 0, 0, 0 },      /* HFO */
    { 250, 0, 0, 0 },
    { 0.5, 0, 60, 3 },    /* odd order: a first-order section */
    { 0, 30, 0, 1 },      /* one first-order section only */
    { 0, 0, 50, 0 },      /* notch harmonics */
  };
  const double fs = 1024;
  const gsize n = 3000;   /* not a multiple of the block length */
  const guint L = ICTO_FILTER_LANES;

  for (guint si = 0; si < G_N_ELEMENTS (specs); si++)
    {
      g_autofree float *lanes = g_aligned_alloc (n * L, sizeof (float), 64);
      g_autofree float *ref = g_new (float, n * L);

      for (guint c = 0; c < L; c++)
        for (gsize i = 0; i < n; i++)
          {
            ref[c * n + i] = (float) (150 * sin (2 * G_PI * (3 + c) * i / fs) + 40 * sin (2 * G_PI * 50 * i / fs) +
                                      (c * 37.0 - 100) + ((i * 7919 + c * 31) % 211) / 2.0);
            lanes[i * L + c] = ref[c * n + i];
          }
      for (guint c = 0; c < L; c++)
        g_assert_true (icto_filter_apply (&specs[si], fs, ref + c * n, n, NULL));
      g_assert_true (icto_filter_apply_lanes (&specs[si], fs, lanes, n, NULL));
      for (guint c = 0; c < L; c++)
        {
          double peak = 0, err = 0;
          for (gsize i = 0; i < n; i++)
            {
              peak = MAX (peak, fabs (ref[c * n + i]));
              err = MAX (err, fabs (ref[c * n + i] - lanes[i * L + c]));
            }
          g_assert_cmpfloat (peak, >, 1);
          g_assert_cmpfloat (err, <=, 1e-4 * peak);
        }
      g_aligned_free (g_steal_pointer (&lanes));
    }
  /* errors come from the same design checks */
  {
    IctoFilterSpec bad = { 600, 0, 0, 0 };
    g_autofree float *x = g_aligned_alloc0 (4 * L, sizeof (float), 64);
    g_autoptr(GError) error = NULL;
    g_assert_false (icto_filter_apply_lanes (&bad, fs, x, 4, &error));
    g_assert_error (error, ICTO_SIGNAL_ERROR, ICTO_SIGNAL_ERROR_RANGE);
    g_aligned_free (g_steal_pointer (&x));
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/signal/filter/review", test_review_preset);
  g_test_add_func ("/signal/filter/hfo", test_hfo_presets);
  g_test_add_func ("/signal/filter/notch", test_notch);
  g_test_add_func ("/signal/filter/padding", test_padding);
  g_test_add_func ("/signal/filter/padding-step", test_padding_step);
  g_test_add_func ("/signal/filter/nan-and-errors", test_nan_runs_and_errors);
  g_test_add_func ("/signal/filter/lanes-match-single", test_lanes_match_single);
  return g_test_run ();
}
