/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "icto-resample"

#include "config.h"

#include <math.h>
#include <string.h>

#include "signal/icto-resample.h"

void
icto_resample_linear (const float *x,
                      gsize        n_in,
                      float       *y,
                      gsize        n_out)
{
  double scale;

  g_return_if_fail (x != NULL && y != NULL && n_in > 0 && n_out > 0);

  if (n_in == n_out)
    {
      memcpy (y, x, n_in * sizeof (float));
      return;
    }
  scale = (double) n_in / (double) n_out;
  for (gsize i = 0; i < n_out; i++)
    {
      double src = ((double) i + 0.5) * scale - 0.5;
      gsize i0, i1;
      double lambda;

      if (src < 0)
        src = 0;
      i0 = (gsize) floor (src);
      if (i0 > n_in - 1)
        i0 = n_in - 1;
      i1 = MIN (i0 + 1, n_in - 1);
      lambda = src - (double) i0;
      y[i] = (float) ((1.0 - lambda) * (double) x[i0] + lambda * (double) x[i1]);
    }
}
