/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bench-annotations"

#include "config.h"

#include <glib/gstdio.h>
#include <gtk/gtk.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "core/icto-annotation-list.h"
#include "widgets/icto-annotation-layer.h"
#include "widgets/icto-widgets-init.h"

/*
 * bench-annotations [N_ANNOTATIONS]
 *
 * The annotation review with N annotations (default 100,000) in one 24-h
 * recording of a fresh database under /tmp (70 % of 0-2 s, 25 % of 2-60 s,
 * 5 % of 1-10 min, as bench-store), through core's IctoAnnotationList:
 *   - the full list load (what the side page and the overview strip read),
 *   - the reload after one edit (store "changed" -> items-changed),
 *   - a 10-s page's query (what the layer draws) and next/previous,
 * and, when a display is available (run under xvfb-run), the annotation
 * layer of a 48-channel 10-s page in a 1400 x 800 window: query plus
 * snapshot (render nodes), and query plus snapshot plus rendering to a
 * texture by the window's renderer.  Prints medians and 95th percentiles.
 */

#define TICKS G_GINT64_CONSTANT (10000000)

static double
now_us (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (double) ts.tv_sec * 1e6 + (double) ts.tv_nsec / 1e3;
}

static int
compare_double (const void *a,
                const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return x < y ? -1 : x > y;
}

static void
report (const char *what,
        double     *v,
        guint       n)
{
  qsort (v, n, sizeof *v, compare_double);
  printf ("%-44s median %10.1f µs   p95 %10.1f µs   (n=%u)\n", what, v[n / 2], v[(n * 95) / 100], n);
}

static gint64
fill (IctoStore *store,
      guint      n)
{
  g_autoptr(GError) error = NULL;
  gint64 rec = icto_store_ensure_recording (store, "bench-annotations", NULL, 24 * 3600 * TICKS, &error);
  const char *labels[] = { "spike", "artefact", "sz", "note" };
  GRand *rand = g_rand_new_with_seed (42);
  guint done = 0;

  g_assert_no_error (error);
  while (done < n)
    {
      g_autoptr(GPtrArray) batch = g_ptr_array_new_with_free_func ((GDestroyNotify) icto_annotation_free);
      guint m = MIN (n - done, 20000);

      for (guint i = 0; i < m; i++)
        {
          IctoAnnotation *a = icto_annotation_new ();
          double kind = g_rand_double (rand);

          a->recording_id = rec;
          a->onset = (gint64) (g_rand_double (rand) * 24 * 3600 * TICKS);
          if (kind < 0.70)
            a->duration = (gint64) (g_rand_double (rand) * 2 * TICKS);
          else if (kind < 0.95)
            a->duration = (gint64) ((2 + g_rand_double (rand) * 58) * TICKS);
          else
            a->duration = (gint64) ((60 + g_rand_double (rand) * 540) * TICKS);
          a->label = g_strdup (labels[g_rand_int_range (rand, 0, G_N_ELEMENTS (labels))]);
          a->rater = g_strdup (g_rand_boolean (rand) ? "alice" : "bob");
          g_ptr_array_add (batch, a);
        }
      if (!icto_store_add_many (store, batch, "bench", &error))
        g_error ("%s", error->message);
      done += m;
    }
  g_rand_free (rand);
  return rec;
}

static void
bench_layer (IctoAnnotationList *list,
             guint               n_pages)
{
  GtkWidget *window = gtk_window_new ();
  GtkWidget *layer = icto_annotation_layer_new ();
  g_autofree double *query = g_new (double, n_pages);
  g_autofree double *draw = g_new (double, n_pages);
  g_autofree double *render = g_new (double, n_pages);
  GRand *rand = g_rand_new_with_seed (7);
  guint shown = 0;
  gint64 deadline;

  gtk_window_set_default_size (GTK_WINDOW (window), 1400, 800);
  gtk_window_set_child (GTK_WINDOW (window), layer);
  icto_annotation_layer_set_list (ICTO_ANNOTATION_LAYER (layer), list);
  gtk_window_present (GTK_WINDOW (window));
  deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
  while ((!gtk_widget_get_mapped (layer) || gtk_widget_get_width (layer) < 100) &&
         g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);

  for (guint i = 0; i < n_pages; i++)
    {
      g_autoptr(IctoTracePage) page = icto_trace_page_new (48, 1400);
      GtkSnapshot *snapshot;
      g_autoptr(GskRenderNode) node = NULL;
      g_autoptr(GdkTexture) texture = NULL;
      GskRenderer *renderer = gtk_native_get_renderer (gtk_widget_get_native (layer));
      int w = gtk_widget_get_width (layer), h = gtk_widget_get_height (layer);
      double t0, t1, t2, t3;

      page->start = (gint64) (g_rand_double (rand) * 24 * 3600 * TICKS);
      page->duration = 10 * TICKS;
      for (guint c = 0; c < 48; c++)
        {
          g_autofree char *name = g_strdup_printf ("C%u", c + 1);
          icto_trace_page_set_channel (page, c, name, "uV", 0, 0, 50, FALSE);
        }
      t0 = now_us ();
      icto_annotation_layer_set_page (ICTO_ANNOTATION_LAYER (layer), page);
      t1 = now_us ();
      snapshot = gtk_snapshot_new ();
      GTK_WIDGET_GET_CLASS (layer)->snapshot (layer, snapshot);
      node = gtk_snapshot_free_to_node (snapshot);
      t2 = now_us ();
      if (node != NULL)
        texture = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, w, h));
      t3 = now_us ();
      shown += icto_annotation_layer_get_n_shown (ICTO_ANNOTATION_LAYER (layer));
      query[i] = t1 - t0;
      draw[i] = t2 - t0;
      render[i] = t3 - t0;
    }
  printf ("layer %d x %d, %.1f annotations per 10-s page on average\n",
          gtk_widget_get_width (layer), gtk_widget_get_height (layer), (double) shown / n_pages);
  report ("layer: page query (set_page)", query, n_pages);
  report ("layer: query + snapshot (nodes)", draw, n_pages);
  report ("layer: query + snapshot + render (texture)", render, n_pages);
  g_rand_free (rand);
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int    argc,
      char **argv)
{
  guint n = argc > 1 ? (guint) strtoul (argv[1], NULL, 10) : 100000;
  g_autofree char *dir = g_dir_make_tmp ("bench-annotations-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "annotations.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(IctoStore) store = NULL;
  g_autoptr(IctoAnnotationList) list = NULL;
  const guint n_pages = 200, n_reloads = 9;
  g_autofree double *pages = g_new (double, n_pages);
  g_autofree double *nexts = g_new (double, n_pages);
  double loads[9], edits[9], stores[9], idles[9], steps[9];
  GRand *rand = g_rand_new_with_seed (1);
  gint64 rec;
  guint total = 0;

  store = icto_store_open (path, &error);
  if (store == NULL)
    g_error ("%s", error->message);
  rec = fill (store, n);
  printf ("%u annotations in one 24-h recording (%s)\n", n, path);

  for (guint i = 0; i < n_reloads; i++)
    {
      double t0 = now_us ();
      g_autoptr(GPtrArray) all = icto_store_list (store, rec, G_MININT64, G_MAXINT64, NULL, &error);

      stores[i] = now_us () - t0;
      g_assert (all != NULL && all->len == n);
    }
  report ("store: list the whole recording", stores, n_reloads);
  list = icto_annotation_list_new (store);
  for (guint i = 0; i < n_reloads; i++)
    {
      double t0;

      icto_annotation_list_set_recording (list, 0);
      t0 = now_us ();
      icto_annotation_list_set_recording (list, rec);
      loads[i] = now_us () - t0;
      g_assert (g_list_model_get_n_items (G_LIST_MODEL (list)) == n);
    }
  report ("list: full load", loads, n_reloads);

  for (guint i = 0; i < n_reloads; i++)
    {
      g_autoptr(IctoAnnotationItem) item = g_list_model_get_item (G_LIST_MODEL (list), n / 2);
      g_autoptr(IctoAnnotation) a = icto_annotation_copy (icto_annotation_item_get_annotation (item));
      double t0;

      a->duration += TICKS;
      t0 = now_us ();
      if (!icto_store_update (store, a, &error))
        g_error ("%s", error->message);
      edits[i] = now_us () - t0;
      t0 = now_us ();
      steps[i] = 0;
      for (;;)
        {
          double s0 = now_us ();
          if (!g_main_context_iteration (NULL, FALSE))
            break;
          steps[i] = MAX (steps[i], now_us () - s0);
        }
      idles[i] = now_us () - t0;
    }
  report ("one edit: store update (committed)", edits, n_reloads);
  report ("one edit: then the list's idle reload", idles, n_reloads);
  report ("  its longest main-loop iteration", steps, n_reloads);

  for (guint i = 0; i < n_pages; i++)
    {
      gint64 start = (gint64) (g_rand_double (rand) * 24 * 3600 * TICKS);
      double t0 = now_us ();
      g_autoptr(GPtrArray) page = icto_annotation_list_query (list, start, start + 10 * TICKS, &error);

      pages[i] = now_us () - t0;
      total += page->len;
      t0 = now_us ();
      (void) icto_annotation_list_find_next (list, start, 1);
      nexts[i] = now_us () - t0;
    }
  printf ("%.1f annotations per 10-s page on average\n", (double) total / n_pages);
  report ("list: 10-s page query", pages, n_pages);
  report ("list: next annotation", nexts, n_pages);

  if (gtk_init_check ())
    {
      icto_widgets_init ();
      bench_layer (list, n_pages);
    }
  else
    printf ("no display: the layer was not timed (run under xvfb-run)\n");

  g_rand_free (rand);
  g_clear_object (&list);
  g_clear_object (&store);
  {
    g_autofree char *wal = g_strconcat (path, "-wal", NULL);
    g_autofree char *shm = g_strconcat (path, "-shm", NULL);
    g_unlink (path);
    g_unlink (wal);
    g_unlink (shm);
    g_rmdir (dir);
  }
  return 0;
}
