/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "icto-sim"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "icto-epileptor.h"
#include "icto-sim-rng.h"
#include "icto-sim.h"

/*
 * The simulator follows ../shared/docs/seizure-simulator.md:
 *  - Epileptor network (Jirsa et al., Brain 2014;137:2210; equations as in
 *    The Virtual Brain), permittivity coupling (Proix et al., J Neurosci
 *    2014;34:15009), excitability configured from equilibria as in
 *    tvb-epilepsy; one model time unit u = 25 ms; stochastic Heun at
 *    dt = 0.0390625 u (1024 steps per second).
 *  - Synthetic connectome w_ij = exp (-d_ij / 15 mm) in a 60 x 45 x 40 mm
 *    ellipsoid; EZ of 2 nodes, PZ the 5 nodes most coupled to the EZ.
 *  - Seizures are triggered by raising the EZ x0 by 0.6 over 5 s and
 *    lowering it once the EZ is back on the interictal branch.
 *  - Onset patterns: low-voltage fast activity (Perucca et al., Brain
 *    2014;137:183; Grinenko et al., Brain 2018;141:117) as a decaying chirp,
 *    or periodic spikes by raising the EZ Iext2 before the trigger.
 *  - Forward model: softened inverse square lead field (tvb-epilepsy, VEP,
 *    Jirsa et al., NeuroImage 2017;145:377), A = 800 uV per model unit.
 *  - Background 1/f^beta (Miller et al., PLoS Comput Biol 2009) with
 *    alpha/beta rhythms, line noise, bad channels, movement artefacts.
 *  - Ground truth: EEC and UEO after Litt et al., Neuron 2001;30:51.
 */

#define NET_RATE      1024                 /* network steps per second */
#define T_UNIT        0.025                /* seconds per model time unit */
#define RC_EZ_POINT_X (-25.0)
#define RC_EZ_POINT_Y 10.0
#define RC_EZ_POINT_Z (-15.0)
#define AXIS_X        60.0                 /* ellipsoid semi-axes, mm */
#define AXIS_Y        45.0
#define AXIS_Z        40.0
#define LAMBDA_MM     15.0
#define COUPLING_K    2.0
#define GAIN_SOFT_MM  4.0
#define AMPLITUDE_UV  800.0
#define RHO_SHARED    0.7
#define REST_WINDOW_S 3.0
#define X0_BOOST      0.6
#define RAMP_S        5.0
#define SPIKE_LEAD_S  30.0
#define IEXT2_SPIKES  0.58
#define LVFA_LEN_S    6.0
#define N_PZ          5
#define SPIKE_SLOTS   4
#define SPIKE_LEN_S   0.40

/* ---- background sources: white noise through a 1-Hz one-pole low-pass and
 *      a cascade of first-order pole-zero sections that tilts the spectrum
 *      to S(f) ~ 1 / (1 + f^beta) (a streaming variant of §4.4 (ii)) ---- */

#define MAX_SECTIONS 16

typedef struct {
  IctoSimRng rng;
  double     lp_a, lp_y;
  int        n_sec;
  double     qp[MAX_SECTIONS], qz[MAX_SECTIONS], gain[MAX_SECTIONS];
  double     xprev[MAX_SECTIONS], yprev[MAX_SECTIONS];
  double     scale;              /* makes the output unit RMS */
} BgSource;

/* Zero-mean unit-variance uniform white noise: the sources below are all
 * filtered (1/f cascade, resonators), so their outputs are Gaussian by the
 * central limit theorem; this is 4x cheaper than Box-Muller. */
static inline double
white (IctoSimRng *rng)
{
  return (icto_sim_rng_uniform (rng) - 0.5) * 3.4641016151377544;
}

static double
bg_filter (BgSource *b,
           double    w)
{
  double v;

  b->lp_y = b->lp_a * b->lp_y + (1.0 - b->lp_a) * w;
  v = b->lp_y;
  for (int k = 0; k < b->n_sec; k++)
    {
      double y = b->gain[k] * (v - b->qz[k] * b->xprev[k]) + b->qp[k] * b->yprev[k];
      b->xprev[k] = v;
      b->yprev[k] = y;
      v = y;
    }
  return v;
}

static void
bg_init (BgSource   *b,
         guint64     seed,
         const char *stream,
         guint64     index,
         double      beta,
         int         fs)
{
  double gamma = beta - 2.0;     /* residual power slope above 1 Hz */
  double ratio = 2.0;            /* one section per octave */
  double f = 1.0;
  double sumsq = 0.0;
  int n_imp = 4 * fs;

  memset (b, 0, sizeof *b);
  icto_sim_rng_init (&b->rng, seed, stream, index);
  b->lp_a = exp (-2.0 * G_PI * 1.0 / fs);
  while (b->n_sec < MAX_SECTIONS && f < fs / 2.0)
    {
      double fp, fz;
      int k = b->n_sec++;

      if (gamma >= 0)
        {
          fp = f;
          fz = f * pow (ratio, gamma / 2.0);
        }
      else
        {
          fz = f;
          fp = f * pow (ratio, -gamma / 2.0);
        }
      b->qp[k] = exp (-2.0 * G_PI * fp / fs);
      b->qz[k] = exp (-2.0 * G_PI * fz / fs);
      b->gain[k] = (1.0 - b->qp[k]) / (1.0 - b->qz[k]);   /* unit DC gain */
      f *= ratio;
    }
  /* unit RMS: the variance of the output for unit white input is the
   * energy of the impulse response */
  b->scale = 1.0;
  for (int n = 0; n < n_imp; n++)
    {
      double y = bg_filter (b, n == 0 ? 1.0 : 0.0);
      sumsq += y * y;
    }
  b->lp_y = 0;
  memset (b->xprev, 0, sizeof b->xprev);
  memset (b->yprev, 0, sizeof b->yprev);
  b->scale = sumsq > 0 ? 1.0 / sqrt (sumsq) : 1.0;
  /* settle */
  for (int n = 0; n < fs; n++)
    bg_filter (b, white (&b->rng));
}

static inline double
bg_next (BgSource *b)
{
  return b->scale * bg_filter (b, white (&b->rng));
}

/* Two-pole resonator (§3): y_n = 2 rho cos(theta) y_(n-1) - rho^2 y_(n-2) + w_n,
 * normalised to unit variance for unit white input. */
typedef struct {
  double y1, y2;
} Resonator;

static inline double
resonator_step (Resonator *r,
                double     freq,
                double     rho,
                double     fs,
                double     w)
{
  double theta = 2.0 * G_PI * freq / fs;
  double c = cos (theta);
  double rho2 = rho * rho;
  double var = (1.0 + rho2) / ((1.0 - rho2) * ((1.0 + rho2) * (1.0 + rho2) - 4.0 * rho2 * c * c));
  double y = 2.0 * rho * c * r->y1 - rho2 * r->y2 + w;

  r->y2 = r->y1;
  r->y1 = y;
  return y / sqrt (var);
}

/* Interictal spike in model units, tau in seconds from the model's event
 * (x2 crossing 0): a biphasic sharp transient of about 40 ms followed by a
 * 300-ms slow wave (IFCN: spikes 20-70 ms, after-going slow wave; shape is
 * a design choice). */
static double
spike_template (double tau)
{
  double a = (tau - 0.010) / 0.009;
  double b = (tau - 0.032) / 0.012;
  double v = 1.6 * exp (-0.5 * a * a) - 0.5 * exp (-0.5 * b * b);

  if (tau > 0.05 && tau < 0.05 + 0.30)
    v -= 0.35 * sin (G_PI * (tau - 0.05) / 0.30);
  return v;
}

static inline double
raised_cos (double x)
{
  if (x <= 0)
    return 0;
  if (x >= 1)
    return 1;
  return 0.5 - 0.5 * cos (G_PI * x);
}

typedef enum {
  PHASE_IDLE,
  PHASE_UP,
  PHASE_DOWN,
  PHASE_DONE,
} SeizurePhase;

typedef struct {
  SeizurePhase phase;
  double       up_start, down_start, spikes_start, spikes_stop;
  double       last_return;
  gboolean     ez_onset;
} SeizureState;

typedef struct {
  IctoSimArtefact pub;
  int       n_bumps;
  double    bump_t[4], bump_w[4], bump_a[4];
  double    muscle;              /* uV, 0 for none */
  float    *weight;              /* per channel */
} Movement;

struct _IctoSim {
  IctoSimParams   params;
  char           *layout;
  int            *ez;
  GArray         *groups;

  guint           n_nodes;
  IctoSimNode    *nodes;
  double         *w;
  guint           n_ch;
  IctoSimChannel *ch;
  double         *gain;          /* n_ch x n_nodes */
  double         *bg_weight;     /* sigma_c sqrt(rho) / ||G_c|| */

  IctoEpileptorNet *net;
  gint64          k_cur;         /* network step index of the current state (t = k / NET_RATE) */
  double         *prev_x1, *prev_x2, *cur_x1, *cur_x2;

  int             fs;
  gint64          n_records, rec_done;

  /* per node */
  double         *hp_in, *hp_out, hp_alpha;
  gboolean       *ictal;
  double         *below, *last_pos, *t_end, *node_x2_prev, *node_x1_prev, *postictal_end;
  double         *lvfa_on, *lvfa_amp;
  double         *x2_base;       /* resting level of x2 (spikes excluded) */
  double         *spike_t;       /* n x SPIKE_SLOTS recent interictal spike times, -1e9: none */
  guint          *spike_count;   /* interictal spikes per node */
  Resonator      *lvfa_res;
  IctoSimRng     *lvfa_rng;
  BgSource       *node_bg;
  gboolean       *has_rhythm;
  double         *rhythm_f, *rhythm_mod_f, *rhythm_mod_ph;
  Resonator      *rhythm_res;
  IctoSimRng     *rhythm_rng;

  /* per channel */
  BgSource       *ch_bg;
  IctoSimRng     *floor_rng;
  double         *line_amp, *line_c[3], *line_s[3];
  double          line_mod_ph, line_f;
  double          flat_level;

  /* seizures */
  guint           n_sz;
  IctoSimSeizure *sz;
  SeizureState   *sz_state;
  guint           cur_sz;
  /* UEO detection: per channel, 4 quarter-second sums of s_c^2 */
  double         *hop_sum;       /* n_ch x 4 */
  int             hop_count[4];
  double         *run_start;

  /* artefacts */
  GArray         *movements;

  /* record buffers */
  double         *U, *S, *B;     /* n_nodes x fs */
  gboolean       *node_active;
  double         *acc;          /* fs */
  double         *line_sin, *line_cos;   /* 3 x fs */
  guint          *active_list;
  guint           n_active;
};

const char *
icto_sim_pattern_to_string (IctoSimPattern pattern)
{
  switch (pattern)
    {
    case ICTO_SIM_PATTERN_MIXED: return "mixed";
    case ICTO_SIM_PATTERN_LVFA: return "lvfa";
    case ICTO_SIM_PATTERN_SPIKES: return "spikes";
    case ICTO_SIM_PATTERN_NATIVE: return "native";
    default: return "unknown";
    }
}

gboolean
icto_sim_pattern_from_string (const char     *name,
                              IctoSimPattern *pattern)
{
  for (int p = ICTO_SIM_PATTERN_MIXED; p <= ICTO_SIM_PATTERN_NATIVE; p++)
    if (g_strcmp0 (name, icto_sim_pattern_to_string (p)) == 0)
      {
        *pattern = p;
        return TRUE;
      }
  return FALSE;
}

void
icto_sim_params_init (IctoSimParams *params)
{
  memset (params, 0, sizeof *params);
  params->duration = 600;
  params->sample_rate = 512;
  params->n_seizures = 2;
  params->pattern = ICTO_SIM_PATTERN_MIXED;
  params->seed = 1;
  params->layout = NULL;
  params->n_nodes = 40;
  params->line_frequency = 50;
  params->artefacts = TRUE;
}

gboolean
icto_sim_params_validate (const IctoSimParams *params,
                          GError             **error)
{
  g_autoptr(GArray) groups = NULL;
  int n_nodes = params->n_nodes == 0 ? 40 : params->n_nodes;

  if (!(params->duration >= 10 && params->duration <= 86400))
    {
      g_set_error (error, ICTO_SIM_ERROR, ICTO_SIM_ERROR_INVALID,
                   _("The duration must be between 10 s and 24 h (86400 s)"));
      return FALSE;
    }
  if (params->sample_rate < 256 || params->sample_rate > 2048)
    {
      g_set_error (error, ICTO_SIM_ERROR, ICTO_SIM_ERROR_INVALID,
                   _("The sample rate must be between 256 and 2048 Hz"));
      return FALSE;
    }
  if (params->n_seizures < 0 || params->n_seizures > 1000)
    {
      g_set_error (error, ICTO_SIM_ERROR, ICTO_SIM_ERROR_INVALID,
                   _("The number of seizures must be between 0 and 1000"));
      return FALSE;
    }
  if (params->n_seizures > 0 && params->duration < 100.0 + 90.0 * params->n_seizures)
    {
      g_set_error (error, ICTO_SIM_ERROR, ICTO_SIM_ERROR_INVALID,
                   ngettext ("%d seizure needs a recording of at least %.0f s (100 s plus 90 s per seizure)",
                             "%d seizures need a recording of at least %.0f s (100 s plus 90 s per seizure)",
                             (unsigned long) params->n_seizures),
                   params->n_seizures, 100.0 + 90.0 * params->n_seizures);
      return FALSE;
    }
  if ((int) params->pattern < ICTO_SIM_PATTERN_MIXED || params->pattern > ICTO_SIM_PATTERN_NATIVE)
    {
      g_set_error (error, ICTO_SIM_ERROR, ICTO_SIM_ERROR_INVALID, _("Unknown onset pattern"));
      return FALSE;
    }
  if (n_nodes < 10 || n_nodes > 200)
    {
      g_set_error (error, ICTO_SIM_ERROR, ICTO_SIM_ERROR_INVALID,
                   _("The number of network nodes must be between 10 and 200"));
      return FALSE;
    }
  if (params->ez_nodes != NULL)
    {
      if (params->n_ez_nodes < 1 || params->n_ez_nodes > 8)
        {
          g_set_error (error, ICTO_SIM_ERROR, ICTO_SIM_ERROR_INVALID,
                       _("Give 1 to 8 epileptogenic nodes"));
          return FALSE;
        }
      for (int i = 0; i < params->n_ez_nodes; i++)
        {
          if (params->ez_nodes[i] < 0 || params->ez_nodes[i] >= n_nodes)
            {
              g_set_error (error, ICTO_SIM_ERROR, ICTO_SIM_ERROR_INVALID,
                           _("Epileptogenic node %d does not exist (nodes are 0 to %d)"),
                           params->ez_nodes[i], n_nodes - 1);
              return FALSE;
            }
          for (int j = 0; j < i; j++)
            if (params->ez_nodes[j] == params->ez_nodes[i])
              {
                g_set_error (error, ICTO_SIM_ERROR, ICTO_SIM_ERROR_INVALID,
                             _("Epileptogenic node %d is given twice"), params->ez_nodes[i]);
                return FALSE;
              }
        }
    }
  if (!(params->line_frequency <= 0 || params->line_frequency == 50 || params->line_frequency == 60))
    {
      g_set_error (error, ICTO_SIM_ERROR, ICTO_SIM_ERROR_INVALID,
                   _("The line frequency must be 50 or 60 Hz"));
      return FALSE;
    }
  groups = icto_sim_parse_layout (params->layout, error);
  return groups != NULL;
}

/* ---- geometry ---- */

static double
dist3 (const double *a,
       const double *b)
{
  double dx = a[0] - b[0], dy = a[1] - b[1], dz = a[2] - b[2];

  return sqrt (dx * dx + dy * dy + dz * dz);
}

static void
normalize3 (double *v)
{
  double n = sqrt (v[0] * v[0] + v[1] * v[1] + v[2] * v[2]);

  if (n > 0)
    for (int k = 0; k < 3; k++)
      v[k] /= n;
}

static void
cross3 (const double *a,
        const double *b,
        double       *out)
{
  out[0] = a[1] * b[2] - a[2] * b[1];
  out[1] = a[2] * b[0] - a[0] * b[2];
  out[2] = a[0] * b[1] - a[1] * b[0];
}

/* Moves @p radially onto the ellipsoid surface, then @out_mm outward along the normal. */
static void
to_surface (double *p,
            double  out_mm)
{
  double q = (p[0] / AXIS_X) * (p[0] / AXIS_X) + (p[1] / AXIS_Y) * (p[1] / AXIS_Y)
             + (p[2] / AXIS_Z) * (p[2] / AXIS_Z);
  double s = q > 0 ? 1.0 / sqrt (q) : 1.0;
  double n[3];

  for (int k = 0; k < 3; k++)
    p[k] *= s;
  n[0] = p[0] / (AXIS_X * AXIS_X);
  n[1] = p[1] / (AXIS_Y * AXIS_Y);
  n[2] = p[2] / (AXIS_Z * AXIS_Z);
  normalize3 (n);
  for (int k = 0; k < 3; k++)
    p[k] += out_mm * n[k];
}

/* Moves @p along -@n (the grid's normal) onto the ellipsoid surface, which
 * keeps the grid pitch, then @out_mm outward; falls back to the radial
 * projection when the line misses the ellipsoid. */
static void
to_surface_along (double       *p,
                  const double *n,
                  double        out_mm)
{
  const double ax[3] = { AXIS_X, AXIS_Y, AXIS_Z };
  double A = 0, B = 0, C = -1, disc;

  for (int k = 0; k < 3; k++)
    {
      A += (n[k] / ax[k]) * (n[k] / ax[k]);
      B += -2.0 * p[k] * n[k] / (ax[k] * ax[k]);
      C += (p[k] / ax[k]) * (p[k] / ax[k]);
    }
  disc = B * B - 4 * A * C;
  if (A > 0 && disc >= 0)
    {
      double s = (-B - sqrt (disc)) / (2 * A);
      for (int k = 0; k < 3; k++)
        p[k] -= s * n[k];
    }
  to_surface (p, out_mm);
}

static void
place_nodes (IctoSim *self)
{
  IctoSimRng rng;
  guint placed = 0;
  int tries = 0;

  icto_sim_rng_init (&rng, self->params.seed, "geometry-nodes", 0);
  while (placed < self->n_nodes)
    {
      double p[3];
      double q;
      gboolean ok = TRUE;

      p[0] = icto_sim_rng_range (&rng, -AXIS_X, AXIS_X);
      p[1] = icto_sim_rng_range (&rng, -AXIS_Y, AXIS_Y);
      p[2] = icto_sim_rng_range (&rng, -AXIS_Z, AXIS_Z);
      q = (p[0] / AXIS_X) * (p[0] / AXIS_X) + (p[1] / AXIS_Y) * (p[1] / AXIS_Y)
          + (p[2] / AXIS_Z) * (p[2] / AXIS_Z);
      if (q > 1.0)
        continue;
      tries++;
      /* reject points within 8 mm of an earlier node (relaxed if the
       * ellipsoid gets crowded with many nodes) */
      for (guint j = 0; j < placed && ok; j++)
        if (dist3 (p, self->nodes[j].pos) < (tries > 20000 ? 4.0 : 8.0))
          ok = FALSE;
      if (!ok)
        continue;
      memcpy (self->nodes[placed].pos, p, sizeof p);
      placed++;
    }
}

static void
build_network (IctoSim *self)
{
  guint n = self->n_nodes;
  double maxsum = 0;
  IctoSimRng rng;
  double *x1eq = g_new0 (double, n);
  double *score = g_new0 (double, n);
  IctoEpileptorParams ep;

  icto_epileptor_params_init (&ep);
  self->w = g_new0 (double, (gsize) n * n);
  for (guint i = 0; i < n; i++)
    {
      double sum = 0;
      for (guint j = 0; j < n; j++)
        if (i != j)
          {
            double wij = exp (-dist3 (self->nodes[i].pos, self->nodes[j].pos) / LAMBDA_MM);
            self->w[(gsize) i * n + j] = wij;
            sum += wij;
          }
      maxsum = MAX (maxsum, sum);
    }
  for (gsize k = 0; k < (gsize) n * n; k++)
    self->w[k] /= maxsum;

  /* EZ: given, or the node nearest a left mesial-temporal point plus its
   * nearest neighbour */
  if (self->ez != NULL)
    {
      for (int k = 0; k < self->params.n_ez_nodes; k++)
        self->nodes[self->ez[k]].klass = ICTO_SIM_NODE_EZ;
    }
  else
    {
      double pt[3] = { RC_EZ_POINT_X, RC_EZ_POINT_Y, RC_EZ_POINT_Z };
      guint best = 0, second = G_MAXUINT;
      for (guint i = 1; i < n; i++)
        if (dist3 (self->nodes[i].pos, pt) < dist3 (self->nodes[best].pos, pt))
          best = i;
      for (guint i = 0; i < n; i++)
        if (i != best && (second == G_MAXUINT
                          || dist3 (self->nodes[i].pos, self->nodes[best].pos)
                             < dist3 (self->nodes[second].pos, self->nodes[best].pos)))
          second = i;
      self->nodes[best].klass = ICTO_SIM_NODE_EZ;
      self->nodes[second].klass = ICTO_SIM_NODE_EZ;
    }

  /* PZ: the N_PZ other nodes with the largest coupling to the EZ */
  for (guint i = 0; i < n; i++)
    for (guint j = 0; j < n; j++)
      if (self->nodes[j].klass == ICTO_SIM_NODE_EZ)
        score[i] += self->w[(gsize) i * n + j];
  for (int k = 0; k < N_PZ; k++)
    {
      guint best = G_MAXUINT;
      for (guint i = 0; i < n; i++)
        if (self->nodes[i].klass == ICTO_SIM_NODE_HEALTHY && (best == G_MAXUINT || score[i] > score[best]))
          best = i;
      if (best == G_MAXUINT)
        break;
      self->nodes[best].klass = ICTO_SIM_NODE_PZ;
    }

  /* epileptogenicity and x0 from the equilibrium (tvb-epilepsy, §1.6) */
  icto_sim_rng_init (&rng, self->params.seed, "excitability", 0);
  for (guint i = 0; i < n; i++)
    {
      double e;
      switch (self->nodes[i].klass)
        {
        case ICTO_SIM_NODE_EZ: e = 0.90; break;
        case ICTO_SIM_NODE_PZ: e = icto_sim_rng_range (&rng, 0.85, 0.90); break;
        case ICTO_SIM_NODE_HEALTHY:
        default: e = icto_sim_rng_range (&rng, 0.0, 0.5); break;
        }
      self->nodes[i].epileptogenicity = e;
      x1eq[i] = (e - 5.0) / 3.0;
    }
  for (guint i = 0; i < n; i++)
    {
      double zeq = icto_epileptor_rest_z (&ep, x1eq[i]);
      double c = 0;
      for (guint j = 0; j < n; j++)
        c += self->w[(gsize) i * n + j] * (x1eq[j] - x1eq[i]);
      self->nodes[i].x0 = x1eq[i] - (zeq + COUPLING_K * c) / 4.0;
    }

  ep.ks = -COUPLING_K;
  self->net = icto_epileptor_net_new (n, &ep, self->w, 1.0 / (NET_RATE * T_UNIT), self->params.seed);
  for (guint i = 0; i < n; i++)
    {
      self->net->x0[i] = self->nodes[i].x0;
      icto_epileptor_net_set_rest (self->net, i, x1eq[i]);
    }
  g_free (x1eq);
  g_free (score);
}

/* Targets for the electrode groups: EZ nodes, PZ nodes by coupling, then
 * healthy nodes in random order. */
static guint *
make_targets (IctoSim *self)
{
  guint n = self->n_nodes;
  guint *t = g_new0 (guint, n);
  guint k = 0;
  IctoSimRng rng;

  icto_sim_rng_init (&rng, self->params.seed, "geometry-targets", 0);
  for (int cls = ICTO_SIM_NODE_EZ; cls >= ICTO_SIM_NODE_HEALTHY; cls--)
    {
      guint first = k;
      for (guint i = 0; i < n; i++)
        if ((int) self->nodes[i].klass == cls)
          t[k++] = i;
      if (cls == ICTO_SIM_NODE_HEALTHY)
        for (guint i = k - 1; i > first; i--)
          {
            guint j = first + (guint) (icto_sim_rng_uniform (&rng) * (i - first + 1));
            guint tmp = t[i];
            t[i] = t[j];
            t[j] = tmp;
          }
    }
  return t;
}

static void
place_contacts (IctoSim *self)
{
  guint *targets = make_targets (self);
  gboolean *used = g_new0 (gboolean, self->n_nodes);
  IctoSimRng rng;
  guint c = 0;

  icto_sim_rng_init (&rng, self->params.seed, "geometry-contacts", 0);
  self->n_ch = 0;
  for (guint g = 0; g < self->groups->len; g++)
    {
      IctoSimGroup *grp = &g_array_index (self->groups, IctoSimGroup, g);
      self->n_ch += grp->rows * grp->cols;
    }
  self->ch = g_new0 (IctoSimChannel, self->n_ch);

  for (guint g = 0; g < self->groups->len; g++)
    {
      IctoSimGroup *grp = &g_array_index (self->groups, IctoSimGroup, g);
      char hemi = g_ascii_toupper (grp->name[0]);
      guint target = G_MAXUINT;
      const double *tp;

      /* first unused target in the group's hemisphere (L: x < 0, R: x > 0) */
      for (int pass = 0; pass < 3 && target == G_MAXUINT; pass++)
        for (guint k = 0; k < self->n_nodes && target == G_MAXUINT; k++)
          {
            guint i = targets[k];
            double x = self->nodes[i].pos[0];
            gboolean side_ok = (hemi == 'L' && x < 0) || (hemi == 'R' && x > 0)
                               || (hemi != 'L' && hemi != 'R');
            if ((pass == 0 && !used[i] && side_ok) || (pass == 1 && !used[i]) || pass == 2)
              target = i;
          }
      used[target] = TRUE;
      tp = self->nodes[target].pos;

      if (grp->kind == ICTO_SIM_GROUP_DEPTH)
        {
          /* contact 1 (deepest) near the target, the others toward a
           * lateral entry point at 3.5-mm pitch (DIXI-like) */
          double u[3], r0[3];
          double side = tp[0] < 0 ? -1.0 : 1.0;
          u[0] = side;
          u[1] = icto_sim_rng_range (&rng, -0.3, 0.3);
          u[2] = icto_sim_rng_range (&rng, -0.3, 0.3);
          normalize3 (u);
          for (int k = 0; k < 3; k++)
            r0[k] = tp[k] + icto_sim_rng_range (&rng, -1.5, 1.5);
          for (int k = 0; k < grp->cols; k++, c++)
            {
              IctoSimChannel *ch = &self->ch[c];
              for (int d = 0; d < 3; d++)
                ch->pos[d] = r0[d] + k * 3.5 * u[d];
              ch->label = g_strdup_printf ("%s%d", grp->name, k + 1);
              ch->group = grp->name;
              ch->kind = grp->kind;
            }
        }
      else
        {
          /* grid or strip on the surface over the target, 10-mm pitch,
           * 1 mm outside the ellipsoid */
          double centre[3], nrm[3], e1[3], e2[3];
          double up[3] = { 0, 0, 1 };
          memcpy (centre, tp, sizeof centre);
          if (fabs (centre[0]) + fabs (centre[1]) + fabs (centre[2]) < 1e-6)
            centre[0] = -1;
          to_surface (centre, 0.0);
          nrm[0] = centre[0] / (AXIS_X * AXIS_X);
          nrm[1] = centre[1] / (AXIS_Y * AXIS_Y);
          nrm[2] = centre[2] / (AXIS_Z * AXIS_Z);
          normalize3 (nrm);
          cross3 (nrm, up, e1);
          if (e1[0] * e1[0] + e1[1] * e1[1] + e1[2] * e1[2] < 1e-6)
            {
              up[1] = 1;
              up[2] = 0;
              cross3 (nrm, up, e1);
            }
          normalize3 (e1);
          cross3 (nrm, e1, e2);
          normalize3 (e2);
          for (int r = 0; r < grp->rows; r++)
            for (int k = 0; k < grp->cols; k++, c++)
              {
                IctoSimChannel *ch = &self->ch[c];
                double a = (k - (grp->cols - 1) / 2.0) * 10.0;
                double b = (r - (grp->rows - 1) / 2.0) * 10.0;
                for (int d = 0; d < 3; d++)
                  ch->pos[d] = centre[d] + a * e1[d] + b * e2[d];
                to_surface_along (ch->pos, nrm, 1.0);
                ch->label = g_strdup_printf ("%s%d", grp->name, r * grp->cols + k + 1);
                ch->group = grp->name;
                ch->kind = grp->kind;
              }
        }
    }
  g_assert (c == self->n_ch);
  g_free (targets);
  g_free (used);
}

/* Softened inverse square (§4.2): G = 1 / (d^2 + a^2), divided by the
 * global maximum; SOZ by the share of gain from the EZ (§5). */
static void
build_gain (IctoSim *self)
{
  guint n = self->n_nodes;
  double gmax = 0, ezmax = 0;
  double *ezsum = g_new0 (double, self->n_ch);
  IctoSimRng rng;

  self->gain = g_new0 (double, (gsize) self->n_ch * n);
  self->bg_weight = g_new0 (double, self->n_ch);
  for (guint c = 0; c < self->n_ch; c++)
    for (guint i = 0; i < n; i++)
      {
        double d = dist3 (self->ch[c].pos, self->nodes[i].pos);
        double g = 1.0 / (d * d + GAIN_SOFT_MM * GAIN_SOFT_MM);
        self->gain[(gsize) c * n + i] = g;
        gmax = MAX (gmax, g);
      }
  icto_sim_rng_init (&rng, self->params.seed, "channel-sigma", 0);
  for (guint c = 0; c < self->n_ch; c++)
    {
      double sq = 0, ezsq = 0;
      for (guint i = 0; i < n; i++)
        {
          double g = (self->gain[(gsize) c * n + i] /= gmax);
          sq += g * g;
          if (self->nodes[i].klass == ICTO_SIM_NODE_EZ)
            {
              ezsq += g * g;
              ezsum[c] += g;
            }
        }
      ezmax = MAX (ezmax, ezsum[c]);
      self->ch[c].soz_fraction = sq > 0 ? ezsq / sq : 0;
      self->ch[c].sigma = (self->ch[c].kind == ICTO_SIM_GROUP_DEPTH ? 40.0 : 80.0)
                          * exp (0.3 * icto_sim_rng_normal (&rng));
      self->bg_weight[c] = sq > 0 ? self->ch[c].sigma * sqrt (RHO_SHARED) / sqrt (sq) : 0;
    }
  for (guint c = 0; c < self->n_ch; c++)
    self->ch[c].soz = self->ch[c].soz_fraction >= 0.5 && ezsum[c] >= 0.25 * ezmax;
  g_free (ezsum);
}

/* Seizure triggers: one per slot of (duration - 100 s) / n, at least 90 s apart. */
static void
schedule (IctoSim *self)
{
  IctoSimRng rng;
  int n = self->params.n_seizures;
  double slot = n > 0 ? (self->params.duration - 100.0) / n : 0;

  icto_sim_rng_init (&rng, self->params.seed, "schedule", 0);
  self->n_sz = n;
  self->sz = g_new0 (IctoSimSeizure, MAX (n, 1));
  self->sz_state = g_new0 (SeizureState, MAX (n, 1));
  for (int k = 0; k < n; k++)
    {
      IctoSimSeizure *s = &self->sz[k];
      s->index = k;
      switch (self->params.pattern)
        {
        case ICTO_SIM_PATTERN_MIXED:
          s->pattern = (k % 2 == 0) ? ICTO_SIM_PATTERN_LVFA : ICTO_SIM_PATTERN_SPIKES;
          break;
        default:
          s->pattern = self->params.pattern;
          break;
        }
      s->trigger = 40.0 + k * slot + (slot - 90.0) * icto_sim_rng_range (&rng, 0.1, 0.6);
      s->eec = s->ueo = s->offset = s->end_max = -1;
      s->node_onset = g_new (double, self->n_nodes);
      s->channel_onset = g_new (double, self->n_ch);
      for (guint i = 0; i < self->n_nodes; i++)
        s->node_onset[i] = -1;
      for (guint c = 0; c < self->n_ch; c++)
        s->channel_onset[c] = -1;
      self->sz_state[k].phase = PHASE_IDLE;
      self->sz_state[k].spikes_start = self->sz_state[k].spikes_stop = -1;
      self->sz_state[k].down_start = -1;
    }
}

static void
movement_free (gpointer data)
{
  Movement *m = data;

  g_free (m->pub.description);
  g_free (m->pub.channels);
  g_free (m->weight);
}

/* Bad channels and movement artefacts (§4.5, design choices). */
static void
plan_artefacts (IctoSim *self)
{
  IctoSimRng rng;
  double t;

  self->movements = g_array_new (FALSE, TRUE, sizeof (Movement));
  g_array_set_clear_func (self->movements, movement_free);
  if (!self->params.artefacts)
    return;

  icto_sim_rng_init (&rng, self->params.seed, "artefacts", 0);
  /* one flat and one noisy channel, never SOZ contacts */
  for (int bad = 0; bad < 2 && self->n_ch > 3; bad++)
    for (int tries = 0; tries < 100; tries++)
      {
        guint c = (guint) (icto_sim_rng_uniform (&rng) * self->n_ch);
        if (!self->ch[c].soz && self->ch[c].status == ICTO_SIM_STATUS_GOOD)
          {
            self->ch[c].status = bad == 0 ? ICTO_SIM_STATUS_FLAT : ICTO_SIM_STATUS_NOISY;
            break;
          }
      }
  self->flat_level = icto_sim_rng_range (&rng, -20, 20);

  /* movement: on average one every 5 minutes, 1-3 s, on one or two groups */
  t = 20.0 + icto_sim_rng_range (&rng, 0, 120);
  while (t < self->params.duration - 5)
    {
      Movement m = { 0 };
      guint g1 = (guint) (icto_sim_rng_uniform (&rng) * self->groups->len);
      guint g2 = (guint) (icto_sim_rng_uniform (&rng) * self->groups->len);
      const char *n1 = g_array_index (self->groups, IctoSimGroup, g1).name;
      const char *n2 = g_array_index (self->groups, IctoSimGroup, g2).name;

      m.pub.onset = t;
      m.pub.duration = icto_sim_rng_range (&rng, 1.0, 3.0);
      m.pub.description = g_strdup ("movement");
      m.pub.channels = g1 == g2 ? g_strdup (n1) : g_strdup_printf ("%s,%s", n1, n2);
      m.n_bumps = 1 + (int) (icto_sim_rng_uniform (&rng) * 3.0);
      for (int b = 0; b < m.n_bumps; b++)
        {
          m.bump_w[b] = 1.0 / icto_sim_rng_range (&rng, 0.3, 3.0);
          m.bump_w[b] = MIN (m.bump_w[b], m.pub.duration);
          m.bump_t[b] = t + icto_sim_rng_range (&rng, 0, m.pub.duration - m.bump_w[b]);
          m.bump_a[b] = icto_sim_rng_range (&rng, 300, 1500) * (icto_sim_rng_uniform (&rng) < 0.5 ? -1 : 1);
        }
      m.muscle = icto_sim_rng_uniform (&rng) < 0.5 ? icto_sim_rng_range (&rng, 20, 50) : 0;
      m.weight = g_new0 (float, self->n_ch);
      for (guint c = 0; c < self->n_ch; c++)
        if (self->ch[c].group == n1 || self->ch[c].group == n2)
          m.weight[c] = (float) icto_sim_rng_range (&rng, 0.5, 1.0);
      g_array_append_val (self->movements, m);
      t += m.pub.duration + 30.0 + (-log (1.0 - icto_sim_rng_uniform (&rng))) * 300.0;
    }
}

static void
init_sources (IctoSim *self)
{
  guint n = self->n_nodes;
  int fs = self->fs;
  guint64 seed = self->params.seed;
  IctoSimRng rng;

  self->node_bg = g_new0 (BgSource, n);
  self->ch_bg = g_new0 (BgSource, self->n_ch);
  self->has_rhythm = g_new0 (gboolean, n);
  self->rhythm_f = g_new0 (double, n);
  self->rhythm_mod_f = g_new0 (double, n);
  self->rhythm_mod_ph = g_new0 (double, n);
  self->rhythm_res = g_new0 (Resonator, n);
  self->rhythm_rng = g_new0 (IctoSimRng, n);
  self->lvfa_res = g_new0 (Resonator, n);
  self->lvfa_rng = g_new0 (IctoSimRng, n);
  self->lvfa_on = g_new0 (double, n);
  self->lvfa_amp = g_new0 (double, n);

  icto_sim_rng_init (&rng, seed, "background-params", 0);
  for (guint i = 0; i < n; i++)
    {
      double beta = icto_sim_rng_range (&rng, 1.8, 2.8);
      double gmax = 0, sig = 40;
      bg_init (&self->node_bg[i], seed, "background-node", i, beta, fs);
      /* 30 % of nodes carry an alpha (8-12 Hz) or beta (15-25 Hz) rhythm */
      if (icto_sim_rng_uniform (&rng) < 0.3)
        {
          self->has_rhythm[i] = TRUE;
          self->rhythm_f[i] = icto_sim_rng_uniform (&rng) < 0.5 ? icto_sim_rng_range (&rng, 8, 12)
                                                                 : icto_sim_rng_range (&rng, 15, 25);
          self->rhythm_mod_f[i] = 1.0 / icto_sim_rng_range (&rng, 10, 40);
          self->rhythm_mod_ph[i] = icto_sim_rng_range (&rng, 0, 2 * G_PI);
          icto_sim_rng_init (&self->rhythm_rng[i], seed, "rhythm", i);
        }
      icto_sim_rng_init (&self->lvfa_rng[i], seed, "lvfa", i);
      self->lvfa_on[i] = -1;
      /* LVFA RMS: 1.5 x the background at the nearest contact (§3) */
      for (guint c = 0; c < self->n_ch; c++)
        if (self->gain[(gsize) c * n + i] > gmax)
          {
            gmax = self->gain[(gsize) c * n + i];
            sig = self->ch[c].sigma;
          }
      self->lvfa_amp[i] = gmax > 0 ? 1.5 * sig / (AMPLITUDE_UV * gmax) : 0;
    }
  for (guint c = 0; c < self->n_ch; c++)
    bg_init (&self->ch_bg[c], seed, "background-contact", c, icto_sim_rng_range (&rng, 1.8, 2.8), fs);

  /* line noise (§4.5): mostly common mode */
  self->floor_rng = g_new0 (IctoSimRng, self->n_ch);
  self->line_amp = g_new0 (double, self->n_ch);
  for (int h = 0; h < 3; h++)
    {
      self->line_c[h] = g_new0 (double, self->n_ch);
      self->line_s[h] = g_new0 (double, self->n_ch);
    }
  icto_sim_rng_init (&rng, seed, "line", 0);
  self->line_f = self->params.line_frequency == 0 ? 50 : self->params.line_frequency;
  {
    double a0 = icto_sim_rng_range (&rng, 2, 10);
    self->line_mod_ph = icto_sim_rng_range (&rng, 0, 2 * G_PI);
    for (guint c = 0; c < self->n_ch; c++)
      {
        double ph = 0.02 * icto_sim_rng_normal (&rng);
        self->line_amp[c] = self->line_f > 0 ? a0 * (1.0 + 0.1 * icto_sim_rng_normal (&rng)) : 0;
        if (self->ch[c].status == ICTO_SIM_STATUS_NOISY)
          self->line_amp[c] = icto_sim_rng_range (&rng, 100, 300);
        for (int h = 0; h < 3; h++)
          {
            self->line_c[h][c] = cos ((h + 1) * ph);
            self->line_s[h][c] = sin ((h + 1) * ph);
          }
        icto_sim_rng_init (&self->floor_rng[c], seed, "floor", c);
      }
  }
}

IctoSim *
icto_sim_new (const IctoSimParams *params,
              GError             **error)
{
  g_autoptr(IctoSim) self = NULL;
  guint n;

  g_return_val_if_fail (params != NULL, NULL);
  if (!icto_sim_params_validate (params, error))
    return NULL;

  self = g_new0 (IctoSim, 1);
  self->params = *params;
  self->layout = g_strdup (params->layout ? params->layout : ICTO_SIM_DEFAULT_LAYOUT);
  self->params.layout = self->layout;
  if (params->ez_nodes != NULL)
    {
      self->ez = g_memdup2 (params->ez_nodes, sizeof (int) * params->n_ez_nodes);
      self->params.ez_nodes = self->ez;
    }
  else
    self->params.n_ez_nodes = 0;
  if (self->params.n_nodes == 0)
    self->params.n_nodes = 40;
  self->groups = icto_sim_parse_layout (self->layout, error);
  if (self->groups == NULL)
    return NULL;

  self->fs = params->sample_rate;
  self->n_records = (gint64) ceil (params->duration - 1e-9);
  n = self->n_nodes = self->params.n_nodes;
  self->nodes = g_new0 (IctoSimNode, n);

  place_nodes (self);
  build_network (self);
  if (self->ez == NULL)
    for (guint i = 0; i < n; i++)
      if (self->nodes[i].klass == ICTO_SIM_NODE_EZ)
        self->params.n_ez_nodes++;
  place_contacts (self);
  build_gain (self);
  schedule (self);
  plan_artefacts (self);
  init_sources (self);

  self->prev_x1 = g_new0 (double, n);
  self->prev_x2 = g_new0 (double, n);
  self->cur_x1 = g_new0 (double, n);
  self->cur_x2 = g_new0 (double, n);
  self->hp_in = g_new0 (double, n);
  self->hp_out = g_new0 (double, n);
  self->ictal = g_new0 (gboolean, n);
  self->below = g_new0 (double, n);
  self->last_pos = g_new0 (double, n);
  self->t_end = g_new0 (double, n);
  self->node_x1_prev = g_new0 (double, n);
  self->node_x2_prev = g_new0 (double, n);
  self->postictal_end = g_new0 (double, n);
  self->hop_sum = g_new0 (double, (gsize) self->n_ch * 4);
  self->run_start = g_new0 (double, self->n_ch);
  self->U = g_new0 (double, (gsize) n * self->fs);
  self->S = g_new0 (double, (gsize) n * self->fs);
  self->B = g_new0 (double, (gsize) n * self->fs);
  self->node_active = g_new0 (gboolean, n);
  self->acc = g_new0 (double, self->fs);
  self->x2_base = g_new0 (double, n);
  self->spike_t = g_new0 (double, (gsize) n * SPIKE_SLOTS);
  self->spike_count = g_new0 (guint, n);
  for (gsize k = 0; k < (gsize) n * SPIKE_SLOTS; k++)
    self->spike_t[k] = -1e9;
  self->line_sin = g_new0 (double, 3 * self->fs);
  self->line_cos = g_new0 (double, 3 * self->fs);
  self->active_list = g_new0 (guint, n);
  self->hp_alpha = (1.0 / (2 * G_PI * 0.5)) / (1.0 / (2 * G_PI * 0.5) + 1.0 / self->fs);

  for (guint c = 0; c < self->n_ch; c++)
    self->run_start[c] = -1;

  /* warm-up: 20 s of network time before the recording starts */
  for (guint i = 0; i < n; i++)
    {
      self->below[i] = REST_WINDOW_S;
      self->postictal_end[i] = -1e9;
      self->t_end[i] = -1;
    }
  self->k_cur = -20 * NET_RATE;
  for (; self->k_cur < 0; self->k_cur++)
    icto_epileptor_net_step (self->net);
  for (guint i = 0; i < n; i++)
    {
      double *st = self->net->state;
      self->cur_x1[i] = self->prev_x1[i] = self->node_x1_prev[i] = st[ICTO_EPI_X1 * n + i];
      self->cur_x2[i] = self->prev_x2[i] = self->node_x2_prev[i] = st[ICTO_EPI_X2 * n + i];
      self->x2_base[i] = MIN (self->cur_x2[i], -0.5);
      self->hp_in[i] = self->x2_base[i] - self->cur_x1[i];
    }

  return g_steal_pointer (&self);
}

void
icto_sim_free (IctoSim *self)
{
  if (self == NULL)
    return;
  g_free (self->layout);
  g_free (self->ez);
  g_clear_pointer (&self->groups, g_array_unref);
  g_free (self->nodes);
  g_free (self->w);
  for (guint c = 0; c < self->n_ch; c++)
    g_free (self->ch[c].label);
  g_free (self->ch);
  g_free (self->gain);
  g_free (self->bg_weight);
  icto_epileptor_net_free (self->net);
  g_free (self->prev_x1);
  g_free (self->prev_x2);
  g_free (self->cur_x1);
  g_free (self->cur_x2);
  g_free (self->hp_in);
  g_free (self->hp_out);
  g_free (self->ictal);
  g_free (self->below);
  g_free (self->last_pos);
  g_free (self->t_end);
  g_free (self->node_x1_prev);
  g_free (self->node_x2_prev);
  g_free (self->postictal_end);
  g_free (self->lvfa_on);
  g_free (self->lvfa_amp);
  g_free (self->lvfa_res);
  g_free (self->lvfa_rng);
  g_free (self->node_bg);
  g_free (self->has_rhythm);
  g_free (self->rhythm_f);
  g_free (self->rhythm_mod_f);
  g_free (self->rhythm_mod_ph);
  g_free (self->rhythm_res);
  g_free (self->rhythm_rng);
  g_free (self->ch_bg);
  g_free (self->floor_rng);
  g_free (self->line_amp);
  for (int h = 0; h < 3; h++)
    {
      g_free (self->line_c[h]);
      g_free (self->line_s[h]);
    }
  if (self->sz != NULL)
    for (guint k = 0; k < self->n_sz; k++)
      {
        g_free (self->sz[k].node_onset);
        g_free (self->sz[k].channel_onset);
      }
  g_free (self->sz);
  g_free (self->sz_state);
  g_free (self->hop_sum);
  g_free (self->run_start);
  g_clear_pointer (&self->movements, g_array_unref);
  g_free (self->U);
  g_free (self->S);
  g_free (self->B);
  g_free (self->node_active);
  g_free (self->acc);
  g_free (self->x2_base);
  g_free (self->spike_t);
  g_free (self->spike_count);
  g_free (self->line_sin);
  g_free (self->line_cos);
  g_free (self->active_list);
  g_free (self);
}

/* ---- network time stepping and per-node ground truth (§2.3, §5) ---- */

static void
finish_seizure (IctoSim *self,
                guint    k)
{
  IctoSimSeizure *s = &self->sz[k];

  for (guint i = 0; i < self->n_nodes; i++)
    if (s->node_onset[i] >= 0 && self->t_end[i] > s->end_max)
      s->end_max = self->t_end[i];
  if (s->eec >= 0)
    {
      /* no contact met the UEO criterion, or it met it before the EEC
       * (quarter-second resolution): the UEO is the EEC */
      if (s->ueo < s->eec)
        s->ueo = s->eec;
      if (s->offset < 0)
        s->offset = MAX (s->end_max, s->ueo);
      if (s->offset <= s->ueo)
        s->offset = s->ueo + 1.0;
    }
  self->sz_state[k].phase = PHASE_DONE;
}

static void
node_events (IctoSim *self,
             double   t)
{
  guint n = self->n_nodes;
  const double *st = self->net->state;
  double dt = 1.0 / NET_RATE;
  IctoSimSeizure *s = self->cur_sz < self->n_sz ? &self->sz[self->cur_sz] : NULL;
  SeizureState *ss = s ? &self->sz_state[self->cur_sz] : NULL;
  gboolean open = s != NULL && ss->phase != PHASE_IDLE;

  for (guint i = 0; i < n; i++)
    {
      double x1 = st[ICTO_EPI_X1 * n + i];
      double x2 = st[ICTO_EPI_X2 * n + i];
      gboolean is_ez = self->nodes[i].klass == ICTO_SIM_NODE_EZ;

      /* population-2 spike: x2 crossing 0 upward */
      /* resting level of x2 between spikes (time constant 2 s) */
      if (x2 < -0.5)
        self->x2_base[i] += (x2 - self->x2_base[i]) * (dt / 2.0);
      if (self->node_x2_prev[i] < 0 && x2 >= 0)
        {
          if (self->ictal[i])
            self->t_end[i] = t;
          else
            {
              /* interictal spike: keep its time for the template */
              double *slots = self->spike_t + (gsize) i * SPIKE_SLOTS;
              int oldest = 0;
              for (int k = 1; k < SPIKE_SLOTS; k++)
                if (slots[k] < slots[oldest])
                  oldest = k;
              slots[oldest] = t;
              if (t >= 0)
                self->spike_count[i]++;
            }
          if (s != NULL && is_ez && ss->spikes_start >= 0 && t >= ss->spikes_start && s->eec < 0)
            s->eec = t;
        }
      if (self->ictal[i] && self->node_x1_prev[i] < 0.8 && x1 >= 0.8)
        self->t_end[i] = MAX (self->t_end[i], t);

      if (x1 < 0)
        {
          self->below[i] += dt;
          if (self->ictal[i] && self->below[i] >= REST_WINDOW_S)
            {
              /* return to the interictal branch */
              self->ictal[i] = FALSE;
              self->postictal_end[i] = self->t_end[i] >= 0 ? self->t_end[i] : self->last_pos[i];
              if (open && s->node_onset[i] >= 0)
                {
                  ss->last_return = t;
                  if (is_ez && ss->phase == PHASE_UP && ss->ez_onset)
                    {
                      ss->phase = PHASE_DOWN;
                      ss->down_start = t;
                    }
                }
            }
        }
      else
        {
          if (!self->ictal[i] && self->below[i] >= REST_WINDOW_S)
            {
              /* onset: x1 >= 0 after >= 3 s on the resting branch */
              self->ictal[i] = TRUE;
              self->t_end[i] = -1;
              if (open && s->node_onset[i] < 0)
                {
                  s->node_onset[i] = t;
                  if (is_ez)
                    {
                      if (!ss->ez_onset && ss->spikes_start >= 0)
                        ss->spikes_stop = t;
                      ss->ez_onset = TRUE;
                      if (s->eec < 0)
                        s->eec = t;
                    }
                }
              if (is_ez && open && s->pattern == ICTO_SIM_PATTERN_LVFA)
                {
                  self->lvfa_on[i] = t;
                  memset (&self->lvfa_res[i], 0, sizeof (Resonator));
                }
            }
          self->below[i] = 0;
          if (self->ictal[i])
            self->last_pos[i] = t;
        }
      self->node_x1_prev[i] = x1;
      self->node_x2_prev[i] = x2;
    }
}

static void
update_drive (IctoSim *self,
              double   t)
{
  double dx0 = 0, diext2 = 0;
  IctoEpileptorNet *net = self->net;

  if (self->cur_sz < self->n_sz)
    {
      IctoSimSeizure *s = &self->sz[self->cur_sz];
      SeizureState *ss = &self->sz_state[self->cur_sz];

      if (ss->phase == PHASE_IDLE)
        {
          if (s->pattern == ICTO_SIM_PATTERN_SPIKES && t >= s->trigger - SPIKE_LEAD_S && ss->spikes_start < 0)
            ss->spikes_start = t;
          if (t >= s->trigger)
            {
              /* late when the previous seizure took long to end */
              ss->phase = PHASE_UP;
              ss->up_start = t;
              s->trigger = t;
            }
        }
      if (ss->phase == PHASE_UP && !ss->ez_onset && t > ss->up_start + 60.0)
        {
          /* no onset: give up on this seizure */
          ss->phase = PHASE_DOWN;
          ss->down_start = t;
        }
      if (ss->phase == PHASE_UP)
        dx0 = X0_BOOST * MIN (1.0, (t - ss->up_start) / RAMP_S);
      else if (ss->phase == PHASE_DOWN)
        dx0 = X0_BOOST * MAX (0.0, 1.0 - (t - ss->down_start) / RAMP_S);

      /* periodic spikes: EZ Iext2 0.45 -> 0.58 over 10 s from 30 s before
       * the trigger, held until EZ onset, back over 5 s */
      if (ss->spikes_start >= 0)
        {
          double up = MIN (1.0, (t - ss->spikes_start) / 10.0);
          if (ss->spikes_stop >= 0)
            up *= MAX (0.0, 1.0 - (t - ss->spikes_stop) / 5.0);
          diext2 = (IEXT2_SPIKES - net->p.iext2) * up;
        }

      if (ss->phase == PHASE_DOWN && t >= ss->down_start + RAMP_S)
        {
          gboolean any = FALSE;
          for (guint i = 0; i < self->n_nodes; i++)
            any = any || self->ictal[i];
          if ((!any && t >= ss->last_return + 5.0) || t >= ss->down_start + 120.0)
            {
              finish_seizure (self, self->cur_sz);
              self->cur_sz++;
            }
        }
    }
  for (guint i = 0; i < self->n_nodes; i++)
    if (self->nodes[i].klass == ICTO_SIM_NODE_EZ)
      {
        net->x0[i] = self->nodes[i].x0 + dx0;
        net->iext2[i] = net->p.iext2 + diext2;
      }
}

static void
advance_to (IctoSim *self,
            gint64   k_target)
{
  guint n = self->n_nodes;

  while (self->k_cur < k_target)
    {
      double t;
      memcpy (self->prev_x1, self->cur_x1, sizeof (double) * n);
      memcpy (self->prev_x2, self->cur_x2, sizeof (double) * n);
      update_drive (self, (double) self->k_cur / NET_RATE);
      icto_epileptor_net_step (self->net);
      self->k_cur++;
      t = (double) self->k_cur / NET_RATE;
      memcpy (self->cur_x1, self->net->state + ICTO_EPI_X1 * n, sizeof (double) * n);
      memcpy (self->cur_x2, self->net->state + ICTO_EPI_X2 * n, sizeof (double) * n);
      node_events (self, t);
    }
}

/* ---- ground truth from the projected seizure component (§5) ---- */

static void
detect_hop (IctoSim *self,
            double   t_end)
{
  IctoSimSeizure *s;
  SeizureState *ss;
  int count = 0;
  double centre = t_end - 0.5;

  for (int h = 0; h < 4; h++)
    count += self->hop_count[h];
  if (self->cur_sz >= self->n_sz || count == 0)
    return;
  s = &self->sz[self->cur_sz];
  ss = &self->sz_state[self->cur_sz];
  if (ss->phase == PHASE_IDLE)
    return;

  for (guint c = 0; c < self->n_ch; c++)
    {
      const double *hs = self->hop_sum + (gsize) c * 4;
      double rms = sqrt ((hs[0] + hs[1] + hs[2] + hs[3]) / count);

      if (rms > 3.0 * self->ch[c].sigma)
        {
          if (self->run_start[c] < 0)
            self->run_start[c] = centre;
          if (centre - self->run_start[c] >= 5.0 - 1e-9)
            {
              if (s->channel_onset[c] < 0)
                s->channel_onset[c] = self->run_start[c];
              if (s->ueo < 0 || self->run_start[c] < s->ueo)
                s->ueo = self->run_start[c];
            }
          if (s->ueo >= 0)
            s->offset = MAX (s->offset, centre);
        }
      else
        self->run_start[c] = -1;
    }
}

/* ---- one data record ---- */

gboolean
icto_sim_next_record (IctoSim       *self,
                      float *const *data)
{
  guint n = self->n_nodes;
  int fs = self->fs;
  gint64 rec = self->rec_done;
  double line_w = 2.0 * G_PI * self->line_f;

  g_return_val_if_fail (self != NULL && data != NULL, FALSE);
  if (rec >= self->n_records)
    return FALSE;

  memset (self->node_active, 0, sizeof (gboolean) * n);

  /* node quantities at the output rate */
  for (int s = 0; s < fs; s++)
    {
      gint64 idx = rec * fs + s;
      double t = (double) idx / fs;
      gint64 num = idx * NET_RATE;
      gint64 k_target = (num + fs - 1) / fs;
      double wgt;

      advance_to (self, k_target);
      wgt = (double) (num - (self->k_cur - 1) * fs) / fs;

      for (guint i = 0; i < n; i++)
        {
          double x1 = self->prev_x1[i] + wgt * (self->cur_x1[i] - self->prev_x1[i]);
          double x2 = self->prev_x2[i] + wgt * (self->cur_x2[i] - self->prev_x2[i]);
          double raw, hp, spike = 0;
          double g = 1.0, lvfa = 0.0, bgf = 1.0, b;

          /* Between seizures the model's population-2 spikes (x2 crossing 0
           * upward) keep their timing but get a realistic shape
           * (seizure-simulator.md §3): x2 is held at its resting level and a
           * template is added at each event.  In seizures x2 is observed
           * as it is. */
          if (!self->ictal[i])
            {
              const double *slots = self->spike_t + (gsize) i * SPIKE_SLOTS;
              x2 = MIN (x2, self->x2_base[i] + 0.05);
              for (int k = 0; k < SPIKE_SLOTS; k++)
                {
                  double tau = t - slots[k];
                  if (tau >= -0.01 && tau < SPIKE_LEN_S)
                    spike += spike_template (tau);
                }
            }
          raw = x2 - x1 + spike;
          hp = self->hp_alpha * (self->hp_out[i] + raw - self->hp_in[i]);

          self->hp_in[i] = raw;
          self->hp_out[i] = hp;

          if (self->lvfa_on[i] >= 0)
            {
              double tau = t - self->lvfa_on[i];
              if (tau >= 0 && tau < LVFA_LEN_S)
                {
                  double f = 20.0 + 60.0 * exp (-tau / 2.0);
                  double env = tau < 0.3 ? raised_cos (tau / 0.3)
                               : tau < 4.0 ? 1.0 : 1.0 - raised_cos ((tau - 4.0) / 2.0);
                  double y = resonator_step (&self->lvfa_res[i], f, exp (-0.2 * G_PI * f / fs), fs,
                                             white (&self->lvfa_rng[i]));
                  lvfa = self->lvfa_amp[i] * env * y;
                  if (tau < 0.2)
                    g = 1.0 - 0.95 * raised_cos (tau / 0.2);
                  else if (tau < 2.2)
                    g = 0.05;
                  else
                    g = 0.05 + 0.95 * raised_cos ((tau - 2.2) / 3.8);
                  bgf = 0.4;
                }
              else if (tau >= LVFA_LEN_S)
                self->lvfa_on[i] = -1;
            }

          /* post-ictal attenuation of the background after the node's last
           * spike-and-wave (§3) */
          if (!self->ictal[i] && t >= self->postictal_end[i] && t < self->postictal_end[i] + 600.0)
            bgf *= 1.0 - 0.8 * exp (-(t - self->postictal_end[i]) / 30.0);

          b = bg_next (&self->node_bg[i]) * bgf;
          if (self->has_rhythm[i])
            {
              double mod = 0.6 + 0.4 * sin (2 * G_PI * self->rhythm_mod_f[i] * t + self->rhythm_mod_ph[i]);
              b += 0.5 / 0.663 * mod * bgf
                   * resonator_step (&self->rhythm_res[i], self->rhythm_f[i], exp (-G_PI * 2.0 / fs), fs,
                                     white (&self->rhythm_rng[i]));
            }

          self->U[(gsize) i * fs + s] = AMPLITUDE_UV * (g * hp + lvfa);
          self->S[(gsize) i * fs + s] = self->ictal[i] ? AMPLITUDE_UV * (g * hp + lvfa) : AMPLITUDE_UV * lvfa;
          if (self->ictal[i] || lvfa != 0.0)
            self->node_active[i] = TRUE;
          self->B[(gsize) i * fs + s] = b;
        }
    }

  /* line-noise harmonics, common to all contacts (f_L is an integer, so
   * the phase repeats every second exactly) */
  for (int s = 0; s < fs; s++)
    {
      gint64 idx = rec * fs + s;
      double t = (double) idx / fs;
      double ph = line_w * (double) (idx % fs) / fs;
      double mod = 1.0 + 0.2 * sin (2 * G_PI * t / 60.0 + self->line_mod_ph);
      for (int h = 0; h < 3; h++)
        {
          self->line_sin[h * fs + s] = mod * sin ((h + 1) * ph);
          self->line_cos[h * fs + s] = mod * cos ((h + 1) * ph);
        }
    }

  /* nodes that carry seizure activity in this record */
  {
    guint n_active = 0;
    for (guint i = 0; i < n; i++)
      if (self->node_active[i])
        self->active_list[n_active++] = i;
    self->n_active = n_active;
  }

  /* contacts: lead field + background + line + artefacts + floor (§4.3) */
  for (guint c = 0; c < self->n_ch; c++)
    {
      float *out = data[c];
      const double *gc = self->gain + (gsize) c * n;
      double bw = self->bg_weight[c];
      double ew = self->ch[c].sigma * sqrt (1.0 - RHO_SHARED);
      double *acc = self->acc;
      double la = self->line_amp[c];
      double lc[3], ls[3];

      for (int h = 0; h < 3; h++)
        {
          double hw = h == 0 ? 1.0 : h == 1 ? 0.3 : 0.1;
          lc[h] = la * hw * self->line_c[h][c];
          ls[h] = la * hw * self->line_s[h][c];
        }

      memset (acc, 0, sizeof (double) * fs);
      for (guint i = 0; i < n; i++)
        {
          const double *u = self->U + (gsize) i * fs;
          const double *b = self->B + (gsize) i * fs;
          double gu = gc[i], gb = gc[i] * bw;
          for (int s = 0; s < fs; s++)
            acc[s] += gu * u[s] + gb * b[s];
        }

      for (int s = 0; s < fs; s++)
        {
          double floor_noise = white (&self->floor_rng[c]);
          double line = 0, v;

          for (int h = 0; h < 3; h++)
            line += self->line_sin[h * fs + s] * lc[h] + self->line_cos[h * fs + s] * ls[h];
          v = acc[s] + ew * bg_next (&self->ch_bg[c]) + line + floor_noise;
          if (self->ch[c].status == ICTO_SIM_STATUS_FLAT)
            v = self->flat_level + 0.3 * floor_noise;
          else if (self->ch[c].status == ICTO_SIM_STATUS_NOISY)
            v = 150.0 * floor_noise + line;
          out[s] = (float) v;
        }
    }

  /* movement artefacts */
  for (guint m = 0; m < self->movements->len; m++)
    {
      Movement *mv = &g_array_index (self->movements, Movement, m);
      double t0 = (double) rec, t1 = (double) rec + 1.0;

      if (mv->pub.onset >= t1 || mv->pub.onset + mv->pub.duration <= t0)
        continue;
      for (int s = 0; s < fs; s++)
        {
          double t = t0 + (double) s / fs;
          double v = 0;
          for (int b = 0; b < mv->n_bumps; b++)
            {
              double x = (t - mv->bump_t[b]) / mv->bump_w[b];
              if (x > 0 && x < 1)
                v += mv->bump_a[b] * (0.5 - 0.5 * cos (2 * G_PI * x));
            }
          if (t >= mv->pub.onset && t < mv->pub.onset + mv->pub.duration && mv->muscle > 0)
            v += mv->muscle * sin (2 * G_PI * 70.0 * t) * sin (2 * G_PI * 3.0 * t);
          for (guint c = 0; c < self->n_ch; c++)
            if (mv->weight[c] > 0 && self->ch[c].status != ICTO_SIM_STATUS_FLAT)
              data[c][s] += (float) (mv->weight[c] * v);
        }
    }

  /* ground truth: 1-s RMS of the projected seizure component, in quarter
   * seconds */
  for (int q = 0; q < 4; q++)
    {
      int s0 = q * fs / 4, s1 = (q + 1) * fs / 4;
      int slot = (int) ((rec * 4 + q) % 4);
      for (guint c = 0; c < self->n_ch; c++)
        {
          const double *gc = self->gain + (gsize) c * n;
          double sum = 0;
          /* s_c = sum_i G_ci S_i: only active nodes contribute */
          for (int s = s0; s < s1; s++)
            {
              double v = 0;
              for (guint a = 0; a < self->n_active; a++)
                {
                  guint i = self->active_list[a];
                  v += gc[i] * self->S[(gsize) i * fs + s];
                }
              sum += v * v;
            }
          self->hop_sum[(gsize) c * 4 + slot] = sum;
        }
      self->hop_count[slot] = s1 - s0;
      detect_hop (self, (double) rec + (double) s1 / fs);
    }

  self->rec_done++;
  if (self->rec_done == self->n_records)
    {
      /* close what is still open */
      for (guint k = self->cur_sz; k < self->n_sz; k++)
        if (self->sz_state[k].phase != PHASE_DONE)
          finish_seizure (self, k);
      self->cur_sz = self->n_sz;
    }
  return TRUE;
}

/* ---- accessors ---- */

const IctoSimParams *
icto_sim_get_params (IctoSim *self)
{
  return &self->params;
}

guint
icto_sim_get_n_nodes (IctoSim *self)
{
  return self->n_nodes;
}

const IctoSimNode *
icto_sim_get_node (IctoSim *self,
                   guint    index)
{
  g_return_val_if_fail (index < self->n_nodes, NULL);
  return &self->nodes[index];
}

guint
icto_sim_get_n_channels (IctoSim *self)
{
  return self->n_ch;
}

const IctoSimChannel *
icto_sim_get_channel (IctoSim *self,
                      guint    index)
{
  g_return_val_if_fail (index < self->n_ch, NULL);
  return &self->ch[index];
}

double
icto_sim_get_gain (IctoSim *self,
                   guint    channel,
                   guint    node)
{
  g_return_val_if_fail (channel < self->n_ch && node < self->n_nodes, 0);
  return self->gain[(gsize) channel * self->n_nodes + node];
}

gint64
icto_sim_get_n_records (IctoSim *self)
{
  return self->n_records;
}

gint64
icto_sim_get_records_done (IctoSim *self)
{
  return self->rec_done;
}

guint
icto_sim_get_node_spike_count (IctoSim *self,
                               guint    node)
{
  g_return_val_if_fail (node < self->n_nodes, 0);
  return self->spike_count[node];
}

guint
icto_sim_get_n_seizures (IctoSim *self)
{
  return self->n_sz;
}

const IctoSimSeizure *
icto_sim_get_seizure (IctoSim *self,
                      guint    index)
{
  g_return_val_if_fail (index < self->n_sz, NULL);
  return &self->sz[index];
}

guint
icto_sim_get_n_artefacts (IctoSim *self)
{
  return self->movements->len;
}

const IctoSimArtefact *
icto_sim_get_artefact (IctoSim *self,
                       guint    index)
{
  g_return_val_if_fail (index < self->movements->len, NULL);
  return &g_array_index (self->movements, Movement, index).pub;
}

char *
icto_sim_dup_soz_labels (IctoSim *self)
{
  GString *s = g_string_new (NULL);

  for (guint c = 0; c < self->n_ch; c++)
    if (self->ch[c].soz)
      {
        if (s->len > 0)
          g_string_append_c (s, ',');
        g_string_append (s, self->ch[c].label);
      }
  return g_string_free (s, FALSE);
}
