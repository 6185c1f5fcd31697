/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-preferences"

#include "config.h"

#include <adwaita.h>
#include <string.h>

#include "app/icto-application.h"
#include "app/icto-preferences-window.h"
#include "app/icto-window.h"
#include "icto-gui-test.h"
#include "icto-test-util.h"
#include "widgets/icto-widgets-init.h"

/* The preferences window (bound to GSettings), the colour scheme and the
 * About window, on the real application. */

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

static void
reset_settings (GSettings *settings)
{
  g_autoptr(GSettingsSchema) schema = NULL;
  g_auto(GStrv) keys = NULL;

  g_object_get (settings, "settings-schema", &schema, NULL);
  keys = g_settings_schema_list_keys (schema);
  for (guint i = 0; keys[i] != NULL; i++)
    g_settings_reset (settings, keys[i]);
}

static void
test_preferences_bindings (void)
{
  GSettings *settings = icto_application_get_settings (app);
  IctoWindow *window;
  GtkWindow *prefs;
  GtkWidget *w;
  g_autofree char *s = NULL;
  g_autofree char *shot = NULL;
  g_auto(GStrv) accels = NULL;

  g_assert_nonnull (settings);
  reset_settings (settings);
  accels = gtk_application_get_accels_for_action (GTK_APPLICATION (app), "app.preferences");
  g_assert_true (g_strv_contains ((const char * const *) accels, "<Control>comma"));

  window = icto_window_new (app);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (g_action_group_get_action_enabled (G_ACTION_GROUP (app), "preferences"));
  g_action_group_activate_action (G_ACTION_GROUP (app), "preferences", NULL);
  prefs = icto_gui_test_find_toplevel (ICTO_TYPE_PREFERENCES_WINDOW, NULL);
  g_assert_nonnull (prefs);
  g_assert_true (gtk_window_get_transient_for (prefs) == GTK_WINDOW (window));
  g_assert_true (icto_preferences_window_get_settings (ICTO_PREFERENCES_WINDOW (prefs)) == settings);

  /* the rows show the keys' values, both ways */
  w = find_by_id (GTK_WIDGET (prefs), "page_duration_spin");
  g_assert_cmpfloat (gtk_spin_button_get_value (GTK_SPIN_BUTTON (w)), ==, 10);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (w), 20);
  g_assert_cmpfloat (g_settings_get_double (settings, "page-duration"), ==, 20);
  w = find_by_id (GTK_WIDGET (prefs), "sensitivity_spin");
  g_settings_set_double (settings, "sensitivity", 100);
  g_assert_cmpfloat (gtk_spin_button_get_value (GTK_SPIN_BUTTON (w)), ==, 100);
  w = find_by_id (GTK_WIDGET (prefs), "highpass_spin");
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (w), 1);
  g_assert_cmpfloat (g_settings_get_double (settings, "highpass"), ==, 1);
  w = find_by_id (GTK_WIDGET (prefs), "lowpass_spin");
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (w), 70);
  g_assert_cmpfloat (g_settings_get_double (settings, "lowpass"), ==, 70);
  w = find_by_id (GTK_WIDGET (prefs), "threads_spin");
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (w), 3);
  g_assert_cmpint (g_settings_get_int (settings, "worker-threads"), ==, 3);
  w = find_by_id (GTK_WIDGET (prefs), "ppm_spin");
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (w), 4.25);
  g_assert_cmpfloat_with_epsilon (g_settings_get_double (settings, "pixels-per-mm"), 4.25, 1e-9);

  w = find_by_id (GTK_WIDGET (prefs), "montage_row");
  g_assert_cmpuint (adw_combo_row_get_selected (ADW_COMBO_ROW (w)), ==, 0);
  adw_combo_row_set_selected (ADW_COMBO_ROW (w), 2);
  s = g_settings_get_string (settings, "montage");
  g_assert_cmpstr (s, ==, "bipolar");
  g_settings_set_string (settings, "montage", "local");
  g_assert_cmpuint (adw_combo_row_get_selected (ADW_COMBO_ROW (w)), ==, 3);
  g_settings_set_string (settings, "montage", "bipolar");

  w = find_by_id (GTK_WIDGET (prefs), "notch_row");
  adw_combo_row_set_selected (ADW_COMBO_ROW (w), 1);
  g_assert_cmpint (g_settings_get_int (settings, "notch"), ==, 50);
  g_settings_set_int (settings, "notch", 60);
  g_assert_cmpuint (adw_combo_row_get_selected (ADW_COMBO_ROW (w)), ==, 2);

  /* the colour scheme applies at once */
  w = find_by_id (GTK_WIDGET (prefs), "color_scheme_row");
  adw_combo_row_set_selected (ADW_COMBO_ROW (w), 2);
  g_clear_pointer (&s, g_free);
  s = g_settings_get_string (settings, "color-scheme");
  g_assert_cmpstr (s, ==, "dark");
  g_assert_cmpint (adw_style_manager_get_color_scheme (adw_style_manager_get_default ()), ==, ADW_COLOR_SCHEME_FORCE_DARK);
  g_settings_set_string (settings, "color-scheme", "light");
  g_assert_cmpuint (adw_combo_row_get_selected (ADW_COMBO_ROW (w)), ==, 1);
  g_assert_cmpint (adw_style_manager_get_color_scheme (adw_style_manager_get_default ()), ==, ADW_COLOR_SCHEME_FORCE_LIGHT);
  adw_combo_row_set_selected (ADW_COMBO_ROW (w), 0);
  g_assert_cmpint (adw_style_manager_get_color_scheme (adw_style_manager_get_default ()), ==, ADW_COLOR_SCHEME_DEFAULT);

  /* the model file: the subtitle names it, the reset button goes back to the bundled one */
  w = find_by_id (GTK_WIDGET (prefs), "model_row");
  g_assert_false (gtk_widget_get_sensitive (find_by_id (GTK_WIDGET (prefs), "model_reset_button")));
  g_settings_set_string (settings, "model-path", "/data/models/mvpformer & co.safetensors");
  /* the subtitle is markup: libadwaita 1.2 returns the text shown, so "&" survived escaping */
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (w)), ==, "/data/models/mvpformer & co.safetensors");
  g_assert_true (gtk_widget_get_sensitive (find_by_id (GTK_WIDGET (prefs), "model_reset_button")));
  g_signal_emit_by_name (find_by_id (GTK_WIDGET (prefs), "model_reset_button"), "clicked");
  g_clear_pointer (&s, g_free);
  s = g_settings_get_string (settings, "model-path");
  g_assert_cmpstr (s, ==, "");
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (w)), !=, "");

  gtk_window_set_default_size (prefs, 640, 860);
  g_clear_pointer (&shot, g_free);
  shot = icto_gui_test_screenshot (GTK_WIDGET (prefs), "screenshot-preferences.png");
  adw_preferences_window_set_visible_page_name (ADW_PREFERENCES_WINDOW (prefs), "model");
  g_clear_pointer (&shot, g_free);
  shot = icto_gui_test_screenshot (GTK_WIDGET (prefs), "screenshot-preferences-model.png");
  gtk_window_destroy (prefs);

  /* a new window starts with the preferred defaults */
  gtk_window_destroy (GTK_WINDOW (window));
  window = icto_window_new (app);
  g_assert_cmpfloat (icto_session_get_page_duration (icto_window_get_session (window)), ==, 20);
  g_assert_cmpfloat (icto_session_get_sensitivity (icto_window_get_session (window)), ==, 100);
  g_assert_cmpint (icto_session_get_montage (icto_window_get_session (window)), ==, ICTO_MONTAGE_KIND_BIPOLAR);
  {
    double hp, lp;
    int notch;

    icto_session_get_filter (icto_window_get_session (window), &hp, &lp, &notch);
    g_assert_cmpfloat (hp, ==, 1);
    g_assert_cmpfloat (lp, ==, 70);
    g_assert_cmpint (notch, ==, 60);
  }
  gtk_window_destroy (GTK_WINDOW (window));
  reset_settings (settings);
  icto_gui_test_settle ();
}

static void
test_preferences_no_schema (void)
{
  if (g_test_subprocess ())
    {
      g_autoptr(GSettingsSchema) schema = NULL;

      /* the machine may have Ictoscope installed in /usr: nothing to test then */
      if (g_settings_schema_source_get_default () != NULL)
        schema = g_settings_schema_source_lookup (g_settings_schema_source_get_default (), APP_ID_BASE, TRUE);
      if (schema != NULL)
        return;
      /* main() created this process's application without any schema */
      g_assert_null (icto_application_get_settings (app));
      g_assert_true (g_action_group_has_action (G_ACTION_GROUP (app), "preferences"));
      g_assert_false (g_action_group_get_action_enabled (G_ACTION_GROUP (app), "preferences"));
      g_assert_true (g_action_group_get_action_enabled (G_ACTION_GROUP (app), "about"));
      return;
    }
  g_test_trap_subprocess (NULL, 60 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

static void
test_about (void)
{
  IctoWindow *window = icto_window_new (app);
  AdwAboutWindow *about;
  g_autofree char *shot = NULL;

  gtk_window_present (GTK_WINDOW (window));
  {
    /* the application icon from the source tree, as installed by meson install */
    g_autofree char *icons = icto_test_source_path ("data/icons");
    GtkIconTheme *theme = gtk_icon_theme_get_for_display (gtk_widget_get_display (GTK_WIDGET (window)));

    gtk_icon_theme_add_search_path (theme, icons);
    g_assert_true (gtk_icon_theme_has_icon (theme, APP_ID));
  }
  g_action_group_activate_action (G_ACTION_GROUP (app), "about", NULL);
  about = ADW_ABOUT_WINDOW (icto_gui_test_find_toplevel (ADW_TYPE_ABOUT_WINDOW, NULL));
  g_assert_nonnull (about);
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (about)) == GTK_WINDOW (window));
  g_assert_cmpstr (adw_about_window_get_application_name (about), ==, "Ictoscope");
  g_assert_cmpstr (adw_about_window_get_version (about), ==, PACKAGE_VERSION);
  g_assert_cmpstr (adw_about_window_get_application_icon (about), ==, APP_ID);
  g_assert_cmpint (adw_about_window_get_license_type (about), ==, GTK_LICENSE_GPL_3_0);
  g_assert_cmpstr (adw_about_window_get_developer_name (about), !=, "");
  g_assert_true (g_str_has_prefix (adw_about_window_get_website (about), "https://"));
  g_assert_nonnull (strstr (adw_about_window_get_comments (about), "not a diagnostic device"));
  g_assert_nonnull (strstr (adw_about_window_get_comments (about), "research and teaching"));
  shot = icto_gui_test_screenshot (GTK_WIDGET (about), "screenshot-about.png");
  /* the credits and legal pages carry the model's citation */
  {
    g_autoptr(GPtrArray) all = icto_gui_test_collect (GTK_WIDGET (about));
    gboolean citation = FALSE;
    gboolean arxiv = FALSE;

    for (guint i = 0; i < all->len; i++)
      {
        const char *text = GTK_IS_LABEL (all->pdata[i]) ? gtk_label_get_text (all->pdata[i]) : NULL;

        if (text == NULL && ADW_IS_PREFERENCES_ROW (all->pdata[i]))
          text = adw_preferences_row_get_title (all->pdata[i]);
        if (text == NULL)
          continue;
        citation |= strstr (text, "A foundation model with multi-variate parallel attention to generate neuronal activity") != NULL;
        arxiv |= strstr (text, "2506.20354") != NULL;
      }
    g_assert_true (citation);
    g_assert_true (arxiv);
  }
  gtk_window_destroy (GTK_WINDOW (about));
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

  if (g_test_subprocess ())
    {
      /* only the no-schema case runs in a subprocess: GTK's schemas of the
       * system stay, ours (in the build tree) is hidden */
      g_unsetenv ("GSETTINGS_SCHEMA_DIR");
      g_setenv ("XDG_DATA_DIRS", "/usr/share", TRUE);
    }
  app = icto_gui_test_app_new (".PrefsTest");

  g_test_add_func ("/app/preferences/bindings", test_preferences_bindings);
  g_test_add_func ("/app/preferences/no-schema", test_preferences_no_schema);
  g_test_add_func ("/app/about", test_about);
  ret = g_test_run ();
  g_clear_object (&app);
  return ret;
}
