/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "icto-test"

#include "config.h"

#include <math.h>

#include "sim/icto-epileptor.h"
#include "sim/icto-sim-rng.h"

/* One isolated Epileptor node (Jirsa et al., Brain 2014): the resting point
 * of population 1 vanishes when z falls to z_fold = 2.915 (saddle-node
 * onset); isolated, a node seizes iff x0 > x0_c = -4/3 - z_fold/4 = -2.062
 * (seizure-simulator.md §1.6).  Time in model units u (dt = 0.0390625). */

typedef struct {
  int    n_onsets;
  int    n_offsets;
  double z_at_first_onset;
  double z_at_first_offset;
  double first_onset_u;
  double first_offset_u;
  double x1_max;
} NodeRun;

static void
run_node (double   x0,
          double   duration_u,
          NodeRun *out)
{
  IctoEpileptorParams p;
  g_autoptr(IctoEpileptorNet) net = NULL;
  double dt = 0.0390625;
  gint64 steps = (gint64) (duration_u / dt);
  gboolean seizing = FALSE;
  double below = 1e9;
  guint n = 1;

  icto_epileptor_params_init (&p);
  p.ks = 0;                      /* isolated */
  net = icto_epileptor_net_new (1, &p, NULL, dt, 42);
  net->x0[0] = x0;
  /* start on the resting branch above the fold */
  icto_epileptor_net_set_rest (net, 0, -1.45);

  memset (out, 0, sizeof *out);
  out->x1_max = -1e9;
  for (gint64 k = 0; k < steps; k++)
    {
      double x1, z;
      icto_epileptor_net_step (net);
      x1 = net->state[ICTO_EPI_X1 * n];
      z = net->state[ICTO_EPI_Z * n];
      g_assert_true (isfinite (x1) && isfinite (z));
      out->x1_max = MAX (out->x1_max, x1);
      if (x1 >= 0)
        {
          if (!seizing && below * dt >= 40.0)   /* 40 u = 1 s at rest before */
            {
              seizing = TRUE;
              if (out->n_onsets++ == 0)
                {
                  out->z_at_first_onset = z;
                  out->first_onset_u = k * dt;
                }
            }
          below = 0;
        }
      else
        {
          below += 1;
          if (seizing && below * dt >= 120.0)      /* 3 s on the interictal branch */
            {
              seizing = FALSE;
              if (out->n_offsets++ == 0)
                {
                  out->z_at_first_offset = z;
                  out->first_offset_u = k * dt;
                }
            }
        }
    }
}

static void
test_epileptor_seizes_above_threshold (void)
{
  NodeRun r;

  /* TVB's default excitability: recurrent seizures */
  run_node (-1.6, 8000, &r);
  g_test_message ("x0=-1.6: onsets %d offsets %d z_on %.3f z_off %.3f onset %.0f u offset %.0f u",
                  r.n_onsets, r.n_offsets, r.z_at_first_onset, r.z_at_first_offset,
                  r.first_onset_u, r.first_offset_u);
  g_assert_cmpint (r.n_onsets, >=, 2);
  g_assert_cmpint (r.n_offsets, >=, 1);
  /* onset at the fold of the resting branch: z ~ 2.915 */
  g_assert_cmpfloat (fabs (r.z_at_first_onset - 2.915), <, 0.1);
  /* offset after z rose again (homoclinic offset, z_off ~ 3.9-4.1) */
  g_assert_cmpfloat (r.z_at_first_offset, >, 3.5);
  /* seizure duration ~ tau0 ln(...) at r = 0.0002: several hundred u */
  g_assert_cmpfloat (r.first_offset_u - r.first_onset_u, >, 300);
  g_assert_cmpfloat (r.first_offset_u - r.first_onset_u, <, 3000);

  /* just above the critical x0_c = -2.062 */
  run_node (-2.00, 8000, &r);
  g_assert_cmpint (r.n_onsets, >=, 1);
}

static void
test_epileptor_rests_below_threshold (void)
{
  NodeRun r;

  run_node (-2.12, 8000, &r);
  g_assert_cmpint (r.n_onsets, ==, 0);
  g_assert_cmpfloat (r.x1_max, <, -1.0);

  run_node (-2.4, 8000, &r);
  g_assert_cmpint (r.n_onsets, ==, 0);
  g_assert_cmpfloat (r.x1_max, <, -1.0);
}

static void
test_epileptor_rest_branch (void)
{
  IctoEpileptorParams p;

  icto_epileptor_params_init (&p);
  /* fold of the resting branch: x1 = -4/3, z = 4.1 - x1^3 - 2 x1^2 = 2.9148 */
  g_assert_cmpfloat_with_epsilon (icto_epileptor_rest_z (&p, -4.0 / 3.0), 2.91481, 1e-4);
}

static void
test_epileptor_coupling_recruits (void)
{
  /* two nodes: a seizing one (x0 = -1.6) recruits a subcritical neighbour
   * (x0 = -2.09) through permittivity coupling, later than itself; without
   * coupling the neighbour stays at rest. */
  for (int coupled = 0; coupled < 2; coupled++)
    {
      IctoEpileptorParams p;
      double w[4] = { 0, 1, 1, 0 };
      g_autoptr(IctoEpileptorNet) net = NULL;
      double dt = 0.0390625;
      double onset[2] = { -1, -1 };
      guint n = 2;

      icto_epileptor_params_init (&p);
      p.ks = coupled ? -2.0 : 0.0;
      net = icto_epileptor_net_new (2, &p, w, dt, 7);
      net->x0[0] = -1.6;
      net->x0[1] = -2.09;
      icto_epileptor_net_set_rest (net, 0, -1.45);
      icto_epileptor_net_set_rest (net, 1, -1.45);
      for (gint64 k = 0; k < (gint64) (6000 / dt); k++)
        {
          icto_epileptor_net_step (net);
          for (guint i = 0; i < 2; i++)
            if (onset[i] < 0 && net->state[ICTO_EPI_X1 * n + i] >= 0)
              onset[i] = k * dt;
        }
      g_test_message ("coupled %d: onsets %.0f %.0f u", coupled, onset[0], onset[1]);
      g_assert_cmpfloat (onset[0], >, 0);
      if (coupled)
        {
          g_assert_cmpfloat (onset[1], >, onset[0]);
        }
      else
        g_assert_cmpfloat (onset[1], <, 0);
    }
}

static void
test_rng_streams (void)
{
  IctoSimRng a, b, c;
  double sum = 0, sumsq = 0;
  int n = 200000;

  icto_sim_rng_init (&a, 1, "node", 0);
  icto_sim_rng_init (&b, 1, "node", 0);
  icto_sim_rng_init (&c, 1, "node", 1);
  for (int i = 0; i < 100; i++)
    {
      guint64 va = icto_sim_rng_next (&a);
      g_assert_cmpuint (va, ==, icto_sim_rng_next (&b));
      g_assert_cmpuint (va, !=, icto_sim_rng_next (&c));
    }
  for (int i = 0; i < n; i++)
    {
      double v = icto_sim_rng_normal (&a);
      double u = icto_sim_rng_uniform (&b);
      g_assert_cmpfloat (u, >=, 0);
      g_assert_cmpfloat (u, <, 1);
      sum += v;
      sumsq += v * v;
    }
  g_assert_cmpfloat (fabs (sum / n), <, 0.01);
  g_assert_cmpfloat (fabs (sumsq / n - 1.0), <, 0.02);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/sim/epileptor/seizes-above-threshold", test_epileptor_seizes_above_threshold);
  g_test_add_func ("/sim/epileptor/rests-below-threshold", test_epileptor_rests_below_threshold);
  g_test_add_func ("/sim/epileptor/rest-branch", test_epileptor_rest_branch);
  g_test_add_func ("/sim/epileptor/coupling-recruits", test_epileptor_coupling_recruits);
  g_test_add_func ("/sim/rng/streams", test_rng_streams);
  return g_test_run ();
}
