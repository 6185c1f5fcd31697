/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "icto-electrode-map"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "widgets/icto-electrode-map.h"

struct _IctoElectrodeMap
{
  GtkWidget     parent_instance;

  IctoLayout   *layout;
  float        *values;
  guint         n_values;
  gboolean     *bad;
  guint         n_bad;
  char        **soz;
  char         *title;
  char         *unit;
  IctoMapPaint  paint;
  gboolean      editable;
  int           press_contact;
  double        press_x, press_y;
};

G_DEFINE_FINAL_TYPE (IctoElectrodeMap, icto_electrode_map, GTK_TYPE_WIDGET)

enum {
  CONTACT_ACTIVATED,
  GROUP_MOVED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
sync_paint (IctoElectrodeMap *self)
{
  IctoColormap map = self->paint.colormap;
  int selected = self->paint.selected, highlighted = self->paint.highlighted;

  icto_map_paint_init (&self->paint, self->layout);
  self->paint.colormap = map;
  self->paint.selected = selected;
  self->paint.highlighted = highlighted;
  self->paint.values = self->values;
  self->paint.n_values = self->n_values;
  self->paint.bad = self->n_bad == self->n_values ? self->bad : NULL;
  self->paint.soz = (const char *const *) self->soz;
  self->paint.title = self->title;
  self->paint.unit = self->unit;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
drag_begin_cb (GtkGestureDrag   *gesture,
               double            x,
               double            y,
               IctoElectrodeMap *self)
{
  self->press_contact = icto_map_painter_contact_at (&self->paint, gtk_widget_get_width (GTK_WIDGET (self)),
                                                     gtk_widget_get_height (GTK_WIDGET (self)), x, y);
  self->press_x = x;
  self->press_y = y;
  if (self->press_contact < 0)
    {
      gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_DENIED);
      return;
    }
  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
}

/* A short press is a click; a longer drag moves the contact's group (editable). */
static void
drag_end_cb (GtkGestureDrag   *gesture,
             double            dx,
             double            dy,
             IctoElectrodeMap *self)
{
  int contact = self->press_contact;
  double w = gtk_widget_get_width (GTK_WIDGET (self)), h = gtk_widget_get_height (GTK_WIDGET (self));
  const IctoContact *c;
  double best = G_MAXDOUBLE, scale = 0;

  self->press_contact = -1;
  if (contact < 0 || self->layout == NULL)
    return;
  if (hypot (dx, dy) < 4.0 || !self->editable)
    {
      icto_electrode_map_set_selected (self, contact);
      g_signal_emit (self, signals[CONTACT_ACTIVATED], 0, contact);
      return;
    }
  c = icto_layout_get_contact (self->layout, (guint) contact);
  if (c->has_3d)
    return;
  /* the view the contact was grabbed in gives the scale */
  for (guint v = 0; v < icto_layout_get_n_views (self->layout); v++)
    {
      double x, y;
      if (icto_map_painter_contact_position (&self->paint, w, h, (guint) contact, v, &x, &y, NULL) &&
          hypot (x - self->press_x, y - self->press_y) < best)
        {
          best = hypot (x - self->press_x, y - self->press_y);
          scale = icto_map_painter_get_scale (&self->paint, w, h, v);
        }
    }
  if (scale > 0)
    g_signal_emit (self, signals[GROUP_MOVED], 0, c->group, dx / scale, dy / scale);
}

static gboolean
query_tooltip_cb (GtkWidget        *widget,
                  int               x,
                  int               y,
                  gboolean          keyboard,
                  GtkTooltip       *tooltip,
                  IctoElectrodeMap *self)
{
  int contact = icto_map_painter_contact_at (&self->paint, gtk_widget_get_width (widget),
                                             gtk_widget_get_height (widget), x, y);
  const IctoContact *c;
  g_autofree char *text = NULL;

  if (contact < 0)
    return FALSE;
  c = icto_layout_get_contact (self->layout, (guint) contact);
  if (c->channel < 0)
    /* Translators: a map contact that has no channel in the recording */
    text = g_strdup_printf (_("%s (%s): no channel"), c->label, c->group);
  else if (self->values != NULL && (guint) c->channel < self->n_values && isfinite (self->values[c->channel]))
    text = g_strdup_printf ("%s (%s): %.4g %s", c->label, c->group, self->values[c->channel],
                            self->unit ? self->unit : "");
  else
    text = g_strdup_printf ("%s (%s)", c->label, c->group);
  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}

static void
icto_electrode_map_snapshot (GtkWidget   *widget,
                             GtkSnapshot *snapshot)
{
  IctoElectrodeMap *self = ICTO_ELECTRODE_MAP (widget);
  int w = gtk_widget_get_width (widget), h = gtk_widget_get_height (widget);
  cairo_t *cr;

  if (w <= 0 || h <= 0)
    return;
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, w, h));
  icto_map_painter_draw (cr, &self->paint, w, h);
  cairo_destroy (cr);
}

static void
icto_electrode_map_measure (GtkWidget      *widget,
                            GtkOrientation  orientation,
                            int             for_size,
                            int            *minimum,
                            int            *natural,
                            int            *minimum_baseline,
                            int            *natural_baseline)
{
  *minimum = orientation == GTK_ORIENTATION_HORIZONTAL ? 240 : 240;
  *natural = orientation == GTK_ORIENTATION_HORIZONTAL ? 420 : 420;
}

static void
icto_electrode_map_dispose (GObject *object)
{
  IctoElectrodeMap *self = ICTO_ELECTRODE_MAP (object);

  g_clear_pointer (&self->layout, icto_layout_unref);
  g_clear_pointer (&self->values, g_free);
  g_clear_pointer (&self->bad, g_free);
  g_clear_pointer (&self->soz, g_strfreev);
  g_clear_pointer (&self->title, g_free);
  g_clear_pointer (&self->unit, g_free);
  icto_map_paint_init (&self->paint, NULL);
  G_OBJECT_CLASS (icto_electrode_map_parent_class)->dispose (object);
}

static void
icto_electrode_map_class_init (IctoElectrodeMapClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = icto_electrode_map_dispose;
  widget_class->snapshot = icto_electrode_map_snapshot;
  widget_class->measure = icto_electrode_map_measure;

  /* ::contact-activated (int contact): a contact was clicked */
  signals[CONTACT_ACTIVATED] = g_signal_new ("contact-activated", G_TYPE_FROM_CLASS (klass),
                                             G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                             G_TYPE_NONE, 1, G_TYPE_INT);
  /* ::group-moved (string group, double dx_mm, double dy_mm): an editable map's group was dragged */
  signals[GROUP_MOVED] = g_signal_new ("group-moved", G_TYPE_FROM_CLASS (klass),
                                       G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                       G_TYPE_NONE, 3, G_TYPE_STRING, G_TYPE_DOUBLE, G_TYPE_DOUBLE);
  gtk_widget_class_set_css_name (widget_class, "ictoelectrodemap");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
icto_electrode_map_init (IctoElectrodeMap *self)
{
  GtkGesture *drag = gtk_gesture_drag_new ();

  icto_map_paint_init (&self->paint, NULL);
  self->press_contact = -1;
  g_signal_connect (drag, "drag-begin", G_CALLBACK (drag_begin_cb), self);
  g_signal_connect (drag, "drag-end", G_CALLBACK (drag_end_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drag));
  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);
  g_signal_connect (self, "query-tooltip", G_CALLBACK (query_tooltip_cb), self);
  gtk_widget_set_hexpand (GTK_WIDGET (self), TRUE);
  gtk_widget_set_vexpand (GTK_WIDGET (self), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Electrode map"), -1);
}

GtkWidget *
icto_electrode_map_new (void)
{
  return g_object_new (ICTO_TYPE_ELECTRODE_MAP, NULL);
}

void
icto_electrode_map_set_layout (IctoElectrodeMap *self,
                               IctoLayout       *layout)
{
  g_return_if_fail (ICTO_IS_ELECTRODE_MAP (self));
  if (layout == self->layout)
    return;
  g_clear_pointer (&self->layout, icto_layout_unref);
  self->layout = layout ? icto_layout_ref (layout) : NULL;
  self->paint.selected = self->paint.highlighted = -1;
  sync_paint (self);
}

IctoLayout *
icto_electrode_map_get_layout (IctoElectrodeMap *self)
{
  g_return_val_if_fail (ICTO_IS_ELECTRODE_MAP (self), NULL);
  return self->layout;
}

void
icto_electrode_map_set_values (IctoElectrodeMap *self,
                               const float      *values,
                               guint             n_values,
                               const char       *title,
                               const char       *unit)
{
  g_return_if_fail (ICTO_IS_ELECTRODE_MAP (self));
  g_clear_pointer (&self->values, g_free);
  self->values = values ? g_memdup2 (values, sizeof (float) * MAX (n_values, 1)) : NULL;
  self->n_values = values ? n_values : 0;
  g_free (self->title);
  self->title = g_strdup (title);
  g_free (self->unit);
  self->unit = g_strdup (unit);
  sync_paint (self);
}

gboolean
icto_electrode_map_has_values (IctoElectrodeMap *self)
{
  g_return_val_if_fail (ICTO_IS_ELECTRODE_MAP (self), FALSE);
  return self->values != NULL;
}

void
icto_electrode_map_set_colormap (IctoElectrodeMap *self,
                                 IctoColormap      map)
{
  g_return_if_fail (ICTO_IS_ELECTRODE_MAP (self));
  self->paint.colormap = map;
  sync_paint (self);
}

void
icto_electrode_map_set_bad (IctoElectrodeMap *self,
                            const gboolean   *bad,
                            guint             n)
{
  g_return_if_fail (ICTO_IS_ELECTRODE_MAP (self));
  g_clear_pointer (&self->bad, g_free);
  self->bad = bad ? g_memdup2 (bad, sizeof (gboolean) * MAX (n, 1)) : NULL;
  self->n_bad = bad ? n : 0;
  sync_paint (self);
}

void
icto_electrode_map_set_soz (IctoElectrodeMap  *self,
                            const char *const *soz)
{
  g_return_if_fail (ICTO_IS_ELECTRODE_MAP (self));
  g_clear_pointer (&self->soz, g_strfreev);
  self->soz = soz ? g_strdupv ((char **) soz) : NULL;
  sync_paint (self);
}

void
icto_electrode_map_set_selected (IctoElectrodeMap *self,
                                 int               contact)
{
  g_return_if_fail (ICTO_IS_ELECTRODE_MAP (self));
  self->paint.selected = contact;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

int
icto_electrode_map_get_selected (IctoElectrodeMap *self)
{
  g_return_val_if_fail (ICTO_IS_ELECTRODE_MAP (self), -1);
  return self->paint.selected;
}

void
icto_electrode_map_set_highlighted (IctoElectrodeMap *self,
                                    int               contact)
{
  g_return_if_fail (ICTO_IS_ELECTRODE_MAP (self));
  self->paint.highlighted = contact;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

int
icto_electrode_map_get_highlighted (IctoElectrodeMap *self)
{
  g_return_val_if_fail (ICTO_IS_ELECTRODE_MAP (self), -1);
  return self->paint.highlighted;
}

const IctoMapPaint *
icto_electrode_map_get_paint (IctoElectrodeMap *self)
{
  g_return_val_if_fail (ICTO_IS_ELECTRODE_MAP (self), NULL);
  return &self->paint;
}

void
icto_electrode_map_set_editable (IctoElectrodeMap *self,
                                 gboolean          editable)
{
  g_return_if_fail (ICTO_IS_ELECTRODE_MAP (self));
  self->editable = editable;
}

gboolean
icto_electrode_map_get_editable (IctoElectrodeMap *self)
{
  g_return_val_if_fail (ICTO_IS_ELECTRODE_MAP (self), FALSE);
  return self->editable;
}
