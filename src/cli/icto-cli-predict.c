/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "icto-cli"

#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <math.h>
#include <stdio.h>

#include "icto-cli.h"
#include "core/icto-inference.h"
#include "core/icto-prediction.h"
#include "signal/icto-recording.h"

/*
 * ictoscope-cli predict RECORDING [--model M] [--channels A,B,...] --at SECONDS
 *                       [--retrieve] --out next.tsv
 *
 * The model's predicted continuation of the 5 s after SECONDS (rounded down
 * to a segment boundary), decoded into a waveform per channel
 * (core/icto-prediction.h, model/icto-continuation.h: minimum-norm
 * least-squares inverse of the encoder's projection, least-squares inverse
 * wavelet transform, scaled to the RMS of the preceding real 5 s).
 *
 * next.tsv: one row per sample at 512 Hz (2560 rows); columns time_s
 * (seconds from the first sample), then predicted.<label> per channel (µV:
 * a model prediction, not recorded data, hence the column names), then
 * agreement.<label> per channel: the cosine between the prediction and the
 * encoding of the real segment (the same value on every row; nan when the
 * recording ends before the segment does).
 *
 * With --retrieve (core/icto-prediction.h, ICTO_PREDICTION_RETRIEVE), per
 * channel the real segment of the same channel in the hour before the start
 * whose encoding is closest (cosine) to the prediction: after the agreement
 * columns, retrieved.<label> (its samples resampled to 512 Hz, µV as
 * recorded), source_s.<label> (its start, seconds from the first sample) and
 * cosine.<label> (the same value on every row; nan when no candidate).
 */

static void
print_value (FILE  *f,
             float  v)
{
  if (isnan (v))
    fputs ("nan", f);
  else
    fprintf (f, "%.6g", v);
}

int
icto_cli_predict (int    argc,
                  char **argv)
{
  g_autofree char *model_path = NULL, *out_path = NULL, *channels = NULL;
  double at = NAN;
  gboolean retrieve = FALSE;
  GOptionEntry entries[] = {
    { "model", 'm', 0, G_OPTION_ARG_FILENAME, &model_path, N_("Model file (safetensors; default: the bundled model)"), N_("FILE") },
    { "at", 0, 0, G_OPTION_ARG_DOUBLE, &at, N_("Where the continuation starts (s from the first sample, rounded down to 5 s)"), N_("SECONDS") },
    { "channels", 0, 0, G_OPTION_ARG_STRING, &channels, N_("Comma-separated channel labels (default: all)"), N_("LIST") },
    { "retrieve", 0, 0, G_OPTION_ARG_NONE, &retrieve, N_("Also give the closest real segment of the hour before (retrieval mode)"), NULL },
    { "out", 'o', 0, G_OPTION_ARG_FILENAME, &out_path, N_("Output file (.tsv)"), N_("FILE") },
    { NULL }
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new (_("RECORDING"));
  g_autoptr(GError) error = NULL;
  g_autoptr(IctoRecording) rec = NULL;
  g_autoptr(IctoModel) model = NULL;
  g_autoptr(IctoContinuation) cont = NULL;
  g_autoptr(GArray) idx = g_array_new (FALSE, FALSE, sizeof (guint));
  FILE *f;

  g_option_context_set_summary (ctx, _("The model's predicted continuation of the next 5 s of each channel (a model prediction, not data)."));
  g_option_context_add_main_entries (ctx, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    return icto_cli_fail (2, "%s", error->message);
  if (argc != 2 || out_path == NULL || isnan (at))
    return icto_cli_fail (2, _("predict needs one recording, --at and --out (see --help)"));
  if (!g_str_has_suffix (out_path, ".tsv"))
    return icto_cli_fail (2, _("--out must end in .tsv"));
  if (model_path == NULL)
    {
      model_path = icto_inference_default_model_path ();
      if (model_path == NULL)
        return icto_cli_fail (1, _("no model given and the bundled model %s was found neither in %s "
                                   "nor in the source tree; pass --model or set ICTO_MODEL_PATH"),
                              BUNDLED_MODEL_NAME, PKGDATADIR "/models");
    }

  rec = icto_recording_open (argv[1], &error);
  if (rec == NULL)
    return icto_cli_fail_error (error);
  model = icto_model_load (model_path, NULL, NULL, &error);
  if (model == NULL)
    return icto_cli_fail_error (error);
  if (channels != NULL)
    {
      g_auto(GStrv) labels = g_strsplit (channels, ",", -1);

      for (int i = 0; labels[i]; i++)
        {
          int s = icto_recording_find_signal (rec, g_strstrip (labels[i]));

          if (s < 0)
            return icto_cli_fail (1, _("no channel “%s” in %s"), labels[i], argv[1]);
          g_array_append_val (idx, s);
        }
    }
  else
    for (guint i = 0; i < icto_recording_get_n_signals (rec); i++)
      g_array_append_val (idx, i);

  cont = icto_prediction_compute_full (rec, model, (const guint *) (gpointer) idx->data, idx->len, at,
                                       retrieve ? ICTO_PREDICTION_RETRIEVE : ICTO_PREDICTION_DECODED, NULL, &error);
  if (cont == NULL)
    return icto_cli_fail_error (error);

  f = g_fopen (out_path, "w");
  if (f == NULL)
    {
      int e = errno;
      return icto_cli_fail (1, _("cannot write %s: %s"), out_path, g_strerror (e));
    }
  fputs ("time_s", f);
  for (guint c = 0; c < cont->n_channels; c++)
    fprintf (f, "\tpredicted.%s", icto_recording_get_signal (rec, g_array_index (idx, guint, c))->label);
  for (guint c = 0; c < cont->n_channels; c++)
    fprintf (f, "\tagreement.%s", icto_recording_get_signal (rec, g_array_index (idx, guint, c))->label);
  if (retrieve)
    {
      for (guint c = 0; c < cont->n_channels; c++)
        fprintf (f, "\tretrieved.%s", icto_recording_get_signal (rec, g_array_index (idx, guint, c))->label);
      for (guint c = 0; c < cont->n_channels; c++)
        fprintf (f, "\tsource_s.%s", icto_recording_get_signal (rec, g_array_index (idx, guint, c))->label);
      for (guint c = 0; c < cont->n_channels; c++)
        fprintf (f, "\tcosine.%s", icto_recording_get_signal (rec, g_array_index (idx, guint, c))->label);
    }
  fputc ('\n', f);
  for (guint i = 0; i < cont->n_samples; i++)
    {
      fprintf (f, "%.6f", cont->start_s + i / cont->rate_hz);
      for (guint c = 0; c < cont->n_channels; c++)
        {
          fputc ('\t', f);
          print_value (f, cont->samples[(gsize) c * cont->n_samples + i]);
        }
      for (guint c = 0; c < cont->n_channels; c++)
        {
          fputc ('\t', f);
          print_value (f, cont->agreement[c]);
        }
      if (retrieve)
        {
          for (guint c = 0; c < cont->n_channels; c++)
            {
              fputc ('\t', f);
              print_value (f, cont->source_samples[(gsize) c * cont->n_samples + i]);
            }
          for (guint c = 0; c < cont->n_channels; c++)
            {
              if (isnan (cont->source_s[c]))
                fputs ("\tnan", f);
              else
                fprintf (f, "\t%.3f", cont->source_s[c]);
            }
          for (guint c = 0; c < cont->n_channels; c++)
            {
              fputc ('\t', f);
              print_value (f, cont->source_cosine[c]);
            }
        }
      fputc ('\n', f);
    }
  if (fclose (f) != 0)
    return icto_cli_fail (1, _("cannot write %s"), out_path);
  return 0;
}
