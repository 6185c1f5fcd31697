/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-page-painter"

#include "config.h"

#include <math.h>

#include "core/icto-page-painter.h"
#include "icto-test-util.h"
#include "signal/icto-signal-error.h"

#define W 640
#define H 400

static guint32
pixel (cairo_surface_t *s,
       int              x,
       int              y)
{
  guint8 *data = cairo_image_surface_get_data (s);
  int stride = cairo_image_surface_get_stride (s);

  return ((guint32 *) (void *) (data + (gsize) y * stride))[x] & 0xffffff;
}

static int
darkness (guint32 rgb)
{
  /* 0 = white, 765 = black */
  return 765 - (int) (((rgb >> 16) & 0xff) + ((rgb >> 8) & 0xff) + (rgb & 0xff));
}

/* Two channels: ch0 constant +100 uV, ch1 a square wave +-50 uV switching at the middle. */
static IctoTracePage *
make_page (guint n_columns)
{
  IctoTracePage *page = icto_trace_page_new (2, n_columns);

  page->start = 0;
  page->duration = 10 * ICTO_TICKS_PER_SECOND;
  page->pixels_per_mm = 4.0;
  page->sensitivity_main = 50.0;
  icto_trace_page_set_channel (page, 0, "LA1", "uV", 0x000000, icto_shaft_color (0), 50.0, FALSE);
  icto_trace_page_set_channel (page, 1, "RH1", "uV", 0x000000, icto_shaft_color (1), 50.0, FALSE);
  for (guint c = 0; c < n_columns; c++)
    {
      icto_trace_page_min (page, 0)[c] = icto_trace_page_max (page, 0)[c] = 100.0f;
      icto_trace_page_min (page, 1)[c] = icto_trace_page_max (page, 1)[c] = c < n_columns / 2 ? 50.0f : -50.0f;
    }
  return page;
}

static void
test_raster_traces (void)
{
  g_autoptr(IctoTracePage) page = make_page (W);
  cairo_surface_t *s = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, W, H);
  /* channel 0 centre y = 100; +100 uV at 50 uV/mm, 4 px/mm = 8 px up: y = 92 */
  int y0 = 92;
  /* channel 1 centre y = 300; +50 uV = 4 px up (296), -50 uV = 4 px down (304) */
  int hits = 0;

  icto_page_painter_render_traces (s, page);
  cairo_surface_flush (s);

  for (int x = 20; x < W - 200; x += 7)
    {
      g_assert_cmpint (darkness (pixel (s, x, y0)), >, 300);
      g_assert_cmpint (darkness (pixel (s, x, y0 + 6)), <, 200);
      g_assert_cmpint (darkness (pixel (s, x, y0 - 6)), <, 200);
    }
  g_assert_cmpint (darkness (pixel (s, 50, 296)), >, 300);
  g_assert_cmpint (darkness (pixel (s, 50, 304)), <, 60);
  g_assert_cmpint (darkness (pixel (s, W / 2 + 50, 304)), >, 300);
  g_assert_cmpint (darkness (pixel (s, W / 2 + 50, 296)), <, 60);
  /* the step is joined by a vertical run at the middle column */
  for (int y = 297; y <= 303; y++)
    if (darkness (pixel (s, W / 2, y)) > 200 || darkness (pixel (s, W / 2 - 1, y)) > 200)
      hits++;
  g_assert_cmpint (hits, >=, 5);

  /* 1-s grid line at x = 64 (10 s over 640 px), in a region without traces */
  g_assert_cmpint (darkness (pixel (s, 64, 200)), >, 60);
  g_assert_cmpint (darkness (pixel (s, 70, 200)), <, 60);

  /* calibration bar in the lower right corner: a dark vertical stroke */
  hits = 0;
  for (int x = W - 160; x < W - 8; x++)
    for (int y = H - 80; y < H - 8; y++)
      if (darkness (pixel (s, x, y)) > 500)
        hits++;
  g_assert_cmpint (hits, >, 40);
  cairo_surface_destroy (s);
}

static void
test_gaps_and_nan (void)
{
  g_autoptr(IctoTracePage) page = make_page (W);
  cairo_surface_t *s = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, W, H);

  for (guint c = 100; c < 200; c++)
    icto_trace_page_min (page, 0)[c] = icto_trace_page_max (page, 0)[c] = NAN;
  icto_trace_page_add_gap (page, 100 * page->duration / W, 100 * page->duration / W);
  icto_page_painter_render_traces (s, page);
  cairo_surface_flush (s);

  /* no trace in the gap, shaded background instead of white */
  g_assert_cmpint (darkness (pixel (s, 150, 92)), <, 60);
  g_assert_cmpint (darkness (pixel (s, 150, 92)), >, 0);
  g_assert_cmpint (darkness (pixel (s, 90, 92)), >, 300);
  g_assert_cmpint (darkness (pixel (s, 210, 92)), >, 300);
  cairo_surface_destroy (s);
}

static void
test_full_page (gconstpointer data)
{
  gboolean raster = GPOINTER_TO_INT (data);
  int width = 800;
  int height = 400;
  guint cols = icto_page_painter_columns_for_width (width);
  g_autoptr(IctoTracePage) page = make_page (cols);
  cairo_surface_t *s = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
  cairo_t *cr = cairo_create (s);
  double th = height - ICTO_PAINTER_RULER_HEIGHT - ICTO_PAINTER_FOOTER_HEIGHT;
  int y0 = (int) (ICTO_PAINTER_RULER_HEIGHT + th / 4 - 8);
  int label_hits = 0;
  int ruler_hits = 0;
  int trace_hits = 0;

  g_assert_cmpuint (cols, ==, width - (int) ICTO_PAINTER_LABEL_WIDTH);
  icto_page_painter_draw_page (cr, page, width, height, raster);
  cairo_destroy (cr);
  cairo_surface_flush (s);

  /* labels: coloured ink in the label column at channel 0's row */
  for (int x = 4; x < ICTO_PAINTER_LABEL_WIDTH - 4; x++)
    for (int y = y0 - 6; y < y0 + 20; y++)
      if (darkness (pixel (s, x, y)) > 200)
        label_hits++;
  g_assert_cmpint (label_hits, >, 10);

  /* ruler text (elapsed time, no origin) */
  for (int x = (int) ICTO_PAINTER_LABEL_WIDTH; x < width; x++)
    for (int y = 2; y < ICTO_PAINTER_RULER_HEIGHT - 10; y++)
      if (darkness (pixel (s, x, y)) > 300)
        ruler_hits++;
  g_assert_cmpint (ruler_hits, >, 30);

  /* the trace of channel 0 */
  for (int x = (int) ICTO_PAINTER_LABEL_WIDTH + 20; x < width - 200; x += 10)
    {
      int best = 0;
      for (int y = y0 - 1; y <= y0 + 1; y++)
        best = MAX (best, darkness (pixel (s, x, y)));
      if (best > 250)
        trace_hits++;
    }
  g_assert_cmpint (trace_hits, >=, 45);
  cairo_surface_destroy (s);
}

static void
test_mapping (void)
{
  g_autoptr(IctoTracePage) page = make_page (100);

  g_assert_cmpfloat_with_epsilon (icto_page_painter_time_to_x (page, 1000, 5 * ICTO_TICKS_PER_SECOND), 500, 1e-9);
  g_assert_cmpint (icto_page_painter_x_to_time (page, 1000, 250), ==, 25 * ICTO_TICKS_PER_SECOND / 10);
  g_assert_cmpint (icto_page_painter_y_to_channel (page, 400, 10), ==, 0);
  g_assert_cmpint (icto_page_painter_y_to_channel (page, 400, 390), ==, 1);
  g_assert_cmpint (icto_page_painter_y_to_channel (page, 400, 400), ==, -1);
  /* 8 px above channel 0's centre at 50 uV/mm and 4 px/mm is +100 uV */
  g_assert_cmpfloat_with_epsilon (icto_page_painter_y_to_value (page, 400, 0, 92), 100.0, 1e-9);
}

int
main (int    argc,
      char **argv)
{
  int ret;

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/page-painter/raster-traces", test_raster_traces);
  g_test_add_func ("/core/page-painter/gaps-and-nan", test_gaps_and_nan);
  g_test_add_data_func ("/core/page-painter/full-page/raster", GINT_TO_POINTER (TRUE), test_full_page);
  g_test_add_data_func ("/core/page-painter/full-page/path", GINT_TO_POINTER (FALSE), test_full_page);
  g_test_add_func ("/core/page-painter/mapping", test_mapping);

  ret = g_test_run ();
  icto_page_painter_shutdown ();
  return ret;
}
