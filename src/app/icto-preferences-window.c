/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "icto-preferences-window"

#include "config.h"

#include <glib/gi18n.h>

#include "app/icto-preferences-window.h"

struct _IctoPreferencesWindow
{
  AdwPreferencesWindow  parent_instance;

  /* template children */
  GtkSpinButton        *page_duration_spin;
  GtkSpinButton        *sensitivity_spin;
  AdwComboRow          *montage_row;
  GtkSpinButton        *highpass_spin;
  GtkSpinButton        *lowpass_spin;
  AdwComboRow          *notch_row;
  AdwComboRow          *color_scheme_row;
  GtkSpinButton        *ppm_spin;
  AdwActionRow         *model_row;
  GtkButton            *model_choose_button;
  GtkButton            *model_reset_button;
  GtkSpinButton        *threads_spin;

  GSettings            *settings;
  GtkFileChooserNative *chooser;
};

G_DEFINE_FINAL_TYPE (IctoPreferencesWindow, icto_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

enum {
  PROP_0,
  PROP_SETTINGS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* The order of the items of each combo row in icto-preferences-window.ui. */
static const char * const montage_values[] = { "referential", "average", "bipolar", "local", NULL };
static const char * const color_scheme_values[] = { "default", "light", "dark", NULL };
static const int notch_values[] = { 0, 50, 60 };

static gboolean
string_to_selected (GValue   *value,
                    GVariant *variant,
                    gpointer  user_data)
{
  const char * const *choices = user_data;
  const char *s = g_variant_get_string (variant, NULL);

  for (guint i = 0; choices[i] != NULL; i++)
    if (g_str_equal (choices[i], s))
      {
        g_value_set_uint (value, i);
        return TRUE;
      }
  g_value_set_uint (value, 0);
  return TRUE;
}

static GVariant *
selected_to_string (const GValue       *value,
                    const GVariantType *expected_type,
                    gpointer            user_data)
{
  const char * const *choices = user_data;
  guint selected = g_value_get_uint (value);

  if (selected >= g_strv_length ((char **) choices))
    return NULL;
  return g_variant_new_string (choices[selected]);
}

static gboolean
notch_to_selected (GValue   *value,
                   GVariant *variant,
                   gpointer  user_data)
{
  int notch = g_variant_get_int32 (variant);

  g_value_set_uint (value, 0);
  for (guint i = 0; i < G_N_ELEMENTS (notch_values); i++)
    if (notch_values[i] == notch)
      g_value_set_uint (value, i);
  return TRUE;
}

static GVariant *
selected_to_notch (const GValue       *value,
                   const GVariantType *expected_type,
                   gpointer            user_data)
{
  guint selected = g_value_get_uint (value);

  if (selected >= G_N_ELEMENTS (notch_values))
    return NULL;
  return g_variant_new_int32 (notch_values[selected]);
}

static gboolean
model_path_to_subtitle (GValue   *value,
                        GVariant *variant,
                        gpointer  user_data)
{
  const char *path = g_variant_get_string (variant, NULL);

  if (path[0] == '\0')
    g_value_set_string (value, _("The model bundled with Ictoscope"));
  else
    {
      /* a subtitle is markup */
      g_autofree char *escaped = g_markup_escape_text (path, -1);
      g_value_set_string (value, escaped);
    }
  return TRUE;
}

static void
chooser_responded_cb (GtkNativeDialog       *dialog,
                      int                    response,
                      IctoPreferencesWindow *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autofree char *path = file ? g_file_get_path (file) : NULL;

      if (path != NULL)
        g_settings_set_string (self->settings, "model-path", path);
    }
  gtk_native_dialog_destroy (dialog);
  g_clear_object (&self->chooser);
}

static void
model_choose_clicked_cb (GtkButton             *button,
                         IctoPreferencesWindow *self)
{
  g_autoptr(GtkFileFilter) model_filter = gtk_file_filter_new ();
  g_autoptr(GtkFileFilter) all_filter = gtk_file_filter_new ();
  g_autofree char *current = g_settings_get_string (self->settings, "model-path");

  if (self->chooser != NULL)
    {
      gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
      return;
    }
  self->chooser = gtk_file_chooser_native_new (_("Choose a Model File"), GTK_WINDOW (self),
                                               GTK_FILE_CHOOSER_ACTION_OPEN, _("_Choose"), _("_Cancel"));
  gtk_file_filter_set_name (model_filter, _("MVPFormer models (safetensors)"));
  gtk_file_filter_add_pattern (model_filter, "*.safetensors");
  gtk_file_filter_set_name (all_filter, _("All files"));
  gtk_file_filter_add_pattern (all_filter, "*");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), model_filter);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), all_filter);
  if (current[0] != '\0')
    {
      g_autoptr(GFile) file = g_file_new_for_path (current);
      g_autoptr(GFile) dir = g_file_get_parent (file);

      if (dir != NULL)
        gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (self->chooser), dir, NULL);
    }
  g_signal_connect (self->chooser, "response", G_CALLBACK (chooser_responded_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

static void
model_reset_clicked_cb (GtkButton             *button,
                        IctoPreferencesWindow *self)
{
  g_settings_reset (self->settings, "model-path");
}

static void
model_path_changed_cb (GSettings             *settings,
                       const char            *key,
                       IctoPreferencesWindow *self)
{
  g_autofree char *path = g_settings_get_string (settings, "model-path");

  gtk_widget_set_sensitive (GTK_WIDGET (self->model_reset_button), path[0] != '\0');
}

static void
bind_settings (IctoPreferencesWindow *self)
{
  GSettings *s = self->settings;

  g_settings_bind (s, "page-duration", self->page_duration_spin, "value", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (s, "sensitivity", self->sensitivity_spin, "value", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (s, "highpass", self->highpass_spin, "value", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (s, "lowpass", self->lowpass_spin, "value", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (s, "pixels-per-mm", self->ppm_spin, "value", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (s, "worker-threads", self->threads_spin, "value", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind_with_mapping (s, "montage", self->montage_row, "selected", G_SETTINGS_BIND_DEFAULT,
                                string_to_selected, selected_to_string, (gpointer) montage_values, NULL);
  g_settings_bind_with_mapping (s, "color-scheme", self->color_scheme_row, "selected", G_SETTINGS_BIND_DEFAULT,
                                string_to_selected, selected_to_string, (gpointer) color_scheme_values, NULL);
  g_settings_bind_with_mapping (s, "notch", self->notch_row, "selected", G_SETTINGS_BIND_DEFAULT,
                                notch_to_selected, selected_to_notch, NULL, NULL);
  g_settings_bind_with_mapping (s, "model-path", self->model_row, "subtitle", G_SETTINGS_BIND_GET,
                                model_path_to_subtitle, NULL, NULL, NULL);
  g_signal_connect_object (s, "changed::model-path", G_CALLBACK (model_path_changed_cb), self, 0);
  model_path_changed_cb (s, "model-path", self);
}

static void
icto_preferences_window_constructed (GObject *object)
{
  IctoPreferencesWindow *self = ICTO_PREFERENCES_WINDOW (object);

  G_OBJECT_CLASS (icto_preferences_window_parent_class)->constructed (object);
  g_assert (G_IS_SETTINGS (self->settings));
  bind_settings (self);
}

static void
icto_preferences_window_dispose (GObject *object)
{
  IctoPreferencesWindow *self = ICTO_PREFERENCES_WINDOW (object);

  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);
  gtk_widget_dispose_template (GTK_WIDGET (self), ICTO_TYPE_PREFERENCES_WINDOW);
  g_clear_object (&self->settings);
  G_OBJECT_CLASS (icto_preferences_window_parent_class)->dispose (object);
}

static void
icto_preferences_window_get_property (GObject    *object,
                                      guint       prop_id,
                                      GValue     *value,
                                      GParamSpec *pspec)
{
  IctoPreferencesWindow *self = ICTO_PREFERENCES_WINDOW (object);

  switch (prop_id)
    {
    case PROP_SETTINGS:
      g_value_set_object (value, self->settings);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
icto_preferences_window_set_property (GObject      *object,
                                      guint         prop_id,
                                      const GValue *value,
                                      GParamSpec   *pspec)
{
  IctoPreferencesWindow *self = ICTO_PREFERENCES_WINDOW (object);

  switch (prop_id)
    {
    case PROP_SETTINGS:
      g_set_object (&self->settings, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
icto_preferences_window_class_init (IctoPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = icto_preferences_window_constructed;
  object_class->dispose = icto_preferences_window_dispose;
  object_class->get_property = icto_preferences_window_get_property;
  object_class->set_property = icto_preferences_window_set_property;

  properties[PROP_SETTINGS] =
    g_param_spec_object ("settings", NULL, NULL, G_TYPE_SETTINGS,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/ictoscope/Ictoscope/ui/icto-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, IctoPreferencesWindow, page_duration_spin);
  gtk_widget_class_bind_template_child (widget_class, IctoPreferencesWindow, sensitivity_spin);
  gtk_widget_class_bind_template_child (widget_class, IctoPreferencesWindow, montage_row);
  gtk_widget_class_bind_template_child (widget_class, IctoPreferencesWindow, highpass_spin);
  gtk_widget_class_bind_template_child (widget_class, IctoPreferencesWindow, lowpass_spin);
  gtk_widget_class_bind_template_child (widget_class, IctoPreferencesWindow, notch_row);
  gtk_widget_class_bind_template_child (widget_class, IctoPreferencesWindow, color_scheme_row);
  gtk_widget_class_bind_template_child (widget_class, IctoPreferencesWindow, ppm_spin);
  gtk_widget_class_bind_template_child (widget_class, IctoPreferencesWindow, model_row);
  gtk_widget_class_bind_template_child (widget_class, IctoPreferencesWindow, model_choose_button);
  gtk_widget_class_bind_template_child (widget_class, IctoPreferencesWindow, model_reset_button);
  gtk_widget_class_bind_template_child (widget_class, IctoPreferencesWindow, threads_spin);
  gtk_widget_class_bind_template_callback (widget_class, model_choose_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, model_reset_clicked_cb);
}

/* libadwaita 1.2 names neither the search entry of AdwPreferencesWindow nor
 * its icon-only search toggle (it only has a tooltip): a screen reader would
 * announce a bare "search entry" and "toggle button". */
static void
name_search_widgets (GtkWidget *widget)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (GTK_IS_SEARCH_ENTRY (child))
        gtk_accessible_update_property (GTK_ACCESSIBLE (child),
                                        GTK_ACCESSIBLE_PROPERTY_LABEL, _("Search preferences"),
                                        -1);
      else if (GTK_IS_TOGGLE_BUTTON (child) && gtk_button_get_label (GTK_BUTTON (child)) == NULL &&
               gtk_widget_get_tooltip_text (child) != NULL)
        gtk_accessible_update_property (GTK_ACCESSIBLE (child),
                                        GTK_ACCESSIBLE_PROPERTY_LABEL, gtk_widget_get_tooltip_text (child),
                                        -1);
      else
        name_search_widgets (child);
    }
}

static void
icto_preferences_window_init (IctoPreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  name_search_widgets (GTK_WIDGET (self));
}

IctoPreferencesWindow *
icto_preferences_window_new (GtkWindow *parent,
                             GSettings *settings)
{
  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  return g_object_new (ICTO_TYPE_PREFERENCES_WINDOW,
                       "settings", settings,
                       "transient-for", parent,
                       NULL);
}

GSettings *
icto_preferences_window_get_settings (IctoPreferencesWindow *self)
{
  g_return_val_if_fail (ICTO_IS_PREFERENCES_WINDOW (self), NULL);
  return self->settings;
}
