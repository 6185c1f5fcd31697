/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "icto-decimate"

#include "config.h"

#include <math.h>

#include "signal/icto-decimate.h"

void
icto_decimate_minmax (const float *x,
                      gsize        n,
                      guint        n_columns,
                      float       *min,
                      float       *max)
{
  g_return_if_fail (n_columns > 0);
  g_return_if_fail (x != NULL || n == 0);

  for (guint c = 0; c < n_columns; c++)
    {
      gsize a = (gsize) ((guint64) c * n / n_columns);
      gsize b = (gsize) ((guint64) (c + 1) * n / n_columns);
      float lo = INFINITY, hi = -INFINITY;

      if (b <= a && a < n)
        b = a + 1;
      for (gsize i = a; i < b; i++)
        {
          float v = x[i];
          /* comparisons with NAN are false: NAN samples are skipped */
          if (v < lo)
            lo = v;
          if (v > hi)
            hi = v;
        }
      if (lo > hi)
        lo = hi = NAN;
      min[c] = lo;
      max[c] = hi;
    }
}
