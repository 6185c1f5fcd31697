/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "icto-window-map"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "app/icto-window-map.h"
#include "widgets/icto-widgets-init.h"
#include "app/icto-window-private.h"
#include "core/icto-inference.h"
#include "core/icto-map.h"

#define PLAY_TICK_MS 250

struct _IctoWindowMap
{
  IctoWindow       *window;        /* not referenced: owns us */

  GtkWidget        *page;
  IctoElectrodeMap *map;
  GtkDropDown      *quantity_drop;
  GtkDropDown      *layer_drop;
  GtkDropDown      *colormap_drop;
  GtkDropDown      *speed_drop;
  GtkToggleButton  *play_button;
  GtkCheckButton   *beside_check;
  GtkLabel         *status;

  IctoRecording    *recording;     /* the one the layout belongs to */
  IctoLayout       *layout;
  guint            *channels;      /* layout channels */
  guint             n_channels;
  char            **soz;
  gint64            onset;
  IctoModel        *model;
  gboolean          model_tried;

  IctoMapResult    *result;
  GCancellable     *cancellable;
  guint             compute_id;
  guint             play_id;
  guint             n_computed;
  char             *status_text;
  GtkFileChooserNative *chooser;
  GtkFileChooserNative *electrodes_chooser;
  IctoStore        *store;         /* layouts; NULL when the database cannot be opened */
  gboolean          store_tried;
  char             *layout_source; /* "store", "electrodes.tsv", "labels" */

  /* onset-zone agreement of the recording's seizure (once per recording) */
  char             *soz_text;
  GCancellable     *soz_cancellable;

  /* the layout editor */
  GtkToggleButton  *edit_button;
  GtkWidget        *edit_box;
  GtkSpinButton    *rows_spin;
  GtkSpinButton    *cols_spin;
};

static const double speeds[] = { 1, 2, 5, 10 };

static IctoWindowMap *
get (IctoWindow *self)
{
  return self->map;
}

static void
set_status (IctoWindowMap *m, char *text)
{
  g_free (m->status_text);
  m->status_text = text;
  gtk_label_set_label (m->status, text);
}

static int
current_layer (IctoWindowMap *m)
{
  guint sel = gtk_drop_down_get_selected (m->layer_drop);

  if (sel == 0)
    return ICTO_MAP_LAYERS_MEAN;
  if (sel == 1)
    return ICTO_MAP_LAYERS_ROLLOUT;
  return (int) sel - 2;
}

/* Pushes the result's values for the chosen quantity into the widget. */
static void
show_values (IctoWindowMap *m)
{
  IctoMapQuantity q = (IctoMapQuantity) gtk_drop_down_get_selected (m->quantity_drop);
  IctoRecording *rec = m->recording;
  guint n_sig = rec ? icto_recording_get_n_signals (rec) : 0;
  g_autofree float *values = NULL;
  g_autofree float *per_signal = NULL;
  g_autofree gboolean *bad = NULL;
  g_autofree char *title = NULL;
  int selected = -1, contact;
  gboolean ok;

  if (m->result == NULL || rec == NULL)
    {
      icto_electrode_map_set_values (m->map, NULL, 0, icto_map_quantity_get_title (q), NULL);
      return;
    }
  contact = icto_electrode_map_get_selected (m->map);
  if (contact >= 0 && m->layout != NULL)
    {
      int ch = icto_layout_get_contact (m->layout, (guint) contact)->channel;
      for (guint i = 0; i < m->result->n_channels; i++)
        if ((int) m->result->channels[i] == ch)
          selected = (int) i;
    }
  values = g_new (float, m->result->n_channels);
  ok = icto_map_result_get_values (m->result, q, current_layer (m), selected, values);
  per_signal = g_new (float, n_sig);
  bad = g_new0 (gboolean, n_sig);
  for (guint i = 0; i < n_sig; i++)
    {
      per_signal[i] = NAN;
      bad[i] = icto_session_get_channel_bad (m->window->session, i);
    }
  for (guint i = 0; ok && i < m->result->n_channels; i++)
    per_signal[m->result->channels[i]] = values[i];
  title = g_strdup_printf ("%s — %.1f s", icto_map_quantity_get_title (q), icto_ticks_to_seconds (m->result->time));
  icto_electrode_map_set_bad (m->map, bad, n_sig);
  icto_electrode_map_set_colormap (m->map, icto_map_quantity_is_signed (q) ? ICTO_COLORMAP_DIVERGING
                                   : gtk_drop_down_get_selected (m->colormap_drop) == 1 ? ICTO_COLORMAP_CIVIDIS
                                   : ICTO_COLORMAP_VIRIDIS);
  icto_electrode_map_set_values (m->map, ok ? per_signal : NULL, n_sig, title, icto_map_quantity_get_unit (q));
  if (!ok)
    set_status (m, g_strdup (q == ICTO_MAP_ATTENTION_FROM && selected < 0
                             ? _("Click a contact to see where its attention goes.")
                             : icto_map_quantity_needs_model (q)
                             ? _("No model results here: the model needs a model file and at least 5 s of recording.")
                             : _("No values here.")));
  else
    {
      g_autofree char *prob = isfinite (m->result->seizure_prob)
                              ? g_strdup_printf (_(", seizure probability %.2f"), m->result->seizure_prob)
                              : g_strdup ("");
      if (m->result->n_layer > 0)
        set_status (m, g_strdup_printf (_("Model window %.0f–%.0f s%s%s"), m->result->window_start_s,
                                        m->result->window_end_s, prob, m->soz_text ? m->soz_text : ""));
      else
        set_status (m, g_strdup_printf (_("Signal %.1f–%.1f s%s"), m->result->signal_start_s,
                                        m->result->signal_end_s, m->soz_text ? m->soz_text : ""));
    }
}

static void
compute_done_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(IctoWindow) window = user_data;
  g_autoptr(GError) error = NULL;
  IctoMapResult *r = icto_map_compute_finish (result, &error);
  IctoWindowMap *m = get (window);

  if (m == NULL)
    {
      g_clear_pointer (&r, icto_map_result_free);
      return;
    }
  if (r == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        set_status (m, g_strdup (error->message));
      return;
    }
  g_clear_pointer (&m->result, icto_map_result_free);
  m->result = r;
  m->n_computed++;
  show_values (m);
}

/* The patient for layout reuse: the EDF+ patient code (first field of the
 * patient header) unless anonymised ("X") or empty. */
static char *
patient_of (IctoRecording *rec)
{
  const char *field = icto_recording_get_patient (rec);
  g_auto(GStrv) parts = g_strsplit (field ? field : "", " ", 2);

  if (parts[0] == NULL || *parts[0] == '\0' || g_str_equal (parts[0], "X"))
    return NULL;
  return g_strdup (parts[0]);
}

static IctoStore *
ensure_store (IctoWindowMap *m)
{
  if (!m->store_tried)
    {
      g_autofree char *path = icto_store_default_path ();
      g_autoptr(GError) error = NULL;

      m->store_tried = TRUE;
      m->store = icto_store_open (path, &error);
      if (m->store == NULL)
        g_message ("map: layouts will not be saved: %s", error->message);
    }
  return m->store;
}

static void
soz_done_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(IctoWindow) window = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(IctoSozAgreement) a = icto_map_soz_agreement_finish (result, &error);
  IctoWindowMap *m = get (window);

  if (m == NULL || a == NULL || a->n_soz == 0)
    return;
  g_free (m->soz_text);
  /* Translators: appended to the map's status line; %s is the quantity */
  m->soz_text = g_strdup_printf (_(". Onset zone (first 10 s after EEC, by %s): %u of the top %u contacts are SOZ "
                                   "(precision %.2f), mean SOZ rank %.1f"),
                                 m->model ? _("contribution") : _("line length"), a->hits, a->k, a->precision,
                                 a->mean_rank);
  show_values (m);
}

static void ensure_model (IctoWindowMap *m);

/* The agreement of the model's focus with the recording's SOZ, once per recording. */
static void
start_soz_agreement (IctoWindowMap *m)
{
  if (m->soz == NULL || m->onset < 0 || m->recording == NULL || m->n_channels == 0)
    return;
  ensure_model (m);
  g_cancellable_cancel (m->soz_cancellable);
  g_clear_object (&m->soz_cancellable);
  m->soz_cancellable = g_cancellable_new ();
  icto_map_soz_agreement_async (m->recording, m->model, m->channels, m->n_channels, m->onset,
                                (const char *const *) m->soz,
                                m->model ? ICTO_MAP_CONTRIBUTION : ICTO_MAP_LINE_LENGTH,
                                m->soz_cancellable, soz_done_cb, g_object_ref (m->window));
}

static void
ensure_layout (IctoWindowMap *m)
{
  IctoRecording *rec = icto_session_get_recording (m->window->session);
  g_autoptr(GError) error = NULL;

  if (rec == m->recording)
    return;
  g_set_object (&m->recording, rec);
  g_clear_pointer (&m->layout, icto_layout_unref);
  g_clear_pointer (&m->channels, g_free);
  g_clear_pointer (&m->soz, g_strfreev);
  g_clear_pointer (&m->result, icto_map_result_free);
  m->n_channels = 0;
  m->onset = -1;
  if (rec != NULL)
    {
      g_autofree char *patient = patient_of (rec);
      g_autofree char *sidecar = icto_layout_find_sidecar (icto_recording_get_path (rec), "electrodes.tsv");

      /* a layout the user chose before, for this recording or patient */
      if (ensure_store (m) != NULL)
        m->layout = icto_map_layout_load (m->store, rec, patient, NULL);
      g_free (m->layout_source);
      m->layout_source = g_strdup (m->layout != NULL ? "store" : sidecar != NULL ? "electrodes.tsv" : "labels");
      if (m->layout == NULL)
        m->layout = icto_map_layout_for_recording (rec, NULL, &error);
      if (m->layout != NULL)
        m->channels = icto_map_layout_channels (m->layout, &m->n_channels);
      m->soz = icto_map_find_soz (rec, &m->onset);
    }
  icto_electrode_map_set_layout (m->map, m->layout);
  icto_electrode_map_set_soz (m->map, (const char *const *) m->soz);
  g_clear_pointer (&m->soz_text, g_free);
  start_soz_agreement (m);
}

static void
ensure_model (IctoWindowMap *m)
{
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;

  if (m->model_tried)
    return;
  m->model_tried = TRUE;
  path = icto_inference_default_model_path ();
  if (path != NULL)
    m->model = icto_model_load (path, NULL, NULL, &error);
  if (m->model == NULL)
    g_message ("map: no model (%s)", error ? error->message : "none found");
}

static gboolean
compute_idle_cb (gpointer data)
{
  IctoWindow *self = data;
  IctoWindowMap *m = get (self);
  IctoRecording *rec;
  gint64 time;

  m->compute_id = 0;
  ensure_layout (m);
  rec = m->recording;
  if (rec == NULL || m->n_channels == 0)
    return G_SOURCE_REMOVE;
  ensure_model (m);
  g_cancellable_cancel (m->cancellable);
  g_clear_object (&m->cancellable);
  m->cancellable = g_cancellable_new ();
  time = MIN (icto_session_get_start (self->session) + icto_session_get_page_ticks (self->session),
              icto_recording_get_duration (rec));
  icto_map_compute_async (rec, m->model, m->channels, m->n_channels, time, 0, m->cancellable,
                          compute_done_cb, g_object_ref (self));
  return G_SOURCE_REMOVE;
}

static void
queue_compute (IctoWindow *self)
{
  IctoWindowMap *m = get (self);

  /* nothing is computed while the page is not on screen */
  if (m == NULL || m->compute_id != 0 || !gtk_widget_get_mapped (m->page))
    return;
  m->compute_id = g_idle_add_full (G_PRIORITY_LOW, compute_idle_cb, self, NULL);
}

static void
page_mapped_cb (GtkWidget  *page,
                IctoWindow *self)
{
  queue_compute (self);
}

static void
session_changed_cb (IctoSession *session,
                    IctoWindow  *self)
{
  queue_compute (self);
}

static void
session_notify_cb (GObject    *object,
                   GParamSpec *pspec,
                   IctoWindow *self)
{
  if (g_str_equal (pspec->name, "recording") || g_str_equal (pspec->name, "start") ||
      g_str_equal (pspec->name, "page-duration"))
    queue_compute (self);
}

static void
choice_changed_cb (GObject    *object,
                   GParamSpec *pspec,
                   IctoWindow *self)
{
  show_values (get (self));
}

static void
contact_activated_cb (IctoElectrodeMap *map,
                      int               contact,
                      IctoWindow       *self)
{
  IctoWindowMap *m = get (self);
  const IctoContact *c = icto_layout_get_contact (m->layout, (guint) contact);

  icto_electrode_map_set_highlighted (map, contact);
  icto_trace_view_set_highlighted_signal (self->trace_view, c->channel);
  show_values (m);
}

static void
highlight_changed_cb (GObject    *object,
                      GParamSpec *pspec,
                      IctoWindow *self)
{
  IctoWindowMap *m = get (self);
  int signal = icto_trace_view_get_highlighted_signal (self->trace_view);

  if (m->layout != NULL)
    icto_electrode_map_set_highlighted (m->map, icto_layout_find_channel (m->layout, signal));
}

static gboolean
play_tick_cb (gpointer data)
{
  IctoWindow *self = data;
  IctoWindowMap *m = get (self);
  IctoRecording *rec = icto_session_get_recording (self->session);
  double speed = speeds[MIN (gtk_drop_down_get_selected (m->speed_drop), G_N_ELEMENTS (speeds) - 1)];
  gint64 start, step = icto_seconds_to_ticks (speed * PLAY_TICK_MS / 1000.0);

  if (rec == NULL)
    {
      gtk_toggle_button_set_active (m->play_button, FALSE);
      return G_SOURCE_REMOVE;
    }
  start = icto_session_get_start (self->session);
  if (start + icto_session_get_page_ticks (self->session) >= icto_recording_get_duration (rec))
    {
      gtk_toggle_button_set_active (m->play_button, FALSE);
      return G_SOURCE_REMOVE;
    }
  icto_session_set_start (self->session, start + step);
  return G_SOURCE_CONTINUE;
}

static void
play_toggled_cb (GtkToggleButton *button,
                 IctoWindow      *self)
{
  IctoWindowMap *m = get (self);

  if (gtk_toggle_button_get_active (button))
    {
      gtk_button_set_icon_name (GTK_BUTTON (button), "media-playback-pause-symbolic");
      gtk_widget_set_tooltip_text (GTK_WIDGET (button), _("Pause"));
      if (m->play_id == 0)
        m->play_id = g_timeout_add (PLAY_TICK_MS, play_tick_cb, self);
    }
  else
    {
      gtk_button_set_icon_name (GTK_BUTTON (button), "media-playback-start-symbolic");
      gtk_widget_set_tooltip_text (GTK_WIDGET (button), _("Play through the recording"));
      g_clear_handle_id (&m->play_id, g_source_remove);
    }
}

static void
export_response_cb (GtkNativeDialog *dialog,
                    int              response,
                    IctoWindow      *self)
{
  IctoWindowMap *m = get (self);
  g_autoptr(GFile) file = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  gboolean beside;

  if (m == NULL)
    return;
  if (response == GTK_RESPONSE_ACCEPT)
    {
      file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      path = file ? g_file_get_path (file) : NULL;
    }
  g_clear_object (&m->chooser);
  if (path == NULL)
    return;
  beside = gtk_check_button_get_active (m->beside_check) && icto_trace_view_get_page (self->trace_view) != NULL;
  if (!icto_map_painter_export (icto_electrode_map_get_paint (m->map),
                                beside ? icto_trace_view_get_page (self->trace_view) : NULL,
                                path, beside ? 1800 : 900, 900, &error))
    set_status (m, g_strdup (error->message));
  else
    set_status (m, g_strdup_printf (_("Saved %s"), path));
}

static void
export_clicked_cb (GtkButton  *button,
                   IctoWindow *self)
{
  IctoWindowMap *m = get (self);

  if (m->chooser != NULL)
    return;
  m->chooser = gtk_file_chooser_native_new (_("Export the Map"), GTK_WINDOW (self),
                                            GTK_FILE_CHOOSER_ACTION_SAVE, _("_Export"), _("_Cancel"));
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (m->chooser), "map.png");
  g_signal_connect (m->chooser, "response", G_CALLBACK (export_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (m->chooser));
}

/* The search entry inside a drop-down's popover gets a name too. */
static void
electrodes_response_cb (GtkNativeDialog *dialog,
                        int              response,
                        IctoWindow      *self)
{
  IctoWindowMap *m = get (self);
  g_autoptr(GFile) file = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;

  if (m == NULL)
    return;
  if (response == GTK_RESPONSE_ACCEPT)
    {
      file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      path = file ? g_file_get_path (file) : NULL;
    }
  g_clear_object (&m->electrodes_chooser);
  if (path != NULL)
    _icto_window_map_load_electrodes (self, path, &error);
  if (error != NULL)
    set_status (m, g_strdup (error->message));
}

static void
electrodes_clicked_cb (GtkButton  *button,
                       IctoWindow *self)
{
  IctoWindowMap *m = get (self);
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  if (m->electrodes_chooser != NULL || m->recording == NULL)
    return;
  m->electrodes_chooser = gtk_file_chooser_native_new (_("Electrode Positions"), GTK_WINDOW (self),
                                                       GTK_FILE_CHOOSER_ACTION_OPEN, _("_Open"), _("_Cancel"));
  gtk_file_filter_set_name (filter, _("BIDS electrodes (*.tsv)"));
  gtk_file_filter_add_pattern (filter, "*.tsv");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (m->electrodes_chooser), filter);
  g_signal_connect (m->electrodes_chooser, "response", G_CALLBACK (electrodes_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (m->electrodes_chooser));
}

/* An edited layout replaces the current one and is kept in the store. */
static void
apply_edit (IctoWindowMap *m,
            IctoLayout    *layout)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *patient = NULL;
  int selected = icto_electrode_map_get_selected (m->map);
  int highlighted = icto_electrode_map_get_highlighted (m->map);

  patient = m->recording ? patient_of (m->recording) : NULL;
  g_clear_pointer (&m->layout, icto_layout_unref);
  m->layout = layout;
  icto_electrode_map_set_layout (m->map, m->layout);
  icto_electrode_map_set_selected (m->map, selected);
  icto_electrode_map_set_highlighted (m->map, highlighted);
  g_free (m->layout_source);
  m->layout_source = g_strdup ("store");
  if (m->recording != NULL && ensure_store (m) != NULL &&
      !icto_map_layout_save (m->store, m->recording, patient, _("Edited layout"), m->layout, &error))
    set_status (m, g_strdup (error->message));
  show_values (m);
}

static void
group_moved_cb (IctoElectrodeMap *map,
                const char       *group,
                double            dx,
                double            dy,
                IctoWindow       *self)
{
  IctoWindowMap *m = get (self);
  IctoLayout *moved;

  if (m->layout == NULL || (moved = icto_layout_new_moved (m->layout, group, dx, dy)) == NULL)
    return;
  apply_edit (m, moved);
}

static void
grid_clicked_cb (GtkButton  *button,
                 IctoWindow *self)
{
  g_autoptr(GError) error = NULL;

  if (!_icto_window_map_set_grid_size (self, gtk_spin_button_get_value_as_int (get (self)->rows_spin),
                                       gtk_spin_button_get_value_as_int (get (self)->cols_spin), &error))
    set_status (get (self), g_strdup (error->message));
}

static void
edit_toggled_cb (GtkToggleButton *button,
                 IctoWindow      *self)
{
  IctoWindowMap *m = get (self);
  gboolean on = gtk_toggle_button_get_active (button);

  icto_electrode_map_set_editable (m->map, on);
  gtk_widget_set_visible (m->edit_box, on);
  if (on)
    set_status (m, g_strdup (_("Drag a shaft, strip or grid to move it; select a contact and set its group’s "
                               "grid size.  Changes are kept for this recording and patient.")));
}

static GtkDropDown *
drop_down (const char *const *items, const char *tooltip)
{
  GtkDropDown *d = GTK_DROP_DOWN (gtk_drop_down_new_from_strings (items));

  icto_widgets_name_search_entries (GTK_WIDGET (d), _("Search"));
  gtk_widget_set_tooltip_text (GTK_WIDGET (d), tooltip);
  gtk_accessible_update_property (GTK_ACCESSIBLE (d), GTK_ACCESSIBLE_PROPERTY_LABEL, tooltip, -1);
  return d;
}

static void
build_page (IctoWindow *self, IctoWindowMap *m)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *row1 = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *row2 = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *export_button;
  GtkWidget *electrodes_button;
  GtkWidget *grid_button;
  const char *quantities[ICTO_MAP_N_QUANTITIES + 1];
  const char *layers[] = { _("Mean of layers"), _("Rollout"), _("Layer 1"), _("Layer 2"), _("Layer 3"),
                           _("Layer 4"), _("Layer 5"), _("Layer 6"), NULL };
  const char *colormaps[] = { "viridis", "cividis", NULL };
  const char *speed_names[] = { _("1 s/s"), _("2 s/s"), _("5 s/s"), _("10 s/s"), NULL };

  for (guint q = 0; q < ICTO_MAP_N_QUANTITIES; q++)
    quantities[q] = icto_map_quantity_get_title (q);
  quantities[ICTO_MAP_N_QUANTITIES] = NULL;
  gtk_widget_set_margin_start (box, 6);
  gtk_widget_set_margin_end (box, 6);
  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 6);

  m->quantity_drop = drop_down (quantities, _("Quantity shown on the map"));
  gtk_drop_down_set_selected (m->quantity_drop, ICTO_MAP_ATTENTION_RECEIVED);
  gtk_widget_set_hexpand (GTK_WIDGET (m->quantity_drop), TRUE);
  m->layer_drop = drop_down (layers, _("Attention of which layers"));
  gtk_box_append (GTK_BOX (row1), GTK_WIDGET (m->quantity_drop));
  gtk_box_append (GTK_BOX (row1), GTK_WIDGET (m->layer_drop));

  m->play_button = GTK_TOGGLE_BUTTON (gtk_toggle_button_new ());
  gtk_button_set_icon_name (GTK_BUTTON (m->play_button), "media-playback-start-symbolic");
  gtk_widget_set_tooltip_text (GTK_WIDGET (m->play_button), _("Play through the recording"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (m->play_button), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Play"), -1);
  m->speed_drop = drop_down (speed_names, _("Playing speed: seconds of recording per second"));
  m->colormap_drop = drop_down (colormaps, _("Colour map"));
  m->beside_check = GTK_CHECK_BUTTON (gtk_check_button_new_with_label (_("With page")));
  gtk_widget_set_tooltip_text (GTK_WIDGET (m->beside_check), _("Export the map beside the page of traces"));
  export_button = gtk_button_new_with_mnemonic (_("_Export…"));
  gtk_widget_set_tooltip_text (export_button, _("Save the map as PNG, SVG or PDF"));
  gtk_box_append (GTK_BOX (row2), GTK_WIDGET (m->play_button));
  gtk_box_append (GTK_BOX (row2), GTK_WIDGET (m->speed_drop));
  gtk_box_append (GTK_BOX (row2), GTK_WIDGET (m->colormap_drop));
  gtk_box_append (GTK_BOX (row2), GTK_WIDGET (m->beside_check));
  gtk_box_append (GTK_BOX (row2), export_button);
  electrodes_button = gtk_button_new_with_mnemonic (_("E_lectrodes…"));
  gtk_widget_set_tooltip_text (electrodes_button, _("Read electrode positions from a BIDS electrodes.tsv; "
                                                    "they are kept for this recording and patient"));
  gtk_box_append (GTK_BOX (row2), electrodes_button);
  m->edit_button = GTK_TOGGLE_BUTTON (gtk_toggle_button_new_with_mnemonic (_("E_dit")));
  gtk_widget_set_tooltip_text (GTK_WIDGET (m->edit_button), _("Edit the layout: move groups, set grid sizes"));
  gtk_box_append (GTK_BOX (row2), GTK_WIDGET (m->edit_button));

  m->edit_box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  m->rows_spin = GTK_SPIN_BUTTON (gtk_spin_button_new_with_range (1, 64, 1));
  m->cols_spin = GTK_SPIN_BUTTON (gtk_spin_button_new_with_range (1, 64, 1));
  gtk_spin_button_set_value (m->rows_spin, 8);
  gtk_spin_button_set_value (m->cols_spin, 8);
  gtk_accessible_update_property (GTK_ACCESSIBLE (m->rows_spin), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Grid rows"), -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (m->cols_spin), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Grid columns"), -1);
  grid_button = gtk_button_new_with_mnemonic (_("Set _Grid Size"));
  gtk_widget_set_tooltip_text (grid_button, _("Make the selected contact’s group a grid of this size"));
  gtk_box_append (GTK_BOX (m->edit_box), gtk_label_new (_("Rows")));
  gtk_box_append (GTK_BOX (m->edit_box), GTK_WIDGET (m->rows_spin));
  gtk_box_append (GTK_BOX (m->edit_box), gtk_label_new (_("Columns")));
  gtk_box_append (GTK_BOX (m->edit_box), GTK_WIDGET (m->cols_spin));
  gtk_box_append (GTK_BOX (m->edit_box), grid_button);
  gtk_widget_set_visible (m->edit_box, FALSE);

  m->map = ICTO_ELECTRODE_MAP (icto_electrode_map_new ());
  gtk_widget_set_size_request (GTK_WIDGET (m->map), 320, 360);
  m->status = GTK_LABEL (gtk_label_new (_("Open a recording to see its electrodes.")));
  gtk_label_set_wrap (m->status, TRUE);
  gtk_label_set_xalign (m->status, 0);
  gtk_widget_add_css_class (GTK_WIDGET (m->status), "dim-label");

  gtk_box_append (GTK_BOX (box), row1);
  gtk_box_append (GTK_BOX (box), row2);
  gtk_box_append (GTK_BOX (box), m->edit_box);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (m->map));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (m->status));
  m->page = box;

  g_signal_connect (m->quantity_drop, "notify::selected", G_CALLBACK (choice_changed_cb), self);
  g_signal_connect (m->layer_drop, "notify::selected", G_CALLBACK (choice_changed_cb), self);
  g_signal_connect (m->colormap_drop, "notify::selected", G_CALLBACK (choice_changed_cb), self);
  g_signal_connect (m->play_button, "toggled", G_CALLBACK (play_toggled_cb), self);
  g_signal_connect (export_button, "clicked", G_CALLBACK (export_clicked_cb), self);
  g_signal_connect (electrodes_button, "clicked", G_CALLBACK (electrodes_clicked_cb), self);
  g_signal_connect (m->edit_button, "toggled", G_CALLBACK (edit_toggled_cb), self);
  g_signal_connect (grid_button, "clicked", G_CALLBACK (grid_clicked_cb), self);
  g_signal_connect (m->map, "group-moved", G_CALLBACK (group_moved_cb), self);
  g_signal_connect (m->page, "map", G_CALLBACK (page_mapped_cb), self);
  g_signal_connect (m->map, "contact-activated", G_CALLBACK (contact_activated_cb), self);
}

void
_icto_window_map_class_init (GtkWidgetClass *widget_class)
{
}

void
_icto_window_map_init (IctoWindow *self)
{
  IctoWindowMap *m = g_new0 (IctoWindowMap, 1);

  m->window = self;
  m->onset = -1;
  self->map = m;
  build_page (self, m);
  _icto_window_add_side_page (self, m->page, "map", _("Map"));
  g_signal_connect (self->session, "changed", G_CALLBACK (session_changed_cb), self);
  g_signal_connect (self->session, "notify", G_CALLBACK (session_notify_cb), self);
  g_signal_connect (self->trace_view, "notify::highlighted-signal", G_CALLBACK (highlight_changed_cb), self);
}

void
_icto_window_map_dispose (IctoWindow *self)
{
  IctoWindowMap *m = get (self);

  if (m == NULL)
    return;
  if (self->session != NULL)
    {
      g_signal_handlers_disconnect_by_func (self->session, session_changed_cb, self);
      g_signal_handlers_disconnect_by_func (self->session, session_notify_cb, self);
    }
  if (self->trace_view != NULL)
    g_signal_handlers_disconnect_by_func (self->trace_view, highlight_changed_cb, self);
  g_cancellable_cancel (m->cancellable);
  g_clear_object (&m->cancellable);
  g_clear_handle_id (&m->compute_id, g_source_remove);
  g_clear_handle_id (&m->play_id, g_source_remove);
  if (m->chooser != NULL)
    {
      g_signal_handlers_disconnect_by_func (m->chooser, export_response_cb, self);
      gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (m->chooser));
      g_clear_object (&m->chooser);
    }
  if (m->electrodes_chooser != NULL)
    {
      g_signal_handlers_disconnect_by_func (m->electrodes_chooser, electrodes_response_cb, self);
      gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (m->electrodes_chooser));
      g_clear_object (&m->electrodes_chooser);
    }
  g_clear_object (&m->store);
  g_clear_pointer (&m->layout_source, g_free);
  g_cancellable_cancel (m->soz_cancellable);
  g_clear_object (&m->soz_cancellable);
  g_clear_pointer (&m->soz_text, g_free);
  g_clear_object (&m->recording);
  g_clear_pointer (&m->layout, icto_layout_unref);
  g_clear_pointer (&m->channels, g_free);
  g_clear_pointer (&m->soz, g_strfreev);
  g_clear_pointer (&m->model, icto_model_unref);
  g_clear_pointer (&m->result, icto_map_result_free);
  g_clear_pointer (&m->status_text, g_free);
  g_free (m);
  self->map = NULL;
}

IctoElectrodeMap *
_icto_window_map_get_widget (IctoWindow *self)
{
  return get (self) ? get (self)->map : NULL;
}

guint
_icto_window_map_get_n_computed (IctoWindow *self)
{
  return get (self) ? get (self)->n_computed : 0;
}

void
_icto_window_map_set_quantity (IctoWindow *self,
                               guint       quantity)
{
  g_return_if_fail (quantity < ICTO_MAP_N_QUANTITIES);
  gtk_drop_down_set_selected (get (self)->quantity_drop, quantity);
}

const char *
_icto_window_map_get_status (IctoWindow *self)
{
  return get (self) && get (self)->status_text ? get (self)->status_text : "";
}

void
_icto_window_map_set_playing (IctoWindow *self,
                              gboolean    playing)
{
  gtk_toggle_button_set_active (get (self)->play_button, playing);
}

gboolean
_icto_window_map_load_electrodes (IctoWindow  *self,
                                  const char  *path,
                                  GError     **error)
{
  IctoWindowMap *m = get (self);
  g_autoptr(IctoLayout) layout = NULL;
  g_autofree char *patient = NULL;
  g_autofree char *name = NULL;

  ensure_layout (m);
  if (m->recording == NULL)
    return FALSE;
  layout = icto_map_layout_for_recording (m->recording, path, error);
  if (layout == NULL)
    return FALSE;
  patient = patient_of (m->recording);
  name = g_path_get_basename (path);
  if (ensure_store (m) != NULL && !icto_map_layout_save (m->store, m->recording, patient, name, layout, error))
    return FALSE;
  g_clear_pointer (&m->layout, icto_layout_unref);
  g_clear_pointer (&m->channels, g_free);
  m->layout = g_steal_pointer (&layout);
  m->channels = icto_map_layout_channels (m->layout, &m->n_channels);
  g_free (m->layout_source);
  m->layout_source = g_strdup ("store");
  icto_electrode_map_set_layout (m->map, m->layout);
  g_clear_pointer (&m->result, icto_map_result_free);
  queue_compute (self);
  return TRUE;
}

const char *
_icto_window_map_get_layout_source (IctoWindow *self)
{
  return get (self) && get (self)->layout_source ? get (self)->layout_source : "";
}

void
_icto_window_map_set_editing (IctoWindow *self,
                              gboolean    editing)
{
  gtk_toggle_button_set_active (get (self)->edit_button, editing);
}

gboolean
_icto_window_map_set_grid_size (IctoWindow  *self,
                                int          rows,
                                int          cols,
                                GError     **error)
{
  IctoWindowMap *m = get (self);
  int contact = icto_electrode_map_get_selected (m->map);
  IctoLayout *resized;

  if (m->layout == NULL || contact < 0 || (guint) contact >= icto_layout_get_n_contacts (m->layout))
    {
      g_set_error (error, ICTO_SIGNAL_ERROR, ICTO_SIGNAL_ERROR_LAYOUT, _("Select a contact of the group first"));
      return FALSE;
    }
  resized = icto_layout_new_with_grid_size (m->layout, icto_layout_get_contact (m->layout, (guint) contact)->group,
                                            rows, cols, error);
  if (resized == NULL)
    return FALSE;
  apply_edit (m, resized);
  return TRUE;
}
