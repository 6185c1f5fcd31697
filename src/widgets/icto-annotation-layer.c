/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "icto-annotation-layer"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "core/icto-page-painter.h"
#include "widgets/icto-annotation-layer.h"

#define EDGE_TOLERANCE 5.0   /* pixels either side of an edge that grab it */
#define DRAG_THRESHOLD 4.0   /* pixels of motion before a press is a drag */
#define LANE_HEIGHT    17.0
#define N_LANES        4

typedef enum {
  MODE_NONE,
  MODE_PRESSED,      /* no motion yet: a click if released here */
  MODE_CREATE,
  MODE_EDGE_START,
  MODE_EDGE_END,
} DragMode;

typedef struct {
  GdkRGBA  colour;
  char    *name;
} LabelStyle;

struct _IctoAnnotationLayer
{
  GtkWidget           parent_instance;

  IctoAnnotationList *list;
  IctoStore          *store;
  gulong              list_changed_id;
  gulong              store_changed_id;
  IctoTracePage      *page;
  GPtrArray          *shown;        /* IctoAnnotation on the page, by onset */
  GHashTable         *styles;       /* label code -> LabelStyle */
  gint64              selected;

  GtkWidget          *events;       /* weak */
  GtkWidget          *cursor_widget;/* weak */
  GtkWidget          *labels;       /* weak */
  gulong              row_toggled_id;
  GtkGesture         *drag;

  gboolean            pointer_inside;
  double              pointer_x;
  gint64              click_time;   /* ticks of the last click, -1 */
  gint64              last_click_us;
  gint64              last_click_id;

  DragMode            mode;
  double              start_x, start_y, cur_x, cur_y;
  gboolean            by_rows;      /* Shift: create on the rows spanned */
  IctoAnnotation     *dragged;      /* copy being edited (edge modes) */
};

G_DEFINE_FINAL_TYPE (IctoAnnotationLayer, icto_annotation_layer, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_SELECTED,
  N_PROPS
};

enum {
  CREATE,
  EDIT,
  ACTIVATE,
  CHANNEL_TOGGLED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
label_style_free (gpointer data)
{
  LabelStyle *style = data;

  g_free (style->name);
  g_free (style);
}

gboolean
icto_annotation_layer_row_matches (const char *row_label,
                                   const char *channel)
{
  const char *dash;
  gsize n;

  if (row_label == NULL || channel == NULL)
    return FALSE;
  if (g_ascii_strcasecmp (row_label, channel) == 0)
    return TRUE;
  /* bipolar and local derivations: "A1-A2" belongs to A1 and to A2 */
  dash = strchr (row_label, '-');
  if (dash == NULL || dash == row_label)
    return FALSE;
  n = (gsize) (dash - row_label);
  if (strlen (channel) == n && g_ascii_strncasecmp (row_label, channel, n) == 0)
    return TRUE;
  return g_ascii_strcasecmp (dash + 1, channel) == 0;
}

static gboolean
all_channels (const IctoAnnotation *a)
{
  return a->channels == NULL || a->channels[0] == NULL;
}

static gboolean
covers_row (const IctoAnnotation *a,
            const char           *row_label)
{
  if (all_channels (a))
    return TRUE;
  for (guint i = 0; a->channels[i] != NULL; i++)
    if (icto_annotation_layer_row_matches (row_label, a->channels[i]))
      return TRUE;
  return FALSE;
}

static const LabelStyle *
get_style (IctoAnnotationLayer *self,
           const char          *code)
{
  LabelStyle *style;
  g_autoptr(IctoLabel) label = NULL;

  if (code == NULL)
    code = "";
  style = g_hash_table_lookup (self->styles, code);
  if (style != NULL)
    return style;
  style = g_new0 (LabelStyle, 1);
  if (self->store != NULL)
    label = icto_store_get_label (self->store, NULL, code, NULL);
  if (label == NULL || label->colour == NULL || !gdk_rgba_parse (&style->colour, label->colour))
    style->colour = (GdkRGBA) { 0.45, 0.45, 0.45, 1 };
  style->name = g_strdup (label != NULL && label->name != NULL ? label->name : code);
  g_hash_table_insert (self->styles, g_strdup (code), style);
  return style;
}

static double
time_to_x (IctoAnnotationLayer *self,
           gint64               t)
{
  return icto_page_painter_time_to_x (self->page, gtk_widget_get_width (GTK_WIDGET (self)), t);
}

static gint64
x_to_time (IctoAnnotationLayer *self,
           double               x)
{
  return icto_page_painter_x_to_time (self->page, gtk_widget_get_width (GTK_WIDGET (self)), x);
}

static int
y_to_row (IctoAnnotationLayer *self,
          double               y)
{
  double height = gtk_widget_get_height (GTK_WIDGET (self));

  if (self->page == NULL || self->page->n_channels == 0 || height <= 0)
    return -1;
  return (int) CLAMP (floor (y / height * self->page->n_channels), 0, self->page->n_channels - 1);
}

/* The annotation under (@x, @y): the shortest one whose band holds the point. */
static const IctoAnnotation *
hit_band (IctoAnnotationLayer *self,
          double               x,
          double               y)
{
  const IctoAnnotation *best = NULL;
  int row = y_to_row (self, y);

  if (self->shown == NULL || row < 0)
    return NULL;
  for (guint i = 0; i < self->shown->len; i++)
    {
      const IctoAnnotation *a = self->shown->pdata[i];
      double x0 = time_to_x (self, a->onset);
      double x1 = time_to_x (self, icto_annotation_get_end (a));

      if (x1 - x0 < 2 * EDGE_TOLERANCE)
        {
          double mid = 0.5 * (x0 + x1);
          x0 = MIN (x0, mid - EDGE_TOLERANCE);
          x1 = MAX (x1, mid + EDGE_TOLERANCE);
        }
      if (x < x0 || x > x1 || !covers_row (a, self->page->labels[row]))
        continue;
      if (best == NULL || a->duration < best->duration)
        best = a;
    }
  return best;
}

/* The annotation whose start (@at_start TRUE) or end edge is within reach
 * of (@x, @y); the selected one first.  Instants offer only their end. */
static const IctoAnnotation *
hit_edge (IctoAnnotationLayer *self,
          double               x,
          double               y,
          gboolean            *at_start)
{
  const IctoAnnotation *best = NULL;
  double best_d = EDGE_TOLERANCE;
  int row = y_to_row (self, y);

  if (self->shown == NULL || row < 0)
    return NULL;
  for (guint i = 0; i < self->shown->len; i++)
    {
      const IctoAnnotation *a = self->shown->pdata[i];
      double x0 = time_to_x (self, a->onset);
      double x1 = time_to_x (self, icto_annotation_get_end (a));
      double d0 = fabs (x - x0), d1 = fabs (x - x1);
      double bonus = a->id == self->selected ? 0.5 : 0;

      if (!covers_row (a, self->page->labels[row]))
        continue;
      if (a->duration > 0 && d0 - bonus <= best_d)
        {
          best = a;
          best_d = d0 - bonus;
          *at_start = TRUE;
        }
      if (d1 - bonus <= best_d && (a->duration > 0 ? d1 < d0 || best != a : TRUE))
        {
          best = a;
          best_d = d1 - bonus;
          *at_start = FALSE;
        }
    }
  return best;
}

static void
set_selected (IctoAnnotationLayer *self,
              gint64               id)
{
  if (self->selected == id)
    return;
  self->selected = id;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTED]);
}

static void
update_cursor (IctoAnnotationLayer *self,
               double               x,
               double               y)
{
  gboolean at_start;
  const char *name = "crosshair";

  if (self->cursor_widget == NULL)
    return;
  if (self->mode == MODE_EDGE_START || self->mode == MODE_EDGE_END ||
      (self->mode == MODE_NONE && self->page != NULL && hit_edge (self, x, y, &at_start) != NULL))
    name = "col-resize";
  gtk_widget_set_cursor_from_name (self->cursor_widget, name);
}

static void
motion_cb (GtkEventControllerMotion *controller,
           double                    x,
           double                    y,
           IctoAnnotationLayer      *self)
{
  self->pointer_inside = TRUE;
  self->pointer_x = x;
  update_cursor (self, x, y);
}

static void
leave_cb (GtkEventControllerMotion *controller,
          IctoAnnotationLayer      *self)
{
  self->pointer_inside = FALSE;
}

static void
drag_begin_cb (GtkGestureDrag      *gesture,
               double               x,
               double               y,
               IctoAnnotationLayer *self)
{
  GdkModifierType state = gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (gesture));
  const IctoAnnotation *edge;
  gboolean at_start = FALSE;

  if (self->page == NULL || self->list == NULL || icto_annotation_list_get_recording (self->list) <= 0 ||
      (state & GDK_CONTROL_MASK) != 0)
    {
      /* the trace area's own gestures (panning) take it */
      gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_DENIED);
      return;
    }
  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
  if (self->cursor_widget != NULL)
    gtk_widget_grab_focus (self->cursor_widget);
  self->start_x = self->cur_x = x;
  self->start_y = self->cur_y = y;
  self->by_rows = (state & GDK_SHIFT_MASK) != 0;
  g_clear_pointer (&self->dragged, icto_annotation_free);
  edge = hit_edge (self, x, y, &at_start);
  if (edge != NULL)
    {
      self->dragged = icto_annotation_copy (edge);
      self->mode = at_start ? MODE_EDGE_START : MODE_EDGE_END;
      set_selected (self, edge->id);
    }
  else
    self->mode = MODE_PRESSED;
}

static void
drag_update_cb (GtkGestureDrag      *gesture,
                double               dx,
                double               dy,
                IctoAnnotationLayer *self)
{
  if (self->mode == MODE_NONE)
    return;
  self->cur_x = self->start_x + dx;
  self->cur_y = self->start_y + dy;
  if (self->mode == MODE_PRESSED && fabs (dx) >= DRAG_THRESHOLD)
    self->mode = MODE_CREATE;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* Times of @a with the edge being dragged (@mode) at cur_x. */
static void
dragged_times (IctoAnnotationLayer  *self,
               const IctoAnnotation *a,
               DragMode              mode,
               gint64               *onset,
               gint64               *end)
{
  gint64 t = x_to_time (self, self->cur_x);

  *onset = a->onset;
  *end = icto_annotation_get_end (a);
  if (mode == MODE_EDGE_START)
    *onset = MIN (t, *end);
  else
    *end = MAX (t, *onset);
}

static GStrv
rows_between (IctoAnnotationLayer *self,
              double               y0,
              double               y1)
{
  int r0 = y_to_row (self, MIN (y0, y1));
  int r1 = y_to_row (self, MAX (y0, y1));
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (int r = r0; r >= 0 && r <= r1; r++)
    g_strv_builder_add (builder, self->page->labels[r]);
  return g_strv_builder_end (builder);
}

static void
click (IctoAnnotationLayer *self,
       double               x,
       double               y)
{
  const IctoAnnotation *hit = hit_band (self, x, y);
  gint64 now = g_get_monotonic_time ();
  int double_click_ms = 400;
  gint64 id = hit ? hit->id : 0;

  g_object_get (gtk_widget_get_settings (GTK_WIDGET (self)), "gtk-double-click-time", &double_click_ms, NULL);
  self->click_time = x_to_time (self, x);
  set_selected (self, id);
  if (id != 0 && id == self->last_click_id && now - self->last_click_us <= (gint64) double_click_ms * 1000)
    {
      self->last_click_id = 0;
      g_signal_emit (self, signals[ACTIVATE], 0, id);
      return;
    }
  self->last_click_id = id;
  self->last_click_us = now;
}

static void
drag_end_cb (GtkGestureDrag      *gesture,
             double               dx,
             double               dy,
             IctoAnnotationLayer *self)
{
  DragMode mode = self->mode;

  if (mode == MODE_NONE || self->page == NULL)
    {
      self->mode = MODE_NONE;
      return;
    }
  self->cur_x = self->start_x + dx;
  self->cur_y = self->start_y + dy;
  self->mode = MODE_NONE;
  gtk_widget_queue_draw (GTK_WIDGET (self));

  if (mode == MODE_PRESSED ||
      ((mode == MODE_EDGE_START || mode == MODE_EDGE_END) && fabs (dx) < DRAG_THRESHOLD))
    {
      /* no drag: a click (on an edge too, so double-clicks there open it) */
      g_clear_pointer (&self->dragged, icto_annotation_free);
      click (self, self->start_x, self->start_y);
    }
  else if (mode == MODE_CREATE)
    {
      double width = gtk_widget_get_width (GTK_WIDGET (self));
      gint64 t0 = x_to_time (self, CLAMP (MIN (self->start_x, self->cur_x), 0, width));
      gint64 t1 = x_to_time (self, CLAMP (MAX (self->start_x, self->cur_x), 0, width));
      g_auto(GStrv) rows = self->by_rows ? rows_between (self, self->start_y, self->cur_y) : NULL;

      if (t1 > t0)
        g_signal_emit (self, signals[CREATE], 0, t0, t1 - t0, rows);
    }
  else if (self->dragged != NULL)
    {
      g_autoptr(IctoAnnotation) changed = g_steal_pointer (&self->dragged);
      gint64 onset, end;

      dragged_times (self, changed, mode, &onset, &end);
      if (onset != changed->onset || end - onset != changed->duration)
        {
          changed->onset = onset;
          changed->duration = end - onset;
          g_signal_emit (self, signals[EDIT], 0, changed);
        }
    }
}

static void
drag_cancel_cb (GtkGesture          *gesture,
                GdkEventSequence    *sequence,
                IctoAnnotationLayer *self)
{
  self->mode = MODE_NONE;
  g_clear_pointer (&self->dragged, icto_annotation_free);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
row_toggled_cb (GtkWidget           *labels,
                int                  row,
                IctoAnnotationLayer *self)
{
  if (self->page == NULL || row < 0 || (guint) row >= self->page->n_channels)
    return;
  g_signal_emit (self, signals[CHANNEL_TOGGLED], 0, self->page->labels[row]);
}

/* The list changed (its filters, or its reload after store changes). */
static void
list_changed_cb (GListModel          *list,
                 guint                position,
                 guint                removed,
                 guint                added,
                 IctoAnnotationLayer *self)
{
  icto_annotation_layer_reload (self);
}

/* Store edits, undo, imports: the page is read again at once (the list
 * itself follows a little later, from an idle). */
static void
store_changed_cb (IctoStore           *store,
                  gint64               recording_id,
                  IctoAnnotationLayer *self)
{
  if (self->list != NULL && recording_id == icto_annotation_list_get_recording (self->list))
    icto_annotation_layer_reload (self);
}

/* Drawing */

static void
append_rows (IctoAnnotationLayer  *self,
             GtkSnapshot          *snapshot,
             const IctoAnnotation *a,
             const GdkRGBA        *colour,
             double                x,
             double                w)
{
  double height = gtk_widget_get_height (GTK_WIDGET (self));
  double row_h;

  if (all_channels (a))
    {
      gtk_snapshot_append_color (snapshot, colour, &GRAPHENE_RECT_INIT (x, 0, w, height));
      return;
    }
  row_h = height / self->page->n_channels;
  for (guint r = 0; r < self->page->n_channels; r++)
    if (covers_row (a, self->page->labels[r]))
      gtk_snapshot_append_color (snapshot, colour, &GRAPHENE_RECT_INIT (x, r * row_h, w, row_h));
}

static void
append_text (IctoAnnotationLayer *self,
             GtkSnapshot         *snapshot,
             const char          *text,
             const GdkRGBA       *stripe,
             double               x,
             double               y,
             double               max_width,
             double              *out_width)
{
  g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), text);
  PangoAttrList *attrs = pango_attr_list_new ();
  GdkRGBA pill = { 1, 1, 1, 0.85 };
  GdkRGBA ink = { 0.1, 0.1, 0.1, 1 };
  int pw, ph;

  pango_attr_list_insert (attrs, pango_attr_scale_new (PANGO_SCALE_SMALL));
  pango_layout_set_attributes (layout, attrs);
  pango_attr_list_unref (attrs);
  if (max_width > 20)
    {
      pango_layout_set_width (layout, (int) ((max_width - 8) * PANGO_SCALE));
      pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
    }
  pango_layout_get_pixel_size (layout, &pw, &ph);
  gtk_snapshot_append_color (snapshot, &pill, &GRAPHENE_RECT_INIT (x, y, pw + 8, ph + 2));
  gtk_snapshot_append_color (snapshot, stripe, &GRAPHENE_RECT_INIT (x, y, 3, ph + 2));
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (x + 5, y + 1));
  gtk_snapshot_append_layout (snapshot, layout, &ink);
  gtk_snapshot_restore (snapshot);
  if (out_width != NULL)
    *out_width = pw + 8;
}

static void
append_tick (IctoAnnotationLayer *self,
             GtkSnapshot         *snapshot,
             gint64               t,
             const char          *name,
             const GdkRGBA       *colour)
{
  double width = gtk_widget_get_width (GTK_WIDGET (self));
  double height = gtk_widget_get_height (GTK_WIDGET (self));
  double x;

  if (t == ICTO_STORE_TIME_NONE)
    return;
  x = time_to_x (self, t);
  if (x < 0 || x > width)
    return;
  for (double y = 0; y < height; y += 8)
    gtk_snapshot_append_color (snapshot, colour, &GRAPHENE_RECT_INIT (x - 1, y, 2, MIN (5, height - y)));
  append_text (self, snapshot, name, colour, x + 2, height - LANE_HEIGHT - 2, 0, NULL);
}

static void
append_annotation (IctoAnnotationLayer  *self,
                   GtkSnapshot          *snapshot,
                   const IctoAnnotation *a,
                   gint64                onset,
                   gint64                end,
                   double               *lane_end)
{
  double width = gtk_widget_get_width (GTK_WIDGET (self));
  const LabelStyle *style = get_style (self, a->label);
  gboolean selected = a->id != 0 && a->id == self->selected;
  double x0 = time_to_x (self, onset);
  double x1 = time_to_x (self, end);
  double v0 = CLAMP (x0, 0, width), v1 = CLAMP (x1, 0, width);
  GdkRGBA fill = style->colour, edge = style->colour;
  g_autofree char *text = NULL;
  double text_w = 0;
  int lane = 0;

  if (x1 < -EDGE_TOLERANCE || x0 > width + EDGE_TOLERANCE)
    return;
  fill.alpha = selected ? 0.30 : 0.16;
  edge.alpha = 0.95;
  if (end > onset && v1 > v0)
    append_rows (self, snapshot, a, &fill, v0, v1 - v0);
  if (x0 >= -1 && x0 <= width + 1)
    append_rows (self, snapshot, a, &edge, x0 - (selected ? 1.5 : 0.75), selected ? 3 : 1.5);
  if (end > onset && x1 >= -1 && x1 <= width + 1)
    append_rows (self, snapshot, a, &edge, x1 - (selected ? 1.5 : 0.75), selected ? 3 : 1.5);

  /* seizure-onset-zone rows: a thick bar at the start of the band */
  if (a->seizure != NULL && a->seizure->soz != NULL)
    {
      double height = gtk_widget_get_height (GTK_WIDGET (self));
      double row_h = height / self->page->n_channels;

      for (guint r = 0; r < self->page->n_channels; r++)
        for (guint i = 0; a->seizure->soz[i] != NULL; i++)
          if (icto_annotation_layer_row_matches (self->page->labels[r], a->seizure->soz[i]))
            {
              gtk_snapshot_append_color (snapshot, &edge, &GRAPHENE_RECT_INIT (v0, r * row_h + 2, 6, row_h - 4));
              break;
            }
    }
  if (a->seizure != NULL)
    {
      GdkRGBA tick = { 0.15, 0.15, 0.15, 0.9 };
      append_tick (self, snapshot, a->seizure->clinical_onset, _("Clinical"), &tick);
      /* Translators: earliest electrographic change (seizure marks) */
      append_tick (self, snapshot, a->seizure->eec, _("EEC"), &tick);
      /* Translators: unequivocal electrographic onset (seizure marks) */
      append_tick (self, snapshot, a->seizure->ueo, _("UEO"), &tick);
      /* Translators: electrographic offset (seizure marks) */
      append_tick (self, snapshot, a->seizure->offset, _("Offset"), &tick);
    }

  /* the label at the top, kept on screen when the onset is not */
  if (g_strcmp0 (a->label, "note") == 0 && a->text != NULL && *a->text != '\0')
    text = g_strdup (a->text);
  else
    text = g_strdup (style->name);
  if (x0 < 0)
    {
      char *with_arrow = g_strconcat ("◂ ", text, NULL);
      g_free (text);
      text = with_arrow;
    }
  while (lane < N_LANES - 1 && lane_end[lane] > v0)
    lane++;
  append_text (self, snapshot, text, &edge, v0 + (x0 >= 0 ? 2 : 0), 2 + lane * LANE_HEIGHT,
               MAX (v1 - v0, 160), &text_w);
  lane_end[lane] = v0 + text_w + 4;
}

static void
icto_annotation_layer_snapshot (GtkWidget   *widget,
                                GtkSnapshot *snapshot)
{
  IctoAnnotationLayer *self = ICTO_ANNOTATION_LAYER (widget);
  double width = gtk_widget_get_width (widget);
  double height = gtk_widget_get_height (widget);
  double lane_end[N_LANES] = { -1e9, -1e9, -1e9, -1e9 };

  if (self->page == NULL || self->page->n_channels == 0 || width <= 0 || height <= 0)
    return;
  gtk_snapshot_push_clip (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  for (guint i = 0; self->shown != NULL && i < self->shown->len; i++)
    {
      const IctoAnnotation *a = self->shown->pdata[i];

      if (self->dragged != NULL && a->id == self->dragged->id)
        {
          gint64 onset, end;
          dragged_times (self, self->dragged, self->mode, &onset, &end);
          append_annotation (self, snapshot, a, onset, end, lane_end);
        }
      else
        append_annotation (self, snapshot, a, a->onset, icto_annotation_get_end (a), lane_end);
    }
  if (self->mode == MODE_CREATE)
    {
      GdkRGBA fill = { 0.21, 0.52, 0.89, 0.22 };
      GdkRGBA edge = { 0.21, 0.52, 0.89, 0.9 };
      double x0 = CLAMP (MIN (self->start_x, self->cur_x), 0, width);
      double x1 = CLAMP (MAX (self->start_x, self->cur_x), 0, width);
      double y0 = 0, y1 = height;

      if (self->by_rows)
        {
          double row_h = height / self->page->n_channels;
          y0 = y_to_row (self, MIN (self->start_y, self->cur_y)) * row_h;
          y1 = (y_to_row (self, MAX (self->start_y, self->cur_y)) + 1) * row_h;
        }
      gtk_snapshot_append_color (snapshot, &fill, &GRAPHENE_RECT_INIT (x0, y0, x1 - x0, y1 - y0));
      gtk_snapshot_append_color (snapshot, &edge, &GRAPHENE_RECT_INIT (x0, y0, 1, y1 - y0));
      gtk_snapshot_append_color (snapshot, &edge, &GRAPHENE_RECT_INIT (x1 - 1, y0, 1, y1 - y0));
    }
  gtk_snapshot_pop (snapshot);
}

static void
icto_annotation_layer_dispose (GObject *object)
{
  IctoAnnotationLayer *self = ICTO_ANNOTATION_LAYER (object);

  icto_annotation_layer_set_list (self, NULL);
  if (self->labels != NULL)
    {
      g_clear_signal_handler (&self->row_toggled_id, self->labels);
      g_object_remove_weak_pointer (G_OBJECT (self->labels), (gpointer *) &self->labels);
      self->labels = NULL;
    }
  if (self->events != NULL)
    {
      if (self->drag != NULL)
        g_signal_handlers_disconnect_by_data (self->drag, self);
      g_object_remove_weak_pointer (G_OBJECT (self->events), (gpointer *) &self->events);
      self->events = NULL;
    }
  if (self->cursor_widget != NULL)
    {
      g_object_remove_weak_pointer (G_OBJECT (self->cursor_widget), (gpointer *) &self->cursor_widget);
      self->cursor_widget = NULL;
    }
  g_clear_pointer (&self->page, icto_trace_page_unref);
  g_clear_pointer (&self->shown, g_ptr_array_unref);
  g_clear_pointer (&self->dragged, icto_annotation_free);
  G_OBJECT_CLASS (icto_annotation_layer_parent_class)->dispose (object);
}

static void
icto_annotation_layer_finalize (GObject *object)
{
  IctoAnnotationLayer *self = ICTO_ANNOTATION_LAYER (object);

  g_hash_table_unref (self->styles);
  G_OBJECT_CLASS (icto_annotation_layer_parent_class)->finalize (object);
}

static void
icto_annotation_layer_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  IctoAnnotationLayer *self = ICTO_ANNOTATION_LAYER (object);

  switch (prop_id)
    {
    case PROP_SELECTED:
      g_value_set_int64 (value, self->selected);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
icto_annotation_layer_set_property (GObject      *object,
                                    guint         prop_id,
                                    const GValue *value,
                                    GParamSpec   *pspec)
{
  IctoAnnotationLayer *self = ICTO_ANNOTATION_LAYER (object);

  switch (prop_id)
    {
    case PROP_SELECTED:
      icto_annotation_layer_set_selected (self, g_value_get_int64 (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
icto_annotation_layer_class_init (IctoAnnotationLayerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = icto_annotation_layer_dispose;
  object_class->finalize = icto_annotation_layer_finalize;
  object_class->get_property = icto_annotation_layer_get_property;
  object_class->set_property = icto_annotation_layer_set_property;
  widget_class->snapshot = icto_annotation_layer_snapshot;

  properties[PROP_SELECTED] =
    g_param_spec_int64 ("selected", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[CREATE] = g_signal_new ("create", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                  G_TYPE_NONE, 3, G_TYPE_INT64, G_TYPE_INT64, G_TYPE_STRV);
  signals[EDIT] = g_signal_new ("edit", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                G_TYPE_NONE, 1, ICTO_TYPE_ANNOTATION);
  signals[ACTIVATE] = g_signal_new ("activate", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                    G_TYPE_NONE, 1, G_TYPE_INT64);
  signals[CHANNEL_TOGGLED] = g_signal_new ("channel-toggled", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                           0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  gtk_widget_class_set_css_name (widget_class, "ictoannotationlayer");
}

static void
icto_annotation_layer_init (IctoAnnotationLayer *self)
{
  self->styles = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, label_style_free);
  self->click_time = -1;
  gtk_widget_set_can_target (GTK_WIDGET (self), FALSE);
  gtk_widget_set_can_focus (GTK_WIDGET (self), FALSE);
}

GtkWidget *
icto_annotation_layer_new (void)
{
  return g_object_new (ICTO_TYPE_ANNOTATION_LAYER, NULL);
}

void
icto_annotation_layer_attach (IctoAnnotationLayer *self,
                              GtkWidget           *events,
                              GtkWidget           *cursor_widget,
                              GtkWidget           *labels)
{
  GtkEventController *motion;

  g_return_if_fail (ICTO_IS_ANNOTATION_LAYER (self));
  g_return_if_fail (GTK_IS_WIDGET (events));
  g_return_if_fail (self->events == NULL);

  self->events = events;
  g_object_add_weak_pointer (G_OBJECT (events), (gpointer *) &self->events);
  if (cursor_widget != NULL)
    {
      self->cursor_widget = cursor_widget;
      g_object_add_weak_pointer (G_OBJECT (cursor_widget), (gpointer *) &self->cursor_widget);
    }
  if (labels != NULL)
    {
      self->labels = labels;
      g_object_add_weak_pointer (G_OBJECT (labels), (gpointer *) &self->labels);
      self->row_toggled_id = g_signal_connect (labels, "row-toggled", G_CALLBACK (row_toggled_cb), self);
    }

  self->drag = gtk_gesture_drag_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (self->drag), GDK_BUTTON_PRIMARY);
  gtk_event_controller_set_propagation_phase (GTK_EVENT_CONTROLLER (self->drag), GTK_PHASE_CAPTURE);
  gtk_event_controller_set_name (GTK_EVENT_CONTROLLER (self->drag), "annotation-drag");
  g_signal_connect (self->drag, "drag-begin", G_CALLBACK (drag_begin_cb), self);
  g_signal_connect (self->drag, "drag-update", G_CALLBACK (drag_update_cb), self);
  g_signal_connect (self->drag, "drag-end", G_CALLBACK (drag_end_cb), self);
  g_signal_connect (self->drag, "cancel", G_CALLBACK (drag_cancel_cb), self);
  gtk_widget_add_controller (events, GTK_EVENT_CONTROLLER (self->drag));

  motion = gtk_event_controller_motion_new ();
  gtk_event_controller_set_propagation_phase (motion, GTK_PHASE_CAPTURE);
  g_signal_connect_object (motion, "motion", G_CALLBACK (motion_cb), self, 0);
  g_signal_connect_object (motion, "leave", G_CALLBACK (leave_cb), self, 0);
  gtk_widget_add_controller (events, motion);
}

void
icto_annotation_layer_set_list (IctoAnnotationLayer *self,
                                IctoAnnotationList  *list)
{
  g_return_if_fail (ICTO_IS_ANNOTATION_LAYER (self));
  g_return_if_fail (list == NULL || ICTO_IS_ANNOTATION_LIST (list));

  if (self->list == list)
    return;
  if (self->list != NULL)
    g_clear_signal_handler (&self->list_changed_id, self->list);
  if (self->store != NULL)
    g_clear_signal_handler (&self->store_changed_id, self->store);
  g_clear_object (&self->store);
  g_set_object (&self->list, list);
  if (list != NULL)
    {
      self->store = g_object_ref (icto_annotation_list_get_store (list));
      self->list_changed_id = g_signal_connect (list, "items-changed", G_CALLBACK (list_changed_cb), self);
      self->store_changed_id = g_signal_connect (self->store, "changed", G_CALLBACK (store_changed_cb), self);
    }
  else
    g_clear_object (&self->list);
  icto_annotation_layer_reload (self);
}

IctoAnnotationList *
icto_annotation_layer_get_list (IctoAnnotationLayer *self)
{
  g_return_val_if_fail (ICTO_IS_ANNOTATION_LAYER (self), NULL);
  return self->list;
}

void
icto_annotation_layer_set_page (IctoAnnotationLayer *self,
                                IctoTracePage       *page)
{
  g_return_if_fail (ICTO_IS_ANNOTATION_LAYER (self));

  if (page != NULL)
    icto_trace_page_ref (page);
  g_clear_pointer (&self->page, icto_trace_page_unref);
  self->page = page;
  icto_annotation_layer_reload (self);
}

void
icto_annotation_layer_reload (IctoAnnotationLayer *self)
{
  g_autoptr(GError) error = NULL;

  g_return_if_fail (ICTO_IS_ANNOTATION_LAYER (self));

  g_clear_pointer (&self->shown, g_ptr_array_unref);
  g_hash_table_remove_all (self->styles);
  if (self->list != NULL && self->page != NULL && self->page->duration > 0)
    {
      self->shown = icto_annotation_list_query (self->list, self->page->start,
                                                self->page->start + self->page->duration, &error);
      if (self->shown == NULL)
        g_warning ("Cannot read the page's annotations: %s", error->message);
    }
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

gint64
icto_annotation_layer_get_selected (IctoAnnotationLayer *self)
{
  g_return_val_if_fail (ICTO_IS_ANNOTATION_LAYER (self), 0);
  return self->selected;
}

void
icto_annotation_layer_set_selected (IctoAnnotationLayer *self,
                                    gint64               id)
{
  g_return_if_fail (ICTO_IS_ANNOTATION_LAYER (self));
  set_selected (self, MAX (id, 0));
}

gint64
icto_annotation_layer_get_cursor (IctoAnnotationLayer *self)
{
  g_return_val_if_fail (ICTO_IS_ANNOTATION_LAYER (self), -1);

  if (self->pointer_inside && self->page != NULL)
    return x_to_time (self, self->pointer_x);
  return self->click_time;
}

guint
icto_annotation_layer_get_n_shown (IctoAnnotationLayer *self)
{
  g_return_val_if_fail (ICTO_IS_ANNOTATION_LAYER (self), 0);
  return self->shown != NULL ? self->shown->len : 0;
}

gboolean
icto_annotation_layer_get_band (IctoAnnotationLayer *self,
                                gint64               id,
                                graphene_rect_t     *band)
{
  double width, height, row_h;
  int first = -1, last = -1;

  g_return_val_if_fail (ICTO_IS_ANNOTATION_LAYER (self), FALSE);
  g_return_val_if_fail (band != NULL, FALSE);

  if (self->shown == NULL || self->page == NULL || self->page->n_channels == 0)
    return FALSE;
  width = gtk_widget_get_width (GTK_WIDGET (self));
  height = gtk_widget_get_height (GTK_WIDGET (self));
  row_h = height / self->page->n_channels;
  for (guint i = 0; i < self->shown->len; i++)
    {
      const IctoAnnotation *a = self->shown->pdata[i];
      double x0, x1;

      if (a->id != id)
        continue;
      for (guint r = 0; r < self->page->n_channels; r++)
        if (covers_row (a, self->page->labels[r]))
          {
            if (first < 0)
              first = (int) r;
            last = (int) r;
          }
      if (first < 0)
        return FALSE;
      x0 = CLAMP (time_to_x (self, a->onset), 0, width);
      x1 = CLAMP (time_to_x (self, icto_annotation_get_end (a)), 0, width);
      graphene_rect_init (band, x0, first * row_h, x1 - x0, (last - first + 1) * row_h);
      return TRUE;
    }
  return FALSE;
}
