/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-window"

#include "config.h"

#include <adwaita.h>
#include <string.h>

#include "app/icto-application.h"
#include "app/icto-window.h"
#include "core/icto-core-error.h"
#include "icto-gui-test.h"
#include "icto-test-util.h"
#include "widgets/icto-widgets-init.h"

static IctoApplication *app;

/* Runs the main loop until @done is TRUE or @timeout_s passes. */
static gboolean
spin_until (gboolean *done,
            double    timeout_s)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) (timeout_s * G_USEC_PER_SEC);

  while (!*done && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, FALSE) || (g_usleep (1000), TRUE);
  return *done;
}

/* Lets pending idles (page fetch) and a frame or two run. */
static void
settle (void)
{
  gint64 deadline = g_get_monotonic_time () + 300 * 1000;

  while (g_get_monotonic_time () < deadline)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (2000);
}

/* Runs the main loop until the view shows a page starting at @start (5 s at most). */
static IctoTracePage *
wait_for_page (IctoTraceView *view,
               gint64         start)
{
  gint64 deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
  IctoTracePage *page;

  settle ();
  while (((page = icto_trace_view_get_page (view)) == NULL || page->start != start) &&
         g_get_monotonic_time () < deadline)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (2000);
  g_assert_nonnull (page);
  g_assert_cmpint (page->start, ==, start);
  return page;
}

/* Runs the main loop until @expr holds (pages are fetched in a worker), 10 s at most. */
#define WAIT_FOR(expr) G_STMT_START {                                           \
    gint64 _deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;           \
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
  int *result = data;

  *result = success ? 1 : 0;
}

static char *
screenshot (GtkWidget  *widget,
            const char *name)
{
  int w;
  int h;
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  GtkSnapshot *snapshot;
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *dir = g_build_filename (g_getenv ("ICTO_BUILD_ROOT") ? g_getenv ("ICTO_BUILD_ROOT") : ".",
                                           "tests", "app", NULL);
  char *path = g_build_filename (dir, name, NULL);
  GskRenderer *renderer = gtk_native_get_renderer (gtk_widget_get_native (widget));

  /* the window must have been mapped and laid out once */
  for (int tries = 0; tries < 50 && node == NULL; tries++)
    {
      settle ();
      if (!gtk_widget_get_mapped (widget))
        continue;
      w = gtk_widget_get_width (widget);
      h = gtk_widget_get_height (widget);
      snapshot = gtk_snapshot_new ();
      gdk_paintable_snapshot (paintable, snapshot, w, h);
      node = gtk_snapshot_free_to_node (snapshot);
    }
  g_assert_nonnull (node);
  w = gtk_widget_get_width (widget);
  h = gtk_widget_get_height (widget);
  g_assert_cmpint (w, >, 0);
  g_assert_cmpint (h, >, 0);
  texture = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, w, h));
  g_mkdir_with_parents (dir, 0755);
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("screenshot: %s (%d x %d)", path, w, h);
  return path;
}

static IctoWindow *
open_window (const char *path,
             int        *result)
{
  IctoWindow *window = icto_window_new (app);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  gboolean done = FALSE;

  gtk_window_set_default_size (GTK_WINDOW (window), 1600, 900);
  gtk_window_present (GTK_WINDOW (window));
  *result = -1;
  g_signal_connect (window, "open-finished", G_CALLBACK (open_finished_cb), result);
  icto_window_open (window, file);
  while (!done)
    {
      done = *result >= 0;
      if (!spin_until (&done, 0.05) && *result < 0)
        {
          static int waited = 0;
          g_assert_cmpint (++waited, <, 400);   /* 20 s */
        }
      done = *result >= 0;
    }
  settle ();
  return window;
}

static gboolean
any_label_contains (IctoTracePage *page,
                    const char    *needle)
{
  for (guint i = 0; i < page->n_channels; i++)
    if (strstr (page->labels[i], needle) != NULL)
      return TRUE;
  return FALSE;
}

static void
test_window_review (void)
{
  g_autofree char *path = icto_test_shared_path ("data/real/seeg_mne_sample/sample_seeg.edf");
  g_autofree char *shot1 = NULL;
  g_autofree char *shot2 = NULL;
  IctoWindow *window;
  IctoSession *session;
  IctoTraceView *view;
  IctoTracePage *page;
  int result;
  guint referential_channels;

  if (path == NULL)
    return;

  window = open_window (path, &result);
  g_assert_cmpint (result, ==, 1);
  session = icto_window_get_session (window);
  view = icto_window_get_trace_view (window);
  g_assert_nonnull (icto_session_get_recording (session));

  /* first page: 10 s from the start, every channel, drawn at the view's width */
  page = wait_for_page (view, 0);
  g_assert_cmpstr (icto_window_get_last_toast (window), ==, NULL);
  g_assert_cmpint (page->duration, ==, 10 * ICTO_TICKS_PER_SECOND);
  g_assert_cmpuint (page->n_channels, ==, icto_recording_get_n_signals (icto_session_get_recording (session)));
  g_assert_cmpuint (page->n_columns, >, 1000);
  referential_channels = page->n_channels;
  shot1 = screenshot (GTK_WIDGET (window), "screenshot-referential.png");

  /* page forward with the window action (PgDn / Right) */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.page-forward", NULL));
  g_assert_cmpint (icto_session_get_start (session), ==, 10 * ICTO_TICKS_PER_SECOND);
  page = wait_for_page (view, 10 * ICTO_TICKS_PER_SECOND);

  /* past the end it stops at the last full page (20-s recording) */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.page-forward", NULL));
  g_assert_cmpint (icto_session_get_start (session), ==, 10 * ICTO_TICKS_PER_SECOND);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.go-start", NULL));
  wait_for_page (view, 0);

  /* sensitivity: "+" gives larger traces, fewer uV/mm */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.sensitivity-increase", NULL));
  g_assert_cmpfloat (icto_session_get_sensitivity (session), ==, 30);
  WAIT_FOR (icto_trace_view_get_page (view)->sensitivity_main == 30);

  /* montage from the menu action: bipolar pairs replace the contacts */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.montage", "s", "bipolar"));
  WAIT_FOR (icto_trace_view_get_page (view)->n_channels != referential_channels);
  page = icto_trace_view_get_page (view);
  g_assert_cmpint (icto_session_get_montage (session), ==, ICTO_MONTAGE_KIND_BIPOLAR);
  g_assert_true (any_label_contains (page, "-"));
  g_assert_cmpuint (page->n_channels, <, referential_channels);
  g_assert_cmpuint (page->n_channels, >, referential_channels / 2);

  /* review filter */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.filter", "s", "review"));
  WAIT_FOR (strstr (icto_trace_view_get_page (view)->filter, "70") != NULL);

  /* notch from the menu's integer targets */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.notch", "i", 50));
  WAIT_FOR (strstr (icto_trace_view_get_page (view)->filter, "notch 50") != NULL);

  /* go forward a page again and look at it */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.page-forward", NULL));
  wait_for_page (view, 10 * ICTO_TICKS_PER_SECOND);
  settle ();
  shot2 = screenshot (GTK_WIDGET (window), "screenshot-bipolar.png");
  g_assert_true (g_file_test (shot2, G_FILE_TEST_EXISTS));

  /* Ctrl+G: the Go to Time dialog moves the page to the typed time */
  {
    GListModel *toplevels = gtk_window_get_toplevels ();
    AdwMessageDialog *dialog = NULL;
    g_autofree char *clock = NULL;
    g_autoptr(GDateTime) at = NULL;

    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.go-to-time", NULL));
    for (guint i = 0; i < g_list_model_get_n_items (toplevels) && dialog == NULL; i++)
      {
        g_autoptr(GObject) w = g_list_model_get_item (toplevels, i);
        if (ADW_IS_MESSAGE_DIALOG (w))
          dialog = ADW_MESSAGE_DIALOG (w);
      }
    g_assert_nonnull (dialog);
    /* a wall-clock time 4.5 s after the first sample */
    at = g_date_time_add (icto_recording_get_start_time (icto_session_get_recording (session)), 4500000);
    clock = g_date_time_format (at, "%H:%M:%S.%f");
    gtk_editable_set_text (GTK_EDITABLE (g_object_get_data (G_OBJECT (dialog), "entry")), clock);
    adw_message_dialog_response (dialog, "go");
    gtk_window_destroy (GTK_WINDOW (dialog));
    page = wait_for_page (view, 45 * ICTO_TICKS_PER_SECOND / 10);
  }

  /* the keys of the issue are the accelerators of the actions the menus show */
  {
    const struct { const char *action; const char *accel; } keys[] = {
      { "win.page-forward", "Page_Down" }, { "win.page-back", "Page_Up" },
      { "win.page-forward", "Right" }, { "win.page-back", "Left" },
      { "win.go-start", "Home" }, { "win.go-end", "End" },
      { "win.go-to-time", "<Control>g" }, { "win.sensitivity-increase", "plus" },
      { "win.sensitivity-decrease", "minus" },
    };
    for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
      {
        g_auto(GStrv) accels = gtk_application_get_accels_for_action (GTK_APPLICATION (app), keys[i].action);
        g_assert_true (g_strv_contains ((const char * const *) accels, keys[i].accel));
      }
  }

  /* the keyboard shortcuts window is the one from the resources */
  g_assert_nonnull (gtk_application_window_get_help_overlay (GTK_APPLICATION_WINDOW (window)));

  /* the Display menu shows the accelerators beside its items */
  {
    GtkWidget *button = NULL;
    GtkPopover *popover;
    g_autofree char *menu_shot = NULL;

    for (GtkWidget *w = gtk_widget_get_first_child (GTK_WIDGET (window)); w != NULL && button == NULL;)
      {
        /* depth-first search for the Display menu button */
        if (GTK_IS_MENU_BUTTON (w) && g_strcmp0 (gtk_menu_button_get_label (GTK_MENU_BUTTON (w)), "_Display") == 0)
          button = w;
        else if (gtk_widget_get_first_child (w) != NULL)
          w = gtk_widget_get_first_child (w);
        else
          {
            while (w != NULL && gtk_widget_get_next_sibling (w) == NULL)
              {
                w = gtk_widget_get_parent (w);
                if (w == GTK_WIDGET (window))
                  w = NULL;
              }
            if (w != NULL)
              w = gtk_widget_get_next_sibling (w);
          }
      }
    g_assert_nonnull (button);
    gtk_menu_button_popup (GTK_MENU_BUTTON (button));
    popover = gtk_menu_button_get_popover (GTK_MENU_BUTTON (button));
    WAIT_FOR (gtk_widget_get_mapped (GTK_WIDGET (popover)));
    menu_shot = screenshot (GTK_WIDGET (popover), "screenshot-display-menu.png");
    gtk_menu_button_popdown (GTK_MENU_BUTTON (button));
  }

  /* no error was shown */
  g_assert_null (icto_window_get_last_toast (window));
  gtk_window_destroy (GTK_WINDOW (window));
  settle ();
}

/* The bundled demo recording (models/demo.edf, built by default) opens and
 * its first seizure page is drawn; the screenshot is the README's. */
static void
test_window_demo (void)
{
  g_autofree char *path = icto_test_build_path ("models/demo.edf");
  g_autofree char *shot = NULL;
  IctoWindow *window;
  IctoSession *session;
  IctoTraceView *view;
  IctoRecording *rec;
  gint64 onset = -1;
  int result;

  /* the demo recording is built by default (models/meson.build) */
  g_assert_true (g_file_test (path, G_FILE_TEST_EXISTS));
  window = open_window (path, &result);
  g_assert_cmpint (result, ==, 1);
  session = icto_window_get_session (window);
  view = icto_window_get_trace_view (window);
  rec = icto_session_get_recording (session);
  for (guint i = 0; i < icto_recording_get_n_annotations (rec) && onset < 0; i++)
    if (g_str_has_prefix (icto_recording_get_annotation (rec, i)->text, "Seizure") ||
        g_str_has_prefix (icto_recording_get_annotation (rec, i)->text, "EEC"))
      onset = icto_recording_get_annotation (rec, i)->onset;
  if (onset < 0)
    onset = icto_recording_get_duration (rec) / 2;
  /* a page with the onset 3 s in, as a reader would jump to it */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.montage", "s", "bipolar"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.filter", "s", "review"));
  icto_session_set_start (session, onset - 3 * ICTO_TICKS_PER_SECOND);
  wait_for_page (view, icto_session_get_start (session));
  WAIT_FOR (icto_trace_view_get_page (view)->start == icto_session_get_start (session) &&
            strstr (icto_trace_view_get_page (view)->filter, "70") != NULL &&
            strchr (icto_trace_view_get_page (view)->labels[0], '-') != NULL);
  shot = screenshot (GTK_WIDGET (window), "screenshot-demo.png");
  g_assert_null (icto_window_get_last_toast (window));
  gtk_window_destroy (GTK_WINDOW (window));
  settle ();
}

static void
test_window_error_toast (void)
{
  g_autofree char *path = g_build_filename (icto_test_tmpdir (), "broken.edf", NULL);
  IctoWindow *window;
  int result;

  g_assert_true (g_file_set_contents (path, "0       this is not an EDF header at all", -1, NULL));
  g_test_expect_message ("icto-window", G_LOG_LEVEL_MESSAGE, "*");
  window = open_window (path, &result);
  g_test_assert_expected_messages ();
  g_assert_cmpint (result, ==, 0);
  g_assert_nonnull (icto_window_get_last_toast (window));
  g_assert_cmpstr (icto_window_get_last_toast (window), !=, "");
  g_assert_null (icto_session_get_recording (icto_window_get_session (window)));
  /* navigation is disabled without a recording */
  g_assert_false (gtk_widget_activate_action (GTK_WIDGET (window), "win.page-forward", NULL) &&
                  icto_session_get_start (icto_window_get_session (window)) != 0);
  gtk_window_destroy (GTK_WINDOW (window));
  settle ();
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  int ret;

  g_setenv ("GSK_RENDERER", "cairo", FALSE);
  g_setenv ("GTK_A11Y", "none", FALSE);
  g_setenv ("NO_AT_BRIDGE", "1", TRUE);
  g_test_init (&argc, &argv, NULL);

  if (!icto_gui_test_have_display ())
    return g_test_run ();

  app = icto_gui_test_app_new (".Test");

  g_test_add_func ("/app/window/review", test_window_review);
  g_test_add_func ("/app/window/demo", test_window_demo);
  g_test_add_func ("/app/window/error-toast", test_window_error_toast);
  ret = g_test_run ();
  g_clear_object (&app);
  return ret;
}
