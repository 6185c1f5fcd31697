/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-annotations"

#include "config.h"

#include <adwaita.h>
#include <math.h>
#include <string.h>

#include "app/icto-annotation-dialog.h"
#include "app/icto-application.h"
#include "app/icto-window-annotations.h"
#include "app/icto-window.h"
#include "core/icto-page-painter.h"
#include "icto-gui-test.h"
#include "icto-test-util.h"
#include "store/icto-store-private.h"
#include "widgets/icto-annotation-layer.h"

static IctoApplication *app;

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

  /* the demo recording is built by default (models/meson.build) */
  g_assert_true (g_file_test (path, G_FILE_TEST_EXISTS));
  window = icto_window_new (app);
  gtk_window_set_default_size (GTK_WINDOW (window), 1400, 800);
  gtk_window_present (GTK_WINDOW (window));
  g_signal_connect (window, "open-finished", G_CALLBACK (open_finished_cb), &result);
  icto_window_open (window, file);
  ICTO_GUI_WAIT_FOR (result >= 0);
  g_assert_cmpint (result, ==, 1);
  ICTO_GUI_WAIT_FOR (icto_trace_view_get_page (icto_window_get_trace_view (window)) != NULL &&
                     gtk_widget_get_width (GTK_WIDGET (icto_trace_view_get_annotation_layer (
                                                         icto_window_get_trace_view (window)))) > 100);
  icto_gui_test_settle ();
  return window;
}

/* The annotation layer's drag gesture, taken on the overlay around the traces. */
static GtkGesture *
find_drag (IctoAnnotationLayer *layer)
{
  GtkWidget *overlay = gtk_widget_get_parent (GTK_WIDGET (layer));
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (overlay);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GtkEventController) c = g_list_model_get_item (controllers, i);
      if (g_strcmp0 (gtk_event_controller_get_name (c), "annotation-drag") == 0)
        return GTK_GESTURE (c);
    }
  g_assert_not_reached ();
  return NULL;
}

/* A drag as the gesture reports it (no modifier): begin, one update, end. */
static void
drag (GtkGesture *gesture,
      double      x,
      double      y,
      double      dx,
      double      dy)
{
  g_signal_emit_by_name (gesture, "drag-begin", x, y);
  if (dx != 0 || dy != 0)
    g_signal_emit_by_name (gesture, "drag-update", dx, dy);
  g_signal_emit_by_name (gesture, "drag-end", dx, dy);
}

static GPtrArray *
all_annotations (IctoStore *store,
                 gint64     rec)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *list = icto_store_list (store, rec, G_MININT64, G_MAXINT64, NULL, &error);

  g_assert_no_error (error);
  return list;
}

static IctoAnnotation *
get_annotation (IctoStore *store,
                gint64     id)
{
  g_autoptr(GError) error = NULL;
  IctoAnnotation *a = icto_store_get (store, id, &error);

  g_assert_no_error (error);
  return a;
}

static GtkWidget *
find_named (GtkWidget  *root,
            const char *name)
{
  g_autoptr(GPtrArray) all = icto_gui_test_collect (root);

  for (guint i = 0; i < all->len; i++)
    if (g_strcmp0 (gtk_widget_get_name (all->pdata[i]), name) == 0)
      return all->pdata[i];
  g_assert_not_reached ();
  return NULL;
}

static void
test_annotations_review (void)
{
  IctoWindow *window = open_demo ();
  g_autofree char *toast_at_open = g_strdup (icto_window_get_last_toast (window));
  IctoTraceView *view = icto_window_get_trace_view (window);
  IctoSession *session = icto_window_get_session (window);
  IctoAnnotationLayer *layer = icto_trace_view_get_annotation_layer (view);
  IctoStore *store = _icto_window_annotations_get_store (window);
  gint64 rec = _icto_window_annotations_get_recording (window);
  GtkGesture *gesture = find_drag (layer);
  IctoTracePage *page = icto_trace_view_get_page (view);
  double width = gtk_widget_get_width (GTK_WIDGET (layer));
  double height = gtk_widget_get_height (GTK_WIDGET (layer));
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(IctoAnnotation) a = NULL;
  g_autoptr(IctoLabel) third = NULL;
  g_autoptr(GPtrArray) labels = NULL;
  g_autofree char *first_code = NULL;
  g_auto(GStrv) accels = NULL;
  graphene_rect_t band;
  gint64 id, expect;
  IctoAnnotationDialog *dialog;

  g_assert_nonnull (store);
  g_assert_cmpint (rec, >, 0);
  /* the database is the user's one, under this test's XDG_DATA_HOME */
  g_assert_true (g_str_has_prefix (icto_store_get_path (store), icto_test_tmpdir ()));
  g_assert_cmpint (icto_store_count (store, rec, NULL), ==, 0);
  labels = icto_store_list_labels (store, NULL, NULL);
  g_assert_cmpuint (labels->len, >=, 9);
  first_code = g_strdup (((IctoLabel *) labels->pdata[0])->code);
  third = icto_label_copy (labels->pdata[2]);

  /* drag on the traces: one annotation over all channels, selected */
  drag (gesture, width * 0.2, height * 0.5, width * 0.3, 10);
  list = all_annotations (store, rec);
  g_assert_cmpuint (list->len, ==, 1);
  a = icto_annotation_copy (list->pdata[0]);
  g_clear_pointer (&list, g_ptr_array_unref);
  expect = icto_page_painter_x_to_time (page, width, width * 0.2);
  g_assert_cmpint (llabs (a->onset - expect), <=, page->duration / (gint64) width + 1);
  expect = icto_page_painter_x_to_time (page, width, width * 0.5) - a->onset;
  g_assert_cmpint (llabs (a->duration - expect), <=, 2 * page->duration / (gint64) width + 1);
  g_assert_null (a->channels);
  g_assert_cmpstr (a->label, ==, first_code);
  g_assert_cmpstr (a->rater, ==, icto_store_get_default_rater (store));
  id = a->id;
  g_assert_cmpint (icto_annotation_layer_get_selected (layer), ==, id);
  g_assert_cmpuint (icto_annotation_layer_get_n_shown (layer), ==, 1);
  g_assert_true (icto_annotation_layer_get_band (layer, id, &band));
  g_assert_cmpfloat (fabs (band.origin.x - width * 0.2), <, 2);
  g_assert_cmpfloat (fabs (band.size.width - width * 0.3), <, 2);
  g_assert_cmpfloat (band.size.height, ==, height);

  /* key 3 applies the third label to the selection (accelerator "3") */
  accels = gtk_application_get_accels_for_action (GTK_APPLICATION (app), "win.annotation-label(3)");
  g_assert_true (g_strv_contains ((const char * const *) accels, "3"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.annotation-label", "i", 3));
  g_clear_pointer (&a, icto_annotation_free);
  a = get_annotation (store, id);
  g_assert_cmpstr (a->label, ==, third->code);

  /* undo, redo */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.annotation-undo", NULL));
  g_clear_pointer (&a, icto_annotation_free);
  a = get_annotation (store, id);
  g_assert_cmpstr (a->label, ==, first_code);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.annotation-redo", NULL));
  g_clear_pointer (&a, icto_annotation_free);
  a = get_annotation (store, id);
  g_assert_cmpstr (a->label, ==, third->code);

  /* drag the end edge 100 px to the right: one edit, the onset stays */
  {
    gint64 onset = a->onset, duration = a->duration;
    guint n_undo = 0, n_undo_after = 0;

    g_assert_true (icto_store_get_history_depth (store, rec, &n_undo, NULL, NULL));
    drag (gesture, width * 0.5 + 1, height * 0.3, 100, 0);
    g_clear_pointer (&a, icto_annotation_free);
    a = get_annotation (store, id);
    g_assert_cmpint (a->onset, ==, onset);
    g_assert_cmpint (a->duration, >, duration + page->duration / (gint64) width * 95);
    g_assert_true (icto_store_get_history_depth (store, rec, &n_undo_after, NULL, NULL));
    g_assert_cmpuint (n_undo_after, ==, n_undo + 1);
  }

  /* Shift is not held in these synthetic drags: a drag elsewhere with no
   * motion is a click, which selects nothing there and sets the cursor */
  drag (gesture, width * 0.9, height * 0.5, 0, 0);
  g_assert_cmpint (icto_annotation_layer_get_selected (layer), ==, 0);
  /* a click on the band selects it again */
  drag (gesture, width * 0.3, height * 0.5, 0, 0);
  g_assert_cmpint (icto_annotation_layer_get_selected (layer), ==, id);
  /* a second click at once is a double-click: the edit dialog opens */
  g_assert_null (icto_gui_test_find_toplevel (ICTO_TYPE_ANNOTATION_DIALOG, NULL));
  drag (gesture, width * 0.3, height * 0.5, 0, 0);
  {
    GtkWindow *opened = icto_gui_test_find_toplevel (ICTO_TYPE_ANNOTATION_DIALOG, NULL);
    g_assert_nonnull (opened);
    gtk_window_close (opened);
    icto_gui_test_settle ();
  }

  /* edit dialog: the note, the confidence and the seizure's EEC */
  dialog = _icto_window_annotations_edit (window, id);
  g_assert_nonnull (dialog);
  icto_gui_test_settle ();
  gtk_editable_set_text (GTK_EDITABLE (find_named (GTK_WIDGET (dialog), "confidence")), "2");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "dialog.save", NULL));
  /* refused: the dialog stays, nothing is saved */
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (dialog)));
  g_clear_pointer (&a, icto_annotation_free);
  a = get_annotation (store, id);
  g_assert_true (isnan (a->confidence));
  gtk_editable_set_text (GTK_EDITABLE (find_named (GTK_WIDGET (dialog), "confidence")), "0.75");
  gtk_editable_set_text (GTK_EDITABLE (find_named (GTK_WIDGET (dialog), "text")), "edited in the dialog");
  gtk_editable_set_text (GTK_EDITABLE (find_named (GTK_WIDGET (dialog), "eec")), "12.5");
  gtk_editable_set_text (GTK_EDITABLE (find_named (GTK_WIDGET (dialog), "soz")), "A1, A2");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "dialog.save", NULL));
  icto_gui_test_settle ();
  g_clear_pointer (&a, icto_annotation_free);
  a = get_annotation (store, id);
  g_assert_cmpstr (a->text, ==, "edited in the dialog");
  g_assert_cmpfloat (a->confidence, ==, 0.75);
  g_assert_nonnull (a->seizure);
  g_assert_cmpint (a->seizure->eec, ==, 125000000);
  g_assert_cmpstr (a->seizure->soz[0], ==, "A1");
  g_assert_cmpstr (a->seizure->soz[1], ==, "A2");
  g_assert_null (a->seizure->soz[2]);

  /* Ctrl+click on a channel label toggles it in the selected seizure's SOZ */
  {
    GtkWidget *column = icto_gui_test_find (GTK_WIDGET (view), g_type_from_name ("IctoChannelLabels"));
    const char *row0 = icto_trace_view_get_page (view)->labels[0];

    g_assert_nonnull (column);
    icto_annotation_layer_set_selected (layer, id);
    g_signal_emit_by_name (column, "row-toggled", 0);
    g_clear_pointer (&a, icto_annotation_free);
    a = get_annotation (store, id);
    g_assert_cmpuint (g_strv_length (a->seizure->soz), ==, 3);
    g_assert_cmpstr (a->seizure->soz[2], ==, row0);
    g_signal_emit_by_name (column, "row-toggled", 0);
    g_clear_pointer (&a, icto_annotation_free);
    a = get_annotation (store, id);
    g_assert_cmpuint (g_strv_length (a->seizure->soz), ==, 2);
  }

  /* E and O mark a new seizure at the cursor (nothing selected) */
  drag (gesture, width * 0.9, height * 0.5, 0, 0);
  g_assert_cmpint (icto_annotation_layer_get_selected (layer), ==, 0);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.seizure-mark", "s", "eec"));
  {
    gint64 sz = icto_annotation_layer_get_selected (layer);
    g_autoptr(IctoAnnotation) s = NULL;

    g_assert_cmpint (sz, >, 0);
    g_assert_cmpint (sz, !=, id);
    drag (gesture, width * 0.97, height * 0.1, 0, 0);
    /* the click landed on the new instant's reach or not: select it again */
    icto_annotation_layer_set_selected (layer, sz);
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.seizure-mark", "s", "offset"));
    s = get_annotation (store, sz);
    g_assert_cmpstr (s->label, ==, "sz");
    g_assert_nonnull (s->seizure);
    g_assert_cmpint (s->seizure->eec, ==, s->onset);
    g_assert_cmpint (s->seizure->offset, ==, icto_annotation_get_end (s));
    g_assert_cmpint (s->duration, >, 0);
  }

  /* an annotation on two channels (as a Shift+drag over their rows makes),
   * drawn over those rows only */
  {
    g_autoptr(IctoAnnotation) c = icto_annotation_new ();
    graphene_rect_t rows;
    double row_h = height / page->n_channels;

    page = icto_trace_view_get_page (view);
    c->onset = icto_page_painter_x_to_time (page, width, width * 0.7);
    c->duration = page->duration / 20;
    c->label = g_strdup ("artefact");
    c->channels = g_new0 (char *, 3);
    c->channels[0] = g_strdup (page->labels[3]);
    c->channels[1] = g_strdup (page->labels[4]);
    c->recording_id = rec;
    g_assert_true (icto_store_add (store, c, NULL));
    g_assert_true (icto_annotation_layer_get_band (layer, c->id, &rows));
    g_assert_cmpfloat (fabs (rows.origin.y - 3 * row_h), <, 0.5);
    g_assert_cmpfloat (fabs (rows.size.height - 2 * row_h), <, 0.5);
  }

  /* next / previous */
  icto_annotation_layer_set_selected (layer, id);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.annotation-next", NULL));
  g_assert_cmpint (icto_annotation_layer_get_selected (layer), !=, id);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.annotation-previous", NULL));
  g_assert_cmpint (icto_annotation_layer_get_selected (layer), ==, id);

  /* the page, the side panel and the layer */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.side-panel", NULL) ||
                 TRUE);
  g_object_set (window, "side-panel", TRUE, NULL);
  icto_gui_test_settle ();
  {
    g_autofree char *shot = icto_gui_test_screenshot (GTK_WIDGET (window), "screenshot-annotations.png");
    g_assert_nonnull (shot);
  }

  /* typing in the search field: the plain-key actions are off (GTK 4 runs
   * application accelerators before the focused entry) */
  {
    GtkWidget *search = icto_gui_test_find (GTK_WIDGET (window), GTK_TYPE_SEARCH_ENTRY);
    gint64 n = icto_store_count (store, rec, NULL);

    g_assert_nonnull (search);
    gtk_widget_grab_focus (search);
    icto_gui_test_settle ();
    gtk_widget_activate_action (GTK_WIDGET (window), "win.annotation-delete", NULL);
    gtk_widget_activate_action (GTK_WIDGET (window), "win.annotation-label", "i", 2);
    g_assert_cmpint (icto_store_count (store, rec, NULL), ==, n);
    g_clear_pointer (&a, icto_annotation_free);
    a = get_annotation (store, id);
    g_assert_cmpstr (a->label, ==, third->code);
    /* the search filters the list (and the layer) */
    gtk_editable_set_text (GTK_EDITABLE (search), "no such annotation");
    ICTO_GUI_WAIT_FOR (icto_annotation_layer_get_n_shown (layer) == 0);
    gtk_editable_set_text (GTK_EDITABLE (search), "");
    ICTO_GUI_WAIT_FOR (icto_annotation_layer_get_n_shown (layer) == 3);
    gtk_widget_grab_focus (GTK_WIDGET (view));
    gtk_widget_child_focus (GTK_WIDGET (view), GTK_DIR_TAB_FORWARD);
    icto_gui_test_settle ();
  }

  /* Delete removes the selected one; undo brings it back */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.annotation-delete", NULL));
  g_assert_null (icto_store_get (store, id, NULL));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.annotation-undo", NULL));
  g_clear_pointer (&a, icto_annotation_free);
  a = get_annotation (store, id);
  g_assert_cmpstr (a->text, ==, "edited in the dialog");

  /* no error from the annotations (other features may have spoken at opening) */
  g_assert_cmpstr (icto_window_get_last_toast (window), ==, toast_at_open);
  (void) session;
  gtk_window_destroy (GTK_WINDOW (window));
  icto_gui_test_settle ();
}

/* An import file with a broken row: the dialog lists the row; "Import None"
 * imports nothing, "Import Good Rows" the others. */
static void
test_annotations_import_broken (void)
{
  IctoWindow *window = open_demo ();
  g_autofree char *toast_at_open = g_strdup (icto_window_get_last_toast (window));
  IctoStore *store = _icto_window_annotations_get_store (window);
  gint64 rec = _icto_window_annotations_get_recording (window);
  g_autofree char *path = g_build_filename (icto_test_tmpdir (), "broken.csv", NULL);
  g_autofree char *exported = g_build_filename (icto_test_tmpdir (), "exported_events.tsv", NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *body = NULL;
  g_autofree char *contents = NULL;
  AdwMessageDialog *dialog;
  gint64 before = icto_store_count (store, rec, NULL);

  g_assert_true (g_file_set_contents (path,
                                      "onset,duration,trial_type\n"
                                      "1.5,2,spike\n"
                                      "not a time,1,spike\n"
                                      "7,0.5,artefact\n", -1, NULL));
  _icto_window_annotations_import_path (window, path, ICTO_ANNOT_FORMAT_CSV);
  dialog = ADW_MESSAGE_DIALOG (icto_gui_test_find_toplevel (ADW_TYPE_MESSAGE_DIALOG, NULL));
  g_assert_nonnull (dialog);
  body = g_strdup (adw_message_dialog_get_body (dialog));
  g_test_message ("import dialog: %s", body);
  g_assert_nonnull (strstr (body, "3"));
  g_assert_true (adw_message_dialog_get_response_enabled (dialog, "good"));
  {
    g_autofree char *shot = icto_gui_test_screenshot (GTK_WIDGET (dialog), "screenshot-import-broken.png");
  }
  /* nothing imported while the user decides */
  g_assert_cmpint (icto_store_count (store, rec, NULL), ==, before);
  adw_message_dialog_response (dialog, "cancel");
  icto_gui_test_settle ();
  g_assert_cmpint (icto_store_count (store, rec, NULL), ==, before);

  _icto_window_annotations_import_path (window, path, ICTO_ANNOT_FORMAT_CSV);
  dialog = ADW_MESSAGE_DIALOG (icto_gui_test_find_toplevel (ADW_TYPE_MESSAGE_DIALOG, NULL));
  g_assert_nonnull (dialog);
  adw_message_dialog_response (dialog, "good");
  icto_gui_test_settle ();
  g_assert_cmpint (icto_store_count (store, rec, NULL), ==, before + 2);

  /* export BIDS: both rows are in the file */
  g_assert_true (_icto_window_annotations_export_path (window, exported, "bids", &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (exported, &contents, NULL, NULL));
  g_assert_nonnull (strstr (contents, "1.5\t2\tspike"));
  g_assert_nonnull (strstr (contents, "artefact"));

  /* no error from the annotations (other features may have spoken at opening) */
  g_assert_cmpstr (icto_window_get_last_toast (window), ==, toast_at_open);
  gtk_window_destroy (GTK_WINDOW (window));
  icto_gui_test_settle ();
}

/* A database that cannot be written: the error is a toast, the annotation
 * waits in memory, the status bar says so, and "Save Now" saves it. */
static void
test_annotations_pending (void)
{
  IctoWindow *window = open_demo ();
  IctoTraceView *view = icto_window_get_trace_view (window);
  IctoAnnotationLayer *layer = icto_trace_view_get_annotation_layer (view);
  IctoStore *store = _icto_window_annotations_get_store (window);
  gint64 rec = _icto_window_annotations_get_recording (window);
  double width = gtk_widget_get_width (GTK_WIDGET (layer));
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) labels = NULL;
  gint64 before = icto_store_count (store, rec, NULL);
  gboolean shown = FALSE;

  g_assert_true (_icto_store_exec (store, "PRAGMA query_only = 1", &error));
  g_assert_no_error (error);
  g_test_expect_message ("icto-window", G_LOG_LEVEL_MESSAGE, "*");
  drag (find_drag (layer), width * 0.6, 50, width * 0.1, 0);
  g_test_assert_expected_messages ();
  g_assert_nonnull (icto_window_get_last_toast (window));
  g_assert_cmpuint (icto_store_get_n_pending (store), ==, 1);
  g_assert_cmpint (icto_store_count (store, rec, NULL), ==, before);
  icto_gui_test_settle ();
  {
    /* the status bar shows the unsaved change */
    g_autoptr(GPtrArray) all = icto_gui_test_collect (GTK_WIDGET (window));
    for (guint i = 0; i < all->len; i++)
      if (GTK_IS_LABEL (all->pdata[i]) && gtk_widget_is_visible (all->pdata[i]) &&
          strstr (gtk_label_get_label (all->pdata[i]), "not saved") != NULL)
        shown = TRUE;
  }
  g_assert_true (shown);

  g_assert_true (_icto_store_exec (store, "PRAGMA query_only = 0", &error));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.annotations-save-pending", NULL));
  g_assert_cmpuint (icto_store_get_n_pending (store), ==, 0);
  g_assert_cmpint (icto_store_count (store, rec, NULL), ==, before + 1);
  (void) labels;
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
  g_test_init (&argc, &argv, NULL);

  if (!icto_gui_test_have_display ())
    return g_test_run ();

  app = icto_gui_test_app_new (".TestAnnotations");
  g_test_add_func ("/app/annotations/review", test_annotations_review);
  g_test_add_func ("/app/annotations/import-broken", test_annotations_import_broken);
  g_test_add_func ("/app/annotations/pending", test_annotations_pending);
  ret = g_test_run ();
  g_clear_object (&app);
  return ret;
}
