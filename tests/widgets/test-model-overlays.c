/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-model-overlays"

#include "config.h"

#include <gtk/gtk.h>
#include <math.h>

#include "icto-test-util.h"
#include "widgets/icto-agreement-strip.h"
#include "widgets/icto-overview-strip.h"
#include "widgets/icto-prediction-layer.h"
#include "widgets/icto-probability-lane.h"
#include "widgets/icto-score-curve.h"
#include "widgets/icto-widgets-init.h"

#define TICKS 10000000

typedef struct {
  cairo_surface_t *surface;
  int              width;
  int              height;
} Canvas;

static void
canvas_init (Canvas *c,
             int     width,
             int     height,
             gboolean clear)
{
  c->width = width;
  c->height = height;
  c->surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
  if (!clear)
    {
      cairo_t *cr = cairo_create (c->surface);
      cairo_set_source_rgb (cr, 1, 1, 1);
      cairo_paint (cr);
      cairo_destroy (cr);
    }
}

/* Un-premultiplied 0..255 components of pixel (x, y). */
static void
pixel (Canvas *c,
       int     x,
       int     y,
       int    *r,
       int    *g,
       int    *b,
       int    *a)
{
  guint32 v;

  cairo_surface_flush (c->surface);
  g_assert_cmpint (x, >=, 0);
  g_assert_cmpint (y, >=, 0);
  g_assert_cmpint (x, <, c->width);
  g_assert_cmpint (y, <, c->height);
  v = *(guint32 *) (cairo_image_surface_get_data (c->surface) +
                    y * cairo_image_surface_get_stride (c->surface) + x * 4);
  *a = v >> 24;
  *r = *a ? (int) ((v >> 16 & 0xff) * 255 / *a) : 0;
  *g = *a ? (int) ((v >> 8 & 0xff) * 255 / *a) : 0;
  *b = *a ? (int) ((v & 0xff) * 255 / *a) : 0;
}

static gboolean
is_white (Canvas *c, int x, int y)
{
  int r, g, b, a;

  pixel (c, x, y, &r, &g, &b, &a);
  return r == 255 && g == 255 && b == 255 && a == 255;
}

static gboolean
is_vermillion (Canvas *c, int x, int y)
{
  int r, g, b, a;

  pixel (c, x, y, &r, &g, &b, &a);
  return r > 200 && g < 190 && b < 140 && r - b > 100;
}

static gboolean
is_blue (Canvas *c, int x, int y)
{
  int r, g, b, a;

  pixel (c, x, y, &r, &g, &b, &a);
  return b > 150 && b - r > 60;
}

static void
draw_lane (IctoProbabilityLane *lane,
           Canvas              *c)
{
  cairo_t *cr = cairo_create (c->surface);

  icto_probability_lane_draw (lane, cr, c->width, c->height);
  cairo_destroy (cr);
}

/* 10 segments of 5 s over 200 x 50 pixels: 20 pixels per segment. */
static void
test_lane_values_to_pixels (void)
{
  GtkWidget *lane = g_object_ref_sink (icto_probability_lane_new ());
  const float values[10] = { 0.8f, NAN, 0.2f, NAN, NAN, 1.0f, 0.5f, 0.0f, 0.3f, 0.3f };
  const guint8 states[10] = {
    ICTO_SEGMENT_DONE, ICTO_SEGMENT_NO_WINDOW, ICTO_SEGMENT_DONE, ICTO_SEGMENT_PENDING,
    ICTO_SEGMENT_GAP, ICTO_SEGMENT_DONE, ICTO_SEGMENT_DONE, ICTO_SEGMENT_DONE,
    ICTO_SEGMENT_DONE, ICTO_SEGMENT_DONE,
  };
  IctoProbabilityLane *pl = ICTO_PROBABILITY_LANE (lane);
  Canvas c;
  int hatched = 0;

  /* the y mapping: padding 3 px, p = 1 at the top, p = 0 at the bottom */
  g_assert_cmpfloat_with_epsilon (icto_probability_lane_value_to_y (50, 1.0), 3.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (icto_probability_lane_value_to_y (50, 0.0), 47.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (icto_probability_lane_value_to_y (50, 0.8), 3.0 + 0.2 * 44, 1e-9);
  g_assert_cmpfloat_with_epsilon (icto_probability_lane_y_to_value (50, 3.0 + 0.2 * 44), 0.8, 1e-9);
  g_assert_cmpfloat_with_epsilon (icto_probability_lane_y_to_value (50, -10), 1.0, 1e-9);
  g_assert_true (isnan (icto_probability_lane_time_to_x (pl, 200, 5.0)));

  icto_probability_lane_set_values (pl, values, states, 10, 5.0);
  icto_probability_lane_set_range (pl, 0, (gint64) 50 * TICKS);
  g_assert_cmpfloat_with_epsilon (icto_probability_lane_time_to_x (pl, 200, 5.0), 20.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (icto_probability_lane_get_threshold (pl), 0.5, 1e-9);

  canvas_init (&c, 200, 50, FALSE);
  draw_lane (pl, &c);

  /* segment 0, p = 0.8 >= threshold: vermillion below y = 11.8, white above */
  g_assert_true (is_vermillion (&c, 10, 20));
  g_assert_true (is_vermillion (&c, 10, 45));
  g_assert_true (is_white (&c, 10, 7));
  /* segment 1, no window: a gap, all white (the threshold line aside at y = 25) */
  for (int y = 2; y < 50; y++)
    if (y != 25)
      g_assert_true (is_white (&c, 30, y));
  /* segment 2, p = 0.2 < threshold: blue below y = 38.2, white above */
  g_assert_true (is_blue (&c, 50, 43));
  g_assert_true (is_white (&c, 50, 34));
  /* segment 3, pending: grey hatching, distinct from the gap */
  for (int x = 61; x < 79; x++)
    for (int y = 2; y < 48; y++)
      if (y != 25 && !is_white (&c, x, y))
        {
          int r, g, b, a;
          pixel (&c, x, y, &r, &g, &b, &a);
          g_assert_cmpint (ABS (r - b), <, 30);
          hatched++;
        }
  g_assert_cmpint (hatched, >, 80);
  /* segment 4, gap: white */
  for (int y = 2; y < 50; y++)
    if (y != 25)
      g_assert_true (is_white (&c, 90, y));
  /* segment 5, p = 1: filled to the top padding */
  g_assert_true (is_vermillion (&c, 110, 5));
  /* segment 6, p = 0.5 = threshold: counts as above */
  g_assert_true (is_vermillion (&c, 130, 40));
  /* segment 7, p = 0: nothing filled */
  g_assert_true (is_white (&c, 150, 40));
  /* threshold line (dashed) at y = 25 somewhere over the gap */
  {
    int dark = 0;
    for (int x = 20; x < 40; x++)
      {
        int r, g, b, a;
        pixel (&c, x, 25, &r, &g, &b, &a);
        dark += r < 100;
      }
    g_assert_cmpint (dark, >=, 8);
  }
  cairo_surface_destroy (c.surface);

  /* a higher threshold turns segment 0 blue */
  icto_probability_lane_set_threshold (pl, 0.9);
  canvas_init (&c, 200, 50, FALSE);
  draw_lane (pl, &c);
  g_assert_true (is_blue (&c, 10, 30));
  g_assert_true (is_vermillion (&c, 110, 30));
  cairo_surface_destroy (c.surface);

  /* another range: 25..75 s, segment 5 (25..30 s) now at x 0..20 */
  icto_probability_lane_set_range (pl, (gint64) 25 * TICKS, (gint64) 50 * TICKS);
  canvas_init (&c, 200, 50, FALSE);
  draw_lane (pl, &c);
  g_assert_true (is_vermillion (&c, 10, 5));
  /* segments beyond the recording (50..75 s) stay empty */
  g_assert_true (is_white (&c, 150, 40));
  cairo_surface_destroy (c.surface);

  g_object_unref (lane);
}

static void
count_notify_cb (GObject    *object,
                 GParamSpec *pspec,
                 int        *count)
{
  (*count)++;
}

static void
test_lane_threshold_and_detections (void)
{
  GtkWidget *lane = g_object_ref_sink (icto_probability_lane_new ());
  IctoProbabilityLane *pl = ICTO_PROBABILITY_LANE (lane);
  const float values[10] = { NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN };
  const IctoEvent det = { 20.0, 25.0, 0.9f };
  Canvas c;
  int notified = 0;

  g_signal_connect (lane, "notify::threshold", G_CALLBACK (count_notify_cb), &notified);
  icto_probability_lane_set_threshold (pl, 0.7);
  icto_probability_lane_set_threshold (pl, 0.7);
  icto_probability_lane_set_threshold (pl, 2.0);
  g_assert_cmpint (notified, ==, 2);
  g_assert_cmpfloat (icto_probability_lane_get_threshold (pl), ==, 1.0);
  icto_probability_lane_set_threshold (pl, 0.5);

  /* no states: NAN means no window */
  icto_probability_lane_set_values (pl, values, NULL, 10, 5.0);
  icto_probability_lane_set_range (pl, 0, (gint64) 50 * TICKS);
  icto_probability_lane_set_detections (pl, &det, 1);
  canvas_init (&c, 200, 50, FALSE);
  draw_lane (pl, &c);
  /* the detection (x 80..100): solid bar along the top, tinted band below */
  g_assert_true (is_vermillion (&c, 90, 1));
  {
    int r, g, b, a;
    pixel (&c, 90, 35, &r, &g, &b, &a);
    g_assert_cmpint (r, >, b + 15);
    g_assert_false (is_white (&c, 90, 35));
  }
  g_assert_true (is_white (&c, 50, 35));
  cairo_surface_destroy (c.surface);
  g_object_unref (lane);
}

static void
test_agreement_strip (void)
{
  GtkWidget *strip = g_object_ref_sink (icto_agreement_strip_new ());
  const float values[4] = { 1.0f, 0.0f, NAN, -0.5f };
  const char *labels[4] = { "LA1", "LA2", "LA3", "LA4" };
  double rgb[3];
  Canvas c;
  int r, g, b, a;

  icto_viridis (0.0, rgb);
  g_assert_cmpint ((int) lround (rgb[0] * 255), ==, 0x44);
  g_assert_cmpint ((int) lround (rgb[1] * 255), ==, 0x01);
  g_assert_cmpint ((int) lround (rgb[2] * 255), ==, 0x54);
  icto_viridis (1.0, rgb);
  g_assert_cmpint ((int) lround (rgb[0] * 255), ==, 0xfd);
  g_assert_cmpint ((int) lround (rgb[2] * 255), ==, 0x25);
  icto_viridis (0.5, rgb);
  g_assert_cmpint ((int) lround (rgb[1] * 255), ==, 0x91);
  /* perceptually ordered: lightness (roughly: the green channel) rises */
  {
    double prev = -1;
    for (int i = 0; i <= 20; i++)
      {
        icto_viridis (i / 20.0, rgb);
        g_assert_cmpfloat (rgb[1], >, prev);
        prev = rgb[1];
      }
  }

  icto_agreement_strip_set_values (ICTO_AGREEMENT_STRIP (strip), values, labels, 4, 150.0);
  canvas_init (&c, 10, 40, TRUE);
  {
    cairo_t *cr = cairo_create (c.surface);
    icto_agreement_strip_draw (ICTO_AGREEMENT_STRIP (strip), cr, 10, 40);
    cairo_destroy (cr);
  }
  pixel (&c, 5, 5, &r, &g, &b, &a);     /* row 0: 1.0, yellow */
  g_assert_cmpint (r, ==, 0xfd);
  g_assert_cmpint (b, ==, 0x25);
  pixel (&c, 5, 15, &r, &g, &b, &a);    /* row 1: 0.0, dark purple */
  g_assert_cmpint (r, ==, 0x44);
  g_assert_cmpint (b, ==, 0x54);
  pixel (&c, 5, 25, &r, &g, &b, &a);    /* row 2: no value, light grey */
  g_assert_cmpint (r, ==, g);
  g_assert_cmpint (r, >, 200);
  pixel (&c, 5, 35, &r, &g, &b, &a);    /* row 3: below 0 clamps to dark purple */
  g_assert_cmpint (r, ==, 0x44);
  cairo_surface_destroy (c.surface);
  g_object_unref (strip);
}

static void
test_prediction_layer (void)
{
  GtkWidget *layer = g_object_ref_sink (icto_prediction_layer_new ());
  IctoPredictionLayer *pl = ICTO_PREDICTION_LAYER (layer);
  g_autoptr(IctoTracePage) page = icto_trace_page_new (2, 400);
  float *samples = g_new (float, 2 * 500);
  Canvas c;
  int r, g, b, a;

  g_assert_false (gtk_widget_get_can_target (layer));
  g_assert_null (icto_prediction_layer_get_legend (pl));

  page->start = 0;
  page->duration = (gint64) 10 * TICKS;
  page->pixels_per_mm = 4.0;
  for (guint i = 0; i < 2; i++)
    icto_trace_page_set_channel (page, i, i ? "LA2" : "LA1", "uV", 0, 0, 10.0, FALSE);
  /* row 0: a constant 25 µV from 5 s to 10 s; row 1: none */
  for (guint i = 0; i < 500; i++)
    {
      samples[i] = 25.0f;
      samples[500 + i] = NAN;
    }
  icto_prediction_layer_set_page (pl, page);
  icto_prediction_layer_set_prediction (pl, 5.0, 100.0, samples, 2, 500);
  g_free (samples);
  g_assert_nonnull (icto_prediction_layer_get_legend (pl));
  g_assert_nonnull (strstr (icto_prediction_layer_get_legend (pl), "Model prediction"));

  /* 400 x 100 logical = device pixels: row 0 centred at 25, 25 µV at
   * 10 µV/mm and 4 px/mm is 10 px above it: y = 15 */
  canvas_init (&c, 400, 100, TRUE);
  {
    cairo_t *cr = cairo_create (c.surface);
    icto_prediction_layer_draw (pl, cr, 400, 100);
    cairo_destroy (cr);
  }
  g_assert_cmpuint (icto_prediction_layer_get_n_drawn (pl), ==, 1);
  pixel (&c, 300, 14, &r, &g, &b, &a);
  {
    int a2 = a;
    pixel (&c, 300, 15, &r, &g, &b, &a);
    g_assert_cmpint (MAX (a, a2), >, 60);
  }
  g_assert_cmpint (r, >, g + 40);       /* reddish purple #CC79A7 */
  g_assert_cmpint (b, >, g);
  pixel (&c, 300, 25, &r, &g, &b, &a);  /* not at the centre line */
  g_assert_cmpint (a, ==, 0);
  pixel (&c, 100, 15, &r, &g, &b, &a);  /* nothing before 5 s */
  g_assert_cmpint (a, ==, 0);
  for (int y = 50; y < 100; y++)        /* row 1 has no prediction */
    {
      pixel (&c, 300, y, &r, &g, &b, &a);
      g_assert_cmpint (a, ==, 0);
    }
  cairo_surface_destroy (c.surface);

  /* twice the sensitivity value: half the height (5 px above the centre) */
  page->sensitivity[0] = 20.0;
  canvas_init (&c, 400, 100, TRUE);
  {
    cairo_t *cr = cairo_create (c.surface);
    icto_prediction_layer_draw (pl, cr, 400, 100);
    cairo_destroy (cr);
  }
  pixel (&c, 300, 19, &r, &g, &b, &a);
  {
    int a2 = a;
    pixel (&c, 300, 20, &r, &g, &b, &a);
    g_assert_cmpint (MAX (a, a2), >, 60);
  }
  pixel (&c, 300, 15, &r, &g, &b, &a);
  g_assert_cmpint (a, ==, 0);
  cairo_surface_destroy (c.surface);

  icto_prediction_layer_set_prediction (pl, 0, 0, NULL, 0, 0);
  g_assert_null (icto_prediction_layer_get_legend (pl));
  g_object_unref (layer);
}

static void
test_score_curve (void)
{
  GtkWidget *curve = g_object_ref_sink (icto_score_curve_new ());
  const IctoScorePoint points[3] = {
    { 0.9, 0.5, 0.0 }, { 0.5, 1.0, 4.0 }, { 0.7, 1.0, 2.0 },
  };
  double x, y;
  Canvas c;
  int r, g, b, a;

  icto_score_curve_set_points (ICTO_SCORE_CURVE (curve), points, 3, 0.7);
  /* plot frame: 36 px left margin, 10 right, 8 top, 28 bottom; x up to 4 / 24 h */
  icto_score_curve_to_pixel (ICTO_SCORE_CURVE (curve), 246, 136, 0.0, 0.0, &x, &y);
  g_assert_cmpfloat_with_epsilon (x, 36.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (y, 108.0, 1e-9);
  icto_score_curve_to_pixel (ICTO_SCORE_CURVE (curve), 246, 136, 4.0, 1.0, &x, &y);
  g_assert_cmpfloat_with_epsilon (x, 236.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (y, 8.0, 1e-9);
  icto_score_curve_to_pixel (ICTO_SCORE_CURVE (curve), 246, 136, 2.0, 1.0, &x, &y);
  g_assert_cmpfloat_with_epsilon (x, 136.0, 1e-9);

  canvas_init (&c, 246, 136, FALSE);
  {
    cairo_t *cr = cairo_create (c.surface);
    icto_score_curve_draw (ICTO_SCORE_CURVE (curve), cr, 246, 136);
    cairo_destroy (cr);
  }
  /* the current threshold (0.7: 2 / 24 h, sensitivity 1) in vermillion */
  g_assert_true (is_vermillion (&c, 136, 8 + 2));
  /* the point at 0.9 (0 / 24 h, 0.5) in blue */
  pixel (&c, 36 + 1, 58, &r, &g, &b, &a);
  g_assert_true (is_blue (&c, 37, 58));
  cairo_surface_destroy (c.surface);
  g_object_unref (curve);
}

/* The overview strip takes the trend and marks without a session. */
static void
test_overview_trend (void)
{
  GtkWidget *strip = g_object_ref_sink (icto_overview_strip_new ());
  const float probs[3] = { 0.1f, NAN, 0.9f };
  const IctoEvent det = { 10.0, 15.0, 0.9f };

  icto_overview_strip_set_probabilities (ICTO_OVERVIEW_STRIP (strip), probs, 3, 5.0, 0.5);
  icto_overview_strip_set_detections (ICTO_OVERVIEW_STRIP (strip), &det, 1);
  icto_overview_strip_set_probabilities (ICTO_OVERVIEW_STRIP (strip), NULL, 0, 5.0, 0.5);
  icto_overview_strip_set_detections (ICTO_OVERVIEW_STRIP (strip), NULL, 0);
  g_object_unref (strip);
}

int
main (int    argc,
      char **argv)
{
  g_setenv ("GSK_RENDERER", "cairo", FALSE);
  g_setenv ("GTK_A11Y", "none", FALSE);
  g_setenv ("LC_ALL", "C", TRUE);
  g_test_init (&argc, &argv, NULL);

  if (g_getenv ("DISPLAY") == NULL && g_getenv ("WAYLAND_DISPLAY") == NULL)
    {
      if (g_strcmp0 (g_getenv ("CI"), "true") == 0)
        g_error ("no display under CI: the GUI tests must run under xvfb-run");
      g_test_skip ("no display: run the GUI tests under xvfb-run");
      return g_test_run ();
    }
  gtk_init ();
  icto_widgets_init ();
  g_test_add_func ("/widgets/model-overlays/lane-values-to-pixels", test_lane_values_to_pixels);
  g_test_add_func ("/widgets/model-overlays/lane-threshold-and-detections", test_lane_threshold_and_detections);
  g_test_add_func ("/widgets/model-overlays/agreement-strip", test_agreement_strip);
  g_test_add_func ("/widgets/model-overlays/prediction-layer", test_prediction_layer);
  g_test_add_func ("/widgets/model-overlays/overview-trend", test_overview_trend);
  g_test_add_func ("/widgets/model-overlays/score-curve", test_score_curve);
  return g_test_run ();
}
