/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-simulate-dialog"

#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <string.h>

#include "app/icto-application.h"
#include "app/icto-simulate-dialog.h"
#include "app/icto-window.h"
#include "icto-gui-test.h"
#include "icto-test-util.h"
#include "sim/icto-sim.h"
#include "widgets/icto-widgets-init.h"

/* "Simulate Recording…" on the real window: the menu item, parameter
 * errors shown in the dialog, a run to completion that opens the new
 * recording in the window, and a cancelled run that leaves no file. */

static IctoApplication *app;

static GtkWidget *
find_by_id (GtkWidget  *root,
            const char *id)
{
  g_autoptr(GPtrArray) all = icto_gui_test_collect (root);

  for (guint i = 0; i < all->len; i++)
    if (g_strcmp0 (gtk_buildable_get_buildable_id (GTK_BUILDABLE (all->pdata[i])), id) == 0)
      return all->pdata[i];
  g_error ("no widget with id %s", id);
  return NULL;
}

static gboolean
menu_has_action (GMenuModel *model,
                 const char *action)
{
  for (int i = 0; i < g_menu_model_get_n_items (model); i++)
    {
      g_autofree char *name = NULL;
      g_autoptr(GMenuLinkIter) links = NULL;

      if (g_menu_model_get_item_attribute (model, i, G_MENU_ATTRIBUTE_ACTION, "s", &name)
          && g_strcmp0 (name, action) == 0)
        return TRUE;
      links = g_menu_model_iterate_item_links (model, i);
      while (g_menu_link_iter_next (links))
        {
          g_autoptr(GMenuModel) sub = g_menu_link_iter_get_value (links);
          if (menu_has_action (sub, action))
            return TRUE;
        }
    }
  return FALSE;
}

static IctoSimulateDialog *
open_dialog (IctoWindow *window)
{
  GtkWindow *dialog;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.simulate", NULL));
  ICTO_GUI_WAIT_FOR (icto_gui_test_find_toplevel (ICTO_TYPE_SIMULATE_DIALOG, NULL) != NULL);
  dialog = icto_gui_test_find_toplevel (ICTO_TYPE_SIMULATE_DIALOG, NULL);
  g_assert_true (gtk_window_get_modal (dialog));
  g_assert_true (gtk_window_get_transient_for (dialog) == GTK_WINDOW (window));
  return ICTO_SIMULATE_DIALOG (dialog);
}

static void
open_finished_cb (IctoWindow *window,
                  gboolean    ok,
                  int        *result)
{
  *result = ok ? 1 : 0;
}

static void
test_simulate_dialog_run (void)
{
  GSettings *settings = icto_application_get_settings (app);
  IctoWindow *window = icto_window_new (app);
  IctoSimulateDialog *dialog;
  GtkWidget *root;
  gboolean in_menu = FALSE;
  int result = -1;
  g_autofree char *dir = g_build_filename (icto_test_tmpdir (), "simulated", NULL);
  g_autofree char *path = g_build_filename (dir, "teaching.edf", NULL);
  g_autofree char *channels = NULL;
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GPtrArray) all = NULL;
  g_autofree char *shot = NULL;
  IctoRecording *rec;
  gint64 deadline;

  g_mkdir_with_parents (dir, 0755);
  g_unlink (path);
  if (settings != NULL)
    g_settings_set_string (settings, "last-directory", dir);
  gtk_window_present (GTK_WINDOW (window));
  g_signal_connect (window, "open-finished", G_CALLBACK (open_finished_cb), &result);
  icto_gui_test_settle ();

  /* the item is in the main (hamburger) menu */
  all = icto_gui_test_collect (GTK_WIDGET (window));
  for (guint i = 0; i < all->len; i++)
    if (GTK_IS_MENU_BUTTON (all->pdata[i]) && gtk_menu_button_get_menu_model (all->pdata[i]) != NULL)
      in_menu |= menu_has_action (gtk_menu_button_get_menu_model (all->pdata[i]), "win.simulate");
  g_assert_true (in_menu);

  dialog = open_dialog (window);
  root = GTK_WIDGET (dialog);
  /* default output: a new .edf name in the last directory used */
  {
    GFile *def = icto_simulate_dialog_get_file (dialog);
    g_autofree char *def_path = g_file_get_path (def);
    g_autoptr(GFile) parent = g_file_get_parent (def);
    g_autofree char *parent_path = g_file_get_path (parent);

    g_assert_true (g_str_has_suffix (def_path, ".edf"));
    g_assert_false (g_file_test (def_path, G_FILE_TEST_EXISTS));
    if (settings != NULL)
      g_assert_cmpstr (parent_path, ==, dir);
  }
  icto_simulate_dialog_set_file (dialog, file);

  /* 2 minutes cannot hold a seizure (100 s + 90 s each): the error is shown
   * in the dialog and nothing runs */
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (find_by_id (root, "duration_spin")), 2);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (find_by_id (root, "seizures_spin")), 1);
  adw_combo_row_set_selected (ADW_COMBO_ROW (find_by_id (root, "rate_row")), 0);       /* 256 Hz */
  adw_combo_row_set_selected (ADW_COMBO_ROW (find_by_id (root, "pattern_row")), 0);    /* LVFA */
  adw_combo_row_set_selected (ADW_COMBO_ROW (find_by_id (root, "layout_row")), 1);     /* sEEG */
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (find_by_id (root, "seed_spin")), 42);
  g_signal_emit_by_name (find_by_id (root, "simulate_button"), "clicked");
  g_assert_false (icto_simulate_dialog_get_running (dialog));
  g_assert_nonnull (icto_simulate_dialog_get_error (dialog));
  g_assert_true (gtk_widget_get_visible (find_by_id (root, "error_label")));
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  shot = icto_gui_test_screenshot (root, "screenshot-simulate-dialog.png");

  /* 4 minutes with one seizure: runs, then the window opens the recording */
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &dialog);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (find_by_id (root, "duration_spin")), 4);
  g_signal_emit_by_name (find_by_id (root, "simulate_button"), "clicked");
  g_assert_true (icto_simulate_dialog_get_running (dialog));
  g_assert_null (icto_simulate_dialog_get_error (dialog));
  g_assert_true (gtk_widget_get_visible (find_by_id (root, "progress_bar")));
  g_assert_true (gtk_widget_get_visible (find_by_id (root, "cancel_button")));
  g_assert_false (gtk_widget_get_sensitive (find_by_id (root, "simulate_button")));
  deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  while ((dialog != NULL || result < 0) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_null (dialog);          /* closed on success */
  g_assert_cmpint (result, ==, 1);
  rec = icto_session_get_recording (icto_window_get_session (window));
  g_assert_nonnull (rec);
  g_assert_cmpstr (icto_recording_get_path (rec), ==, path);
  g_assert_cmpint (icto_recording_get_duration (rec), ==, 240 * ICTO_TICKS_PER_SECOND);
  /* sEEG preset: 8 shafts of 12 contacts, at 256 Hz */
  g_assert_cmpuint (icto_recording_get_n_signals (rec), ==, 96);
  g_assert_cmpfloat (icto_recording_get_signal (rec, 0)->sample_rate, ==, 256.0);
  channels = icto_sim_sidecar_path (path, "channels.tsv");
  g_assert_true (g_file_test (channels, G_FILE_TEST_IS_REGULAR));
  g_assert_nonnull (strstr (icto_window_get_last_toast (window), path));

  gtk_window_destroy (GTK_WINDOW (window));
  icto_gui_test_settle ();
}

static void
test_simulate_dialog_cancel (void)
{
  IctoWindow *window = icto_window_new (app);
  IctoSimulateDialog *dialog;
  GtkWidget *root;
  g_autofree char *path = g_build_filename (icto_test_tmpdir (), "cancelled.edf", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autofree char *shot = NULL;
  GtkProgressBar *bar;

  g_unlink (path);
  gtk_window_present (GTK_WINDOW (window));
  icto_gui_test_settle ();
  dialog = open_dialog (window);
  root = GTK_WIDGET (dialog);
  icto_simulate_dialog_set_file (dialog, file);
  /* a day at 2048 Hz: minutes of work unless cancelled */
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (find_by_id (root, "duration_spin")), 1440);
  adw_combo_row_set_selected (ADW_COMBO_ROW (find_by_id (root, "rate_row")), 3);
  g_signal_emit_by_name (find_by_id (root, "simulate_button"), "clicked");
  g_assert_true (icto_simulate_dialog_get_running (dialog));
  bar = GTK_PROGRESS_BAR (find_by_id (root, "progress_bar"));
  ICTO_GUI_WAIT_FOR (gtk_progress_bar_get_fraction (bar) > 0);
  ICTO_GUI_WAIT_FOR (g_file_test (path, G_FILE_TEST_EXISTS));
  shot = icto_gui_test_screenshot (root, "screenshot-simulate-dialog-running.png");
  g_assert_true (icto_simulate_dialog_get_running (dialog));
  g_signal_emit_by_name (find_by_id (root, "cancel_button"), "clicked");
  ICTO_GUI_WAIT_FOR (!icto_simulate_dialog_get_running (dialog));
  g_assert_nonnull (icto_simulate_dialog_get_error (dialog));
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  /* the dialog stays, ready for another run */
  g_assert_true (gtk_widget_get_sensitive (find_by_id (root, "simulate_button")));
  g_assert_false (gtk_widget_get_visible (find_by_id (root, "progress_bar")));
  g_assert_null (icto_session_get_recording (icto_window_get_session (window)));

  /* closing the dialog while it runs cancels the run and removes the file */
  g_signal_emit_by_name (find_by_id (root, "simulate_button"), "clicked");
  g_assert_true (icto_simulate_dialog_get_running (dialog));
  ICTO_GUI_WAIT_FOR (g_file_test (path, G_FILE_TEST_EXISTS));
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &dialog);
  gtk_window_close (GTK_WINDOW (dialog));
  ICTO_GUI_WAIT_FOR (dialog == NULL);
  ICTO_GUI_WAIT_FOR (!g_file_test (path, G_FILE_TEST_EXISTS));
  g_assert_null (icto_session_get_recording (icto_window_get_session (window)));

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

  app = icto_gui_test_app_new (".SimulateTest");

  g_test_add_func ("/app/simulate-dialog/run", test_simulate_dialog_run);
  g_test_add_func ("/app/simulate-dialog/cancel", test_simulate_dialog_cancel);
  ret = g_test_run ();
  g_clear_object (&app);
  return ret;
}
