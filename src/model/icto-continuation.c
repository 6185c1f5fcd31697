/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "icto-model"

#include "config.h"

#include <cblas.h>
#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "model/icto-continuation.h"
#include "model/icto-model-private.h"

/* LAPACK (OpenBLAS exports it): symmetric eigen-decomposition, divide and
 * conquer.  Fortran calling convention, hidden string lengths last. */
extern void dsyevd_ (const char *jobz, const char *uplo, const int *n, double *a, const int *lda,
                     double *w, double *work, const int *lwork, int *iwork, const int *liwork,
                     int *info, size_t jobz_len, size_t uplo_len);

#define EIG_RTOL    1e-10
#define CG_RTOL     1e-12
#define CG_MAX_ITER 200

struct _IctoContinuationDecoder {
  IctoModel *model;
  int        D, S, L;
  double    *R;          /* [S, D]: P⁺ = Pᵀ (P Pᵀ)⁺ */
};

/* db4 decomposition low-pass filter (spec §4.1). */
static const double lo[8] = {
  -0.010597401785069032, 0.0328830116668852, 0.030841381835560764, -0.18703481171909309,
  -0.027983769416859854, 0.6308807679298589, 0.7148465705529157, 0.2303778133088965,
};

static double
hi_at (int j)
{
  return ((j & 1) ? 1.0 : -1.0) * lo[7 - j];
}

static inline int
mod (int a,
     int n)
{
  int r = a % n;

  return r < 0 ? r + n : r;
}

/* ---- the DWT and its adjoint ---- */

/* levels: n[0] = L, n[j+1] = (n[j] + 7) / 2; returns J */
static int
level_sizes (int  L,
             int *n)
{
  int J = _icto_dwt_levels (L);

  n[0] = L;
  for (int j = 0; j < J; j++)
    n[j + 1] = (n[j] + 7) / 2;
  return J;
}

void
icto_dwt_forward (const double *x,
                  int           L,
                  double       *f)
{
  int n[40];
  int J, pos, S;
  g_autofree double *a = NULL;
  g_autofree double *b = NULL;

  g_return_if_fail (L >= 1);
  J = level_sizes (L, n);
  S = _icto_dwt_size (L);
  a = g_new (double, L + 8);
  b = g_new (double, L + 8);
  memcpy (a, x, sizeof (double) * L);
  pos = S;
  for (int j = 0; j < J; j++)
    {
      int K = n[j + 1];

      pos -= K;
      for (int k = 0; k < K; k++)
        {
          double sa = 0, sd = 0;

          for (int t = 0; t < 8; t++)
            {
              double v = a[mod (2 * k + 1 - t, n[j])];

              sa += lo[t] * v;
              sd += hi_at (t) * v;
            }
          b[k] = sa;
          f[pos + k] = sd;
        }
      memcpy (a, b, sizeof (double) * K);
    }
  g_assert (pos == n[J]);
  memcpy (f, a, sizeof (double) * n[J]);
}

/* x = Mᵀ f */
static void
dwt_adjoint (const double *f,
             int           L,
             double       *x,
             double       *work)
{
  int n[40];
  int J = level_sizes (L, n);
  int pos = n[J];
  double *a = work;             /* current approximation, <= L + 8 */
  double *b = work + (L + 8);

  memcpy (a, f, sizeof (double) * n[J]);
  for (int j = J - 1; j >= 0; j--)
    {
      int K = n[j + 1];
      const double *cD = f + pos;

      memset (b, 0, sizeof (double) * n[j]);
      for (int k = 0; k < K; k++)
        for (int t = 0; t < 8; t++)
          b[mod (2 * k + 1 - t, n[j])] += lo[t] * a[k] + hi_at (t) * cD[k];
      pos += K;
      memcpy (a, b, sizeof (double) * n[j]);
    }
  memcpy (x, a, sizeof (double) * L);
}

static double
dot (const double *a,
     const double *b,
     int           n)
{
  double s = 0;

  for (int i = 0; i < n; i++)
    s += a[i] * b[i];
  return s;
}

void
icto_idwt_least_squares (const double *features,
                         int           L,
                         double       *x)
{
  int S;
  g_autofree double *r = NULL;
  g_autofree double *p = NULL;
  g_autofree double *q = NULL;
  g_autofree double *s = NULL;
  g_autofree double *work = NULL;
  double rr, rr0;

  g_return_if_fail (L >= 1);
  S = _icto_dwt_size (L);
  if (_icto_dwt_levels (L) == 0)
    {
      memcpy (x, features, sizeof (double) * L);
      return;
    }
  r = g_new (double, L);
  p = g_new (double, L);
  s = g_new (double, L);
  q = g_new (double, S);
  work = g_new (double, 2 * (L + 8));

  /* CG on Mᵀ M x = Mᵀ f from x = 0 */
  dwt_adjoint (features, L, r, work);
  memcpy (p, r, sizeof (double) * L);
  memset (x, 0, sizeof (double) * L);
  rr0 = rr = dot (r, r, L);
  for (int it = 0; it < CG_MAX_ITER && rr > CG_RTOL * CG_RTOL * rr0 && rr > 0; it++)
    {
      double qq, alpha, rr_new;

      icto_dwt_forward (p, L, q);
      qq = dot (q, q, S);
      if (!(qq > 0))
        break;
      alpha = rr / qq;
      for (int i = 0; i < L; i++)
        x[i] += alpha * p[i];
      dwt_adjoint (q, L, s, work);
      for (int i = 0; i < L; i++)
        r[i] -= alpha * s[i];
      rr_new = dot (r, r, L);
      for (int i = 0; i < L; i++)
        p[i] = r[i] + (rr_new / rr) * p[i];
      rr = rr_new;
    }
}

/* ---- the projection's pseudo-inverse ---- */

IctoContinuationDecoder *
icto_continuation_decoder_new (IctoModel  *model,
                               GError    **error)
{
  const IctoModelConfig *cfg;
  IctoContinuationDecoder *self;
  g_autofree double *P = NULL;     /* [D, S] = W diag(w) */
  g_autofree double *G = NULL;     /* [D, D] */
  g_autofree double *ev = NULL;
  g_autofree double *Ginv = NULL;
  g_autofree double *work = NULL;
  g_autofree int *iwork = NULL;
  double wq;
  int D, S, info = 0, lwork = -1, liwork = -1, iwq = 0;
  double lmax;

  g_return_val_if_fail (model != NULL, NULL);

  cfg = icto_model_get_config (model);
  D = cfg->n_embd;
  S = cfg->dwt_size;
  P = g_new (double, (gsize) D * S);
  for (int d = 0; d < D; d++)
    for (int i = 0; i < S; i++)
      P[(gsize) d * S + i] = (double) model->enc_proj[(gsize) d * S + i] * model->enc_ln[i];

  G = g_new (double, (gsize) D * D);
  cblas_dgemm (CblasRowMajor, CblasNoTrans, CblasTrans, D, D, S, 1.0, P, S, P, S, 0.0, G, D);

  ev = g_new (double, D);
  dsyevd_ ("V", "U", &D, G, &D, ev, &wq, &lwork, &iwq, &liwork, &info, 1, 1);
  if (info != 0)
    goto failed;
  lwork = (int) wq;
  liwork = iwq;
  work = g_new (double, MAX (lwork, 1));
  iwork = g_new (int, MAX (liwork, 1));
  dsyevd_ ("V", "U", &D, G, &D, ev, work, &lwork, iwork, &liwork, &info, 1, 1);
  if (info != 0)
    goto failed;
  lmax = ev[D - 1];     /* ascending */
  if (!(lmax > 0))
    goto failed;

  /* G⁺ = Σ v_k v_kᵀ / λ_k over λ_k > rtol λ_max; eigenvector k is row k (column-major output) */
  Ginv = g_new0 (double, (gsize) D * D);
  for (int k = 0; k < D; k++)
    {
      const double *v = G + (gsize) k * D;

      if (!(ev[k] > EIG_RTOL * lmax))
        continue;
      cblas_dsyr (CblasRowMajor, CblasUpper, D, 1.0 / ev[k], v, 1, Ginv, D);
    }
  for (int i = 0; i < D; i++)
    for (int j = 0; j < i; j++)
      Ginv[(gsize) i * D + j] = Ginv[(gsize) j * D + i];

  self = g_new0 (IctoContinuationDecoder, 1);
  self->model = icto_model_ref (model);
  self->D = D;
  self->S = S;
  self->L = cfg->segment_len;
  self->R = g_new (double, (gsize) S * D);
  /* R = Pᵀ G⁺ */
  cblas_dgemm (CblasRowMajor, CblasTrans, CblasNoTrans, S, D, D, 1.0, P, S, Ginv, D, 0.0, self->R, D);
  return self;

failed:
  g_set_error (error, ICTO_MODEL_ERROR, ICTO_MODEL_ERROR_INPUT,
               _("The model's encoder projection cannot be inverted (it is zero or not finite)"));
  return NULL;
}

void
icto_continuation_decoder_free (IctoContinuationDecoder *self)
{
  if (self == NULL)
    return;
  icto_model_unref (self->model);
  g_free (self->R);
  g_free (self);
}

void
icto_continuation_decoder_features (IctoContinuationDecoder *self,
                                    const float             *embedding,
                                    double                  *features)
{
  g_autofree double *e = NULL;

  g_return_if_fail (self != NULL && embedding != NULL && features != NULL);

  e = g_new (double, self->D);
  for (int d = 0; d < self->D; d++)
    e[d] = embedding[d];
  cblas_dgemv (CblasRowMajor, CblasNoTrans, self->S, self->D, 1.0, self->R, self->D, e, 1, 0.0, features, 1);
}

void
icto_continuation_decoder_decode (IctoContinuationDecoder *self,
                                  const float             *embedding,
                                  float                   *samples)
{
  g_autofree double *f = NULL;
  g_autofree double *x = NULL;
  double ss = 0, scale;

  g_return_if_fail (self != NULL && embedding != NULL && samples != NULL);

  f = g_new (double, self->S);
  x = g_new (double, self->L);
  icto_continuation_decoder_features (self, embedding, f);
  icto_idwt_least_squares (f, self->L, x);
  for (int i = 0; i < self->L; i++)
    ss += x[i] * x[i];
  scale = ss > 0 && isfinite (ss) ? 1.0 / sqrt (ss / self->L) : 0.0;
  for (int i = 0; i < self->L; i++)
    samples[i] = (float) (x[i] * scale);
}
