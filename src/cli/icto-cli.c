/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "icto-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>

#include "icto-cli.h"

typedef struct {
  const char *name;
  IctoCliCommandFunc func;
  const char *summary;
} IctoCliCommand;

static const IctoCliCommand commands[] = {
  { "info",     icto_cli_info,     N_("Print the header, signals, annotations and gaps of a recording") },
  { "render",   icto_cli_render,   N_("Draw a page of a recording to PNG, PDF or SVG") },
  { "forward",  icto_cli_forward,  N_("Run one MVPFormer window from a safetensors input") },
  { "infer",    icto_cli_infer,    N_("Seizure probability and agreement per window of a recording") },
  { "annot",    icto_cli_annot,    N_("Add, list, edit, import and export annotations") },
  { "simulate", icto_cli_simulate, N_("Write a simulated iEEG recording with seizures") },
  { "train-head", icto_cli_train_head, N_("Train a seizure detector head from a rater’s annotations") },
  { "score",    icto_cli_score,    N_("Score the model’s seizure detections against a rater in SzCORE terms") },
  { "predict",  icto_cli_predict,  N_("The model’s predicted continuation of the next 5 s (a prediction, not data)") },
  { "layout",   icto_cli_layout,   N_("The electrode layout of a recording: position, shape and group of each channel") },
  { "attention", icto_cli_attention, N_("The model’s attention between channels at a time (matrix, received, contributions)") },
};

int
icto_cli_fail (int         status,
               const char *format,
               ...)
{
  va_list args;
  g_autofree char *msg = NULL;

  va_start (args, format);
  msg = g_strdup_vprintf (format, args);
  va_end (args);
  fprintf (stderr, "ictoscope-cli: %s\n", msg);
  return status;
}

int
icto_cli_fail_error (const GError *error)
{
  return icto_cli_fail (1, "%s", error ? error->message : _("unknown error"));
}

static void
print_usage (FILE *out)
{
  fprintf (out, "%s\n\n", _("Usage: ictoscope-cli COMMAND [OPTION…]"));
  fprintf (out, "%s\n", _("Commands:"));
  for (gsize i = 0; i < G_N_ELEMENTS (commands); i++)
    fprintf (out, "  %-10s %s\n", commands[i].name, _(commands[i].summary));
  fprintf (out, "\n%s\n", _("Run “ictoscope-cli COMMAND --help” for the options of a command."));
}

int
main (int    argc,
      char **argv)
{
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  if (argc < 2)
    {
      print_usage (stderr);
      return 2;
    }

  if (strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0 || strcmp (argv[1], "help") == 0)
    {
      print_usage (stdout);
      return 0;
    }

  if (strcmp (argv[1], "--version") == 0)
    {
      printf ("ictoscope-cli %s\n", PACKAGE_VERSION);
      return 0;
    }

  for (gsize i = 0; i < G_N_ELEMENTS (commands); i++)
    if (strcmp (argv[1], commands[i].name) == 0)
      return commands[i].func (argc - 1, argv + 1);

  return icto_cli_fail (2, _("unknown command “%s” (try --help)"), argv[1]);
}
