/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "icto-cli"

#include "config.h"

#include <math.h>
#include <stdio.h>
#include <unistd.h>

#include <glib-unix.h>
#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "icto-cli.h"
#include "core/icto-head-train.h"

/*
 * ictoscope-cli train-head RECORDING... [--model M] --db DB [--rater R]
 *                          [--positive CODES] [--negative CODES] [--cached-only]
 *                          --out head.safetensors [--report report.json]
 *
 * Trains a seizure head from the rater's annotations (src/core/icto-head-train.h),
 * writes it as a head file for `infer --head` and the application, and
 * prints the cross-validated metrics beside those of the model's own head.
 * The report holds the training summary (the head file's metadata) and,
 * per recording, every window's end, label and out-of-fold probability.
 * Ctrl-C stops (exit status 130, nothing written).
 */

typedef struct {
  const IctoHeadTrainOptions *options;
  GCancellable *cancellable;
  GMainLoop    *loop;
  gboolean      progress_line;
  IctoHeadTrainResult *result;
  GError       *error;
} TrainRun;

static void
progress_cb (double   fraction,
             gpointer user_data)
{
  TrainRun *run = user_data;

  if (run->progress_line)
    {
      fprintf (stderr, "\r");
      fprintf (stderr, _("training: %.0f%%"), 100 * fraction);
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
  TrainRun *run = user_data;

  run->result = icto_head_train_run (run->options, progress_cb, run, run->cancellable, &run->error);
  g_idle_add (quit_idle, run->loop);
  return NULL;
}

static gboolean
sigint_cb (gpointer user_data)
{
  TrainRun *run = user_data;

  g_cancellable_cancel (run->cancellable);
  return G_SOURCE_CONTINUE;
}

static void
json_number (JsonBuilder *b,
             double       v)
{
  if (isfinite (v))
    json_builder_add_double_value (b, v);
  else
    json_builder_add_null_value (b);
}

static gboolean
write_report (const IctoHeadTrainResult  *res,
              const char                 *path,
              GError                    **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;

  if (!json_parser_load_from_data (parser, res->summary_json, -1, error))
    return FALSE;
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "summary");
  json_builder_add_value (b, json_node_copy (json_parser_get_root (parser)));
  json_builder_set_member_name (b, "windows");
  json_builder_begin_array (b);
  for (guint i = 0; i < res->recordings->len; i++)
    {
      const IctoHeadTrainRecording *r = g_ptr_array_index (res->recordings, i);

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "file");
      json_builder_add_string_value (b, r->path);
      json_builder_set_member_name (b, "end_s");
      json_builder_begin_array (b);
      for (guint w = 0; w < r->n_windows; w++)
        json_builder_add_double_value (b, r->end_s[w]);
      json_builder_end_array (b);
      json_builder_set_member_name (b, "label");
      json_builder_begin_array (b);
      for (guint w = 0; w < r->n_windows; w++)
        if (r->label[w] == ICTO_HEAD_LABEL_NONE)
          json_builder_add_null_value (b);
        else
          json_builder_add_int_value (b, r->label[w]);
      json_builder_end_array (b);
      json_builder_set_member_name (b, "cv_prob");
      json_builder_begin_array (b);
      for (guint w = 0; w < r->n_windows; w++)
        json_number (b, r->cv_prob[w]);
      json_builder_end_array (b);
      json_builder_set_member_name (b, "model_prob");
      json_builder_begin_array (b);
      for (guint w = 0; w < r->n_windows; w++)
        json_number (b, r->model_prob[w]);
      json_builder_end_array (b);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  json_generator_set_pretty (gen, TRUE);
  return json_generator_to_file (gen, path, error);
}

static void
print_metrics (const char                 *who,
               double                      auroc,
               const IctoHeadEventMetrics *m)
{
  printf ("%-18s AUROC %.3f  %s %.2f (%u/%u)  %s %.1f\n", who, auroc,
          _("event sensitivity"), m->sensitivity, m->true_positives, m->n_events,
          _("false alarms/24 h"), m->fa_per_24h);
}

int
icto_cli_train_head (int    argc,
                     char **argv)
{
  g_autofree char *model_path = NULL, *db = NULL, *rater = NULL, *out_path = NULL, *report = NULL;
  g_autofree char *positive = NULL, *negative = NULL;
  gboolean cached_only = FALSE;
  int threads = 0;
  GOptionEntry entries[] = {
    { "model", 'm', 0, G_OPTION_ARG_FILENAME, &model_path, N_("Model file (safetensors; default: the bundled model)"), N_("FILE") },
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db, N_("Annotation database (default: the user’s)"), N_("PATH") },
    { "rater", 0, 0, G_OPTION_ARG_STRING, &rater, N_("Use this rater’s annotations (default: every rater’s)"), N_("NAME") },
    { "positive", 0, 0, G_OPTION_ARG_STRING, &positive, N_("Label codes of positive windows, comma-separated (default: seizure labels)"), N_("CODES") },
    { "negative", 0, 0, G_OPTION_ARG_STRING, &negative, N_("Label codes of negative windows, comma-separated (default: every other window)"), N_("CODES") },
    { "cached-only", 0, 0, G_OPTION_ARG_NONE, &cached_only, N_("Use stored model features only; fail when some are missing"), NULL },
    { "threads", 0, 0, G_OPTION_ARG_INT, &threads, N_("Worker threads (default: number of CPUs)"), N_("N") },
    { "out", 'o', 0, G_OPTION_ARG_FILENAME, &out_path, N_("Head file to write (.safetensors)"), N_("FILE") },
    { "report", 0, 0, G_OPTION_ARG_FILENAME, &report, N_("Also write a JSON report with every window’s probability"), N_("FILE") },
    { NULL }
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new (_("RECORDING…"));
  g_autoptr(GError) error = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_auto(GStrv) pos = NULL;
  g_auto(GStrv) neg = NULL;
  g_autoptr(GPtrArray) recs = g_ptr_array_new ();
  IctoHeadTrainOptions opt = { 0 };
  TrainRun run = { 0 };
  GThread *thread;
  guint sig;

  g_option_context_set_summary (ctx, _("Train a seizure detector head from a rater’s annotations."));
  g_option_context_add_main_entries (ctx, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    return icto_cli_fail (2, "%s", error->message);
  if (argc < 2 || out_path == NULL)
    return icto_cli_fail (2, _("train-head needs at least one recording and --out (see --help)"));
  for (int i = 1; i < argc; i++)
    g_ptr_array_add (recs, argv[i]);
  g_ptr_array_add (recs, NULL);
  if (positive != NULL)
    {
      pos = g_strsplit (positive, ",", -1);
      for (int i = 0; pos[i] != NULL; i++)
        g_strstrip (pos[i]);
    }
  if (negative != NULL)
    {
      neg = g_strsplit (negative, ",", -1);
      for (int i = 0; neg[i] != NULL; i++)
        g_strstrip (neg[i]);
    }

  opt.recordings = (const char * const *) recs->pdata;
  opt.model_path = model_path;
  opt.store_path = db;
  opt.rater = rater;
  opt.positive_labels = (const char * const *) pos;
  opt.negative_labels = (const char * const *) neg;
  opt.cached_only = cached_only;
  opt.n_threads = threads;

  run.options = &opt;
  run.cancellable = cancellable;
  run.loop = loop;
  run.progress_line = isatty (STDERR_FILENO);
  sig = g_unix_signal_add (SIGINT, sigint_cb, &run);
  thread = g_thread_new ("icto-train-head", worker, &run);
  g_main_loop_run (loop);
  g_thread_join (thread);
  g_source_remove (sig);
  if (run.progress_line)
    fputc ('\n', stderr);

  if (run.result == NULL)
    {
      int status = g_error_matches (run.error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ? 130 : 1;

      icto_cli_fail_error (run.error);
      g_clear_error (&run.error);
      return status;
    }
  if (!icto_head_train_result_write (run.result, out_path, &error) ||
      (report != NULL && !write_report (run.result, report, &error)))
    {
      icto_head_train_result_free (run.result);
      return icto_cli_fail_error (error);
    }

  printf (_("%u windows (%u positive) from %u recordings; C = %g, %u folds holding out whole %s\n"),
          run.result->n_windows, run.result->n_positive, run.result->recordings->len, run.result->C,
          run.result->n_folds,
          run.result->folds == ICTO_HEAD_FOLDS_RECORDINGS ? _("recordings") : _("seizures"));
  print_metrics (_("trained (CV)"), run.result->cv_auroc, &run.result->cv_events);
  if (run.result->has_model_head)
    print_metrics (_("model’s own head"), run.result->model_auroc, &run.result->model_events);
  printf (_("Head written to %s\n"), out_path);
  icto_head_train_result_free (run.result);
  return 0;
}
