/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "icto-window-train"

#include "config.h"

#include <glib/gi18n.h>

#include "app/icto-train-dialog.h"
#include "app/icto-window-annotations.h"
#include "app/icto-window-overlays.h"
#include "app/icto-window-private.h"
#include "app/icto-window-train.h"
#include "core/icto-session.h"
#include "signal/icto-recording.h"
#include "store/icto-store.h"

struct _IctoWindowTrain
{
  char *head_path;   /* the detector chosen last */
};

static void
detector_chosen_cb (IctoTrainDialog *dialog,
                    const char      *path,
                    IctoWindow      *self)
{
  g_autofree char *message = NULL;
  g_autofree char *escaped = NULL;
  g_autoptr(GError) error = NULL;
  IctoInferenceWorker *worker = _icto_window_overlays_get_worker (self);
  AdwToast *toast;

  if (self->train == NULL)
    return;
  g_free (self->train->head_path);
  self->train->head_path = g_strdup (path);
  /* the overlays run the model with the new head from now on */
  if (worker == NULL || icto_inference_worker_get_model (worker) == NULL)
    /* Translators: %s is the path of the trained detector (head file) */
    message = g_strdup_printf (_("Detector saved to %s"), path);
  else if (!icto_inference_worker_set_head (worker, path, &error))
    /* Translators: %s is the path of the trained detector, the second %s why it failed */
    message = g_strdup_printf (_("Detector saved to %s, but the model could not use it: %s"), path, error->message);
  else
    /* Translators: %s is the path of the trained detector (head file) */
    message = g_strdup_printf (_("Detector saved to %s; the overlays use it now"), path);
  escaped = g_markup_escape_text (message, -1);
  toast = adw_toast_new (escaped);
  adw_toast_set_timeout (toast, 8);
  g_free (self->last_toast);
  self->last_toast = g_strdup (message);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

static void
train_detector_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  IctoWindow *self = ICTO_WINDOW (widget);
  IctoStore *store = _icto_window_annotations_get_store (self);
  IctoRecording *rec = self->session != NULL ? icto_session_get_recording (self->session) : NULL;
  IctoTrainDialog *dialog;

  dialog = icto_train_dialog_new (self, store != NULL ? icto_store_get_path (store) : NULL);
  if (rec != NULL)
    icto_train_dialog_add_recording (dialog, icto_recording_get_path (rec));
  g_signal_connect_object (dialog, "detector-chosen", G_CALLBACK (detector_chosen_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

void
_icto_window_train_class_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.train-detector", NULL, train_detector_action);
}

void
_icto_window_train_init (IctoWindow *self)
{
  self->train = g_new0 (struct _IctoWindowTrain, 1);
}

void
_icto_window_train_dispose (IctoWindow *self)
{
  if (self->train == NULL)
    return;
  g_free (self->train->head_path);
  g_clear_pointer (&self->train, g_free);
}

const char *
_icto_window_train_get_head (IctoWindow *self)
{
  return self->train != NULL ? self->train->head_path : NULL;
}
