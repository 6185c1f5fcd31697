/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "icto-cli"

#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "sim/icto-sim.h"
#include "icto-cli.h"

/*
 * ictoscope-cli simulate --duration SECONDS --seizures N --seed K
 *     [--rate HZ] [--layout SPEC] [--pattern mixed|lvfa|spikes|native]
 *     [--ez I,J] [--nodes N] [--line 50|60|0] [--no-artefacts] --out FILE.edf
 */

typedef struct {
  gboolean tty;
  int      last_percent;
} Progress;

static gboolean
progress_cb (double   fraction,
             gpointer user_data)
{
  Progress *p = user_data;
  int percent = (int) (fraction * 100.0);

  if (p->tty && percent != p->last_percent)
    {
      fprintf (stderr, "\r%s %3d%%", _("Simulating…"), percent);
      fflush (stderr);
      p->last_percent = percent;
    }
  return TRUE;
}

static gboolean
parse_int (const char *s,
           gint64      lo,
           gint64      hi,
           gint64     *out)
{
  char *end = NULL;
  gint64 v;

  if (s == NULL || *s == '\0')
    return FALSE;
  errno = 0;
  v = g_ascii_strtoll (s, &end, 10);
  if (errno != 0 || end == s || *end != '\0' || v < lo || v > hi)
    return FALSE;
  *out = v;
  return TRUE;
}

static gboolean
parse_double (const char *s,
              double     *out)
{
  char *end = NULL;
  double v;

  if (s == NULL || *s == '\0')
    return FALSE;
  errno = 0;
  v = g_ascii_strtod (s, &end);
  if (errno != 0 || end == s || *end != '\0')
    return FALSE;
  *out = v;
  return TRUE;
}

int
icto_cli_simulate (int argc, char **argv)
{
  g_autofree char *duration = NULL, *seizures = NULL, *seed = NULL, *rate = NULL;
  g_autofree char *layout = NULL, *pattern = NULL, *ez = NULL, *nodes = NULL;
  g_autofree char *line = NULL, *out = NULL;
  gboolean no_artefacts = FALSE, quiet = FALSE;
  GOptionEntry entries[] = {
    { "duration", 0, 0, G_OPTION_ARG_STRING, &duration, N_("Length of the recording (10 to 86400, default 600)"), N_("SECONDS") },
    { "seizures", 0, 0, G_OPTION_ARG_STRING, &seizures, N_("Number of seizures (default 2)"), "N" },
    { "seed", 0, 0, G_OPTION_ARG_STRING, &seed, N_("Random seed: the same seed gives the same file (default 1)"), "K" },
    { "rate", 0, 0, G_OPTION_ARG_STRING, &rate, N_("Sample rate, 256 to 2048 (default 512)"), N_("HZ") },
    { "layout", 0, 0, G_OPTION_ARG_STRING, &layout, N_("Electrodes: NAME:N shafts and NAME:RxC grids/strips, e.g. LA:12,RH:8,G:8x8, or default, seeg, ecog"), N_("SPEC") },
    { "pattern", 0, 0, G_OPTION_ARG_STRING, &pattern, N_("Onset pattern: mixed (default), lvfa, spikes or native"), N_("PATTERN") },
    { "ez", 0, 0, G_OPTION_ARG_STRING, &ez, N_("Epileptogenic nodes, e.g. 3,7 (default: two left mesial-temporal nodes)"), N_("LIST") },
    { "nodes", 0, 0, G_OPTION_ARG_STRING, &nodes, N_("Number of network nodes, 10 to 200 (default 40)"), "N" },
    { "line", 0, 0, G_OPTION_ARG_STRING, &line, N_("Line-noise frequency: 50 (default), 60, or 0 for none"), N_("HZ") },
    { "no-artefacts", 0, 0, G_OPTION_ARG_NONE, &no_artefacts, N_("No bad channels or movement artefacts"), NULL },
    { "out", 'o', 0, G_OPTION_ARG_FILENAME, &out, N_("Output EDF+ file; sidecars are written beside it"), N_("FILE.edf") },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, N_("No progress or summary"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new (_("— write a simulated iEEG recording with seizures"));
  g_autoptr(GError) error = NULL;
  g_autofree int *ez_nodes = NULL;
  IctoSimParams params;
  Progress progress = { 0 };
  gint64 v;

  icto_sim_params_init (&params);
  g_option_context_add_main_entries (ctx, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    return icto_cli_fail (2, "%s", error->message);
  if (argc > 1)
    return icto_cli_fail (2, _("unexpected argument “%s”"), argv[1]);
  if (out == NULL)
    return icto_cli_fail (2, _("simulate: --out FILE.edf is required"));

  if (duration != NULL && !parse_double (duration, &params.duration))
    return icto_cli_fail (2, _("simulate: --duration wants a number of seconds, not “%s”"), duration);
  if (seizures != NULL)
    {
      if (!parse_int (seizures, 0, 1000, &v))
        return icto_cli_fail (2, _("simulate: --seizures wants a number from 0 to 1000, not “%s”"), seizures);
      params.n_seizures = (int) v;
    }
  if (seed != NULL)
    {
      char *end = NULL;
      errno = 0;
      params.seed = g_ascii_strtoull (seed, &end, 10);
      if (errno != 0 || end == seed || *end != '\0' || *seed == '-')
        return icto_cli_fail (2, _("simulate: --seed wants a non-negative integer, not “%s”"), seed);
    }
  if (rate != NULL)
    {
      if (!parse_int (rate, G_MININT, G_MAXINT, &v))
        return icto_cli_fail (2, _("simulate: --rate wants an integer number of Hz, not “%s”"), rate);
      params.sample_rate = (int) v;
    }
  if (pattern != NULL && !icto_sim_pattern_from_string (pattern, &params.pattern))
    return icto_cli_fail (2, _("simulate: unknown --pattern “%s” (mixed, lvfa, spikes or native)"), pattern);
  if (nodes != NULL)
    {
      if (!parse_int (nodes, 0, 100000, &v))
        return icto_cli_fail (2, _("simulate: --nodes wants an integer, not “%s”"), nodes);
      params.n_nodes = (int) v;
    }
  if (line != NULL)
    {
      if (!parse_double (line, &params.line_frequency))
        return icto_cli_fail (2, _("simulate: --line wants 50, 60 or 0, not “%s”"), line);
      if (params.line_frequency == 0)
        params.line_frequency = -1;
    }
  if (ez != NULL)
    {
      g_auto(GStrv) parts = g_strsplit (ez, ",", -1);
      guint n = g_strv_length (parts);
      ez_nodes = g_new0 (int, MAX (n, 1));
      for (guint i = 0; i < n; i++)
        {
          if (!parse_int (g_strstrip (parts[i]), 0, 100000, &v))
            return icto_cli_fail (2, _("simulate: --ez wants node numbers such as 3,7, not “%s”"), ez);
          ez_nodes[i] = (int) v;
        }
      params.ez_nodes = ez_nodes;
      params.n_ez_nodes = (int) n;
    }
  params.layout = layout;
  params.artefacts = !no_artefacts;

  if (!icto_sim_params_validate (&params, &error))
    return icto_cli_fail (2, "simulate: %s", error->message);

  progress.tty = !quiet && isatty (STDERR_FILENO);
  progress.last_percent = -1;
  if (!icto_sim_write (&params, out, progress_cb, &progress, &error))
    {
      if (progress.tty)
        fputc ('\n', stderr);
      return icto_cli_fail_error (error);
    }
  if (progress.tty)
    fprintf (stderr, "\r%s 100%%\n", _("Simulating…"));
  if (!quiet)
    printf (ngettext ("Wrote %s (%d seizure, %.0f s at %d Hz)\n", "Wrote %s (%d seizures, %.0f s at %d Hz)\n",
                      params.n_seizures),
            out, params.n_seizures, params.duration, params.sample_rate);
  return 0;
}
