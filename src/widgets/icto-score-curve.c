/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "icto-score-curve"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <stdlib.h>

#include "widgets/icto-score-curve.h"

#define MARGIN_LEFT   36.0
#define MARGIN_BOTTOM 28.0
#define MARGIN_TOP    8.0
#define MARGIN_RIGHT  10.0

struct _IctoScoreCurve
{
  GtkWidget       parent_instance;
  IctoScorePoint *points;
  guint           n_points;
  double          current;
  double          x_max;
};

G_DEFINE_FINAL_TYPE (IctoScoreCurve, icto_score_curve, GTK_TYPE_WIDGET)

static int
compare_points (gconstpointer a,
                gconstpointer b)
{
  const IctoScorePoint *p = a, *q = b;

  if (p->false_alarms_per_24h != q->false_alarms_per_24h)
    return p->false_alarms_per_24h < q->false_alarms_per_24h ? -1 : 1;
  return p->sensitivity < q->sensitivity ? -1 : p->sensitivity > q->sensitivity;
}

static void
text (cairo_t    *cr,
      GtkWidget  *widget,
      const char *str,
      double      x,
      double      y,
      double      xalign)
{
  PangoLayout *layout;
  int w, h;

  if (widget == NULL)
    return;
  layout = gtk_widget_create_pango_layout (widget, str);
  pango_layout_get_pixel_size (layout, &w, &h);
  cairo_move_to (cr, x - xalign * w, y - h / 2.0);
  pango_cairo_show_layout (cr, layout);
  g_object_unref (layout);
}

static void
icto_score_curve_snapshot (GtkWidget   *widget,
                           GtkSnapshot *snapshot)
{
  double width = gtk_widget_get_width (widget);
  double height = gtk_widget_get_height (widget);
  cairo_t *cr;

  if (width <= 0 || height <= 0)
    return;
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  icto_score_curve_draw (ICTO_SCORE_CURVE (widget), cr, width, height);
  cairo_destroy (cr);
}

static void
icto_score_curve_measure (GtkWidget      *widget,
                          GtkOrientation  orientation,
                          int             for_size,
                          int            *minimum,
                          int            *natural,
                          int            *minimum_baseline,
                          int            *natural_baseline)
{
  *minimum = 120;
  *natural = orientation == GTK_ORIENTATION_VERTICAL ? 200 : 260;
}

static void
icto_score_curve_finalize (GObject *object)
{
  g_free (ICTO_SCORE_CURVE (object)->points);
  G_OBJECT_CLASS (icto_score_curve_parent_class)->finalize (object);
}

static void
icto_score_curve_class_init (IctoScoreCurveClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = icto_score_curve_finalize;
  widget_class->snapshot = icto_score_curve_snapshot;
  widget_class->measure = icto_score_curve_measure;
  gtk_widget_class_set_css_name (widget_class, "ictoscorecurve");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
icto_score_curve_init (IctoScoreCurve *self)
{
  self->current = NAN;
  self->x_max = 1.0;
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Sensitivity against false alarms per 24 hours over thresholds"),
                                  -1);
}

GtkWidget *
icto_score_curve_new (void)
{
  return g_object_new (ICTO_TYPE_SCORE_CURVE, NULL);
}

void
icto_score_curve_set_points (IctoScoreCurve       *self,
                             const IctoScorePoint *points,
                             guint                 n,
                             double                current)
{
  g_return_if_fail (ICTO_IS_SCORE_CURVE (self));

  g_clear_pointer (&self->points, g_free);
  self->n_points = points != NULL ? n : 0;
  self->current = current;
  self->x_max = 1.0;
  if (self->n_points > 0)
    {
      self->points = g_memdup2 (points, sizeof (IctoScorePoint) * n);
      qsort (self->points, n, sizeof (IctoScorePoint), compare_points);
      for (guint i = 0; i < n; i++)
        if (isfinite (self->points[i].false_alarms_per_24h))
          self->x_max = MAX (self->x_max, self->points[i].false_alarms_per_24h);
    }
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
icto_score_curve_to_pixel (IctoScoreCurve *self,
                           double          width,
                           double          height,
                           double          false_alarms_per_24h,
                           double          sensitivity,
                           double         *x,
                           double         *y)
{
  double pw = MAX (1.0, width - MARGIN_LEFT - MARGIN_RIGHT);
  double ph = MAX (1.0, height - MARGIN_TOP - MARGIN_BOTTOM);

  g_return_if_fail (ICTO_IS_SCORE_CURVE (self));
  *x = MARGIN_LEFT + CLAMP (false_alarms_per_24h / self->x_max, 0, 1) * pw;
  *y = MARGIN_TOP + (1 - CLAMP (sensitivity, 0, 1)) * ph;
}

void
icto_score_curve_draw (IctoScoreCurve *self,
                       cairo_t        *cr,
                       double          width,
                       double          height)
{
  GtkWidget *widget = GTK_WIDGET (self);
  double x0, y0, x1, y1, x, y;
  gboolean started = FALSE;
  char buf[32];

  g_return_if_fail (ICTO_IS_SCORE_CURVE (self));

  cairo_save (cr);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  icto_score_curve_to_pixel (self, width, height, 0, 0, &x0, &y0);
  icto_score_curve_to_pixel (self, width, height, self->x_max, 1, &x1, &y1);

  /* frame and grid */
  cairo_set_line_width (cr, 1);
  cairo_set_source_rgba (cr, 0, 0, 0, 0.12);
  for (int i = 1; i < 4; i++)
    {
      double gy = y0 + (y1 - y0) * i / 4.0;
      cairo_move_to (cr, x0, floor (gy) + 0.5);
      cairo_line_to (cr, x1, floor (gy) + 0.5);
    }
  cairo_stroke (cr);
  cairo_set_source_rgba (cr, 0, 0, 0, 0.6);
  cairo_rectangle (cr, floor (x0) + 0.5, floor (y1) + 0.5, floor (x1 - x0), floor (y0 - y1));
  cairo_stroke (cr);

  /* axis labels */
  cairo_set_source_rgba (cr, 0, 0, 0, 0.7);
  text (cr, widget, "1", x0 - 4, y1, 1.0);
  text (cr, widget, "0", x0 - 4, y0, 1.0);
  g_snprintf (buf, sizeof buf, "%.3g", self->x_max);
  text (cr, widget, buf, x1, y0 + 10, 1.0);
  text (cr, widget, _("false alarms / 24 h"), (x0 + x1) / 2, y0 + 10, 0.5);

  /* the curve */
  cairo_set_source_rgb (cr, 0.000, 0.447, 0.698);
  cairo_set_line_width (cr, 1.5);
  for (guint i = 0; i < self->n_points; i++)
    {
      const IctoScorePoint *p = &self->points[i];

      if (isnan (p->sensitivity) || !isfinite (p->false_alarms_per_24h))
        continue;
      icto_score_curve_to_pixel (self, width, height, p->false_alarms_per_24h, p->sensitivity, &x, &y);
      if (started)
        cairo_line_to (cr, x, y);
      else
        cairo_move_to (cr, x, y);
      started = TRUE;
    }
  cairo_stroke (cr);
  for (guint i = 0; i < self->n_points; i++)
    {
      const IctoScorePoint *p = &self->points[i];

      if (isnan (p->sensitivity) || !isfinite (p->false_alarms_per_24h))
        continue;
      icto_score_curve_to_pixel (self, width, height, p->false_alarms_per_24h, p->sensitivity, &x, &y);
      if (!isnan (self->current) && fabs (p->threshold - self->current) < 1e-9)
        {
          cairo_set_source_rgb (cr, 0.835, 0.369, 0.000);
          cairo_arc (cr, x, y, 5, 0, 2 * G_PI);
        }
      else
        {
          cairo_set_source_rgb (cr, 0.000, 0.447, 0.698);
          cairo_arc (cr, x, y, 2.5, 0, 2 * G_PI);
        }
      cairo_fill (cr);
    }
  cairo_restore (cr);
}
