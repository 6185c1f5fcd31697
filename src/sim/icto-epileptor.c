/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "icto-sim"

#include "config.h"

#include <math.h>
#include <string.h>

#include "icto-epileptor.h"

/* Equations: Jirsa et al., Brain 2014;137:2210, as written in The Virtual
 * Brain (tvb_library/tvb/simulator/models/epileptor.py); permittivity
 * coupling: Proix et al., J Neurosci 2014;34:15009. */

void
icto_epileptor_params_init (IctoEpileptorParams *p)
{
  p->a = 1.0;
  p->b = 3.0;
  p->c = 1.0;
  p->d = 5.0;
  p->aa = 6.0;
  p->bb = 2.0;
  p->iext = 3.1;
  p->iext2 = 0.45;
  p->r = 0.0002;
  p->tau = 10.0;
  p->tt = 1.0;
  p->slope = 0.0;
  p->ks = -2.0;
  p->kf = 0.0;
  p->kvf = 0.0;
  p->noise_x2 = 1e-4;
  p->noise_y2 = 1e-4;
}

double
icto_epileptor_rest_z (const IctoEpileptorParams *p,
                       double                     x1)
{
  return p->c + p->iext - p->a * x1 * x1 * x1 - (p->d - p->b) * x1 * x1;
}

IctoEpileptorNet *
icto_epileptor_net_new (guint                      n,
                        const IctoEpileptorParams *params,
                        const double              *w,
                        double                     dt,
                        guint64                    seed)
{
  IctoEpileptorNet *net;

  g_return_val_if_fail (n > 0 && params != NULL && dt > 0, NULL);

  net = g_new0 (IctoEpileptorNet, 1);
  net->n = n;
  net->p = *params;
  net->dt = dt;
  net->w = g_new0 (double, (gsize) n * n);
  net->wsum = g_new0 (double, n);
  net->x0 = g_new0 (double, n);
  net->iext2 = g_new0 (double, n);
  net->state = g_new0 (double, ICTO_EPI_N_VARS * n);
  net->f0 = g_new0 (double, ICTO_EPI_N_VARS * n);
  net->f1 = g_new0 (double, ICTO_EPI_N_VARS * n);
  net->tmp = g_new0 (double, ICTO_EPI_N_VARS * n);
  net->eta = g_new0 (double, ICTO_EPI_N_VARS * n);
  net->c1 = g_new0 (double, n);
  net->c2 = g_new0 (double, n);
  if (w != NULL)
    memcpy (net->w, w, sizeof (double) * n * n);
  for (guint i = 0; i < n; i++)
    {
      net->w[(gsize) i * n + i] = 0.0;
      for (guint j = 0; j < n; j++)
        net->wsum[i] += net->w[(gsize) i * n + j];
      net->x0[i] = -2.4;
      net->iext2[i] = params->iext2;
      icto_epileptor_net_set_rest (net, i, -1.5);
    }
  icto_sim_rng_init (&net->rng, seed, "epileptor-noise", 0);
  return net;
}

void
icto_epileptor_net_free (IctoEpileptorNet *net)
{
  if (net == NULL)
    return;
  g_free (net->w);
  g_free (net->wsum);
  g_free (net->x0);
  g_free (net->iext2);
  g_free (net->state);
  g_free (net->f0);
  g_free (net->f1);
  g_free (net->tmp);
  g_free (net->eta);
  g_free (net->c1);
  g_free (net->c2);
  g_free (net);
}

void
icto_epileptor_net_set_rest (IctoEpileptorNet *net,
                             guint             i,
                             double            x1_eq)
{
  const IctoEpileptorParams *p = &net->p;
  guint n = net->n;
  double z = icto_epileptor_rest_z (p, x1_eq);
  double g = 0.1 * x1_eq;
  double x2 = -1.0;

  /* population 2 at rest (x2 < -0.25 so y2 = 0): solve
   * x2 - x2^3 + Iext2 + bb g - 0.3 (z - 3.5) = 0 by Newton on the left branch */
  for (int it = 0; it < 50; it++)
    {
      double f = x2 - x2 * x2 * x2 + net->iext2[i] + p->bb * g - 0.3 * (z - 3.5);
      double df = 1.0 - 3.0 * x2 * x2;
      if (fabs (df) < 1e-9)
        break;
      x2 -= f / df;
    }
  if (!(x2 < -0.25) || !isfinite (x2))
    x2 = -1.0;

  net->state[ICTO_EPI_X1 * n + i] = x1_eq;
  net->state[ICTO_EPI_Y1 * n + i] = p->c - p->d * x1_eq * x1_eq;
  net->state[ICTO_EPI_Z * n + i] = z;
  net->state[ICTO_EPI_X2 * n + i] = x2;
  net->state[ICTO_EPI_Y2 * n + i] = 0.0;
  net->state[ICTO_EPI_G * n + i] = g;
}

static void
derivatives (IctoEpileptorNet *net,
             const double     *s,
             double           *f)
{
  const IctoEpileptorParams *p = &net->p;
  guint n = net->n;
  const double *x1 = s + ICTO_EPI_X1 * n;
  const double *y1 = s + ICTO_EPI_Y1 * n;
  const double *z = s + ICTO_EPI_Z * n;
  const double *x2 = s + ICTO_EPI_X2 * n;
  const double *y2 = s + ICTO_EPI_Y2 * n;
  const double *g = s + ICTO_EPI_G * n;
  gboolean need_c1 = p->ks != 0.0 || p->kvf != 0.0;
  gboolean need_c2 = p->kf != 0.0;

  /* Difference coupling c1_i = sum_j w_ij x1_j - x1_i sum_j w_ij, as
   * column updates (w is symmetric) so that the loop vectorises without
   * reordering any sum */
  {
    double *restrict c1 = net->c1;
    double *restrict c2 = net->c2;

    memset (c1, 0, sizeof (double) * n);
    memset (c2, 0, sizeof (double) * n);
    for (guint j = 0; j < n; j++)
      {
        const double *restrict wj = net->w + (gsize) j * n;
        double a1 = x1[j], a2 = x2[j];

        if (need_c1)
          for (guint i = 0; i < n; i++)
            c1[i] += wj[i] * a1;
        if (need_c2)
          for (guint i = 0; i < n; i++)
            c2[i] += wj[i] * a2;
      }
    for (guint i = 0; i < n; i++)
      {
        c1[i] = need_c1 ? c1[i] - net->wsum[i] * x1[i] : 0.0;
        c2[i] = need_c2 ? c2[i] - net->wsum[i] * x2[i] : 0.0;
      }
  }

  for (guint i = 0; i < n; i++)
    {
      double f1, f2, h;
      double zi = z[i];

      if (x1[i] < 0.0)
        f1 = -p->a * x1[i] * x1[i] * x1[i] + p->b * x1[i] * x1[i];
      else
        f1 = (p->slope - x2[i] + 0.6 * (zi - 4.0) * (zi - 4.0)) * x1[i];

      h = 4.0 * (x1[i] - net->x0[i]);
      if (zi < 0.0)
        h -= 0.1 * zi * zi * zi * zi * zi * zi * zi;

      f2 = x2[i] < -0.25 ? 0.0 : p->aa * (x2[i] + 0.25);

      f[ICTO_EPI_X1 * n + i] = p->tt * (y1[i] - zi + p->iext + p->kvf * net->c1[i] + f1);
      f[ICTO_EPI_Y1 * n + i] = p->tt * (p->c - p->d * x1[i] * x1[i] - y1[i]);
      f[ICTO_EPI_Z * n + i] = p->tt * p->r * (h - zi + p->ks * net->c1[i]);
      f[ICTO_EPI_X2 * n + i] = p->tt * (-y2[i] + x2[i] - x2[i] * x2[i] * x2[i] + net->iext2[i]
                                        + p->bb * g[i] - 0.3 * (zi - 3.5) + p->kf * net->c2[i]);
      f[ICTO_EPI_Y2 * n + i] = p->tt * (-y2[i] + f2) / p->tau;
      f[ICTO_EPI_G * n + i] = p->tt * (-0.01 * (g[i] - 0.1 * x1[i]));
    }
}

void
icto_epileptor_net_step (IctoEpileptorNet *net)
{
  guint n = net->n;
  gsize total = (gsize) ICTO_EPI_N_VARS * n;
  double dt = net->dt;
  double sx2 = sqrt (2.0 * net->p.noise_x2 * dt);
  double sy2 = sqrt (2.0 * net->p.noise_y2 * dt);

  /* noise increments: fixed draw order x2 then y2 of each node */
  for (guint i = 0; i < n; i++)
    {
      net->eta[ICTO_EPI_X2 * n + i] = sx2 > 0 ? sx2 * icto_sim_rng_normal (&net->rng) : 0.0;
      net->eta[ICTO_EPI_Y2 * n + i] = sy2 > 0 ? sy2 * icto_sim_rng_normal (&net->rng) : 0.0;
    }

  derivatives (net, net->state, net->f0);
  for (gsize k = 0; k < total; k++)
    net->tmp[k] = net->state[k] + dt * net->f0[k] + net->eta[k];
  derivatives (net, net->tmp, net->f1);
  for (gsize k = 0; k < total; k++)
    net->state[k] += 0.5 * dt * (net->f0[k] + net->f1[k]) + net->eta[k];
}
