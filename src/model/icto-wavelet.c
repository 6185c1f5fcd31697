/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "icto-model"

#include "config.h"

#include <math.h>

#include "model/icto-model-private.h"

/* db4 decomposition low-pass filter (PyWavelets dec_lo), spec §4.1. */
static const double db4_lo[8] = {
  -0.010597401785069032, 0.0328830116668852, 0.030841381835560764, -0.18703481171909309,
  -0.027983769416859854, 0.6308807679298589, 0.7148465705529157, 0.2303778133088965,
};

/* J = floor(log2(floor(L / 7))), 0 if L < 7 */
int
_icto_dwt_levels (int L)
{
  int q = L / 7;
  int j = 0;

  if (q < 1)
    return 0;
  while ((q >> (j + 1)) > 0)
    j++;
  return j;
}

int
_icto_dwt_size (int L)
{
  int J = _icto_dwt_levels (L);
  int n = L;
  int total = 0;

  if (L <= 0)
    return 0;
  for (int j = 0; j < J; j++)
    {
      n = (n + 7) / 2;
      total += n;      /* cD of this level */
    }
  return total + n;    /* + cA_J (J = 0: the signal itself) */
}

int
icto_model_dwt_size_for (int segment_len)
{
  return _icto_dwt_size (segment_len);
}

/*
 * One analysis step: cA[k] = sum_j lo[j] a[(2k+1-j) mod n], cD likewise with
 * hi[j] = (-1)^(j+1) lo[7-j].  ext holds a periodically extended by 6 on the
 * left so that ext[p] = a[(p - 6) mod n] and index 2k+1-j maps to 2k+7-j.
 */
static void
dwt_step (const double *a,
          int           n,
          double       *cA,
          double       *cD,
          double       *ext)
{
  int K = (n + 7) / 2;
  int ext_len = 2 * K + 8;
  double hi[8];

  for (int j = 0; j < 8; j++)
    hi[j] = ((j & 1) ? 1.0 : -1.0) * db4_lo[7 - j];
  for (int p = 0; p < ext_len; p++)
    {
      int idx = (p - 6) % n;
      if (idx < 0)
        idx += n;
      ext[p] = a[idx];
    }
  for (int k = 0; k < K; k++)
    {
      const double *e = ext + 2 * k + 7;
      double sa = 0, sd = 0;

      for (int j = 0; j < 8; j++)
        {
          sa += db4_lo[j] * e[-j];
          sd += hi[j] * e[-j];
        }
      cA[k] = sa;
      cD[k] = sd;
    }
}

/* work: at least 3 * (L + 16) doubles */
void
_icto_dwt_features (const float *x,
                    int          L,
                    double      *f,
                    double      *work)
{
  int J = _icto_dwt_levels (L);
  int S = _icto_dwt_size (L);
  double *a = work;                 /* current approximation, length <= L + 8 */
  double *cA = work + (L + 16);
  double *ext = work + 2 * (L + 16);
  int n = L;
  int pos = S;                      /* cD_1 goes at the end, cD_J first after cA_J */

  for (int i = 0; i < L; i++)
    a[i] = x[i];
  for (int j = 0; j < J; j++)
    {
      int K = (n + 7) / 2;

      pos -= K;
      dwt_step (a, n, cA, f + pos, ext);
      for (int k = 0; k < K; k++)
        a[k] = cA[k];
      n = K;
    }
  g_assert (pos == n);
  for (int i = 0; i < n; i++)
    f[i] = a[i];
}
