/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "icto-window-overlays"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "app/icto-window-annotations.h"
#include "app/icto-window-overlays.h"
#include "widgets/icto-widgets-init.h"
#include "app/icto-window-private.h"
#include "core/icto-inference.h"
#include "core/icto-prediction.h"
#include "store/icto-result-cache.h"
#include "widgets/icto-score-curve.h"

#define TICKS_PER_S 10000000.0

struct _IctoWindowOverlays
{
  IctoWindow          *window;       /* not referenced: owns us */

  IctoInferenceWorker *worker;
  IctoRecording       *recording;    /* the one given to the worker */
  gboolean             model_tried;
  gboolean             model_ok;
  gboolean             failure_shown;

  /* results of the whole recording, refreshed on "segments-changed" */
  float               *probs;
  guint8              *states;
  guint                n_seg;
  guint                refresh_id;

  double               threshold;
  gboolean             show_prediction;
  gboolean             retrieve_prediction;   /* "prediction-mode": "retrieve" */
  gboolean             show_agreement;
  gboolean             show_probability;

  /* the predicted continuation on screen */
  GCancellable        *prediction_cancellable;
  char                *prediction_key;
  char                *notes;        /* the worker's notes on the documented rules */

  /* status bar */
  GtkWidget           *progress_box;
  GtkProgressBar      *progress;
  GtkLabel            *progress_label;
  GtkButton           *pause_button;
  GtkWidget           *notes_icon;

  /* the "Detections" side page */
  IctoDetectionList   *detections;
  GtkSingleSelection  *selection;
  GtkWidget           *list_view;
  GtkSpinButton       *threshold_spin;
  GtkLabel            *count_label;

  /* the "Scoring" side page */
  GtkWidget           *score_page;
  GtkDropDown         *score_rater;
  GtkStringList       *score_raters;
  GtkLabel            *score_values;
  IctoScoreCurve      *score_curve;
};

static gboolean setting_or (IctoWindow *self, const char *key, gboolean fallback);
static void     update_scoring (IctoWindow *self);

static IctoWindowOverlays *
get (IctoWindow *self)
{
  return self->overlays;
}

static gboolean
settings_has (IctoWindow *self,
              const char *key)
{
  g_autoptr(GSettingsSchema) schema = NULL;

  if (self->settings == NULL)
    return FALSE;
  g_object_get (self->settings, "settings-schema", &schema, NULL);
  return schema != NULL && g_settings_schema_has_key (schema, key);
}

static char *
format_time (double seconds)
{
  int s = (int) floor (seconds);

  return g_strdup_printf ("%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60);
}

/* ------------------------------------------------------------------ */
/* agreement strip and prediction                                       */

/* The result channel of recorded signal @signal, or -1. */
static int
channel_of_signal (IctoWindowOverlays *ov,
                   int                 signal)
{
  guint n = icto_inference_worker_get_n_channels (ov->worker);

  for (guint c = 0; c < n; c++)
    if ((int) icto_inference_worker_get_channel_signal (ov->worker, c) == signal)
      return (int) c;
  return -1;
}

/* TRUE when every displayed row is one recorded channel (As Recorded). */
static gboolean
rows_are_referential (IctoWindow *self)
{
  return icto_session_get_montage_object (self->session) == NULL;
}

static double
page_centre_s (IctoTracePage *page)
{
  return (page->start + page->duration / 2) / TICKS_PER_S;
}

/* The legend note: @extra (nullable) and the worker's notes. */
static void
set_legend_note (IctoWindowOverlays  *ov,
                 IctoPredictionLayer *layer,
                 const char          *extra)
{
  g_autofree char *note = NULL;

  if (extra != NULL && ov->notes != NULL)
    note = g_strconcat (extra, "\n", ov->notes, NULL);
  else
    note = g_strdup (extra != NULL ? extra : ov->notes);
  icto_prediction_layer_set_note (layer, note);
}

static void
update_agreement (IctoWindow *self)
{
  IctoWindowOverlays *ov = get (self);
  IctoAgreementStrip *strip = icto_trace_view_get_agreement_strip (self->trace_view);
  IctoTracePage *page = icto_trace_view_get_page (self->trace_view);
  g_autofree float *values = NULL;
  g_autofree float *contributions = NULL;
  double seg_s;
  gint64 k;

  if (!ov->model_ok || !ov->show_agreement || page == NULL || page->n_channels == 0)
    {
      gtk_widget_set_visible (GTK_WIDGET (strip), FALSE);
      return;
    }
  gtk_widget_set_visible (GTK_WIDGET (strip), TRUE);
  seg_s = icto_inference_worker_get_segment_s (ov->worker);
  k = (gint64) floor (page_centre_s (page) / seg_s);
  values = g_new (float, page->n_channels);
  contributions = g_new (float, page->n_channels);
  for (guint row = 0; row < page->n_channels; row++)
    {
      int c = rows_are_referential (self)
              ? channel_of_signal (ov, icto_session_get_row_signal (self->session, row)) : -1;

      values[row] = NAN;
      contributions[row] = NAN;
      if (c >= 0 && k >= 0)
        {
          icto_inference_worker_get_values (ov->worker, ICTO_RESULT_AGREEMENT, (guint) c, (guint) k, 1, &values[row]);
          icto_inference_worker_get_values (ov->worker, ICTO_RESULT_CONTRIBUTION, (guint) c, (guint) k, 1,
                                            &contributions[row]);
        }
    }
  icto_agreement_strip_set_contributions (strip, contributions, page->n_channels);
  icto_agreement_strip_set_values (strip, values, (const char * const *) page->labels, page->n_channels,
                                   k >= 0 ? k * seg_s : NAN);
}

typedef struct {
  IctoWindow *window;
  guint       n_rows;
  int        *row_index;   /* [n_rows]: index into the continuation, -1: none */
} PredictionRequest;

static void
prediction_request_free (PredictionRequest *req)
{
  g_object_unref (req->window);
  g_free (req->row_index);
  g_free (req);
}

static void
prediction_done_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  PredictionRequest *req = user_data;
  IctoWindow *self = req->window;
  IctoWindowOverlays *ov = get (self);
  g_autoptr(GError) error = NULL;
  g_autoptr(IctoContinuation) cont = icto_prediction_compute_full_finish (result, &error);
  IctoPredictionLayer *layer;

  if (cont == NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      prediction_request_free (req);
      return;
    }
  if (ov == NULL || self->trace_view == NULL)
    {
      prediction_request_free (req);
      return;
    }
  layer = icto_trace_view_get_prediction_layer (self->trace_view);
  if (cont == NULL)
    {
      icto_prediction_layer_set_prediction (layer, 0, 0, NULL, 0, 0);
      set_legend_note (ov, layer, error->message);
    }
  else
    {
      g_autofree float *samples = g_new (float, (gsize) req->n_rows * cont->n_samples);
      g_autofree double *sources = g_new (double, MAX (1, req->n_rows));
      /* retrieval mode: the closest real past segments, else the decoded prediction */
      const float *from = cont->source_samples != NULL ? cont->source_samples : cont->samples;

      for (guint row = 0; row < req->n_rows; row++)
        {
          float *dst = samples + (gsize) row * cont->n_samples;
          int i = req->row_index[row];

          sources[row] = NAN;
          if (i >= 0 && (guint) i < cont->n_channels)
            {
              memcpy (dst, from + (gsize) i * cont->n_samples, sizeof (float) * cont->n_samples);
              if (cont->source_s != NULL)
                sources[row] = cont->source_s[i];
            }
          else
            for (guint j = 0; j < cont->n_samples; j++)
              dst[j] = NAN;
        }
      icto_prediction_layer_set_prediction (layer, cont->start_s, cont->rate_hz, samples,
                                            req->n_rows, cont->n_samples);
      icto_prediction_layer_set_sources (layer, cont->source_s != NULL ? sources : NULL, req->n_rows);
      set_legend_note (ov, layer, NULL);
    }
  prediction_request_free (req);
}

static void
update_prediction (IctoWindow *self)
{
  IctoWindowOverlays *ov = get (self);
  IctoPredictionLayer *layer = icto_trace_view_get_prediction_layer (self->trace_view);
  IctoTracePage *page = icto_trace_view_get_page (self->trace_view);
  g_autoptr(GArray) signals = NULL;
  g_autoptr(GString) key = NULL;
  PredictionRequest *req;
  double at;

  if (!ov->model_ok || !ov->show_prediction || page == NULL || ov->recording == NULL)
    {
      gtk_widget_set_visible (GTK_WIDGET (layer), FALSE);
      g_clear_pointer (&ov->prediction_key, g_free);
      return;
    }
  gtk_widget_set_visible (GTK_WIDGET (layer), TRUE);
  if (!rows_are_referential (self))
    {
      g_cancellable_cancel (ov->prediction_cancellable);
      g_clear_pointer (&ov->prediction_key, g_free);
      icto_prediction_layer_set_prediction (layer, 0, 0, NULL, 0, 0);
      set_legend_note (ov, layer, _("Shown only for rows that are one recorded channel: choose the As Recorded montage"));
      return;
    }

  /* the segment boundary at or before the centre of the page */
  at = floor (page_centre_s (page) / 5.0) * 5.0;
  signals = g_array_new (FALSE, FALSE, sizeof (guint));
  key = g_string_new (NULL);
  g_string_append_printf (key, "%p;%.1f;%d;", (void *) ov->recording, at, ov->retrieve_prediction);
  req = g_new0 (PredictionRequest, 1);
  req->window = g_object_ref (self);
  req->n_rows = page->n_channels;
  req->row_index = g_new (int, page->n_channels);
  for (guint row = 0; row < page->n_channels; row++)
    {
      int signal = icto_session_get_row_signal (self->session, row);

      req->row_index[row] = -1;
      if (signal >= 0)
        {
          guint s = (guint) signal;
          req->row_index[row] = (int) signals->len;
          g_array_append_val (signals, s);
        }
      g_string_append_printf (key, "%d,", signal);
    }
  if (ov->prediction_key != NULL && g_str_equal (ov->prediction_key, key->str))
    {
      prediction_request_free (req);
      return;
    }
  g_free (ov->prediction_key);
  ov->prediction_key = g_strdup (key->str);
  if (ov->prediction_cancellable != NULL)
    g_cancellable_cancel (ov->prediction_cancellable);
  g_clear_object (&ov->prediction_cancellable);
  ov->prediction_cancellable = g_cancellable_new ();
  /* the old curve belongs to another time: drop it now */
  icto_prediction_layer_set_prediction (layer, 0, 0, NULL, 0, 0);
  {
    /* the legend names the mode being computed (no source times yet) */
    const double none = NAN;

    icto_prediction_layer_set_sources (layer, ov->retrieve_prediction ? &none : NULL, 0);
  }
  set_legend_note (ov, layer, _("Computing the prediction…"));
  icto_prediction_compute_full_async (ov->recording, icto_inference_worker_get_model (ov->worker),
                                      (const guint *) signals->data, signals->len, at,
                                      ov->retrieve_prediction ? ICTO_PREDICTION_RETRIEVE : ICTO_PREDICTION_DECODED,
                                      ov->prediction_cancellable, prediction_done_cb, req);
}

/* ------------------------------------------------------------------ */
/* results, progress                                                    */

static void
apply_detections (IctoWindow *self)
{
  IctoWindowOverlays *ov = get (self);
  g_autoptr(GArray) events = icto_detection_list_get_events (ov->detections);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (ov->detections));
  g_autofree char *count = NULL;

  icto_probability_lane_set_detections (icto_trace_view_get_probability_lane (self->trace_view),
                                        (const IctoEvent *) events->data, events->len);
  icto_overview_strip_set_detections (self->overview, (const IctoEvent *) events->data, events->len);
  icto_overview_strip_set_probabilities (self->overview, ov->probs, ov->n_seg,
                                         icto_inference_worker_get_segment_s (ov->worker), ov->threshold);
  count = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u detection to review", "%u detections to review", n), n);
  gtk_label_set_label (ov->count_label, count);
  update_scoring (self);
}

static void
refresh (IctoWindow *self)
{
  IctoWindowOverlays *ov = get (self);
  guint n = icto_inference_worker_get_n_segments (ov->worker);
  double seg_s = icto_inference_worker_get_segment_s (ov->worker);

  if (n != ov->n_seg)
    {
      g_free (ov->probs);
      g_free (ov->states);
      ov->n_seg = n;
      ov->probs = g_new (float, MAX (n, 1));
      ov->states = g_new (guint8, MAX (n, 1));
    }
  if (n > 0)
    icto_inference_worker_get_values (ov->worker, ICTO_RESULT_PROBABILITY, 0, 0, n, ov->probs);
  for (guint k = 0; k < n; k++)
    ov->states[k] = (guint8) icto_inference_worker_get_segment_state (ov->worker, k);

  icto_probability_lane_set_values (icto_trace_view_get_probability_lane (self->trace_view),
                                    n > 0 ? ov->probs : NULL, ov->states, n, seg_s);
  icto_detection_list_set_probabilities (ov->detections, n > 0 ? ov->probs : NULL, n, seg_s);
  apply_detections (self);
  update_agreement (self);
}

static gboolean
refresh_idle_cb (gpointer data)
{
  IctoWindow *self = data;

  get (self)->refresh_id = 0;
  refresh (self);
  return G_SOURCE_REMOVE;
}

static void
queue_refresh (IctoWindow *self)
{
  IctoWindowOverlays *ov = get (self);

  if (ov->refresh_id == 0)
    ov->refresh_id = g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, refresh_idle_cb, self, NULL);
}

static void
update_visibility (IctoWindow *self)
{
  IctoWindowOverlays *ov = get (self);

  icto_trace_view_set_model_lanes_visible (self->trace_view, ov->model_ok && ov->show_probability);
  update_agreement (self);
  update_prediction (self);
  if (!ov->model_ok)
    {
      icto_overview_strip_set_probabilities (self->overview, NULL, 0, 5.0, ov->threshold);
      icto_overview_strip_set_detections (self->overview, NULL, 0);
    }
}

static void
update_progress (IctoWindow *self)
{
  IctoWindowOverlays *ov = get (self);
  IctoInferenceState state = icto_inference_worker_get_state (ov->worker);
  double fraction = icto_inference_worker_get_fraction (ov->worker);
  g_autofree char *text = NULL;
  g_autofree char *notes = icto_inference_worker_get_notes (ov->worker);

  gtk_widget_set_visible (ov->notes_icon, ov->model_ok && notes != NULL);
  gtk_widget_set_tooltip_text (ov->notes_icon, notes);
  if (g_strcmp0 (notes, ov->notes) != 0)
    {
      g_free (ov->notes);
      ov->notes = g_strdup (notes);
    }

  if (state == ICTO_INFERENCE_FAILED)
    {
      const GError *error = icto_inference_worker_get_error (ov->worker);

      gtk_widget_set_visible (ov->progress_box, FALSE);
      if (!ov->failure_shown && error != NULL)
        {
          ov->failure_shown = TRUE;
          icto_window_show_error (self, error);
        }
      return;
    }
  if (state != ICTO_INFERENCE_RUNNING && state != ICTO_INFERENCE_PAUSED)
    {
      gtk_widget_set_visible (ov->progress_box, FALSE);
      return;
    }
  gtk_widget_set_visible (ov->progress_box, TRUE);
  gtk_progress_bar_set_fraction (ov->progress, CLAMP (fraction, 0, 1));
  if (state == ICTO_INFERENCE_PAUSED)
    /* Translators: status bar: the model's progress over the recording, paused */
    text = g_strdup_printf (_("Model paused at %.0f %%"), 100 * fraction);
  else
    {
      double left = icto_inference_worker_get_seconds_left (ov->worker);
      double rate = icto_inference_worker_get_windows_per_s (ov->worker);
      g_autofree char *eta = NULL;

      if (left < 0)
        eta = g_strdup (_("time left unknown"));
      else if (left < 60)
        /* Translators: status bar: seconds left */
        eta = g_strdup_printf (_("%.0f s left"), ceil (left));
      else
        /* Translators: status bar: minutes left */
        eta = g_strdup_printf (_("%.0f min left"), ceil (left / 60));
      /* Translators: status bar: model progress: percent done, windows per second, time left */
      text = g_strdup_printf (_("Model %.0f %%  ·  %.1f windows/s  ·  %s"), 100 * fraction, rate, eta);
    }
  gtk_label_set_label (ov->progress_label, text);
  gtk_button_set_icon_name (ov->pause_button, state == ICTO_INFERENCE_PAUSED
                            ? "media-playback-start-symbolic" : "media-playback-pause-symbolic");
  gtk_widget_set_tooltip_text (GTK_WIDGET (ov->pause_button), state == ICTO_INFERENCE_PAUSED
                               ? _("Resume the model") : _("Pause the model"));
}

static void
segments_changed_cb (IctoInferenceWorker *worker,
                     guint                first,
                     guint                n,
                     IctoWindow          *self)
{
  queue_refresh (self);
}

static void
worker_notify_cb (IctoInferenceWorker *worker,
                  GParamSpec          *pspec,
                  IctoWindow          *self)
{
  update_progress (self);
}

static void
pause_clicked_cb (GtkButton  *button,
                  IctoWindow *self)
{
  IctoWindowOverlays *ov = get (self);

  icto_inference_worker_set_paused (ov->worker,
                                    icto_inference_worker_get_state (ov->worker) != ICTO_INFERENCE_PAUSED);
  update_progress (self);
}

/* ------------------------------------------------------------------ */
/* recording, model, focus                                              */

static void
load_model (IctoWindow *self)
{
  IctoWindowOverlays *ov = get (self);
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;

  ov->model_tried = TRUE;
  if (settings_has (self, "model-path"))
    path = g_settings_get_string (self->settings, "model-path");
  if (path == NULL || *path == '\0')
    {
      g_free (path);
      path = icto_inference_default_model_path ();
    }
  if (path == NULL)
    {
      ov->model_ok = FALSE;
      return;
    }
  ov->model_ok = icto_inference_worker_set_model (ov->worker, path, &error);
  if (!ov->model_ok)
    icto_window_show_error (self, error);
}

static void
set_focus (IctoWindow *self)
{
  IctoWindowOverlays *ov = get (self);
  double start, end;

  if (ov->recording == NULL)
    return;
  start = icto_session_get_start (self->session) / TICKS_PER_S;
  end = start + icto_session_get_page_ticks (self->session) / TICKS_PER_S;
  icto_inference_worker_set_focus (ov->worker, start, end);
}

static void
load_decisions (IctoWindow *self)
{
  IctoWindowOverlays *ov = get (self);
  IctoStore *store = _icto_window_annotations_get_store (self);
  gint64 recording_id = _icto_window_annotations_get_recording (self);
  const char *hash = icto_inference_worker_get_model_hash (ov->worker);
  g_autoptr(GPtrArray) decisions = NULL;

  icto_detection_list_clear_decisions (ov->detections);
  if (store == NULL || recording_id <= 0 || hash == NULL)
    return;
  decisions = icto_result_cache_list_decisions (store, recording_id, icto_store_get_default_rater (store), hash, NULL);
  for (guint i = 0; decisions != NULL && i < decisions->len; i++)
    {
      IctoDetectionDecision *d = decisions->pdata[i];
      icto_detection_list_set_decision (ov->detections, d->onset, d->verdict, d->annotation_id);
    }
}

static void
apply_settings (IctoWindow *self)
{
  IctoWindowOverlays *ov = get (self);
  struct { const char *name; gboolean *value; } toggles[] = {
    { "show-prediction", &ov->show_prediction },
    { "show-agreement", &ov->show_agreement },
    { "show-probability", &ov->show_probability },
  };

  for (guint i = 0; i < G_N_ELEMENTS (toggles); i++)
    {
      GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self), toggles[i].name);
      *toggles[i].value = setting_or (self, toggles[i].name, *toggles[i].value);
      g_simple_action_set_state (G_SIMPLE_ACTION (action), g_variant_new_boolean (*toggles[i].value));
    }
  if (settings_has (self, "prediction-mode"))
    {
      g_autofree char *mode = g_settings_get_string (self->settings, "prediction-mode");
      GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self), "prediction-mode");

      ov->retrieve_prediction = g_str_equal (mode, "retrieve");
      g_simple_action_set_state (G_SIMPLE_ACTION (action),
                                 g_variant_new_string (ov->retrieve_prediction ? "retrieve" : "decoded"));
    }
  if (settings_has (self, "detection-threshold"))
    icto_probability_lane_set_threshold (icto_trace_view_get_probability_lane (self->trace_view),
                                         g_settings_get_double (self->settings, "detection-threshold"));
}

static void
recording_changed (IctoWindow *self)
{
  IctoWindowOverlays *ov = get (self);
  IctoRecording *rec = icto_session_get_recording (self->session);

  if (rec == ov->recording)
    return;
  g_set_object (&ov->recording, rec);
  g_clear_pointer (&ov->prediction_key, g_free);
  if (rec != NULL && !ov->model_tried)
    {
      apply_settings (self);
      load_model (self);
    }
  ov->failure_shown = FALSE;
  icto_inference_worker_set_recording (ov->worker, rec);
  set_focus (self);
  refresh (self);
  update_visibility (self);
  update_progress (self);
}

static void
session_changed_cb (IctoSession *session,
                    IctoWindow  *self)
{
  recording_changed (self);
  set_focus (self);
}

static void
open_finished_cb (IctoWindow *self,
                  gboolean    success,
                  gpointer    data)
{
  recording_changed (self);
  /* the annotation store knows the recording now */
  load_decisions (self);
  apply_detections (self);
}

static void
page_changed_cb (IctoTraceView *view,
                 IctoWindow    *self)
{
  update_agreement (self);
  update_prediction (self);
}

static void
threshold_changed_cb (IctoProbabilityLane *lane,
                      GParamSpec          *pspec,
                      IctoWindow          *self)
{
  IctoWindowOverlays *ov = get (self);
  double t = icto_probability_lane_get_threshold (lane);

  if (t == ov->threshold)
    return;
  ov->threshold = t;
  if (fabs (gtk_spin_button_get_value (ov->threshold_spin) - t) > 1e-9)
    gtk_spin_button_set_value (ov->threshold_spin, t);
  if (settings_has (self, "detection-threshold"))
    g_settings_set_double (self->settings, "detection-threshold", t);
  icto_detection_list_set_threshold (ov->detections, t);
  apply_detections (self);
}

static void
threshold_spin_cb (GtkSpinButton *spin,
                   IctoWindow    *self)
{
  icto_probability_lane_set_threshold (icto_trace_view_get_probability_lane (self->trace_view),
                                       gtk_spin_button_get_value (spin));
}

/* ------------------------------------------------------------------ */
/* triage                                                               */

static IctoDetection *
selected_detection (IctoWindow *self)
{
  return gtk_single_selection_get_selected_item (get (self)->selection);
}

static void
jump_to (IctoWindow    *self,
         IctoDetection *d)
{
  gint64 page = icto_session_get_page_ticks (self->session);

  /* the detection's start a fifth into the page: some context before it */
  icto_session_set_start (self->session, icto_detection_get_onset (d) - page / 5);
}

static void
select_relative (IctoWindow *self,
                 int         delta)
{
  IctoWindowOverlays *ov = get (self);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (ov->detections));
  guint pos = gtk_single_selection_get_selected (ov->selection);
  IctoDetection *d;

  if (n == 0)
    return;
  if (pos == GTK_INVALID_LIST_POSITION)
    pos = delta > 0 ? 0 : n - 1;
  else if (delta > 0)
    pos = MIN (pos + 1, n - 1);
  else
    pos = pos > 0 ? pos - 1 : 0;
  gtk_single_selection_set_selected (ov->selection, pos);
  gtk_widget_activate_action (ov->list_view, "list.scroll-to-item", "u", pos);
  d = selected_detection (self);
  if (d != NULL)
    jump_to (self, d);
}

static void
decide (IctoWindow *self,
        int         verdict)
{
  IctoWindowOverlays *ov = get (self);
  IctoDetection *d = selected_detection (self);
  IctoStore *store = _icto_window_annotations_get_store (self);
  gint64 recording_id = _icto_window_annotations_get_recording (self);
  const char *hash = icto_inference_worker_get_model_hash (ov->worker);
  g_autoptr(GError) error = NULL;
  g_autoptr(IctoDetection) keep = NULL;
  gint64 annotation_id = 0;
  guint pos;

  if (d == NULL)
    return;
  keep = g_object_ref (d);
  pos = gtk_single_selection_get_selected (ov->selection);
  if (store == NULL || recording_id <= 0 || hash == NULL)
    {
      g_set_error_literal (&error, G_IO_ERROR, G_IO_ERROR_NOT_INITIALIZED,
                           _("The decision cannot be saved: the annotation database is not available"));
      icto_window_show_error (self, error);
      return;
    }
  if (verdict == ICTO_DETECTION_ACCEPTED && icto_detection_get_decision (d) != ICTO_DETECTION_ACCEPTED)
    {
      g_autoptr(IctoAnnotation) a = icto_annotation_new ();

      a->recording_id = recording_id;
      a->onset = icto_detection_get_onset (d);
      a->duration = icto_detection_get_duration (d);
      a->label = g_strdup ("sz");
      a->confidence = icto_detection_get_peak (d);
      /* Translators: text of a seizure annotation made from a model detection, with its peak probability */
      a->text = g_strdup_printf (_("Model detection (peak probability %.2f)"), icto_detection_get_peak (d));
      a->seizure = icto_seizure_info_new ();
      /* the onset at the start of the detection, for the rater to refine */
      a->seizure->eec = a->onset;
      a->seizure->offset = a->onset + a->duration;
      if (!icto_store_add (store, a, &error))
        {
          icto_window_show_error (self, error);
          return;
        }
      annotation_id = a->id;
    }
  else if (verdict == ICTO_DETECTION_ACCEPTED)
    annotation_id = icto_detection_get_annotation_id (d);
  if (!icto_result_cache_set_decision (store, recording_id, NULL, hash, icto_detection_get_onset (keep),
                                       icto_detection_get_duration (keep), verdict, annotation_id, &error))
    {
      icto_window_show_error (self, error);
      return;
    }
  icto_detection_list_set_decision (ov->detections, icto_detection_get_onset (keep), verdict, annotation_id);
  apply_detections (self);
  /* on to the next one: a rejected one left the list, so the same position */
  {
    guint n = g_list_model_get_n_items (G_LIST_MODEL (ov->detections));
    if (n > 0)
      {
        if (verdict == ICTO_DETECTION_ACCEPTED)
          pos = MIN (pos + 1, n - 1);
        else
          pos = MIN (pos, n - 1);
        gtk_single_selection_set_selected (ov->selection, pos);
      }
  }
}

static void
detection_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *param)
{
  IctoWindow *self = ICTO_WINDOW (widget);
  IctoWindowOverlays *ov = get (self);

  if (ov == NULL)
    return;
  if (g_str_equal (action_name, "win.detections"))
    {
      _icto_window_show_side_page (self, "detections");
      gtk_widget_grab_focus (ov->list_view);
    }
  else if (g_str_equal (action_name, "win.next-detection"))
    select_relative (self, 1);
  else if (g_str_equal (action_name, "win.previous-detection"))
    select_relative (self, -1);
  else if (g_str_equal (action_name, "win.show-detection"))
    {
      IctoDetection *d = selected_detection (self);
      if (d != NULL)
        jump_to (self, d);
    }
  else if (g_str_equal (action_name, "win.accept-detection"))
    decide (self, ICTO_DETECTION_ACCEPTED);
  else if (g_str_equal (action_name, "win.reject-detection"))
    decide (self, ICTO_DETECTION_REJECTED);
  else if (g_str_equal (action_name, "win.edit-detection-seizure"))
    {
      IctoDetection *d = selected_detection (self);
      if (d != NULL && icto_detection_get_annotation_id (d) > 0)
        _icto_window_annotations_edit (self, icto_detection_get_annotation_id (d));
    }
  else if (g_str_equal (action_name, "win.scoring"))
    _icto_window_show_side_page (self, "scoring");
  else if (g_str_equal (action_name, "win.pause-model"))
    pause_clicked_cb (NULL, self);
}

static void
selection_changed_cb (GtkSingleSelection *selection,
                      GParamSpec         *pspec,
                      IctoWindow         *self)
{
  IctoDetection *d = gtk_single_selection_get_selected_item (selection);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.edit-detection-seizure",
                                 d != NULL && icto_detection_get_annotation_id (d) > 0);
}

static void
list_activate_cb (GtkListView *view,
                  guint        position,
                  IctoWindow  *self)
{
  IctoDetection *d = g_list_model_get_item (G_LIST_MODEL (get (self)->selection), position);

  if (d != NULL)
    {
      jump_to (self, d);
      g_object_unref (d);
    }
}

static void
row_setup_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *item,
              gpointer                  data)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  GtkWidget *time = gtk_label_new (NULL);
  GtkWidget *prob = gtk_label_new (NULL);
  GtkWidget *state = gtk_label_new (NULL);

  gtk_widget_set_hexpand (time, TRUE);
  gtk_label_set_xalign (GTK_LABEL (time), 0);
  gtk_widget_add_css_class (time, "numeric");
  gtk_widget_add_css_class (prob, "numeric");
  gtk_widget_add_css_class (state, "caption");
  gtk_box_append (GTK_BOX (box), time);
  gtk_box_append (GTK_BOX (box), prob);
  gtk_box_append (GTK_BOX (box), state);
  gtk_widget_set_margin_top (box, 4);
  gtk_widget_set_margin_bottom (box, 4);
  gtk_list_item_set_child (item, box);
}

static void
row_bind_cb (GtkSignalListItemFactory *factory,
             GtkListItem              *item,
             gpointer                  data)
{
  IctoDetection *d = gtk_list_item_get_item (item);
  GtkWidget *box = gtk_list_item_get_child (item);
  GtkWidget *time = gtk_widget_get_first_child (box);
  GtkWidget *prob = gtk_widget_get_next_sibling (time);
  GtkWidget *state = gtk_widget_get_next_sibling (prob);
  g_autofree char *t0 = format_time (icto_detection_get_start_s (d));
  g_autofree char *t1 = format_time (icto_detection_get_end_s (d));
  g_autofree char *range = g_strdup_printf ("%s – %s", t0, t1);
  g_autofree char *p = g_strdup_printf ("%.2f", icto_detection_get_peak (d));
  int decision = icto_detection_get_decision (d);

  gtk_label_set_label (GTK_LABEL (time), range);
  gtk_label_set_label (GTK_LABEL (prob), p);
  gtk_label_set_label (GTK_LABEL (state), decision == ICTO_DETECTION_ACCEPTED ? _("accepted")
                                          : decision == ICTO_DETECTION_REJECTED ? _("rejected") : "");
  gtk_widget_remove_css_class (state, "success");
  gtk_widget_remove_css_class (state, "error");
  if (decision != ICTO_DETECTION_UNDECIDED)
    gtk_widget_add_css_class (state, decision == ICTO_DETECTION_ACCEPTED ? "success" : "error");
}

static void
sort_changed_cb (GtkDropDown *drop,
                 GParamSpec  *pspec,
                 IctoWindow  *self)
{
  icto_detection_list_set_sort (get (self)->detections,
                                gtk_drop_down_get_selected (drop) == 1 ? ICTO_DETECTION_SORT_PROBABILITY
                                                                       : ICTO_DETECTION_SORT_TIME);
}

static void
show_rejected_cb (GtkCheckButton *check,
                  GParamSpec     *pspec,
                  IctoWindow     *self)
{
  icto_detection_list_set_show_rejected (get (self)->detections, gtk_check_button_get_active (check));
}

static void
add_key (GtkShortcutController *controller,
         guint                  keyval,
         const char            *action)
{
  gtk_shortcut_controller_add_shortcut (controller,
                                        gtk_shortcut_new (gtk_keyval_trigger_new (keyval, 0),
                                                          gtk_named_action_new (action)));
}

static GtkWidget *
build_triage_page (IctoWindow *self)
{
  IctoWindowOverlays *ov = get (self);
  GtkWidget *page = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *label, *scroll, *buttons, *button, *check, *hint;
  GtkDropDown *sort;
  GtkListItemFactory *factory;
  GtkEventController *keys;
  const char *sort_names[] = { _("By Time"), _("By Probability"), NULL };

  gtk_widget_set_margin_start (page, 6);
  gtk_widget_set_margin_end (page, 6);
  gtk_widget_set_margin_bottom (page, 6);

  label = gtk_label_new_with_mnemonic (_("_Threshold"));
  gtk_box_append (GTK_BOX (row), label);
  ov->threshold_spin = GTK_SPIN_BUTTON (gtk_spin_button_new_with_range (0.0, 1.0, 0.05));
  gtk_spin_button_set_digits (ov->threshold_spin, 2);
  gtk_spin_button_set_value (ov->threshold_spin, ov->threshold);
  gtk_label_set_mnemonic_widget (GTK_LABEL (label), GTK_WIDGET (ov->threshold_spin));
  gtk_widget_set_tooltip_text (GTK_WIDGET (ov->threshold_spin),
                               _("Seizure probability at or above which a segment is a detection"));
  g_signal_connect (ov->threshold_spin, "value-changed", G_CALLBACK (threshold_spin_cb), self);
  gtk_box_append (GTK_BOX (row), GTK_WIDGET (ov->threshold_spin));
  sort = GTK_DROP_DOWN (gtk_drop_down_new_from_strings (sort_names));
  gtk_widget_set_hexpand (GTK_WIDGET (sort), TRUE);
  gtk_widget_set_tooltip_text (GTK_WIDGET (sort), _("Order of the detections"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (sort), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Order of the detections"), -1);
  icto_widgets_name_search_entries (GTK_WIDGET (sort), _("Search"));
  g_signal_connect (sort, "notify::selected", G_CALLBACK (sort_changed_cb), self);
  gtk_box_append (GTK_BOX (row), GTK_WIDGET (sort));
  gtk_box_append (GTK_BOX (page), row);

  check = gtk_check_button_new_with_mnemonic (_("Show _rejected detections"));
  g_signal_connect (check, "notify::active", G_CALLBACK (show_rejected_cb), self);
  gtk_box_append (GTK_BOX (page), check);

  ov->count_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (ov->count_label, 0);
  gtk_widget_add_css_class (GTK_WIDGET (ov->count_label), "caption");
  gtk_box_append (GTK_BOX (page), GTK_WIDGET (ov->count_label));

  ov->selection = gtk_single_selection_new (G_LIST_MODEL (g_object_ref (ov->detections)));
  gtk_single_selection_set_autoselect (ov->selection, FALSE);
  gtk_single_selection_set_can_unselect (ov->selection, TRUE);
  g_signal_connect (ov->selection, "notify::selected-item", G_CALLBACK (selection_changed_cb), self);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.edit-detection-seizure", FALSE);
  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (row_setup_cb), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (row_bind_cb), NULL);
  ov->list_view = gtk_list_view_new (GTK_SELECTION_MODEL (g_object_ref (ov->selection)), factory);
  gtk_accessible_update_property (GTK_ACCESSIBLE (ov->list_view), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Model detections"), -1);
  g_signal_connect (ov->list_view, "activate", G_CALLBACK (list_activate_cb), self);
  scroll = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroll), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroll), ov->list_view);
  gtk_widget_set_vexpand (scroll, TRUE);
  gtk_box_append (GTK_BOX (page), scroll);

  buttons = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  gtk_box_set_homogeneous (GTK_BOX (buttons), TRUE);
  button = gtk_button_new_with_mnemonic (_("_Accept"));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "win.accept-detection");
  gtk_widget_set_tooltip_text (button, _("Accept as a seizure annotation (A)"));
  gtk_widget_add_css_class (button, "suggested-action");
  gtk_box_append (GTK_BOX (buttons), button);
  button = gtk_button_new_with_mnemonic (_("R_eject"));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "win.reject-detection");
  gtk_widget_set_tooltip_text (button, _("Reject: not offered again (R)"));
  gtk_box_append (GTK_BOX (buttons), button);
  gtk_box_append (GTK_BOX (page), buttons);
  button = gtk_button_new_with_mnemonic (_("_Edit the Accepted Seizure…"));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "win.edit-detection-seizure");
  gtk_widget_set_tooltip_text (button, _("Refine the onset, offset and onset zone of the seizure annotation made from this detection"));
  gtk_box_append (GTK_BOX (page), button);

  hint = gtk_label_new (_("Enter shows the detection · A accepts it as a seizure · R rejects it · J and K move to the next and previous"));
  gtk_label_set_wrap (GTK_LABEL (hint), TRUE);
  gtk_label_set_xalign (GTK_LABEL (hint), 0);
  gtk_widget_add_css_class (hint, "caption");
  gtk_widget_add_css_class (hint, "dim-label");
  gtk_box_append (GTK_BOX (page), hint);

  /* single-letter keys only while the triage list has the focus */
  keys = gtk_shortcut_controller_new ();
  gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
  add_key (GTK_SHORTCUT_CONTROLLER (keys), GDK_KEY_a, "win.accept-detection");
  add_key (GTK_SHORTCUT_CONTROLLER (keys), GDK_KEY_r, "win.reject-detection");
  add_key (GTK_SHORTCUT_CONTROLLER (keys), GDK_KEY_j, "win.next-detection");
  add_key (GTK_SHORTCUT_CONTROLLER (keys), GDK_KEY_k, "win.previous-detection");
  gtk_widget_add_controller (ov->list_view, keys);
  return page;
}


/* ------------------------------------------------------------------ */
/* scoring against a rater (SzCORE event scoring)                      */

typedef struct {
  GArray *events;        /* IctoEvent: the rater's seizures */
  GArray *eec;           /* double: EEC (or onset) of each, seconds */
  GArray *ueo;           /* double: UEO of each, NAN when not marked */
} Reference;

static void
reference_clear (Reference *ref)
{
  g_clear_pointer (&ref->events, g_array_unref);
  g_clear_pointer (&ref->eec, g_array_unref);
  g_clear_pointer (&ref->ueo, g_array_unref);
}

static gboolean
read_reference (IctoWindow  *self,
                const char  *rater,
                Reference   *ref)
{
  IctoStore *store = _icto_window_annotations_get_store (self);
  gint64 recording_id = _icto_window_annotations_get_recording (self);
  const char *raters[] = { rater, NULL };
  g_autoptr(GPtrArray) list = NULL;

  ref->events = g_array_new (FALSE, FALSE, sizeof (IctoEvent));
  ref->eec = g_array_new (FALSE, FALSE, sizeof (double));
  ref->ueo = g_array_new (FALSE, FALSE, sizeof (double));
  if (store == NULL || recording_id <= 0 || rater == NULL)
    return FALSE;
  list = icto_store_list (store, recording_id, G_MININT64, G_MAXINT64, raters, NULL);
  for (guint i = 0; list != NULL && i < list->len; i++)
    {
      IctoAnnotation *a = list->pdata[i];
      g_autoptr(IctoLabel) label = icto_store_get_label (store, NULL, a->label, NULL);
      IctoEvent e;
      double eec, ueo = NAN;

      if (label == NULL || g_strcmp0 (label->category, "seizure") != 0)
        continue;
      e.start_s = a->onset / TICKS_PER_S;
      e.end_s = (a->onset + MAX (a->duration, 0)) / TICKS_PER_S;
      e.peak_prob = NAN;
      eec = e.start_s;
      if (a->seizure != NULL && a->seizure->eec != ICTO_STORE_TIME_NONE)
        eec = a->seizure->eec / TICKS_PER_S;
      if (a->seizure != NULL && a->seizure->ueo != ICTO_STORE_TIME_NONE)
        ueo = a->seizure->ueo / TICKS_PER_S;
      g_array_append_val (ref->events, e);
      g_array_append_val (ref->eec, eec);
      g_array_append_val (ref->ueo, ueo);
    }
  return TRUE;
}

/* Mean delay from @times[i] to the start of the first detection that
 * overlaps reference event i extended by the tolerances; NAN when none. */
static double
mean_latency (const Reference         *ref,
              GArray                  *times,
              const GArray            *hyp,
              const IctoScoringParams *params)
{
  double sum = 0;
  guint n = 0;

  for (guint i = 0; i < ref->events->len; i++)
    {
      const IctoEvent *r = &g_array_index (ref->events, IctoEvent, i);
      double t = g_array_index (times, double, i);

      if (isnan (t))
        continue;
      for (guint j = 0; j < hyp->len; j++)
        {
          const IctoEvent *h = &g_array_index (hyp, IctoEvent, j);

          if (h->start_s < r->end_s + params->tolerance_end_s && h->end_s > r->start_s - params->tolerance_start_s)
            {
              sum += h->start_s - t;
              n++;
              break;
            }
        }
    }
  return n > 0 ? sum / n : NAN;
}

static char *
format_ratio (double v)
{
  return isnan (v) ? g_strdup ("—") : g_strdup_printf ("%.2f", v);
}

static void
update_scoring (IctoWindow *self)
{
  IctoWindowOverlays *ov = get (self);
  GtkStringObject *item;
  Reference ref = { 0 };
  IctoScoringParams params;
  IctoEventScore score;
  g_autoptr(GArray) hyp = NULL;
  g_autoptr(GArray) points = NULL;
  g_autofree char *sens = NULL, *prec = NULL, *f1 = NULL, *text = NULL;
  g_autofree char *eec = NULL, *ueo = NULL;
  double duration_s, seg_s, lat_eec, lat_ueo;

  if (ov == NULL || ov->score_page == NULL || !gtk_widget_get_mapped (ov->score_page))
    return;
  item = gtk_drop_down_get_selected_item (ov->score_rater);
  if (ov->recording == NULL || ov->n_seg == 0 || item == NULL ||
      !read_reference (self, gtk_string_object_get_string (item), &ref))
    {
      reference_clear (&ref);
      gtk_label_set_label (ov->score_values, _("Open a recording with model results and choose a rater."));
      icto_score_curve_set_points (ov->score_curve, NULL, 0, NAN);
      return;
    }
  icto_scoring_params_init (&params);
  duration_s = icto_recording_get_duration (ov->recording) / TICKS_PER_S;
  seg_s = icto_inference_worker_get_segment_s (ov->worker);
  hyp = icto_detect_events (ov->probs, ov->n_seg, seg_s, (float) ov->threshold, params.min_gap_s);
  icto_score_events (ref.events, hyp, duration_s, &params, &score);
  lat_eec = mean_latency (&ref, ref.eec, hyp, &params);
  lat_ueo = mean_latency (&ref, ref.ueo, hyp, &params);
  sens = format_ratio (score.sensitivity);
  prec = format_ratio (score.precision);
  f1 = format_ratio (score.f1);
  eec = isnan (lat_eec) ? g_strdup ("—") : g_strdup_printf (_("%.1f s"), lat_eec);
  ueo = isnan (lat_ueo) ? g_strdup ("—") : g_strdup_printf (_("%.1f s"), lat_ueo);
  /* Translators: the scoring page: SzCORE event scores of the model's detections against a rater */
  text = g_strdup_printf (_("Seizures of the rater: %u\n"
                            "Model detections: %u (threshold %.2f)\n"
                            "Detected seizures: %u\n"
                            "Sensitivity: %s\n"
                            "Precision: %s\n"
                            "F1: %s\n"
                            "False alarms per 24 h: %.1f\n"
                            "Mean latency from EEC: %s\n"
                            "Mean latency from UEO: %s"),
                          score.n_ref, score.n_hyp, ov->threshold, score.true_positives, sens, prec, f1,
                          score.false_alarms_per_24h, eec, ueo);
  gtk_label_set_label (ov->score_values, text);

  /* the curve over thresholds 0.05 .. 0.95 and the current one */
  points = g_array_new (FALSE, FALSE, sizeof (IctoScorePoint));
  for (int i = 0; i <= 19; i++)
    {
      double t = i < 19 ? 0.05 * (i + 1) : ov->threshold;
      g_autoptr(GArray) h = icto_detect_events (ov->probs, ov->n_seg, seg_s, (float) t, params.min_gap_s);
      IctoEventScore s;
      IctoScorePoint p;

      icto_score_events (ref.events, h, duration_s, &params, &s);
      p.threshold = t;
      p.sensitivity = s.sensitivity;
      p.false_alarms_per_24h = s.false_alarms_per_24h;
      g_array_append_val (points, p);
    }
  icto_score_curve_set_points (ov->score_curve, (const IctoScorePoint *) points->data, points->len, ov->threshold);
  reference_clear (&ref);
}

static void
refresh_raters (IctoWindow *self)
{
  IctoWindowOverlays *ov = get (self);
  IctoStore *store = _icto_window_annotations_get_store (self);
  g_auto(GStrv) raters = store ? icto_store_list_raters (store, NULL) : NULL;
  guint n = g_list_model_get_n_items (G_LIST_MODEL (ov->score_raters));
  const char *current = NULL;
  guint selected = 0;
  GtkStringObject *item = gtk_drop_down_get_selected_item (ov->score_rater);
  g_autofree char *keep = item ? g_strdup (gtk_string_object_get_string (item)) : NULL;

  current = keep ? keep : (store ? icto_store_get_default_rater (store) : NULL);
  gtk_string_list_splice (ov->score_raters, 0, n, (const char * const *) raters);
  for (guint i = 0; raters != NULL && raters[i] != NULL; i++)
    if (g_strcmp0 (raters[i], current) == 0)
      selected = i;
  gtk_drop_down_set_selected (ov->score_rater, selected);
}

static void
score_page_mapped_cb (GtkWidget  *page,
                      IctoWindow *self)
{
  refresh_raters (self);
  update_scoring (self);
}

static void
score_rater_cb (GtkDropDown *drop,
                GParamSpec  *pspec,
                IctoWindow  *self)
{
  update_scoring (self);
}

static GtkWidget *
build_scoring_page (IctoWindow *self)
{
  IctoWindowOverlays *ov = get (self);
  GtkWidget *page = gtk_box_new (GTK_ORIENTATION_VERTICAL, 8);
  GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *label, *note;

  gtk_widget_set_margin_start (page, 6);
  gtk_widget_set_margin_end (page, 6);
  gtk_widget_set_margin_bottom (page, 6);
  label = gtk_label_new_with_mnemonic (_("_Rater"));
  gtk_box_append (GTK_BOX (row), label);
  ov->score_raters = gtk_string_list_new (NULL);
  ov->score_rater = GTK_DROP_DOWN (gtk_drop_down_new (G_LIST_MODEL (ov->score_raters), NULL));
  gtk_widget_set_hexpand (GTK_WIDGET (ov->score_rater), TRUE);
  gtk_label_set_mnemonic_widget (GTK_LABEL (label), GTK_WIDGET (ov->score_rater));
  icto_widgets_name_search_entries (GTK_WIDGET (ov->score_rater), _("Search raters"));
  g_signal_connect (ov->score_rater, "notify::selected", G_CALLBACK (score_rater_cb), self);
  gtk_box_append (GTK_BOX (row), GTK_WIDGET (ov->score_rater));
  gtk_box_append (GTK_BOX (page), row);

  ov->score_values = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (ov->score_values, 0);
  gtk_label_set_selectable (ov->score_values, TRUE);
  gtk_widget_add_css_class (GTK_WIDGET (ov->score_values), "numeric");
  gtk_box_append (GTK_BOX (page), GTK_WIDGET (ov->score_values));

  ov->score_curve = ICTO_SCORE_CURVE (icto_score_curve_new ());
  gtk_widget_set_vexpand (GTK_WIDGET (ov->score_curve), TRUE);
  gtk_box_append (GTK_BOX (page), GTK_WIDGET (ov->score_curve));

  note = gtk_label_new (_("SzCORE event scoring: any overlap counts, with 30 s before and 60 s after each "
                          "seizure; events less than 90 s apart are merged and events longer than 5 min split. "
                          "The curve shows sensitivity against false alarms per 24 h for thresholds "
                          "0.05 to 0.95; the orange point is the current threshold."));
  gtk_label_set_wrap (GTK_LABEL (note), TRUE);
  gtk_label_set_xalign (GTK_LABEL (note), 0);
  gtk_widget_add_css_class (note, "caption");
  gtk_widget_add_css_class (note, "dim-label");
  gtk_box_append (GTK_BOX (page), note);

  g_signal_connect (page, "map", G_CALLBACK (score_page_mapped_cb), self);
  ov->score_page = page;
  return page;
}

/* ------------------------------------------------------------------ */
/* toggles                                                              */

static void
toggle_changed (GSimpleAction *action,
                GVariant      *value,
                gpointer       user_data)
{
  IctoWindow *self = ICTO_WINDOW (user_data);
  IctoWindowOverlays *ov = get (self);
  const char *name = g_action_get_name (G_ACTION (action));
  gboolean on = g_variant_get_boolean (value);

  if (ov == NULL)
    return;
  g_simple_action_set_state (action, value);
  if (g_str_equal (name, "show-prediction"))
    ov->show_prediction = on;
  else if (g_str_equal (name, "show-agreement"))
    ov->show_agreement = on;
  else if (g_str_equal (name, "show-probability"))
    ov->show_probability = on;
  if (settings_has (self, name))
    g_settings_set_boolean (self->settings, name, on);
  update_visibility (self);
}

/* win.prediction-mode: "decoded" (the decoded prediction) or "retrieve"
 * (the closest real past segment, core/icto-prediction.h). */
static void
prediction_mode_changed (GSimpleAction *action,
                         GVariant      *value,
                         gpointer       user_data)
{
  IctoWindow *self = ICTO_WINDOW (user_data);
  IctoWindowOverlays *ov = get (self);
  const char *mode = g_variant_get_string (value, NULL);

  if (ov == NULL || (!g_str_equal (mode, "decoded") && !g_str_equal (mode, "retrieve")))
    return;
  g_simple_action_set_state (action, value);
  ov->retrieve_prediction = g_str_equal (mode, "retrieve");
  if (settings_has (self, "prediction-mode"))
    g_settings_set_string (self->settings, "prediction-mode", mode);
  g_clear_pointer (&ov->prediction_key, g_free);
  if (self->trace_view != NULL)
    update_prediction (self);
}

static void
add_toggle (IctoWindow *self,
            const char *name,
            gboolean    on)
{
  g_autoptr(GSimpleAction) action = g_simple_action_new_stateful (name, NULL, g_variant_new_boolean (on));

  g_signal_connect (action, "change-state", G_CALLBACK (toggle_changed), self);
  g_action_map_add_action (G_ACTION_MAP (self), G_ACTION (action));
}

static gboolean
setting_or (IctoWindow *self,
            const char *key,
            gboolean    fallback)
{
  return settings_has (self, key) ? g_settings_get_boolean (self->settings, key) : fallback;
}

/* ------------------------------------------------------------------ */

void
_icto_window_overlays_class_init (GtkWidgetClass *widget_class)
{
  const char *actions[] = {
    "win.detections", "win.next-detection", "win.previous-detection", "win.show-detection",
    "win.accept-detection", "win.reject-detection", "win.pause-model", "win.scoring",
    "win.edit-detection-seizure",
  };

  for (guint i = 0; i < G_N_ELEMENTS (actions); i++)
    gtk_widget_class_install_action (widget_class, actions[i], NULL, detection_action);
}

static void
build_status (IctoWindow *self)
{
  IctoWindowOverlays *ov = get (self);

  ov->progress_box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  ov->notes_icon = gtk_image_new_from_icon_name ("dialog-information-symbolic");
  gtk_widget_set_visible (ov->notes_icon, FALSE);
  gtk_box_append (GTK_BOX (self->status_bar), ov->notes_icon);
  ov->progress_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_widget_add_css_class (GTK_WIDGET (ov->progress_label), "caption");
  gtk_widget_add_css_class (GTK_WIDGET (ov->progress_label), "numeric");
  gtk_box_append (GTK_BOX (ov->progress_box), GTK_WIDGET (ov->progress_label));
  ov->progress = GTK_PROGRESS_BAR (gtk_progress_bar_new ());
  gtk_widget_set_size_request (GTK_WIDGET (ov->progress), 80, -1);
  gtk_widget_set_valign (GTK_WIDGET (ov->progress), GTK_ALIGN_CENTER);
  gtk_box_append (GTK_BOX (ov->progress_box), GTK_WIDGET (ov->progress));
  ov->pause_button = GTK_BUTTON (gtk_button_new_from_icon_name ("media-playback-pause-symbolic"));
  gtk_widget_add_css_class (GTK_WIDGET (ov->pause_button), "flat");
  gtk_widget_add_css_class (GTK_WIDGET (ov->pause_button), "circular");
  gtk_accessible_update_property (GTK_ACCESSIBLE (ov->pause_button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                       _("Pause or resume the model"), -1);
  g_signal_connect (ov->pause_button, "clicked", G_CALLBACK (pause_clicked_cb), self);
  gtk_box_append (GTK_BOX (ov->progress_box), GTK_WIDGET (ov->pause_button));
  gtk_widget_set_visible (ov->progress_box, FALSE);
  gtk_box_append (GTK_BOX (self->status_bar), ov->progress_box);
}

void
_icto_window_overlays_init (IctoWindow *self)
{
  IctoWindowOverlays *ov = g_new0 (IctoWindowOverlays, 1);
  IctoProbabilityLane *lane;

  ov->window = self;
  self->overlays = ov;
  ov->threshold = 0.5;
  ov->worker = icto_inference_worker_new (_icto_window_annotations_get_store (self));
  ov->detections = icto_detection_list_new ();

  /* the window's settings arrive after init (icto_window_new): read them
   * when a recording opens; the defaults meanwhile */
  ov->show_prediction = FALSE;
  ov->show_agreement = TRUE;
  ov->show_probability = TRUE;
  add_toggle (self, "show-prediction", ov->show_prediction);
  add_toggle (self, "show-agreement", ov->show_agreement);
  add_toggle (self, "show-probability", ov->show_probability);
  {
    g_autoptr(GSimpleAction) mode = g_simple_action_new_stateful ("prediction-mode", G_VARIANT_TYPE_STRING,
                                                                  g_variant_new_string ("decoded"));

    g_signal_connect (mode, "change-state", G_CALLBACK (prediction_mode_changed), self);
    g_action_map_add_action (G_ACTION_MAP (self), G_ACTION (mode));
  }

  build_status (self);
  _icto_window_add_side_page (self, build_triage_page (self), "detections", _("Detections"));
  _icto_window_add_side_page (self, build_scoring_page (self), "scoring", _("Scoring"));

  lane = icto_trace_view_get_probability_lane (self->trace_view);
  g_signal_connect (lane, "notify::threshold", G_CALLBACK (threshold_changed_cb), self);
  g_signal_connect (ov->worker, "segments-changed", G_CALLBACK (segments_changed_cb), self);
  g_signal_connect (ov->worker, "notify::fraction", G_CALLBACK (worker_notify_cb), self);
  g_signal_connect (ov->worker, "notify::state", G_CALLBACK (worker_notify_cb), self);
  g_signal_connect (self->session, "changed", G_CALLBACK (session_changed_cb), self);
  g_signal_connect (self->trace_view, "page-changed", G_CALLBACK (page_changed_cb), self);
  g_signal_connect (self, "open-finished", G_CALLBACK (open_finished_cb), NULL);
}

void
_icto_window_overlays_dispose (IctoWindow *self)
{
  IctoWindowOverlays *ov = get (self);

  if (ov == NULL)
    return;
  self->overlays = NULL;
  g_clear_handle_id (&ov->refresh_id, g_source_remove);
  if (ov->prediction_cancellable != NULL)
    g_cancellable_cancel (ov->prediction_cancellable);
  g_clear_object (&ov->prediction_cancellable);
  if (self->session != NULL)
    g_signal_handlers_disconnect_by_func (self->session, session_changed_cb, self);
  if (self->trace_view != NULL)
    {
      g_signal_handlers_disconnect_by_func (self->trace_view, page_changed_cb, self);
      g_signal_handlers_disconnect_by_func (icto_trace_view_get_probability_lane (self->trace_view),
                                            threshold_changed_cb, self);
    }
  g_signal_handlers_disconnect_by_func (self, open_finished_cb, NULL);
  if (ov->worker != NULL)
    {
      g_signal_handlers_disconnect_by_data (ov->worker, self);
      icto_inference_worker_set_recording (ov->worker, NULL);
    }
  g_clear_object (&ov->worker);
  g_clear_object (&ov->recording);
  if (ov->selection != NULL)
    g_signal_handlers_disconnect_by_data (ov->selection, self);
  g_clear_object (&ov->selection);
  g_clear_object (&ov->detections);
  ov->score_page = NULL;
  g_free (ov->prediction_key);
  g_free (ov->notes);
  g_free (ov->probs);
  g_free (ov->states);
  g_free (ov);
}

IctoInferenceWorker *
_icto_window_overlays_get_worker (IctoWindow *self)
{
  return get (self) ? get (self)->worker : NULL;
}

IctoDetectionList *
_icto_window_overlays_get_detections (IctoWindow *self)
{
  return get (self) ? get (self)->detections : NULL;
}

GtkSingleSelection *
_icto_window_overlays_get_selection (IctoWindow *self)
{
  return get (self) ? get (self)->selection : NULL;
}

GtkWidget *
_icto_window_overlays_get_list_view (IctoWindow *self)
{
  return get (self) ? get (self)->list_view : NULL;
}

const char *
_icto_window_overlays_get_score_text (IctoWindow *self)
{
  return get (self) ? gtk_label_get_label (get (self)->score_values) : NULL;
}
