/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "icto-overview-strip"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "widgets/icto-overview-strip.h"

struct _IctoOverviewStrip
{
  GtkWidget     parent_instance;

  IctoSession  *session;
  IctoOverview *overview;
  gulong        changed_id;
  /* stored annotations (icto_overview_strip_set_annotation_marks) */
  IctoOverviewMark *annotation_marks;
  guint             n_annotation_marks;

  /* model overlays: seizure probability per segment and detections */
  float        *probs;
  guint         n_probs;
  double        prob_segment_s;
  double        prob_threshold;
  IctoEvent    *detections;
  guint         n_detections;
};

G_DEFINE_FINAL_TYPE (IctoOverviewStrip, icto_overview_strip, GTK_TYPE_WIDGET)

static gint64
recording_duration (IctoOverviewStrip *self)
{
  IctoRecording *rec = self->session ? icto_session_get_recording (self->session) : NULL;

  return rec != NULL ? icto_recording_get_duration (rec) : 0;
}

static void
move_to_x (IctoOverviewStrip *self,
           double             x)
{
  double width = gtk_widget_get_width (GTK_WIDGET (self));
  gint64 duration = recording_duration (self);
  gint64 centre;

  if (duration <= 0 || width <= 0)
    return;
  centre = (gint64) (CLAMP (x / width, 0, 1) * (double) duration);
  icto_session_set_start (self->session, centre - icto_session_get_page_ticks (self->session) / 2);
}

static void
pressed_cb (GtkGestureClick   *gesture,
            int                n_press,
            double             x,
            double             y,
            IctoOverviewStrip *self)
{
  move_to_x (self, x);
}

static void
drag_update_cb (GtkGestureDrag    *gesture,
                double             dx,
                double             dy,
                IctoOverviewStrip *self)
{
  double x0, y0;

  if (gtk_gesture_drag_get_start_point (gesture, &x0, &y0))
    move_to_x (self, x0 + dx);
}

/* Stored annotations: bands for those with a duration (seizures), ticks for
 * instants, in the lower third; binned per pixel column, so 100,000 marks
 * cost as much as the strip is wide. */
static void
draw_annotation_marks (IctoOverviewStrip *self,
                       GtkSnapshot       *snapshot,
                       double             width,
                       double             height,
                       gint64             duration)
{
  int n = (int) ceil (width);
  g_autofree guint32 *band = NULL;
  g_autofree guint32 *tick = NULL;

  if (self->n_annotation_marks == 0 || n <= 0 || duration <= 0)
    return;
  band = g_new0 (guint32, n);   /* 0x1RRGGBB when set */
  tick = g_new0 (guint32, n);
  for (guint i = 0; i < self->n_annotation_marks; i++)
    {
      const IctoOverviewMark *m = &self->annotation_marks[i];
      double f0 = (double) m->onset / duration * width;
      double f1 = (double) (m->onset + m->duration) / duration * width;
      int x0, x1;

      if (f1 < 0 || f0 >= n)
        continue;
      x0 = (int) CLAMP (floor (f0), 0, n - 1);
      x1 = (int) CLAMP (floor (f1), 0, n - 1);
      if (m->duration > 0 && x1 > x0)
        for (int x = x0; x <= x1; x++)
          band[x] = 0x1000000u | (m->rgb & 0xffffffu);
      else
        tick[x0] = 0x1000000u | (m->rgb & 0xffffffu);
    }
  for (int x = 0; x < n; x++)
    {
      int run = 1;

      if (band[x] == 0)
        continue;
      while (x + run < n && band[x + run] == band[x])
        run++;
      gtk_snapshot_append_color (snapshot,
                                 &(GdkRGBA) { ((band[x] >> 16) & 0xff) / 255.0, ((band[x] >> 8) & 0xff) / 255.0,
                                              (band[x] & 0xff) / 255.0, 0.45 },
                                 &GRAPHENE_RECT_INIT (x, height * 2 / 3, run, height / 3));
      x += run - 1;
    }
  for (int x = 0; x < n; x++)
    if (tick[x] != 0)
      gtk_snapshot_append_color (snapshot,
                                 &(GdkRGBA) { ((tick[x] >> 16) & 0xff) / 255.0, ((tick[x] >> 8) & 0xff) / 255.0,
                                              (tick[x] & 0xff) / 255.0, 1 },
                                 &GRAPHENE_RECT_INIT (x, height * 2 / 3, 1, height / 3));
}

static void
session_changed_cb (IctoSession       *session,
                    IctoOverviewStrip *self)
{
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* The probability trend (the largest value per pixel column, as a bar from
 * the bottom up to 40 % of the height at p = 1; blue below the threshold,
 * vermillion at or above) and the detections (a vermillion bar along the
 * bottom edge). */
static void
draw_probabilities (IctoOverviewStrip *self,
                    GtkSnapshot       *snapshot,
                    double             width,
                    double             height,
                    gint64             duration)
{
  GdkRGBA below = { 0.000, 0.447, 0.698, 0.55 };
  GdkRGBA above = { 0.835, 0.369, 0.000, 0.85 };
  GdkRGBA det = { 0.835, 0.369, 0.000, 1.0 };
  double seconds = duration / 1e7;
  double lane = height * 0.4;

  if (self->n_probs > 0 && self->prob_segment_s > 0)
    for (int x = 0; x < (int) width; x++)
      {
        double ta = x / width * seconds;
        double tb = (x + 1) / width * seconds;
        gint64 k0 = (gint64) floor (ta / self->prob_segment_s);
        gint64 k1 = (gint64) floor (tb / self->prob_segment_s);
        float p = NAN;

        for (gint64 k = MAX (k0, 0); k <= k1 && k < (gint64) self->n_probs; k++)
          if (!isnan (self->probs[k]) && (isnan (p) || self->probs[k] > p))
            p = self->probs[k];
        if (isnan (p))
          continue;
        gtk_snapshot_append_color (snapshot, p >= self->prob_threshold ? &above : &below,
                                   &GRAPHENE_RECT_INIT (x, height - 4 - MAX (1, p * lane), 1, MAX (1, p * lane)));
      }
  for (guint i = 0; i < self->n_detections; i++)
    {
      double x0 = self->detections[i].start_s / seconds * width;
      double x1 = self->detections[i].end_s / seconds * width;

      gtk_snapshot_append_color (snapshot, &det, &GRAPHENE_RECT_INIT (floor (x0), height - 4, MAX (2, x1 - x0), 4));
    }
}

static void
icto_overview_strip_snapshot (GtkWidget   *widget,
                              GtkSnapshot *snapshot)
{
  IctoOverviewStrip *self = ICTO_OVERVIEW_STRIP (widget);
  IctoRecording *rec = self->session ? icto_session_get_recording (self->session) : NULL;
  double width = gtk_widget_get_width (widget);
  double height = gtk_widget_get_height (widget);
  gint64 duration = recording_duration (self);
  GdkRGBA bg = { 0.98, 0.98, 0.98, 1 };
  GdkRGBA env = { 0.45, 0.47, 0.52, 1 };
  GdkRGBA gap = { 0.80, 0.80, 0.80, 1 };
  GdkRGBA mark = { 0.10, 0.37, 0.71, 1 };
  GdkRGBA page_fill = { 0.21, 0.52, 0.89, 0.22 };
  GdkRGBA page_edge = { 0.21, 0.52, 0.89, 1 };
  GdkRGBA border = { 0.72, 0.75, 0.80, 1 };
  double x0, x1;

  if (width <= 0 || height <= 0)
    return;
  gtk_snapshot_append_color (snapshot, &bg, &GRAPHENE_RECT_INIT (0, 0, width, height));
  gtk_snapshot_append_color (snapshot, &border, &GRAPHENE_RECT_INIT (0, 0, width, 1));
  if (rec == NULL || duration <= 0)
    return;

  /* envelope: one bar per pixel column, symmetric about the middle */
  if (self->overview != NULL && self->overview->max_amplitude > 0)
    {
      double mid = height / 2;
      double scale = (height / 2 - 4) / self->overview->max_amplitude;

      for (int x = 0; x < (int) width; x++)
        {
          guint b0 = (guint) ((double) x / width * self->overview->n_bins);
          guint b1 = (guint) ((double) (x + 1) / width * self->overview->n_bins);
          float a = NAN;

          for (guint b = b0; b <= MIN (b1, self->overview->n_bins - 1); b++)
            if (!isnan (self->overview->amplitude[b]) && (isnan (a) || self->overview->amplitude[b] > a))
              a = self->overview->amplitude[b];
          if (isnan (a))
            continue;
          gtk_snapshot_append_color (snapshot, &env,
                                     &GRAPHENE_RECT_INIT (x, mid - MAX (0.5, a * scale), 1, MAX (1, 2 * a * scale)));
        }
    }

  for (guint i = 0; i < icto_recording_get_n_gaps (rec); i++)
    {
      const IctoGap *g = icto_recording_get_gap (rec, i);
      x0 = (double) g->start / duration * width;
      x1 = (double) (g->start + g->duration) / duration * width;
      gtk_snapshot_append_color (snapshot, &gap, &GRAPHENE_RECT_INIT (x0, 1, MAX (1, x1 - x0), height - 1));
    }

  for (guint i = 0; i < icto_recording_get_n_annotations (rec); i++)
    {
      const IctoEdfAnnotation *a = icto_recording_get_annotation (rec, i);
      x0 = floor ((double) a->onset / duration * width);
      gtk_snapshot_append_color (snapshot, &mark, &GRAPHENE_RECT_INIT (x0, 1, 2, height / 3));
    }
  draw_annotation_marks (self, snapshot, width, height, duration);

  draw_probabilities (self, snapshot, width, height, duration);

  x0 = (double) icto_session_get_start (self->session) / duration * width;
  x1 = (double) (icto_session_get_start (self->session) + icto_session_get_page_ticks (self->session)) / duration * width;
  if (x1 - x0 < 3)
    x1 = x0 + 3;
  gtk_snapshot_append_color (snapshot, &page_fill, &GRAPHENE_RECT_INIT (x0, 1, x1 - x0, height - 1));
  gtk_snapshot_append_color (snapshot, &page_edge, &GRAPHENE_RECT_INIT (x0, 1, 1, height - 1));
  gtk_snapshot_append_color (snapshot, &page_edge, &GRAPHENE_RECT_INIT (x1 - 1, 1, 1, height - 1));
}

static void
icto_overview_strip_measure (GtkWidget      *widget,
                             GtkOrientation  orientation,
                             int             for_size,
                             int            *minimum,
                             int            *natural,
                             int            *minimum_baseline,
                             int            *natural_baseline)
{
  if (orientation == GTK_ORIENTATION_VERTICAL)
    *minimum = *natural = 44;
  else
    *minimum = *natural = 100;
}

static void
icto_overview_strip_dispose (GObject *object)
{
  IctoOverviewStrip *self = ICTO_OVERVIEW_STRIP (object);

  icto_overview_strip_set_session (self, NULL);
  g_clear_pointer (&self->overview, icto_overview_free);
  g_clear_pointer (&self->probs, g_free);
  g_clear_pointer (&self->annotation_marks, g_free);
  g_clear_pointer (&self->detections, g_free);
  G_OBJECT_CLASS (icto_overview_strip_parent_class)->dispose (object);
}

static void
icto_overview_strip_class_init (IctoOverviewStripClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = icto_overview_strip_dispose;
  widget_class->snapshot = icto_overview_strip_snapshot;
  widget_class->measure = icto_overview_strip_measure;
  gtk_widget_class_set_css_name (widget_class, "ictooverviewstrip");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
icto_overview_strip_init (IctoOverviewStrip *self)
{
  GtkGesture *click = gtk_gesture_click_new ();
  GtkGesture *drag = gtk_gesture_drag_new ();

  g_signal_connect (click, "pressed", G_CALLBACK (pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));
  g_signal_connect (drag, "drag-update", G_CALLBACK (drag_update_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drag));
  gtk_widget_set_hexpand (GTK_WIDGET (self), TRUE);
  gtk_widget_set_cursor_from_name (GTK_WIDGET (self), "pointer");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Recording overview"),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  _("The whole recording; click to show that time"),
                                  -1);
}

GtkWidget *
icto_overview_strip_new (void)
{
  return g_object_new (ICTO_TYPE_OVERVIEW_STRIP, NULL);
}

void
icto_overview_strip_set_session (IctoOverviewStrip *self,
                                 IctoSession       *session)
{
  g_return_if_fail (ICTO_IS_OVERVIEW_STRIP (self));
  g_return_if_fail (session == NULL || ICTO_IS_SESSION (session));

  if (self->session == session)
    return;
  if (self->session != NULL)
    g_clear_signal_handler (&self->changed_id, self->session);
  g_set_object (&self->session, session);
  if (session != NULL)
    self->changed_id = g_signal_connect (session, "changed", G_CALLBACK (session_changed_cb), self);
  if (session == NULL)
    g_clear_object (&self->session);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
icto_overview_strip_set_overview (IctoOverviewStrip *self,
                                  IctoOverview      *overview)
{
  g_return_if_fail (ICTO_IS_OVERVIEW_STRIP (self));

  g_clear_pointer (&self->overview, icto_overview_free);
  self->overview = overview;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
icto_overview_strip_set_probabilities (IctoOverviewStrip *self,
                                       const float       *probs,
                                       guint              n_segments,
                                       double             segment_s,
                                       double             threshold)
{
  g_return_if_fail (ICTO_IS_OVERVIEW_STRIP (self));

  g_clear_pointer (&self->probs, g_free);
  self->n_probs = probs != NULL && segment_s > 0 ? n_segments : 0;
  self->prob_segment_s = segment_s;
  self->prob_threshold = threshold;
  if (self->n_probs > 0)
    self->probs = g_memdup2 (probs, sizeof (float) * n_segments);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
icto_overview_strip_set_detections (IctoOverviewStrip *self,
                                    const IctoEvent   *events,
                                    guint              n_events)
{
  g_return_if_fail (ICTO_IS_OVERVIEW_STRIP (self));

  g_clear_pointer (&self->detections, g_free);
  self->n_detections = events != NULL ? n_events : 0;
  if (self->n_detections > 0)
    self->detections = g_memdup2 (events, sizeof (IctoEvent) * n_events);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
icto_overview_strip_set_annotation_marks (IctoOverviewStrip      *self,
                                          const IctoOverviewMark *marks,
                                          guint                   n_marks)
{
  g_return_if_fail (ICTO_IS_OVERVIEW_STRIP (self));
  g_return_if_fail (marks != NULL || n_marks == 0);

  g_clear_pointer (&self->annotation_marks, g_free);
  self->annotation_marks = n_marks > 0 ? g_memdup2 (marks, sizeof (IctoOverviewMark) * n_marks) : NULL;
  self->n_annotation_marks = n_marks;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}
