/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "sim/icto-sim-rng.h"

G_BEGIN_DECLS

/*
 * The 6-variable Epileptor neural mass (Jirsa, Stacey, Quilichini, Ivanov &
 * Bernard, "On the nature of seizure dynamics", Brain 2014;137:2210), in the
 * form of The Virtual Brain's models/epileptor.py, coupled into a network by
 * permittivity (slow) coupling as in Proix, Bartolomei, Chauvel, Bernard &
 * Jirsa, J Neurosci 2014;34:15009.  See ../shared/docs/seizure-simulator.md.
 *
 *   dx1/dt = tt (y1 - z + Iext + Kvf c1 + F1)
 *   dy1/dt = tt (c - d x1^2 - y1)
 *   dz/dt  = tt r (h - z + Ks c1)          h = 4 (x1 - x0) - [z < 0] 0.1 z^7
 *   dx2/dt = tt (-y2 + x2 - x2^3 + Iext2 + bb g - 0.3 (z - 3.5) + Kf c2)
 *   dy2/dt = tt (-y2 + F2) / tau           F2 = [x2 >= -0.25] aa (x2 + 0.25)
 *   dg/dt  = tt (-0.01 (g - 0.1 x1))
 *   F1 = -a x1^3 + b x1^2                  (x1 < 0)
 *   F1 = (slope - x2 + 0.6 (z - 4)^2) x1   (x1 >= 0)
 *
 * c1_i = sum_j w_ij (x1_j - x1_i), c2_i = sum_j w_ij (x2_j - x2_i)
 * (TVB "Difference" coupling).  Permittivity coupling of strength K is
 * Ks = -K.  Onset is the saddle-node bifurcation of the resting point of
 * population 1 when z falls to z_fold = 2.915 (x1 = -4/3); offset the
 * homoclinic bifurcation of the ictal limit cycle when z has risen again.
 * Time is in model units u.
 */

typedef struct {
  double a, b, c, d;        /* population-1 polynomial: 1, 3, 1, 5 */
  double aa, bb;            /* 6, 2 */
  double iext, iext2;       /* 3.1, 0.45 */
  double r;                 /* rate of z (1/tau0): 0.0002 here, TVB 0.00035 */
  double tau;               /* time constant of y2: 10 */
  double tt;                /* global time scale: 1 */
  double slope;             /* 0 */
  double ks, kf, kvf;       /* couplings: -K, 0, 0 */
  double noise_x2, noise_y2;/* additive noise intensity D on x2, y2: 1e-4 */
} IctoEpileptorParams;

/* Fills the defaults of the simulator (TVB defaults except r = 0.0002, Ks = -2). */
void icto_epileptor_params_init (IctoEpileptorParams *p);

enum {
  ICTO_EPI_X1, ICTO_EPI_Y1, ICTO_EPI_Z, ICTO_EPI_X2, ICTO_EPI_Y2, ICTO_EPI_G,
  ICTO_EPI_N_VARS
};

/*
 * A network of @n nodes.  The state is stored per variable:
 * state[v * n + i] is variable v (ICTO_EPI_*) of node i.  x0[i] and
 * iext2[i] may be changed between steps (seizure triggers, onset patterns).
 * Not thread-safe.
 */
typedef struct {
  guint   n;
  IctoEpileptorParams p;
  double  dt;               /* integration step, model units */
  double *w;                /* n x n weights, row-major, w_ii = 0 */
  double *wsum;             /* row sums of w */
  double *x0;               /* excitability per node */
  double *iext2;            /* Iext2 per node */
  double *state;            /* ICTO_EPI_N_VARS x n */
  /* scratch */
  double *f0, *f1, *tmp, *eta, *c1, *c2;
  IctoSimRng rng;
} IctoEpileptorNet;

/* @w: n x n symmetric weights (copied; NULL: no coupling).  Every node starts at
 * x0 = -2.4 on its resting point.  @seed and the stream "epileptor-noise"
 * seed the noise generator. */
IctoEpileptorNet *icto_epileptor_net_new  (guint                      n,
                                           const IctoEpileptorParams *params,
                                           const double              *w,
                                           double                     dt,
                                           guint64                    seed);
void              icto_epileptor_net_free (IctoEpileptorNet *net);

/* Puts node @i on the resting point of population 1 at x1 = @x1_eq
 * (< -4/3 on the resting branch), with population 2 resting. */
void icto_epileptor_net_set_rest (IctoEpileptorNet *net,
                                  guint             i,
                                  double            x1_eq);

/* One stochastic Heun step of dt (TVB's HeunStochastic: the same noise
 * increment sqrt (2 D dt) xi is used in the predictor and the corrector). */
void icto_epileptor_net_step (IctoEpileptorNet *net);

/* Resting-branch z of population 1 at x1: z = c + Iext - a x1^3 - (d - b) x1^2. */
double icto_epileptor_rest_z (const IctoEpileptorParams *p,
                              double                     x1);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (IctoEpileptorNet, icto_epileptor_net_free)

G_END_DECLS
