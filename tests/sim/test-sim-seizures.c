/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "icto-test"

#include "config.h"

#include <math.h>
#include <string.h>

#include "sim/icto-sim.h"
#include "sim-run.h"

/* Seizure dynamics and ground truth on the demo recording's parameters
 * (suite "slow": a 300-s simulation). */

/* The shared 300-s, 2-seizure, 512-Hz run (the demo recording's parameters). */
static Run *demo_run;

static Run *
get_demo_run (void)
{
  if (demo_run == NULL)
    {
      IctoSimParams p;
      icto_sim_params_init (&p);
      p.duration = 300;
      p.n_seizures = 2;
      p.seed = 1;
      demo_run = run_sim (&p, 0);
    }
  return demo_run;
}

static void
test_sim_spread (void)
{
  Run *r = get_demo_run ();
  IctoSim *sim = r->sim;
  guint n_nodes = icto_sim_get_n_nodes (sim);

  g_assert_cmpuint (icto_sim_get_n_seizures (sim), ==, 2);
  for (guint k = 0; k < 2; k++)
    {
      const IctoSimSeizure *sz = icto_sim_get_seizure (sim, k);
      double last_ez = -1, first_pz = 1e9;
      int n_pz = 0, n_ez = 0, n_healthy = 0;

      g_test_message ("seizure %u: trigger %.1f EEC %.2f UEO %.2f offset %.2f", k,
                      sz->trigger, sz->eec, sz->ueo, sz->offset);
      for (guint i = 0; i < n_nodes; i++)
        {
          const IctoSimNode *node = icto_sim_get_node (sim, i);
          double on = sz->node_onset[i];
          if (on < 0)
            continue;
          switch (node->klass)
            {
            case ICTO_SIM_NODE_EZ: n_ez++; last_ez = MAX (last_ez, on); break;
            case ICTO_SIM_NODE_PZ: n_pz++; first_pz = MIN (first_pz, on); break;
            case ICTO_SIM_NODE_HEALTHY: default: n_healthy++; break;
            }
        }
      g_test_message ("  EZ %d (last %.2f) PZ %d (first %.2f) healthy %d", n_ez, last_ez, n_pz, first_pz, n_healthy);
      /* the seizure starts in the EZ and recruits the PZ later */
      g_assert_cmpint (n_ez, ==, 2);
      g_assert_cmpint (n_pz, >=, 3);
      g_assert_cmpint (n_healthy, ==, 0);
      g_assert_cmpfloat (first_pz, >, last_ez);
      g_assert_cmpfloat (first_pz - last_ez, >=, 1.0);
      g_assert_cmpfloat (first_pz - last_ez, <=, 25.0);
      /* EEC: 0-2 s after the x0 ramp ends for LVFA; EEC <= UEO <= EEC + 10 s
       * (periodic spikes: EEC is the first spike of the pre-ictal ramp) */
      if (sz->pattern == ICTO_SIM_PATTERN_LVFA)
        {
          g_assert_cmpfloat (sz->eec, >=, sz->trigger + 2.0);
          g_assert_cmpfloat (sz->eec, <=, sz->trigger + 12.0);
          g_assert_cmpfloat (sz->ueo, <=, sz->eec + 10.0);
        }
      else
        {
          g_assert_cmpint (sz->pattern, ==, ICTO_SIM_PATTERN_SPIKES);
          g_assert_cmpfloat (sz->eec, >=, sz->trigger - 31.0);
          g_assert_cmpfloat (sz->eec, <, sz->trigger);
        }
      g_assert_cmpfloat (sz->ueo, >=, sz->eec);
      g_assert_cmpfloat (sz->offset, >, sz->ueo + 15.0);
      g_assert_cmpfloat (sz->offset, <, sz->ueo + 45.0);
    }
}

static int
compare_double (gconstpointer a,
                gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y ? 1 : 0;
}

/* Median of the line length of channel c over the records outside all
 * seizures (60 s before the trigger to 40 s after the offset). */
static double
baseline_ll (Run  *r,
             guint c)
{
  g_autoptr(GArray) v = g_array_new (FALSE, FALSE, sizeof (double));
  IctoSim *sim = r->sim;

  for (gint64 t = 0; t < r->n_rec; t++)
    {
      gboolean inside = FALSE;
      for (guint k = 0; k < icto_sim_get_n_seizures (sim); k++)
        {
          const IctoSimSeizure *sz = icto_sim_get_seizure (sim, k);
          if (t + 1 > sz->trigger - 60 && t < sz->offset + 40)
            inside = TRUE;
        }
      if (!inside)
        g_array_append_val (v, r->ll[t * r->n_ch + c]);
    }
  g_assert_cmpuint (v->len, >, 10);
  g_array_sort (v, compare_double);
  return g_array_index (v, double, v->len / 2);
}

/* On the SOZ contacts where the ground truth puts a contact onset, the
 * line length rises between EEC - 2 s and UEO + 5 s and stays high until
 * the offset. */
static void
test_sim_ground_truth_matches_signal (void)
{
  Run *r = get_demo_run ();
  IctoSim *sim = r->sim;

  for (guint k = 0; k < icto_sim_get_n_seizures (sim); k++)
    {
      const IctoSimSeizure *sz = icto_sim_get_seizure (sim, k);
      int n_checked = 0;

      for (guint c = 0; c < r->n_ch; c++)
        {
          const IctoSimChannel *ch = icto_sim_get_channel (sim, c);
          double base, rise = -1, sum_in = 0;
          int n_in = 0;

          if (!ch->soz || ch->status != ICTO_SIM_STATUS_GOOD || sz->channel_onset[c] < 0)
            continue;
          n_checked++;
          base = baseline_ll (r, c);
          /* first 3 consecutive seconds at > 2.5x the baseline line length */
          for (gint64 t = (gint64) MAX (0, sz->trigger - 60); t + 2 < r->n_rec && t < sz->offset; t++)
            if (r->ll[t * r->n_ch + c] > 2.5 * base && r->ll[(t + 1) * r->n_ch + c] > 2.5 * base
                && r->ll[(t + 2) * r->n_ch + c] > 2.5 * base)
              {
                rise = (double) t;
                break;
              }
          for (gint64 t = (gint64) ceil (sz->ueo); t + 1 <= sz->offset; t++)
            {
              sum_in += r->ll[t * r->n_ch + c];
              n_in++;
            }
          g_test_message ("%s seizure %u: baseline LL %.0f, ictal mean %.0f, rise at %.0f (EEC %.1f UEO %.1f)",
                          ch->label, k, base, sum_in / MAX (n_in, 1), rise, sz->eec, sz->ueo);
          g_assert_cmpint (n_in, >, 10);
          g_assert_cmpfloat (sum_in / n_in, >, 2.0 * base);
          g_assert_cmpfloat (rise, >=, sz->eec - 2.0);
          g_assert_cmpfloat (rise, <=, sz->ueo + 5.0);
        }
      g_assert_cmpint (n_checked, >=, 2);
    }
}

static void
test_sim_soz_contacts (void)
{
  Run *r = get_demo_run ();
  IctoSim *sim = r->sim;
  g_autofree char *labels = icto_sim_dup_soz_labels (sim);
  g_auto(GStrv) soz = g_strsplit (labels, ",", -1);

  g_test_message ("SOZ: %s", labels);
  g_assert_cmpuint (g_strv_length (soz), >=, 2);
  /* the shafts aimed at the EZ (LA, LH: the EZ is left mesial-temporal)
   * hold SOZ contacts; the right shaft does not */
  g_assert_true (g_strv_contains ((const char *const *) soz, "LA1")
                 || g_strv_contains ((const char *const *) soz, "LH1"));
  for (guint c = 0; c < r->n_ch; c++)
    {
      const IctoSimChannel *ch = icto_sim_get_channel (sim, c);
      if (g_str_has_prefix (ch->label, "RH"))
        g_assert_false (ch->soz);
      g_assert_cmpfloat (ch->soz_fraction, >=, 0);
      g_assert_cmpfloat (ch->soz_fraction, <=, 1);
      if (ch->soz)
        g_assert_cmpfloat (ch->soz_fraction, >=, 0.5);
    }
  /* the first contact to show the seizure is a SOZ contact */
  for (guint k = 0; k < icto_sim_get_n_seizures (sim); k++)
    {
      const IctoSimSeizure *sz = icto_sim_get_seizure (sim, k);
      guint first = G_MAXUINT;
      for (guint c = 0; c < r->n_ch; c++)
        if (sz->channel_onset[c] >= 0 && (first == G_MAXUINT || sz->channel_onset[c] < sz->channel_onset[first]))
          first = c;
      g_assert_cmpuint (first, !=, G_MAXUINT);
      g_assert_true (icto_sim_get_channel (sim, first)->soz);
      g_assert_cmpfloat_with_epsilon (sz->channel_onset[first], sz->ueo, 1e-9);
    }
}

static void
test_sim_amplitudes (void)
{
  Run *r = get_demo_run ();
  IctoSim *sim = r->sim;
  int n_good = 0, n_flat = 0, n_noisy = 0;

  /* interictal line length of good channels is in a sane range, flat
   * channels are flat, noisy channels are noisy */
  for (guint c = 0; c < r->n_ch; c++)
    {
      const IctoSimChannel *ch = icto_sim_get_channel (sim, c);
      double base = baseline_ll (r, c);
      switch (ch->status)
        {
        case ICTO_SIM_STATUS_FLAT:
          n_flat++;
          g_assert_cmpfloat (base, <, 512 * 1.0);
          break;
        case ICTO_SIM_STATUS_NOISY:
          n_noisy++;
          g_assert_cmpfloat (base, >, 512 * 100.0);
          break;
        case ICTO_SIM_STATUS_GOOD:
        default:
          n_good++;
          g_assert_cmpfloat (ch->sigma, >, 10);
          g_assert_cmpfloat (ch->sigma, <, 400);
          g_assert_cmpfloat (base, >, 512 * 1.0);
          g_assert_cmpfloat (base, <, 512 * 60.0);
          break;
        }
    }
  g_assert_cmpint (n_flat, ==, 1);
  g_assert_cmpint (n_noisy, ==, 1);
  g_assert_cmpint (n_good, ==, (int) r->n_ch - 2);
}

static void
test_sim_custom_ez (void)
{
  /* chosen EZ nodes are the EZ; a 1-seizure, 256-Hz, native-onset run
   * starts in them */
  static const int ez[] = { 3 };
  IctoSimParams p;
  g_autoptr(Run) r = NULL;
  const IctoSimSeizure *sz;

  icto_sim_params_init (&p);
  p.duration = 190;
  p.n_seizures = 1;
  p.sample_rate = 256;
  p.pattern = ICTO_SIM_PATTERN_NATIVE;
  p.ez_nodes = ez;
  p.n_ez_nodes = 1;
  p.seed = 3;
  p.artefacts = FALSE;
  r = run_sim (&p, 0);
  g_assert_cmpint (icto_sim_get_node (r->sim, 3)->klass, ==, ICTO_SIM_NODE_EZ);
  for (guint i = 0; i < icto_sim_get_n_nodes (r->sim); i++)
    if (i != 3)
      g_assert_cmpint (icto_sim_get_node (r->sim, i)->klass, !=, ICTO_SIM_NODE_EZ);
  g_assert_cmpuint (icto_sim_get_n_seizures (r->sim), ==, 1);
  g_assert_cmpuint (icto_sim_get_n_artefacts (r->sim), ==, 0);
  sz = icto_sim_get_seizure (r->sim, 0);
  g_assert_cmpfloat (sz->node_onset[3], >=, 0);
  g_assert_cmpfloat_with_epsilon (sz->eec, sz->node_onset[3], 1e-9);
  for (guint i = 0; i < icto_sim_get_n_nodes (r->sim); i++)
    if (sz->node_onset[i] >= 0)
      g_assert_cmpfloat (sz->node_onset[i], >=, sz->node_onset[3]);
  for (guint c = 0; c < r->n_ch; c++)
    g_assert_cmpint (icto_sim_get_channel (r->sim, c)->status, ==, ICTO_SIM_STATUS_GOOD);
}

/* Interictal spikes (population 2, noise-driven): a few per minute on the
 * EZ and PZ nodes, almost none on healthy nodes (seizure-simulator.md §3,
 * check 6). */
static void
test_sim_interictal_spikes (void)
{
  Run *r = get_demo_run ();
  IctoSim *sim = r->sim;
  double minutes = r->n_rec / 60.0;
  double sum[3] = { 0 };
  int count[3] = { 0 };

  for (guint i = 0; i < icto_sim_get_n_nodes (sim); i++)
    {
      int k = icto_sim_get_node (sim, i)->klass;
      sum[k] += icto_sim_get_node_spike_count (sim, i) / minutes;
      count[k]++;
    }
  for (int k = 0; k < 3; k++)
    {
      g_assert_cmpint (count[k], >, 0);
      sum[k] /= count[k];
    }
  g_test_message ("spikes per minute: healthy %.2f, PZ %.2f, EZ %.2f", sum[0], sum[1], sum[2]);
  g_assert_cmpfloat (sum[ICTO_SIM_NODE_HEALTHY], <, 1.0);
  g_assert_cmpfloat (sum[ICTO_SIM_NODE_PZ], >, 1.5);
  g_assert_cmpfloat (sum[ICTO_SIM_NODE_PZ], <, 15.0);
  g_assert_cmpfloat (sum[ICTO_SIM_NODE_EZ], >, 1.5);
  g_assert_cmpfloat (sum[ICTO_SIM_NODE_EZ], <, 30.0);
}

static void
free_demo_run (void)
{
  g_clear_pointer (&demo_run, run_free);
}

int
main (int argc, char **argv)
{
  int ret;

  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/sim/seizures/spread", test_sim_spread);
  g_test_add_func ("/sim/seizures/ground-truth-matches-signal", test_sim_ground_truth_matches_signal);
  g_test_add_func ("/sim/seizures/soz-contacts", test_sim_soz_contacts);
  g_test_add_func ("/sim/seizures/amplitudes", test_sim_amplitudes);
  g_test_add_func ("/sim/seizures/interictal-spikes", test_sim_interictal_spikes);
  g_test_add_func ("/sim/seizures/custom-ez", test_sim_custom_ez);
  ret = g_test_run ();
  free_demo_run ();
  return ret;
}
