/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "icto-cli"

#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <unistd.h>

#include <glib-unix.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "icto-cli.h"
#include "core/icto-inference.h"
#include "model/icto-model.h"
#include "signal/icto-recording.h"

/*
 * ictoscope-cli infer FILE [--model M] [--head H] [--lora L] [--start S] [--duration D]
 *                     [--channels A,B,...] [--threads N] --out results.tsv|results.json
 *
 * One row per window (see src/core/icto-inference.h for windows, channel
 * groups and short recordings).  TSV columns: start_s, end_s (seconds from
 * the first sample; the readouts belong to the window's last segment, which
 * ends at end_s), seizure_prob, then agreement.<label> per channel, then
 * contribution.<label> per channel (the channel's share of logit(seizure) -
 * logit(other): they sum to the logit of seizure_prob, per channel group).
 * Rows are written as windows finish.  JSON: {"file", "model", "channels":
 * [labels], "windows": [{"start_s", "end_s", "seizure_prob", "agreement": [..],
 * "contribution": [..]}]}
 * (NaN as null).  Without --model, the bundled model
 * (icto_inference_default_model_path: $ICTO_MODEL_PATH, the installed
 * models/ictoscope-demo.safetensors, or the source tree's).  Ctrl-C stops after the current layer: the rows finished
 * so far stay in the TSV, the JSON is written with them; exit status 130.
 */

typedef struct {
  GMainLoop     *loop;
  IctoRecording *rec;
  IctoModel     *model;
  IctoInferenceOptions opts;
  GCancellable  *cancellable;
  FILE          *tsv;
  JsonBuilder   *json;
  gboolean       progress_line;
  gboolean       ok;
  GError        *error;
  guint          n_windows;
} InferRun;

static void
print_value (FILE  *f,
             float  v)
{
  if (isnan (v))
    fputs ("nan", f);
  else
    fprintf (f, "%.6g", v);
}

static void
json_value (JsonBuilder *b,
            float        v)
{
  if (isnan (v))
    json_builder_add_null_value (b);
  else
    json_builder_add_double_value (b, v);
}

static gboolean
window_cb (const IctoInferenceWindow *w,
           gpointer                   user_data)
{
  InferRun *run = user_data;

  run->n_windows++;
  if (run->tsv != NULL)
    {
      fprintf (run->tsv, "%.3f\t%.3f\t", w->start_s, w->end_s);
      print_value (run->tsv, w->seizure_prob);
      for (guint c = 0; c < w->n_channels; c++)
        {
          fputc ('\t', run->tsv);
          print_value (run->tsv, w->agreement[c]);
        }
      for (guint c = 0; c < w->n_channels; c++)
        {
          fputc ('\t', run->tsv);
          print_value (run->tsv, w->contribution != NULL ? w->contribution[c] : NAN);
        }
      fputc ('\n', run->tsv);
      fflush (run->tsv);
    }
  else
    {
      JsonBuilder *b = run->json;

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "start_s");
      json_builder_add_double_value (b, w->start_s);
      json_builder_set_member_name (b, "end_s");
      json_builder_add_double_value (b, w->end_s);
      json_builder_set_member_name (b, "seizure_prob");
      json_value (b, w->seizure_prob);
      json_builder_set_member_name (b, "agreement");
      json_builder_begin_array (b);
      for (guint c = 0; c < w->n_channels; c++)
        json_value (b, w->agreement[c]);
      json_builder_end_array (b);
      json_builder_set_member_name (b, "contribution");
      json_builder_begin_array (b);
      for (guint c = 0; c < w->n_channels; c++)
        json_value (b, w->contribution != NULL ? w->contribution[c] : NAN);
      json_builder_end_array (b);
      json_builder_end_object (b);
    }
  return TRUE;
}

static void
progress_cb (guint    done,
             guint    total,
             gpointer user_data)
{
  InferRun *run = user_data;

  if (run->progress_line)
    {
      fprintf (stderr, "\r%s", "");
      fprintf (stderr, _("window %u of %u (%.0f%%)"), done, total, 100.0 * done / MAX (total, 1));
      fflush (stderr);
    }
}

static gboolean
quit_idle (gpointer user_data)
{
  g_main_loop_quit (user_data);
  return G_SOURCE_REMOVE;
}

static gpointer
worker (gpointer user_data)
{
  InferRun *run = user_data;

  run->ok = icto_inference_run (run->rec, run->model, &run->opts, window_cb, progress_cb, run,
                                run->cancellable, &run->error);
  g_idle_add (quit_idle, run->loop);
  return NULL;
}

static gboolean
sigint_cb (gpointer user_data)
{
  InferRun *run = user_data;

  g_cancellable_cancel (run->cancellable);
  return G_SOURCE_CONTINUE;
}

int
icto_cli_infer (int    argc,
                char **argv)
{
  g_autofree char *model_path = NULL, *head = NULL, *lora = NULL, *out_path = NULL, *channels = NULL;
  double start = 0, duration = 0;
  int threads = 0;
  GOptionEntry entries[] = {
    { "model", 'm', 0, G_OPTION_ARG_FILENAME, &model_path, N_("Model file (safetensors; default: the bundled model)"), N_("FILE") },
    { "head", 0, 0, G_OPTION_ARG_FILENAME, &head, N_("Classification head file"), N_("FILE") },
    { "lora", 0, 0, G_OPTION_ARG_FILENAME, &lora, N_("LoRA adapter file"), N_("FILE") },
    { "start", 0, 0, G_OPTION_ARG_DOUBLE, &start, N_("Start of the first window (s from the first sample)"), N_("S") },
    { "duration", 0, 0, G_OPTION_ARG_DOUBLE, &duration, N_("Length of the range to analyse (s; default: to the end)"), N_("D") },
    { "channels", 0, 0, G_OPTION_ARG_STRING, &channels, N_("Comma-separated channel labels (default: all)"), N_("LIST") },
    { "threads", 0, 0, G_OPTION_ARG_INT, &threads, N_("Worker threads (default: number of CPUs)"), N_("N") },
    { "out", 'o', 0, G_OPTION_ARG_FILENAME, &out_path, N_("Output file, .tsv or .json"), N_("FILE") },
    { NULL }
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new (_("FILE"));
  g_autoptr(GError) error = NULL;
  g_autoptr(IctoRecording) rec = NULL;
  g_autoptr(IctoModel) model = NULL;
  g_autoptr(GArray) idx = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr(JsonBuilder) json = NULL;
  gboolean is_json;
  InferRun run = { 0 };
  GThread *thread;
  guint sig;
  FILE *tsv = NULL;

  g_option_context_set_summary (ctx, _("Seizure probability and agreement per window of a recording."));
  g_option_context_add_main_entries (ctx, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    return icto_cli_fail (2, "%s", error->message);
  if (argc != 2 || out_path == NULL)
    return icto_cli_fail (2, _("infer needs one recording and --out (see --help)"));
  if (model_path == NULL)
    {
      model_path = icto_inference_default_model_path ();
      if (model_path == NULL)
        return icto_cli_fail (1, _("no model given and the bundled model %s was found neither in %s "
                                   "nor in the source tree; pass --model or set ICTO_MODEL_PATH"),
                              BUNDLED_MODEL_NAME, PKGDATADIR "/models");
    }
  is_json = g_str_has_suffix (out_path, ".json");
  if (!is_json && !g_str_has_suffix (out_path, ".tsv"))
    return icto_cli_fail (2, _("--out must end in .tsv or .json"));
  if (start < 0)
    return icto_cli_fail (2, _("--start must not be negative"));

  rec = icto_recording_open (argv[1], &error);
  if (rec == NULL)
    return icto_cli_fail_error (error);
  model = icto_model_load (model_path, head, lora, &error);
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

  if (is_json)
    {
      json = json_builder_new ();
      json_builder_begin_object (json);
      json_builder_set_member_name (json, "file");
      json_builder_add_string_value (json, argv[1]);
      json_builder_set_member_name (json, "model");
      json_builder_add_string_value (json, model_path);
      json_builder_set_member_name (json, "channels");
      json_builder_begin_array (json);
      for (guint i = 0; i < idx->len; i++)
        json_builder_add_string_value (json, icto_recording_get_signal (rec, g_array_index (idx, guint, i))->label);
      json_builder_end_array (json);
      json_builder_set_member_name (json, "windows");
      json_builder_begin_array (json);
    }
  else
    {
      tsv = g_fopen (out_path, "w");
      if (tsv == NULL)
        {
          int e = errno;
          return icto_cli_fail (1, _("cannot write %s: %s"), out_path, g_strerror (e));
        }
      fputs ("start_s\tend_s\tseizure_prob", tsv);
      for (guint i = 0; i < idx->len; i++)
        fprintf (tsv, "\tagreement.%s", icto_recording_get_signal (rec, g_array_index (idx, guint, i))->label);
      for (guint i = 0; i < idx->len; i++)
        fprintf (tsv, "\tcontribution.%s", icto_recording_get_signal (rec, g_array_index (idx, guint, i))->label);
      fputc ('\n', tsv);
    }

  run.loop = loop;
  run.rec = rec;
  run.model = model;
  run.opts.start_s = start;
  run.opts.duration_s = duration;
  run.opts.channels = (const guint *) idx->data;
  run.opts.n_channels = idx->len;
  run.opts.n_threads = threads;
  run.cancellable = cancellable;
  run.tsv = tsv;
  run.json = json;
  run.progress_line = isatty (STDERR_FILENO);

  sig = g_unix_signal_add (SIGINT, sigint_cb, &run);
  thread = g_thread_new ("icto-infer", worker, &run);
  g_main_loop_run (loop);
  g_thread_join (thread);
  g_source_remove (sig);
  if (run.progress_line)
    fputc ('\n', stderr);

  if (tsv != NULL && fclose (tsv) != 0)
    {
      g_clear_error (&run.error);
      return icto_cli_fail (1, _("cannot write %s"), out_path);
    }
  if (json != NULL)
    {
      g_autoptr(JsonGenerator) gen = json_generator_new ();
      g_autoptr(JsonNode) root = NULL;

      json_builder_end_array (json);
      json_builder_end_object (json);
      root = json_builder_get_root (json);
      json_generator_set_root (gen, root);
      json_generator_set_pretty (gen, TRUE);
      if (!json_generator_to_file (gen, out_path, &error))
        {
          g_clear_error (&run.error);
          return icto_cli_fail_error (error);
        }
    }
  if (!run.ok)
    {
      int status = g_error_matches (run.error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ? 130 : 1;

      if (status == 130)
        icto_cli_fail (status, _("interrupted after %u windows; %s holds them"), run.n_windows, out_path);
      else
        {
          icto_cli_fail_error (run.error);
          if (run.n_windows == 0)
            g_unlink (out_path);   /* nothing but a header: leave no result file */
        }
      g_clear_error (&run.error);
      return status;
    }
  return 0;
}
