/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-annotation-layer"

#include "config.h"

#include <glib/gstdio.h>
#include <gtk/gtk.h>
#include <math.h>

#include "icto-test-util.h"
#include "widgets/icto-annotation-layer.h"
#include "widgets/icto-widgets-init.h"

#define S(x) ((gint64) ((x) * 10000000.0 + 0.5))

static gint64
add (IctoStore  *store,
     gint64      rec,
     double      onset_s,
     double      duration_s,
     const char *label,
     const char *channels)
{
  g_autoptr(IctoAnnotation) a = icto_annotation_new ();
  g_autoptr(GError) error = NULL;

  a->recording_id = rec;
  a->onset = S (onset_s);
  a->duration = S (duration_s);
  a->label = g_strdup (label);
  if (channels != NULL)
    a->channels = g_strsplit (channels, ",", -1);
  g_assert_true (icto_store_add (store, a, &error));
  g_assert_no_error (error);
  return a->id;
}

static void
test_row_matches (void)
{
  g_assert_true (icto_annotation_layer_row_matches ("A1", "A1"));
  g_assert_true (icto_annotation_layer_row_matches ("a1", "A1"));
  g_assert_true (icto_annotation_layer_row_matches ("A1-A2", "A1"));
  g_assert_true (icto_annotation_layer_row_matches ("A1-A2", "A2"));
  g_assert_true (icto_annotation_layer_row_matches ("A1-A2", "A1-A2"));
  g_assert_false (icto_annotation_layer_row_matches ("A1-A2", "A"));
  g_assert_false (icto_annotation_layer_row_matches ("A12", "A1"));
  g_assert_false (icto_annotation_layer_row_matches ("A1", "A12"));
  g_assert_false (icto_annotation_layer_row_matches ("-A1", "A"));
  g_assert_false (icto_annotation_layer_row_matches (NULL, "A1"));
}

/* Bands: clipped to the page when the onset is off screen, only over the
 * rows of channel-linked annotations; the rater filter of the list applies. */
static void
test_layer_geometry (void)
{
  g_autofree char *path = g_build_filename (icto_test_tmpdir (), "layer.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(IctoStore) store = NULL;
  g_autoptr(IctoAnnotationList) list = NULL;
  g_autoptr(IctoTracePage) page = icto_trace_page_new (4, 400);
  const char *names[] = { "A1-A2", "A2-A3", "B1-B2", "B2-B3" };
  const char *bob[] = { "bob", NULL };
  GtkWidget *window, *layer;
  graphene_rect_t band;
  gint64 rec, early, linked, instant, later;
  double w, h;

  store = icto_store_open (path, &error);
  g_assert_no_error (error);
  icto_store_set_default_rater (store, "alice");
  rec = icto_store_ensure_recording (store, "fp-layer", NULL, S (100), &error);
  early = add (store, rec, 5, 10, "sz", NULL);             /* from before the page into it */
  linked = add (store, rec, 12, 2, "spike", "B2");          /* rows B1-B2 and B2-B3 */
  instant = add (store, rec, 15, 0, "artefact", NULL);
  later = add (store, rec, 30, 1, "spike", NULL);           /* not on the page */

  list = icto_annotation_list_new (store);
  icto_annotation_list_set_recording (list, rec);
  page->start = S (10);
  page->duration = S (10);
  for (guint i = 0; i < 4; i++)
    icto_trace_page_set_channel (page, i, names[i], "uV", 0, 0, 50, FALSE);

  window = gtk_window_new ();
  layer = icto_annotation_layer_new ();
  gtk_window_set_default_size (GTK_WINDOW (window), 400, 200);
  gtk_window_set_child (GTK_WINDOW (window), layer);
  gtk_window_present (GTK_WINDOW (window));
  {
    gint64 deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
    while ((gtk_widget_get_width (layer) < 100 || gtk_widget_get_height (layer) < 100) &&
           g_get_monotonic_time () < deadline)
      g_main_context_iteration (NULL, TRUE);
  }
  w = gtk_widget_get_width (layer);
  h = gtk_widget_get_height (layer);
  g_assert_cmpfloat (w, >=, 100);

  /* nothing without a list or a page */
  icto_annotation_layer_set_page (ICTO_ANNOTATION_LAYER (layer), page);
  g_assert_cmpuint (icto_annotation_layer_get_n_shown (ICTO_ANNOTATION_LAYER (layer)), ==, 0);
  icto_annotation_layer_set_list (ICTO_ANNOTATION_LAYER (layer), list);
  g_assert_cmpuint (icto_annotation_layer_get_n_shown (ICTO_ANNOTATION_LAYER (layer)), ==, 3);

  g_assert_true (icto_annotation_layer_get_band (ICTO_ANNOTATION_LAYER (layer), early, &band));
  g_assert_cmpfloat (band.origin.x, ==, 0);
  g_assert_cmpfloat (fabs (band.size.width - w / 2), <, 1);
  g_assert_cmpfloat (band.origin.y, ==, 0);
  g_assert_cmpfloat (band.size.height, ==, h);

  g_assert_true (icto_annotation_layer_get_band (ICTO_ANNOTATION_LAYER (layer), linked, &band));
  g_assert_cmpfloat (fabs (band.origin.x - w * 0.2), <, 1);
  g_assert_cmpfloat (fabs (band.size.width - w * 0.2), <, 1);
  g_assert_cmpfloat (fabs (band.origin.y - h / 2), <, 0.01);
  g_assert_cmpfloat (fabs (band.size.height - h / 2), <, 0.01);

  g_assert_true (icto_annotation_layer_get_band (ICTO_ANNOTATION_LAYER (layer), instant, &band));
  g_assert_cmpfloat (fabs (band.origin.x - w / 2), <, 1);
  g_assert_cmpfloat (band.size.width, ==, 0);
  g_assert_false (icto_annotation_layer_get_band (ICTO_ANNOTATION_LAYER (layer), later, &band));

  /* the layer follows the store and the list's filters */
  add (store, rec, 18, 1, "spike", "A3");
  g_assert_cmpuint (icto_annotation_layer_get_n_shown (ICTO_ANNOTATION_LAYER (layer)), ==, 4);
  icto_annotation_list_set_raters (list, bob);
  g_assert_cmpuint (icto_annotation_layer_get_n_shown (ICTO_ANNOTATION_LAYER (layer)), ==, 0);
  icto_annotation_list_set_raters (list, NULL);

  /* it draws (render nodes for the bands and labels) */
  {
    GtkSnapshot *snapshot = gtk_snapshot_new ();
    g_autoptr(GskRenderNode) node = NULL;

    GTK_WIDGET_GET_CLASS (layer)->snapshot (layer, snapshot);
    node = gtk_snapshot_free_to_node (snapshot);
    g_assert_nonnull (node);
  }

  icto_annotation_layer_set_selected (ICTO_ANNOTATION_LAYER (layer), linked);
  g_assert_cmpint (icto_annotation_layer_get_selected (ICTO_ANNOTATION_LAYER (layer)), ==, linked);
  icto_annotation_layer_set_list (ICTO_ANNOTATION_LAYER (layer), NULL);
  g_assert_cmpuint (icto_annotation_layer_get_n_shown (ICTO_ANNOTATION_LAYER (layer)), ==, 0);
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int    argc,
      char **argv)
{
  g_setenv ("GSK_RENDERER", "cairo", FALSE);
  g_setenv ("GTK_A11Y", "none", FALSE);
  g_setenv ("NO_AT_BRIDGE", "1", TRUE);
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/widgets/annotation-layer/row-matches", test_row_matches);
  if (!gtk_init_check ())
    {
      if (g_strcmp0 (g_getenv ("CI"), "true") == 0)
        g_error ("no display under CI: the GUI tests must run under xvfb-run");
      g_test_message ("no display: the layer geometry test needs xvfb-run");
      return g_test_run ();
    }
  icto_widgets_init ();
  g_test_add_func ("/widgets/annotation-layer/geometry", test_layer_geometry);
  return g_test_run ();
}
