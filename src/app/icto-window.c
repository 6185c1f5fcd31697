/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "icto-window"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "app/icto-window-annotations.h"
#include "app/icto-window-map.h"
#include "app/icto-window-overlays.h"
#include "app/icto-window-private.h"
#include "app/icto-window-train.h"
#include "core/icto-overview.h"

G_DEFINE_FINAL_TYPE (IctoWindow, icto_window, ADW_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_MONTAGE,
  PROP_FILTER,
  PROP_NOTCH,
  PROP_PAGE_DURATION,
  PROP_SENSITIVITY,
  PROP_COLOR_BY_SHAFT,
  PROP_SIDE_PANEL,
  N_PROPS
};

enum {
  OPEN_FINISHED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static const double page_durations[] = { 1, 2, 5, 10, 15, 20, 30, 60 };

static void
update_position (IctoWindow *self)
{
  IctoRecording *rec = icto_session_get_recording (self->session);
  g_autofree char *filter = NULL;
  g_autofree char *text = NULL;
  IctoTracePage *page = icto_trace_view_get_page (self->trace_view);
  double start;
  double mm_per_s = 0;

  if (rec == NULL)
    {
      gtk_label_set_label (self->position_label, "");
      return;
    }
  start = icto_ticks_to_seconds (icto_session_get_start (self->session));
  filter = icto_session_describe_filter (self->session);
  if (page != NULL && page->duration > 0)
    mm_per_s = page->n_columns / page->pixels_per_mm / icto_ticks_to_seconds (page->duration);
  /* Translators: status line: page start–end of total, montage, filter, sensitivity, time base */
  text = g_strdup_printf (_("%.1f–%.1f s of %.1f s  ·  %s  ·  %s  ·  %g µV/mm  ·  %.0f mm/s"),
                          start, start + icto_session_get_page_duration (self->session),
                          icto_ticks_to_seconds (icto_recording_get_duration (rec)),
                          icto_session_get_montage_title (self->session),
                          filter, icto_session_get_sensitivity (self->session), mm_per_s);
  gtk_label_set_label (self->position_label, text);
}

static void
session_changed_cb (IctoSession *session,
                    IctoWindow  *self)
{
  update_position (self);
  _icto_window_actions_update (self);
}

static void
session_notify_cb (IctoSession *session,
                   GParamSpec  *pspec,
                   IctoWindow  *self)
{
  const char *name = g_param_spec_get_name (pspec);

  if (g_str_equal (name, "montage"))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MONTAGE]);
  else if (g_str_equal (name, "page-duration"))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PAGE_DURATION]);
  else if (g_str_equal (name, "sensitivity"))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SENSITIVITY]);
  else if (g_str_equal (name, "color-by-shaft"))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COLOR_BY_SHAFT]);
  else
    return;

  if (self->settings != NULL)
    {
      if (g_str_equal (name, "montage"))
        {
          /* a custom montage belongs to its recording: not remembered */
          if (icto_session_get_montage (session) != ICTO_MONTAGE_KIND_CUSTOM)
            g_settings_set_string (self->settings, "montage",
                                   icto_montage_kind_to_string (icto_session_get_montage (session)));
        }
      else if (g_str_equal (name, "page-duration"))
        g_settings_set_double (self->settings, "page-duration", icto_session_get_page_duration (session));
      else if (g_str_equal (name, "sensitivity"))
        g_settings_set_double (self->settings, "sensitivity", icto_session_get_sensitivity (session));
    }
}

static void
page_changed_cb (IctoTraceView *view,
                 IctoWindow    *self)
{
  update_position (self);
}

static void
view_error_cb (IctoTraceView *view,
               GError        *error,
               IctoWindow    *self)
{
  icto_window_show_error (self, error);
}

static void
readout_changed_cb (IctoTraceView *view,
                    GParamSpec    *pspec,
                    IctoWindow    *self)
{
  gtk_label_set_label (self->readout_label, icto_trace_view_get_readout (view));
}

static gboolean
is_recording_name (const char *name)
{
  g_autofree char *lower = name ? g_ascii_strdown (name, -1) : NULL;

  return lower != NULL && (g_str_has_suffix (lower, ".edf") || g_str_has_suffix (lower, ".bdf") ||
                           g_str_has_suffix (lower, ".rec"));
}

static void
rebuild_recent_menu (IctoWindow *self)
{
  GList *items = gtk_recent_manager_get_items (self->recent);
  guint n = 0;

  g_menu_remove_all (self->recent_section);
  for (GList *l = items; l != NULL && n < 8; l = l->next)
    {
      GtkRecentInfo *info = l->data;
      const char *uri = gtk_recent_info_get_uri (info);
      g_autoptr(GMenuItem) item = NULL;

      if (!is_recording_name (uri) || !gtk_recent_info_exists (info))
        continue;
      item = g_menu_item_new (gtk_recent_info_get_display_name (info), NULL);
      g_menu_item_set_action_and_target_value (item, "win.open-recent", g_variant_new_string (uri));
      g_menu_append_item (self->recent_section, item);
      n++;
    }
  if (n == 0)
    {
      g_autoptr(GMenuItem) item = g_menu_item_new (_("No Recent Recordings"), "win.none");
      g_menu_append_item (self->recent_section, item);
    }
  g_list_free_full (items, (GDestroyNotify) gtk_recent_info_unref);
}

static void
recent_changed_cb (GtkRecentManager *manager,
                   IctoWindow       *self)
{
  rebuild_recent_menu (self);
}

static void
build_static_menus (IctoWindow *self)
{
  guint n;
  const double *presets = icto_sensitivity_presets (&n);

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *label = g_strdup_printf (_("%g µV/mm"), presets[i]);
      g_autoptr(GMenuItem) item = g_menu_item_new (label, NULL);

      g_menu_item_set_action_and_target_value (item, "win.sensitivity", g_variant_new_double (presets[i]));
      g_menu_append_item (self->sensitivity_section, item);
    }
  for (guint i = 0; i < G_N_ELEMENTS (page_durations); i++)
    {
      g_autofree char *label = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%g second", "%g seconds",
                                                             (gulong) page_durations[i]),
                                                page_durations[i]);
      g_autoptr(GMenuItem) item = g_menu_item_new (label, NULL);

      g_menu_item_set_action_and_target_value (item, "win.page-duration", g_variant_new_double (page_durations[i]));
      g_menu_append_item (self->duration_section, item);
    }
}

static void
overview_built_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(IctoWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  IctoOverview *overview = icto_overview_build_finish (result, &error);

  if (overview == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        icto_window_show_error (self, error);
      return;
    }
  icto_overview_strip_set_overview (self->overview, overview);
  if (self->overview_job != NULL)
    icto_job_complete (self->overview_job);
}

static void
start_overview (IctoWindow *self)
{
  IctoRecording *rec = icto_session_get_recording (self->session);

  if (self->overview_job != NULL)
    icto_job_cancel (self->overview_job);
  g_clear_object (&self->overview_job);
  icto_overview_strip_set_overview (self->overview, NULL);
  if (rec == NULL)
    return;
  self->overview_job = icto_job_new (_("Building the overview"));
  {
    g_autofree char *cache_dir = g_build_filename (g_get_user_cache_dir (), "ictoscope", "pyramids", NULL);
    icto_overview_build_async (rec, 2048, cache_dir, self->overview_job, overview_built_cb, g_object_ref (self));
  }
}

static void
open_finished_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(IctoWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  IctoRecording *rec;
  gboolean ok = icto_session_open_finish (ICTO_SESSION (object), result, &error);

  gtk_spinner_stop (self->spinner);
  if (!ok)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      gtk_stack_set_visible_child_name (self->stack,
                                        icto_session_get_recording (self->session) ? "view" : "empty");
      icto_window_show_error (self, error);
      g_signal_emit (self, signals[OPEN_FINISHED], 0, FALSE);
      return;
    }

  rec = icto_session_get_recording (self->session);
  {
    g_autofree char *base = g_path_get_basename (icto_recording_get_path (rec));
    g_autofree char *dir = g_path_get_dirname (icto_recording_get_path (rec));
    g_autofree char *uri = g_filename_to_uri (icto_recording_get_path (rec), NULL, NULL);
    g_autofree char *subtitle = NULL;
    g_autoptr(GDateTime) start = icto_recording_get_start_time (rec) ?
                                 g_date_time_ref (icto_recording_get_start_time (rec)) : NULL;
    g_autofree char *when = start ? g_date_time_format (start, "%x %X") : g_strdup (_("unknown start"));

    /* Translators: window subtitle: number of channels, format, start time */
    subtitle = g_strdup_printf (_("%u channels · %s · %s"), icto_recording_get_n_signals (rec),
                                icto_format_to_string (icto_recording_get_format (rec)), when);
    adw_window_title_set_title (self->window_title, base);
    adw_window_title_set_subtitle (self->window_title, subtitle);
    gtk_window_set_title (GTK_WINDOW (self), base);
    if (uri != NULL)
      gtk_recent_manager_add_item (self->recent, uri);
    if (self->settings != NULL)
      g_settings_set_string (self->settings, "last-directory", dir);
  }
  gtk_widget_set_visible (self->nav_box, TRUE);
  gtk_stack_set_visible_child_name (self->stack, "view");
  start_overview (self);
  update_position (self);
  _icto_window_actions_update (self);
  /* the view itself is a container: focus its first focusable part, the traces */
  gtk_widget_child_focus (GTK_WIDGET (self->trace_view), GTK_DIR_TAB_FORWARD);
  g_signal_emit (self, signals[OPEN_FINISHED], 0, TRUE);
}

static gboolean
drop_cb (GtkDropTarget *target,
         const GValue  *value,
         double         x,
         double         y,
         IctoWindow    *self)
{
  GSList *files;

  if (!G_VALUE_HOLDS (value, GDK_TYPE_FILE_LIST))
    return FALSE;
  files = g_value_get_boxed (value);
  if (files == NULL)
    return FALSE;
  icto_window_open (self, files->data);
  return TRUE;
}

static void
update_pixels_per_mm (IctoWindow *self)
{
  GdkSurface *surface;
  GdkMonitor *monitor;
  GdkRectangle geometry;
  int width_mm;
  double ppm;
  int scale;

  if (self->ppm_from_settings)
    return;
  surface = gtk_native_get_surface (GTK_NATIVE (self));
  if (surface == NULL)
    return;
  monitor = gdk_display_get_monitor_at_surface (gtk_widget_get_display (GTK_WIDGET (self)), surface);
  if (monitor == NULL)
    return;
  gdk_monitor_get_geometry (monitor, &geometry);
  width_mm = gdk_monitor_get_width_mm (monitor);
  scale = gdk_monitor_get_scale_factor (monitor);
  ppm = width_mm > 0 ? (double) geometry.width * scale / width_mm : 0;
  /* monitors that report nonsense sizes (projectors, virtual displays): assume 96 dpi */
  if (!(ppm >= 2.0 && ppm <= 20.0))
    ppm = 96.0 / 25.4 * scale;
  icto_session_set_pixels_per_mm (self->session, ppm);
}

static void
icto_window_realize (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (icto_window_parent_class)->realize (widget);
  update_pixels_per_mm (ICTO_WINDOW (widget));
}

static gboolean
icto_window_close_request (GtkWindow *window)
{
  IctoWindow *self = ICTO_WINDOW (window);

  if (self->settings != NULL)
    {
      int width, height;

      gtk_window_get_default_size (window, &width, &height);
      g_settings_set_int (self->settings, "window-width", width);
      g_settings_set_int (self->settings, "window-height", height);
      g_settings_set_boolean (self->settings, "window-maximized", gtk_window_is_maximized (window));
    }
  g_cancellable_cancel (self->open_cancellable);
  if (self->overview_job != NULL)
    icto_job_cancel (self->overview_job);
  return GTK_WINDOW_CLASS (icto_window_parent_class)->close_request (window);
}

static void
icto_window_dispose (GObject *object)
{
  IctoWindow *self = ICTO_WINDOW (object);

  _icto_window_map_dispose (self);
  _icto_window_overlays_dispose (self);
  _icto_window_train_dispose (self);
  _icto_window_annotations_dispose (self);
  if (self->open_cancellable != NULL)
    g_cancellable_cancel (self->open_cancellable);
  if (self->overview_job != NULL)
    icto_job_cancel (self->overview_job);
  if (self->recent != NULL)
    g_clear_signal_handler (&self->recent_changed_id, self->recent);
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);
  if (self->trace_view != NULL)
    icto_trace_view_set_session (self->trace_view, NULL);
  if (self->overview != NULL)
    icto_overview_strip_set_session (self->overview, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), ICTO_TYPE_WINDOW);
  if (self->session != NULL)
    g_signal_handlers_disconnect_by_data (self->session, self);
  g_clear_object (&self->open_cancellable);
  g_clear_object (&self->overview_job);
  g_clear_object (&self->settings);
  self->recent = NULL;
  G_OBJECT_CLASS (icto_window_parent_class)->dispose (object);
}

static void
icto_window_finalize (GObject *object)
{
  IctoWindow *self = ICTO_WINDOW (object);

  g_free (self->last_toast);
  g_free (self->filter);
  g_clear_object (&self->session);
  G_OBJECT_CLASS (icto_window_parent_class)->finalize (object);
}

static void
icto_window_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  IctoWindow *self = ICTO_WINDOW (object);
  int notch;

  switch (prop_id)
    {
    case PROP_MONTAGE:
      g_value_set_string (value, icto_montage_kind_to_string (icto_session_get_montage (self->session)));
      break;
    case PROP_FILTER:
      g_value_set_string (value, self->filter ? self->filter : "off");
      break;
    case PROP_NOTCH:
      icto_session_get_filter (self->session, NULL, NULL, &notch);
      g_value_set_int (value, notch);
      break;
    case PROP_PAGE_DURATION:
      g_value_set_double (value, icto_session_get_page_duration (self->session));
      break;
    case PROP_SENSITIVITY:
      g_value_set_double (value, icto_session_get_sensitivity (self->session));
      break;
    case PROP_COLOR_BY_SHAFT:
      g_value_set_boolean (value, icto_session_get_color_by_shaft (self->session));
      break;
    case PROP_SIDE_PANEL:
      g_value_set_boolean (value, self->side_panel != NULL && gtk_widget_get_visible (self->side_panel));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
icto_window_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  IctoWindow *self = ICTO_WINDOW (object);

  switch (prop_id)
    {
    case PROP_MONTAGE:
      {
        IctoMontageChoice kind;
        if (icto_montage_kind_from_string (g_value_get_string (value), &kind))
          icto_session_set_montage (self->session, kind);
      }
      break;
    case PROP_FILTER:
      _icto_window_apply_filter (self, g_value_get_string (value));
      break;
    case PROP_NOTCH:
      {
        double hp, lp;
        icto_session_get_filter (self->session, &hp, &lp, NULL);
        icto_session_set_filter (self->session, hp, lp, g_value_get_int (value));
        if (self->settings != NULL)
          g_settings_set_int (self->settings, "notch", g_value_get_int (value));
        g_object_notify_by_pspec (object, pspec);
      }
      break;
    case PROP_PAGE_DURATION:
      icto_session_set_page_duration (self->session, g_value_get_double (value));
      break;
    case PROP_SENSITIVITY:
      icto_session_set_sensitivity (self->session, g_value_get_double (value));
      break;
    case PROP_COLOR_BY_SHAFT:
      icto_session_set_color_by_shaft (self->session, g_value_get_boolean (value));
      break;
    case PROP_SIDE_PANEL:
      {
        /* shown only when a feature has added a page */
        gboolean show = g_value_get_boolean (value) &&
                        gtk_stack_get_visible_child (self->side_stack) != NULL;
        if (show != gtk_widget_get_visible (self->side_panel))
          {
            gtk_widget_set_visible (self->side_panel, show);
            g_object_notify_by_pspec (object, pspec);
          }
      }
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
icto_window_class_init (IctoWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = icto_window_dispose;
  object_class->finalize = icto_window_finalize;
  object_class->get_property = icto_window_get_property;
  object_class->set_property = icto_window_set_property;
  widget_class->realize = icto_window_realize;
  window_class->close_request = icto_window_close_request;

  properties[PROP_MONTAGE] =
    g_param_spec_string ("montage", NULL, NULL, "referential",
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_FILTER] =
    g_param_spec_string ("filter", NULL, NULL, "off",
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_NOTCH] =
    g_param_spec_int ("notch", NULL, NULL, 0, 60, 0,
                      G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PAGE_DURATION] =
    g_param_spec_double ("page-duration", NULL, NULL, 1, 60, 10,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SENSITIVITY] =
    g_param_spec_double ("sensitivity", NULL, NULL, 0.1, 10000, 50,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_COLOR_BY_SHAFT] =
    g_param_spec_boolean ("color-by-shaft", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SIDE_PANEL] =
    g_param_spec_boolean ("side-panel", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* ::open-finished (gboolean success) */
  signals[OPEN_FINISHED] = g_signal_new ("open-finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                         0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_BOOLEAN);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/ictoscope/Ictoscope/ui/icto-window.ui");
  gtk_widget_class_bind_template_child (widget_class, IctoWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, IctoWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, IctoWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, IctoWindow, spinner);
  gtk_widget_class_bind_template_child (widget_class, IctoWindow, nav_box);
  gtk_widget_class_bind_template_child (widget_class, IctoWindow, trace_view);
  gtk_widget_class_bind_template_child (widget_class, IctoWindow, overview);
  gtk_widget_class_bind_template_child (widget_class, IctoWindow, position_label);
  gtk_widget_class_bind_template_child (widget_class, IctoWindow, readout_label);
  gtk_widget_class_bind_template_child (widget_class, IctoWindow, status_bar);
  gtk_widget_class_bind_template_child (widget_class, IctoWindow, side_paned);
  gtk_widget_class_bind_template_child (widget_class, IctoWindow, side_panel);
  gtk_widget_class_bind_template_child (widget_class, IctoWindow, side_stack);
  gtk_widget_class_bind_template_child (widget_class, IctoWindow, recent_section);
  gtk_widget_class_bind_template_child (widget_class, IctoWindow, sensitivity_section);
  gtk_widget_class_bind_template_child (widget_class, IctoWindow, duration_section);

  _icto_window_class_actions_init (widget_class);
  _icto_window_annotations_class_init (widget_class);
  _icto_window_overlays_class_init (widget_class);
  _icto_window_map_class_init (widget_class);
  _icto_window_train_class_init (widget_class);
}

static void
load_settings (IctoWindow *self)
{
  IctoMontageChoice kind;
  double ppm;
  double hp, lp;
  int notch;

  if (self->settings == NULL)
    return;
  icto_session_set_page_duration (self->session, g_settings_get_double (self->settings, "page-duration"));
  icto_session_set_sensitivity (self->session, g_settings_get_double (self->settings, "sensitivity"));
  if (icto_montage_kind_from_string (g_settings_get_string (self->settings, "montage"), &kind))
    icto_session_set_montage (self->session, kind);
  hp = g_settings_get_double (self->settings, "highpass");
  lp = g_settings_get_double (self->settings, "lowpass");
  notch = g_settings_get_int (self->settings, "notch");
  icto_session_set_filter (self->session, hp, lp, notch);
  if (hp == 0 && lp == 0)
    self->filter = g_strdup ("off");
  else if (hp == 1 && lp == 70)
    self->filter = g_strdup ("review");
  else if (hp == 80 && lp == 0)
    self->filter = g_strdup ("hfo80");
  else if (hp == 250 && lp == 0)
    self->filter = g_strdup ("hfo250");
  else
    self->filter = g_strdup ("custom");
  ppm = g_settings_get_double (self->settings, "pixels-per-mm");
  if (ppm > 0)
    {
      icto_session_set_pixels_per_mm (self->session, ppm);
      self->ppm_from_settings = TRUE;
    }
  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));
}

void
_icto_window_add_side_page (IctoWindow *self,
                            GtkWidget  *child,
                            const char *name,
                            const char *title)
{
  g_return_if_fail (ICTO_IS_WINDOW (self));
  g_return_if_fail (GTK_IS_WIDGET (child));

  gtk_stack_add_titled (self->side_stack, child, name, title);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.side-panel", TRUE);
}

void
_icto_window_show_side_page (IctoWindow *self,
                             const char *name)
{
  g_return_if_fail (ICTO_IS_WINDOW (self));

  if (gtk_stack_get_child_by_name (self->side_stack, name) == NULL)
    return;
  gtk_stack_set_visible_child_name (self->side_stack, name);
  if (!gtk_widget_get_visible (self->side_panel))
    {
      gtk_widget_set_visible (self->side_panel, TRUE);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SIDE_PANEL]);
    }
}

static void
icto_window_init (IctoWindow *self)
{
  GtkDropTarget *drop;

  /* first: the property actions read the session while the template is built */
  self->session = icto_session_new ();
  gtk_widget_init_template (GTK_WIDGET (self));
  /* enabled when a feature adds a side page */
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.side-panel", FALSE);
  if (DEVELOPMENT_BUILD)
    gtk_widget_add_css_class (GTK_WIDGET (self), "devel");

  self->open_cancellable = g_cancellable_new ();
  self->recent = gtk_recent_manager_get_default ();

  icto_trace_view_set_session (self->trace_view, self->session);
  icto_overview_strip_set_session (self->overview, self->session);
  g_signal_connect (self->session, "changed", G_CALLBACK (session_changed_cb), self);
  g_signal_connect (self->session, "notify", G_CALLBACK (session_notify_cb), self);
  g_signal_connect (self->trace_view, "error", G_CALLBACK (view_error_cb), self);
  g_signal_connect (self->trace_view, "page-changed", G_CALLBACK (page_changed_cb), self);
  g_signal_connect (self->trace_view, "notify::readout", G_CALLBACK (readout_changed_cb), self);
  self->recent_changed_id = g_signal_connect (self->recent, "changed", G_CALLBACK (recent_changed_cb), self);

  drop = gtk_drop_target_new (GDK_TYPE_FILE_LIST, GDK_ACTION_COPY);
  g_signal_connect (drop, "drop", G_CALLBACK (drop_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drop));

  build_static_menus (self);
  rebuild_recent_menu (self);
  gtk_stack_set_visible_child_name (self->stack, "empty");
  _icto_window_actions_update (self);
  _icto_window_annotations_init (self);
  _icto_window_overlays_init (self);
  _icto_window_map_init (self);
  _icto_window_train_init (self);
}

IctoWindow *
icto_window_new (IctoApplication *application)
{
  IctoWindow *self;

  g_return_val_if_fail (ICTO_IS_APPLICATION (application), NULL);

  self = g_object_new (ICTO_TYPE_WINDOW, "application", application, NULL);
  if (icto_application_get_settings (application) != NULL)
    self->settings = g_object_ref (icto_application_get_settings (application));
  load_settings (self);
  if (self->filter == NULL)
    self->filter = g_strdup ("off");
  return self;
}

void
icto_window_open (IctoWindow *self,
                  GFile      *file)
{
  g_return_if_fail (ICTO_IS_WINDOW (self));
  g_return_if_fail (G_IS_FILE (file));

  g_cancellable_cancel (self->open_cancellable);
  g_clear_object (&self->open_cancellable);
  self->open_cancellable = g_cancellable_new ();
  if (icto_session_get_recording (self->session) == NULL)
    {
      gtk_stack_set_visible_child_name (self->stack, "loading");
      gtk_spinner_start (self->spinner);
    }
  icto_session_open_async (self->session, file, self->open_cancellable,
                           open_finished_cb, g_object_ref (self));
}

IctoSession *
icto_window_get_session (IctoWindow *self)
{
  g_return_val_if_fail (ICTO_IS_WINDOW (self), NULL);
  return self->session;
}

IctoTraceView *
icto_window_get_trace_view (IctoWindow *self)
{
  g_return_val_if_fail (ICTO_IS_WINDOW (self), NULL);
  return self->trace_view;
}

void
icto_window_show_error (IctoWindow   *self,
                        const GError *error)
{
  AdwToast *toast;

  g_return_if_fail (ICTO_IS_WINDOW (self));
  g_return_if_fail (error != NULL);

  g_message ("%s", error->message);
  g_free (self->last_toast);
  self->last_toast = g_strdup (error->message);
  {
    /* toast titles are markup in libadwaita 1.2 */
    g_autofree char *escaped = g_markup_escape_text (error->message, -1);
    toast = adw_toast_new (escaped);
  }
  adw_toast_set_timeout (toast, 8);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

const char *
icto_window_get_last_toast (IctoWindow *self)
{
  g_return_val_if_fail (ICTO_IS_WINDOW (self), NULL);
  return self->last_toast;
}
