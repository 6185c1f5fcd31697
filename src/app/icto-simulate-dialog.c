/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "icto-simulate-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "app/icto-simulate-dialog.h"
#include "app/icto-window-private.h"
#include "core/icto-job.h"
#include "core/icto-simulate-job.h"

struct _IctoSimulateDialog
{
  AdwWindow             parent_instance;

  /* template children */
  AdwPreferencesGroup  *params_group;
  GtkSpinButton        *duration_spin;
  AdwComboRow          *rate_row;
  GtkSpinButton        *seizures_spin;
  AdwComboRow          *pattern_row;
  AdwComboRow          *layout_row;
  GtkSpinButton        *seed_spin;
  AdwActionRow         *file_row;
  GtkButton            *file_button;
  GtkLabel             *error_label;
  GtkProgressBar       *progress_bar;
  GtkButton            *cancel_button;
  GtkButton            *simulate_button;

  IctoWindow           *window;     /* owned */
  GFile                *file;
  IctoJob              *job;        /* while running */
  GtkFileChooserNative *chooser;
  char                 *error;
  gboolean              closed;
};

G_DEFINE_FINAL_TYPE (IctoSimulateDialog, icto_simulate_dialog, ADW_TYPE_WINDOW)

static const int rates[] = { 256, 512, 1024, 2048 };
static const IctoSimPattern patterns[] = {
  ICTO_SIM_PATTERN_LVFA, ICTO_SIM_PATTERN_SPIKES, ICTO_SIM_PATTERN_MIXED,
};
static const char *const layouts[] = { "default", "seeg", "ecog" };

static void
show_error (IctoSimulateDialog *self,
            const char         *message)
{
  g_free (self->error);
  self->error = g_strdup (message);
  gtk_label_set_text (self->error_label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
}

static void
update_file_row (IctoSimulateDialog *self)
{
  g_autofree char *path = self->file != NULL ? g_file_get_path (self->file) : NULL;
  g_autofree char *escaped = g_markup_escape_text (path != NULL ? path : "", -1);

  adw_action_row_set_subtitle (self->file_row, escaped);
}

static void
set_running (IctoSimulateDialog *self,
             gboolean            running)
{
  gtk_widget_set_sensitive (GTK_WIDGET (self->params_group), !running);
  gtk_widget_set_sensitive (GTK_WIDGET (self->simulate_button), !running);
  gtk_widget_set_visible (GTK_WIDGET (self->cancel_button), running);
  gtk_widget_set_visible (GTK_WIDGET (self->progress_bar), running);
  if (running)
    {
      gtk_progress_bar_set_fraction (self->progress_bar, 0);
      gtk_progress_bar_set_text (self->progress_bar, _("Simulating…"));
      gtk_widget_grab_focus (GTK_WIDGET (self->cancel_button));
    }
}

static GFile *
default_file (IctoSimulateDialog *self)
{
  g_autofree char *dir = NULL;

  if (self->window != NULL && self->window->settings != NULL)
    {
      dir = g_settings_get_string (self->window->settings, "last-directory");
      if (dir != NULL && (*dir == '\0' || !g_file_test (dir, G_FILE_TEST_IS_DIR)))
        g_clear_pointer (&dir, g_free);
    }
  if (dir == NULL)
    {
      const char *docs = g_get_user_special_dir (G_USER_DIRECTORY_DOCUMENTS);
      dir = g_strdup (docs != NULL && g_file_test (docs, G_FILE_TEST_IS_DIR) ? docs : g_get_home_dir ());
    }
  for (guint i = 1; i < 1000; i++)
    {
      g_autofree char *name = NULL;
      g_autofree char *path = NULL;

      /* Translators: default file name (without extension) of a simulated recording */
      name = i == 1 ? g_strdup_printf ("%s.edf", _("simulated-recording"))
                    : g_strdup_printf ("%s-%u.edf", _("simulated-recording"), i);
      path = g_build_filename (dir, name, NULL);
      if (!g_file_test (path, G_FILE_TEST_EXISTS))
        return g_file_new_for_path (path);
    }
  return g_file_new_build_filename (dir, "simulated-recording.edf", NULL);
}

static void
fraction_cb (IctoJob            *job,
             GParamSpec         *pspec,
             IctoSimulateDialog *self)
{
  double f = icto_job_get_fraction (job);
  /* Translators: progress of the simulation, in percent */
  g_autofree char *text = g_strdup_printf (_("Simulating… %.1f %%"), f * 100);

  gtk_progress_bar_set_fraction (self->progress_bar, f);
  gtk_progress_bar_set_text (self->progress_bar, text);
}

static void
simulate_done_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(IctoSimulateDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  gboolean ok = icto_simulate_job_run_finish (result, &error);

  if (self->job != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->job, self);
      icto_job_complete (self->job);
      g_clear_object (&self->job);
    }
  if (self->closed)
    return;
  set_running (self, FALSE);
  if (!ok)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_error (self, _("The simulation was cancelled; the partial file was removed."));
      else
        show_error (self, error->message);
      return;
    }

  if (self->window != NULL)
    {
      g_autofree char *path = g_file_get_path (self->file);
      g_autofree char *message = NULL;
      g_autofree char *escaped = NULL;
      AdwToast *toast;

      /* Translators: %s is the path of the new recording */
      message = g_strdup_printf (_("Simulated recording saved to %s"), path);
      escaped = g_markup_escape_text (message, -1);
      toast = adw_toast_new (escaped);
      adw_toast_set_timeout (toast, 8);
      g_free (self->window->last_toast);
      self->window->last_toast = g_strdup (message);
      icto_window_open (self->window, self->file);
      adw_toast_overlay_add_toast (self->window->toast_overlay, toast);
    }
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
simulate_button_clicked_cb (IctoSimulateDialog *self)
{
  g_autoptr(GError) error = NULL;
  IctoSimParams params;
  guint rate = adw_combo_row_get_selected (self->rate_row);
  guint pattern = adw_combo_row_get_selected (self->pattern_row);
  guint layout = adw_combo_row_get_selected (self->layout_row);

  if (self->job != NULL)
    return;
  show_error (self, NULL);
  /* take typed but not yet committed values */
  gtk_spin_button_update (self->duration_spin);
  gtk_spin_button_update (self->seizures_spin);
  gtk_spin_button_update (self->seed_spin);

  icto_sim_params_init (&params);
  params.duration = 60.0 * gtk_spin_button_get_value_as_int (self->duration_spin);
  params.sample_rate = rates[MIN (rate, G_N_ELEMENTS (rates) - 1)];
  params.n_seizures = gtk_spin_button_get_value_as_int (self->seizures_spin);
  params.pattern = patterns[MIN (pattern, G_N_ELEMENTS (patterns) - 1)];
  params.layout = layouts[MIN (layout, G_N_ELEMENTS (layouts) - 1)];
  params.seed = (guint64) gtk_spin_button_get_value (self->seed_spin);

  if (!icto_sim_params_validate (&params, &error))
    {
      show_error (self, error->message);
      return;
    }
  if (self->file == NULL || !g_file_is_native (self->file))
    {
      show_error (self, _("Choose a local file to save the recording to."));
      return;
    }
  {
    g_autoptr(GFile) parent = g_file_get_parent (self->file);
    g_autofree char *dir = parent != NULL ? g_file_get_path (parent) : NULL;

    if (dir == NULL || !g_file_test (dir, G_FILE_TEST_IS_DIR))
      {
        show_error (self, _("The folder of the output file does not exist."));
        return;
      }
  }

  self->job = icto_job_new (_("Simulating a recording"));
  g_signal_connect (self->job, "notify::fraction", G_CALLBACK (fraction_cb), self);
  set_running (self, TRUE);
  icto_simulate_job_run_async (&params, self->file, self->job, simulate_done_cb, g_object_ref (self));
}

static void
cancel_button_clicked_cb (IctoSimulateDialog *self)
{
  if (self->job != NULL)
    {
      icto_job_cancel (self->job);
      gtk_progress_bar_set_text (self->progress_bar, _("Cancelling…"));
      gtk_widget_set_sensitive (GTK_WIDGET (self->cancel_button), FALSE);
    }
}

static void
chooser_response_cb (GtkNativeDialog    *dialog,
                     int                 response,
                     IctoSimulateDialog *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      if (file != NULL)
        {
          g_autofree char *path = g_file_get_path (file);

          if (path != NULL && !g_str_has_suffix (path, ".edf") && !g_str_has_suffix (path, ".EDF"))
            {
              g_autofree char *with_ext = g_strconcat (path, ".edf", NULL);
              g_autoptr(GFile) fixed = g_file_new_for_path (with_ext);
              icto_simulate_dialog_set_file (self, fixed);
            }
          else
            icto_simulate_dialog_set_file (self, file);
        }
    }
  gtk_native_dialog_destroy (dialog);
  g_clear_object (&self->chooser);
}

static void
file_button_clicked_cb (IctoSimulateDialog *self)
{
  g_autoptr(GtkFileFilter) edf = gtk_file_filter_new ();

  if (self->chooser != NULL)
    {
      gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
      return;
    }
  self->chooser = gtk_file_chooser_native_new (_("Save the Simulated Recording"), GTK_WINDOW (self),
                                               GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"), _("_Cancel"));
  gtk_file_filter_set_name (edf, _("EDF recordings"));
  gtk_file_filter_add_pattern (edf, "*.edf");
  gtk_file_filter_add_pattern (edf, "*.EDF");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), edf);
  if (self->file != NULL)
    {
      g_autoptr(GFile) parent = g_file_get_parent (self->file);
      g_autofree char *name = g_file_get_basename (self->file);

      if (parent != NULL)
        gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (self->chooser), parent, NULL);
      gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (self->chooser), name);
    }
  g_signal_connect (self->chooser, "response", G_CALLBACK (chooser_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

static gboolean
close_request_cb (GtkWindow *window)
{
  IctoSimulateDialog *self = ICTO_SIMULATE_DIALOG (window);

  self->closed = TRUE;
  if (self->job != NULL)
    icto_job_cancel (self->job);
  return FALSE;
}

static void
icto_simulate_dialog_dispose (GObject *object)
{
  IctoSimulateDialog *self = ICTO_SIMULATE_DIALOG (object);

  self->closed = TRUE;
  if (self->job != NULL)
    {
      /* simulate_done_cb holds a reference: it cleans up */
      g_signal_handlers_disconnect_by_data (self->job, self);
      icto_job_cancel (self->job);
    }
  if (self->chooser != NULL)
    {
      gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
      g_clear_object (&self->chooser);
    }
  gtk_widget_dispose_template (GTK_WIDGET (self), ICTO_TYPE_SIMULATE_DIALOG);
  G_OBJECT_CLASS (icto_simulate_dialog_parent_class)->dispose (object);
}

static void
icto_simulate_dialog_finalize (GObject *object)
{
  IctoSimulateDialog *self = ICTO_SIMULATE_DIALOG (object);

  g_clear_object (&self->window);
  g_clear_object (&self->file);
  g_clear_object (&self->job);
  g_free (self->error);
  G_OBJECT_CLASS (icto_simulate_dialog_parent_class)->finalize (object);
}

static void
icto_simulate_dialog_class_init (IctoSimulateDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = icto_simulate_dialog_dispose;
  object_class->finalize = icto_simulate_dialog_finalize;
  window_class->close_request = close_request_cb;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/ictoscope/Ictoscope/ui/icto-simulate-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, IctoSimulateDialog, params_group);
  gtk_widget_class_bind_template_child (widget_class, IctoSimulateDialog, duration_spin);
  gtk_widget_class_bind_template_child (widget_class, IctoSimulateDialog, rate_row);
  gtk_widget_class_bind_template_child (widget_class, IctoSimulateDialog, seizures_spin);
  gtk_widget_class_bind_template_child (widget_class, IctoSimulateDialog, pattern_row);
  gtk_widget_class_bind_template_child (widget_class, IctoSimulateDialog, layout_row);
  gtk_widget_class_bind_template_child (widget_class, IctoSimulateDialog, seed_spin);
  gtk_widget_class_bind_template_child (widget_class, IctoSimulateDialog, file_row);
  gtk_widget_class_bind_template_child (widget_class, IctoSimulateDialog, file_button);
  gtk_widget_class_bind_template_child (widget_class, IctoSimulateDialog, error_label);
  gtk_widget_class_bind_template_child (widget_class, IctoSimulateDialog, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, IctoSimulateDialog, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, IctoSimulateDialog, simulate_button);
  gtk_widget_class_bind_template_callback (widget_class, simulate_button_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, cancel_button_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, file_button_clicked_cb);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
icto_simulate_dialog_init (IctoSimulateDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

IctoSimulateDialog *
icto_simulate_dialog_new (IctoWindow *window)
{
  IctoSimulateDialog *self;

  g_return_val_if_fail (ICTO_IS_WINDOW (window), NULL);

  self = g_object_new (ICTO_TYPE_SIMULATE_DIALOG,
                       "transient-for", window,
                       "application", gtk_window_get_application (GTK_WINDOW (window)),
                       NULL);
  self->window = g_object_ref (window);
  self->file = default_file (self);
  update_file_row (self);
  return self;
}

GFile *
icto_simulate_dialog_get_file (IctoSimulateDialog *self)
{
  g_return_val_if_fail (ICTO_IS_SIMULATE_DIALOG (self), NULL);
  return self->file;
}

void
icto_simulate_dialog_set_file (IctoSimulateDialog *self,
                               GFile              *file)
{
  g_return_if_fail (ICTO_IS_SIMULATE_DIALOG (self));
  g_return_if_fail (G_IS_FILE (file));

  g_set_object (&self->file, file);
  update_file_row (self);
}

gboolean
icto_simulate_dialog_get_running (IctoSimulateDialog *self)
{
  g_return_val_if_fail (ICTO_IS_SIMULATE_DIALOG (self), FALSE);
  return self->job != NULL;
}

const char *
icto_simulate_dialog_get_error (IctoSimulateDialog *self)
{
  g_return_val_if_fail (ICTO_IS_SIMULATE_DIALOG (self), NULL);
  return self->error;
}
