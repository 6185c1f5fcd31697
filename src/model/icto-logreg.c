/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "icto-logreg"

#include "config.h"

#include <cblas.h>
#include <glib/gi18n.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "model/icto-logreg.h"

/* LAPACK (part of OpenBLAS); OpenBLAS implements these in C, so no hidden
 * Fortran string length arguments are needed. */
extern void dpotrf_ (const char *uplo, const int *n, double *a, const int *lda, int *info);
extern void dpotrs_ (const char *uplo, const int *n, const int *nrhs, const double *a,
                     const int *lda, double *b, const int *ldb, int *info);

#define MAX_NEWTON   100
#define INTERCEPT_RIDGE 1e-8

static const double default_grid[] = {
  1e-4, 3.16227766016838e-4, 1e-3, 3.16227766016838e-3, 1e-2, 3.16227766016838e-2,
  1e-1, 3.16227766016838e-1, 1.0, 3.16227766016838, 10.0, 31.6227766016838, 100.0,
};

/* ---- helpers ----------------------------------------------------------------- */

static inline double
softplus (double f)
{
  return f > 0 ? f + log1p (exp (-f)) : log1p (exp (f));
}

static inline double
sigmoid (double f)
{
  if (f >= 0)
    return 1.0 / (1.0 + exp (-f));
  return exp (f) / (1.0 + exp (f));
}

/* Checks sizes, labels, features and the class counts of the whole input. */
static gboolean
check_data (const float              *X,
            gsize                     n,
            guint                     d,
            const guint8             *y,
            const IctoLogregOptions  *options,
            GError                  **error)
{
  gsize n_pos = 0;

  if (n == 0 || d == 0)
    {
      g_set_error (error, ICTO_MODEL_ERROR, ICTO_MODEL_ERROR_INPUT,
                   _("No training data: %zu windows of %u features"), n, d);
      return FALSE;
    }
  for (gsize i = 0; i < n; i++)
    {
      if (y[i] > 1)
        {
          g_set_error (error, ICTO_MODEL_ERROR, ICTO_MODEL_ERROR_INPUT,
                       _("Label %u of window %zu is neither 0 nor 1"), y[i], i);
          return FALSE;
        }
      n_pos += y[i];
      for (guint j = 0; j < d; j++)
        if (!isfinite (X[i * d + j]))
          {
            g_set_error (error, ICTO_MODEL_ERROR, ICTO_MODEL_ERROR_TRAINING_NON_FINITE,
                         _("Feature %u of window %zu is not a finite number; "
                           "every feature must be finite"), j, i);
            return FALSE;
          }
    }
  if (n_pos == 0 || n_pos == n)
    {
      g_set_error (error, ICTO_MODEL_ERROR, ICTO_MODEL_ERROR_TRAINING_ONE_CLASS,
                   n_pos == 0
                   ? _("All %zu windows are negative: training needs windows of both classes "
                       "(annotate at least one seizure)")
                   : _("All %zu windows are positive: training needs windows of both classes "
                       "(include time without seizures)"), n);
      return FALSE;
    }
  if (n_pos < options->min_positives)
    {
      g_set_error (error, ICTO_MODEL_ERROR, ICTO_MODEL_ERROR_TRAINING_TOO_FEW_POSITIVES,
                   g_dngettext (GETTEXT_PACKAGE,
                                "Only %zu positive window; training needs at least %u "
                                "(annotate more or longer seizures)",
                                "Only %zu positive windows; training needs at least %u "
                                "(annotate more or longer seizures)", n_pos),
                   n_pos, options->min_positives);
      return FALSE;
    }
  return TRUE;
}

/* Standardisation of the rows @rows (n_rows of them) of @X. */
static void
compute_scaling (const float *X,
                 guint        d,
                 const gsize *rows,
                 gsize        n_rows,
                 gboolean     center,
                 double      *mean,
                 double      *scale)
{
  for (guint j = 0; j < d; j++)
    {
      double m = 0, v = 0;

      for (gsize r = 0; r < n_rows; r++)
        m += X[rows[r] * d + j];
      m /= (double) n_rows;
      for (gsize r = 0; r < n_rows; r++)
        {
          double e = X[rows[r] * d + j] - m;
          v += e * e;
        }
      v = sqrt (v / (double) n_rows);
      mean[j] = center ? m : 0.0;
      scale[j] = v > 1e-12 * MAX (1.0, fabs (m)) ? v : 1.0;
    }
}

typedef struct {
  gsize         n;
  guint         p;        /* d (+ 1 with intercept) */
  guint         d;
  double       *Z;        /* [n, p] */
  guint8       *y;        /* [n] */
  double       *s;        /* [n] sample weights */
  double       *A;        /* [n, p] work */
  double       *f;        /* [n] work */
  double       *r;        /* [n] work */
  double       *H;        /* [p, p] work */
  double       *g;        /* [p] work */
  double       *step;     /* [p] work */
  double       *wt;       /* [p] work */
} Problem;

static void
problem_clear (Problem *pb)
{
  g_free (pb->Z);
  g_free (pb->y);
  g_free (pb->s);
  g_free (pb->A);
  g_free (pb->f);
  g_free (pb->r);
  g_free (pb->H);
  g_free (pb->g);
  g_free (pb->step);
  g_free (pb->wt);
  memset (pb, 0, sizeof *pb);
}

/* Builds the standardised problem for the rows @rows of @X. */
static void
problem_init (Problem      *pb,
              const float  *X,
              guint         d,
              const guint8 *y,
              const gsize  *rows,
              gsize         n_rows,
              const double *mean,
              const double *scale,
              gboolean      intercept,
              gboolean      balanced)
{
  gsize n_pos = 0;

  pb->n = n_rows;
  pb->d = d;
  pb->p = d + (intercept ? 1 : 0);
  pb->Z = g_new (double, n_rows * pb->p);
  pb->y = g_new (guint8, n_rows);
  pb->s = g_new (double, n_rows);
  pb->A = g_new (double, n_rows * pb->p);
  pb->f = g_new (double, n_rows);
  pb->r = g_new (double, n_rows);
  pb->H = g_new (double, (gsize) pb->p * pb->p);
  pb->g = g_new (double, pb->p);
  pb->step = g_new (double, pb->p);
  pb->wt = g_new (double, pb->p);
  for (gsize r = 0; r < n_rows; r++)
    {
      const float *x = X + rows[r] * d;
      double *z = pb->Z + r * pb->p;

      for (guint j = 0; j < d; j++)
        z[j] = (x[j] - mean[j]) / scale[j];
      if (intercept)
        z[d] = 1.0;
      pb->y[r] = y[rows[r]];
      n_pos += pb->y[r];
    }
  for (gsize r = 0; r < n_rows; r++)
    {
      if (!balanced || n_pos == 0 || n_pos == n_rows)
        pb->s[r] = 1.0;
      else
        pb->s[r] = (double) n_rows / (2.0 * (double) (pb->y[r] ? n_pos : n_rows - n_pos));
    }
}

/* Objective at @w; fills pb->f with the decision values. */
static double
objective (Problem      *pb,
           const double *w,
           double        C)
{
  double loss = 0, pen = 0;

  cblas_dgemv (CblasRowMajor, CblasNoTrans, (int) pb->n, (int) pb->p, 1.0, pb->Z, (int) pb->p,
               w, 1, 0.0, pb->f, 1);
  for (gsize i = 0; i < pb->n; i++)
    loss += pb->s[i] * (softplus (pb->f[i]) - (pb->y[i] ? pb->f[i] : 0.0));
  for (guint j = 0; j < pb->d; j++)
    pen += w[j] * w[j];
  return C * loss + 0.5 * pen;
}

/* Newton's method from @w (warm start) to the minimum; @w is updated. */
static gboolean
newton (Problem  *pb,
        double    C,
        double   *w,
        guint    *n_iter,
        GError  **error)
{
  const int p = (int) pb->p;
  double fval = objective (pb, w, C);
  guint it;

  for (it = 0; it < MAX_NEWTON; it++)
    {
      double decrement = 0, t = 1.0, fnew = fval;
      int info = 0, one = 1;
      gboolean accepted = FALSE;

      /* gradient and Hessian; pb->f holds Z w */
      for (gsize i = 0; i < pb->n; i++)
        {
          double pr = sigmoid (pb->f[i]);
          double h = C * pb->s[i] * pr * (1.0 - pr);
          double sq = sqrt (h);

          pb->r[i] = C * pb->s[i] * (pr - (pb->y[i] ? 1.0 : 0.0));
          for (int j = 0; j < p; j++)
            pb->A[i * p + j] = sq * pb->Z[i * p + j];
        }
      cblas_dgemv (CblasRowMajor, CblasTrans, (int) pb->n, p, 1.0, pb->Z, p, pb->r, 1, 0.0, pb->g, 1);
      for (guint j = 0; j < pb->d; j++)
        pb->g[j] += w[j];
      cblas_dsyrk (CblasRowMajor, CblasLower, CblasTrans, p, (int) pb->n, 1.0, pb->A, p, 0.0, pb->H, p);
      for (int j = 0; j < p; j++)
        pb->H[j * p + j] += (guint) j < pb->d ? 1.0 : INTERCEPT_RIDGE;

      /* H is symmetric: row-major lower = column-major upper */
      dpotrf_ ("U", &p, pb->H, &p, &info);
      if (info != 0)
        {
          g_set_error (error, ICTO_MODEL_ERROR, ICTO_MODEL_ERROR_INPUT,
                       _("The training problem is numerically singular (Cholesky failed at column %d)"), info);
          return FALSE;
        }
      for (int j = 0; j < p; j++)
        pb->step[j] = -pb->g[j];
      dpotrs_ ("U", &p, &one, pb->H, &p, pb->step, &p, &info);
      for (int j = 0; j < p; j++)
        decrement -= pb->g[j] * pb->step[j];
      if (!(decrement >= 0) || decrement / 2 <= 1e-12 * (1.0 + fabs (fval)))
        break;

      for (int ls = 0; ls < 40; ls++, t *= 0.5)
        {
          for (int j = 0; j < p; j++)
            pb->wt[j] = w[j] + t * pb->step[j];
          fnew = objective (pb, pb->wt, C);
          if (fnew <= fval - 1e-4 * t * decrement)
            {
              accepted = TRUE;
              break;
            }
        }
      if (!accepted)
        {
          objective (pb, w, C);  /* restore pb->f */
          break;
        }
      memcpy (w, pb->wt, sizeof (double) * p);
      fval = fnew;
    }
  if (n_iter != NULL)
    *n_iter = it + 1;
  return TRUE;
}

static double
decision (const double *mean,
          const double *scale,
          const double *w,
          guint         d,
          gboolean      intercept,
          const float  *x)
{
  double f = intercept ? w[d] : 0.0;

  for (guint j = 0; j < d; j++)
    f += w[j] * ((x[j] - mean[j]) / scale[j]);
  return f;
}

static IctoLogreg *
fit_rows (const float              *X,
          guint                     d,
          const guint8             *y,
          const gsize              *rows,
          gsize                     n_rows,
          double                    C,
          const IctoLogregOptions  *options,
          GError                  **error)
{
  g_autoptr(IctoLogreg) self = g_new0 (IctoLogreg, 1);
  g_autofree double *w = NULL;
  Problem pb = { 0 };
  gboolean ok;

  self->d = d;
  self->C = C;
  self->intercept = options->intercept;
  self->mean = g_new0 (double, d);
  self->scale = g_new0 (double, d);
  self->w = g_new0 (double, d);
  compute_scaling (X, d, rows, n_rows, options->intercept, self->mean, self->scale);
  problem_init (&pb, X, d, y, rows, n_rows, self->mean, self->scale, options->intercept, options->balanced);
  w = g_new0 (double, pb.p);
  ok = newton (&pb, C, w, &self->n_iter, error);
  problem_clear (&pb);
  if (!ok)
    return NULL;
  memcpy (self->w, w, sizeof (double) * d);
  self->bias = options->intercept ? w[d] : 0.0;
  return g_steal_pointer (&self);
}

/* ---- public API -------------------------------------------------------------- */

void
icto_logreg_options_init (IctoLogregOptions *options)
{
  g_return_if_fail (options != NULL);
  memset (options, 0, sizeof *options);
  options->balanced = TRUE;
  options->intercept = FALSE;
  options->n_folds = 5;
  options->min_positives = 5;
}

void
icto_logreg_free (IctoLogreg *self)
{
  if (self == NULL)
    return;
  g_free (self->mean);
  g_free (self->scale);
  g_free (self->w);
  g_free (self);
}

IctoLogreg *
icto_logreg_fit (const float              *X,
                 gsize                     n,
                 guint                     d,
                 const guint8             *y,
                 double                    C,
                 const IctoLogregOptions  *options,
                 GError                  **error)
{
  IctoLogregOptions defaults;
  g_autofree gsize *rows = NULL;

  g_return_val_if_fail (X != NULL || n == 0, NULL);
  g_return_val_if_fail (y != NULL || n == 0, NULL);
  if (options == NULL)
    {
      icto_logreg_options_init (&defaults);
      options = &defaults;
    }
  if (!(C > 0) || !isfinite (C))
    {
      g_set_error (error, ICTO_MODEL_ERROR, ICTO_MODEL_ERROR_INPUT,
                   _("The regularisation parameter C must be a positive number (got %g)"), C);
      return NULL;
    }
  if (!check_data (X, n, d, y, options, error))
    return NULL;
  rows = g_new (gsize, n);
  for (gsize i = 0; i < n; i++)
    rows[i] = i;
  return fit_rows (X, d, y, rows, n, C, options, error);
}

double
icto_logreg_decision (const IctoLogreg *self,
                      const float      *x)
{
  double f;

  g_return_val_if_fail (self != NULL, NAN);
  f = self->bias;
  for (guint j = 0; j < self->d; j++)
    f += self->w[j] * ((x[j] - self->mean[j]) / self->scale[j]);
  return f;
}

void
icto_logreg_fold (const IctoLogreg *self,
                  double           *v,
                  double           *b)
{
  double bias;

  g_return_if_fail (self != NULL);
  bias = self->bias;
  for (guint j = 0; j < self->d; j++)
    {
      v[j] = self->w[j] / self->scale[j];
      bias -= v[j] * self->mean[j];
    }
  if (b != NULL)
    *b = bias;
}

typedef struct {
  double score;
  gsize  index;
} Ranked;

static int
compare_ranked (const void *a,
                const void *b)
{
  const Ranked *ra = a, *rb = b;

  if (ra->score < rb->score)
    return -1;
  if (ra->score > rb->score)
    return 1;
  return ra->index < rb->index ? -1 : ra->index > rb->index;
}

double
icto_logreg_auroc (const double *scores,
                   const guint8 *y,
                   gsize         n)
{
  g_autofree Ranked *r = NULL;
  double n_pos = 0, n_neg = 0, rank_sum = 0;
  gsize i = 0;

  for (gsize k = 0; k < n; k++)
    {
      if (isnan (scores[k]))
        return NAN;
      if (y[k])
        n_pos++;
      else
        n_neg++;
    }
  if (n_pos == 0 || n_neg == 0)
    return NAN;
  r = g_new (Ranked, n);
  for (gsize k = 0; k < n; k++)
    r[k] = (Ranked) { scores[k], k };
  qsort (r, n, sizeof (Ranked), compare_ranked);
  while (i < n)
    {
      gsize j = i;
      double avg;

      while (j + 1 < n && r[j + 1].score == r[i].score)
        j++;
      avg = ((double) i + (double) j) / 2.0 + 1.0;   /* ranks from 1 */
      for (gsize k = i; k <= j; k++)
        if (y[r[k].index])
          rank_sum += avg;
      i = j + 1;
    }
  return (rank_sum - n_pos * (n_pos + 1) / 2.0) / (n_pos * n_neg);
}

void
icto_logreg_cv_free (IctoLogregCV *self)
{
  if (self == NULL)
    return;
  g_free (self->c_grid);
  g_free (self->cv_auroc);
  g_free (self->fold);
  g_free (self->prob);
  icto_logreg_free (self->model);
  g_free (self);
}

typedef struct {
  guint id;
  gsize n_rows;
  gsize n_pos;
} GroupInfo;

static int
compare_group_order (const void *a,
                     const void *b)
{
  const GroupInfo *ga = a, *gb = b;

  if (ga->n_pos != gb->n_pos)
    return ga->n_pos > gb->n_pos ? -1 : 1;
  if (ga->n_rows != gb->n_rows)
    return ga->n_rows > gb->n_rows ? -1 : 1;
  return ga->id < gb->id ? -1 : ga->id > gb->id;
}

IctoLogregCV *
icto_logreg_cross_validate (const float              *X,
                            gsize                     n,
                            guint                     d,
                            const guint8             *y,
                            const guint              *groups,
                            const IctoLogregOptions  *options,
                            GError                  **error)
{
  IctoLogregOptions defaults;
  g_autoptr(IctoLogregCV) cv = NULL;
  g_autoptr(GArray) ginfo = NULL;
  g_autofree guint *group_fold = NULL;
  g_autofree gsize *fold_pos = NULL;
  g_autofree gsize *fold_rows = NULL;
  g_autofree gsize *train = NULL;
  g_autofree gsize *all = NULL;
  g_autofree double *probs = NULL;      /* [n_c, n] */
  g_autofree double *mean = NULL;
  g_autofree double *scale = NULL;
  g_autofree double *w = NULL;
  guint n_pos_groups = 0, n_folds;
  guint n_steps, step = 0;

  g_return_val_if_fail (X != NULL || n == 0, NULL);
  g_return_val_if_fail (y != NULL || n == 0, NULL);
  g_return_val_if_fail (groups != NULL || n == 0, NULL);
  if (options == NULL)
    {
      icto_logreg_options_init (&defaults);
      options = &defaults;
    }
  if (!check_data (X, n, d, y, options, error))
    return NULL;

  cv = g_new0 (IctoLogregCV, 1);
  if (options->c_grid != NULL && options->n_c > 0)
    {
      cv->n_c = options->n_c;
      cv->c_grid = g_memdup2 (options->c_grid, sizeof (double) * options->n_c);
    }
  else
    {
      cv->n_c = G_N_ELEMENTS (default_grid);
      cv->c_grid = g_memdup2 (default_grid, sizeof default_grid);
    }
  for (guint c = 0; c < cv->n_c; c++)
    if (!(cv->c_grid[c] > 0) || !isfinite (cv->c_grid[c]) || (c > 0 && cv->c_grid[c] <= cv->c_grid[c - 1]))
      {
        g_set_error (error, ICTO_MODEL_ERROR, ICTO_MODEL_ERROR_INPUT,
                     _("The grid of C values must be positive and increasing"));
        return NULL;
      }

  /* groups: sorted by id, then counted */
  ginfo = g_array_new (FALSE, FALSE, sizeof (GroupInfo));
  {
    g_autoptr(GHashTable) index = g_hash_table_new (NULL, NULL);

    for (gsize i = 0; i < n; i++)
      {
        gpointer k = GUINT_TO_POINTER (groups[i] + 1);
        gpointer v;

        if (!g_hash_table_lookup_extended (index, k, NULL, &v))
          {
            GroupInfo gi = { groups[i], 0, 0 };

            g_array_append_val (ginfo, gi);
            v = GUINT_TO_POINTER (ginfo->len);
            g_hash_table_insert (index, k, v);
          }
        g_array_index (ginfo, GroupInfo, GPOINTER_TO_UINT (v) - 1).n_rows++;
        g_array_index (ginfo, GroupInfo, GPOINTER_TO_UINT (v) - 1).n_pos += y[i];
      }
  }
  for (guint k = 0; k < ginfo->len; k++)
    n_pos_groups += g_array_index (ginfo, GroupInfo, k).n_pos > 0;
  if (n_pos_groups < 2)
    {
      g_set_error (error, ICTO_MODEL_ERROR, ICTO_MODEL_ERROR_TRAINING_TOO_FEW_GROUPS,
                   _("All positive windows belong to one seizure or recording; cross-validation holds out "
                     "whole seizures and needs at least two (annotate another seizure or add a recording)"));
      return NULL;
    }
  n_folds = MAX (2, MIN (options->n_folds, n_pos_groups));
  cv->n_folds = n_folds;

  /* groups to folds: most positives first, to the fold with fewest positives
   * (then rows); groups without positives to the fold with fewest negatives */
  g_array_sort (ginfo, compare_group_order);
  fold_pos = g_new0 (gsize, n_folds);
  fold_rows = g_new0 (gsize, n_folds);
  group_fold = g_new (guint, ginfo->len);
  for (guint k = 0; k < ginfo->len; k++)
    {
      const GroupInfo *gi = &g_array_index (ginfo, GroupInfo, k);
      guint best = 0;

      for (guint f = 1; f < n_folds; f++)
        {
          if (gi->n_pos > 0
              ? (fold_pos[f] < fold_pos[best] || (fold_pos[f] == fold_pos[best] && fold_rows[f] < fold_rows[best]))
              : fold_rows[f] - fold_pos[f] < fold_rows[best] - fold_pos[best])
            best = f;
        }
      group_fold[k] = best;
      fold_pos[best] += gi->n_pos;
      fold_rows[best] += gi->n_rows;
    }
  /* each row's fold, by its group's id */
  {
    g_autoptr(GHashTable) fold_of = g_hash_table_new (NULL, NULL);

    for (guint k = 0; k < ginfo->len; k++)
      g_hash_table_insert (fold_of, GUINT_TO_POINTER (g_array_index (ginfo, GroupInfo, k).id + 1),
                           GUINT_TO_POINTER (group_fold[k]));
    cv->fold = g_new (guint, n);
    for (gsize i = 0; i < n; i++)
      cv->fold[i] = GPOINTER_TO_UINT (g_hash_table_lookup (fold_of, GUINT_TO_POINTER (groups[i] + 1)));
  }

  probs = g_new (double, (gsize) cv->n_c * n);
  train = g_new (gsize, n);
  mean = g_new (double, d);
  scale = g_new (double, d);
  w = g_new (double, d + 1);
  n_steps = n_folds * cv->n_c + 1;
  for (guint f = 0; f < n_folds; f++)
    {
      gsize n_train = 0, n_train_pos = 0;
      Problem pb = { 0 };

      for (gsize i = 0; i < n; i++)
        if (cv->fold[i] != f)
          {
            train[n_train++] = i;
            n_train_pos += y[i];
          }
      if (n_train_pos == 0 || n_train_pos == n_train)
        {
          g_set_error (error, ICTO_MODEL_ERROR, ICTO_MODEL_ERROR_TRAINING_ONE_CLASS,
                       _("Holding out fold %u leaves windows of one class only; "
                         "add time without seizures to the other recordings"), f + 1);
          return NULL;
        }
      compute_scaling (X, d, train, n_train, options->intercept, mean, scale);
      problem_init (&pb, X, d, y, train, n_train, mean, scale, options->intercept, options->balanced);
      memset (w, 0, sizeof (double) * (d + 1));
      for (guint c = 0; c < cv->n_c; c++)
        {
          if (options->progress != NULL &&
              !options->progress ((double) step++ / n_steps, options->user_data))
            {
              problem_clear (&pb);
              g_set_error_literal (error, ICTO_MODEL_ERROR, ICTO_MODEL_ERROR_CANCELLED,
                                   _("Training was cancelled"));
              return NULL;
            }
          if (!newton (&pb, cv->c_grid[c], w, NULL, error))
            {
              problem_clear (&pb);
              return NULL;
            }
          for (gsize i = 0; i < n; i++)
            if (cv->fold[i] == f)
              probs[(gsize) c * n + i] = sigmoid (decision (mean, scale, w, d, options->intercept, X + i * d));
        }
      problem_clear (&pb);
    }

  cv->cv_auroc = g_new (double, cv->n_c);
  cv->best = 0;
  for (guint c = 0; c < cv->n_c; c++)
    {
      cv->cv_auroc[c] = icto_logreg_auroc (probs + (gsize) c * n, y, n);
      if (cv->cv_auroc[c] > cv->cv_auroc[cv->best] || isnan (cv->cv_auroc[cv->best]))
        cv->best = c;
    }
  cv->C = cv->c_grid[cv->best];
  cv->auroc = cv->cv_auroc[cv->best];
  cv->prob = g_memdup2 (probs + (gsize) cv->best * n, sizeof (double) * n);

  if (options->progress != NULL &&
      !options->progress ((double) step / n_steps, options->user_data))
    {
      g_set_error_literal (error, ICTO_MODEL_ERROR, ICTO_MODEL_ERROR_CANCELLED, _("Training was cancelled"));
      return NULL;
    }
  all = g_new (gsize, n);
  for (gsize i = 0; i < n; i++)
    all[i] = i;
  cv->model = fit_rows (X, d, y, all, n, cv->C, options, error);
  if (cv->model == NULL)
    return NULL;
  if (options->progress != NULL)
    options->progress (1.0, options->user_data);
  return g_steal_pointer (&cv);
}
