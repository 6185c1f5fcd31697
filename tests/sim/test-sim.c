/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "icto-test"

#include "config.h"

#include <math.h>
#include <string.h>

#include "sim/icto-sim.h"
#include "sim-run.h"

static void
test_sim_determinism (void)
{
  IctoSimParams p;
  g_autoptr(Run) a = NULL;
  g_autoptr(Run) b = NULL;
  g_autoptr(Run) c = NULL;
  gsize n;

  icto_sim_params_init (&p);
  p.duration = 12;
  p.n_seizures = 0;
  p.seed = 5;
  a = run_sim (&p, 12);
  b = run_sim (&p, 12);
  p.seed = 6;
  c = run_sim (&p, 12);
  n = (gsize) 12 * a->n_ch * p.sample_rate;
  g_assert_cmpint (memcmp (a->kept, b->kept, n * sizeof (float)), ==, 0);
  g_assert_cmpint (memcmp (a->kept, c->kept, n * sizeof (float)), !=, 0);
  /* a different seed changes the background on every good channel */
  for (guint ch = 0; ch < a->n_ch; ch++)
    {
      gsize off = (gsize) ch * p.sample_rate;
      g_assert_cmpint (memcmp (a->kept + off, c->kept + off, sizeof (float) * p.sample_rate), !=, 0);
    }
}

static void
test_sim_layout (void)
{
  static const struct {
    const char *spec;
    int n_groups, n_contacts;
  } good[] = {
    { NULL, 4, 48 },
    { "default", 4, 48 },
    { "LA:12,RH:8,G:8x8", 3, 84 },
    { "seeg", 8, 96 },
    { "ecog", 3, 76 },
    { " LA:4 , SA:1x6 ", 2, 10 },
  };
  static const char *bad[] = {
    "LA", "LA:3", "LA:19", "LA:12,LA:8", "L1:8", "G:9x9", "G:0x8", "LA:x", ",", "TOOLONGNAME:8",
    "A:18,B:18,C:18,D:18,E:18,F:18,G:18,H:18,I:18,J:18,K:18,L:18,M:18,N:18,O:18",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GArray) groups = icto_sim_parse_layout (good[i].spec, &error);
      int total = 0;
      g_assert_no_error (error);
      g_assert_cmpint (groups->len, ==, good[i].n_groups);
      for (guint g = 0; g < groups->len; g++)
        {
          IctoSimGroup *grp = &g_array_index (groups, IctoSimGroup, g);
          total += grp->rows * grp->cols;
        }
      g_assert_cmpint (total, ==, good[i].n_contacts);
    }
  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GArray) groups = icto_sim_parse_layout (bad[i], &error);
      g_assert_null (groups);
      g_assert_error (error, ICTO_SIM_ERROR, ICTO_SIM_ERROR_LAYOUT);
    }
}

static void
test_sim_channels_geometry (void)
{
  IctoSimParams p;
  g_autoptr(GError) error = NULL;
  g_autoptr(IctoSim) sim = NULL;
  guint la = 0, g = 0;

  icto_sim_params_init (&p);
  p.duration = 10;
  p.n_seizures = 0;
  p.layout = "LA:12,RH:8,G:8x8";
  sim = icto_sim_new (&p, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (icto_sim_get_n_channels (sim), ==, 84);
  g_assert_cmpstr (icto_sim_get_channel (sim, 0)->label, ==, "LA1");
  g_assert_cmpstr (icto_sim_get_channel (sim, 11)->label, ==, "LA12");
  g_assert_cmpstr (icto_sim_get_channel (sim, 12)->label, ==, "RH1");
  g_assert_cmpstr (icto_sim_get_channel (sim, 20)->label, ==, "G1");
  g_assert_cmpstr (icto_sim_get_channel (sim, 83)->label, ==, "G64");
  for (guint c = 0; c < icto_sim_get_n_channels (sim); c++)
    {
      const IctoSimChannel *ch = icto_sim_get_channel (sim, c);
      if (ch->kind == ICTO_SIM_GROUP_DEPTH && g_str_equal (ch->group, "LA"))
        la++;
      if (ch->kind == ICTO_SIM_GROUP_GRID)
        g++;
      for (guint i = 0; i < icto_sim_get_n_nodes (sim); i++)
        {
          double gain = icto_sim_get_gain (sim, c, i);
          g_assert_cmpfloat (gain, >, 0);
          g_assert_cmpfloat (gain, <=, 1);
        }
    }
  g_assert_cmpuint (la, ==, 12);
  g_assert_cmpuint (g, ==, 64);
  /* depth contacts 3.5 mm apart; grid neighbours 10 mm apart (in the
   * middle of the grid; the projection onto the curved surface stretches
   * the edges) */
  for (guint c = 0; c + 1 < 12; c++)
    {
      const double *a = icto_sim_get_channel (sim, c)->pos, *b = icto_sim_get_channel (sim, c + 1)->pos;
      double d = sqrt ((a[0] - b[0]) * (a[0] - b[0]) + (a[1] - b[1]) * (a[1] - b[1]) + (a[2] - b[2]) * (a[2] - b[2]));
      g_assert_cmpfloat_with_epsilon (d, 3.5, 1e-6);
    }
  {
    /* G28 and G29, in the middle of the grid */
    const double *a = icto_sim_get_channel (sim, 20 + 27)->pos, *b = icto_sim_get_channel (sim, 20 + 28)->pos;
    double d = sqrt ((a[0] - b[0]) * (a[0] - b[0]) + (a[1] - b[1]) * (a[1] - b[1]) + (a[2] - b[2]) * (a[2] - b[2]));
    g_assert_cmpfloat (d, >, 9);
    g_assert_cmpfloat (d, <, 11.5);
  }
}

static void
test_sim_validation (void)
{
  static const int ez_bad1[] = { 40 };
  static const int ez_bad2[] = { 3, 3 };
  static const int ez_ok[] = { 3, 4 };
  struct {
    double duration;
    int rate, seizures, nodes;
    const int *ez;
    int n_ez;
    double line;
    const char *layout;
    int code;             /* -1: valid */
  } cases[] = {
    { 300, 512, 2, 0, NULL, 0, 50, NULL, -1 },
    { 5, 512, 0, 0, NULL, 0, 50, NULL, ICTO_SIM_ERROR_INVALID },
    { 90000, 512, 0, 0, NULL, 0, 50, NULL, ICTO_SIM_ERROR_INVALID },
    { 300, 100, 0, 0, NULL, 0, 50, NULL, ICTO_SIM_ERROR_INVALID },
    { 300, 4096, 0, 0, NULL, 0, 50, NULL, ICTO_SIM_ERROR_INVALID },
    { 300, 512, -1, 0, NULL, 0, 50, NULL, ICTO_SIM_ERROR_INVALID },
    { 200, 512, 2, 0, NULL, 0, 50, NULL, ICTO_SIM_ERROR_INVALID },
    { 300, 512, 1, 5, NULL, 0, 50, NULL, ICTO_SIM_ERROR_INVALID },
    { 300, 512, 1, 0, ez_bad1, 1, 50, NULL, ICTO_SIM_ERROR_INVALID },
    { 300, 512, 1, 0, ez_bad2, 2, 50, NULL, ICTO_SIM_ERROR_INVALID },
    { 300, 512, 1, 0, ez_ok, 2, 50, NULL, -1 },
    { 300, 512, 1, 0, NULL, 0, 55, NULL, ICTO_SIM_ERROR_INVALID },
    { 300, 512, 1, 0, NULL, 0, 60, NULL, -1 },
    { 300, 512, 1, 0, NULL, 0, 50, "X:2", ICTO_SIM_ERROR_LAYOUT },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      IctoSimParams p;
      g_autoptr(GError) error = NULL;
      g_autoptr(IctoSim) sim = NULL;

      icto_sim_params_init (&p);
      p.duration = cases[i].duration;
      p.sample_rate = cases[i].rate;
      p.n_seizures = cases[i].seizures;
      p.n_nodes = cases[i].nodes;
      p.ez_nodes = cases[i].ez;
      p.n_ez_nodes = cases[i].n_ez;
      p.line_frequency = cases[i].line;
      p.layout = cases[i].layout;
      sim = icto_sim_new (&p, &error);
      if (cases[i].code < 0)
        {
          g_assert_no_error (error);
          g_assert_nonnull (sim);
        }
      else
        {
          g_assert_null (sim);
          g_assert_error (error, ICTO_SIM_ERROR, cases[i].code);
        }
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/sim/determinism", test_sim_determinism);
  g_test_add_func ("/sim/layout", test_sim_layout);
  g_test_add_func ("/sim/channels-geometry", test_sim_channels_geometry);
  g_test_add_func ("/sim/validation", test_sim_validation);
  return g_test_run ();
}
