/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "icto-annotation-dialog"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "app/icto-annotation-dialog.h"

struct _IctoAnnotationDialog
{
  AdwWindow       parent_instance;

  GtkLabel       *error_label;
  AdwComboRow    *label_row;
  AdwEntryRow    *onset_row;
  AdwEntryRow    *duration_row;
  AdwEntryRow    *channels_row;
  AdwEntryRow    *confidence_row;
  AdwEntryRow    *text_row;
  AdwActionRow   *rater_row;
  AdwEntryRow    *clinical_row;
  AdwEntryRow    *eec_row;
  AdwEntryRow    *ueo_row;
  AdwEntryRow    *offset_row;
  AdwEntryRow    *soz_row;
  AdwEntryRow    *spread_row;
  AdwComboRow    *pattern_row;
  AdwEntryRow    *type_row;

  IctoAnnotation *annotation;
  GPtrArray      *codes;     /* label codes in the order of label_row */
};

G_DEFINE_FINAL_TYPE (IctoAnnotationDialog, icto_annotation_dialog, ADW_TYPE_WINDOW)

enum {
  SAVE,
  DELETE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static const char *
pattern_name (const char *code)
{
  static const struct { const char *code; const char *name; } names[] = {
    { "lvfa", N_("Low-voltage fast activity") },
    { "periodic_spikes", N_("Low-frequency periodic spikes") },
    { "sharp_alpha_theta", N_("Rhythmic sharp alpha/theta") },
    { "spike_wave", N_("Rhythmic spike-and-wave") },
    { "polyspike_burst", N_("Burst of polyspikes") },
    { "burst_suppression", N_("Burst suppression") },
    { "delta_brush", N_("Delta brush") },
    { "other", N_("Other") },
  };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (g_str_equal (names[i].code, code))
      return _(names[i].name);
  return code;
}

static char *
seconds_text (gint64 t)
{
  return t == ICTO_STORE_TIME_NONE ? g_strdup ("") : icto_store_format_seconds (t);
}

static char **
split_channels (const char *text)
{
  g_auto(GStrv) parts = g_strsplit (text ? text : "", ",", -1);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  guint n = 0;

  for (guint i = 0; parts[i] != NULL; i++)
    {
      char *name = g_strstrip (parts[i]);
      if (*name == '\0')
        continue;
      g_strv_builder_add (builder, name);
      n++;
    }
  if (n == 0)
    return NULL;
  return g_strv_builder_end (builder);
}

static gboolean
parse_time_field (AdwEntryRow  *row,
                  const char   *field,
                  gboolean      optional,
                  gint64       *out,
                  GError      **error)
{
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (row))));

  if (*text == '\0' && optional)
    {
      *out = ICTO_STORE_TIME_NONE;
      return TRUE;
    }
  if (!icto_store_parse_seconds (text, out))
    {
      /* Translators: %s is a field of the annotation dialog, e.g. "Onset (s)" */
      g_set_error (error, ICTO_STORE_ERROR, ICTO_STORE_ERROR_INVALID,
                   _("“%s” must be a number of seconds"), field);
      return FALSE;
    }
  return TRUE;
}

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  IctoAnnotationDialog *self = ICTO_ANNOTATION_DIALOG (widget);
  g_autoptr(GError) error = NULL;
  g_autoptr(IctoAnnotation) a = icto_annotation_dialog_get_annotation (self, &error);

  if (a == NULL)
    {
      gtk_label_set_label (self->error_label, error->message);
      gtk_widget_set_visible (GTK_WIDGET (self->error_label), TRUE);
      return;
    }
  g_signal_emit (self, signals[SAVE], 0, a);
  gtk_window_close (GTK_WINDOW (self));
}

static void
delete_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  IctoAnnotationDialog *self = ICTO_ANNOTATION_DIALOG (widget);

  g_signal_emit (self, signals[DELETE], 0, self->annotation->id);
  gtk_window_close (GTK_WINDOW (self));
}

static void
icto_annotation_dialog_dispose (GObject *object)
{
  IctoAnnotationDialog *self = ICTO_ANNOTATION_DIALOG (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), ICTO_TYPE_ANNOTATION_DIALOG);
  g_clear_pointer (&self->annotation, icto_annotation_free);
  g_clear_pointer (&self->codes, g_ptr_array_unref);
  G_OBJECT_CLASS (icto_annotation_dialog_parent_class)->dispose (object);
}

static void
icto_annotation_dialog_class_init (IctoAnnotationDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = icto_annotation_dialog_dispose;

  /* ::save (IctoAnnotation *edited) */
  signals[SAVE] = g_signal_new ("save", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                G_TYPE_NONE, 1, ICTO_TYPE_ANNOTATION);
  /* ::delete (gint64 id) */
  signals[DELETE] = g_signal_new ("delete", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                  G_TYPE_NONE, 1, G_TYPE_INT64);

  gtk_widget_class_install_action (widget_class, "dialog.save", NULL, save_action);
  gtk_widget_class_install_action (widget_class, "dialog.delete", NULL, delete_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, GDK_CONTROL_MASK, "dialog.save", NULL);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/ictoscope/Ictoscope/ui/icto-annotation-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, IctoAnnotationDialog, error_label);
  gtk_widget_class_bind_template_child (widget_class, IctoAnnotationDialog, label_row);
  gtk_widget_class_bind_template_child (widget_class, IctoAnnotationDialog, onset_row);
  gtk_widget_class_bind_template_child (widget_class, IctoAnnotationDialog, duration_row);
  gtk_widget_class_bind_template_child (widget_class, IctoAnnotationDialog, channels_row);
  gtk_widget_class_bind_template_child (widget_class, IctoAnnotationDialog, confidence_row);
  gtk_widget_class_bind_template_child (widget_class, IctoAnnotationDialog, text_row);
  gtk_widget_class_bind_template_child (widget_class, IctoAnnotationDialog, rater_row);
  gtk_widget_class_bind_template_child (widget_class, IctoAnnotationDialog, clinical_row);
  gtk_widget_class_bind_template_child (widget_class, IctoAnnotationDialog, eec_row);
  gtk_widget_class_bind_template_child (widget_class, IctoAnnotationDialog, ueo_row);
  gtk_widget_class_bind_template_child (widget_class, IctoAnnotationDialog, offset_row);
  gtk_widget_class_bind_template_child (widget_class, IctoAnnotationDialog, soz_row);
  gtk_widget_class_bind_template_child (widget_class, IctoAnnotationDialog, spread_row);
  gtk_widget_class_bind_template_child (widget_class, IctoAnnotationDialog, pattern_row);
  gtk_widget_class_bind_template_child (widget_class, IctoAnnotationDialog, type_row);
}

static void
icto_annotation_dialog_init (IctoAnnotationDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->codes = g_ptr_array_new_with_free_func (g_free);
}

static void
set_text (AdwEntryRow *row,
          const char  *text)
{
  gtk_editable_set_text (GTK_EDITABLE (row), text ? text : "");
}

static void
set_owned_text (AdwEntryRow *row,
                char        *text)
{
  set_text (row, text);
  g_free (text);
}

IctoAnnotationDialog *
icto_annotation_dialog_new (GtkWindow            *parent,
                            IctoStore            *store,
                            const IctoAnnotation *annotation)
{
  IctoAnnotationDialog *self;
  g_autoptr(GPtrArray) labels = NULL;
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);
  g_autoptr(GtkStringList) patterns = gtk_string_list_new (NULL);
  const char *const *pattern_codes = icto_onset_pattern_codes ();
  const IctoSeizureInfo *sz;
  guint selected = 0;
  gboolean found = FALSE;

  g_return_val_if_fail (ICTO_IS_STORE (store), NULL);
  g_return_val_if_fail (annotation != NULL, NULL);

  self = g_object_new (ICTO_TYPE_ANNOTATION_DIALOG, "transient-for", parent, NULL);
  self->annotation = icto_annotation_copy (annotation);

  labels = icto_store_list_labels (store, NULL, NULL);
  for (guint i = 0; labels != NULL && i < labels->len; i++)
    {
      IctoLabel *l = labels->pdata[i];
      gtk_string_list_append (names, l->name);
      g_ptr_array_add (self->codes, g_strdup (l->code));
      if (g_strcmp0 (l->code, annotation->label) == 0)
        {
          selected = i;
          found = TRUE;
        }
    }
  if (!found && annotation->label != NULL)
    {
      /* a label of another vocabulary (imported): offered as it is */
      g_autoptr(IctoLabel) l = icto_store_get_label (store, NULL, annotation->label, NULL);
      gtk_string_list_append (names, l != NULL ? l->name : annotation->label);
      g_ptr_array_add (self->codes, g_strdup (annotation->label));
      selected = self->codes->len - 1;
    }
  adw_combo_row_set_model (self->label_row, G_LIST_MODEL (names));
  adw_combo_row_set_selected (self->label_row, selected);

  set_owned_text (self->onset_row, icto_store_format_seconds (annotation->onset));
  set_owned_text (self->duration_row, icto_store_format_seconds (annotation->duration));
  set_owned_text (self->channels_row, annotation->channels ? g_strjoinv (",", annotation->channels) : NULL);
  set_owned_text (self->confidence_row, isnan (annotation->confidence) ? NULL
                                         : icto_store_format_double (annotation->confidence));
  set_text (self->text_row, annotation->text);
  adw_action_row_set_subtitle (self->rater_row, annotation->rater ? annotation->rater
                                                                  : icto_store_get_default_rater (store));

  /* Translators: no onset pattern chosen */
  gtk_string_list_append (patterns, _("Not given"));
  for (guint i = 0; pattern_codes[i] != NULL; i++)
    gtk_string_list_append (patterns, pattern_name (pattern_codes[i]));
  adw_combo_row_set_model (self->pattern_row, G_LIST_MODEL (patterns));

  sz = annotation->seizure;
  if (sz != NULL)
    {
      set_owned_text (self->clinical_row, seconds_text (sz->clinical_onset));
      set_owned_text (self->eec_row, seconds_text (sz->eec));
      set_owned_text (self->ueo_row, seconds_text (sz->ueo));
      set_owned_text (self->offset_row, seconds_text (sz->offset));
      set_owned_text (self->soz_row, sz->soz ? g_strjoinv (",", sz->soz) : NULL);
      set_owned_text (self->spread_row, sz->early_spread ? g_strjoinv (",", sz->early_spread) : NULL);
      set_text (self->type_row, sz->seizure_type);
      for (guint i = 0; sz->onset_pattern != NULL && pattern_codes[i] != NULL; i++)
        if (g_str_equal (pattern_codes[i], sz->onset_pattern))
          adw_combo_row_set_selected (self->pattern_row, i + 1);
    }
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "dialog.delete", annotation->id > 0);
  return self;
}

IctoAnnotation *
icto_annotation_dialog_get_annotation (IctoAnnotationDialog  *self,
                                       GError               **error)
{
  g_autoptr(IctoAnnotation) a = NULL;
  g_autoptr(IctoSeizureInfo) sz = icto_seizure_info_new ();
  g_autofree char *confidence = NULL;
  g_autofree char *type = NULL;
  guint label, pattern;
  gboolean has_seizure;

  g_return_val_if_fail (ICTO_IS_ANNOTATION_DIALOG (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  a = icto_annotation_copy (self->annotation);
  if (!parse_time_field (self->onset_row, _("Onset (s)"), FALSE, &a->onset, error) ||
      !parse_time_field (self->duration_row, _("Duration (s)"), FALSE, &a->duration, error))
    return NULL;
  if (a->duration < 0)
    {
      g_set_error (error, ICTO_STORE_ERROR, ICTO_STORE_ERROR_INVALID, _("The duration cannot be negative"));
      return NULL;
    }
  label = adw_combo_row_get_selected (self->label_row);
  if (label < self->codes->len)
    {
      g_free (a->label);
      a->label = g_strdup (self->codes->pdata[label]);
    }
  g_strfreev (a->channels);
  a->channels = split_channels (gtk_editable_get_text (GTK_EDITABLE (self->channels_row)));
  confidence = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->confidence_row))));
  if (*confidence == '\0')
    a->confidence = NAN;
  else
    {
      char *end = NULL;
      double c = g_ascii_strtod (confidence, &end);

      if (end == confidence || *end != '\0' || !(c >= 0 && c <= 1))
        {
          g_set_error (error, ICTO_STORE_ERROR, ICTO_STORE_ERROR_INVALID,
                       _("The confidence must be a number from 0 to 1"));
          return NULL;
        }
      a->confidence = c;
    }
  g_free (a->text);
  a->text = *gtk_editable_get_text (GTK_EDITABLE (self->text_row)) != '\0'
            ? g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->text_row))) : NULL;

  if (!parse_time_field (self->clinical_row, _("Clinical onset (s)"), TRUE, &sz->clinical_onset, error) ||
      !parse_time_field (self->eec_row, _("EEC"), TRUE, &sz->eec, error) ||
      !parse_time_field (self->ueo_row, _("UEO"), TRUE, &sz->ueo, error) ||
      !parse_time_field (self->offset_row, _("Offset"), TRUE, &sz->offset, error))
    return NULL;
  sz->soz = split_channels (gtk_editable_get_text (GTK_EDITABLE (self->soz_row)));
  sz->early_spread = split_channels (gtk_editable_get_text (GTK_EDITABLE (self->spread_row)));
  pattern = adw_combo_row_get_selected (self->pattern_row);
  if (pattern >= 1 && pattern <= g_strv_length ((char **) icto_onset_pattern_codes ()))
    sz->onset_pattern = g_strdup (icto_onset_pattern_codes ()[pattern - 1]);
  type = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->type_row))));
  if (*type != '\0')
    sz->seizure_type = g_steal_pointer (&type);
  has_seizure = self->annotation->seizure != NULL || sz->clinical_onset != ICTO_STORE_TIME_NONE ||
                sz->eec != ICTO_STORE_TIME_NONE || sz->ueo != ICTO_STORE_TIME_NONE ||
                sz->offset != ICTO_STORE_TIME_NONE || sz->soz != NULL || sz->early_spread != NULL ||
                sz->onset_pattern != NULL || sz->seizure_type != NULL;
  g_clear_pointer (&a->seizure, icto_seizure_info_free);
  if (has_seizure)
    a->seizure = g_steal_pointer (&sz);
  return g_steal_pointer (&a);
}
