/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "icto-decimate"

#include "config.h"

#include <math.h>
#include <string.h>

#include "signal/icto-decimate.h"

void
icto_decimate_minmax (const float *x,
                      gsize        n,
                      guint        n_columns,
                      float       *min,
                      float       *max)
{
  gsize q, r, rem = 0, next = 0;

  g_return_if_fail (n_columns > 0);
  g_return_if_fail (x != NULL || n == 0);

  /* column c starts at floor(c·n / n_columns), stepped without division */
  q = n / n_columns;
  r = n % n_columns;

  for (guint c = 0; c < n_columns; c++)
    {
      gsize a = next, b;
      float lo = INFINITY, hi = -INFINITY;

      rem += r;
      next = a + q + (rem >= n_columns);
      if (rem >= n_columns)
        rem -= n_columns;
      b = next;

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

typedef float DecLanes __attribute__ ((vector_size (ICTO_DECIMATE_LANES * sizeof (float))));
typedef gint32 DecMask __attribute__ ((vector_size (ICTO_DECIMATE_LANES * sizeof (gint32))));

#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && !defined(__SANITIZE_ADDRESS__)
#define ICTO_DECIMATE_VECTORIZE __attribute__ ((target_clones ("arch=x86-64-v3", "default")))
#else
#define ICTO_DECIMATE_VECTORIZE
#endif

void ICTO_DECIMATE_VECTORIZE
icto_decimate_minmax_lanes (const float  *x,
                            gsize         n,
                            guint         n_columns,
                            guint         n_lanes,
                            float *const *min,
                            float *const *max)
{
  gsize q, r, rem = 0, next = 0;

  g_return_if_fail (n_columns > 0);
  g_return_if_fail (n_lanes >= 1 && n_lanes <= ICTO_DECIMATE_LANES);
  g_return_if_fail (x != NULL || n == 0);

  q = n / n_columns;
  r = n % n_columns;

  for (guint c = 0; c < n_columns; c++)
    {
      gsize a = next, b;
      DecLanes lo, hi;

      rem += r;
      next = a + q + (rem >= n_columns);
      if (rem >= n_columns)
        rem -= n_columns;
      b = next;

      for (guint l = 0; l < ICTO_DECIMATE_LANES; l++)
        {
          lo[l] = INFINITY;
          hi[l] = -INFINITY;
        }
      if (b <= a && a < n)
        b = a + 1;
      for (gsize i = a; i < b; i++)
        {
          DecLanes v;
          DecMask lt, gt;
          memcpy (&v, x + i * ICTO_DECIMATE_LANES, sizeof v);
          /* comparisons with NAN are false: NAN samples are skipped */
          lt = v < lo;
          gt = v > hi;
          lo = (DecLanes) (((DecMask) v & lt) | ((DecMask) lo & ~lt));
          hi = (DecLanes) (((DecMask) v & gt) | ((DecMask) hi & ~gt));
        }
      for (guint l = 0; l < n_lanes; l++)
        {
          float mn = lo[l], mx = hi[l];
          if (mn > mx)
            mn = mx = NAN;
          min[l][c] = mn;
          max[l][c] = mx;
        }
    }
}
