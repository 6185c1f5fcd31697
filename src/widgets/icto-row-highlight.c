/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "icto-row-highlight"

#include "config.h"

#include "widgets/icto-row-highlight.h"

struct _IctoRowHighlight
{
  GtkWidget parent_instance;
  int       row;
  guint     n_rows;
};

G_DEFINE_FINAL_TYPE (IctoRowHighlight, icto_row_highlight, GTK_TYPE_WIDGET)

static void
icto_row_highlight_snapshot (GtkWidget   *widget,
                             GtkSnapshot *snapshot)
{
  IctoRowHighlight *self = ICTO_ROW_HIGHLIGHT (widget);
  double w = gtk_widget_get_width (widget), h = gtk_widget_get_height (widget), y0, rh;
  const GdkRGBA band = { 0.0f, 0.447f, 0.698f, 0.16f };    /* #0072B2 */
  const GdkRGBA edge = { 0.0f, 0.447f, 0.698f, 0.85f };

  if (self->row < 0 || self->n_rows == 0 || (guint) self->row >= self->n_rows || w <= 0 || h <= 0)
    return;
  rh = h / self->n_rows;
  y0 = self->row * rh;
  gtk_snapshot_append_color (snapshot, &band, &GRAPHENE_RECT_INIT (0, (float) y0, (float) w, (float) rh));
  gtk_snapshot_append_color (snapshot, &edge, &GRAPHENE_RECT_INIT (0, (float) y0, (float) w, 1.5f));
  gtk_snapshot_append_color (snapshot, &edge, &GRAPHENE_RECT_INIT (0, (float) (y0 + rh - 1.5), (float) w, 1.5f));
}

static void
icto_row_highlight_class_init (IctoRowHighlightClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  widget_class->snapshot = icto_row_highlight_snapshot;
  gtk_widget_class_set_css_name (widget_class, "ictorowhighlight");
}

static void
icto_row_highlight_init (IctoRowHighlight *self)
{
  self->row = -1;
  gtk_widget_set_can_target (GTK_WIDGET (self), FALSE);
  gtk_widget_set_can_focus (GTK_WIDGET (self), FALSE);
}

GtkWidget *
icto_row_highlight_new (void)
{
  return g_object_new (ICTO_TYPE_ROW_HIGHLIGHT, NULL);
}

void
icto_row_highlight_set_row (IctoRowHighlight *self,
                            int               row,
                            guint             n_rows)
{
  g_return_if_fail (ICTO_IS_ROW_HIGHLIGHT (self));
  if (self->row == row && self->n_rows == n_rows)
    return;
  self->row = row;
  self->n_rows = n_rows;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

int
icto_row_highlight_get_row (IctoRowHighlight *self)
{
  g_return_val_if_fail (ICTO_IS_ROW_HIGHLIGHT (self), -1);
  return self->row;
}
