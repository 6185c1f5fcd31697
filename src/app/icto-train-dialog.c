/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "icto-train-dialog"

#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <math.h>

#include "app/icto-train-dialog.h"
#include "core/icto-job.h"
#include "store/icto-store.h"

struct _IctoTrainDialog
{
  AdwWindow             parent_instance;

  /* template children */
  GtkStack             *stack;
  AdwPreferencesGroup  *recordings_group;
  AdwPreferencesGroup  *labels_group;
  GtkListBox           *recordings_list;
  GtkButton            *add_button;
  AdwComboRow          *rater_row;
  AdwComboRow          *positive_row;
  AdwComboRow          *negative_row;
  GtkLabel             *error_label;
  GtkProgressBar       *progress_bar;
  GtkButton            *cancel_button;
  GtkButton            *train_button;
  GtkLabel             *summary_label;
  GtkGrid              *metrics_grid;
  GtkDrawingArea       *plot;
  GtkLabel             *saved_label;
  GtkButton            *back_button;
  GtkButton            *use_button;

  IctoWindow           *window;      /* owned */
  char                 *store_path;
  GPtrArray            *recordings;  /* paths */
  char                **raters;      /* combo items after "All raters" */
  GPtrArray            *label_codes; /* combo items after the first */
  IctoJob              *job;         /* while training */
  IctoHeadTrainResult  *result;
  char                 *saved_path;
  char                 *error;
  GtkFileChooserNative *chooser;
  gboolean              closed;
};

G_DEFINE_FINAL_TYPE (IctoTrainDialog, icto_train_dialog, ADW_TYPE_WINDOW)

#define SEGMENT_S_PLOT 5.0

enum {
  SIGNAL_DETECTOR_CHOSEN,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* ---- helpers ----------------------------------------------------------------- */

static void
show_error (IctoTrainDialog *self,
            const char      *message)
{
  g_free (self->error);
  self->error = g_strdup (message);
  gtk_label_set_text (self->error_label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
}

static void
set_running (IctoTrainDialog *self,
             gboolean         running)
{
  gtk_widget_set_sensitive (GTK_WIDGET (self->recordings_group), !running);
  gtk_widget_set_sensitive (GTK_WIDGET (self->labels_group), !running);
  gtk_widget_set_sensitive (GTK_WIDGET (self->train_button), !running && self->recordings->len > 0);
  gtk_widget_set_visible (GTK_WIDGET (self->cancel_button), running);
  gtk_widget_set_visible (GTK_WIDGET (self->progress_bar), running);
  if (running)
    {
      gtk_progress_bar_set_fraction (self->progress_bar, 0);
      gtk_progress_bar_set_text (self->progress_bar, _("Computing the model’s features…"));
      gtk_widget_grab_focus (GTK_WIDGET (self->cancel_button));
    }
}

static void remove_button_clicked_cb (GtkButton *button, IctoTrainDialog *self);

static void
rebuild_recordings (IctoTrainDialog *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->recordings_list))) != NULL)
    gtk_list_box_remove (self->recordings_list, child);
  for (guint i = 0; i < self->recordings->len; i++)
    {
      const char *path = g_ptr_array_index (self->recordings, i);
      g_autofree char *base = g_path_get_basename (path);
      g_autofree char *title = g_markup_escape_text (base, -1);
      g_autofree char *subtitle = g_markup_escape_text (path, -1);
      AdwActionRow *row = ADW_ACTION_ROW (adw_action_row_new ());
      GtkWidget *remove = gtk_button_new_from_icon_name ("list-remove-symbolic");

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_action_row_set_subtitle (row, subtitle);
      gtk_widget_set_valign (remove, GTK_ALIGN_CENTER);
      gtk_widget_add_css_class (remove, "flat");
      gtk_widget_set_tooltip_text (remove, _("Remove"));
      g_object_set_data_full (G_OBJECT (remove), "path", g_strdup (path), g_free);
      g_signal_connect (remove, "clicked", G_CALLBACK (remove_button_clicked_cb), self);
      adw_action_row_add_suffix (row, remove);
      gtk_list_box_append (self->recordings_list, GTK_WIDGET (row));
    }
  if (self->recordings->len == 0)
    {
      AdwActionRow *row = ADW_ACTION_ROW (adw_action_row_new ());

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("No recording: add one with +"));
      gtk_list_box_append (self->recordings_list, GTK_WIDGET (row));
    }
  gtk_widget_set_sensitive (GTK_WIDGET (self->train_button), self->recordings->len > 0 && self->job == NULL);
}

static void
fill_choices (IctoTrainDialog *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(IctoStore) store = icto_store_open (self->store_path, &error);
  g_autoptr(GtkStringList) raters = gtk_string_list_new (NULL);
  g_autoptr(GtkStringList) pos = gtk_string_list_new (NULL);
  g_autoptr(GtkStringList) neg = gtk_string_list_new (NULL);
  g_autoptr(GPtrArray) labels = NULL;
  guint selected = 0;

  gtk_string_list_append (raters, _("All raters"));
  gtk_string_list_append (pos, _("Seizure labels"));
  gtk_string_list_append (neg, _("Everything else"));
  self->label_codes = g_ptr_array_new_with_free_func (g_free);
  if (store == NULL)
    show_error (self, error->message);
  else
    {
      self->raters = icto_store_list_raters (store, NULL);
      for (guint i = 0; self->raters != NULL && self->raters[i] != NULL; i++)
        {
          gtk_string_list_append (raters, self->raters[i]);
          if (g_strcmp0 (self->raters[i], icto_store_get_default_rater (store)) == 0)
            selected = i + 1;
        }
      labels = icto_store_list_labels (store, NULL, NULL);
      for (guint i = 0; labels != NULL && i < labels->len; i++)
        {
          const IctoLabel *l = g_ptr_array_index (labels, i);

          g_ptr_array_add (self->label_codes, g_strdup (l->code));
          gtk_string_list_append (pos, l->name);
          gtk_string_list_append (neg, l->name);
        }
    }
  adw_combo_row_set_model (self->rater_row, G_LIST_MODEL (raters));
  adw_combo_row_set_selected (self->rater_row, selected);
  adw_combo_row_set_model (self->positive_row, G_LIST_MODEL (pos));
  adw_combo_row_set_model (self->negative_row, G_LIST_MODEL (neg));
}

static void
add_metric_row (IctoTrainDialog *self,
                int              row,
                const char      *name,
                const char      *trained,
                const char      *model)
{
  GtkWidget *labels[3] = { gtk_label_new (name), gtk_label_new (trained), gtk_label_new (model) };

  for (int c = 0; c < 3; c++)
    {
      gtk_label_set_xalign (GTK_LABEL (labels[c]), c == 0 ? 0.0f : 1.0f);
      if (row == 0)
        gtk_widget_add_css_class (labels[c], "heading");
      else if (c > 0)
        gtk_widget_add_css_class (labels[c], "numeric");
      gtk_grid_attach (self->metrics_grid, labels[c], c, row, 1, 1);
    }
}

static char *
format_value (double v,
              int    decimals)
{
  if (!isfinite (v))
    return g_strdup (C_("metric", "—"));
  return g_strdup_printf ("%.*f", decimals, v);
}

static void
show_result (IctoTrainDialog *self)
{
  const IctoHeadTrainResult *r = self->result;
  g_autofree char *summary = NULL;
  g_autofree char *a1 = format_value (r->cv_auroc, 3);
  g_autofree char *a2 = format_value (r->model_auroc, 3);
  g_autofree char *s1 = format_value (r->cv_events.sensitivity, 2);
  g_autofree char *s2 = format_value (r->model_events.sensitivity, 2);
  g_autofree char *f1 = format_value (r->cv_events.fa_per_24h, 1);
  g_autofree char *f2 = format_value (r->model_events.fa_per_24h, 1);
  GtkWidget *child;

  summary = g_strdup_printf (r->folds == ICTO_HEAD_FOLDS_RECORDINGS
                             /* Translators: training summary; C is the regularisation parameter */
                             ? _("%u windows (%u positive) from %u recordings. C = %g chosen by "
                                 "cross-validation over %u folds, each holding out whole recordings; "
                                 "the numbers below come from held-out windows only, at threshold 0.5.")
                             : _("%u windows (%u positive) from %u recordings. C = %g chosen by "
                                 "cross-validation over %u folds, each holding out whole seizures; "
                                 "the numbers below come from held-out windows only, at threshold 0.5."),
                             r->n_windows, r->n_positive, r->recordings->len, r->C, r->n_folds);
  gtk_label_set_text (self->summary_label, summary);

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->metrics_grid))) != NULL)
    gtk_grid_remove (self->metrics_grid, child);
  add_metric_row (self, 0, "", _("Trained (cross-validated)"), _("Model’s own head"));
  add_metric_row (self, 1, _("AUROC"), a1, a2);
  add_metric_row (self, 2, _("Event sensitivity"), s1, s2);
  add_metric_row (self, 3, _("False alarms per 24 h"), f1, f2);

  gtk_widget_set_visible (GTK_WIDGET (self->saved_label), FALSE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->use_button), TRUE);
  gtk_drawing_area_set_content_height (self->plot, MAX (160, 110 * (int) r->recordings->len));
  gtk_widget_queue_draw (GTK_WIDGET (self->plot));
  gtk_stack_set_visible_child_name (self->stack, "result");
  gtk_widget_grab_focus (GTK_WIDGET (self->use_button));
}

/* The CV probabilities over time (one band per recording), the seizure
 * annotations as shaded spans, the model's own head as a thin grey line
 * and the threshold dashed. */
static void
draw_plot (GtkDrawingArea *area,
           cairo_t        *cr,
           int             width,
           int             height,
           gpointer        user_data)
{
  IctoTrainDialog *self = user_data;
  const IctoHeadTrainResult *r = self->result;
  GtkStyleContext *style = gtk_widget_get_style_context (GTK_WIDGET (area));
  GdkRGBA fg;
  const double left = 40, right = 8, gap = 22;
  guint n;
  double band_h;

  if (r == NULL || r->recordings->len == 0)
    return;
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (style, &fg);
  G_GNUC_END_IGNORE_DEPRECATIONS
  n = r->recordings->len;
  band_h = (height - gap * n) / n;
  if (band_h < 20)
    return;

  for (guint i = 0; i < n; i++)
    {
      const IctoHeadTrainRecording *rec = g_ptr_array_index (r->recordings, i);
      double top = i * (band_h + gap) + gap - 4;
      double w = width - left - right;
      double xs = rec->duration_s > 0 ? w / rec->duration_s : 0;
      g_autofree char *name = g_path_get_basename (rec->path);
      gboolean pen = FALSE;

      /* title */
      cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.8);
      cairo_select_font_face (cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
      cairo_set_font_size (cr, 11);
      cairo_move_to (cr, left, top - 5);
      cairo_show_text (cr, name);

      /* seizures */
      cairo_set_source_rgba (cr, 0.835, 0.369, 0.0, 0.25);   /* Okabe-Ito vermillion */
      for (guint k = 0; k < rec->events->len; k++)
        {
          const IctoEvent *e = &g_array_index (rec->events, IctoEvent, k);

          cairo_rectangle (cr, left + e->start_s * xs, top, MAX (1.0, (e->end_s - e->start_s) * xs), band_h);
        }
      cairo_fill (cr);

      /* frame, axis labels, threshold */
      cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.35);
      cairo_set_line_width (cr, 1);
      cairo_rectangle (cr, left + 0.5, top + 0.5, w - 1, band_h - 1);
      cairo_stroke (cr);
      cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.7);
      cairo_set_font_size (cr, 10);
      cairo_move_to (cr, 4, top + 10);
      cairo_show_text (cr, "1");
      cairo_move_to (cr, 4, top + band_h);
      cairo_show_text (cr, "0");
      {
        static const double dash[] = { 4, 3 };

        cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.5);
        cairo_set_dash (cr, dash, 2, 0);
        cairo_move_to (cr, left, top + band_h * 0.5);
        cairo_line_to (cr, left + w, top + band_h * 0.5);
        cairo_stroke (cr);
        cairo_set_dash (cr, NULL, 0, 0);
      }

      /* the model's own head */
      cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.35);
      cairo_set_line_width (cr, 1);
      pen = FALSE;
      for (guint k = 0; k < rec->n_windows; k++)
        {
          double x = left + (rec->end_s[k] - SEGMENT_S_PLOT / 2) * xs;
          float p = rec->model_prob[k];

          if (isnan (p))
            {
              pen = FALSE;
              continue;
            }
          if (pen)
            cairo_line_to (cr, x, top + band_h * (1 - p));
          else
            cairo_move_to (cr, x, top + band_h * (1 - p));
          pen = TRUE;
        }
      cairo_stroke (cr);

      /* the trained head, cross-validated */
      cairo_set_source_rgb (cr, 0.0, 0.447, 0.698);   /* Okabe-Ito blue */
      cairo_set_line_width (cr, 2);
      pen = FALSE;
      for (guint k = 0; k < rec->n_windows; k++)
        {
          double x = left + (rec->end_s[k] - SEGMENT_S_PLOT / 2) * xs;
          float p = rec->cv_prob[k];

          if (isnan (p))
            {
              pen = FALSE;
              continue;
            }
          if (pen)
            cairo_line_to (cr, x, top + band_h * (1 - p));
          else
            cairo_move_to (cr, x, top + band_h * (1 - p));
          pen = TRUE;
        }
      cairo_stroke (cr);
    }
}

/* ---- callbacks --------------------------------------------------------------- */

static void
fraction_cb (IctoJob         *job,
             GParamSpec      *pspec,
             IctoTrainDialog *self)
{
  double f = icto_job_get_fraction (job);
  /* Translators: progress of training, in percent */
  g_autofree char *text = g_strdup_printf (f < 0.9 ? _("Computing the model’s features… %.0f %%")
                                                   : _("Training… %.0f %%"), f * 100);

  gtk_progress_bar_set_fraction (self->progress_bar, f);
  gtk_progress_bar_set_text (self->progress_bar, text);
}

static void
train_done_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(IctoTrainDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  IctoHeadTrainResult *res = icto_head_train_finish (result, &error);

  if (self->job != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->job, self);
      icto_job_complete (self->job);
      g_clear_object (&self->job);
    }
  if (self->closed)
    {
      icto_head_train_result_free (res);
      return;
    }
  set_running (self, FALSE);
  if (res == NULL)
    {
      show_error (self, g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)
                        ? _("Training was cancelled.") : error->message);
      return;
    }
  g_clear_pointer (&self->result, icto_head_train_result_free);
  g_clear_pointer (&self->saved_path, g_free);
  self->result = res;
  show_result (self);
}

static void
train_button_clicked_cb (IctoTrainDialog *self)
{
  icto_train_dialog_start (self);
}

static void
cancel_button_clicked_cb (IctoTrainDialog *self)
{
  if (self->job != NULL)
    icto_job_cancel (self->job);
}

static void
back_button_clicked_cb (IctoTrainDialog *self)
{
  gtk_stack_set_visible_child_name (self->stack, "setup");
}

static void
use_button_clicked_cb (IctoTrainDialog *self)
{
  icto_train_dialog_use_detector (self);
}

static void
remove_button_clicked_cb (GtkButton       *button,
                          IctoTrainDialog *self)
{
  const char *path = g_object_get_data (G_OBJECT (button), "path");

  for (guint i = 0; i < self->recordings->len; i++)
    if (g_strcmp0 (g_ptr_array_index (self->recordings, i), path) == 0)
      {
        g_ptr_array_remove_index (self->recordings, i);
        break;
      }
  rebuild_recordings (self);
}

static void
chooser_response_cb (GtkNativeDialog *dialog,
                     int              response,
                     IctoTrainDialog *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GListModel) files = gtk_file_chooser_get_files (GTK_FILE_CHOOSER (dialog));

      for (guint i = 0; i < g_list_model_get_n_items (files); i++)
        {
          g_autoptr(GFile) file = g_list_model_get_item (files, i);
          g_autofree char *path = g_file_get_path (file);

          if (path != NULL)
            icto_train_dialog_add_recording (self, path);
        }
    }
  gtk_native_dialog_destroy (dialog);
  g_clear_object (&self->chooser);
}

static void
add_button_clicked_cb (IctoTrainDialog *self)
{
  g_autoptr(GtkFileFilter) edf = gtk_file_filter_new ();

  if (self->chooser != NULL)
    {
      gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
      return;
    }
  self->chooser = gtk_file_chooser_native_new (_("Add Recordings"), GTK_WINDOW (self),
                                               GTK_FILE_CHOOSER_ACTION_OPEN, _("_Add"), _("_Cancel"));
  gtk_file_chooser_set_select_multiple (GTK_FILE_CHOOSER (self->chooser), TRUE);
  gtk_file_filter_set_name (edf, _("EDF and BDF recordings"));
  gtk_file_filter_add_suffix (edf, "edf");
  gtk_file_filter_add_suffix (edf, "EDF");
  gtk_file_filter_add_suffix (edf, "bdf");
  gtk_file_filter_add_suffix (edf, "BDF");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), edf);
  g_signal_connect (self->chooser, "response", G_CALLBACK (chooser_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

/* ---- overrides --------------------------------------------------------------- */

static void
icto_train_dialog_dispose (GObject *object)
{
  IctoTrainDialog *self = ICTO_TRAIN_DIALOG (object);

  self->closed = TRUE;
  if (self->job != NULL)
    {
      /* train_done_cb holds a reference: it cleans up */
      g_signal_handlers_disconnect_by_data (self->job, self);
      icto_job_cancel (self->job);
    }
  if (self->chooser != NULL)
    {
      gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
      g_clear_object (&self->chooser);
    }
  gtk_widget_dispose_template (GTK_WIDGET (self), ICTO_TYPE_TRAIN_DIALOG);
  G_OBJECT_CLASS (icto_train_dialog_parent_class)->dispose (object);
}

static void
icto_train_dialog_finalize (GObject *object)
{
  IctoTrainDialog *self = ICTO_TRAIN_DIALOG (object);

  g_clear_object (&self->window);
  g_clear_object (&self->job);
  g_clear_pointer (&self->recordings, g_ptr_array_unref);
  g_clear_pointer (&self->label_codes, g_ptr_array_unref);
  g_clear_pointer (&self->result, icto_head_train_result_free);
  g_strfreev (self->raters);
  g_free (self->store_path);
  g_free (self->saved_path);
  g_free (self->error);
  G_OBJECT_CLASS (icto_train_dialog_parent_class)->finalize (object);
}

static void
icto_train_dialog_class_init (IctoTrainDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = icto_train_dialog_dispose;
  object_class->finalize = icto_train_dialog_finalize;

  signals[SIGNAL_DETECTOR_CHOSEN] =
    g_signal_new ("detector-chosen", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/ictoscope/Ictoscope/ui/icto-train-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, IctoTrainDialog, stack);
  gtk_widget_class_bind_template_child (widget_class, IctoTrainDialog, recordings_group);
  gtk_widget_class_bind_template_child (widget_class, IctoTrainDialog, labels_group);
  gtk_widget_class_bind_template_child (widget_class, IctoTrainDialog, recordings_list);
  gtk_widget_class_bind_template_child (widget_class, IctoTrainDialog, add_button);
  gtk_widget_class_bind_template_child (widget_class, IctoTrainDialog, rater_row);
  gtk_widget_class_bind_template_child (widget_class, IctoTrainDialog, positive_row);
  gtk_widget_class_bind_template_child (widget_class, IctoTrainDialog, negative_row);
  gtk_widget_class_bind_template_child (widget_class, IctoTrainDialog, error_label);
  gtk_widget_class_bind_template_child (widget_class, IctoTrainDialog, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, IctoTrainDialog, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, IctoTrainDialog, train_button);
  gtk_widget_class_bind_template_child (widget_class, IctoTrainDialog, summary_label);
  gtk_widget_class_bind_template_child (widget_class, IctoTrainDialog, metrics_grid);
  gtk_widget_class_bind_template_child (widget_class, IctoTrainDialog, plot);
  gtk_widget_class_bind_template_child (widget_class, IctoTrainDialog, saved_label);
  gtk_widget_class_bind_template_child (widget_class, IctoTrainDialog, back_button);
  gtk_widget_class_bind_template_child (widget_class, IctoTrainDialog, use_button);
  gtk_widget_class_bind_template_callback (widget_class, train_button_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, cancel_button_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, back_button_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, use_button_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, add_button_clicked_cb);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
icto_train_dialog_init (IctoTrainDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->recordings = g_ptr_array_new_with_free_func (g_free);
  gtk_drawing_area_set_draw_func (self->plot, draw_plot, self, NULL);
}

/* ---- public API -------------------------------------------------------------- */

IctoTrainDialog *
icto_train_dialog_new (IctoWindow *window,
                       const char *store_path)
{
  IctoTrainDialog *self = g_object_new (ICTO_TYPE_TRAIN_DIALOG,
                                        "transient-for", window,
                                        NULL);

  self->window = window != NULL ? g_object_ref (window) : NULL;
  self->store_path = store_path != NULL ? g_strdup (store_path) : icto_store_default_path ();
  fill_choices (self);
  rebuild_recordings (self);
  return self;
}

void
icto_train_dialog_add_recording (IctoTrainDialog *self,
                                 const char      *path)
{
  g_return_if_fail (ICTO_IS_TRAIN_DIALOG (self));
  g_return_if_fail (path != NULL);

  for (guint i = 0; i < self->recordings->len; i++)
    if (g_strcmp0 (g_ptr_array_index (self->recordings, i), path) == 0)
      return;
  g_ptr_array_add (self->recordings, g_strdup (path));
  rebuild_recordings (self);
}

gboolean
icto_train_dialog_set_rater (IctoTrainDialog *self,
                             const char      *rater)
{
  g_return_val_if_fail (ICTO_IS_TRAIN_DIALOG (self), FALSE);

  for (guint i = 0; self->raters != NULL && self->raters[i] != NULL; i++)
    if (g_strcmp0 (self->raters[i], rater) == 0)
      {
        adw_combo_row_set_selected (self->rater_row, i + 1);
        return TRUE;
      }
  return FALSE;
}

void
icto_train_dialog_start (IctoTrainDialog *self)
{
  IctoHeadTrainOptions opt = { 0 };
  g_autoptr(GPtrArray) recs = g_ptr_array_new ();
  guint rater = adw_combo_row_get_selected (self->rater_row);
  guint pos = adw_combo_row_get_selected (self->positive_row);
  guint neg = adw_combo_row_get_selected (self->negative_row);
  const char *pos_set[2] = { NULL, NULL };
  const char *neg_set[2] = { NULL, NULL };

  g_return_if_fail (ICTO_IS_TRAIN_DIALOG (self));
  if (self->job != NULL)
    return;
  show_error (self, NULL);
  if (self->recordings->len == 0)
    {
      show_error (self, _("Add a recording to train on."));
      return;
    }
  for (guint i = 0; i < self->recordings->len; i++)
    g_ptr_array_add (recs, g_ptr_array_index (self->recordings, i));
  g_ptr_array_add (recs, NULL);
  opt.recordings = (const char * const *) recs->pdata;
  opt.store_path = self->store_path;
  if (rater > 0 && rater != GTK_INVALID_LIST_POSITION && self->raters != NULL)
    opt.rater = self->raters[rater - 1];
  if (pos > 0 && pos != GTK_INVALID_LIST_POSITION && pos - 1 < self->label_codes->len)
    {
      pos_set[0] = g_ptr_array_index (self->label_codes, pos - 1);
      opt.positive_labels = pos_set;
    }
  if (neg > 0 && neg != GTK_INVALID_LIST_POSITION && neg - 1 < self->label_codes->len)
    {
      neg_set[0] = g_ptr_array_index (self->label_codes, neg - 1);
      opt.negative_labels = neg_set;
    }

  self->job = icto_job_new (_("Training a detector"));
  g_signal_connect (self->job, "notify::fraction", G_CALLBACK (fraction_cb), self);
  set_running (self, TRUE);
  icto_head_train_async (&opt, self->job, train_done_cb, g_object_ref (self));
}

gboolean
icto_train_dialog_get_running (IctoTrainDialog *self)
{
  g_return_val_if_fail (ICTO_IS_TRAIN_DIALOG (self), FALSE);
  return self->job != NULL;
}

const char *
icto_train_dialog_get_error (IctoTrainDialog *self)
{
  g_return_val_if_fail (ICTO_IS_TRAIN_DIALOG (self), NULL);
  return self->error;
}

const IctoHeadTrainResult *
icto_train_dialog_get_result (IctoTrainDialog *self)
{
  g_return_val_if_fail (ICTO_IS_TRAIN_DIALOG (self), NULL);
  return self->result;
}

const char *
icto_train_dialog_get_page (IctoTrainDialog *self)
{
  g_return_val_if_fail (ICTO_IS_TRAIN_DIALOG (self), NULL);
  return gtk_stack_get_visible_child_name (self->stack);
}

const char *
icto_train_dialog_use_detector (IctoTrainDialog *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *dir = g_build_filename (g_get_user_data_dir (), "ictoscope", "heads", NULL);
  g_autofree char *stamp = g_date_time_format (now, "%Y%m%d-%H%M%S");
  g_autofree char *name = NULL;
  g_autofree char *path = NULL;
  g_autofree char *message = NULL;

  g_return_val_if_fail (ICTO_IS_TRAIN_DIALOG (self), NULL);
  if (self->result == NULL)
    return NULL;
  if (self->saved_path != NULL)
    return self->saved_path;
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int e = errno;

      message = g_strdup_printf (_("Could not create the folder %s: %s"), dir, g_strerror (e));
      gtk_label_set_text (self->saved_label, message);
      gtk_widget_set_visible (GTK_WIDGET (self->saved_label), TRUE);
      return NULL;
    }
  /* Translators: file name (without extension) of a trained detector; %s is the date and time */
  name = g_strdup_printf (_("detector-%s.safetensors"), stamp);
  path = g_build_filename (dir, name, NULL);
  for (guint i = 2; g_file_test (path, G_FILE_TEST_EXISTS) && i < 100; i++)
    {
      g_free (path);
      g_free (name);
      name = g_strdup_printf (_("detector-%s-%u.safetensors"), stamp, i);
      path = g_build_filename (dir, name, NULL);
    }
  if (!icto_head_train_result_write (self->result, path, &error))
    {
      gtk_label_set_text (self->saved_label, error->message);
      gtk_widget_set_visible (GTK_WIDGET (self->saved_label), TRUE);
      return NULL;
    }
  self->saved_path = g_steal_pointer (&path);
  message = g_strdup_printf (_("Detector saved to %s"), self->saved_path);
  gtk_label_set_text (self->saved_label, message);
  gtk_widget_set_visible (GTK_WIDGET (self->saved_label), TRUE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->use_button), FALSE);
  g_signal_emit (self, signals[SIGNAL_DETECTOR_CHOSEN], 0, self->saved_path);
  return self->saved_path;
}
