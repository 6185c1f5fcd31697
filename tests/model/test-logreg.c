/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-logreg"

#include "config.h"

#include <glib.h>
#include <math.h>
#include <string.h>

#include "model/icto-logreg.h"

static double
gauss (GRand *rng)
{
  double u1 = g_rand_double_range (rng, 1e-12, 1.0);
  double u2 = g_rand_double (rng);

  return sqrt (-2.0 * log (u1)) * cos (2.0 * G_PI * u2);
}

static void
random_unit (GRand  *rng,
             double *u,
             guint   d)
{
  double norm = 0;

  for (guint j = 0; j < d; j++)
    {
      u[j] = gauss (rng);
      norm += u[j] * u[j];
    }
  for (guint j = 0; j < d; j++)
    u[j] /= sqrt (norm);
}

/* x ~ N(offset, diag(spread^2)), y ~ Bernoulli(sigmoid(gain * u . (x - offset) + b0)). */
static void
make_logistic_data (GRand   *rng,
                    gsize    n,
                    guint    d,
                    const double *u,
                    double   gain,
                    double   b0,
                    float   *X,
                    guint8  *y)
{
  for (gsize i = 0; i < n; i++)
    {
      double f = b0;

      for (guint j = 0; j < d; j++)
        {
          double z = gauss (rng);

          /* columns of different scales and offsets: standardisation must cope */
          X[i * d + j] = (float) (z * (1.0 + j % 4) + 0.5 * j);
          f += gain * u[j] * z;
        }
      y[i] = g_rand_double (rng) < 1.0 / (1.0 + exp (-f));
    }
}

static double
cosine_raw_direction (const IctoLogreg *m,
                      const double     *u,
                      guint             d)
{
  g_autofree double *v = g_new (double, d);
  double dot = 0, nv = 0, nu = 0;

  icto_logreg_fold (m, v, NULL);
  /* the true direction in raw coordinates: u_j / scale_j with scale 1 + j % 4 */
  for (guint j = 0; j < d; j++)
    {
      double t = u[j] / (1.0 + j % 4);

      dot += v[j] * t;
      nv += v[j] * v[j];
      nu += t * t;
    }
  return dot / sqrt (nv * nu);
}

static void
test_recovers_direction (void)
{
  const guint d = 16;
  const gsize n = 20000;
  g_autoptr(GRand) rng = g_rand_new_with_seed (7);
  g_autofree float *X = g_new (float, n * d);
  g_autofree guint8 *y = g_new (guint8, n);
  double u[16];
  IctoLogregOptions opt;
  g_autoptr(GError) error = NULL;
  g_autoptr(IctoLogreg) with_b = NULL;
  g_autoptr(IctoLogreg) without_b = NULL;
  double cos_b, cos_nob;

  random_unit (rng, u, d);
  make_logistic_data (rng, n, d, u, 4.0, -1.0, X, y);
  icto_logreg_options_init (&opt);

  opt.intercept = TRUE;
  with_b = icto_logreg_fit (X, n, d, y, 1.0, &opt, &error);
  g_assert_no_error (error);
  cos_b = cosine_raw_direction (with_b, u, d);
  g_test_message ("cosine with intercept %.5f (%u Newton iterations)", cos_b, with_b->n_iter);
  g_assert_cmpfloat (cos_b, >, 0.99);

  /* bias-free (what an MVPFormer head can hold): the raw means carry the offset */
  opt.intercept = FALSE;
  without_b = icto_logreg_fit (X, n, d, y, 1.0, &opt, &error);
  g_assert_no_error (error);
  cos_nob = cosine_raw_direction (without_b, u, d);
  g_test_message ("cosine without intercept %.5f", cos_nob);
  g_assert_cmpfloat (without_b->bias, ==, 0.0);
  /* the offset is carried by the columns' means */
  g_assert_cmpfloat (cos_nob, >, 0.99);
}

static void
test_fold_matches_decision (void)
{
  const guint d = 6;
  const gsize n = 500;
  g_autoptr(GRand) rng = g_rand_new_with_seed (11);
  g_autofree float *X = g_new (float, n * d);
  g_autofree guint8 *y = g_new (guint8, n);
  double u[6], v[6], b;
  IctoLogregOptions opt;
  g_autoptr(GError) error = NULL;

  random_unit (rng, u, d);
  make_logistic_data (rng, n, d, u, 2.0, 0.3, X, y);
  icto_logreg_options_init (&opt);
  for (int with_intercept = 0; with_intercept < 2; with_intercept++)
    {
      g_autoptr(IctoLogreg) m = NULL;

      opt.intercept = with_intercept;
      m = icto_logreg_fit (X, n, d, y, 0.5, &opt, &error);
      g_assert_no_error (error);
      icto_logreg_fold (m, v, &b);
      if (!with_intercept)
        g_assert_cmpfloat (b, ==, 0.0);
      for (gsize i = 0; i < 20; i++)
        {
          double f = b;

          for (guint j = 0; j < d; j++)
            f += v[j] * X[i * d + j];
          g_assert_cmpfloat_with_epsilon (f, icto_logreg_decision (m, X + i * d), 1e-9 * (1 + fabs (f)));
        }
    }
}

static void
test_deterministic (void)
{
  const guint d = 8;
  const gsize n = 3000;
  g_autoptr(GRand) rng = g_rand_new_with_seed (3);
  g_autofree float *X = g_new (float, n * d);
  g_autofree guint8 *y = g_new (guint8, n);
  double u[8];
  g_autoptr(IctoLogreg) a = NULL;
  g_autoptr(IctoLogreg) b = NULL;

  random_unit (rng, u, d);
  make_logistic_data (rng, n, d, u, 3.0, 0.0, X, y);
  a = icto_logreg_fit (X, n, d, y, 0.1, NULL, NULL);
  b = icto_logreg_fit (X, n, d, y, 0.1, NULL, NULL);
  g_assert_nonnull (a);
  g_assert_nonnull (b);
  g_assert_cmpmem (a->w, sizeof (double) * d, b->w, sizeof (double) * d);
}

/* Unbalanced classes (4 % positive), overlapping: without class weights the
 * model sacrifices the rare class at threshold 0.5; with them it does not. */
static void
test_class_weighting (void)
{
  const guint d = 4;
  const gsize n = 5000;
  g_autoptr(GRand) rng = g_rand_new_with_seed (21);
  g_autofree float *X = g_new (float, n * d);
  g_autofree guint8 *y = g_new (guint8, n);
  IctoLogregOptions opt;
  g_autoptr(IctoLogreg) bal = NULL;
  g_autoptr(IctoLogreg) unbal = NULL;
  gsize n_pos = 0, hit_bal = 0, hit_unbal = 0;

  for (gsize i = 0; i < n; i++)
    {
      y[i] = g_rand_double (rng) < 0.04;
      for (guint j = 0; j < d; j++)
        X[i * d + j] = (float) (gauss (rng) + (y[i] && j == 0 ? 1.5 : 0.0));
    }
  icto_logreg_options_init (&opt);
  opt.intercept = TRUE;
  opt.balanced = TRUE;
  bal = icto_logreg_fit (X, n, d, y, 1.0, &opt, NULL);
  opt.balanced = FALSE;
  unbal = icto_logreg_fit (X, n, d, y, 1.0, &opt, NULL);
  g_assert_nonnull (bal);
  g_assert_nonnull (unbal);
  for (gsize i = 0; i < n; i++)
    if (y[i])
      {
        n_pos++;
        hit_bal += icto_logreg_decision (bal, X + i * d) > 0;
        hit_unbal += icto_logreg_decision (unbal, X + i * d) > 0;
      }
  g_test_message ("recall at 0.5: balanced %.3f, unweighted %.3f",
                  (double) hit_bal / n_pos, (double) hit_unbal / n_pos);
  g_assert_cmpfloat ((double) hit_bal / n_pos, >, 0.6);
  g_assert_cmpfloat ((double) hit_unbal / n_pos, <, 0.2);
  /* the direction is about the same: weighting moves the bias */
  g_assert_cmpfloat (bal->bias, >, unbal->bias + 1.0);
}

static void
test_auroc (void)
{
  const double s1[] = { 0.1, 0.4, 0.35, 0.8 };
  const guint8 y1[] = { 0, 0, 1, 1 };
  const double s2[] = { 0.5, 0.5, 0.5, 0.5 };
  const double s3[] = { 0.1, 0.2, 0.3, 0.4 };
  const guint8 y3[] = { 0, 0, 0, 0 };
  const double s4[] = { 0.1, NAN, 0.3, 0.4 };
  const double s5[] = { 0.2, 0.2, 0.9, 0.1 };
  const guint8 y5[] = { 1, 0, 1, 0 };

  g_assert_cmpfloat (icto_logreg_auroc (s1, y1, 4), ==, 0.75);
  g_assert_cmpfloat (icto_logreg_auroc (s2, y1, 4), ==, 0.5);
  g_assert_cmpfloat (icto_logreg_auroc (s3, y1, 4), ==, 1.0);
  g_assert_true (isnan (icto_logreg_auroc (s3, y3, 4)));
  g_assert_true (isnan (icto_logreg_auroc (s4, y1, 4)));
  /* positives 0.2, 0.9 vs negatives 0.2, 0.1: pairs 0.5 + 1 + 1 + 1 of 4 */
  g_assert_cmpfloat (icto_logreg_auroc (s5, y5, 4), ==, 0.875);
}

/* Groups as seizures: runs of rows; each group holds one event of positives. */
static void
make_grouped (GRand   *rng,
              gsize    n,
              guint    d,
              guint    n_groups,
              guint    n_positive_groups,
              float   *X,
              guint8  *y,
              guint   *groups)
{
  for (gsize i = 0; i < n; i++)
    {
      guint g = (guint) (i * n_groups / n);
      gsize first = ((gsize) g * n + n_groups - 1) / n_groups;

      groups[i] = 1000 + 7 * g;   /* arbitrary ids */
      y[i] = g < n_positive_groups && i - first < 6;
      for (guint j = 0; j < d; j++)
        X[i * d + j] = (float) (gauss (rng) + (y[i] ? 2.0 * (j % 2 ? 1 : -1) : 0.0));
    }
}

static void
test_cv_groups (void)
{
  const guint d = 10, n_groups = 23;
  const gsize n = 2300;
  g_autoptr(GRand) rng = g_rand_new_with_seed (5);
  g_autofree float *X = g_new (float, n * d);
  g_autofree guint8 *y = g_new (guint8, n);
  g_autofree guint *groups = g_new (guint, n);
  g_autoptr(IctoLogregCV) cv = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) fold_of = g_hash_table_new (NULL, NULL);
  guint fold_has_pos[5] = { 0 };
  IctoLogregOptions opt;

  make_grouped (rng, n, d, n_groups, 9, X, y, groups);
  icto_logreg_options_init (&opt);
  cv = icto_logreg_cross_validate (X, n, d, y, groups, &opt, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (cv->n_folds, ==, 5);
  for (gsize i = 0; i < n; i++)
    {
      gpointer f;

      g_assert_cmpuint (cv->fold[i], <, cv->n_folds);
      if (g_hash_table_lookup_extended (fold_of, GUINT_TO_POINTER (groups[i]), NULL, &f))
        g_assert_cmpuint (GPOINTER_TO_UINT (f), ==, cv->fold[i]);   /* never split */
      else
        g_hash_table_insert (fold_of, GUINT_TO_POINTER (groups[i]), GUINT_TO_POINTER (cv->fold[i]));
      if (y[i])
        fold_has_pos[cv->fold[i]] = 1;
      g_assert_cmpfloat (cv->prob[i], >=, 0.0);
      g_assert_cmpfloat (cv->prob[i], <=, 1.0);
    }
  for (guint f = 0; f < 5; f++)
    g_assert_cmpuint (fold_has_pos[f], ==, 1);
  g_test_message ("CV AUROC %.4f at C = %g", cv->auroc, cv->C);
  g_assert_cmpfloat (cv->auroc, >, 0.95);
  g_assert_cmpfloat (cv->auroc, ==, cv->cv_auroc[cv->best]);
  g_assert_cmpfloat (cv->C, ==, cv->c_grid[cv->best]);
  for (guint c = 0; c < cv->n_c; c++)
    g_assert_cmpfloat (cv->cv_auroc[c], <=, cv->auroc);
  g_assert_nonnull (cv->model);
  g_assert_cmpfloat (cv->model->C, ==, cv->C);

  /* only 3 groups with positives: 3 folds */
  {
    g_autoptr(IctoLogregCV) cv3 = NULL;

    make_grouped (rng, n, d, n_groups, 3, X, y, groups);
    cv3 = icto_logreg_cross_validate (X, n, d, y, groups, &opt, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (cv3->n_folds, ==, 3);
  }
}

/* Leak test: the model that gives a fold its out-of-fold probabilities must
 * not have seen that fold.  Changing the features of one row leaves the
 * probabilities of the other rows of its fold bitwise unchanged (folds
 * depend on labels and groups only), and changes those of the other folds. */
static void
test_cv_no_leak (void)
{
  const guint d = 5, n_groups = 10;
  const gsize n = 1000;
  g_autoptr(GRand) rng = g_rand_new_with_seed (9);
  g_autofree float *X = g_new (float, n * d);
  g_autofree guint8 *y = g_new (guint8, n);
  g_autofree guint *groups = g_new (guint, n);
  g_autoptr(IctoLogregCV) a = NULL;
  g_autoptr(IctoLogregCV) b = NULL;
  IctoLogregOptions opt;
  double c_one = 1.0;
  gsize probe = 950;
  guint n_same = 0, n_changed = 0;

  make_grouped (rng, n, d, n_groups, 5, X, y, groups);
  icto_logreg_options_init (&opt);
  opt.c_grid = &c_one;
  opt.n_c = 1;
  a = icto_logreg_cross_validate (X, n, d, y, groups, &opt, NULL);
  g_assert_nonnull (a);
  for (guint j = 0; j < d; j++)
    X[probe * d + j] = 3.0f * X[probe * d + j] + 1.0f;
  b = icto_logreg_cross_validate (X, n, d, y, groups, &opt, NULL);
  g_assert_nonnull (b);
  g_assert_cmpmem (a->fold, sizeof (guint) * n, b->fold, sizeof (guint) * n);
  for (gsize i = 0; i < n; i++)
    {
      if (i == probe)
        continue;
      if (a->fold[i] == a->fold[probe])
        {
          g_assert_cmpfloat (a->prob[i], ==, b->prob[i]);
          n_same++;
        }
      else
        n_changed += a->prob[i] != b->prob[i];
    }
  g_assert_cmpuint (n_same, >, 50);
  g_assert_cmpuint (n_changed, >, 50);
}

static gboolean
cancel_at_half (double   fraction,
                gpointer user_data)
{
  guint *calls = user_data;

  (*calls)++;
  return fraction < 0.5;
}

static void
test_hostile (void)
{
  const guint d = 3;
  const gsize n = 100;
  g_autoptr(GRand) rng = g_rand_new_with_seed (1);
  g_autofree float *X = g_new (float, n * d);
  g_autofree guint8 *y = g_new0 (guint8, n);
  g_autofree guint *groups = g_new (guint, n);
  IctoLogregOptions opt;
  GError *error = NULL;
  guint calls = 0;

  icto_logreg_options_init (&opt);
  for (gsize i = 0; i < n * d; i++)
    X[i] = (float) gauss (rng);
  for (gsize i = 0; i < n; i++)
    groups[i] = (guint) (i / 10);

  /* one class only */
  g_assert_null (icto_logreg_fit (X, n, d, y, 1.0, &opt, &error));
  g_assert_error (error, ICTO_MODEL_ERROR, ICTO_MODEL_ERROR_TRAINING_ONE_CLASS);
  g_clear_error (&error);
  memset (y, 1, n);
  g_assert_null (icto_logreg_cross_validate (X, n, d, y, groups, &opt, &error));
  g_assert_error (error, ICTO_MODEL_ERROR, ICTO_MODEL_ERROR_TRAINING_ONE_CLASS);
  g_clear_error (&error);

  /* too few positives */
  memset (y, 0, n);
  y[3] = y[40] = y[77] = 1;
  g_assert_null (icto_logreg_fit (X, n, d, y, 1.0, &opt, &error));
  g_assert_error (error, ICTO_MODEL_ERROR, ICTO_MODEL_ERROR_TRAINING_TOO_FEW_POSITIVES);
  g_clear_error (&error);

  /* positives in one group only */
  memset (y, 0, n);
  for (gsize i = 20; i < 30; i++)
    y[i] = 1;
  g_assert_null (icto_logreg_cross_validate (X, n, d, y, groups, &opt, &error));
  g_assert_error (error, ICTO_MODEL_ERROR, ICTO_MODEL_ERROR_TRAINING_TOO_FEW_GROUPS);
  g_clear_error (&error);

  /* NaN and infinite features */
  y[55] = y[56] = y[57] = y[58] = y[59] = 1;
  X[7 * d + 2] = NAN;
  g_assert_null (icto_logreg_fit (X, n, d, y, 1.0, &opt, &error));
  g_assert_error (error, ICTO_MODEL_ERROR, ICTO_MODEL_ERROR_TRAINING_NON_FINITE);
  g_clear_error (&error);
  X[7 * d + 2] = INFINITY;
  g_assert_null (icto_logreg_cross_validate (X, n, d, y, groups, &opt, &error));
  g_assert_error (error, ICTO_MODEL_ERROR, ICTO_MODEL_ERROR_TRAINING_NON_FINITE);
  g_clear_error (&error);
  X[7 * d + 2] = 0.5f;

  /* bad label, bad C, empty input, bad grid */
  y[0] = 2;
  g_assert_null (icto_logreg_fit (X, n, d, y, 1.0, &opt, &error));
  g_assert_error (error, ICTO_MODEL_ERROR, ICTO_MODEL_ERROR_INPUT);
  g_clear_error (&error);
  y[0] = 0;
  g_assert_null (icto_logreg_fit (X, n, d, y, 0.0, &opt, &error));
  g_assert_error (error, ICTO_MODEL_ERROR, ICTO_MODEL_ERROR_INPUT);
  g_clear_error (&error);
  g_assert_null (icto_logreg_fit (X, 0, d, y, 1.0, &opt, &error));
  g_assert_error (error, ICTO_MODEL_ERROR, ICTO_MODEL_ERROR_INPUT);
  g_clear_error (&error);
  {
    const double grid[] = { 1.0, 0.1 };

    opt.c_grid = grid;
    opt.n_c = 2;
    g_assert_null (icto_logreg_cross_validate (X, n, d, y, groups, &opt, &error));
    g_assert_error (error, ICTO_MODEL_ERROR, ICTO_MODEL_ERROR_INPUT);
    g_clear_error (&error);
    opt.c_grid = NULL;
    opt.n_c = 0;
  }

  /* a valid problem, cancelled half-way */
  opt.progress = cancel_at_half;
  opt.user_data = &calls;
  g_assert_null (icto_logreg_cross_validate (X, n, d, y, groups, &opt, &error));
  g_assert_error (error, ICTO_MODEL_ERROR, ICTO_MODEL_ERROR_CANCELLED);
  g_assert_cmpuint (calls, >, 1);
  g_clear_error (&error);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/logreg/recovers-direction", test_recovers_direction);
  g_test_add_func ("/logreg/fold-matches-decision", test_fold_matches_decision);
  g_test_add_func ("/logreg/deterministic", test_deterministic);
  g_test_add_func ("/logreg/class-weighting", test_class_weighting);
  g_test_add_func ("/logreg/auroc", test_auroc);
  g_test_add_func ("/logreg/cv-groups", test_cv_groups);
  g_test_add_func ("/logreg/cv-no-leak", test_cv_no_leak);
  g_test_add_func ("/logreg/hostile", test_hostile);
  return g_test_run ();
}
