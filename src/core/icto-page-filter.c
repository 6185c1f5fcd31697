/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "icto-page-filter"

#include "config.h"

#include <math.h>

#include "core/icto-page-filter.h"
#include "signal/icto-signal-error.h"

typedef struct {
  double b0, b1, b2, a1, a2;
} Biquad;

/* Biquad coefficients (bilinear transform with prewarping, normalised a0). */
static void
biquad_design (Biquad *q,
               int     type /* 0 low-pass, 1 high-pass, 2 notch */,
               double  f0,
               double  rate,
               double  Q)
{
  double w0 = 2 * G_PI * f0 / rate;
  double c = cos (w0);
  double alpha = sin (w0) / (2 * Q);
  double a0 = 1 + alpha;

  switch (type)
    {
    case 0:
      q->b0 = (1 - c) / 2;
      q->b1 = 1 - c;
      q->b2 = (1 - c) / 2;
      break;
    case 1:
      q->b0 = (1 + c) / 2;
      q->b1 = -(1 + c);
      q->b2 = (1 + c) / 2;
      break;
    default:
      q->b0 = 1;
      q->b1 = -2 * c;
      q->b2 = 1;
      break;
    }
  q->a1 = -2 * c;
  q->a2 = 1 - alpha;
  q->b0 /= a0;
  q->b1 /= a0;
  q->b2 /= a0;
  q->a1 /= a0;
  q->a2 /= a0;
}

/* Forward then backward, starting from the steady state of the edge value. */
static void
biquad_filtfilt (const Biquad *q,
                 float        *x,
                 gsize         n)
{
  double gain_dc = (q->b0 + q->b1 + q->b2) / (1 + q->a1 + q->a2);

  for (int pass = 0; pass < 2; pass++)
    {
      double x0 = pass == 0 ? x[0] : x[n - 1];
      /* transposed direct form II state for a constant input x0 */
      double y0 = gain_dc * x0;
      double z1 = y0 - q->b0 * x0;
      double z2 = q->b2 * x0 - q->a2 * y0;

      for (gsize k = 0; k < n; k++)
        {
          gsize i = pass == 0 ? k : n - 1 - k;
          double in = x[i];
          double out = q->b0 * in + z1;

          z1 = q->b1 * in - q->a1 * out + z2;
          z2 = q->b2 * in - q->a2 * out;
          x[i] = (float) out;
        }
    }
}

void
icto_page_filter_apply (float  *x,
                        gsize   n,
                        double  rate,
                        double  highpass,
                        double  lowpass,
                        int     notch)
{
  g_autofree guint8 *nan_mask = NULL;
  double nyquist = rate / 2;
  Biquad q;

  g_return_if_fail (x != NULL || n == 0);

  if (n < 3 || rate <= 0)
    return;
  for (gsize i = 0; i < n; i++)
    {
      if (isnan (x[i]))
        {
          if (nan_mask == NULL)
            nan_mask = g_malloc0 (n);
          nan_mask[i] = 1;
          x[i] = 0;
        }
    }

  if (highpass > 0 && highpass < nyquist * 0.95)
    {
      biquad_design (&q, 1, highpass, rate, M_SQRT1_2);
      biquad_filtfilt (&q, x, n);
    }
  else if (highpass > 0)
    {
      /* a high-pass at or above Nyquist leaves nothing: say so with a flat
       * line rather than showing the unfiltered signal under its name */
      for (gsize i = 0; i < n; i++)
        x[i] = 0;
    }
  if (lowpass > 0 && lowpass < nyquist * 0.95)
    {
      biquad_design (&q, 0, lowpass, rate, M_SQRT1_2);
      biquad_filtfilt (&q, x, n);
    }
  if (notch == 50 || notch == 60)
    {
      for (int h = 1; notch * h < nyquist * 0.95; h++)
        {
          biquad_design (&q, 2, notch * h, rate, 30.0);
          biquad_filtfilt (&q, x, n);
        }
    }

  if (nan_mask != NULL)
    for (gsize i = 0; i < n; i++)
      if (nan_mask[i])
        x[i] = NAN;
}

gint64
icto_page_filter_padding (double highpass,
                          double lowpass,
                          int    notch)
{
  double s = 0;

  if (highpass > 0)
    s = MAX (s, MIN (5.0, 3.0 / highpass));
  if (lowpass > 0)
    s = MAX (s, MIN (1.0, 5.0 / lowpass));
  if (notch > 0)
    s = MAX (s, 0.5);
  if (s > 0)
    s = MAX (s, 0.25);
  return icto_seconds_to_ticks (s);
}
