/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-overlays"

#include "config.h"

#include <adwaita.h>
#include <math.h>
#include <string.h>

#include "app/icto-annotation-dialog.h"
#include "app/icto-application.h"
#include "app/icto-window-annotations.h"
#include "app/icto-window-overlays.h"
#include "app/icto-window-private.h"
#include "core/icto-scoring.h"
#include "icto-gui-test.h"
#include "icto-test-util.h"
#include "store/icto-result-cache.h"

static IctoApplication *app;

/* Runs the main loop until @expr holds, @seconds at most, then asserts it. */
#define WAIT_LONG(expr, seconds) G_STMT_START {                                 \
    gint64 _deadline = g_get_monotonic_time () + (seconds) * G_USEC_PER_SEC;    \
    while (!(expr) && g_get_monotonic_time () < _deadline)                      \
      if (!g_main_context_iteration (NULL, FALSE))                              \
        g_usleep (2000);                                                        \
    g_assert_true (expr);                                                       \
  } G_STMT_END

static void
open_finished_cb (IctoWindow *window,
                  gboolean    success,
                  gpointer    data)
{
  *(int *) data = success ? 1 : 0;
}

static IctoWindow *
open_demo (void)
{
  g_autofree char *path = icto_test_build_path ("models/demo.edf");
  g_autoptr(GFile) file = g_file_new_for_path (path);
  IctoWindow *window;
  int result = -1;

  g_assert_true (g_file_test (path, G_FILE_TEST_EXISTS));
  window = icto_window_new (app);
  gtk_window_set_default_size (GTK_WINDOW (window), 1600, 900);
  gtk_window_present (GTK_WINDOW (window));
  g_signal_connect (window, "open-finished", G_CALLBACK (open_finished_cb), &result);
  icto_window_open (window, file);
  ICTO_GUI_WAIT_FOR (result >= 0);
  g_assert_cmpint (result, ==, 1);
  return window;
}

/* TRUE when every segment of the page in view that can have a value has one. */
static gboolean
page_computed (IctoWindow *window)
{
  IctoInferenceWorker *worker = _icto_window_overlays_get_worker (window);
  IctoSession *session = icto_window_get_session (window);
  guint k0 = (guint) (icto_session_get_start (session) / ICTO_TICKS_PER_SECOND / 5);
  guint k1 = (guint) ((icto_session_get_start (session) + icto_session_get_page_ticks (session)) /
                      ICTO_TICKS_PER_SECOND / 5);
  guint done = 0;

  for (guint k = k0; k < k1 && k < icto_inference_worker_get_n_segments (worker); k++)
    {
      IctoSegmentState s = icto_inference_worker_get_segment_state (worker, k);
      if (s == ICTO_SEGMENT_PENDING)
        return FALSE;
      done += s == ICTO_SEGMENT_DONE;
    }
  return done > 0;
}

/* Pixels of the lane that are not background (white) or the threshold line. */
static guint
lane_coloured_pixels (IctoProbabilityLane *lane)
{
  int w = gtk_widget_get_width (GTK_WIDGET (lane));
  int h = gtk_widget_get_height (GTK_WIDGET (lane));
  cairo_surface_t *surface;
  cairo_t *cr;
  guint n = 0;

  g_assert_cmpint (w, >, 0);
  g_assert_cmpint (h, >, 0);
  surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, w, h);
  cr = cairo_create (surface);
  icto_probability_lane_draw (lane, cr, w, h);
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      {
        guint32 v = *(guint32 *) (cairo_image_surface_get_data (surface) + y * cairo_image_surface_get_stride (surface) + x * 4);
        int r = v >> 16 & 0xff, g = v >> 8 & 0xff, b = v & 0xff;
        /* blue or vermillion fill: saturated, not grey */
        n += MAX (r, MAX (g, b)) - MIN (r, MIN (g, b)) > 60;
      }
  cairo_surface_destroy (surface);
  return n;
}

/* Activates the shortcut of @widget's shortcut controllers whose trigger is @key. */
static gboolean
press_key (GtkWidget  *widget,
           const char *key)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GObject) c = g_list_model_get_item (controllers, i);

      if (!GTK_IS_SHORTCUT_CONTROLLER (c))
        continue;
      for (guint j = 0; j < g_list_model_get_n_items (G_LIST_MODEL (c)); j++)
        {
          g_autoptr(GtkShortcut) sc = g_list_model_get_item (G_LIST_MODEL (c), j);
          g_autofree char *trigger = gtk_shortcut_trigger_to_string (gtk_shortcut_get_trigger (sc));

          if (g_str_equal (trigger, key))
            return gtk_shortcut_action_activate (gtk_shortcut_get_action (sc), 0, widget, NULL);
        }
    }
  return FALSE;
}

/* The threshold giving the most detections over the values computed so far. */
static double
pick_threshold (IctoInferenceWorker *worker)
{
  guint n = icto_inference_worker_get_n_segments (worker);
  g_autofree float *probs = g_new (float, n);
  double best = 0.5;
  guint best_n = 0;

  icto_inference_worker_get_values (worker, ICTO_RESULT_PROBABILITY, 0, 0, n, probs);
  for (guint k = 0; k < n; k++)
    {
      g_autoptr(GArray) events = NULL;

      if (isnan (probs[k]))
        continue;
      events = icto_detect_events (probs, n, 5.0, probs[k], 90.0);
      if (events->len > best_n)
        {
          best_n = events->len;
          best = probs[k];
        }
    }
  return best;
}

static void
test_overlays_demo (void)
{
  IctoWindow *window = open_demo ();
  IctoSession *session = icto_window_get_session (window);
  IctoTraceView *view = icto_window_get_trace_view (window);
  IctoInferenceWorker *worker = _icto_window_overlays_get_worker (window);
  IctoProbabilityLane *lane = icto_trace_view_get_probability_lane (view);
  IctoPredictionLayer *layer = icto_trace_view_get_prediction_layer (view);
  IctoAgreementStrip *strip = icto_trace_view_get_agreement_strip (view);
  g_autofree char *shot = NULL;
  gint64 page_start = (gint64) 150 * ICTO_TICKS_PER_SECOND;

  /* the bundled model is found and the worker runs on the recording */
  g_assert_nonnull (worker);
  g_assert_nonnull (icto_inference_worker_get_model (worker));
  g_assert_cmpuint (icto_inference_worker_get_n_segments (worker), ==, 60);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (lane)));

  /* a page after the first window (125 s): the worker does it first */
  icto_session_set_start (session, page_start);
  WAIT_LONG (icto_trace_view_get_page (view) != NULL &&
             icto_trace_view_get_page (view)->start == page_start, 10);
  WAIT_LONG (page_computed (window), 90);
  icto_gui_test_settle ();
  g_assert_cmpuint (lane_coloured_pixels (lane), >, 100);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (strip)));

  /* the first page has no value: no window ends before 125 s */
  g_assert_cmpint (icto_inference_worker_get_segment_state (worker, 0), ==, ICTO_SEGMENT_NO_WINDOW);

  /* the predicted continuation, toggled from the display menu's action */
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (layer)));
  g_action_group_activate_action (G_ACTION_GROUP (window), "show-prediction", NULL);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (layer)));
  WAIT_LONG (icto_prediction_layer_get_legend (layer) != NULL &&
             strstr (icto_prediction_layer_get_legend (layer), "Model prediction") != NULL, 10);
  WAIT_LONG (icto_prediction_layer_get_n_drawn (layer) > 0, 60);

  shot = icto_gui_test_screenshot (GTK_WIDGET (window), "screenshot-overlays.png");
  g_test_message ("screenshot: %s", shot);

  /* retrieval mode: the closest real past segment, labelled as such */
  g_assert_false (icto_prediction_layer_get_retrieval (layer));
  g_action_group_change_action_state (G_ACTION_GROUP (window), "prediction-mode", g_variant_new_string ("retrieve"));
  WAIT_LONG (icto_prediction_layer_get_retrieval (layer) && icto_prediction_layer_get_n_drawn (layer) > 0, 60);
  g_assert_nonnull (strstr (icto_prediction_layer_get_legend (layer), "Closest past segment"));
  g_clear_pointer (&shot, g_free);
  shot = icto_gui_test_screenshot (GTK_WIDGET (window), "screenshot-overlays-retrieval.png");
  g_test_message ("screenshot: %s", shot);
  g_action_group_change_action_state (G_ACTION_GROUP (window), "prediction-mode", g_variant_new_string ("decoded"));
  WAIT_LONG (!icto_prediction_layer_get_retrieval (layer) && icto_prediction_layer_get_n_drawn (layer) > 0, 60);
  g_assert_nonnull (strstr (icto_prediction_layer_get_legend (layer), "Model prediction (decoded)"));
  g_assert_null (icto_window_get_last_toast (window));
  gtk_window_destroy (GTK_WINDOW (window));
  icto_gui_test_settle ();
}

static void
test_overlays_triage (void)
{
  IctoWindow *window = open_demo ();
  IctoSession *session = icto_window_get_session (window);
  IctoTraceView *view = icto_window_get_trace_view (window);
  IctoInferenceWorker *worker = _icto_window_overlays_get_worker (window);
  IctoDetectionList *list = _icto_window_overlays_get_detections (window);
  GtkSingleSelection *selection = _icto_window_overlays_get_selection (window);
  GtkWidget *list_view = _icto_window_overlays_get_list_view (window);
  IctoStore *store = _icto_window_annotations_get_store (window);
  gint64 recording_id = _icto_window_annotations_get_recording (window);
  g_autoptr(GPtrArray) decisions = NULL;
  g_autoptr(GPtrArray) annotations = NULL;
  g_autoptr(IctoDetection) first = NULL;
  g_autofree char *shot = NULL;
  guint n_before;

  g_assert_nonnull (store);
  g_assert_cmpint (recording_id, >, 0);
  WAIT_LONG (icto_inference_worker_get_state (worker) == ICTO_INFERENCE_DONE, 120);

  /* a threshold that gives detections on this recording */
  icto_probability_lane_set_threshold (icto_trace_view_get_probability_lane (view), pick_threshold (worker));
  icto_gui_test_settle ();
  n_before = g_list_model_get_n_items (G_LIST_MODEL (list));
  g_assert_cmpuint (n_before, >, 0);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.detections", NULL));
  icto_gui_test_settle ();
  g_assert_true (gtk_widget_get_mapped (list_view));

  /* J selects the first and shows it; Enter (activate) shows it too */
  g_assert_true (press_key (list_view, "j"));
  g_assert_cmpuint (gtk_single_selection_get_selected (selection), ==, 0);
  first = g_object_ref (gtk_single_selection_get_selected_item (selection));
  g_assert_cmpint (icto_session_get_start (session), ==,
                   MAX (0, icto_detection_get_onset (first) - icto_session_get_page_ticks (session) / 5));
  icto_session_set_start (session, 0);
  g_signal_emit_by_name (list_view, "activate", 0);
  g_assert_cmpint (icto_session_get_start (session), ==,
                   MAX (0, icto_detection_get_onset (first) - icto_session_get_page_ticks (session) / 5));

  /* A accepts it: a seizure annotation of the current rater, onset at the start */
  g_assert_true (press_key (list_view, "a"));
  annotations = icto_store_list (store, recording_id, G_MININT64, G_MAXINT64, NULL, NULL);
  g_assert_nonnull (annotations);
  {
    IctoAnnotation *found = NULL;
    for (guint i = 0; i < annotations->len; i++)
      {
        IctoAnnotation *a = annotations->pdata[i];
        if (g_strcmp0 (a->label, "sz") == 0 && a->onset == icto_detection_get_onset (first))
          found = a;
      }
    g_assert_nonnull (found);
    g_assert_cmpint (found->duration, ==, icto_detection_get_duration (first));
    g_assert_cmpstr (found->rater, ==, icto_store_get_default_rater (store));
    g_assert_nonnull (found->seizure);
    g_assert_cmpint (found->seizure->eec, ==, found->onset);

    decisions = icto_result_cache_list_decisions (store, recording_id, NULL, NULL, NULL);
    g_assert_nonnull (decisions);
    g_assert_cmpuint (decisions->len, ==, 1);
    g_assert_cmpint (((IctoDetectionDecision *) decisions->pdata[0])->verdict, ==, ICTO_DETECTION_ACCEPTED);
    g_assert_cmpint (((IctoDetectionDecision *) decisions->pdata[0])->annotation_id, ==, found->id);
  }
  {
    g_autoptr(IctoDetection) d = g_list_model_get_item (G_LIST_MODEL (list), 0);
    g_assert_cmpint (icto_detection_get_decision (d), ==, ICTO_DETECTION_ACCEPTED);
  }

  /* the accepted detection links to its annotation: its edit dialog opens */
  {
    GtkWindow *dialog;
    guint pos = gtk_single_selection_get_selected (selection);

    gtk_single_selection_set_selected (selection, 0);
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.edit-detection-seizure", NULL));
    ICTO_GUI_WAIT_FOR ((dialog = icto_gui_test_find_toplevel (ICTO_TYPE_ANNOTATION_DIALOG, GTK_WINDOW (window))) != NULL);
    gtk_window_destroy (dialog);
    icto_gui_test_settle ();
    gtk_single_selection_set_selected (selection, pos);
  }

  /* the scoring page: the accepted detection is the rater's one seizure, detected */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.scoring", NULL));
  icto_gui_test_settle ();
  g_test_message ("%s", _icto_window_overlays_get_score_text (window));
  g_assert_nonnull (strstr (_icto_window_overlays_get_score_text (window), "Seizures of the rater: 1\n"));
  g_assert_nonnull (strstr (_icto_window_overlays_get_score_text (window), "Detected seizures: 1\n"));
  g_assert_nonnull (strstr (_icto_window_overlays_get_score_text (window), "Sensitivity: 1.00\n"));
  {
    g_autofree char *scoring = icto_gui_test_screenshot (GTK_WIDGET (window), "screenshot-scoring.png");
    g_test_message ("screenshot: %s", scoring);
  }
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.detections", NULL));
  icto_gui_test_settle ();

  /* R rejects the selected one (the next, or the same when it was the only one):
   * remembered, and no longer offered */
  {
    IctoDetection *sel = gtk_single_selection_get_selected_item (selection);
    gint64 onset = icto_detection_get_onset (sel);

    g_assert_true (press_key (list_view, "r"));
    g_clear_pointer (&decisions, g_ptr_array_unref);
    decisions = icto_result_cache_list_decisions (store, recording_id, NULL, NULL, NULL);
    {
      gboolean rejected = FALSE;
      for (guint i = 0; i < decisions->len; i++)
        {
          IctoDetectionDecision *dd = decisions->pdata[i];
          rejected |= dd->onset == onset && dd->verdict == ICTO_DETECTION_REJECTED;
        }
      g_assert_true (rejected);
    }
    for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (list)); i++)
      {
        g_autoptr(IctoDetection) d = g_list_model_get_item (G_LIST_MODEL (list), i);
        g_assert_cmpint (icto_detection_get_onset (d), !=, onset);
      }
    g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, n_before - 1);
  }

  shot = icto_gui_test_screenshot (GTK_WIDGET (window), "screenshot-triage.png");
  g_test_message ("screenshot: %s", shot);
  g_assert_null (icto_window_get_last_toast (window));
  gtk_window_destroy (GTK_WINDOW (window));
  icto_gui_test_settle ();

  /* reopened: the rejection is remembered, the cache gives the values at once */
  window = open_demo ();
  list = _icto_window_overlays_get_detections (window);
  worker = _icto_window_overlays_get_worker (window);
  WAIT_LONG (icto_inference_worker_get_state (worker) == ICTO_INFERENCE_DONE, 30);
  icto_probability_lane_set_threshold (icto_trace_view_get_probability_lane (icto_window_get_trace_view (window)),
                                       pick_threshold (worker));
  icto_gui_test_settle ();
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, n_before - 1);
  gtk_window_destroy (GTK_WINDOW (window));
  icto_gui_test_settle ();
}

/* A model that cannot be loaded: a toast says why, the overlays stay hidden. */
static void
test_overlays_no_model (void)
{
  IctoWindow *window;
  IctoTraceView *view;

  g_setenv ("ICTO_MODEL_PATH", "/nonexistent/model.safetensors", TRUE);
  window = open_demo ();
  g_unsetenv ("ICTO_MODEL_PATH");
  view = icto_window_get_trace_view (window);
  icto_gui_test_settle ();
  g_assert_nonnull (icto_window_get_last_toast (window));
  g_assert_null (icto_inference_worker_get_model (_icto_window_overlays_get_worker (window)));
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (icto_trace_view_get_probability_lane (view))));
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (icto_trace_view_get_agreement_strip (view))));
  g_action_group_activate_action (G_ACTION_GROUP (window), "show-prediction", NULL);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (icto_trace_view_get_prediction_layer (view))));
  g_action_group_activate_action (G_ACTION_GROUP (window), "show-prediction", NULL);
  gtk_window_destroy (GTK_WINDOW (window));
  icto_gui_test_settle ();
}

int
main (int    argc,
      char **argv)
{
  int ret;

  g_setenv ("GSK_RENDERER", "cairo", FALSE);
  g_setenv ("GTK_A11Y", "none", FALSE);
  g_setenv ("NO_AT_BRIDGE", "1", TRUE);
  g_setenv ("LC_ALL", "C", TRUE);
  g_test_init (&argc, &argv, NULL);

  if (!icto_gui_test_have_display ())
    return g_test_run ();

  app = icto_gui_test_app_new (".TestOverlays");
  g_test_add_func ("/app/overlays/demo", test_overlays_demo);
  g_test_add_func ("/app/overlays/triage", test_overlays_triage);
  g_test_add_func ("/app/overlays/no-model", test_overlays_no_model);
  ret = g_test_run ();
  g_clear_object (&app);
  return ret;
}
