/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "icto-head-train"

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

#include "core/icto-core-error.h"
#include "core/icto-head-train.h"
#include "core/icto-inference-worker.h"
#include "core/icto-inference.h"
#include "model/icto-logreg.h"
#include "model/icto-model.h"
#include "signal/icto-recording.h"
#include "signal/icto-signal-error.h"
#include "store/icto-result-cache.h"
#include "store/icto-store.h"

#define SEGMENT_S   5.0
#define WINDOW_T    25
/* the inference worker's settings string: features share its cache runs */
#define SETTINGS    "mvpformer;rate=512;segment=5;window=25;step=5;resample=linear"
#define FEATURE_SHARE 0.9    /* progress fraction of the feature phase */
#define THRESHOLD   0.5f
#define MIN_POSITIVES 5

typedef void (*ProgressFunc) (double fraction, gpointer user_data);

/* ---- result ------------------------------------------------------------------ */

static void
recording_free (IctoHeadTrainRecording *r)
{
  if (r == NULL)
    return;
  g_free (r->path);
  g_free (r->fingerprint);
  g_free (r->end_s);
  g_free (r->label);
  g_free (r->cv_prob);
  g_free (r->model_prob);
  g_clear_pointer (&r->events, g_array_unref);
  g_free (r);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (IctoHeadTrainRecording, recording_free)

void
icto_head_train_result_free (IctoHeadTrainResult *result)
{
  if (result == NULL)
    return;
  g_clear_pointer (&result->recordings, g_ptr_array_unref);
  g_free (result->c_grid);
  g_free (result->c_auroc);
  g_free (result->weight);
  g_free (result->model_path);
  g_free (result->model_hash);
  g_free (result->summary_json);
  g_free (result);
}

/* ---- labels ------------------------------------------------------------------ */

typedef struct {
  GPtrArray *seizure_names;   /* names (casefolded) of seizure-category labels */
  GHashTable *category;       /* code -> category (or "") */
} LabelInfo;

static void
label_info_clear (LabelInfo *li)
{
  g_clear_pointer (&li->seizure_names, g_ptr_array_unref);
  g_clear_pointer (&li->category, g_hash_table_unref);
}

static const char *
label_category (IctoStore  *store,
                LabelInfo  *li,
                const char *code)
{
  const char *cat = g_hash_table_lookup (li->category, code);

  if (cat == NULL)
    {
      g_autoptr(IctoLabel) label = icto_store_get_label (store, NULL, code, NULL);

      cat = label != NULL && label->category != NULL ? label->category : "";
      g_hash_table_insert (li->category, g_strdup (code), g_strdup (cat));
      cat = g_hash_table_lookup (li->category, code);
    }
  return cat;
}

static void
label_info_init (LabelInfo *li,
                 IctoStore *store)
{
  g_autoptr(GPtrArray) labels = icto_store_list_labels (store, NULL, NULL);

  li->seizure_names = g_ptr_array_new_with_free_func (g_free);
  li->category = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  for (guint i = 0; labels != NULL && i < labels->len; i++)
    {
      const IctoLabel *l = g_ptr_array_index (labels, i);

      if (g_strcmp0 (l->category, "seizure") != 0)
        continue;
      if (l->name != NULL)
        g_ptr_array_add (li->seizure_names, g_utf8_casefold (l->name, -1));
      /* untranslated English names too: EDF+ texts are written in English */
      g_ptr_array_add (li->seizure_names, g_utf8_casefold (l->code, -1));
    }
  g_ptr_array_add (li->seizure_names, g_strdup ("seizure"));
  g_ptr_array_add (li->seizure_names, g_strdup ("subclinical seizure"));
}

/* Default rule: a label of category "seizure", or a note whose text begins
 * with a seizure label's name (then a space or the end). */
static gboolean
is_seizure (IctoStore            *store,
            LabelInfo            *li,
            const IctoAnnotation *a)
{
  g_autofree char *text = NULL;

  if (g_strcmp0 (label_category (store, li, a->label), "seizure") == 0)
    return TRUE;
  if (g_strcmp0 (a->label, "note") != 0 || a->text == NULL)
    return FALSE;
  text = g_utf8_casefold (a->text, -1);
  for (guint i = 0; i < li->seizure_names->len; i++)
    {
      const char *name = g_ptr_array_index (li->seizure_names, i);
      gsize len = strlen (name);

      if (strncmp (text, name, len) == 0 && (text[len] == '\0' || g_ascii_isspace (text[len])))
        return TRUE;
    }
  return FALSE;
}

static gboolean
in_set (const char * const *set,
        const char         *code)
{
  return set != NULL && g_strv_contains (set, code);
}

/* ---- features ---------------------------------------------------------------- */

typedef struct {
  GArray       *starts;    /* gint64 ticks */
  GArray       *features;  /* float, [n * D] */
  GArray       *model;     /* float: the model's own probability per window */
  int           D;
  ProgressFunc  progress;
  gpointer      user_data;
  double        base, span;
} Collect;

static gboolean
collect_window_cb (const IctoInferenceWindow *window,
                   gpointer                   user_data)
{
  Collect *c = user_data;
  gint64 start = icto_seconds_to_ticks (window->start_s);

  g_assert (window->n_features == c->D);
  g_array_append_val (c->starts, start);
  g_array_append_vals (c->features, window->features, (guint) c->D);
  return TRUE;
}

static void
collect_progress_cb (guint    done,
                     guint    total,
                     gpointer user_data)
{
  Collect *c = user_data;

  if (c->progress != NULL && total > 0)
    c->progress (c->base + c->span * done / total, c->user_data);
}

/* The window starts icto_inference_run() would visit for a whole recording. */
static guint
expected_windows (double duration_s,
                  int   *T)
{
  *T = duration_s >= WINDOW_T * SEGMENT_S ? WINDOW_T : (int) floor (duration_s / SEGMENT_S + 1e-9);
  return duration_s >= SEGMENT_S ? icto_inference_count_windows (duration_s) : 0;
}

static gboolean
load_features (IctoRecording  *rec,
               IctoModel      *model,
               const char     *model_hash,
               IctoStore      *store,
               const IctoHeadTrainOptions *options,
               Collect        *c,
               guint          *n_cached,
               GCancellable   *cancellable,
               GError        **error)
{
  guint n_sig = icto_recording_get_n_signals (rec);
  g_autofree const char **labels = g_new0 (const char *, n_sig + 1);
  double duration_s = icto_ticks_to_seconds (icto_recording_get_duration (rec));
  gint64 run_id = 0;
  guint n_expected;
  int T;

  for (guint i = 0; i < n_sig; i++)
    labels[i] = icto_recording_get_signal (rec, i)->label;
  n_expected = expected_windows (duration_s, &T);
  *n_cached = 0;

  if (store != NULL)
    {
      g_autoptr(GError) local = NULL;

      run_id = icto_result_cache_find_run (store, icto_recording_get_fingerprint (rec), model_hash,
                                           labels, n_sig, SETTINGS, &local);
      if (run_id > 0)
        {
          g_autoptr(GArray) starts = NULL;
          g_autoptr(GArray) feats = NULL;
          gint64 n = icto_result_cache_get_features (store, run_id, G_MININT64, G_MAXINT64,
                                                     (guint) c->D, &starts, &feats, &local);

          if (n >= (gint64) n_expected && n > 0)
            {
              g_array_append_vals (c->starts, starts->data, starts->len);
              g_array_append_vals (c->features, feats->data, feats->len);
              *n_cached = starts->len;
              return TRUE;
            }
          if (options->cached_only)
            {
              g_set_error (error, ICTO_CORE_ERROR, ICTO_CORE_ERROR_FEATURES_MISSING,
                           _("Model features are missing for %u of the %u windows of “%s”; "
                             "run the model over the whole recording first"),
                           n_expected - (guint) MAX (n, 0), n_expected, icto_recording_get_path (rec));
              return FALSE;
            }
        }
      else if (options->cached_only)
        {
          g_set_error (error, ICTO_CORE_ERROR, ICTO_CORE_ERROR_FEATURES_MISSING,
                       _("No model features are stored for “%s” with this model; "
                         "run the model over the whole recording first"), icto_recording_get_path (rec));
          return FALSE;
        }
    }
  else if (options->cached_only)
    {
      g_set_error (error, ICTO_CORE_ERROR, ICTO_CORE_ERROR_FEATURES_MISSING,
                   _("No model features are stored for “%s”; run the model over it first"),
                   icto_recording_get_path (rec));
      return FALSE;
    }

  {
    IctoInferenceOptions opts = { 0 };
    guint first = c->starts->len;

    opts.n_threads = options->n_threads;
    if (!icto_inference_run (rec, model, &opts, collect_window_cb, collect_progress_cb, c, cancellable, error))
      return FALSE;
    if (store != NULL && c->starts->len > first)
      {
        g_autoptr(GError) local = NULL;

        if (run_id <= 0)
          run_id = icto_result_cache_ensure_run (store, icto_recording_get_fingerprint (rec), model_hash,
                                                 labels, n_sig, SETTINGS, &local);
        if (run_id <= 0 ||
            !icto_result_cache_put_features (store, run_id, &g_array_index (c->starts, gint64, first),
                                             &g_array_index (c->features, float, (gsize) first * c->D),
                                             c->starts->len - first, (guint) c->D, &local))
          g_debug ("Window features not cached: %s", local ? local->message : "?");
      }
  }
  return TRUE;
}

/* ---- metrics ----------------------------------------------------------------- */

static void
add_event_metrics (const IctoHeadTrainRecording *r,
                   const float                  *prob,
                   IctoHeadEventMetrics         *m,
                   double                       *total_s)
{
  guint n_seg = (guint) floor (r->duration_s / SEGMENT_S + 1e-9);
  g_autofree float *seg = g_new (float, MAX (n_seg, 1));
  g_autoptr(GArray) hyp = NULL;
  IctoScoringParams params;
  IctoEventScore score;

  for (guint k = 0; k < n_seg; k++)
    seg[k] = NAN;
  for (guint i = 0; i < r->n_windows; i++)
    {
      long k = lround (r->end_s[i] / SEGMENT_S) - 1;

      if (k >= 0 && (guint) k < n_seg && r->label[i] != ICTO_HEAD_LABEL_NONE)
        seg[k] = prob[i];
    }
  hyp = icto_detect_events (seg, n_seg, SEGMENT_S, THRESHOLD, 0.0);
  icto_scoring_params_init (&params);
  icto_score_events (r->events, hyp, r->duration_s, &params, &score);
  m->true_positives += score.true_positives;
  m->n_events += score.n_ref;
  m->false_positives += score.false_positives;
  *total_s += r->duration_s;
}

static void
finish_event_metrics (IctoHeadEventMetrics *m,
                      double                total_s)
{
  m->sensitivity = m->n_events > 0 ? (double) m->true_positives / m->n_events : NAN;
  m->fa_per_24h = total_s > 0 ? m->false_positives * 86400.0 / total_s : NAN;
}

/* ---- summary ----------------------------------------------------------------- */

static void
add_double (JsonBuilder *b,
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
add_events (JsonBuilder                *b,
            const char                 *name,
            double                      auroc,
            const IctoHeadEventMetrics *m)
{
  json_builder_set_member_name (b, name);
  json_builder_begin_object (b);
  add_double (b, "auroc", auroc);
  add_double (b, "event_sensitivity", m->sensitivity);
  add_double (b, "false_alarms_per_24h", m->fa_per_24h);
  json_builder_set_member_name (b, "events");
  json_builder_add_int_value (b, m->n_events);
  json_builder_set_member_name (b, "events_detected");
  json_builder_add_int_value (b, m->true_positives);
  json_builder_set_member_name (b, "false_alarms");
  json_builder_add_int_value (b, m->false_positives);
  add_double (b, "threshold", THRESHOLD);
  json_builder_end_object (b);
}

static void
add_strv (JsonBuilder        *b,
          const char         *name,
          const char * const *v)
{
  json_builder_set_member_name (b, name);
  if (v == NULL)
    {
      json_builder_add_null_value (b);
      return;
    }
  json_builder_begin_array (b);
  for (; *v != NULL; v++)
    json_builder_add_string_value (b, *v);
  json_builder_end_array (b);
}

static char *
build_summary (const IctoHeadTrainResult  *res,
               const IctoHeadTrainOptions *options)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *created = g_date_time_format_iso8601 (now);
  g_autofree char *model_name = g_path_get_basename (res->model_path);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "format");
  json_builder_add_string_value (b, "ictoscope-head-training-1");
  json_builder_set_member_name (b, "created");
  json_builder_add_string_value (b, created);
  json_builder_set_member_name (b, "model");
  json_builder_add_string_value (b, model_name);
  json_builder_set_member_name (b, "model_sha256");
  json_builder_add_string_value (b, res->model_hash);
  json_builder_set_member_name (b, "rater");
  if (options->rater != NULL)
    json_builder_add_string_value (b, options->rater);
  else
    json_builder_add_null_value (b);
  add_strv (b, "positive_labels", options->positive_labels);
  add_strv (b, "negative_labels", options->negative_labels);
  json_builder_set_member_name (b, "label_rule");
  json_builder_add_string_value (b, options->positive_labels != NULL
                                 ? "positive when a positive annotation meets the last 5-s segment"
                                 : "positive when a seizure annotation meets the last 5-s segment");
  json_builder_set_member_name (b, "recordings");
  json_builder_begin_array (b);
  for (guint i = 0; i < res->recordings->len; i++)
    {
      const IctoHeadTrainRecording *r = g_ptr_array_index (res->recordings, i);
      g_autofree char *name = g_path_get_basename (r->path);

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "name");
      json_builder_add_string_value (b, name);
      json_builder_set_member_name (b, "fingerprint");
      json_builder_add_string_value (b, r->fingerprint);
      add_double (b, "duration_s", r->duration_s);
      json_builder_set_member_name (b, "windows");
      json_builder_add_int_value (b, r->n_windows);
      json_builder_set_member_name (b, "positive_windows");
      json_builder_add_int_value (b, r->n_positive);
      json_builder_set_member_name (b, "negative_windows");
      json_builder_add_int_value (b, r->n_negative);
      json_builder_set_member_name (b, "seizures");
      json_builder_add_int_value (b, r->events->len);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_set_member_name (b, "windows");
  json_builder_add_int_value (b, res->n_windows);
  json_builder_set_member_name (b, "positive_windows");
  json_builder_add_int_value (b, res->n_positive);
  json_builder_set_member_name (b, "features");
  json_builder_add_string_value (b, "channel mean of the last time step's hidden states (spec 7.1)");
  json_builder_set_member_name (b, "training");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "method");
  json_builder_add_string_value (b, "L2 logistic regression, class-balanced, no bias, standardised features folded into the weights");
  add_double (b, "C", res->C);
  json_builder_set_member_name (b, "folds");
  json_builder_add_int_value (b, res->n_folds);
  json_builder_set_member_name (b, "fold_groups");
  json_builder_add_string_value (b, res->folds == ICTO_HEAD_FOLDS_RECORDINGS ? "recordings" : "seizures");
  json_builder_set_member_name (b, "grid");
  json_builder_begin_array (b);
  for (guint c = 0; c < res->n_c; c++)
    {
      json_builder_begin_object (b);
      add_double (b, "C", res->c_grid[c]);
      add_double (b, "cv_auroc", res->c_auroc[c]);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  add_events (b, "cv", res->cv_auroc, &res->cv_events);
  if (res->has_model_head)
    add_events (b, "model_head", res->model_auroc, &res->model_events);
  json_builder_end_object (b);

  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  return json_generator_to_data (gen, NULL);
}

/* ---- training ---------------------------------------------------------------- */

typedef struct {
  ProgressFunc  progress;
  gpointer      user_data;
  GCancellable *cancellable;
} FitProgress;

static gboolean
fit_progress_cb (double   fraction,
                 gpointer user_data)
{
  FitProgress *fp = user_data;

  if (fp->progress != NULL)
    fp->progress (FEATURE_SHARE + (1 - FEATURE_SHARE) * fraction, fp->user_data);
  return !g_cancellable_is_cancelled (fp->cancellable);
}

static int
compare_event (gconstpointer a,
               gconstpointer b)
{
  const IctoEvent *ea = a, *eb = b;

  return ea->start_s < eb->start_s ? -1 : ea->start_s > eb->start_s;
}

IctoHeadTrainResult *
icto_head_train_run (const IctoHeadTrainOptions  *options,
                     ProgressFunc                 progress,
                     gpointer                     user_data,
                     GCancellable                *cancellable,
                     GError                     **error)
{
  g_autoptr(IctoHeadTrainResult) res = NULL;
  g_autoptr(IctoModel) model = NULL;
  g_autoptr(IctoStore) store = NULL;
  g_autoptr(IctoLogregCV) cv = NULL;
  g_autofree char *store_path = NULL;
  g_autofree float *X = NULL;
  g_autofree guint8 *y = NULL;
  g_autofree guint *groups = NULL;
  g_autofree double *v = NULL;
  g_autofree double *model_scores = NULL;
  g_autofree guint8 *model_y = NULL;
  g_autoptr(GPtrArray) features = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);
  LabelInfo li = { 0 };
  IctoLogregOptions lopt;
  FitProgress fp = { progress, user_data, cancellable };
  const float *head;
  guint n_rec, n_rec_pos = 0, n_used = 0, row = 0;
  double total_s = 0;
  int D;

  g_return_val_if_fail (options != NULL, NULL);

  n_rec = options->recordings ? g_strv_length ((char **) options->recordings) : 0;
  if (n_rec == 0)
    {
      g_set_error (error, ICTO_CORE_ERROR, ICTO_CORE_ERROR_INVALID, _("No recording to train on"));
      return NULL;
    }

  res = g_new0 (IctoHeadTrainResult, 1);
  res->recordings = g_ptr_array_new_with_free_func ((GDestroyNotify) recording_free);
  res->model_path = options->model_path ? g_strdup (options->model_path) : icto_inference_default_model_path ();
  if (res->model_path == NULL)
    {
      g_set_error (error, ICTO_CORE_ERROR, ICTO_CORE_ERROR_INVALID,
                   _("No model file found; give one (--model or ICTO_MODEL_PATH)"));
      return NULL;
    }
  model = icto_model_load (res->model_path, NULL, NULL, error);
  if (model == NULL)
    return NULL;
  res->model_hash = icto_model_file_hash (res->model_path, error);
  if (res->model_hash == NULL)
    return NULL;
  D = res->n_embd = icto_model_get_config (model)->n_embd;
  head = icto_model_get_classification_head (model);
  res->has_model_head = head != NULL;

  store_path = options->store_path ? g_strdup (options->store_path) : icto_store_default_path ();
  store = icto_store_open (store_path, error);
  if (store == NULL)
    return NULL;
  label_info_init (&li, store);
  for (const char * const *set = options->positive_labels; set != NULL && *set != NULL; set++)
    {
      g_autoptr(IctoLabel) l = icto_store_get_label (store, NULL, *set, NULL);

      if (l == NULL)
        {
          g_set_error (error, ICTO_CORE_ERROR, ICTO_CORE_ERROR_INVALID,
                       _("Unknown label “%s”"), *set);
          label_info_clear (&li);
          return NULL;
        }
    }
  for (const char * const *set = options->negative_labels; set != NULL && *set != NULL; set++)
    {
      g_autoptr(IctoLabel) l = icto_store_get_label (store, NULL, *set, NULL);

      if (l == NULL || in_set (options->positive_labels, *set))
        {
          g_set_error (error, ICTO_CORE_ERROR, ICTO_CORE_ERROR_INVALID,
                       l == NULL ? _("Unknown label “%s”") : _("Label “%s” is in both label sets"), *set);
          label_info_clear (&li);
          return NULL;
        }
    }

  /* features and labels, recording by recording */
  for (guint ri = 0; ri < n_rec; ri++)
    {
      g_autoptr(IctoRecording) rec = NULL;
      g_autoptr(IctoHeadTrainRecording) r = g_new0 (IctoHeadTrainRecording, 1);
      g_autoptr(GPtrArray) pos = g_ptr_array_new ();
      g_autoptr(GPtrArray) neg = g_ptr_array_new ();
      g_autoptr(GPtrArray) annotations = NULL;
      Collect c = { 0 };
      gint64 rec_id;
      int T;

      rec = icto_recording_open (options->recordings[ri], error);
      if (rec == NULL)
        {
          label_info_clear (&li);
          return NULL;
        }
      r->path = g_strdup (options->recordings[ri]);
      r->fingerprint = g_strdup (icto_recording_get_fingerprint (rec));
      r->duration_s = icto_ticks_to_seconds (icto_recording_get_duration (rec));
      r->events = g_array_new (FALSE, FALSE, sizeof (IctoEvent));
      expected_windows (r->duration_s, &T);

      c.starts = g_array_new (FALSE, FALSE, sizeof (gint64));
      c.features = g_array_new (FALSE, FALSE, sizeof (float));
      c.D = D;
      c.progress = progress;
      c.user_data = user_data;
      c.base = FEATURE_SHARE * ri / n_rec;
      c.span = FEATURE_SHARE / n_rec;
      if (!load_features (rec, model, res->model_hash, store, options, &c, &r->n_cached, cancellable, error))
        {
          g_array_unref (c.starts);
          g_array_unref (c.features);
          label_info_clear (&li);
          return NULL;
        }
      r->n_windows = c.starts->len;
      if (r->n_windows == 0)
        {
          g_array_unref (c.starts);
          g_array_unref (c.features);
          g_set_error (error, ICTO_CORE_ERROR, ICTO_CORE_ERROR_FEATURES_MISSING,
                       _("No model window could be computed for “%s” (it needs at least 5 s of "
                         "continuous, finite data)"), r->path);
          label_info_clear (&li);
          return NULL;
        }
      if (progress != NULL)
        progress (FEATURE_SHARE * (ri + 1) / n_rec, user_data);

      /* annotations of the rater */
      rec_id = icto_store_find_recording (store, r->fingerprint, NULL);
      if (rec_id > 0)
        {
          const char *raters[] = { options->rater, NULL };

          annotations = icto_store_list (store, rec_id, G_MININT64, G_MAXINT64,
                                         options->rater ? raters : NULL, error);
          if (annotations == NULL)
            {
              g_array_unref (c.starts);
              g_array_unref (c.features);
              label_info_clear (&li);
              return NULL;
            }
          for (guint k = 0; k < annotations->len; k++)
            {
              IctoAnnotation *a = g_ptr_array_index (annotations, k);

              if (options->positive_labels != NULL ? in_set (options->positive_labels, a->label)
                                                   : is_seizure (store, &li, a))
                g_ptr_array_add (pos, a);
              else if (in_set (options->negative_labels, a->label))
                g_ptr_array_add (neg, a);
            }
        }
      /* reference events: the positive annotations, merged where they overlap */
      for (guint k = 0; k < pos->len; k++)
        {
          const IctoAnnotation *a = g_ptr_array_index (pos, k);
          IctoEvent e = { icto_ticks_to_seconds (a->onset),
                          icto_ticks_to_seconds (a->onset + a->duration), NAN };

          g_array_append_val (r->events, e);
        }
      g_array_sort (r->events, compare_event);
      for (guint k = 1; k < r->events->len; )
        {
          IctoEvent *prev = &g_array_index (r->events, IctoEvent, k - 1);
          const IctoEvent *cur = &g_array_index (r->events, IctoEvent, k);

          if (cur->start_s <= prev->end_s)
            {
              prev->end_s = MAX (prev->end_s, cur->end_s);
              g_array_remove_index (r->events, k);
            }
          else
            k++;
        }

      r->end_s = g_new (double, r->n_windows);
      r->label = g_new (guint8, r->n_windows);
      r->cv_prob = g_new (float, r->n_windows);
      r->model_prob = g_new (float, r->n_windows);
      for (guint w = 0; w < r->n_windows; w++)
        {
          gint64 start = g_array_index (c.starts, gint64, w);
          gint64 seg_end = start + icto_seconds_to_ticks (T * SEGMENT_S);
          gint64 seg_start = seg_end - icto_seconds_to_ticks (SEGMENT_S);
          gboolean is_pos = FALSE, is_neg = options->negative_labels == NULL;
          const float *x = &g_array_index (c.features, float, (gsize) w * D);

          r->end_s[w] = icto_ticks_to_seconds (seg_end);
          for (guint k = 0; !is_pos && k < pos->len; k++)
            {
              const IctoAnnotation *a = g_ptr_array_index (pos, k);

              is_pos = a->onset + a->duration >= seg_start && a->onset <= seg_end;
            }
          for (guint k = 0; !is_pos && !is_neg && k < neg->len; k++)
            {
              const IctoAnnotation *a = g_ptr_array_index (neg, k);

              is_neg = a->onset + a->duration >= seg_start && a->onset <= seg_end;
            }
          r->label[w] = is_pos ? 1 : is_neg ? 0 : ICTO_HEAD_LABEL_NONE;
          r->n_positive += is_pos;
          r->n_negative += !is_pos && is_neg;
          r->cv_prob[w] = NAN;
          r->model_prob[w] = NAN;
          if (head != NULL)
            {
              double f = 0;

              for (int i = 0; i < D; i++)
                f += ((double) head[D + i] - head[i]) * x[i];
              r->model_prob[w] = (float) (1.0 / (1.0 + exp (-f)));
            }
        }
      n_rec_pos += r->n_positive > 0;
      n_used += r->n_positive + r->n_negative;
      res->n_positive += r->n_positive;
      g_array_unref (c.starts);
      g_ptr_array_add (features, c.features);
      g_ptr_array_add (res->recordings, g_steal_pointer (&r));
    }
  label_info_clear (&li);

  /* the training matrix and the folds' groups */
  res->folds = n_rec_pos >= 2 ? ICTO_HEAD_FOLDS_RECORDINGS : ICTO_HEAD_FOLDS_SEIZURES;
  res->n_windows = n_used;
  X = g_new (float, MAX ((gsize) n_used * D, 1));
  y = g_new (guint8, MAX (n_used, 1));
  groups = g_new (guint, MAX (n_used, 1));
  for (guint ri = 0; ri < res->recordings->len; ri++)
    {
      const IctoHeadTrainRecording *r = g_ptr_array_index (res->recordings, ri);
      GArray *f = g_ptr_array_index (features, ri);

      for (guint w = 0; w < r->n_windows; w++)
        {
          guint g = 0;

          if (r->label[w] == ICTO_HEAD_LABEL_NONE)
            continue;
          if (res->folds == ICTO_HEAD_FOLDS_SEIZURES)
            {
              /* the nearest seizure of the recording */
              double mid = r->end_s[w] - SEGMENT_S / 2, best = G_MAXDOUBLE;

              for (guint k = 0; k < r->events->len; k++)
                {
                  const IctoEvent *e = &g_array_index (r->events, IctoEvent, k);
                  double dist = mid < e->start_s ? e->start_s - mid : mid > e->end_s ? mid - e->end_s : 0;

                  if (dist < best)
                    {
                      best = dist;
                      g = k;
                    }
                }
            }
          memcpy (X + (gsize) row * D, &g_array_index (f, float, (gsize) w * D), sizeof (float) * D);
          y[row] = r->label[w];
          groups[row] = ri * 65536u + g;
          row++;
        }
    }
  g_assert (row == n_used);

  icto_logreg_options_init (&lopt);
  lopt.min_positives = MIN_POSITIVES;
  lopt.progress = fit_progress_cb;
  lopt.user_data = &fp;
  cv = icto_logreg_cross_validate (X, n_used, (guint) D, y, groups, &lopt, error);
  if (cv == NULL)
    {
      if (error != NULL && *error != NULL &&
          g_error_matches (*error, ICTO_MODEL_ERROR, ICTO_MODEL_ERROR_CANCELLED))
        {
          g_clear_error (error);
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, _("Operation was cancelled"));
        }
      else if (g_cancellable_is_cancelled (cancellable))
        {
          g_clear_error (error);
          g_cancellable_set_error_if_cancelled (cancellable, error);
        }
      return NULL;
    }
  res->n_folds = cv->n_folds;
  res->C = cv->C;
  res->cv_auroc = cv->auroc;
  res->n_c = cv->n_c;
  res->c_grid = g_memdup2 (cv->c_grid, sizeof (double) * cv->n_c);
  res->c_auroc = g_memdup2 (cv->cv_auroc, sizeof (double) * cv->n_c);

  /* the head: logit(seizure) - logit(other) = v . x, split evenly over the rows */
  v = g_new (double, D);
  icto_logreg_fold (cv->model, v, NULL);
  res->weight = g_new (float, 2 * D);
  for (int i = 0; i < D; i++)
    {
      res->weight[i] = (float) (-v[i] / 2);
      res->weight[D + i] = (float) (v[i] / 2);
    }

  /* metrics on the same windows */
  model_scores = g_new (double, MAX (n_used, 1));
  model_y = g_new (guint8, MAX (n_used, 1));
  row = 0;
  for (guint ri = 0; ri < res->recordings->len; ri++)
    {
      IctoHeadTrainRecording *r = g_ptr_array_index (res->recordings, ri);

      for (guint w = 0; w < r->n_windows; w++)
        if (r->label[w] != ICTO_HEAD_LABEL_NONE)
          {
            r->cv_prob[w] = (float) cv->prob[row];
            model_scores[row] = r->model_prob[w];
            model_y[row] = r->label[w];
            row++;
          }
      add_event_metrics (r, r->cv_prob, &res->cv_events, &total_s);
      if (head != NULL)
        {
          double unused = 0;

          add_event_metrics (r, r->model_prob, &res->model_events, &unused);
        }
    }
  finish_event_metrics (&res->cv_events, total_s);
  finish_event_metrics (&res->model_events, total_s);
  res->model_auroc = head != NULL ? icto_logreg_auroc (model_scores, model_y, n_used) : NAN;
  res->summary_json = build_summary (res, options);
  if (progress != NULL)
    progress (1.0, user_data);
  return g_steal_pointer (&res);
}

gboolean
icto_head_train_result_write (const IctoHeadTrainResult  *result,
                              const char                 *path,
                              GError                    **error)
{
  g_return_val_if_fail (result != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  return icto_model_write_head (path, result->n_embd, result->weight, result->summary_json, error);
}

/* ---- probabilities with a head file ------------------------------------------ */

typedef struct {
  float *seg;
  guint  n_seg;
} SegProbs;

static gboolean
seg_window_cb (const IctoInferenceWindow *window,
               gpointer                   user_data)
{
  SegProbs *sp = user_data;
  long k = lround (window->end_s / SEGMENT_S) - 1;

  if (k >= 0 && (gulong) k < sp->n_seg)
    sp->seg[k] = window->seizure_prob;
  return TRUE;
}

float *
icto_head_segment_probabilities (IctoRecording  *recording,
                                 const char     *model_path,
                                 const char     *head_path,
                                 const guint    *channels,
                                 guint           n_channels,
                                 int             n_threads,
                                 guint          *n_segments,
                                 char          **model_hash,
                                 GCancellable   *cancellable,
                                 GError        **error)
{
  g_autoptr(IctoModel) model = NULL;
  g_autofree char *mh = NULL;
  g_autofree char *hh = NULL;
  g_autofree float *seg = NULL;
  IctoInferenceOptions opts = { 0 };
  SegProbs sp;
  guint n;

  g_return_val_if_fail (ICTO_IS_RECORDING (recording), NULL);
  g_return_val_if_fail (model_path != NULL && head_path != NULL, NULL);
  g_return_val_if_fail (n_segments != NULL, NULL);

  model = icto_model_load (model_path, head_path, NULL, error);
  if (model == NULL)
    return NULL;
  if (model_hash != NULL &&
      ((mh = icto_model_file_hash (model_path, error)) == NULL ||
       (hh = icto_model_file_hash (head_path, error)) == NULL))
    return NULL;
  n = (guint) floor (icto_ticks_to_seconds (icto_recording_get_duration (recording)) / SEGMENT_S + 1e-9);
  seg = g_new (float, MAX (n, 1));
  for (guint k = 0; k < n; k++)
    seg[k] = NAN;
  sp.seg = seg;
  sp.n_seg = n;
  opts.channels = n_channels > 0 ? channels : NULL;
  opts.n_channels = n_channels;
  opts.n_threads = n_threads;
  if (!icto_inference_run (recording, model, &opts, seg_window_cb, NULL, &sp, cancellable, error))
    return NULL;
  *n_segments = n;
  if (model_hash != NULL)
    *model_hash = g_strdup_printf ("%s+head:%s", mh, hh);
  return g_steal_pointer (&seg);
}

/* ---- async ------------------------------------------------------------------- */

typedef struct {
  char  **recordings;
  char   *model_path;
  char   *store_path;
  char   *rater;
  char  **positive_labels;
  char  **negative_labels;
  gboolean cached_only;
  int      n_threads;
  IctoJob *job;
} TaskData;

static void
task_data_free (TaskData *td)
{
  g_strfreev (td->recordings);
  g_free (td->model_path);
  g_free (td->store_path);
  g_free (td->rater);
  g_strfreev (td->positive_labels);
  g_strfreev (td->negative_labels);
  g_clear_object (&td->job);
  g_free (td);
}

static void
job_progress_cb (double   fraction,
                 gpointer user_data)
{
  icto_job_set_fraction (user_data, fraction);
}

static void
train_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  TaskData *td = task_data;
  IctoHeadTrainOptions o = { 0 };
  GError *error = NULL;
  IctoHeadTrainResult *res;

  o.recordings = (const char * const *) td->recordings;
  o.model_path = td->model_path;
  o.store_path = td->store_path;
  o.rater = td->rater;
  o.positive_labels = (const char * const *) td->positive_labels;
  o.negative_labels = (const char * const *) td->negative_labels;
  o.cached_only = td->cached_only;
  o.n_threads = td->n_threads;
  res = icto_head_train_run (&o, job_progress_cb, td->job, cancellable, &error);
  if (res == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, res, (GDestroyNotify) icto_head_train_result_free);
}

void
icto_head_train_async (const IctoHeadTrainOptions  *options,
                       IctoJob                     *job,
                       GAsyncReadyCallback          callback,
                       gpointer                     user_data)
{
  g_autoptr(GTask) task = NULL;
  TaskData *td;

  g_return_if_fail (options != NULL);
  g_return_if_fail (ICTO_IS_JOB (job));

  td = g_new0 (TaskData, 1);
  td->recordings = g_strdupv ((char **) options->recordings);
  td->model_path = g_strdup (options->model_path);
  td->store_path = g_strdup (options->store_path);
  td->rater = g_strdup (options->rater);
  td->positive_labels = g_strdupv ((char **) options->positive_labels);
  td->negative_labels = g_strdupv ((char **) options->negative_labels);
  td->cached_only = options->cached_only;
  td->n_threads = options->n_threads;
  td->job = g_object_ref (job);
  task = g_task_new (NULL, icto_job_get_cancellable (job), callback, user_data);
  g_task_set_source_tag (task, icto_head_train_async);
  g_task_set_task_data (task, td, (GDestroyNotify) task_data_free);
  g_task_run_in_thread (task, train_thread);
}

IctoHeadTrainResult *
icto_head_train_finish (GAsyncResult  *result,
                        GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}
