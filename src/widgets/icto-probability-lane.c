/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "icto-probability-lane"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "widgets/icto-probability-lane.h"

#define TICKS_PER_S 10000000.0
#define GRAB_PX     6.0

struct _IctoProbabilityLane
{
  GtkWidget  parent_instance;

  float     *values;
  guint8    *states;
  guint      n_segments;
  double     segment_s;

  gint64     start;       /* ticks */
  gint64     duration;    /* ticks, 0: no range */

  IctoEvent *events;
  guint      n_events;

  double     threshold;
  gboolean   dragging;
};

G_DEFINE_FINAL_TYPE (IctoProbabilityLane, icto_probability_lane, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_THRESHOLD,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Okabe-Ito blue and vermillion */
static const double below_rgba[4] = { 0.000, 0.447, 0.698, 0.45 };
static const double above_rgba[4] = { 0.835, 0.369, 0.000, 0.75 };
static const double outline_rgba[4] = { 0.05, 0.20, 0.35, 1.0 };
static const double detection_rgba[4] = { 0.835, 0.369, 0.000, 0.14 };
static const double pending_rgba[4] = { 0.55, 0.57, 0.60, 0.35 };

static IctoSegmentState
segment_state (IctoProbabilityLane *self,
               guint                k)
{
  if (self->states != NULL)
    {
      IctoSegmentState s = (IctoSegmentState) self->states[k];

      if (s == ICTO_SEGMENT_DONE && isnan (self->values[k]))
        return ICTO_SEGMENT_NO_WINDOW;
      return s;
    }
  return isnan (self->values[k]) ? ICTO_SEGMENT_NO_WINDOW : ICTO_SEGMENT_DONE;
}

static void
set_source (cairo_t      *cr,
            const double  rgba[4])
{
  cairo_set_source_rgba (cr, rgba[0], rgba[1], rgba[2], rgba[3]);
}

static void
hatch (cairo_t *cr,
       double   x0,
       double   x1,
       double   height)
{
  double phase;

  cairo_save (cr);
  cairo_rectangle (cr, x0, 0, x1 - x0, height);
  cairo_clip (cr);
  set_source (cr, pending_rgba);
  cairo_set_line_width (cr, 1);
  /* lines at 45°, anchored to x = 0 so neighbouring segments join up */
  phase = floor ((x0 - height) / 6.0) * 6.0;
  for (double x = phase; x < x1 + 6; x += 6)
    {
      cairo_move_to (cr, x, height);
      cairo_line_to (cr, x + height, 0);
    }
  cairo_stroke (cr);
  cairo_restore (cr);
}

static void
drag_begin_cb (GtkGestureDrag      *gesture,
               double               x,
               double               y,
               IctoProbabilityLane *self)
{
  double height = gtk_widget_get_height (GTK_WIDGET (self));

  self->dragging = fabs (y - icto_probability_lane_value_to_y (height, self->threshold)) <= GRAB_PX;
  if (!self->dragging)
    gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_DENIED);
  else
    gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
}

static void
drag_update_cb (GtkGestureDrag      *gesture,
                double               dx,
                double               dy,
                IctoProbabilityLane *self)
{
  double x0, y0;

  if (!self->dragging || !gtk_gesture_drag_get_start_point (gesture, &x0, &y0))
    return;
  icto_probability_lane_set_threshold (self,
                                       icto_probability_lane_y_to_value (gtk_widget_get_height (GTK_WIDGET (self)),
                                                                         y0 + dy));
}

static void
drag_end_cb (GtkGestureDrag      *gesture,
             double               dx,
             double               dy,
             IctoProbabilityLane *self)
{
  self->dragging = FALSE;
}

static void
motion_cb (GtkEventControllerMotion *controller,
           double                    x,
           double                    y,
           IctoProbabilityLane      *self)
{
  double height = gtk_widget_get_height (GTK_WIDGET (self));
  gboolean near = fabs (y - icto_probability_lane_value_to_y (height, self->threshold)) <= GRAB_PX;

  gtk_widget_set_cursor_from_name (GTK_WIDGET (self), near || self->dragging ? "ns-resize" : NULL);
}

static gboolean
query_tooltip_cb (GtkWidget           *widget,
                  int                  x,
                  int                  y,
                  gboolean             keyboard,
                  GtkTooltip          *tooltip,
                  IctoProbabilityLane *self)
{
  double width = gtk_widget_get_width (widget);
  double t;
  g_autofree char *text = NULL;
  gint64 k;

  if (self->duration <= 0 || width <= 0 || self->segment_s <= 0)
    return FALSE;
  t = (self->start + (double) x / width * self->duration) / TICKS_PER_S;
  k = (gint64) floor (t / self->segment_s);
  if (k < 0 || k >= self->n_segments)
    return FALSE;
  switch (segment_state (self, (guint) k))
    {
    case ICTO_SEGMENT_DONE:
      /* Translators: tooltip of the probability lane: probability, segment start and end in seconds, threshold */
      text = g_strdup_printf (_("Seizure probability %.2f, %.0f–%.0f s (threshold %.2f)"),
                              self->values[k], k * self->segment_s, (k + 1) * self->segment_s, self->threshold);
      break;
    case ICTO_SEGMENT_PENDING:
      text = g_strdup (_("Not computed yet"));
      break;
    case ICTO_SEGMENT_NO_WINDOW:
      text = g_strdup (_("No value: the model needs 125 s of recording before a segment"));
      break;
    case ICTO_SEGMENT_GAP:
    default:
      text = g_strdup (_("No value: the window would touch a gap or the end of the data"));
      break;
    }
  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}

static void
icto_probability_lane_snapshot (GtkWidget   *widget,
                                GtkSnapshot *snapshot)
{
  IctoProbabilityLane *self = ICTO_PROBABILITY_LANE (widget);
  double width = gtk_widget_get_width (widget);
  double height = gtk_widget_get_height (widget);
  cairo_t *cr;

  if (width <= 0 || height <= 0)
    return;
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  icto_probability_lane_draw (self, cr, width, height);
  cairo_destroy (cr);
}

static void
icto_probability_lane_measure (GtkWidget      *widget,
                               GtkOrientation  orientation,
                               int             for_size,
                               int            *minimum,
                               int            *natural,
                               int            *minimum_baseline,
                               int            *natural_baseline)
{
  if (orientation == GTK_ORIENTATION_VERTICAL)
    *minimum = *natural = 48;
  else
    *minimum = *natural = 50;
}

static void
icto_probability_lane_finalize (GObject *object)
{
  IctoProbabilityLane *self = ICTO_PROBABILITY_LANE (object);

  g_free (self->values);
  g_free (self->states);
  g_free (self->events);
  G_OBJECT_CLASS (icto_probability_lane_parent_class)->finalize (object);
}

static void
icto_probability_lane_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  IctoProbabilityLane *self = ICTO_PROBABILITY_LANE (object);

  switch (prop_id)
    {
    case PROP_THRESHOLD:
      g_value_set_double (value, self->threshold);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
icto_probability_lane_set_property (GObject      *object,
                                    guint         prop_id,
                                    const GValue *value,
                                    GParamSpec   *pspec)
{
  IctoProbabilityLane *self = ICTO_PROBABILITY_LANE (object);

  switch (prop_id)
    {
    case PROP_THRESHOLD:
      icto_probability_lane_set_threshold (self, g_value_get_double (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
icto_probability_lane_class_init (IctoProbabilityLaneClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = icto_probability_lane_finalize;
  object_class->get_property = icto_probability_lane_get_property;
  object_class->set_property = icto_probability_lane_set_property;
  widget_class->snapshot = icto_probability_lane_snapshot;
  widget_class->measure = icto_probability_lane_measure;

  properties[PROP_THRESHOLD] =
    g_param_spec_double ("threshold", NULL, NULL, 0, 1, 0.5,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "ictoprobabilitylane");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
icto_probability_lane_init (IctoProbabilityLane *self)
{
  GtkGesture *drag = gtk_gesture_drag_new ();
  GtkEventController *motion = gtk_event_controller_motion_new ();

  self->threshold = 0.5;
  self->segment_s = 5.0;
  g_signal_connect (drag, "drag-begin", G_CALLBACK (drag_begin_cb), self);
  g_signal_connect (drag, "drag-update", G_CALLBACK (drag_update_cb), self);
  g_signal_connect (drag, "drag-end", G_CALLBACK (drag_end_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drag));
  g_signal_connect (motion, "motion", G_CALLBACK (motion_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), motion);
  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);
  g_signal_connect (self, "query-tooltip", G_CALLBACK (query_tooltip_cb), self);
  gtk_widget_set_hexpand (GTK_WIDGET (self), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Seizure probability"),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  _("The model's seizure probability per 5-s segment; drag the dashed line to set the detection threshold"),
                                  -1);
}

GtkWidget *
icto_probability_lane_new (void)
{
  return g_object_new (ICTO_TYPE_PROBABILITY_LANE, NULL);
}

void
icto_probability_lane_set_values (IctoProbabilityLane *self,
                                  const float         *values,
                                  const guint8        *states,
                                  guint                n_segments,
                                  double               segment_s)
{
  g_return_if_fail (ICTO_IS_PROBABILITY_LANE (self));
  g_return_if_fail (segment_s > 0);

  g_clear_pointer (&self->values, g_free);
  g_clear_pointer (&self->states, g_free);
  self->n_segments = values != NULL ? n_segments : 0;
  self->segment_s = segment_s;
  if (self->n_segments > 0)
    {
      self->values = g_memdup2 (values, sizeof (float) * n_segments);
      if (states != NULL)
        self->states = g_memdup2 (states, n_segments);
    }
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
icto_probability_lane_set_range (IctoProbabilityLane *self,
                                 gint64               start,
                                 gint64               duration)
{
  g_return_if_fail (ICTO_IS_PROBABILITY_LANE (self));

  if (self->start == start && self->duration == MAX (duration, 0))
    return;
  self->start = start;
  self->duration = MAX (duration, 0);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
icto_probability_lane_set_detections (IctoProbabilityLane *self,
                                      const IctoEvent     *events,
                                      guint                n_events)
{
  g_return_if_fail (ICTO_IS_PROBABILITY_LANE (self));

  g_clear_pointer (&self->events, g_free);
  self->n_events = events != NULL ? n_events : 0;
  if (self->n_events > 0)
    self->events = g_memdup2 (events, sizeof (IctoEvent) * n_events);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

double
icto_probability_lane_get_threshold (IctoProbabilityLane *self)
{
  g_return_val_if_fail (ICTO_IS_PROBABILITY_LANE (self), 0.5);
  return self->threshold;
}

void
icto_probability_lane_set_threshold (IctoProbabilityLane *self,
                                     double               threshold)
{
  g_return_if_fail (ICTO_IS_PROBABILITY_LANE (self));

  if (isnan (threshold))
    return;
  threshold = CLAMP (threshold, 0.0, 1.0);
  if (threshold == self->threshold)
    return;
  self->threshold = threshold;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_THRESHOLD]);
}

double
icto_probability_lane_value_to_y (double height,
                                  double p)
{
  double span = MAX (1.0, height - 2 * ICTO_PROBABILITY_LANE_PAD);

  return ICTO_PROBABILITY_LANE_PAD + (1.0 - CLAMP (p, 0.0, 1.0)) * span;
}

double
icto_probability_lane_y_to_value (double height,
                                  double y)
{
  double span = MAX (1.0, height - 2 * ICTO_PROBABILITY_LANE_PAD);

  return CLAMP (1.0 - (y - ICTO_PROBABILITY_LANE_PAD) / span, 0.0, 1.0);
}

double
icto_probability_lane_time_to_x (IctoProbabilityLane *self,
                                 double               width,
                                 double               seconds)
{
  g_return_val_if_fail (ICTO_IS_PROBABILITY_LANE (self), NAN);

  if (self->duration <= 0)
    return NAN;
  return (seconds * TICKS_PER_S - (double) self->start) / (double) self->duration * width;
}

void
icto_probability_lane_draw (IctoProbabilityLane *self,
                            cairo_t             *cr,
                            double               width,
                            double               height)
{
  double t0, t1, y_thr;
  gint64 k0, k1;
  gboolean open_path = FALSE;

  g_return_if_fail (ICTO_IS_PROBABILITY_LANE (self));

  cairo_save (cr);
  cairo_rectangle (cr, 0, 0, width, height);
  cairo_clip (cr);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  /* a border at the top, as the other lanes */
  cairo_set_source_rgba (cr, 0, 0, 0, 0.12);
  cairo_rectangle (cr, 0, 0, width, 1);
  cairo_fill (cr);

  if (self->duration <= 0 || self->n_segments == 0)
    {
      cairo_restore (cr);
      return;
    }

  t0 = self->start / TICKS_PER_S;
  t1 = (self->start + self->duration) / TICKS_PER_S;

  for (guint i = 0; i < self->n_events; i++)
    {
      double x0, x1;

      if (self->events[i].end_s <= t0 || self->events[i].start_s >= t1)
        continue;
      x0 = icto_probability_lane_time_to_x (self, width, self->events[i].start_s);
      x1 = icto_probability_lane_time_to_x (self, width, self->events[i].end_s);
      set_source (cr, detection_rgba);
      cairo_rectangle (cr, x0, 0, x1 - x0, height);
      cairo_fill (cr);
      cairo_set_source_rgba (cr, above_rgba[0], above_rgba[1], above_rgba[2], 1);
      cairo_rectangle (cr, x0, 0, x1 - x0, 3);
      cairo_fill (cr);
    }

  k0 = MAX (0, (gint64) floor (t0 / self->segment_s));
  k1 = MIN ((gint64) self->n_segments, (gint64) ceil (t1 / self->segment_s));

  /* fills */
  for (gint64 k = k0; k < k1; k++)
    {
      double x0 = icto_probability_lane_time_to_x (self, width, k * self->segment_s);
      double x1 = icto_probability_lane_time_to_x (self, width, (k + 1) * self->segment_s);
      IctoSegmentState state = segment_state (self, (guint) k);

      if (state == ICTO_SEGMENT_PENDING)
        hatch (cr, x0, x1, height);
      else if (state == ICTO_SEGMENT_DONE)
        {
          float p = self->values[k];
          double y = icto_probability_lane_value_to_y (height, p);

          set_source (cr, p >= self->threshold ? above_rgba : below_rgba);
          cairo_rectangle (cr, x0, y, x1 - x0, height - ICTO_PROBABILITY_LANE_PAD - y);
          cairo_fill (cr);
        }
    }

  /* outline: a step line along the tops, broken where there is no value */
  for (gint64 k = k0; k < k1; k++)
    {
      double x0 = icto_probability_lane_time_to_x (self, width, k * self->segment_s);
      double x1 = icto_probability_lane_time_to_x (self, width, (k + 1) * self->segment_s);

      if (segment_state (self, (guint) k) != ICTO_SEGMENT_DONE)
        {
          open_path = FALSE;
          continue;
        }
      {
        double y = icto_probability_lane_value_to_y (height, self->values[k]);

        if (open_path)
          cairo_line_to (cr, x0, y);
        else
          cairo_move_to (cr, x0, y);
        cairo_line_to (cr, x1, y);
        open_path = TRUE;
      }
    }
  set_source (cr, outline_rgba);
  cairo_set_line_width (cr, 1.25);
  cairo_stroke (cr);

  /* threshold */
  y_thr = floor (icto_probability_lane_value_to_y (height, self->threshold)) + 0.5;
  cairo_set_source_rgba (cr, 0.1, 0.1, 0.1, 0.9);
  cairo_set_line_width (cr, 1);
  cairo_set_dash (cr, (double[]) { 5, 3 }, 2, 0);
  cairo_move_to (cr, 0, y_thr);
  cairo_line_to (cr, width, y_thr);
  cairo_stroke (cr);
  cairo_restore (cr);
}
