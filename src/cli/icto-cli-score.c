/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "icto-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "icto-cli.h"
#include "core/icto-head-train.h"
#include "core/icto-inference-worker-private.h"
#include "core/icto-inference-worker.h"
#include "core/icto-inference.h"
#include "core/icto-map.h"
#include "core/icto-scoring.h"
#include "signal/icto-recording.h"
#include "store/icto-store.h"

/*
 * ictoscope-cli score RECORDING [--model M] [--head H] --db DB --rater R [--threshold P]
 *                     [--sweep] [--channels A,B,...] [--threads N]
 *                     [--against-rater R2] --out report.json
 *
 * The model's detections (segments of 5 s whose seizure probability is at
 * least P, default 0.5, SzCORE-merged under 90 s) scored against rater R's
 * seizure annotations (labels of the "seizure" category) in SzCORE event
 * terms (core/icto-scoring.h): sensitivity, precision, F1, false alarms per
 * 24 h, and per reference seizure the latency of its detection from the EEC
 * (the seizure record's EEC when marked, else the annotation's onset) and
 * from the UEO.  The model runs through the same worker as the window
 * (core/icto-inference-worker.h) with DB as its result cache, so the numbers
 * are the window's and a second run reads the cache.  --sweep adds the
 * curve over thresholds 0.01 ... 0.99.  --head H uses a trained head file
 * in place of the model file's own (core/icto-head-train.h; not cached,
 * model_hash is then "<model>+head:<head>").  --against-rater R2 scores rater R2's
 * seizures against R's instead of the model's (no model is run).
 *
 * report.json: {"file", "duration_s", "rater", "hypothesis": "model" or
 * "rater", "model", "model_hash", "against_rater", "threshold", "params":
 * {...}, "reference": [{"start_s", "end_s"}], "detections": [{"start_s",
 * "end_s", "peak_prob"}], "score": {"n_ref", "n_hyp", "true_positives",
 * "false_positives", "sensitivity", "precision", "f1",
 * "false_alarms_per_24h"}, "latencies": [{"start_s", "end_s", "detected",
 * "detection_s", "latency_eec_s", "latency_ueo_s"}], "sweep": [{"threshold",
 * "sensitivity", "precision", "f1", "false_alarms_per_24h",
 * "true_positives", "false_positives"}]} (NaN as null).
 *
 * "soz_agreement" (icto-map.h, our definition): per seizure of the rater
 * with SOZ contacts in its record, {"onset_s", "eec_s", "soz", "missing",
 * "by": {"contribution", "attention_received" (model runs only),
 * "line_length", "high_gamma": {"k", "hits", "precision", "recall",
 * "mean_rank", "ranks": {label: rank}, "top": [labels]} or {"error"}}}:
 * the contacts scoring highest in the first 10 s after the EEC against the
 * SOZ (contacts of the layout; bad ones in channels.tsv left out).
 */

/* Options, kept in one struct so that more can be added in one place. */
typedef struct {
  char    *model_path;
  char    *head_path;
  char    *db;
  char    *rater;
  char    *against;
  char    *channels;
  char    *out_path;
  double   threshold;
  gboolean sweep;
  int      threads;
} ScoreOptions;

static void
score_options_clear (ScoreOptions *o)
{
  g_free (o->model_path);
  g_free (o->head_path);
  g_free (o->db);
  g_free (o->rater);
  g_free (o->against);
  g_free (o->channels);
  g_free (o->out_path);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (ScoreOptions, score_options_clear)

static void
add_number (JsonBuilder *b,
            const char  *name,
            double       v)
{
  json_builder_set_member_name (b, name);
  if (isfinite (v))
    json_builder_add_double_value (b, v);
  else
    json_builder_add_null_value (b);
}

static void
add_score (JsonBuilder          *b,
           const IctoEventScore *s)
{
  json_builder_set_member_name (b, "n_ref");
  json_builder_add_int_value (b, s->n_ref);
  json_builder_set_member_name (b, "n_hyp");
  json_builder_add_int_value (b, s->n_hyp);
  json_builder_set_member_name (b, "true_positives");
  json_builder_add_int_value (b, s->true_positives);
  json_builder_set_member_name (b, "false_positives");
  json_builder_add_int_value (b, s->false_positives);
  add_number (b, "sensitivity", s->sensitivity);
  add_number (b, "precision", s->precision);
  add_number (b, "f1", s->f1);
  add_number (b, "false_alarms_per_24h", s->false_alarms_per_24h);
}

static void
add_events (JsonBuilder  *b,
            const char   *name,
            const GArray *events,
            gboolean      with_peak)
{
  json_builder_set_member_name (b, name);
  json_builder_begin_array (b);
  for (guint i = 0; i < events->len; i++)
    {
      const IctoEvent *ev = &g_array_index (events, IctoEvent, i);

      json_builder_begin_object (b);
      add_number (b, "start_s", ev->start_s);
      add_number (b, "end_s", ev->end_s);
      if (with_peak)
        add_number (b, "peak_prob", ev->peak_prob);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
}

/* Seizure annotations of @rater: events [onset, onset + duration), and the
 * EEC / UEO of each (seconds; the onset / NAN when not marked). */
static gboolean
rater_seizures (IctoStore   *store,
                gint64       recording_id,
                const char  *rater,
                GArray     **events,
                GArray     **eec,
                GArray     **ueo,
                GError     **error)
{
  const char *raters[] = { rater, NULL };
  g_autoptr(GPtrArray) list = NULL;

  list = icto_store_list (store, recording_id, G_MININT64, G_MAXINT64, raters, error);
  if (list == NULL)
    return FALSE;
  *events = g_array_new (FALSE, FALSE, sizeof (IctoEvent));
  *eec = g_array_new (FALSE, FALSE, sizeof (double));
  *ueo = g_array_new (FALSE, FALSE, sizeof (double));
  for (guint i = 0; i < list->len; i++)
    {
      IctoAnnotation *a = g_ptr_array_index (list, i);
      g_autoptr(IctoLabel) label = icto_store_get_label (store, NULL, a->label, NULL);
      IctoEvent ev;
      double e, u = NAN;

      if (label == NULL || g_strcmp0 (label->category, "seizure") != 0)
        continue;
      ev.start_s = icto_ticks_to_seconds (a->onset);
      ev.end_s = icto_ticks_to_seconds (a->onset + a->duration);
      ev.peak_prob = NAN;
      e = ev.start_s;
      if (a->seizure != NULL && a->seizure->eec != ICTO_STORE_TIME_NONE)
        e = icto_ticks_to_seconds (a->seizure->eec);
      if (a->seizure != NULL && a->seizure->ueo != ICTO_STORE_TIME_NONE)
        u = icto_ticks_to_seconds (a->seizure->ueo);
      g_array_append_val (*events, ev);
      g_array_append_val (*eec, e);
      g_array_append_val (*ueo, u);
    }
  return TRUE;
}

static gboolean
timeout_cb (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

/* Per-segment probabilities through the worker (and its cache in @store). */
static float *
model_probabilities (IctoStore      *store,
                     IctoRecording  *rec,
                     const char     *model_path,
                     GArray         *idx,
                     int             threads,
                     guint          *n_segments,
                     char          **model_hash,
                     GError        **error)
{
  g_autoptr(IctoInferenceWorker) worker = icto_inference_worker_new (store);
  guint tick;
  float *probs;

  if (threads > 0)
    _icto_inference_worker_set_n_threads (worker, threads);
  icto_inference_worker_set_channels (worker, (const guint *) (gpointer) idx->data, idx->len);
  icto_inference_worker_set_recording (worker, rec);
  if (!icto_inference_worker_set_model (worker, model_path, error))
    return NULL;
  /* wake up now and then in case no result arrives */
  tick = g_timeout_add (200, timeout_cb, NULL);
  while (icto_inference_worker_get_state (worker) == ICTO_INFERENCE_RUNNING)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (tick);
  if (icto_inference_worker_get_state (worker) == ICTO_INFERENCE_FAILED)
    {
      g_propagate_error (error, g_error_copy (icto_inference_worker_get_error (worker)));
      return NULL;
    }
  *n_segments = icto_inference_worker_get_n_segments (worker);
  probs = g_new (float, MAX (*n_segments, 1));
  icto_inference_worker_get_values (worker, ICTO_RESULT_PROBABILITY, 0, 0, *n_segments, probs);
  *model_hash = g_strdup (icto_inference_worker_get_model_hash (worker));
  /* the worker's thread writes its last results to the cache before it ends */
  g_clear_object (&worker);
  while (_icto_inference_worker_get_busy_threads () > 0)
    g_usleep (1000);
  return probs;
}

/* The seizure-onset-zone agreement of each of @rater's seizures that has
 * SOZ contacts (icto_map_soz_agreement_for_seizure). */
static void
add_soz_agreement (JsonBuilder   *b,
                   IctoStore     *store,
                   gint64         recording_id,
                   const char    *rater,
                   IctoRecording *rec,
                   const char    *model_path,
                   int            threads)
{
  const char *raters[] = { rater, NULL };
  static const IctoMapQuantity quantities[] = {
    ICTO_MAP_CONTRIBUTION, ICTO_MAP_ATTENTION_RECEIVED, ICTO_MAP_LINE_LENGTH, ICTO_MAP_HIGH_GAMMA,
  };
  static const char *const names[] = { "contribution", "attention_received", "line_length", "high_gamma" };
  g_autoptr(GPtrArray) list = icto_store_list (store, recording_id, G_MININT64, G_MAXINT64, raters, NULL);
  g_autoptr(IctoLayout) layout = icto_map_layout_for_recording (rec, NULL, NULL);
  g_autoptr(IctoModel) model = model_path ? icto_model_load (model_path, NULL, NULL, NULL) : NULL;
  g_autofree guint *chans = NULL;
  guint n = 0;

  if (layout != NULL)
    {
      /* bad channels (channels.tsv status) are not scored */
      g_autofree gboolean *bad = icto_map_read_bad_channels (rec);
      guint k = 0;
      chans = icto_map_layout_channels (layout, &n);
      for (guint i = 0; i < n; i++)
        if (!bad[chans[i]])
          chans[k++] = chans[i];
      n = k;
    }
  json_builder_set_member_name (b, "soz_agreement");
  json_builder_begin_array (b);
  for (guint i = 0; list != NULL && n > 0 && i < list->len; i++)
    {
      IctoAnnotation *a = g_ptr_array_index (list, i);
      gint64 eec;

      if (a->seizure == NULL || a->seizure->soz == NULL || a->seizure->soz[0] == NULL)
        continue;
      eec = a->seizure->eec != ICTO_STORE_TIME_NONE ? a->seizure->eec : a->onset;
      json_builder_begin_object (b);
      add_number (b, "onset_s", icto_ticks_to_seconds (a->onset));
      add_number (b, "eec_s", icto_ticks_to_seconds (eec));
      json_builder_set_member_name (b, "soz");
      json_builder_begin_array (b);
      for (guint k = 0; a->seizure->soz[k] != NULL; k++)
        json_builder_add_string_value (b, a->seizure->soz[k]);
      json_builder_end_array (b);
      json_builder_set_member_name (b, "by");
      json_builder_begin_object (b);
      for (guint q = 0; q < G_N_ELEMENTS (quantities); q++)
        {
          g_autoptr(GError) error = NULL;
          g_autoptr(IctoSozAgreement) ag = NULL;

          if (icto_map_quantity_needs_model (quantities[q]) && model == NULL)
            continue;
          ag = icto_map_soz_agreement_for_seizure (rec, model, chans, n, eec, (const char *const *) a->seizure->soz,
                                                   quantities[q], threads, NULL, NULL, &error);
          json_builder_set_member_name (b, names[q]);
          json_builder_begin_object (b);
          if (ag == NULL)
            {
              json_builder_set_member_name (b, "error");
              json_builder_add_string_value (b, error->message);
              json_builder_end_object (b);
              continue;
            }
          json_builder_set_member_name (b, "k");
          json_builder_add_int_value (b, ag->k);
          json_builder_set_member_name (b, "hits");
          json_builder_add_int_value (b, ag->hits);
          add_number (b, "precision", ag->precision);
          add_number (b, "recall", ag->recall);
          add_number (b, "mean_rank", ag->mean_rank);
          json_builder_set_member_name (b, "ranks");
          json_builder_begin_object (b);
          for (guint k = 0; k < ag->n_soz; k++)
            {
              json_builder_set_member_name (b, ag->soz[k]);
              json_builder_add_int_value (b, ag->ranks[k]);
            }
          json_builder_end_object (b);
          json_builder_set_member_name (b, "top");
          json_builder_begin_array (b);
          for (guint k = 0; ag->top[k] != NULL; k++)
            json_builder_add_string_value (b, ag->top[k]);
          json_builder_end_array (b);
          json_builder_end_object (b);
        }
      json_builder_end_object (b);
      json_builder_set_member_name (b, "missing");
      json_builder_begin_array (b);
      {
        g_autoptr(IctoSozAgreement) ag = icto_map_soz_agreement (NULL, NULL, 0, (const char *const *) a->seizure->soz, 0);
        for (guint k = 0; ag->missing[k] != NULL; k++)
          if (icto_layout_find_label (layout, ag->missing[k]) < 0)
            json_builder_add_string_value (b, ag->missing[k]);
      }
      json_builder_end_array (b);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
}

int
icto_cli_score (int    argc,
                char **argv)
{
  g_auto(ScoreOptions) o = { .threshold = 0.5 };
  GOptionEntry entries[] = {
    { "model", 'm', 0, G_OPTION_ARG_FILENAME, &o.model_path, N_("Model file (safetensors; default: the bundled model)"), N_("FILE") },
    { "head", 0, 0, G_OPTION_ARG_FILENAME, &o.head_path, N_("Classification head file (e.g. from train-head) in place of the model's own"), N_("FILE") },
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &o.db, N_("Annotation database (also the model-result cache)"), N_("FILE") },
    { "rater", 'r', 0, G_OPTION_ARG_STRING, &o.rater, N_("Rater whose seizure annotations are the reference"), N_("NAME") },
    { "threshold", 't', 0, G_OPTION_ARG_DOUBLE, &o.threshold, N_("Seizure probability threshold of a detection (default 0.5)"), N_("P") },
    { "sweep", 0, 0, G_OPTION_ARG_NONE, &o.sweep, N_("Add sensitivity and false alarms over thresholds 0.01 to 0.99"), NULL },
    { "channels", 0, 0, G_OPTION_ARG_STRING, &o.channels, N_("Comma-separated channel labels (default: all)"), N_("LIST") },
    { "threads", 0, 0, G_OPTION_ARG_INT, &o.threads, N_("Model threads (default: number of CPUs - 1)"), N_("N") },
    { "against-rater", 0, 0, G_OPTION_ARG_STRING, &o.against, N_("Score this rater's seizures instead of the model's"), N_("NAME") },
    { "out", 'o', 0, G_OPTION_ARG_FILENAME, &o.out_path, N_("Report file (.json)"), N_("FILE") },
    { NULL }
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new (_("RECORDING"));
  g_autoptr(GError) error = NULL;
  g_autoptr(IctoRecording) rec = NULL;
  g_autoptr(IctoStore) store = NULL;
  g_autoptr(GArray) idx = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(GArray) ref = NULL;
  g_autoptr(GArray) ref_eec = NULL;
  g_autoptr(GArray) ref_ueo = NULL;
  g_autoptr(GArray) hyp = NULL;
  g_autoptr(GArray) lat_ref = NULL;
  g_autoptr(GArray) latencies = NULL;
  g_autoptr(GArray) sweep = NULL;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree float *probs = NULL;
  g_autofree char *model_hash = NULL;
  IctoScoringParams params;
  IctoEventScore score;
  guint n_seg = 0;
  double duration_s;
  gint64 recording_id;

  g_option_context_set_summary (ctx, _("Score the model's seizure detections (or a second rater's) against a rater's seizure annotations, in SzCORE event terms."));
  g_option_context_add_main_entries (ctx, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    return icto_cli_fail (2, "%s", error->message);
  if (argc != 2 || o.out_path == NULL || o.db == NULL || o.rater == NULL)
    return icto_cli_fail (2, _("score needs one recording, --db, --rater and --out (see --help)"));
  if (!(o.threshold >= 0 && o.threshold <= 1))
    return icto_cli_fail (2, _("--threshold must be between 0 and 1"));
  if (o.against == NULL && o.model_path == NULL)
    {
      o.model_path = icto_inference_default_model_path ();
      if (o.model_path == NULL)
        return icto_cli_fail (1, _("no model given and the bundled model %s was found neither in %s "
                                   "nor in the source tree; pass --model or set ICTO_MODEL_PATH"),
                              BUNDLED_MODEL_NAME, PKGDATADIR "/models");
    }

  rec = icto_recording_open (argv[1], &error);
  if (rec == NULL)
    return icto_cli_fail_error (error);
  duration_s = icto_ticks_to_seconds (icto_recording_get_duration (rec));
  store = icto_store_open (o.db, &error);
  if (store == NULL)
    return icto_cli_fail_error (error);
  recording_id = icto_store_find_recording (store, icto_recording_get_fingerprint (rec), &error);
  if (recording_id == 0)
    return icto_cli_fail (1, _("%s has no annotations in %s"), argv[1], o.db);
  if (!rater_seizures (store, recording_id, o.rater, &ref, &ref_eec, &ref_ueo, &error))
    return icto_cli_fail_error (error);

  if (o.channels != NULL)
    {
      g_auto(GStrv) labels = g_strsplit (o.channels, ",", -1);

      for (int i = 0; labels[i]; i++)
        {
          int s = icto_recording_find_signal (rec, g_strstrip (labels[i]));

          if (s < 0)
            return icto_cli_fail (1, _("no channel “%s” in %s"), labels[i], argv[1]);
          g_array_append_val (idx, s);
        }
    }

  icto_scoring_params_init (&params);
  if (o.against != NULL)
    {
      g_autoptr(GArray) e2 = NULL;
      g_autoptr(GArray) u2 = NULL;

      if (!rater_seizures (store, recording_id, o.against, &hyp, &e2, &u2, &error))
        return icto_cli_fail_error (error);
    }
  else
    {
      if (o.head_path != NULL)
        probs = icto_head_segment_probabilities (rec, o.model_path, o.head_path, (const guint *) (gpointer) idx->data,
                                                 idx->len, o.threads, &n_seg, &model_hash, NULL, &error);
      else
        probs = model_probabilities (store, rec, o.model_path, idx, o.threads, &n_seg, &model_hash, &error);
      if (probs == NULL)
        return icto_cli_fail_error (error);
      hyp = icto_detect_events (probs, n_seg, 5.0, (float) o.threshold, params.min_gap_s);
    }

  icto_score_events (ref, hyp, duration_s, &params, &score);
  /* latencies from the EEC: the reference events start at their EEC */
  lat_ref = g_array_copy (ref);
  for (guint i = 0; i < lat_ref->len; i++)
    g_array_index (lat_ref, IctoEvent, i).start_s = g_array_index (ref_eec, double, i);
  latencies = icto_score_latencies (lat_ref, (const double *) (gpointer) ref_ueo->data, hyp, duration_s, &params);
  if (o.sweep && probs != NULL)
    sweep = icto_score_sweep (probs, n_seg, 5.0, ref, duration_s, &params, NULL, 0);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "file");
  json_builder_add_string_value (b, argv[1]);
  add_number (b, "duration_s", duration_s);
  json_builder_set_member_name (b, "rater");
  json_builder_add_string_value (b, o.rater);
  json_builder_set_member_name (b, "hypothesis");
  json_builder_add_string_value (b, o.against != NULL ? "rater" : "model");
  if (o.against != NULL)
    {
      json_builder_set_member_name (b, "against_rater");
      json_builder_add_string_value (b, o.against);
    }
  else
    {
      json_builder_set_member_name (b, "model");
      json_builder_add_string_value (b, o.model_path);
      json_builder_set_member_name (b, "model_hash");
      json_builder_add_string_value (b, model_hash);
      add_number (b, "threshold", o.threshold);
    }
  json_builder_set_member_name (b, "params");
  json_builder_begin_object (b);
  add_number (b, "tolerance_start_s", params.tolerance_start_s);
  add_number (b, "tolerance_end_s", params.tolerance_end_s);
  add_number (b, "min_gap_s", params.min_gap_s);
  add_number (b, "max_event_s", params.max_event_s);
  json_builder_end_object (b);
  add_events (b, "reference", ref, FALSE);
  add_events (b, "detections", hyp, o.against == NULL);
  json_builder_set_member_name (b, "score");
  json_builder_begin_object (b);
  add_score (b, &score);
  json_builder_end_object (b);
  json_builder_set_member_name (b, "latencies");
  json_builder_begin_array (b);
  for (guint i = 0; i < latencies->len; i++)
    {
      const IctoEventLatency *l = &g_array_index (latencies, IctoEventLatency, i);

      json_builder_begin_object (b);
      add_number (b, "start_s", g_array_index (ref, IctoEvent, i).start_s);
      add_number (b, "end_s", l->ref_end_s);
      json_builder_set_member_name (b, "detected");
      json_builder_add_boolean_value (b, l->detected);
      add_number (b, "detection_s", l->detection_s);
      add_number (b, "latency_eec_s", l->latency_eec_s);
      add_number (b, "latency_ueo_s", l->latency_ueo_s);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  if (sweep != NULL)
    {
      json_builder_set_member_name (b, "sweep");
      json_builder_begin_array (b);
      for (guint i = 0; i < sweep->len; i++)
        {
          const IctoSweepPoint *p = &g_array_index (sweep, IctoSweepPoint, i);

          json_builder_begin_object (b);
          add_number (b, "threshold", p->threshold);
          add_score (b, &p->score);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
    }
  add_soz_agreement (b, store, recording_id, o.rater, rec, o.against == NULL ? o.model_path : NULL, o.threads);
  json_builder_end_object (b);

  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  json_generator_set_pretty (gen, TRUE);
  if (!json_generator_to_file (gen, o.out_path, &error))
    return icto_cli_fail_error (error);
  return 0;
}
