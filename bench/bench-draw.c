/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bench-draw"

/*
 * bench-draw: page fetch and page drawing for 128 channels at 1920x1080.
 * Writes a 128-channel, 1024-Hz, 120-s EDF+ file in a temporary directory,
 * then prints medians of: a random 10-s page fetched by the session (all
 * channels, min/max to 1824 columns; warm cache), the same with the review
 * filter, the trace area rendered as the window does it (grid + raster
 * spans + overlay into a 1824x1052 image), the full page (labels, ruler,
 * footer) raster, and for comparison the same traces stroked as
 * antialiased Cairo paths (skipped with --no-paths).
 */

#include "config.h"

#include <glib/gstdio.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "core/icto-page-painter.h"
#include "core/icto-session.h"
#include "signal/icto-edf-writer.h"

#define N_CH 128
#define RATE 1024
#define SECONDS 120
#define WIDTH 1920
#define HEIGHT 1080

static int
cmp_double (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

static double
median (double *v, int n)
{
  qsort (v, n, sizeof (double), cmp_double);
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

/* CPU time of this thread, ms: robust on a loaded machine */
static double
cpu_ms (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static char *
write_file (const char *dir)
{
  char *path = g_build_filename (dir, "bench-draw.edf", NULL);
  IctoEdfWriterSignal sig[N_CH];
  char labels[N_CH][16];
  IctoEdfWriterOptions opt = { 0 };
  g_autoptr(GError) error = NULL;
  g_autofree float *buf = g_new (float, (gsize) N_CH * RATE);
  const float *rows[N_CH];
  double state[N_CH] = { 0 };
  IctoEdfWriter *w;
  GRand *rand = g_rand_new_with_seed (42);

  for (int c = 0; c < N_CH; c++)
    {
      g_snprintf (labels[c], sizeof labels[c], "%c%c%d", 'A' + c / 16 % 26, 'A' + c / 8 % 26, c % 8 + 1);
      sig[c] = (IctoEdfWriterSignal) { labels[c], NULL, "uV", NULL, -3000, 3000, RATE };
      rows[c] = buf + (gsize) c * RATE;
    }
  opt.record_duration = ICTO_TICKS_PER_SECOND;
  w = icto_edf_writer_new (path, &opt, sig, N_CH, &error);
  if (w == NULL)
    g_error ("%s", error->message);
  for (int r = 0; r < SECONDS; r++)
    {
      for (int c = 0; c < N_CH; c++)
        for (int i = 0; i < RATE; i++)
          {
            state[c] = 0.995 * state[c] + g_rand_double_range (rand, -15, 15);
            buf[(gsize) c * RATE + i] = (float) (state[c] + 40 * sin (2 * G_PI * 8 * (r + (double) i / RATE)));
          }
      if (!icto_edf_writer_write_record (w, rows, &error))
        g_error ("%s", error->message);
    }
  if (!icto_edf_writer_close (w, &error))
    g_error ("%s", error->message);
  g_rand_free (rand);
  return path;
}

static double
time_fetch (IctoSession *session, GRand *rand, guint columns, IctoTracePage **keep, double *cpu)
{
  g_autoptr(GError) error = NULL;
  gint64 t0;
  double c0;
  IctoTracePage *page;
  double ms;

  icto_session_set_start (session, (gint64) g_rand_int_range (rand, 0, SECONDS - 10) * ICTO_TICKS_PER_SECOND);
  t0 = g_get_monotonic_time ();
  c0 = cpu_ms ();
  page = icto_session_fetch_page (session, columns, &error);
  ms = (g_get_monotonic_time () - t0) / 1000.0;
  *cpu = cpu_ms () - c0;
  if (page == NULL)
    g_error ("%s", error->message);
  if (keep != NULL)
    {
      icto_trace_page_unref (*keep);
      *keep = page;
    }
  else
    icto_trace_page_unref (page);
  return ms;
}

int
main (int argc, char **argv)
{
  g_autofree char *dir = g_dir_make_tmp ("bench-draw-XXXXXX", NULL);
  g_autofree char *path = write_file (dir);
  g_autoptr(IctoSession) session = icto_session_new ();
  g_autoptr(GError) error = NULL;
  GRand *rand = g_rand_new_with_seed (7);
  IctoTracePage *page = NULL;
  guint columns = icto_page_painter_columns_for_width (WIDTH);
  int tw = (int) columns;
  int th = HEIGHT - (int) ICTO_PAINTER_RULER_HEIGHT;
  cairo_surface_t *area = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, tw, th);
  cairo_surface_t *full = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, WIDTH, HEIGHT);
  double v[41];
  double c[41];
  const int runs = 41;

  if (!icto_session_open (session, path, &error))
    g_error ("%s", error->message);
  icto_session_set_sensitivity (session, 30);

  /* warm the cache once over the file */
  for (int i = 0; i < SECONDS / 10; i++)
    {
      icto_session_set_start (session, (gint64) i * 10 * ICTO_TICKS_PER_SECOND);
      icto_trace_page_unref (icto_session_fetch_page (session, columns, NULL));
    }

  printf ("bench-draw: %d channels x %d Hz, 10-s pages, %d columns, %dx%d target, medians of %d\n",
          N_CH, RATE, columns, WIDTH, HEIGHT, runs);

  for (int i = 0; i < runs; i++)
    v[i] = time_fetch (session, rand, columns, &page, &c[i]);
  printf ("page fetch (random page, warm, no filter):   %8.2f ms wall %8.2f ms CPU\n", median (v, runs), median (c, runs));

  icto_session_set_filter (session, 1, 70, 0);
  for (int i = 0; i < runs; i++)
    v[i] = time_fetch (session, rand, columns, NULL, &c[i]);
  printf ("page fetch (random page, warm, 1-70 Hz):     %8.2f ms wall %8.2f ms CPU\n", median (v, runs), median (c, runs));
  icto_session_set_filter (session, 0, 0, 0);

  for (int i = 0; i < runs; i++)
    {
      gint64 t0 = g_get_monotonic_time ();
      double c0 = cpu_ms ();
      icto_page_painter_render_traces (area, page);
      v[i] = (g_get_monotonic_time () - t0) / 1000.0;
      c[i] = cpu_ms () - c0;
    }
  printf ("trace area draw (grid + raster spans):       %8.2f ms wall %8.2f ms CPU\n", median (v, runs), median (c, runs));

  for (int i = 0; i < runs; i++)
    {
      cairo_t *cr = cairo_create (full);
      gint64 t0 = g_get_monotonic_time ();
      double c0 = cpu_ms ();
      icto_page_painter_draw_page (cr, page, WIDTH, HEIGHT, TRUE);
      cairo_surface_flush (full);
      v[i] = (g_get_monotonic_time () - t0) / 1000.0;
      c[i] = cpu_ms () - c0;
      cairo_destroy (cr);
    }
  printf ("full page draw, raster (labels, ruler):      %8.2f ms wall %8.2f ms CPU\n", median (v, runs), median (c, runs));

  for (int i = 0; i < (argc > 1 && g_str_equal (argv[1], "--no-paths") ? 0 : 5); i++)
    {
      cairo_t *cr = cairo_create (full);
      gint64 t0 = g_get_monotonic_time ();
      double c0 = cpu_ms ();
      icto_page_painter_draw_page (cr, page, WIDTH, HEIGHT, FALSE);
      cairo_surface_flush (full);
      v[i] = (g_get_monotonic_time () - t0) / 1000.0;
      c[i] = cpu_ms () - c0;
      cairo_destroy (cr);
    }
  if (!(argc > 1 && g_str_equal (argv[1], "--no-paths")))
    printf ("full page draw, antialiased Cairo paths:     %8.2f ms wall %8.2f ms CPU (median of 5)\n", median (v, 5), median (c, 5));

  icto_trace_page_unref (page);
  cairo_surface_destroy (area);
  cairo_surface_destroy (full);
  g_rand_free (rand);
  g_unlink (path);
  g_rmdir (dir);
  return 0;
}
