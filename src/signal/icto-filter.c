/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "icto-filter"

#include "config.h"

#include <complex.h>
#include <math.h>
#include <string.h>

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

/* ---------------------------------------------------- multi-channel path */

/* LANES channels run side by side, one vector lane each, in double
 * precision; the time axis goes through an L1-sized block of CHUNK samples
 * at a time (on the stack), converted from and back to float. */
#define LANES 8
#define CHUNK 256

typedef double Lanes __attribute__ ((vector_size (LANES * sizeof (double))));
typedef float FloatLanes __attribute__ ((vector_size (LANES * sizeof (float))));

G_STATIC_ASSERT (LANES == ICTO_FILTER_LANES);

#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && !defined(__SANITIZE_ADDRESS__)
#define ICTO_FILTER_VECTORIZE __attribute__ ((target_clones ("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define ICTO_FILTER_VECTORIZE
#endif

/* One transposed-direct-form-II step of section @t on lanes @in; @z1/@z2
 * the state, the output in @out.  The terms that wait on @out come last, so
 * that the recursion costs two multiply-adds of latency per sample. */
#define SECTION_STEP(t, in, out, z1, z2) \
  G_STMT_START {                                   \
    out = (t)[0] * (in) + z1;                      \
    z1 = ((t)[1] * (in) + z2) - (t)[3] * out;      \
    z2 = (t)[2] * (in) - (t)[4] * out;             \
  } G_STMT_END

/* Runs every section over @n samples of @buf (one Lanes per sample), state
 * in @z1/@z2 carried from block to block.  Sections go up to four at a
 * time: their recursions are independent chains that the CPU overlaps (one
 * section alone waits on its own multiply-add latency). */
static void ICTO_FILTER_VECTORIZE
run_block (const Section *s, guint n_sections, Lanes *z1, Lanes *z2, Lanes *buf, gsize n)
{
  guint k = 0;

  for (; k + 4 <= n_sections; k += 4)
    {
      const double p[5] = { s[k].b0, s[k].b1, s[k].b2, s[k].a1, s[k].a2 };
      const double q[5] = { s[k + 1].b0, s[k + 1].b1, s[k + 1].b2, s[k + 1].a1, s[k + 1].a2 };
      const double r[5] = { s[k + 2].b0, s[k + 2].b1, s[k + 2].b2, s[k + 2].a1, s[k + 2].a2 };
      const double u[5] = { s[k + 3].b0, s[k + 3].b1, s[k + 3].b2, s[k + 3].a1, s[k + 3].a2 };
      Lanes p1 = z1[k], p2 = z2[k], q1 = z1[k + 1], q2 = z2[k + 1];
      Lanes r1 = z1[k + 2], r2 = z2[k + 2], u1 = z1[k + 3], u2 = z2[k + 3];

      for (gsize i = 0; i < n; i++)
        {
          Lanes o1, o2, o3, o4;
          SECTION_STEP (p, buf[i], o1, p1, p2);
          SECTION_STEP (q, o1, o2, q1, q2);
          SECTION_STEP (r, o2, o3, r1, r2);
          SECTION_STEP (u, o3, o4, u1, u2);
          buf[i] = o4;
        }
      z1[k] = p1; z2[k] = p2; z1[k + 1] = q1; z2[k + 1] = q2;
      z1[k + 2] = r1; z2[k + 2] = r2; z1[k + 3] = u1; z2[k + 3] = u2;
    }
  for (; k + 2 <= n_sections; k += 2)
    {
      const double p[5] = { s[k].b0, s[k].b1, s[k].b2, s[k].a1, s[k].a2 };
      const double q[5] = { s[k + 1].b0, s[k + 1].b1, s[k + 1].b2, s[k + 1].a1, s[k + 1].a2 };
      Lanes p1 = z1[k], p2 = z2[k], q1 = z1[k + 1], q2 = z2[k + 1];

      for (gsize i = 0; i < n; i++)
        {
          Lanes o1, o2;
          SECTION_STEP (p, buf[i], o1, p1, p2);
          SECTION_STEP (q, o1, o2, q1, q2);
          buf[i] = o2;
        }
      z1[k] = p1; z2[k] = p2; z1[k + 1] = q1; z2[k + 1] = q2;
    }
  if (k < n_sections)
    {
      const double p[5] = { s[k].b0, s[k].b1, s[k].b2, s[k].a1, s[k].a2 };
      Lanes p1 = z1[k], p2 = z2[k];

      for (gsize i = 0; i < n; i++)
        {
          Lanes o1;
          SECTION_STEP (p, buf[i], o1, p1, p2);
          buf[i] = o1;
        }
      z1[k] = p1;
      z2[k] = p2;
    }
}

/* One pass (forward, or backward when @backward) of the cascade over @n
 * interleaved samples of LANES lanes, as run_sections() does for one array:
 * same state start, double precision inside the pass, float between passes. */
static void ICTO_FILTER_VECTORIZE
run_sections_lanes (const Section *s, guint n_sections, float *x, gsize n, gboolean backward)
{
  Lanes z1[MAX_SECTIONS + 20], z2[MAX_SECTIONS + 20];
  Lanes buf[CHUNK];
  FloatLanes *v = (FloatLanes *) x;
  FloatLanes first;

  memcpy (&first, x + (backward ? n - 1 : 0) * LANES, sizeof first);
  {
    Lanes c = __builtin_convertvector (first, Lanes);
    for (guint k = 0; k < n_sections; k++)
      {
        /* the steady state of a constant input c, lane by lane */
        const Section *t = &s[k];
        double den = 1 + t->a1 + t->a2;
        double g = fabs (den) > 1e-12 ? (t->b0 + t->b1 + t->b2) / den : 0.0;
        z2[k] = t->b2 * c - t->a2 * g * c;
        z1[k] = g * c - t->b0 * c;
        c *= g;
      }
  }
  for (gsize i0 = 0; i0 < n; i0 += CHUNK)
    {
      gsize m = MIN ((gsize) CHUNK, n - i0);

      if (backward)
        for (gsize j = 0; j < m; j++)
          buf[j] = __builtin_convertvector (v[n - 1 - i0 - j], Lanes);
      else
        for (gsize j = 0; j < m; j++)
          buf[j] = __builtin_convertvector (v[i0 + j], Lanes);
      run_block (s, n_sections, z1, z2, buf, m);
      if (backward)
        for (gsize j = 0; j < m; j++)
          v[n - 1 - i0 - j] = __builtin_convertvector (buf[j], FloatLanes);
      else
        for (gsize j = 0; j < m; j++)
          v[i0 + j] = __builtin_convertvector (buf[j], FloatLanes);
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

/* Each run of finite samples of @data, on its own, with the scalar loop. */
static void
apply_runs (const Section *s, guint n_sections, float *data, gsize n)
{
  gsize i = 0;

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

  g_return_val_if_fail (data != NULL || n == 0, FALSE);
  if (icto_filter_is_identity (spec, sample_rate))
    return TRUE;
  if (!design (spec, sample_rate, s, &n_sections, error))
    return FALSE;
  apply_runs (s, n_sections, data, n);
  return TRUE;
}

gboolean
icto_filter_apply_lanes (const IctoFilterSpec *spec,
                         double                sample_rate,
                         float                *data,
                         gsize                 n,
                         GError              **error)
{
  Section s[MAX_SECTIONS + 20];
  guint n_sections;

  g_return_val_if_fail (data != NULL || n == 0, FALSE);
  g_return_val_if_fail (((guintptr) data) % (LANES * sizeof (float)) == 0, FALSE);
  if (icto_filter_is_identity (spec, sample_rate))
    return TRUE;
  if (!design (spec, sample_rate, s, &n_sections, error))
    return FALSE;
  if (n == 0)
    return TRUE;
  run_sections_lanes (s, n_sections, data, n, FALSE);
  run_sections_lanes (s, n_sections, data, n, TRUE);
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
