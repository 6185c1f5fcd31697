/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "icto-channel-labels"

#include "config.h"

#include "core/icto-page-painter.h"
#include "widgets/icto-channel-labels.h"

struct _IctoChannelLabels
{
  GtkWidget      parent_instance;
  IctoTracePage *page;
};

G_DEFINE_FINAL_TYPE (IctoChannelLabels, icto_channel_labels, GTK_TYPE_WIDGET)

enum {
  ROW_MENU,
  ROW_TOGGLED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
pressed_cb (GtkGestureClick   *gesture,
            int                n_press,
            double             x,
            double             y,
            IctoChannelLabels *self)
{
  int row;

  if (self->page == NULL)
    return;
  row = icto_page_painter_y_to_channel (self->page, gtk_widget_get_height (GTK_WIDGET (self)), y);
  if (row < 0)
    return;
  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
  /* Ctrl+primary click: toggle the channel (e.g. a seizure-onset-zone contact) */
  if (gtk_gesture_single_get_current_button (GTK_GESTURE_SINGLE (gesture)) == GDK_BUTTON_PRIMARY &&
      (gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (gesture)) & GDK_CONTROL_MASK) != 0)
    {
      g_signal_emit (self, signals[ROW_TOGGLED], 0, row);
      return;
    }
  g_signal_emit (self, signals[ROW_MENU], 0, row, x, y);
}

static void
icto_channel_labels_snapshot (GtkWidget   *widget,
                              GtkSnapshot *snapshot)
{
  IctoChannelLabels *self = ICTO_CHANNEL_LABELS (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  cairo_t *cr;

  if (self->page == NULL || width <= 0 || height <= 0)
    return;
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  icto_page_painter_draw_labels (cr, self->page, width, height);
  cairo_destroy (cr);
}

static void
icto_channel_labels_measure (GtkWidget      *widget,
                             GtkOrientation  orientation,
                             int             for_size,
                             int            *minimum,
                             int            *natural,
                             int            *minimum_baseline,
                             int            *natural_baseline)
{
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    *minimum = *natural = (int) ICTO_PAINTER_LABEL_WIDTH;
  else
    *minimum = *natural = 50;
}

static void
icto_channel_labels_dispose (GObject *object)
{
  IctoChannelLabels *self = ICTO_CHANNEL_LABELS (object);

  g_clear_pointer (&self->page, icto_trace_page_unref);
  G_OBJECT_CLASS (icto_channel_labels_parent_class)->dispose (object);
}

static void
icto_channel_labels_class_init (IctoChannelLabelsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = icto_channel_labels_dispose;
  widget_class->snapshot = icto_channel_labels_snapshot;
  widget_class->measure = icto_channel_labels_measure;

  /* ::row-menu (int row, double x, double y) */
  signals[ROW_MENU] = g_signal_new ("row-menu", G_TYPE_FROM_CLASS (klass),
                                    G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                    G_TYPE_NONE, 3, G_TYPE_INT, G_TYPE_DOUBLE, G_TYPE_DOUBLE);
  /* ::row-toggled (int row): Ctrl+click on a label */
  signals[ROW_TOGGLED] = g_signal_new ("row-toggled", G_TYPE_FROM_CLASS (klass),
                                       G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                       G_TYPE_NONE, 1, G_TYPE_INT);
  gtk_widget_class_set_css_name (widget_class, "ictochannellabels");
}

static void
icto_channel_labels_init (IctoChannelLabels *self)
{
  GtkGesture *click = gtk_gesture_click_new ();

  /* any button: a label is a menu of channel actions */
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), 0);
  g_signal_connect (click, "pressed", G_CALLBACK (pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));
  gtk_widget_set_vexpand (GTK_WIDGET (self), TRUE);
}

GtkWidget *
icto_channel_labels_new (void)
{
  return g_object_new (ICTO_TYPE_CHANNEL_LABELS, NULL);
}

void
icto_channel_labels_set_page (IctoChannelLabels *self,
                              IctoTracePage     *page)
{
  g_return_if_fail (ICTO_IS_CHANNEL_LABELS (self));

  if (page != NULL)
    icto_trace_page_ref (page);
  g_clear_pointer (&self->page, icto_trace_page_unref);
  self->page = page;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}
