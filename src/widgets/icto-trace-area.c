/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "icto-trace-area"

#include "config.h"

#include <math.h>

#include "core/icto-page-painter.h"
#include "widgets/icto-trace-area.h"

struct _IctoTraceArea
{
  GtkWidget        parent_instance;

  IctoTracePage   *page;
  cairo_surface_t *surface;     /* reused between frames */
  GdkTexture      *texture;     /* of the current page, NULL when stale */
  guint            columns;

  double           pointer_x;
  double           pointer_y;
  gboolean         pointer_inside;
};

G_DEFINE_FINAL_TYPE (IctoTraceArea, icto_trace_area, GTK_TYPE_WIDGET)

enum {
  COLUMNS_CHANGED,
  POINTER_MOVED,
  DRAGGED,
  SCROLLED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static guint
device_columns (IctoTraceArea *self)
{
  int scale = gtk_widget_get_scale_factor (GTK_WIDGET (self));
  int width = gtk_widget_get_width (GTK_WIDGET (self));

  return (guint) MAX (1, width * scale);
}

static void
emit_pointer (IctoTraceArea *self)
{
  double width = gtk_widget_get_width (GTK_WIDGET (self));
  double height = gtk_widget_get_height (GTK_WIDGET (self));
  gint64 time;
  int row;

  if (self->page == NULL || !self->pointer_inside)
    {
      g_signal_emit (self, signals[POINTER_MOVED], 0, G_GINT64_CONSTANT (-1), -1, 0.0);
      return;
    }
  time = icto_page_painter_x_to_time (self->page, width, self->pointer_x);
  row = icto_page_painter_y_to_channel (self->page, height, self->pointer_y);
  if (row >= 0)
    {
      guint c = (guint) CLAMP (self->pointer_x / width * self->page->n_columns, 0, self->page->n_columns - 1);
      double v = 0.5 * (icto_trace_page_min (self->page, row)[c] + icto_trace_page_max (self->page, row)[c]);
      g_signal_emit (self, signals[POINTER_MOVED], 0, time, row, v);
    }
  else
    g_signal_emit (self, signals[POINTER_MOVED], 0, time, -1, 0.0);
}

static void
motion_cb (GtkEventControllerMotion *controller,
           double                    x,
           double                    y,
           IctoTraceArea            *self)
{
  self->pointer_x = x;
  self->pointer_y = y;
  self->pointer_inside = TRUE;
  emit_pointer (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
leave_cb (GtkEventControllerMotion *controller,
          IctoTraceArea            *self)
{
  self->pointer_inside = FALSE;
  emit_pointer (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
drag_update_cb (GtkGestureDrag *gesture,
                double          dx,
                double          dy,
                IctoTraceArea  *self)
{
  double width = gtk_widget_get_width (GTK_WIDGET (self));

  if (width > 0)
    g_signal_emit (self, signals[DRAGGED], 0, dx / width);
}

static void
drag_begin_cb (GtkGestureDrag *gesture,
               double          x,
               double          y,
               IctoTraceArea  *self)
{
  gtk_widget_grab_focus (GTK_WIDGET (self));
  g_signal_emit (self, signals[DRAGGED], 0, NAN);
}

static gboolean
scroll_cb (GtkEventControllerScroll *controller,
           double                    dx,
           double                    dy,
           IctoTraceArea            *self)
{
  GdkModifierType state = gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (controller));
  gboolean ret = FALSE;

  g_signal_emit (self, signals[SCROLLED], 0, dx, dy, (guint) state, &ret);
  return ret;
}

static void
icto_trace_area_size_allocate (GtkWidget *widget,
                               int        width,
                               int        height,
                               int        baseline)
{
  IctoTraceArea *self = ICTO_TRACE_AREA (widget);
  guint columns = device_columns (self);

  g_clear_object (&self->texture);
  if (columns != self->columns)
    {
      self->columns = columns;
      g_signal_emit (self, signals[COLUMNS_CHANGED], 0, columns);
    }
}

static void
icto_trace_area_snapshot (GtkWidget   *widget,
                          GtkSnapshot *snapshot)
{
  IctoTraceArea *self = ICTO_TRACE_AREA (widget);
  int scale = gtk_widget_get_scale_factor (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  int dw = width * scale;
  int dh = height * scale;

  if (width <= 0 || height <= 0)
    return;
  if (self->page == NULL)
    {
      gtk_snapshot_append_color (snapshot, &(GdkRGBA) { 1, 1, 1, 1 },
                                 &GRAPHENE_RECT_INIT (0, 0, width, height));
      return;
    }

  if (self->texture == NULL)
    {
      g_autoptr(GBytes) bytes = NULL;

      if (self->surface == NULL ||
          cairo_image_surface_get_width (self->surface) != dw ||
          cairo_image_surface_get_height (self->surface) != dh)
        {
          g_clear_pointer (&self->surface, cairo_surface_destroy);
          self->surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, dw, dh);
        }
      icto_page_painter_render_traces (self->surface, self->page);
      cairo_surface_flush (self->surface);
      bytes = g_bytes_new (cairo_image_surface_get_data (self->surface),
                           (gsize) cairo_image_surface_get_stride (self->surface) * dh);
      self->texture = gdk_memory_texture_new (dw, dh, GDK_MEMORY_DEFAULT, bytes,
                                              cairo_image_surface_get_stride (self->surface));
    }
  gtk_snapshot_append_texture (snapshot, self->texture, &GRAPHENE_RECT_INIT (0, 0, width, height));

  if (self->pointer_inside)
    {
      GdkRGBA cursor = { 0.85, 0.10, 0.10, 0.6 };
      gtk_snapshot_append_color (snapshot, &cursor,
                                 &GRAPHENE_RECT_INIT (floor (self->pointer_x), 0, 1, height));
    }
}

static void
icto_trace_area_dispose (GObject *object)
{
  IctoTraceArea *self = ICTO_TRACE_AREA (object);

  g_clear_object (&self->texture);
  g_clear_pointer (&self->surface, cairo_surface_destroy);
  g_clear_pointer (&self->page, icto_trace_page_unref);
  G_OBJECT_CLASS (icto_trace_area_parent_class)->dispose (object);
}

static void
icto_trace_area_class_init (IctoTraceAreaClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = icto_trace_area_dispose;
  widget_class->size_allocate = icto_trace_area_size_allocate;
  widget_class->snapshot = icto_trace_area_snapshot;

  /* ::columns-changed (guint columns) */
  signals[COLUMNS_CHANGED] = g_signal_new ("columns-changed", G_TYPE_FROM_CLASS (klass),
                                           G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                           G_TYPE_NONE, 1, G_TYPE_UINT);
  /* ::pointer-moved (gint64 time or -1 when outside, int row or -1, double value) */
  signals[POINTER_MOVED] = g_signal_new ("pointer-moved", G_TYPE_FROM_CLASS (klass),
                                         G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                         G_TYPE_NONE, 3, G_TYPE_INT64, G_TYPE_INT, G_TYPE_DOUBLE);
  /* ::dragged (double fraction of the width since the drag began, NAN at its start) */
  signals[DRAGGED] = g_signal_new ("dragged", G_TYPE_FROM_CLASS (klass),
                                   G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                   G_TYPE_NONE, 1, G_TYPE_DOUBLE);
  /* ::scrolled (double dx, double dy, guint modifier state) -> handled */
  signals[SCROLLED] = g_signal_new ("scrolled", G_TYPE_FROM_CLASS (klass),
                                    G_SIGNAL_RUN_LAST, 0, g_signal_accumulator_true_handled, NULL, NULL,
                                    G_TYPE_BOOLEAN, 3, G_TYPE_DOUBLE, G_TYPE_DOUBLE, G_TYPE_UINT);

  gtk_widget_class_set_css_name (widget_class, "ictotracearea");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
icto_trace_area_init (IctoTraceArea *self)
{
  GtkEventController *motion = gtk_event_controller_motion_new ();
  GtkGesture *drag = gtk_gesture_drag_new ();
  GtkEventController *scroll = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_BOTH_AXES |
                                                                GTK_EVENT_CONTROLLER_SCROLL_DISCRETE);

  g_signal_connect (motion, "motion", G_CALLBACK (motion_cb), self);
  g_signal_connect (motion, "leave", G_CALLBACK (leave_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), motion);

  g_signal_connect (drag, "drag-begin", G_CALLBACK (drag_begin_cb), self);
  g_signal_connect (drag, "drag-update", G_CALLBACK (drag_update_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drag));

  g_signal_connect (scroll, "scroll", G_CALLBACK (scroll_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), scroll);

  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  gtk_widget_set_hexpand (GTK_WIDGET (self), TRUE);
  gtk_widget_set_vexpand (GTK_WIDGET (self), TRUE);
  gtk_widget_set_cursor_from_name (GTK_WIDGET (self), "crosshair");
  self->columns = 0;
}

GtkWidget *
icto_trace_area_new (void)
{
  return g_object_new (ICTO_TYPE_TRACE_AREA, NULL);
}

void
icto_trace_area_set_page (IctoTraceArea *self,
                          IctoTracePage *page)
{
  g_return_if_fail (ICTO_IS_TRACE_AREA (self));

  if (page != NULL)
    icto_trace_page_ref (page);
  g_clear_pointer (&self->page, icto_trace_page_unref);
  self->page = page;
  g_clear_object (&self->texture);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  if (self->pointer_inside)
    emit_pointer (self);
}

IctoTracePage *
icto_trace_area_get_page (IctoTraceArea *self)
{
  g_return_val_if_fail (ICTO_IS_TRACE_AREA (self), NULL);
  return self->page;
}

guint
icto_trace_area_get_columns (IctoTraceArea *self)
{
  g_return_val_if_fail (ICTO_IS_TRACE_AREA (self), 1);
  return device_columns (self);
}
