/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "icto-application"

#include "config.h"

#include <glib/gi18n.h>

#include "app/icto-application.h"
#include "app/icto-preferences-window.h"
#include "app/icto-window.h"

struct _IctoApplication
{
  AdwApplication  parent_instance;
  GSettings      *settings;
};

G_DEFINE_FINAL_TYPE (IctoApplication, icto_application, ADW_TYPE_APPLICATION)

static const struct {
  const char *action;
  const char *accels[4];
} accels[] = {
  { "app.quit",                    { "<Control>q", NULL } },
  { "app.preferences",             { "<Control>comma", NULL } },
  { "window.close",                { "<Control>w", NULL } },
  { "win.open",                    { "<Control>o", NULL } },
  { "win.go-to-time",              { "<Control>g", NULL } },
  { "win.side-panel",              { "F9", NULL } },
  { "win.page-forward",            { "Page_Down", "Right", NULL } },
  { "win.page-back",               { "Page_Up", "Left", NULL } },
  { "win.step-forward",            { "<Shift>Right", NULL } },
  { "win.step-back",               { "<Shift>Left", NULL } },
  { "win.go-start",                { "Home", NULL } },
  { "win.go-end",                  { "End", NULL } },
  { "win.sensitivity-increase",    { "plus", "equal", "KP_Add", NULL } },
  { "win.sensitivity-decrease",    { "minus", "KP_Subtract", NULL } },
  { "win.shorter-page",            { "bracketleft", NULL } },
  { "win.longer-page",             { "bracketright", NULL } },
  { "win.montage::referential",    { "<Control>1", NULL } },
  { "win.montage::average",        { "<Control>2", NULL } },
  { "win.montage::bipolar",        { "<Control>3", NULL } },
  { "win.montage::local",          { "<Control>4", NULL } },
  { "win.annotation-label(1)",     { "1", "KP_1", NULL } },
  { "win.annotation-label(2)",     { "2", "KP_2", NULL } },
  { "win.annotation-label(3)",     { "3", "KP_3", NULL } },
  { "win.annotation-label(4)",     { "4", "KP_4", NULL } },
  { "win.annotation-label(5)",     { "5", "KP_5", NULL } },
  { "win.annotation-label(6)",     { "6", "KP_6", NULL } },
  { "win.annotation-label(7)",     { "7", "KP_7", NULL } },
  { "win.annotation-label(8)",     { "8", "KP_8", NULL } },
  { "win.annotation-label(9)",     { "9", "KP_9", NULL } },
  { "win.seizure-mark::eec",       { "e", NULL } },
  { "win.seizure-mark::ueo",       { "u", NULL } },
  { "win.seizure-mark::offset",    { "o", NULL } },
  { "win.annotation-undo",         { "<Control>z", NULL } },
  { "win.annotation-redo",         { "<Control><Shift>z", "<Control>y", NULL } },
  { "win.annotation-next",         { "n", NULL } },
  { "win.annotation-previous",     { "p", NULL } },
  { "win.annotation-delete",       { "Delete", NULL } },
  { "win.annotation-edit",         { "F2", NULL } },
  { "win.show-probability",        { "<Alt>l", NULL } },
  { "win.show-agreement",          { "<Alt>g", NULL } },
  { "win.show-prediction",         { "<Alt>p", NULL } },
  { "win.detections",              { "<Control>d", NULL } },
  { "win.next-detection",          { "<Alt>Right", NULL } },
  { "win.previous-detection",      { "<Alt>Left", NULL } },
  { "win.show-help-overlay",       { "<Control>question", NULL } },
};

static IctoWindow *
get_window (IctoApplication *self)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (ICTO_IS_WINDOW (window))
    return ICTO_WINDOW (window);
  return icto_window_new (self);
}

static void
quit_action (GSimpleAction *action,
             GVariant      *param,
             gpointer       user_data)
{
  IctoApplication *self = user_data;
  GList *windows = gtk_application_get_windows (GTK_APPLICATION (self));

  /* close each window so it can save its state */
  while (windows != NULL)
    {
      GList *next = windows->next;
      gtk_window_close (windows->data);
      windows = next;
    }
  g_application_quit (G_APPLICATION (self));
}

static void
about_action (GSimpleAction *action,
              GVariant      *param,
              gpointer       user_data)
{
  IctoApplication *self = user_data;
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));
  const char *developers[] = { _("The Ictoscope contributors"), NULL };
  const char *model_authors[] = {
    /* Translators: a credit line; the web address at its end becomes a link */
    _("MVPFormer, arXiv:2506.20354 https://arxiv.org/abs/2506.20354"),
    NULL
  };
  g_autofree char *comments = g_strdup_printf ("%s\n\n%s",
                                               _("Review intracranial EEG with the MVPFormer foundation model"),
                                               _("Ictoscope is for research and teaching. It is not a diagnostic device: "
                                                 "its model must not be used for diagnosis or treatment decisions."));
  AdwAboutWindow *about;

  about = ADW_ABOUT_WINDOW (adw_about_window_new ());
  adw_about_window_set_application_name (about, _("Ictoscope"));
  adw_about_window_set_application_icon (about, APP_ID);
  adw_about_window_set_version (about, PACKAGE_VERSION);
  adw_about_window_set_developer_name (about, _("The Ictoscope contributors"));
  adw_about_window_set_comments (about, comments);
  adw_about_window_set_website (about, "https://ictoscope.github.io/");
  adw_about_window_set_issue_url (about, "https://github.com/ictoscope/ictoscope/issues");
  adw_about_window_set_license_type (about, GTK_LICENSE_GPL_3_0);
  adw_about_window_set_copyright (about, _("© The Ictoscope contributors"));
  adw_about_window_set_developers (about, developers);
  adw_about_window_set_translator_credits (about, _("translator-credits"));
  adw_about_window_add_credit_section (about, _("Foundation model"), model_authors);
  adw_about_window_add_legal_section (about, _("MVPFormer"),
                                      _("Citation: “A foundation model with multi-variate parallel attention "
                                        "to generate neuronal activity”, arXiv:2506.20354 (2025)."),
                                      GTK_LICENSE_CUSTOM,
                                      _("Ictoscope is research and teaching software. The model is not a medical "
                                        "device and must not be used for diagnosis or treatment decisions."));
  if (parent != NULL)
    gtk_window_set_transient_for (GTK_WINDOW (about), parent);
  gtk_window_set_modal (GTK_WINDOW (about), parent != NULL);
  gtk_window_present (GTK_WINDOW (about));
}

static void
preferences_action (GSimpleAction *action,
                    GVariant      *param,
                    gpointer       user_data)
{
  IctoApplication *self = user_data;
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));
  IctoPreferencesWindow *prefs;

  g_return_if_fail (self->settings != NULL);
  prefs = icto_preferences_window_new (parent, self->settings);
  gtk_window_present (GTK_WINDOW (prefs));
}

static void
apply_color_scheme (IctoApplication *self)
{
  g_autofree char *scheme = g_settings_get_string (self->settings, "color-scheme");
  AdwStyleManager *style = adw_style_manager_get_default ();

  if (g_strcmp0 (scheme, "light") == 0)
    adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_FORCE_LIGHT);
  else if (g_strcmp0 (scheme, "dark") == 0)
    adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_FORCE_DARK);
  else
    adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_DEFAULT);
}

static void
color_scheme_changed_cb (GSettings       *settings,
                         const char      *key,
                         IctoApplication *self)
{
  apply_color_scheme (self);
}

static void
icto_application_activate (GApplication *app)
{
  gtk_window_present (GTK_WINDOW (get_window (ICTO_APPLICATION (app))));
}

static void
icto_application_open (GApplication  *app,
                       GFile        **files,
                       int            n_files,
                       const char    *hint)
{
  IctoApplication *self = ICTO_APPLICATION (app);

  for (int i = 0; i < n_files; i++)
    {
      /* the first file goes to the current window, others to new windows */
      IctoWindow *window = i == 0 ? get_window (self) : icto_window_new (self);

      icto_window_open (window, files[i]);
      gtk_window_present (GTK_WINDOW (window));
    }
}

static void
icto_application_startup (GApplication *app)
{
  IctoApplication *self = ICTO_APPLICATION (app);
  static const GActionEntry entries[] = {
    { "quit", quit_action },
    { "about", about_action },
    { "preferences", preferences_action },
  };

  G_APPLICATION_CLASS (icto_application_parent_class)->startup (app);

  g_action_map_add_action_entries (G_ACTION_MAP (self), entries, G_N_ELEMENTS (entries), self);
  if (self->settings != NULL)
    {
      apply_color_scheme (self);
      g_signal_connect_object (self->settings, "changed::color-scheme",
                               G_CALLBACK (color_scheme_changed_cb), self, 0);
    }
  else
    {
      /* without the schema there is nothing to edit */
      GAction *prefs = g_action_map_lookup_action (G_ACTION_MAP (self), "preferences");
      g_simple_action_set_enabled (G_SIMPLE_ACTION (prefs), FALSE);
    }
  for (guint i = 0; i < G_N_ELEMENTS (accels); i++)
    gtk_application_set_accels_for_action (GTK_APPLICATION (self), accels[i].action, accels[i].accels);
}

static void
icto_application_dispose (GObject *object)
{
  IctoApplication *self = ICTO_APPLICATION (object);

  g_clear_object (&self->settings);
  G_OBJECT_CLASS (icto_application_parent_class)->dispose (object);
}

static void
icto_application_class_init (IctoApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->dispose = icto_application_dispose;
  app_class->activate = icto_application_activate;
  app_class->open = icto_application_open;
  app_class->startup = icto_application_startup;
}

static void
icto_application_init (IctoApplication *self)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;

  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, APP_ID_BASE, TRUE);
  if (schema != NULL)
    self->settings = g_settings_new_full (schema, NULL, NULL);
  else
    g_debug ("GSettings schema %s not installed; using defaults", APP_ID_BASE);
}

IctoApplication *
icto_application_new (const char        *application_id,
                      GApplicationFlags  flags)
{
  return g_object_new (ICTO_TYPE_APPLICATION,
                       "application-id", application_id,
                       "flags", flags,
                       "resource-base-path", "/io/github/ictoscope/Ictoscope",
                       NULL);
}

GSettings *
icto_application_get_settings (IctoApplication *self)
{
  g_return_val_if_fail (ICTO_IS_APPLICATION (self), NULL);
  return self->settings;
}
