/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "icto-filter"

#include "config.h"

#include <complex.h>
#include <math.h>

#include <glib/gi18n.h>

#include "signal/icto-filter.h"

#define NOTCH_Q     30.0
#define MAX_SECTIONS 64

typedef struct {
  double b0, b1, b2, a1, a2;   /* a0 = 1 */
} Section;

static int
effective_order (const IctoFilterSpec *spec)
{
  return spec->order <= 0 ? 4 : spec->order;
}

static gboolean
has_highpass (const IctoFilterSpec *spec, double fs)
{
  return spec->highpass_hz > 0;
}

static gboolean
has_lowpass (const IctoFilterSpec *spec, double fs)
{
  return spec->lowpass_hz > 0 && spec->lowpass_hz < fs / 2;
}

static void
add_butterworth (Section *s, guint *n, int order, double fc, double fs, gboolean high)
{
  double w0 = 2 * G_PI * fc / fs;
  double cw = cos (w0), sw = sin (w0);

  for (int k = 0; k < order / 2; k++)
    {
      double theta = G_PI * (2 * k + 1) / (2.0 * order);
      double q = 1.0 / (2.0 * sin (theta));
      double alpha = sw / (2 * q);
      double a0 = 1 + alpha;
      Section *t = &s[(*n)++];
      if (high)
        {
          t->b0 = (1 + cw) / 2 / a0;
          t->b1 = -(1 + cw) / a0;
          t->b2 = (1 + cw) / 2 / a0;
        }
      else
        {
          t->b0 = (1 - cw) / 2 / a0;
          t->b1 = (1 - cw) / a0;
          t->b2 = (1 - cw) / 2 / a0;
        }
      t->a1 = -2 * cw / a0;
      t->a2 = (1 - alpha) / a0;
    }
  if (order % 2)
    {
      double K = tan (w0 / 2);
      Section *t = &s[(*n)++];
      if (high)
        {
          t->b0 = 1 / (1 + K);
          t->b1 = -1 / (1 + K);
        }
      else
        {
          t->b0 = K / (1 + K);
          t->b1 = K / (1 + K);
        }
      t->b2 = 0;
      t->a1 = (K - 1) / (K + 1);
      t->a2 = 0;
    }
}

static void
add_notch (Section *s, guint *n, double f, double fs)
{
  double w0 = 2 * G_PI * f / fs;
  double alpha = sin (w0) / (2 * NOTCH_Q);
  double a0 = 1 + alpha;
  Section *t = &s[(*n)++];

  t->b0 = 1 / a0;
  t->b1 = -2 * cos (w0) / a0;
  t->b2 = 1 / a0;
  t->a1 = -2 * cos (w0) / a0;
  t->a2 = (1 - alpha) / a0;
}

static gboolean
design (const IctoFilterSpec *spec, double fs, Section *s, guint *n, GError **error)
{
  int order = effective_order (spec);

  *n = 0;
  if (spec->order < 0 || spec->order > 8)
    {
      g_set_error (error, ICTO_SIGNAL_ERROR, ICTO_SIGNAL_ERROR_RANGE,
                   _("The filter order must be between 1 and 8"));
      return FALSE;
    }
  if (!(fs > 0))
    {
      g_set_error (error, ICTO_SIGNAL_ERROR, ICTO_SIGNAL_ERROR_RANGE, _("The sampling rate must be positive"));
      return FALSE;
    }
  if (has_highpass (spec, fs))
    {
      if (spec->highpass_hz >= fs / 2)
        {
          g_set_error (error, ICTO_SIGNAL_ERROR, ICTO_SIGNAL_ERROR_RANGE,
                       _("The high-pass cut-off %.4g Hz is not below half the sampling rate (%.4g Hz)"),
                       spec->highpass_hz, fs / 2);
          return FALSE;
        }
      if (has_lowpass (spec, fs) && spec->highpass_hz >= spec->lowpass_hz)
        {
          g_set_error (error, ICTO_SIGNAL_ERROR, ICTO_SIGNAL_ERROR_RANGE,
                       _("The high-pass cut-off (%.4g Hz) must be below the low-pass cut-off (%.4g Hz)"),
                       spec->highpass_hz, spec->lowpass_hz);
          return FALSE;
        }
      add_butterworth (s, n, order, spec->highpass_hz, fs, TRUE);
    }
  if (has_lowpass (spec, fs))
    add_butterworth (s, n, order, spec->lowpass_hz, fs, FALSE);
  if (spec->notch_hz != 0)
    {
      double top;
      if (spec->notch_hz != 50 && spec->notch_hz != 60)
        {
          g_set_error (error, ICTO_SIGNAL_ERROR, ICTO_SIGNAL_ERROR_RANGE,
                       _("The notch filter is for 50 Hz or 60 Hz mains"));
          return FALSE;
        }
      /* harmonics up to Nyquist, or up to the low-pass cut-off when there
       * is one (above it the low-pass already removes them) */
      top = has_lowpass (spec, fs) ? MIN (fs / 2 * 0.98, spec->lowpass_hz * 1.2) : fs / 2 * 0.98;
      for (int h = 1; h * spec->notch_hz < top && *n < MAX_SECTIONS; h++)
        add_notch (s, n, (double) h * spec->notch_hz, fs);
    }
  return TRUE;
}

/* All sections in one pass, sample by sample: section k+1 works on sample
 * i−1 while section k works on sample i, so the recursions overlap in the
 * CPU instead of waiting on each other. */
static void
run_sections (const Section *s, guint n_sections, float *x, gsize n, gssize step)
{
  double z1[MAX_SECTIONS + 20], z2[MAX_SECTIONS + 20];
  double c;
  float *p;

  if (n == 0)
    return;
  c = x[step > 0 ? 0 : n - 1];
  for (guint k = 0; k < n_sections; k++)
    {
      /* transposed direct form II, started in the steady state of a
       * constant input c (the first sample of the run) */
      const Section *t = &s[k];
      double den = 1 + t->a1 + t->a2;
      double g = fabs (den) > 1e-12 ? (t->b0 + t->b1 + t->b2) / den : 0.0;
      z2[k] = t->b2 * c - t->a2 * g * c;
      z1[k] = g * c - t->b0 * c;
      c *= g;
    }
  p = x + (step > 0 ? 0 : (gssize) n - 1);
  for (gsize i = 0; i < n; i++, p += step)
    {
      double v = *p;
      for (guint k = 0; k < n_sections; k++)
        {
          const Section *t = &s[k];
          double out = t->b0 * v + z1[k];
          z1[k] = t->b1 * v - t->a1 * out + z2[k];
          z2[k] = t->b2 * v - t->a2 * out;
          v = out;
        }
      *p = (float) v;
    }
}

IctoFilterSpec
icto_filter_preset (IctoFilterPreset preset)
{
  IctoFilterSpec spec = { 0, 0, 0, 0 };

  switch (preset)
    {
    case ICTO_FILTER_PRESET_REVIEW:
      spec.highpass_hz = 1.0;
      spec.lowpass_hz = 70.0;
      break;
    case ICTO_FILTER_PRESET_HFO_80:
      spec.highpass_hz = 80.0;
      break;
    case ICTO_FILTER_PRESET_HFO_250:
      spec.highpass_hz = 250.0;
      break;
    case ICTO_FILTER_PRESET_NONE:
    default:
      break;
    }
  return spec;
}

gboolean
icto_filter_is_identity (const IctoFilterSpec *spec,
                         double                sample_rate)
{
  return spec == NULL ||
         (!has_highpass (spec, sample_rate) && !has_lowpass (spec, sample_rate) && spec->notch_hz == 0);
}

gboolean
icto_filter_apply (const IctoFilterSpec *spec,
                   double                sample_rate,
                   float                *data,
                   gsize                 n,
                   GError              **error)
{
  Section s[MAX_SECTIONS + 20];
  guint n_sections;
  gsize i = 0;

  g_return_val_if_fail (data != NULL || n == 0, FALSE);
  if (icto_filter_is_identity (spec, sample_rate))
    return TRUE;
  if (!design (spec, sample_rate, s, &n_sections, error))
    return FALSE;
  while (i < n)
    {
      gsize j;
      while (i < n && !isfinite (data[i]))
        i++;
      j = i;
      while (j < n && isfinite (data[j]))
        j++;
      if (j > i)
        {
          run_sections (s, n_sections, data + i, j - i, 1);
          run_sections (s, n_sections, data + i, j - i, -1);
        }
      i = j;
    }
  return TRUE;
}

gsize
icto_filter_padding (const IctoFilterSpec *spec,
                     double                sample_rate)
{
  double seconds = 0;

  if (icto_filter_is_identity (spec, sample_rate) || !(sample_rate > 0))
    return 0;
  /* a decay to ~0.1 % (7 time constants) of the slowest pole: a Butterworth
   * pole pair nearest the axis has time constant 1 / (2π fc sin(π / 2N)),
   * a notch 1 / (π · bandwidth) = Q / (π f) */
  {
    double k = 7.0 / (2 * G_PI * sin (G_PI / (2.0 * effective_order (spec))));
    if (has_highpass (spec, sample_rate))
      seconds = MAX (seconds, k / spec->highpass_hz);
    if (has_lowpass (spec, sample_rate))
      seconds = MAX (seconds, k / spec->lowpass_hz);
    if (spec->notch_hz > 0)
      seconds = MAX (seconds, 7.0 * NOTCH_Q / (G_PI * spec->notch_hz));
  }
  return (gsize) ceil (seconds * sample_rate);
}

double
icto_filter_response (const IctoFilterSpec *spec,
                      double                sample_rate,
                      double                frequency_hz)
{
  Section s[MAX_SECTIONS + 20];
  guint n_sections;
  double complex z, h = 1;

  if (icto_filter_is_identity (spec, sample_rate))
    return 1.0;
  if (!design (spec, sample_rate, s, &n_sections, NULL))
    return NAN;
  z = cexp (-I * 2 * G_PI * frequency_hz / sample_rate);
  for (guint k = 0; k < n_sections; k++)
    h *= (s[k].b0 + s[k].b1 * z + s[k].b2 * z * z) / (1 + s[k].a1 * z + s[k].a2 * z * z);
  return cabs (h) * cabs (h);  /* forward and backward: |H|² */
}
