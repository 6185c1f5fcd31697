/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "icto-window-actions"

#include "config.h"

#include <glib/gi18n.h>

#include "app/icto-window-private.h"
#include "core/icto-page-export.h"
#include "core/icto-page-painter.h"
#include "app/icto-simulate-dialog.h"

static void
chooser_response_cb (GtkNativeDialog *dialog,
                     int              response,
                     IctoWindow      *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      if (file != NULL)
        icto_window_open (self, file);
    }
  gtk_native_dialog_destroy (dialog);
  g_clear_object (&self->chooser);
}

static void
open_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  IctoWindow *self = ICTO_WINDOW (widget);
  g_autoptr(GtkFileFilter) recordings = gtk_file_filter_new ();
  g_autoptr(GtkFileFilter) all = gtk_file_filter_new ();
  const char *patterns[] = { "*.edf", "*.EDF", "*.Edf", "*.bdf", "*.BDF", "*.Bdf", "*.rec", "*.REC" };

  if (self->chooser != NULL)
    {
      gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
      return;
    }
  self->chooser = gtk_file_chooser_native_new (_("Open a Recording"), GTK_WINDOW (self),
                                               GTK_FILE_CHOOSER_ACTION_OPEN, _("_Open"), _("_Cancel"));
  gtk_file_filter_set_name (recordings, _("EDF and BDF recordings"));
  for (guint i = 0; i < G_N_ELEMENTS (patterns); i++)
    gtk_file_filter_add_pattern (recordings, patterns[i]);
  gtk_file_filter_add_mime_type (recordings, "application/x-edf");
  gtk_file_filter_add_mime_type (recordings, "application/x-bdf");
  gtk_file_filter_set_name (all, _("All files"));
  gtk_file_filter_add_pattern (all, "*");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), recordings);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), all);
  gtk_file_chooser_set_filter (GTK_FILE_CHOOSER (self->chooser), recordings);
  if (self->settings != NULL)
    {
      g_autofree char *dir = g_settings_get_string (self->settings, "last-directory");
      if (dir != NULL && *dir != '\0' && g_file_test (dir, G_FILE_TEST_IS_DIR))
        {
          g_autoptr(GFile) folder = g_file_new_for_path (dir);
          gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (self->chooser), folder, NULL);
        }
    }
  g_signal_connect (self->chooser, "response", G_CALLBACK (chooser_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

static void
simulate_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *param)
{
  IctoSimulateDialog *dialog = icto_simulate_dialog_new (ICTO_WINDOW (widget));

  gtk_window_present (GTK_WINDOW (dialog));
}

static void
open_recent_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *param)
{
  g_autoptr(GFile) file = g_file_new_for_uri (g_variant_get_string (param, NULL));

  icto_window_open (ICTO_WINDOW (widget), file);
}

static void
navigate_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *param)
{
  IctoWindow *self = ICTO_WINDOW (widget);
  IctoSession *session = self->session;
  IctoRecording *rec = icto_session_get_recording (session);

  if (rec == NULL)
    return;
  if (g_str_equal (action_name, "win.page-forward"))
    icto_session_page (session, 1);
  else if (g_str_equal (action_name, "win.page-back"))
    icto_session_page (session, -1);
  else if (g_str_equal (action_name, "win.step-forward"))
    icto_session_set_start (session, icto_session_get_start (session) + ICTO_TICKS_PER_SECOND);
  else if (g_str_equal (action_name, "win.step-back"))
    icto_session_set_start (session, icto_session_get_start (session) - ICTO_TICKS_PER_SECOND);
  else if (g_str_equal (action_name, "win.go-start"))
    icto_session_set_start (session, 0);
  else if (g_str_equal (action_name, "win.go-end"))
    icto_session_set_start (session, icto_recording_get_duration (rec));
}

static void
sensitivity_step_action (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *param)
{
  IctoWindow *self = ICTO_WINDOW (widget);
  double s = icto_session_get_sensitivity (self->session);

  /* larger traces = fewer microvolts per millimetre */
  if (g_str_equal (action_name, "win.sensitivity-increase"))
    icto_session_set_sensitivity (self->session, icto_sensitivity_step (s, -1));
  else
    icto_session_set_sensitivity (self->session, icto_sensitivity_step (s, 1));
}

static void
page_length_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *param)
{
  IctoWindow *self = ICTO_WINDOW (widget);
  static const double durations[] = { 1, 2, 5, 10, 15, 20, 30, 60 };
  double d = icto_session_get_page_duration (self->session);
  guint n = G_N_ELEMENTS (durations);

  if (g_str_equal (action_name, "win.longer-page"))
    {
      for (guint i = 0; i < n; i++)
        if (durations[i] > d + 1e-9)
          {
            icto_session_set_page_duration (self->session, durations[i]);
            return;
          }
    }
  else
    {
      for (guint i = n; i-- > 0;)
        if (durations[i] < d - 1e-9)
          {
            icto_session_set_page_duration (self->session, durations[i]);
            return;
          }
    }
}

static void
timebase_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *param)
{
  IctoWindow *self = ICTO_WINDOW (widget);
  double mm_per_s = g_variant_get_double (param);
  int scale = gtk_widget_get_scale_factor (widget);
  double width_px = (gtk_widget_get_width (GTK_WIDGET (self->trace_view)) - ICTO_PAINTER_LABEL_WIDTH) * scale;
  double seconds;

  if (width_px <= 0 || mm_per_s <= 0)
    return;
  seconds = width_px / icto_session_get_pixels_per_mm (self->session) / mm_per_s;
  icto_session_set_page_duration (self->session, seconds);
}

static void
reset_channels_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *param)
{
  IctoWindow *self = ICTO_WINDOW (widget);

  if (icto_session_get_recording (self->session) != NULL)
    icto_session_reset_channels (self->session);
}

static void
goto_response_cb (AdwMessageDialog *dialog,
                  const char       *response,
                  IctoWindow       *self)
{
  GtkEditable *entry = g_object_get_data (G_OBJECT (dialog), "entry");
  g_autoptr(GError) error = NULL;
  gint64 t;

  if (!g_str_equal (response, "go"))
    return;
  if (!icto_session_parse_time (self->session, gtk_editable_get_text (entry), &t, &error))
    {
      icto_window_show_error (self, error);
      return;
    }
  /* the asked time goes to the page's first second, as when paging */
  icto_session_set_start (self->session, t);
}

static void
entry_activate_cb (GtkEntry         *entry,
                   AdwMessageDialog *dialog)
{
  adw_message_dialog_response (dialog, "go");
  gtk_window_close (GTK_WINDOW (dialog));
}

static void
go_to_time_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *param)
{
  IctoWindow *self = ICTO_WINDOW (widget);
  IctoRecording *rec = icto_session_get_recording (self->session);
  GtkWidget *dialog;
  GtkWidget *entry;
  g_autofree char *body = NULL;

  if (rec == NULL)
    return;
  body = icto_recording_get_start_time (rec) != NULL
         ? g_strdup (_("Type a clock time such as 10:32:05, or seconds from the start such as 125."))
         : g_strdup (_("Type seconds from the start, such as 125, or minutes and seconds such as 2:05."));
  dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Go to Time"), body);
  entry = gtk_entry_new ();
  gtk_accessible_update_property (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Time"), -1);
  gtk_entry_set_input_hints (GTK_ENTRY (entry), GTK_INPUT_HINT_NO_SPELLCHECK);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), entry);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "go", _("_Go"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "go", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "go");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data (G_OBJECT (dialog), "entry", entry);
  g_signal_connect (dialog, "response", G_CALLBACK (goto_response_cb), self);
  g_signal_connect (entry, "activate", G_CALLBACK (entry_activate_cb), dialog);
  gtk_window_present (GTK_WINDOW (dialog));
  gtk_widget_grab_focus (entry);
}

static void
calibrate_response_cb (AdwMessageDialog *dialog,
                       const char       *response,
                       IctoWindow       *self)
{
  GtkSpinButton *spin = g_object_get_data (G_OBJECT (dialog), "spin");
  double mm = gtk_spin_button_get_value (spin);
  double ppm;

  if (!g_str_equal (response, "apply") || mm <= 0)
    return;
  /* the bar is 100 logical pixels long on screen */
  ppm = 100.0 * gtk_widget_get_scale_factor (GTK_WIDGET (self)) / mm;
  icto_session_set_pixels_per_mm (self->session, ppm);
  self->ppm_from_settings = TRUE;
  if (self->settings != NULL)
    g_settings_set_double (self->settings, "pixels-per-mm", ppm);
}

static void
calibrate_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *param)
{
  IctoWindow *self = ICTO_WINDOW (widget);
  GtkWidget *dialog;
  GtkWidget *box;
  GtkWidget *bar;
  GtkWidget *spin;
  double ppm = icto_session_get_pixels_per_mm (self->session) / gtk_widget_get_scale_factor (widget);

  dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Screen Calibration"),
                                   _("Measure the black bar with a ruler and type its length, so that "
                                     "millimetres on screen are real millimetres."));
  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  bar = gtk_drawing_area_new ();
  gtk_widget_set_size_request (bar, 100, 12);
  gtk_widget_set_halign (bar, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (bar, "ictocalibrationbar");
  {
    g_autoptr(GtkCssProvider) css = gtk_css_provider_new ();
    gtk_css_provider_load_from_data (css, ".ictocalibrationbar { background-color: black; }", -1);
    gtk_style_context_add_provider (gtk_widget_get_style_context (bar), GTK_STYLE_PROVIDER (css),
                                    GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
  }
  spin = gtk_spin_button_new_with_range (5, 100, 0.5);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (spin), 100.0 / ppm);
  gtk_widget_set_halign (spin, GTK_ALIGN_CENTER);
  gtk_accessible_update_property (GTK_ACCESSIBLE (spin), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Length of the bar in millimetres"), -1);
  gtk_box_append (GTK_BOX (box), bar);
  gtk_box_append (GTK_BOX (box), spin);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), box);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "apply", _("_Apply"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "apply", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "apply");
  g_object_set_data (G_OBJECT (dialog), "spin", spin);
  g_signal_connect (dialog, "response", G_CALLBACK (calibrate_response_cb), self);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
load_montage_response_cb (GtkNativeDialog *dialog,
                          int              response,
                          IctoWindow      *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autofree char *path = file ? g_file_get_path (file) : NULL;
      g_autoptr(GError) error = NULL;

      if (path == NULL)
        g_set_error_literal (&error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                             _("The montage is not a local file; copy it to this computer first"));
      else
        icto_session_load_montage (self->session, path, &error);
      if (error != NULL)
        icto_window_show_error (self, error);
    }
  gtk_native_dialog_destroy (dialog);
  g_object_unref (dialog);
}

static void
load_montage_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *param)
{
  IctoWindow *self = ICTO_WINDOW (widget);
  GtkFileChooserNative *chooser;
  g_autoptr(GtkFileFilter) montages = gtk_file_filter_new ();
  g_autoptr(GtkFileFilter) all = gtk_file_filter_new ();

  chooser = gtk_file_chooser_native_new (_("Load a Montage"), GTK_WINDOW (self),
                                         GTK_FILE_CHOOSER_ACTION_OPEN, _("_Load"), _("_Cancel"));
  gtk_file_filter_set_name (montages, _("Montage files"));
  gtk_file_filter_add_pattern (montages, "*.montage");
  gtk_file_filter_add_pattern (montages, "*.txt");
  gtk_file_filter_set_name (all, _("All files"));
  gtk_file_filter_add_pattern (all, "*");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), montages);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), all);
  gtk_file_chooser_set_filter (GTK_FILE_CHOOSER (chooser), all);
  g_signal_connect (chooser, "response", G_CALLBACK (load_montage_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
export_response_cb (GtkNativeDialog *dialog,
                    int              response,
                    IctoWindow      *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autofree char *path = file ? g_file_get_path (file) : NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(IctoTracePage) page = NULL;
      int width = 1920;
      int height = 1080;

      if (path != NULL)
        {
          IctoPageFormat format;
          if (!icto_page_format_from_path (path, &format))
            {
              g_autofree char *png = g_strconcat (path, ".png", NULL);
              g_free (path);
              path = g_steal_pointer (&png);
            }
          page = icto_session_fetch_page (self->session, icto_page_painter_columns_for_width (width), &error);
          if (page == NULL || !icto_page_export (page, path, width, height, &error))
            icto_window_show_error (self, error);
          else
            {
              g_autofree char *base = g_path_get_basename (path);
              g_autofree char *msg = g_strdup_printf (_("Page saved as %s"), base);
              g_autofree char *escaped = g_markup_escape_text (msg, -1);
              adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (escaped));
            }
        }
    }
  gtk_native_dialog_destroy (dialog);
  g_object_unref (dialog);
}

static void
export_page_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *param)
{
  IctoWindow *self = ICTO_WINDOW (widget);
  GtkFileChooserNative *chooser;

  if (icto_session_get_recording (self->session) == NULL)
    return;
  chooser = gtk_file_chooser_native_new (_("Export Page"), GTK_WINDOW (self),
                                         GTK_FILE_CHOOSER_ACTION_SAVE, _("_Export"), _("_Cancel"));
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), _("page.png"));
  g_signal_connect (chooser, "response", G_CALLBACK (export_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

void
_icto_window_apply_filter (IctoWindow *self,
                           const char *name)
{
  int notch;
  double hp = 0, lp = 0;

  if (name == NULL)
    return;
  if (g_str_equal (name, "review"))
    {
      hp = 1;
      lp = 70;
    }
  else if (g_str_equal (name, "hfo80"))
    hp = 80;
  else if (g_str_equal (name, "hfo250"))
    hp = 250;
  else if (!g_str_equal (name, "off"))
    return;
  icto_session_get_filter (self->session, NULL, NULL, &notch);
  icto_session_set_filter (self->session, hp, lp, notch);
  g_free (self->filter);
  self->filter = g_strdup (name);
  if (self->settings != NULL)
    {
      g_settings_set_double (self->settings, "highpass", hp);
      g_settings_set_double (self->settings, "lowpass", lp);
    }
  g_object_notify (G_OBJECT (self), "filter");
}

void
_icto_window_actions_update (IctoWindow *self)
{
  gboolean open = icto_session_get_recording (self->session) != NULL;
  const char *needs_recording[] = {
    "win.page-forward", "win.page-back", "win.step-forward", "win.step-back",
    "win.go-start", "win.go-end", "win.go-to-time", "win.export-page",
    "win.reset-channels", "win.timebase", "win.load-montage",
  };

  for (guint i = 0; i < G_N_ELEMENTS (needs_recording); i++)
    gtk_widget_action_set_enabled (GTK_WIDGET (self), needs_recording[i], open);
}

void
_icto_window_class_actions_init (GtkWidgetClass *widget_class)
{
  const char *nav[] = {
    "win.page-forward", "win.page-back", "win.step-forward", "win.step-back",
    "win.go-start", "win.go-end",
  };

  gtk_widget_class_install_action (widget_class, "win.open", NULL, open_action);
  gtk_widget_class_install_action (widget_class, "win.open-recent", "s", open_recent_action);
  gtk_widget_class_install_action (widget_class, "win.simulate", NULL, simulate_action);
  for (guint i = 0; i < G_N_ELEMENTS (nav); i++)
    gtk_widget_class_install_action (widget_class, nav[i], NULL, navigate_action);
  gtk_widget_class_install_action (widget_class, "win.sensitivity-increase", NULL, sensitivity_step_action);
  gtk_widget_class_install_action (widget_class, "win.sensitivity-decrease", NULL, sensitivity_step_action);
  gtk_widget_class_install_action (widget_class, "win.longer-page", NULL, page_length_action);
  gtk_widget_class_install_action (widget_class, "win.shorter-page", NULL, page_length_action);
  gtk_widget_class_install_action (widget_class, "win.timebase", "d", timebase_action);
  gtk_widget_class_install_action (widget_class, "win.reset-channels", NULL, reset_channels_action);
  gtk_widget_class_install_action (widget_class, "win.go-to-time", NULL, go_to_time_action);
  gtk_widget_class_install_action (widget_class, "win.calibrate-screen", NULL, calibrate_action);
  gtk_widget_class_install_action (widget_class, "win.export-page", NULL, export_page_action);
  gtk_widget_class_install_action (widget_class, "win.load-montage", NULL, load_montage_action);

  gtk_widget_class_install_property_action (widget_class, "win.montage", "montage");
  gtk_widget_class_install_property_action (widget_class, "win.filter", "filter");
  gtk_widget_class_install_property_action (widget_class, "win.notch", "notch");
  gtk_widget_class_install_property_action (widget_class, "win.page-duration", "page-duration");
  gtk_widget_class_install_property_action (widget_class, "win.sensitivity", "sensitivity");
  gtk_widget_class_install_property_action (widget_class, "win.color-by-shaft", "color-by-shaft");
  gtk_widget_class_install_property_action (widget_class, "win.side-panel", "side-panel");
}
