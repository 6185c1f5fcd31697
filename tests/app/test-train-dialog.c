/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-train-dialog"

#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <string.h>

#include "app/icto-application.h"
#include "app/icto-train-dialog.h"
#include "app/icto-window-annotations.h"
#include "app/icto-window-overlays.h"
#include "app/icto-window-private.h"
#include "app/icto-window-train.h"
#include "core/icto-annotation-export.h"
#include "icto-gui-test.h"
#include "icto-test-util.h"
#include "model/icto-model.h"
#include "signal/icto-recording.h"
#include "store/icto-store.h"

/* "Train Detector from Annotations…" on the real window with the demo
 * recording and its EDF+ annotations imported: one seizure only gives a
 * clear error in the dialog; with a second simulated recording added, the
 * run reaches the result page (metrics beside the model's own head, the
 * plot), and "Use This Detector" saves the head and tells the window. */

static IctoApplication *app;

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

static void
import_edf (IctoWindow *window,
            const char *path)
{
  IctoStore *store = _icto_window_annotations_get_store (window);
  g_autoptr(GError) error = NULL;
  g_autoptr(IctoRecording) rec = icto_recording_open (path, &error);
  gint64 id;
  guint n = 0;

  g_assert_no_error (error);
  g_assert_nonnull (store);
  id = icto_store_ensure_recording (store, icto_recording_get_fingerprint (rec), path,
                                    icto_recording_get_duration (rec), &error);
  g_assert_no_error (error);
  g_assert_true (icto_annotation_import_edf (store, rec, id, NULL, &n, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n, >, 0);
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

static void
test_train_dialog_run (void)
{
  g_autofree char *demo = icto_test_build_path ("models/demo.edf");
  g_autofree char *second = g_build_filename (icto_test_tmpdir (), "second.edf", NULL);
  g_autofree char *cli = icto_test_build_path ("src/cli/ictoscope-cli");
  g_autoptr(GFile) file = g_file_new_for_path (demo);
  g_autoptr(GPtrArray) all = NULL;
  g_autofree char *shot = NULL;
  g_autofree char *heads = NULL;
  IctoWindow *window;
  IctoTrainDialog *dialog;
  const IctoHeadTrainResult *res;
  const char *saved;
  gboolean in_menu = FALSE;
  int result = -1;

  /* a second recording: 10 minutes, 3 seizures */
  {
    const char *argv[] = { cli, "simulate", "--duration", "600", "--seizures", "3", "--seed", "5",
                           "--layout", "LA:8", "--quiet", "--out", second, NULL };
    g_autoptr(GError) error = NULL;
    int status = -1;

    g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, NULL, NULL,
                                 &status, &error));
    g_assert_no_error (error);
    g_assert_cmpint (status, ==, 0);
  }

  g_assert_true (g_file_test (demo, G_FILE_TEST_EXISTS));
  window = icto_window_new (app);
  gtk_window_set_default_size (GTK_WINDOW (window), 1200, 800);
  gtk_window_present (GTK_WINDOW (window));
  g_signal_connect (window, "open-finished", G_CALLBACK (open_finished_cb), &result);
  icto_window_open (window, file);
  ICTO_GUI_WAIT_FOR (result >= 0);
  g_assert_cmpint (result, ==, 1);
  import_edf (window, demo);
  import_edf (window, second);

  /* the item is in the main menu */
  all = icto_gui_test_collect (GTK_WIDGET (window));
  for (guint i = 0; i < all->len; i++)
    if (GTK_IS_MENU_BUTTON (all->pdata[i]) && gtk_menu_button_get_menu_model (all->pdata[i]) != NULL)
      in_menu |= menu_has_action (gtk_menu_button_get_menu_model (all->pdata[i]), "win.train-detector");
  g_assert_true (in_menu);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.train-detector", NULL));
  ICTO_GUI_WAIT_FOR (icto_gui_test_find_toplevel (ICTO_TYPE_TRAIN_DIALOG, NULL) != NULL);
  dialog = ICTO_TRAIN_DIALOG (icto_gui_test_find_toplevel (ICTO_TYPE_TRAIN_DIALOG, NULL));
  g_assert_true (gtk_window_get_modal (GTK_WINDOW (dialog)));
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (dialog)) == GTK_WINDOW (window));
  gtk_window_set_default_size (GTK_WINDOW (dialog), 760, 700);
  g_assert_cmpstr (icto_train_dialog_get_page (dialog), ==, "setup");
  g_assert_true (icto_train_dialog_set_rater (dialog, g_get_user_name ()));

  icto_gui_test_settle ();
  {
    g_autofree char *setup_shot = icto_gui_test_screenshot (GTK_WIDGET (dialog), "train-dialog-setup.png");

    g_test_message ("screenshot: %s", setup_shot);
  }

  /* the demo alone: its first seizure ends before the first window, so one
   * seizure gives positives: a clear error, no result */
  icto_train_dialog_start (dialog);
  g_assert_true (icto_train_dialog_get_running (dialog));
  WAIT_LONG (!icto_train_dialog_get_running (dialog), 120);
  g_assert_nonnull (icto_train_dialog_get_error (dialog));
  g_test_message ("demo alone: %s", icto_train_dialog_get_error (dialog));
  g_assert_nonnull (strstr (icto_train_dialog_get_error (dialog), "two"));
  g_assert_cmpstr (icto_train_dialog_get_page (dialog), ==, "setup");
  g_assert_null (icto_train_dialog_get_result (dialog));

  /* with the second recording: folds hold out whole recordings */
  icto_train_dialog_add_recording (dialog, second);
  icto_train_dialog_start (dialog);
  WAIT_LONG (!icto_train_dialog_get_running (dialog), 180);
  g_assert_null (icto_train_dialog_get_error (dialog));
  g_assert_cmpstr (icto_train_dialog_get_page (dialog), ==, "result");
  res = icto_train_dialog_get_result (dialog);
  g_assert_nonnull (res);
  g_assert_cmpuint (res->recordings->len, ==, 2);
  g_assert_cmpint (res->folds, ==, ICTO_HEAD_FOLDS_RECORDINGS);
  g_assert_cmpuint (res->n_folds, ==, 2);
  g_assert_true (res->has_model_head);
  g_assert_cmpfloat (res->cv_auroc, >, 0.5);
  g_assert_cmpfloat (res->cv_auroc, <=, 1.0);
  icto_gui_test_settle ();
  shot = icto_gui_test_screenshot (GTK_WIDGET (dialog), "train-dialog-result.png");
  g_test_message ("screenshot: %s", shot);

  /* use it: saved beside the user's models, the window knows it */
  saved = icto_train_dialog_use_detector (dialog);
  g_assert_nonnull (saved);
  heads = g_build_filename (g_get_user_data_dir (), "ictoscope", "heads", NULL);
  g_assert_true (g_str_has_prefix (saved, heads));
  g_assert_true (g_file_test (saved, G_FILE_TEST_IS_REGULAR));
  g_assert_cmpstr (_icto_window_train_get_head (window), ==, saved);
  g_assert_nonnull (window->last_toast);
  g_assert_nonnull (strstr (window->last_toast, saved));
  /* the overlays' worker runs the model with the trained head now */
  {
    IctoInferenceWorker *worker = _icto_window_overlays_get_worker (window);

    g_assert_nonnull (worker);
    g_assert_nonnull (icto_inference_worker_get_model (worker));
    g_assert_nonnull (strstr (icto_inference_worker_get_model_hash (worker), "+head:"));
    g_assert_true (icto_model_has_classification_head (icto_inference_worker_get_model (worker)));
  }

  gtk_window_destroy (GTK_WINDOW (dialog));
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

  app = icto_gui_test_app_new (".TestTrainDialog");
  g_test_add_func ("/app/train-dialog/run", test_train_dialog_run);
  ret = g_test_run ();
  g_clear_object (&app);
  return ret;
}
