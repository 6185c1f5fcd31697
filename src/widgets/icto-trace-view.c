/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "icto-trace-view"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "core/icto-page-painter.h"
#include "widgets/icto-agreement-strip.h"
#include "widgets/icto-annotation-layer.h"
#include "widgets/icto-channel-labels.h"
#include "widgets/icto-prediction-layer.h"
#include "widgets/icto-probability-lane.h"
#include "widgets/icto-row-highlight.h"
#include "widgets/icto-time-ruler.h"
#include "widgets/icto-trace-area.h"
#include "widgets/icto-trace-view.h"

struct _IctoTraceView
{
  GtkWidget          parent_instance;

  GtkGrid           *grid;
  GtkLabel          *corner;
  IctoTimeRuler     *ruler;
  IctoChannelLabels *labels;
  IctoTraceArea     *area;
  GtkPopover        *channel_menu;
  /* model overlays (icto-window-overlays.c fills them) */
  IctoProbabilityLane *probability_lane;
  GtkWidget           *probability_label;
  IctoAgreementStrip  *agreement_strip;
  IctoPredictionLayer *prediction_layer;
  IctoAnnotationLayer *annotation_layer;   /* added to the overlay in init */
  IctoRowHighlight    *row_highlight;      /* added to the overlay in init (map) */
  int                  highlighted_signal; /* -1: none */

  IctoSession       *session;
  gulong             changed_id;
  IctoTracePage     *page;
  guint              fetch_source;
  GCancellable      *fetch_cancellable;
  gboolean           fetch_again;
  char              *readout;
  gint64             drag_start;
};

G_DEFINE_FINAL_TYPE (IctoTraceView, icto_trace_view, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_SESSION,
  PROP_READOUT,
  PROP_HIGHLIGHTED_SIGNAL,
  N_PROPS
};

enum {
  ERROR,
  PAGE_CHANGED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
set_readout (IctoTraceView *self,
             char          *text)
{
  if (g_strcmp0 (text, self->readout) == 0)
    {
      g_free (text);
      return;
    }
  g_free (self->readout);
  self->readout = text;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_READOUT]);
}

/* The highlighted signal's row on the page (the first row showing it). */
static void
update_row_highlight (IctoTraceView *self)
{
  int row = -1;

  if (self->row_highlight == NULL)
    return;
  for (guint r = 0; self->page != NULL && self->session != NULL && self->highlighted_signal >= 0 &&
                    r < self->page->n_channels && row < 0; r++)
    if (icto_session_get_row_signal (self->session, r) == self->highlighted_signal)
      row = (int) r;
  icto_row_highlight_set_row (self->row_highlight, row, self->page ? self->page->n_channels : 0);
}

static void
apply_page (IctoTraceView *self,
            IctoTracePage *page)
{
  g_autofree char *description = NULL;

  if (self->area == NULL)
    return;  /* disposed */
  g_clear_pointer (&self->page, icto_trace_page_unref);
  self->page = page ? icto_trace_page_ref (page) : NULL;
  icto_trace_area_set_page (self->area, page);
  icto_time_ruler_set_page (self->ruler, page);
  icto_channel_labels_set_page (self->labels, page);
  icto_prediction_layer_set_page (self->prediction_layer, page);
  icto_annotation_layer_set_page (self->annotation_layer, page);
  update_row_highlight (self);
  if (page != NULL)
    icto_probability_lane_set_range (self->probability_lane, page->start, page->duration);

  if (page != NULL && page->origin != NULL)
    {
      g_autoptr(GDateTime) dt = g_date_time_add (page->origin, page->start / 10);
      g_autofree char *date = g_date_time_format (dt, "%Y-%m-%d");
      gtk_label_set_label (self->corner, date);
    }
  else
    gtk_label_set_label (self->corner, "");

  g_signal_emit (self, signals[PAGE_CHANGED], 0);

  description = self->session ? icto_session_describe (self->session) : g_strdup (_("No recording open"));
  if (page != NULL && self->session != NULL && icto_session_get_recording (self->session) != NULL)
    {
      /* what a sighted reviewer sees in the annotation lane */
      g_autoptr(GString) marks = g_string_new (NULL);
      char *full;

      for (guint i = 0; i < page->n_annotations; i++)
        {
          g_autofree char *item = NULL;

          /* Translators: an annotation on the page for screen readers: its text and onset */
          item = g_strdup_printf (_("%s at %.1f s"), page->annotations[i].text ? page->annotations[i].text : "",
                                  icto_ticks_to_seconds (page->annotations[i].onset));
          if (marks->len > 0)
            g_string_append (marks, ", ");
          g_string_append (marks, item);
        }
      if (marks->len > 0)
        /* Translators: the page description, then the list of its annotations */
        full = g_strdup_printf (_("%s. Annotations on this page: %s."), description, marks->str);
      else
        full = g_strdup_printf (_("%s. No annotations on this page."), description);
      g_free (description);
      description = full;
    }
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, description,
                                  -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->area),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, description,
                                  -1);
}

static void queue_fetch (IctoTraceView *self);

static void
page_fetched_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(IctoTraceView) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(IctoTracePage) page = icto_session_fetch_page_finish (ICTO_SESSION (object), result, &error);

  g_clear_object (&self->fetch_cancellable);
  if (page == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) && self->area != NULL)
        g_signal_emit (self, signals[ERROR], 0, error);
    }
  else if (ICTO_SESSION (object) == self->session)
    apply_page (self, page);

  if (self->fetch_again && self->area != NULL)
    {
      self->fetch_again = FALSE;
      queue_fetch (self);
    }
}

/* Fetches the page in a worker (core); while one is in flight, the newest
 * request waits for it, so paging never queues up stale pages. */
static void
fetch (IctoTraceView *self)
{
  g_clear_handle_id (&self->fetch_source, g_source_remove);

  if (self->session == NULL || icto_session_get_recording (self->session) == NULL)
    {
      apply_page (self, NULL);
      return;
    }
  if (self->fetch_cancellable != NULL)
    {
      self->fetch_again = TRUE;
      return;
    }
  self->fetch_cancellable = g_cancellable_new ();
  icto_session_fetch_page_async (self->session, icto_trace_area_get_columns (self->area),
                                 self->fetch_cancellable, page_fetched_cb, g_object_ref (self));
}

static gboolean
fetch_idle_cb (gpointer data)
{
  IctoTraceView *self = data;

  self->fetch_source = 0;
  fetch (self);
  return G_SOURCE_REMOVE;
}

static void
queue_fetch (IctoTraceView *self)
{
  if (self->fetch_source == 0)
    self->fetch_source = g_idle_add_full (G_PRIORITY_HIGH_IDLE + 5, fetch_idle_cb, self, NULL);
}

static void
session_changed_cb (IctoSession   *session,
                    IctoTraceView *self)
{
  queue_fetch (self);
}

static void
columns_changed_cb (IctoTraceArea *area,
                    guint          columns,
                    IctoTraceView *self)
{
  queue_fetch (self);
}

static void
pointer_moved_cb (IctoTraceArea *area,
                  gint64         time,
                  int            row,
                  double         value,
                  IctoTraceView *self)
{
  g_autofree char *when = NULL;

  if (time < 0 || self->page == NULL)
    {
      set_readout (self, g_strdup (""));
      return;
    }
  if (self->page->origin != NULL)
    {
      g_autoptr(GDateTime) dt = g_date_time_add (self->page->origin, time / 10);
      g_autofree char *hms = g_date_time_format (dt, "%H:%M:%S");
      when = g_strdup_printf ("%s.%03d", hms, (int) (g_date_time_get_microsecond (dt) / 1000));
    }
  else
    when = g_strdup_printf (_("%.3f s"), icto_ticks_to_seconds (time));

  if (row >= 0 && (guint) row < self->page->n_channels && !isnan (value))
    {
      const char *unit = self->page->units[row];
      if (g_strcmp0 (unit, "uV") == 0)
        unit = "µV";
      /* Translators: pointer readout: time, channel, value and unit */
      set_readout (self, g_strdup_printf (_("%s  ·  %s  ·  %.1f %s"), when, self->page->labels[row], value, unit));
    }
  else
    set_readout (self, g_strdup (when));
}

static void
dragged_cb (IctoTraceArea *area,
            double         fraction,
            IctoTraceView *self)
{
  if (self->session == NULL)
    return;
  if (isnan (fraction))
    {
      self->drag_start = icto_session_get_start (self->session);
      return;
    }
  icto_session_set_start (self->session,
                          self->drag_start - (gint64) (fraction * icto_session_get_page_ticks (self->session)));
}

static gboolean
scrolled_cb (IctoTraceArea *area,
             double         dx,
             double         dy,
             guint          state,
             IctoTraceView *self)
{
  if (self->session == NULL || icto_session_get_recording (self->session) == NULL)
    return FALSE;
  if (state & GDK_CONTROL_MASK)
    {
      double s = icto_session_get_sensitivity (self->session);
      icto_session_set_sensitivity (self->session, icto_sensitivity_step (s, dy > 0 ? 1 : -1));
      return TRUE;
    }
  /* one wheel step moves a tenth of a page */
  icto_session_page (self->session, 0.1 * (dy != 0 ? dy : dx));
  return TRUE;
}

static void
row_menu_cb (IctoChannelLabels *labels,
             int                row,
             double             x,
             double             y,
             IctoTraceView     *self)
{
  g_autoptr(GMenu) menu = NULL;
  g_autoptr(GMenu) order = NULL;
  g_autoptr(GMenu) gain = NULL;
  g_autoptr(GMenu) shaft = NULL;
  g_autoptr(GMenu) state = NULL;
  int signal;
  GtkWidget *popover;

  if (self->session == NULL)
    return;
  signal = icto_session_get_row_signal (self->session, (guint) row);
  if (signal < 0)
    return;
  /* a clicked label is highlighted (the electrode map follows) */
  icto_trace_view_set_highlighted_signal (self, signal);

  menu = g_menu_new ();
  state = g_menu_new ();
  {
    g_autoptr(GMenuItem) hide = g_menu_item_new (_("_Hide Channel"), NULL);
    g_autoptr(GMenuItem) bad = g_menu_item_new (icto_session_get_channel_bad (self->session, signal)
                                                ? _("Mark as _Good") : _("Mark as _Bad"), NULL);
    g_menu_item_set_action_and_target_value (hide, "trace.hide-channel", g_variant_new_int32 (signal));
    g_menu_item_set_action_and_target_value (bad, "trace.toggle-bad", g_variant_new_int32 (signal));
    g_menu_append_item (state, hide);
    g_menu_append_item (state, bad);
  }
  order = g_menu_new ();
  {
    g_autoptr(GMenuItem) up = g_menu_item_new (_("Move _Up"), NULL);
    g_autoptr(GMenuItem) down = g_menu_item_new (_("Move _Down"), NULL);
    g_menu_item_set_action_and_target_value (up, "trace.move-up", g_variant_new_int32 (signal));
    g_menu_item_set_action_and_target_value (down, "trace.move-down", g_variant_new_int32 (signal));
    g_menu_append_item (order, up);
    g_menu_append_item (order, down);
  }
  gain = g_menu_new ();
  {
    g_autoptr(GMenuItem) more = g_menu_item_new (_("Channel: _Larger"), NULL);
    g_autoptr(GMenuItem) less = g_menu_item_new (_("Channel: _Smaller"), NULL);
    g_autoptr(GMenuItem) smore = g_menu_item_new (_("Shaft: L_arger"), NULL);
    g_autoptr(GMenuItem) sless = g_menu_item_new (_("Shaft: S_maller"), NULL);
    g_autoptr(GMenuItem) reset = g_menu_item_new (_("Shaft: _Reset Size"), NULL);
    g_menu_item_set_action_and_target_value (more, "trace.channel-larger", g_variant_new_int32 (signal));
    g_menu_item_set_action_and_target_value (less, "trace.channel-smaller", g_variant_new_int32 (signal));
    g_menu_item_set_action_and_target_value (smore, "trace.shaft-larger", g_variant_new_int32 (signal));
    g_menu_item_set_action_and_target_value (sless, "trace.shaft-smaller", g_variant_new_int32 (signal));
    g_menu_item_set_action_and_target_value (reset, "trace.shaft-reset", g_variant_new_int32 (signal));
    g_menu_append_item (gain, more);
    g_menu_append_item (gain, less);
    g_menu_append_item (gain, smore);
    g_menu_append_item (gain, sless);
    g_menu_append_item (gain, reset);
  }
  shaft = g_menu_new ();
  g_menu_append (shaft, _("Show _All Channels"), "trace.reset-channels");
  g_menu_append_section (menu, NULL, G_MENU_MODEL (state));
  g_menu_append_section (menu, NULL, G_MENU_MODEL (order));
  g_menu_append_section (menu, NULL, G_MENU_MODEL (gain));
  g_menu_append_section (menu, NULL, G_MENU_MODEL (shaft));

  if (self->channel_menu != NULL)
    gtk_widget_unparent (GTK_WIDGET (self->channel_menu));
  popover = gtk_popover_menu_new_from_model (G_MENU_MODEL (menu));
  self->channel_menu = GTK_POPOVER (popover);
  gtk_widget_set_parent (popover, GTK_WIDGET (self));
  {
    graphene_point_t p;
    if (!gtk_widget_compute_point (GTK_WIDGET (labels), GTK_WIDGET (self), &GRAPHENE_POINT_INIT (x, y), &p))
      p = GRAPHENE_POINT_INIT (x, y);
    gtk_popover_set_pointing_to (self->channel_menu, &(GdkRectangle) { (int) p.x, (int) p.y, 1, 1 });
  }
  gtk_popover_set_has_arrow (self->channel_menu, FALSE);
  gtk_widget_set_halign (popover, GTK_ALIGN_START);
  gtk_popover_popup (self->channel_menu);
}

static void
channel_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *param)
{
  IctoTraceView *self = ICTO_TRACE_VIEW (widget);
  IctoRecording *rec;
  int signal;

  if (self->session == NULL || (rec = icto_session_get_recording (self->session)) == NULL)
    return;
  if (g_str_equal (action_name, "trace.reset-channels"))
    {
      icto_session_reset_channels (self->session);
      return;
    }
  signal = g_variant_get_int32 (param);
  if (signal < 0 || (guint) signal >= icto_recording_get_n_signals (rec))
    return;

  if (g_str_equal (action_name, "trace.hide-channel"))
    icto_session_set_channel_hidden (self->session, signal, TRUE);
  else if (g_str_equal (action_name, "trace.toggle-bad"))
    icto_session_set_channel_bad (self->session, signal, !icto_session_get_channel_bad (self->session, signal));
  else if (g_str_equal (action_name, "trace.move-up"))
    icto_session_move_channel (self->session, signal, -1);
  else if (g_str_equal (action_name, "trace.move-down"))
    icto_session_move_channel (self->session, signal, 1);
  else if (g_str_equal (action_name, "trace.channel-larger"))
    icto_session_set_channel_gain (self->session, signal, icto_session_get_channel_gain (self->session, signal) / 1.5);
  else if (g_str_equal (action_name, "trace.channel-smaller"))
    icto_session_set_channel_gain (self->session, signal, icto_session_get_channel_gain (self->session, signal) * 1.5);
  else
    {
      const char *group = icto_session_get_channel_group (self->session, signal);
      double g = icto_session_get_channel_gain (self->session, signal);

      if (g_str_equal (action_name, "trace.shaft-larger"))
        icto_session_set_shaft_gain (self->session, group, g / 1.5);
      else if (g_str_equal (action_name, "trace.shaft-smaller"))
        icto_session_set_shaft_gain (self->session, group, g * 1.5);
      else if (g_str_equal (action_name, "trace.shaft-reset"))
        icto_session_set_shaft_gain (self->session, group, 1.0);
    }
}

static void
icto_trace_view_dispose (GObject *object)
{
  IctoTraceView *self = ICTO_TRACE_VIEW (object);

  icto_trace_view_set_session (self, NULL);
  g_clear_handle_id (&self->fetch_source, g_source_remove);
  if (self->fetch_cancellable != NULL)
    g_cancellable_cancel (self->fetch_cancellable);
  self->fetch_again = FALSE;
  if (self->channel_menu != NULL)
    {
      gtk_widget_unparent (GTK_WIDGET (self->channel_menu));
      self->channel_menu = NULL;
    }
  gtk_widget_dispose_template (GTK_WIDGET (self), ICTO_TYPE_TRACE_VIEW);
  g_clear_pointer (&self->page, icto_trace_page_unref);
  G_OBJECT_CLASS (icto_trace_view_parent_class)->dispose (object);
}

static void
icto_trace_view_finalize (GObject *object)
{
  IctoTraceView *self = ICTO_TRACE_VIEW (object);

  g_free (self->readout);
  G_OBJECT_CLASS (icto_trace_view_parent_class)->finalize (object);
}

static void
icto_trace_view_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  IctoTraceView *self = ICTO_TRACE_VIEW (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      g_value_set_object (value, self->session);
      break;
    case PROP_READOUT:
      g_value_set_string (value, self->readout);
      break;
    case PROP_HIGHLIGHTED_SIGNAL:
      g_value_set_int (value, self->highlighted_signal);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
icto_trace_view_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  IctoTraceView *self = ICTO_TRACE_VIEW (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      icto_trace_view_set_session (self, g_value_get_object (value));
      break;
    case PROP_HIGHLIGHTED_SIGNAL:
      icto_trace_view_set_highlighted_signal (self, g_value_get_int (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
icto_trace_view_class_init (IctoTraceViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  const char *int_actions[] = {
    "trace.hide-channel", "trace.toggle-bad", "trace.move-up", "trace.move-down",
    "trace.channel-larger", "trace.channel-smaller", "trace.shaft-larger",
    "trace.shaft-smaller", "trace.shaft-reset",
  };

  object_class->dispose = icto_trace_view_dispose;
  object_class->finalize = icto_trace_view_finalize;
  object_class->get_property = icto_trace_view_get_property;
  object_class->set_property = icto_trace_view_set_property;

  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL, ICTO_TYPE_SESSION,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_READOUT] =
    g_param_spec_string ("readout", NULL, NULL, "",
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_HIGHLIGHTED_SIGNAL] =
    g_param_spec_int ("highlighted-signal", NULL, NULL, -1, G_MAXINT, -1,
                      G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* ::error (GError) */
  signals[ERROR] = g_signal_new ("error", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                 0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_ERROR);
  /* ::page-changed: a new page is on screen */
  signals[PAGE_CHANGED] = g_signal_new ("page-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                        0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  for (guint i = 0; i < G_N_ELEMENTS (int_actions); i++)
    gtk_widget_class_install_action (widget_class, int_actions[i], "i", channel_action);
  gtk_widget_class_install_action (widget_class, "trace.reset-channels", NULL, channel_action);

  g_type_ensure (ICTO_TYPE_TIME_RULER);
  g_type_ensure (ICTO_TYPE_CHANNEL_LABELS);
  g_type_ensure (ICTO_TYPE_TRACE_AREA);
  g_type_ensure (ICTO_TYPE_PROBABILITY_LANE);
  g_type_ensure (ICTO_TYPE_AGREEMENT_STRIP);
  g_type_ensure (ICTO_TYPE_PREDICTION_LAYER);
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/ictoscope/Ictoscope/ui/icto-trace-view.ui");
  gtk_widget_class_bind_template_child (widget_class, IctoTraceView, grid);
  gtk_widget_class_bind_template_child (widget_class, IctoTraceView, corner);
  gtk_widget_class_bind_template_child (widget_class, IctoTraceView, ruler);
  gtk_widget_class_bind_template_child (widget_class, IctoTraceView, labels);
  gtk_widget_class_bind_template_child (widget_class, IctoTraceView, area);
  gtk_widget_class_bind_template_child (widget_class, IctoTraceView, probability_lane);
  gtk_widget_class_bind_template_child (widget_class, IctoTraceView, probability_label);
  gtk_widget_class_bind_template_child (widget_class, IctoTraceView, agreement_strip);
  gtk_widget_class_bind_template_child (widget_class, IctoTraceView, prediction_layer);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "ictotraceview");
}

static void
icto_trace_view_init (IctoTraceView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->readout = g_strdup ("");
  g_signal_connect (self->area, "columns-changed", G_CALLBACK (columns_changed_cb), self);
  g_signal_connect (self->area, "pointer-moved", G_CALLBACK (pointer_moved_cb), self);
  g_signal_connect (self->area, "dragged", G_CALLBACK (dragged_cb), self);
  g_signal_connect (self->area, "scrolled", G_CALLBACK (scrolled_cb), self);
  g_signal_connect (self->labels, "row-menu", G_CALLBACK (row_menu_cb), self);

  /* annotations over the traces: input is taken on the overlay (see the layer) */
  self->annotation_layer = ICTO_ANNOTATION_LAYER (icto_annotation_layer_new ());
  gtk_overlay_add_overlay (GTK_OVERLAY (gtk_widget_get_parent (GTK_WIDGET (self->area))),
                           GTK_WIDGET (self->annotation_layer));
  icto_annotation_layer_attach (self->annotation_layer, gtk_widget_get_parent (GTK_WIDGET (self->area)),
                                GTK_WIDGET (self->area), GTK_WIDGET (self->labels));

  /* the channel highlighted from the electrode map */
  self->highlighted_signal = -1;
  self->row_highlight = ICTO_ROW_HIGHLIGHT (icto_row_highlight_new ());
  gtk_overlay_add_overlay (GTK_OVERLAY (gtk_widget_get_parent (GTK_WIDGET (self->area))),
                           GTK_WIDGET (self->row_highlight));
}

GtkWidget *
icto_trace_view_new (void)
{
  return g_object_new (ICTO_TYPE_TRACE_VIEW, NULL);
}

IctoSession *
icto_trace_view_get_session (IctoTraceView *self)
{
  g_return_val_if_fail (ICTO_IS_TRACE_VIEW (self), NULL);
  return self->session;
}

void
icto_trace_view_set_session (IctoTraceView *self,
                             IctoSession   *session)
{
  g_return_if_fail (ICTO_IS_TRACE_VIEW (self));
  g_return_if_fail (session == NULL || ICTO_IS_SESSION (session));

  if (self->session == session)
    return;
  if (self->session != NULL)
    g_clear_signal_handler (&self->changed_id, self->session);
  if (self->fetch_cancellable != NULL)
    {
      g_cancellable_cancel (self->fetch_cancellable);
      self->fetch_again = TRUE;
    }
  g_set_object (&self->session, session);
  if (session == NULL)
    g_clear_object (&self->session);
  else
    self->changed_id = g_signal_connect (session, "changed", G_CALLBACK (session_changed_cb), self);
  queue_fetch (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SESSION]);
}

IctoTracePage *
icto_trace_view_get_page (IctoTraceView *self)
{
  g_return_val_if_fail (ICTO_IS_TRACE_VIEW (self), NULL);
  return self->page;
}

const char *
icto_trace_view_get_readout (IctoTraceView *self)
{
  g_return_val_if_fail (ICTO_IS_TRACE_VIEW (self), NULL);
  return self->readout;
}

void
icto_trace_view_refresh (IctoTraceView *self)
{
  g_autoptr(IctoTracePage) page = NULL;
  g_autoptr(GError) error = NULL;

  g_return_if_fail (ICTO_IS_TRACE_VIEW (self));

  g_clear_handle_id (&self->fetch_source, g_source_remove);
  if (self->session != NULL && icto_session_get_recording (self->session) != NULL)
    {
      page = icto_session_fetch_page (self->session, icto_trace_area_get_columns (self->area), &error);
      if (page == NULL)
        {
          g_signal_emit (self, signals[ERROR], 0, error);
          return;
        }
    }
  apply_page (self, page);
}

IctoProbabilityLane *
icto_trace_view_get_probability_lane (IctoTraceView *self)
{
  g_return_val_if_fail (ICTO_IS_TRACE_VIEW (self), NULL);
  return self->probability_lane;
}

IctoAgreementStrip *
icto_trace_view_get_agreement_strip (IctoTraceView *self)
{
  g_return_val_if_fail (ICTO_IS_TRACE_VIEW (self), NULL);
  return self->agreement_strip;
}

IctoPredictionLayer *
icto_trace_view_get_prediction_layer (IctoTraceView *self)
{
  g_return_val_if_fail (ICTO_IS_TRACE_VIEW (self), NULL);
  return self->prediction_layer;
}

void
icto_trace_view_set_model_lanes_visible (IctoTraceView *self,
                                         gboolean       visible)
{
  g_return_if_fail (ICTO_IS_TRACE_VIEW (self));
  gtk_widget_set_visible (GTK_WIDGET (self->probability_lane), visible);
  gtk_widget_set_visible (self->probability_label, visible);
}

IctoAnnotationLayer *
icto_trace_view_get_annotation_layer (IctoTraceView *self)
{
  g_return_val_if_fail (ICTO_IS_TRACE_VIEW (self), NULL);
  return self->annotation_layer;
}

void
icto_trace_view_set_highlighted_signal (IctoTraceView *self,
                                        int            signal)
{
  g_return_if_fail (ICTO_IS_TRACE_VIEW (self));
  signal = MAX (signal, -1);
  if (self->highlighted_signal == signal)
    return;
  self->highlighted_signal = signal;
  update_row_highlight (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HIGHLIGHTED_SIGNAL]);
}

int
icto_trace_view_get_highlighted_signal (IctoTraceView *self)
{
  g_return_val_if_fail (ICTO_IS_TRACE_VIEW (self), -1);
  return self->highlighted_signal;
}
