/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-map"

#include "config.h"

#include <adwaita.h>
#include <math.h>
#include <string.h>

#include "app/icto-application.h"
#include "app/icto-window-map.h"
#include "app/icto-window-private.h"
#include "app/icto-window.h"
#include "core/icto-map.h"
#include "icto-gui-test.h"
#include "icto-test-util.h"
#include "sim/icto-sim.h"
#include "widgets/icto-widgets-init.h"

/* The "Map" side page on the real window: the map beside a page of the
 * real sEEG sample (positions from its electrodes.tsv, attention from the
 * bundled model), a click on a contact highlights its trace and the
 * reverse, and a simulated recording during its seizure with the
 * simulator's ground-truth SOZ outlined; screenshots of both. */

static IctoApplication *app;

static void
open_finished_cb (IctoWindow *window,
                  gboolean    success,
                  gpointer    data)
{
  int *result = data;

  *result = success ? 1 : 0;
}

static IctoWindow *
open_window (const char *path)
{
  IctoWindow *window = icto_window_new (app);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  int result = -1;

  gtk_window_set_default_size (GTK_WINDOW (window), 1600, 900);
  gtk_window_present (GTK_WINDOW (window));
  g_signal_connect (window, "open-finished", G_CALLBACK (open_finished_cb), &result);
  icto_window_open (window, file);
  ICTO_GUI_WAIT_FOR (result >= 0);
  g_assert_cmpint (result, ==, 1);
  icto_gui_test_settle ();
  return window;
}

static guint
n_finite (const IctoMapPaint *p)
{
  guint n = 0;

  for (guint i = 0; p->values != NULL && i < p->n_values; i++)
    n += isfinite (p->values[i]);
  return n;
}

static void
test_map_seeg (void)
{
  g_autofree char *path = icto_test_shared_path ("data/real/seeg_mne_sample/sample_seeg.edf");
  g_autofree char *shot = NULL;
  g_autofree char *shot_map = NULL;
  IctoWindow *window;
  IctoElectrodeMap *map;
  IctoTraceView *view;
  IctoLayout *layout;
  const IctoMapPaint *paint;
  guint computed;
  int contact, signal;

  if (path == NULL)
    return;
  window = open_window (path);
  view = icto_window_get_trace_view (window);
  _icto_window_show_side_page (window, "map");
  map = _icto_window_map_get_widget (window);
  g_assert_nonnull (map);
  ICTO_GUI_WAIT_FOR (_icto_window_map_get_n_computed (window) >= 1 && icto_electrode_map_has_values (map));
  layout = icto_electrode_map_get_layout (map);
  g_assert_nonnull (layout);
  g_assert_cmpuint (icto_layout_get_n_contacts (layout), ==, 88);
  g_assert_cmpuint (icto_layout_get_n_views (layout), ==, 2);
  paint = icto_electrode_map_get_paint (map);
  /* attention received by the 88 contacts, from the model window ending at 10 s */
  g_assert_cmpuint (n_finite (paint), ==, 88);
  g_assert_nonnull (strstr (_icto_window_map_get_status (window), "0–10 s"));

  /* a click on contact L'5 highlights its trace */
  contact = icto_layout_find_label (layout, "L'5");
  g_signal_emit_by_name (map, "contact-activated", contact);
  g_assert_cmpint (icto_trace_view_get_highlighted_signal (view), ==,
                   icto_layout_get_contact (layout, (guint) contact)->channel);
  g_assert_cmpint (icto_electrode_map_get_highlighted (map), ==, contact);
  /* and the reverse: a trace highlighted in the view rings its contact */
  signal = icto_layout_get_contact (layout, (guint) icto_layout_find_label (layout, "X'3"))->channel;
  icto_trace_view_set_highlighted_signal (view, signal);
  g_assert_cmpint (icto_electrode_map_get_highlighted (map), ==, icto_layout_find_label (layout, "X'3"));

  /* attention from the selected contact (L'5): a probability row */
  icto_electrode_map_set_selected (map, contact);
  _icto_window_map_set_quantity (window, ICTO_MAP_ATTENTION_FROM);
  paint = icto_electrode_map_get_paint (map);
  g_assert_cmpuint (n_finite (paint), ==, 88);
  {
    double sum = 0;
    for (guint i = 0; i < paint->n_values; i++)
      if (isfinite (paint->values[i]))
        sum += paint->values[i];
    g_assert_cmpfloat_with_epsilon (sum, 1.0, 1e-3);
  }

  /* paging moves the map's time: the window now ends at 20 s */
  computed = _icto_window_map_get_n_computed (window);
  icto_session_page (icto_window_get_session (window), 1);
  ICTO_GUI_WAIT_FOR (_icto_window_map_get_n_computed (window) > computed &&
                     strstr (_icto_window_map_get_status (window), "0–20 s") != NULL);

  _icto_window_map_set_quantity (window, ICTO_MAP_ATTENTION_RECEIVED);
  icto_gui_test_settle ();
  shot = icto_gui_test_screenshot (GTK_WIDGET (window), "map-seeg.png");
  shot_map = icto_gui_test_screenshot (GTK_WIDGET (map), "map-seeg-panel.png");
  g_assert_true (g_file_test (shot, G_FILE_TEST_EXISTS));
  gtk_window_destroy (GTK_WINDOW (window));
  icto_gui_test_settle ();
}

static void
test_map_simulated_seizure (void)
{
  g_autofree char *path = g_build_filename (icto_test_tmpdir (), "sim-map.edf", NULL);
  g_autofree char *shot = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) soz = NULL;
  IctoSimParams params;
  IctoWindow *window;
  IctoSession *session;
  IctoElectrodeMap *map;
  const IctoMapPaint *paint;
  gint64 onset = -1, start;
  guint computed;
  int rows, cols;

  icto_sim_params_init (&params);
  params.duration = 190;
  params.n_seizures = 1;
  params.seed = 3;
  g_assert_true (icto_sim_write (&params, path, NULL, NULL, &error));
  g_assert_no_error (error);

  window = open_window (path);
  session = icto_window_get_session (window);
  soz = icto_map_find_soz (icto_session_get_recording (session), &onset);
  g_assert_nonnull (soz);
  g_assert_cmpint (onset, >, 0);
  _icto_window_show_side_page (window, "map");
  map = _icto_window_map_get_widget (window);
  ICTO_GUI_WAIT_FOR (_icto_window_map_get_n_computed (window) >= 1);

  /* the page that ends 10 s after the EEC */
  computed = _icto_window_map_get_n_computed (window);
  icto_session_set_start (session, onset + 10 * ICTO_TICKS_PER_SECOND - icto_session_get_page_ticks (session));
  ICTO_GUI_WAIT_FOR (_icto_window_map_get_n_computed (window) > computed);
  _icto_window_map_set_quantity (window, ICTO_MAP_CONTRIBUTION);
  paint = icto_electrode_map_get_paint (map);
  /* the default simulated layout LA:12, LH:12, RH:8, G:4x4 from its electrodes.tsv */
  g_assert_cmpuint (icto_layout_get_n_contacts (paint->layout), ==, 48);
  g_assert_true (icto_layout_get_grid_size (paint->layout, "G", &rows, &cols));
  g_assert_cmpint (rows, ==, 4);
  g_assert_cmpint (cols, ==, 4);
  g_assert_cmpuint (n_finite (paint), >=, 46);
  g_assert_cmpint (paint->colormap, ==, ICTO_COLORMAP_DIVERGING);
  /* the ground-truth SOZ is outlined */
  g_assert_nonnull (paint->soz);
  g_assert_cmpuint (g_strv_length ((char **) paint->soz), ==, g_strv_length (soz));
  /* the agreement of the model's focus with the SOZ in the status line */
  ICTO_GUI_WAIT_FOR (strstr (_icto_window_map_get_status (window), "Onset zone") != NULL);
  g_test_message ("status: %s", _icto_window_map_get_status (window));
  shot = icto_gui_test_screenshot (GTK_WIDGET (window), "map-simulated-seizure.png");
  g_free (icto_gui_test_screenshot (GTK_WIDGET (map), "map-simulated-seizure-panel.png"));

  /* play: the page (and the map with it) moves on */
  start = icto_session_get_start (session);
  _icto_window_map_set_playing (window, TRUE);
  ICTO_GUI_WAIT_FOR (icto_session_get_start (session) >= start + ICTO_TICKS_PER_SECOND / 2);
  _icto_window_map_set_playing (window, FALSE);
  start = icto_session_get_start (session);
  icto_gui_test_settle ();
  g_assert_cmpint (icto_session_get_start (session), ==, start);
  gtk_window_destroy (GTK_WINDOW (window));
  icto_gui_test_settle ();
}


/* Positions read from a chosen electrodes.tsv are kept in the store: the
 * recording opened again in a new window gets them back. */
static void
test_map_electrodes_kept (void)
{
  g_autofree char *path = icto_test_shared_path ("data/real/ecog_pt01_seizure1/pt01_seizure1_ecog.edf");
  g_autofree char *tsv = g_build_filename (icto_test_tmpdir (), "pt01_electrodes.tsv", NULL);
  g_autoptr(GError) error = NULL;
  IctoWindow *window;
  IctoElectrodeMap *map;
  int rows = 0, cols = 0;
  double att_x, att_y;

  if (path == NULL)
    return;
  /* the grid is really 2 x 16 (not the 4 x 8 guessed from G1..G32) */
  g_assert_true (g_file_set_contents (tsv, "name\tx\ty\tz\tsize\tgroup\ttype\tdimension\n"
                                           "G1\tn/a\tn/a\tn/a\tn/a\tG\tgrid\t[2x16]\n"
                                           "G2\tn/a\tn/a\tn/a\tn/a\tG\tgrid\t[2x16]\n"
                                           "G8\tn/a\tn/a\tn/a\tn/a\tG\tgrid\t[2x16]\n", -1, NULL));
  window = open_window (path);
  _icto_window_show_side_page (window, "map");
  map = _icto_window_map_get_widget (window);
  ICTO_GUI_WAIT_FOR (icto_electrode_map_get_layout (map) != NULL);
  g_assert_cmpstr (_icto_window_map_get_layout_source (window), ==, "labels");
  g_assert_true (icto_layout_get_grid_size (icto_electrode_map_get_layout (map), "G", &rows, &cols));
  g_assert_cmpint (cols, ==, 8);

  g_assert_false (_icto_window_map_load_electrodes (window, "/nonexistent_electrodes.tsv", &error));
  g_assert_error (error, ICTO_SIGNAL_ERROR, ICTO_SIGNAL_ERROR_IO);
  g_clear_error (&error);
  g_assert_true (_icto_window_map_load_electrodes (window, tsv, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (_icto_window_map_get_layout_source (window), ==, "store");
  g_assert_true (icto_layout_get_grid_size (icto_electrode_map_get_layout (map), "G", &rows, &cols));
  g_assert_cmpint (rows, ==, 2);
  g_assert_cmpint (cols, ==, 16);
  g_assert_cmpuint (icto_layout_get_n_contacts (icto_electrode_map_get_layout (map)), ==, 84);

  /* the editor: drag the ATT strip 15 mm right and 5 mm up; make SF a 2 x 3 grid */
  {
    IctoLayout *layout = icto_electrode_map_get_layout (map);
    const IctoContact *att1 = icto_layout_get_contact (layout, (guint) icto_layout_find_label (layout, "ATT1"));
    g_autoptr(GError) grid_error = NULL;

    att_x = att1->x[0];
    att_y = att1->y[0];
    _icto_window_map_set_editing (window, TRUE);
    g_assert_true (icto_electrode_map_get_editable (map));
    g_signal_emit_by_name (map, "group-moved", "ATT", 15.0, -5.0);
    layout = icto_electrode_map_get_layout (map);
    att1 = icto_layout_get_contact (layout, (guint) icto_layout_find_label (layout, "ATT1"));
    g_assert_cmpfloat_with_epsilon (att1->x[0], att_x + 15.0, 1e-9);
    g_assert_cmpfloat_with_epsilon (att1->y[0], att_y - 5.0, 1e-9);
    icto_electrode_map_set_selected (map, -1);
    g_assert_false (_icto_window_map_set_grid_size (window, 2, 3, &grid_error));
    g_assert_error (grid_error, ICTO_SIGNAL_ERROR, ICTO_SIGNAL_ERROR_LAYOUT);
    g_clear_error (&grid_error);
    icto_electrode_map_set_selected (map, icto_layout_find_label (layout, "SF2"));
    g_assert_true (_icto_window_map_set_grid_size (window, 2, 3, &grid_error));
    g_assert_no_error (grid_error);
    layout = icto_electrode_map_get_layout (map);
    g_assert_cmpint (icto_layout_get_contact (layout, (guint) icto_layout_find_label (layout, "SF4"))->row, ==, 1);
    g_assert_cmpint (icto_layout_get_contact (layout, (guint) icto_layout_find_label (layout, "SF4"))->shape, ==,
                     ICTO_LAYOUT_GRID);
    g_free (icto_gui_test_screenshot (GTK_WIDGET (map), "map-edited-panel.png"));
  }
  gtk_window_destroy (GTK_WINDOW (window));
  icto_gui_test_settle ();

  window = open_window (path);
  _icto_window_show_side_page (window, "map");
  map = _icto_window_map_get_widget (window);
  ICTO_GUI_WAIT_FOR (icto_electrode_map_get_layout (map) != NULL);
  g_assert_cmpstr (_icto_window_map_get_layout_source (window), ==, "store");
  g_assert_cmpuint (icto_layout_get_n_contacts (icto_electrode_map_get_layout (map)), ==, 84);
  g_assert_true (icto_layout_get_grid_size (icto_electrode_map_get_layout (map), "G", &rows, &cols));
  g_assert_cmpint (rows, ==, 2);
  g_assert_cmpint (cols, ==, 16);
  /* the edits came back */
  {
    IctoLayout *layout = icto_electrode_map_get_layout (map);
    const IctoContact *att1 = icto_layout_get_contact (layout, (guint) icto_layout_find_label (layout, "ATT1"));
    g_assert_cmpfloat_with_epsilon (att1->x[0], att_x + 15.0, 1e-3);
    g_assert_cmpfloat_with_epsilon (att1->y[0], att_y - 5.0, 1e-3);
    g_assert_true (icto_layout_get_grid_size (layout, "SF", &rows, &cols));
    g_assert_cmpint (rows, ==, 2);
    g_assert_cmpint (cols, ==, 3);
  }
  gtk_window_destroy (GTK_WINDOW (window));
  icto_gui_test_settle ();
}

int
main (int    argc,
      char **argv)
{
  int ret;

  g_setenv ("GSK_RENDERER", "cairo", FALSE);
  g_setenv ("GTK_A11Y", "none", FALSE);
  g_setenv ("NO_AT_BRIDGE", "1", TRUE);
  g_test_init (&argc, &argv, NULL);

  if (!icto_gui_test_have_display ())
    return g_test_run ();

  app = icto_gui_test_app_new (".TestMap");
  g_test_add_func ("/app/map/seeg", test_map_seeg);
  g_test_add_func ("/app/map/simulated-seizure", test_map_simulated_seizure);
  g_test_add_func ("/app/map/electrodes-kept", test_map_electrodes_kept);
  ret = g_test_run ();
  g_clear_object (&app);
  return ret;
}
