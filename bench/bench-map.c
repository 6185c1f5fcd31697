/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bench-map"

/*
 * bench-map [--runs N] [--threads T] [RECORDING]
 *
 * Times of the electrode map (icto-map.h, icto-map-painter.h) on a real
 * recording (default: ../shared/data/real/seeg_mne_sample/sample_seeg.edf,
 * 88 contacts): the layout from electrodes.tsv, one map computation (the
 * model window ending at 20 s with the bundled model, and the signal
 * quantities alone), the attention rollout, and one drawing of the map at
 * 600 x 500 px.  Prints the median and range of N runs in ms.
 */

#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "core/icto-inference.h"
#include "core/icto-map-painter.h"
#include "core/icto-map.h"
#include "core/icto-page-painter.h"

static int
compare_double (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return x < y ? -1 : x > y;
}

static void
report (const char *what, double *t, int n)
{
  qsort (t, (size_t) n, sizeof (double), compare_double);
  printf ("%-40s median %9.3f ms  (min %.3f, max %.3f, %d runs)\n", what, t[n / 2], t[0], t[n - 1], n);
}

int
main (int argc, char **argv)
{
  int runs = 7, threads = 1;
  g_autofree char *path = NULL;
  g_autofree char *model_path = icto_inference_default_model_path ();
  GOptionEntry entries[] = {
    { "runs", 0, 0, G_OPTION_ARG_INT, &runs, "Runs per measurement (default 7)", "N" },
    { "threads", 0, 0, G_OPTION_ARG_INT, &threads, "Model threads (default 1)", "T" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("[RECORDING]");
  g_autoptr(GError) error = NULL;
  g_autoptr(IctoRecording) rec = NULL;
  g_autoptr(IctoModel) model = NULL;
  g_autoptr(IctoLayout) layout = NULL;
  g_autofree guint *chans = NULL;
  g_autofree double *t = NULL;
  guint n = 0;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || runs < 1)
    {
      fprintf (stderr, "%s\n", error ? error->message : "bad --runs");
      return 2;
    }
  path = argc > 1 ? g_strdup (argv[1])
                  : g_build_filename (SOURCE_ROOT, "..", "shared", "data", "real", "seeg_mne_sample", "sample_seeg.edf", NULL);
  rec = icto_recording_open (path, &error);
  if (rec == NULL || model_path == NULL || (model = icto_model_load (model_path, NULL, NULL, &error)) == NULL)
    {
      fprintf (stderr, "%s\n", error ? error->message : "no model");
      return 1;
    }
  t = g_new (double, runs);
  printf ("recording %s, model %s, %d thread(s), OPENBLAS_CORETYPE=%s\n", path, model_path, threads,
          g_getenv ("OPENBLAS_CORETYPE") ? g_getenv ("OPENBLAS_CORETYPE") : "(unset)");

  for (int r = 0; r < runs; r++)
    {
      gint64 t0 = g_get_monotonic_time ();
      g_clear_pointer (&layout, icto_layout_unref);
      layout = icto_map_layout_for_recording (rec, NULL, NULL);
      t[r] = (g_get_monotonic_time () - t0) / 1000.0;
    }
  report ("layout from electrodes.tsv", t, runs);
  chans = icto_map_layout_channels (layout, &n);
  printf ("%u contacts\n", n);

  for (int r = 0; r < runs; r++)
    {
      gint64 t0 = g_get_monotonic_time ();
      g_autoptr(IctoMapResult) res = icto_map_compute (rec, NULL, chans, n, 20 * ICTO_TICKS_PER_SECOND, threads, NULL, NULL);
      t[r] = (g_get_monotonic_time () - t0) / 1000.0;
    }
  report ("signal quantities (5 s, 88 ch)", t, runs);

  for (int r = 0; r < runs; r++)
    {
      gint64 t0 = g_get_monotonic_time ();
      g_autoptr(IctoMapResult) res = icto_map_compute (rec, model, chans, n, 20 * ICTO_TICKS_PER_SECOND, threads, NULL, NULL);
      t[r] = (g_get_monotonic_time () - t0) / 1000.0;
      if (res == NULL || res->n_layer == 0)
        return 1;
    }
  report ("map with model (T=4, C=88)", t, runs);

  {
    g_autoptr(IctoMapResult) res = icto_map_compute (rec, model, chans, n, 20 * ICTO_TICKS_PER_SECOND, threads, NULL, NULL);
    g_autofree float *values = g_new (float, icto_recording_get_n_signals (rec));
    IctoMapPaint p;
    cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 600, 500);
    cairo_t *cr = cairo_create (surface);

    for (int r = 0; r < runs; r++)
      {
        gint64 t0 = g_get_monotonic_time ();
        g_autofree float *m = icto_map_attention_matrix (res->channel_attn, res->n_layer, (int) n, ICTO_MAP_LAYERS_ROLLOUT);
        t[r] = (g_get_monotonic_time () - t0) / 1000.0;
      }
    report ("attention rollout (4 layers, 88 ch)", t, runs);

    for (guint i = 0; i < icto_recording_get_n_signals (rec); i++)
      values[i] = (float) i;
    icto_map_paint_init (&p, layout);
    p.values = values;
    p.n_values = icto_recording_get_n_signals (rec);
    for (int r = 0; r < runs; r++)
      {
        gint64 t0 = g_get_monotonic_time ();
        icto_map_painter_draw (cr, &p, 600, 500);
        cairo_surface_flush (surface);
        t[r] = (g_get_monotonic_time () - t0) / 1000.0;
      }
    report ("draw map 600x500 (two views)", t, runs);
    cairo_destroy (cr);
    cairo_surface_destroy (surface);
  }
  icto_page_painter_shutdown ();
  return 0;
}
