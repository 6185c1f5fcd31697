/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "icto-time-ruler"

#include "config.h"

#include "core/icto-page-painter.h"
#include "widgets/icto-time-ruler.h"

struct _IctoTimeRuler
{
  GtkWidget      parent_instance;
  IctoTracePage *page;
};

G_DEFINE_FINAL_TYPE (IctoTimeRuler, icto_time_ruler, GTK_TYPE_WIDGET)

static void
icto_time_ruler_snapshot (GtkWidget   *widget,
                          GtkSnapshot *snapshot)
{
  IctoTimeRuler *self = ICTO_TIME_RULER (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  cairo_t *cr;

  if (self->page == NULL || width <= 0 || height <= 0)
    return;
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  icto_page_painter_draw_ruler (cr, self->page, width, height);
  cairo_destroy (cr);
}

static void
icto_time_ruler_measure (GtkWidget      *widget,
                         GtkOrientation  orientation,
                         int             for_size,
                         int            *minimum,
                         int            *natural,
                         int            *minimum_baseline,
                         int            *natural_baseline)
{
  if (orientation == GTK_ORIENTATION_VERTICAL)
    *minimum = *natural = (int) ICTO_PAINTER_RULER_HEIGHT;
  else
    *minimum = *natural = 100;
}

static void
icto_time_ruler_dispose (GObject *object)
{
  IctoTimeRuler *self = ICTO_TIME_RULER (object);

  g_clear_pointer (&self->page, icto_trace_page_unref);
  G_OBJECT_CLASS (icto_time_ruler_parent_class)->dispose (object);
}

static void
icto_time_ruler_class_init (IctoTimeRulerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = icto_time_ruler_dispose;
  widget_class->snapshot = icto_time_ruler_snapshot;
  widget_class->measure = icto_time_ruler_measure;
  gtk_widget_class_set_css_name (widget_class, "ictotimeruler");
}

static void
icto_time_ruler_init (IctoTimeRuler *self)
{
  gtk_widget_set_hexpand (GTK_WIDGET (self), TRUE);
}

GtkWidget *
icto_time_ruler_new (void)
{
  return g_object_new (ICTO_TYPE_TIME_RULER, NULL);
}

void
icto_time_ruler_set_page (IctoTimeRuler *self,
                          IctoTracePage *page)
{
  g_return_if_fail (ICTO_IS_TIME_RULER (self));

  if (page != NULL)
    icto_trace_page_ref (page);
  g_clear_pointer (&self->page, icto_trace_page_unref);
  self->page = page;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}
