/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "icto-prediction-layer"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "widgets/icto-prediction-layer.h"

#define TICKS_PER_S 10000000.0

struct _IctoPredictionLayer
{
  GtkWidget      parent_instance;

  GtkWidget     *legend_box;
  GtkLabel      *legend;
  GtkLabel      *note;

  IctoTracePage *page;
  double         start_s;
  double         rate_hz;
  float         *samples;
  guint          n_rows;
  guint          n_samples;
  guint          n_drawn;
  double        *sources;      /* [n_sources] or NULL: decoded mode */
  guint          n_sources;
};

G_DEFINE_FINAL_TYPE (IctoPredictionLayer, icto_prediction_layer, GTK_TYPE_WIDGET)

static gboolean
row_has_prediction (IctoPredictionLayer *self,
                    guint                row)
{
  return row < self->n_rows && self->n_samples > 0 && !isnan (self->samples[(gsize) row * self->n_samples]);
}

static void
set_legend_text (IctoPredictionLayer *self)
{
  g_autofree char *escaped = NULL;
  g_autofree char *markup = NULL;

  escaped = g_markup_escape_text (self->sources != NULL
                                  /* Translators: legend of the ghost trace in retrieval mode: a real past
                                     segment of the same channel, the closest to what the model predicts */
                                  ? _("Closest past segment to the model's prediction")
                                  /* Translators: legend of the ghost trace drawn over the real one */
                                  : _("Model prediction (decoded)"), -1);
  markup = g_strdup_printf ("<span foreground=\"#CC79A7\" weight=\"bold\">━━</span> %s", escaped);
  gtk_label_set_markup (self->legend, markup);
}

static void
update_legend (IctoPredictionLayer *self)
{
  const char *note = gtk_label_get_label (self->note);

  /* the legend is there whenever a curve is, and to carry a note */
  gtk_widget_set_visible (self->legend_box, self->samples != NULL || (note != NULL && *note != '\0'));
}

static void
icto_prediction_layer_snapshot (GtkWidget   *widget,
                                GtkSnapshot *snapshot)
{
  IctoPredictionLayer *self = ICTO_PREDICTION_LAYER (widget);
  double width = gtk_widget_get_width (widget);
  double height = gtk_widget_get_height (widget);

  if (width > 0 && height > 0 && self->page != NULL && self->samples != NULL)
    {
      cairo_t *cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
      icto_prediction_layer_draw (self, cr, width, height);
      cairo_destroy (cr);
    }
  GTK_WIDGET_CLASS (icto_prediction_layer_parent_class)->snapshot (widget, snapshot);
}

static void
icto_prediction_layer_dispose (GObject *object)
{
  IctoPredictionLayer *self = ICTO_PREDICTION_LAYER (object);

  g_clear_pointer (&self->legend_box, gtk_widget_unparent);
  g_clear_pointer (&self->page, icto_trace_page_unref);
  G_OBJECT_CLASS (icto_prediction_layer_parent_class)->dispose (object);
}

static void
icto_prediction_layer_finalize (GObject *object)
{
  IctoPredictionLayer *self = ICTO_PREDICTION_LAYER (object);

  g_free (self->samples);
  g_free (self->sources);
  G_OBJECT_CLASS (icto_prediction_layer_parent_class)->finalize (object);
}

static void
icto_prediction_layer_class_init (IctoPredictionLayerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = icto_prediction_layer_dispose;
  object_class->finalize = icto_prediction_layer_finalize;
  widget_class->snapshot = icto_prediction_layer_snapshot;
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "ictopredictionlayer");
}

static void
icto_prediction_layer_init (IctoPredictionLayer *self)
{
  gtk_widget_set_can_target (GTK_WIDGET (self), FALSE);
  gtk_widget_set_can_focus (GTK_WIDGET (self), FALSE);

  self->legend_box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  gtk_widget_set_halign (self->legend_box, GTK_ALIGN_END);
  gtk_widget_set_valign (self->legend_box, GTK_ALIGN_START);
  gtk_widget_set_margin_top (self->legend_box, 6);
  gtk_widget_set_margin_end (self->legend_box, 8);
  gtk_widget_add_css_class (self->legend_box, "ictopredictionlegend");
  gtk_widget_set_parent (self->legend_box, GTK_WIDGET (self));

  self->legend = GTK_LABEL (gtk_label_new (NULL));
  set_legend_text (self);
  gtk_label_set_xalign (self->legend, 1);
  gtk_widget_add_css_class (GTK_WIDGET (self->legend), "caption");
  gtk_box_append (GTK_BOX (self->legend_box), GTK_WIDGET (self->legend));

  self->note = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (self->note, 1);
  gtk_label_set_wrap (self->note, TRUE);
  gtk_label_set_max_width_chars (self->note, 48);
  gtk_widget_add_css_class (GTK_WIDGET (self->note), "caption");
  gtk_widget_add_css_class (GTK_WIDGET (self->note), "dim-label");
  gtk_widget_set_visible (GTK_WIDGET (self->note), FALSE);
  gtk_box_append (GTK_BOX (self->legend_box), GTK_WIDGET (self->note));
  update_legend (self);
}

GtkWidget *
icto_prediction_layer_new (void)
{
  return g_object_new (ICTO_TYPE_PREDICTION_LAYER, NULL);
}

void
icto_prediction_layer_set_page (IctoPredictionLayer *self,
                                IctoTracePage       *page)
{
  g_return_if_fail (ICTO_IS_PREDICTION_LAYER (self));

  if (page != NULL)
    icto_trace_page_ref (page);
  g_clear_pointer (&self->page, icto_trace_page_unref);
  self->page = page;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
icto_prediction_layer_set_prediction (IctoPredictionLayer *self,
                                      double               start_s,
                                      double               rate_hz,
                                      const float         *samples,
                                      guint                n_rows,
                                      guint                n_samples)
{
  g_return_if_fail (ICTO_IS_PREDICTION_LAYER (self));
  g_return_if_fail (samples == NULL || rate_hz > 0);

  g_clear_pointer (&self->samples, g_free);
  self->n_rows = 0;
  self->n_samples = 0;
  self->n_drawn = 0;    /* until the next draw */
  if (samples != NULL && n_rows > 0 && n_samples > 0 && (gsize) n_rows <= G_MAXSIZE / sizeof (float) / n_samples)
    {
      self->samples = g_memdup2 (samples, sizeof (float) * n_rows * n_samples);
      self->n_rows = n_rows;
      self->n_samples = n_samples;
      self->start_s = start_s;
      self->rate_hz = rate_hz;
    }
  update_legend (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
icto_prediction_layer_set_sources (IctoPredictionLayer *self,
                                   const double        *source_s,
                                   guint                n_rows)
{
  g_return_if_fail (ICTO_IS_PREDICTION_LAYER (self));

  g_clear_pointer (&self->sources, g_free);
  self->n_sources = 0;
  if (source_s != NULL)
    {
      self->sources = g_memdup2 (source_s, sizeof (double) * MAX (1, n_rows));
      self->n_sources = n_rows;
    }
  set_legend_text (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

gboolean
icto_prediction_layer_get_retrieval (IctoPredictionLayer *self)
{
  g_return_val_if_fail (ICTO_IS_PREDICTION_LAYER (self), FALSE);
  return self->sources != NULL;
}

/* The source time label of @row at (@x, @y): "from h:mm:ss". */
static void
draw_source_label (cairo_t *cr,
                   double   source_s,
                   double   x,
                   double   y)
{
  g_autoptr(PangoLayout) layout = pango_cairo_create_layout (cr);
  PangoFontDescription *font = pango_font_description_from_string ("Sans 8");
  gint64 t = (gint64) llround (source_s);
  g_autofree char *hms = g_strdup_printf ("%d:%02d:%02d", (int) (t / 3600), (int) (t / 60 % 60), (int) (t % 60));
  /* Translators: label of a retrieved past segment drawn over the traces,
     %s is its time from the start of the recording (h:mm:ss) */
  g_autofree char *text = g_strdup_printf (_("from %s"), hms);
  int w, h;

  pango_layout_set_font_description (layout, font);
  pango_font_description_free (font);
  pango_layout_set_text (layout, text, -1);
  pango_layout_get_pixel_size (layout, &w, &h);
  /* a light plate so the label reads over the traces */
  cairo_save (cr);
  cairo_set_source_rgba (cr, 1, 1, 1, 0.8);
  cairo_rectangle (cr, x + 1, y, w + 2, h);
  cairo_fill (cr);
  cairo_restore (cr);
  cairo_move_to (cr, x + 2, y);
  pango_cairo_show_layout (cr, layout);
}

void
icto_prediction_layer_set_note (IctoPredictionLayer *self,
                                const char          *note)
{
  g_return_if_fail (ICTO_IS_PREDICTION_LAYER (self));

  gtk_label_set_label (self->note, note ? note : "");
  gtk_widget_set_visible (GTK_WIDGET (self->note), note != NULL && *note != '\0');
  update_legend (self);
}

const char *
icto_prediction_layer_get_legend (IctoPredictionLayer *self)
{
  g_return_val_if_fail (ICTO_IS_PREDICTION_LAYER (self), NULL);
  return gtk_widget_get_visible (self->legend_box) ? gtk_label_get_text (self->legend) : NULL;
}

guint
icto_prediction_layer_get_n_drawn (IctoPredictionLayer *self)
{
  g_return_val_if_fail (ICTO_IS_PREDICTION_LAYER (self), 0);
  return self->n_drawn;
}

void
icto_prediction_layer_draw (IctoPredictionLayer *self,
                            cairo_t             *cr,
                            double               width,
                            double               height)
{
  IctoTracePage *page;
  double t0, dur, device_per_px;
  guint n_rows;

  g_return_if_fail (ICTO_IS_PREDICTION_LAYER (self));

  self->n_drawn = 0;
  page = self->page;
  if (page == NULL || self->samples == NULL || page->n_channels == 0 || page->duration <= 0 || width <= 0)
    return;
  t0 = page->start / TICKS_PER_S;
  dur = page->duration / TICKS_PER_S;
  /* the page's pixels_per_mm is in device pixels of the trace area */
  device_per_px = page->n_columns > 0 ? page->n_columns / width : 1.0;
  n_rows = MIN (page->n_channels, self->n_rows);

  cairo_save (cr);
  cairo_rectangle (cr, 0, 0, width, height);
  cairo_clip (cr);
  cairo_set_source_rgba (cr, 0xCC / 255.0, 0x79 / 255.0, 0xA7 / 255.0, 0.45);
  cairo_set_line_width (cr, 1.0);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  for (guint row = 0; row < n_rows; row++)
    {
      const float *s = self->samples + (gsize) row * self->n_samples;
      double centre = (row + 0.5) * height / page->n_channels;
      double gain = page->pixels_per_mm / page->sensitivity[row] / device_per_px;
      int x_first, x_last;
      gboolean started = FALSE;

      if (!row_has_prediction (self, row) || !(page->sensitivity[row] > 0))
        continue;
      /* one min/max pair per pixel column, as the traces are drawn */
      x_first = (int) floor (MAX (0.0, (self->start_s - t0) / dur * width));
      x_last = (int) ceil (MIN (width, (self->start_s + self->n_samples / self->rate_hz - t0) / dur * width));
      for (int x = x_first; x < x_last; x++)
        {
          double ta = t0 + (double) x / width * dur;
          double tb = t0 + (double) (x + 1) / width * dur;
          gint64 i0 = (gint64) floor ((ta - self->start_s) * self->rate_hz);
          gint64 i1 = (gint64) ceil ((tb - self->start_s) * self->rate_hz);
          float lo = INFINITY, hi = -INFINITY;

          i0 = MAX (i0, 0);
          i1 = MIN (i1, (gint64) self->n_samples);
          for (gint64 i = i0; i < i1; i++)
            if (!isnan (s[i]))
              {
                lo = MIN (lo, s[i]);
                hi = MAX (hi, s[i]);
              }
          if (lo > hi)
            {
              started = FALSE;
              continue;
            }
          if (!started)
            cairo_move_to (cr, x + 0.5, centre - hi * gain);
          else
            cairo_line_to (cr, x + 0.5, centre - hi * gain);
          if (hi != lo)
            cairo_line_to (cr, x + 0.5, centre - lo * gain);
          started = TRUE;
        }
      self->n_drawn++;
      if (self->sources != NULL && row < self->n_sources && isfinite (self->sources[row]) && x_last > x_first)
        {
          cairo_stroke (cr);
          cairo_save (cr);
          cairo_set_source_rgba (cr, 0x8E / 255.0, 0x3E / 255.0, 0x70 / 255.0, 1.0);
          draw_source_label (cr, self->sources[row], x_first, centre - height / page->n_channels / 2);
          cairo_restore (cr);
        }
    }
  cairo_stroke (cr);
  cairo_restore (cr);
}
