/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "model/icto-model-error.h"

G_BEGIN_DECLS

/*
 * L2-regularised logistic regression for seizure heads (no I/O, OpenBLAS).
 *
 * Features are standardised per column (mean and standard deviation of the
 * training rows; a column with no spread gets scale 1).  The objective, in
 * standardised coordinates z, is the scikit-learn one:
 *
 *     C * sum_i s_i * [log(1 + exp(f_i)) - y_i f_i] + |w|^2 / 2,
 *     f_i = w . z_i (+ b with an intercept, which is not penalised)
 *
 * with class weights s_i = n / (2 n_class(y_i)) when balanced, else 1.
 * Without an intercept (MVPFormer's classification head has no bias, spec
 * §7.1) the columns are only scaled, not centred, so that the model stays
 * linear in the raw features.  Solved by Newton's method (IRLS) with a
 * backtracking line search; the Hessian is built with dsyrk and factorised
 * with dpotrf.  Deterministic: the same input gives the same bits.
 *
 * Memory: a double copy of the n x d matrix plus d x d.
 * Thread safety: every function is reentrant; the OpenBLAS thread count is
 * the caller's (the model state sets it to 1).
 */

typedef struct {
  guint    d;
  double  *mean;       /* [d]; all 0 without intercept */
  double  *scale;      /* [d] */
  double  *w;          /* [d] in standardised coordinates */
  double   bias;       /* 0 without intercept */
  double   C;
  gboolean intercept;
  guint    n_iter;     /* Newton iterations of the last fit */
} IctoLogreg;

void icto_logreg_free (IctoLogreg *self);

/* Progress of a long fit or cross-validation: @fraction 0..1; return FALSE
 * to stop (the call then fails with ICTO_MODEL_ERROR_CANCELLED).  Called on
 * the calling thread. */
typedef gboolean (*IctoLogregProgressFunc) (double   fraction,
                                            gpointer user_data);

typedef struct {
  gboolean      balanced;       /* class weighting n / (2 n_k) */
  gboolean      intercept;      /* fit an unpenalised bias */
  guint         n_folds;        /* cross-validation folds (>= 2); capped at
                                   the number of groups holding positives */
  const double *c_grid;         /* candidate C values (> 0); NULL: the default */
  guint         n_c;
  guint         min_positives;  /* fewer positive rows: TOO_FEW_POSITIVES */
  IctoLogregProgressFunc progress;
  gpointer      user_data;
} IctoLogregOptions;

/* balanced, no intercept, 5 folds, default grid (10^-4 .. 10^2 in half
 * decades), min_positives 5, no progress. */
void icto_logreg_options_init (IctoLogregOptions *options);

/**
 * icto_logreg_fit:
 * @X: [@n, @d] features, row-major
 * @y: [@n] labels, 0 or 1
 * @C: inverse regularisation strength, > 0
 *
 * Fits one model.  Errors (checked before any work):
 * ICTO_MODEL_ERROR_TRAINING_NON_FINITE (a NaN or infinite feature; the
 * message names row and column), _TRAINING_ONE_CLASS (every label the
 * same), _TRAINING_TOO_FEW_POSITIVES (fewer than options->min_positives
 * positive rows), ICTO_MODEL_ERROR_INPUT (a label other than 0 or 1, n or
 * d of 0, C <= 0), _CANCELLED.
 */
IctoLogreg *icto_logreg_fit (const float              *X,
                             gsize                     n,
                             guint                     d,
                             const guint8             *y,
                             double                    C,
                             const IctoLogregOptions  *options,
                             GError                  **error);

/* Decision value (logit of P(y = 1)) of one raw feature row [d]. */
double icto_logreg_decision (const IctoLogreg *self,
                             const float      *x);

/* The model in raw feature coordinates: logit = v . x + b (@v: [d]). */
void   icto_logreg_fold (const IctoLogreg *self,
                         double           *v,
                         double           *b);

/**
 * icto_logreg_auroc:
 * Area under the ROC curve of @scores against @y (Mann-Whitney U with tied
 * scores counted half).  NAN when either class is absent or a score is NaN.
 */
double icto_logreg_auroc (const double *scores,
                          const guint8 *y,
                          gsize         n);

typedef struct {
  guint       n_c;
  double     *c_grid;       /* [n_c] */
  double     *cv_auroc;     /* [n_c]: pooled out-of-fold AUROC per C */
  guint       best;         /* index of the chosen C (largest AUROC; the
                               smallest C among equal values) */
  double      C;            /* c_grid[best] */
  double      auroc;        /* cv_auroc[best] */
  guint       n_folds;
  guint      *fold;         /* [n] fold of each row */
  double     *prob;         /* [n] out-of-fold P(y = 1) at the chosen C */
  IctoLogreg *model;        /* refitted on every row with the chosen C */
} IctoLogregCV;

void icto_logreg_cv_free (IctoLogregCV *self);

/**
 * icto_logreg_cross_validate:
 * @groups: [@n] group of each row (e.g. a seizure and the time around it,
 *   or a recording); a group is never split between folds
 *
 * Assigns whole groups to folds (groups sorted by number of positives,
 * then size, then id; a group with positives goes to the fold with the
 * fewest positives, then rows, one without to the fold with the fewest
 * negatives), fits each C of the grid on every fold's complement (warm-started
 * along the grid), pools the out-of-fold probabilities, picks C by AUROC
 * and refits on all rows.  Standardisation is computed on each training
 * part only.
 * Errors: those of icto_logreg_fit(), plus _TRAINING_TOO_FEW_GROUPS when
 * fewer than two groups hold positive rows.
 */
IctoLogregCV *icto_logreg_cross_validate (const float              *X,
                                          gsize                     n,
                                          guint                     d,
                                          const guint8             *y,
                                          const guint              *groups,
                                          const IctoLogregOptions  *options,
                                          GError                  **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (IctoLogreg, icto_logreg_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (IctoLogregCV, icto_logreg_cv_free)

G_END_DECLS
