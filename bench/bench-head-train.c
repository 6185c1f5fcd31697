/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bench-head-train"

#include "config.h"

#include <glib.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "model/icto-logreg.h"

/*
 * Training a head (model/icto-logreg.h) on synthetic window features of
 * the sizes the application sees: D = 128 (the bundled model), windows of
 * 1 h, 24 h and 72 h of recording (one per 5 s), 5 % positive windows in
 * 20 seizure groups; the cross-validation of train-head (5 folds x 13 C
 * values, warm-started) and one fit.  Medians of --runs runs (default 3).
 *
 *   bench-head-train [--runs N]
 */

static double
gauss (GRand *rng)
{
  double u1 = g_rand_double_range (rng, 1e-12, 1.0);
  double u2 = g_rand_double (rng);

  return sqrt (-2.0 * log (u1)) * cos (2.0 * G_PI * u2);
}

static int
cmp_double (const void *a,
            const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

int
main (int argc, char **argv)
{
  const guint d = 128;
  const double hours[] = { 1, 24, 72 };
  int runs = 3;

  if (argc == 3 && g_str_equal (argv[1], "--runs"))
    runs = MAX (1, atoi (argv[2]));
  printf ("OPENBLAS_CORETYPE=%s\n", g_getenv ("OPENBLAS_CORETYPE") ? g_getenv ("OPENBLAS_CORETYPE") : "(unset)");
  printf ("%8s %8s %10s %12s %12s %8s\n", "hours", "windows", "positives", "cv_s", "fit_s", "auroc");
  for (guint h = 0; h < G_N_ELEMENTS (hours); h++)
    {
      gsize n = (gsize) (hours[h] * 3600 / 5);
      g_autoptr(GRand) rng = g_rand_new_with_seed (1);
      g_autofree float *X = g_new (float, n * d);
      g_autofree guint8 *y = g_new (guint8, n);
      g_autofree guint *groups = g_new (guint, n);
      g_autofree double *cv_s = g_new (double, runs);
      g_autofree double *fit_s = g_new (double, runs);
      double auroc = NAN;
      gsize n_pos = 0;

      for (gsize i = 0; i < n; i++)
        {
          guint g = (guint) (i * 20 / n);
          gsize first = ((gsize) g * n + 19) / 20;

          groups[i] = g;
          y[i] = i - first < n / 20 / 20 + 1;
          n_pos += y[i];
          for (guint j = 0; j < d; j++)
            X[i * d + j] = (float) (gauss (rng) + (y[i] && j < 8 ? 0.8 : 0.0) + 0.1 * j);
        }
      for (int r = 0; r < runs; r++)
        {
          IctoLogregOptions opt;
          g_autoptr(IctoLogregCV) cv = NULL;
          g_autoptr(IctoLogreg) m = NULL;
          gint64 t0;

          icto_logreg_options_init (&opt);
          t0 = g_get_monotonic_time ();
          cv = icto_logreg_cross_validate (X, n, d, y, groups, &opt, NULL);
          cv_s[r] = (g_get_monotonic_time () - t0) / 1e6;
          g_assert (cv != NULL);
          auroc = cv->auroc;
          t0 = g_get_monotonic_time ();
          m = icto_logreg_fit (X, n, d, y, cv->C, &opt, NULL);
          fit_s[r] = (g_get_monotonic_time () - t0) / 1e6;
          g_assert (m != NULL);
        }
      qsort (cv_s, runs, sizeof (double), cmp_double);
      qsort (fit_s, runs, sizeof (double), cmp_double);
      printf ("%8.0f %8" G_GSIZE_FORMAT " %10" G_GSIZE_FORMAT " %12.3f %12.4f %8.4f\n",
              hours[h], n, n_pos, cv_s[runs / 2], fit_s[runs / 2], auroc);
      fflush (stdout);
    }
  return 0;
}
