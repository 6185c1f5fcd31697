/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "icto-page-painter"

#include "config.h"

#include <fontconfig/fontconfig.h>
#include <glib/gi18n.h>
#include <math.h>
#include <pango/pangocairo.h>
#include <string.h>

#include "core/icto-page-painter.h"
#include "signal/icto-signal-error.h"

#define GRID_MAJOR_RGB   0.72, 0.75, 0.80
#define GRID_MINOR_RGB   0.90, 0.91, 0.93
#define GAP_RGB          0.93, 0.93, 0.93
#define ANNOT_RGB        0.10, 0.37, 0.71
#define TEXT_RGB         0.14, 0.14, 0.16
#define DIM_TEXT_RGB     0.40, 0.40, 0.44

static void
set_source_rgb24 (cairo_t *cr,
                  guint32  rgb)
{
  cairo_set_source_rgb (cr,
                        ((rgb >> 16) & 0xff) / 255.0,
                        ((rgb >> 8) & 0xff) / 255.0,
                        (rgb & 0xff) / 255.0);
}

static PangoLayout *
make_layout (cairo_t    *cr,
             const char *font,
             const char *text)
{
  PangoLayout *layout = pango_cairo_create_layout (cr);
  PangoFontDescription *desc = pango_font_description_from_string (font);

  pango_layout_set_font_description (layout, desc);
  pango_font_description_free (desc);
  pango_layout_set_text (layout, text, -1);
  return layout;
}

static double
row_height (const IctoTracePage *page,
            double               height)
{
  return page->n_channels > 0 ? height / page->n_channels : height;
}

static double
value_scale (const IctoTracePage *page,
             guint                channel)
{
  /* pixels per unit */
  return page->pixels_per_mm / page->sensitivity[channel];
}

double
icto_page_painter_time_to_x (const IctoTracePage *page,
                             double               width,
                             gint64               time)
{
  g_return_val_if_fail (page != NULL, 0);

  if (page->duration <= 0)
    return 0;
  return (double) (time - page->start) * width / (double) page->duration;
}

gint64
icto_page_painter_x_to_time (const IctoTracePage *page,
                             double               width,
                             double               x)
{
  g_return_val_if_fail (page != NULL, 0);

  if (width <= 0)
    return page->start;
  return page->start + (gint64) (x / width * (double) page->duration);
}

int
icto_page_painter_y_to_channel (const IctoTracePage *page,
                                double               height,
                                double               y)
{
  double rh;
  int i;

  g_return_val_if_fail (page != NULL, -1);

  if (page->n_channels == 0 || y < 0 || y >= height)
    return -1;
  rh = row_height (page, height);
  i = (int) (y / rh);
  return i < (int) page->n_channels ? i : -1;
}

double
icto_page_painter_y_to_value (const IctoTracePage *page,
                              double               height,
                              guint                channel,
                              double               y)
{
  double centre;

  g_return_val_if_fail (page != NULL, 0);
  g_return_val_if_fail (channel < page->n_channels, 0);

  centre = (channel + 0.5) * row_height (page, height);
  return (centre - y) / value_scale (page, channel);
}

guint
icto_page_painter_columns_for_width (double width)
{
  double w = floor (width - ICTO_PAINTER_LABEL_WIDTH);
  return w >= 1 ? (guint) w : 1;
}

/* Time of the first whole second at or after @t (ticks), with the wall-clock
 * sub-second offset of the origin taken into account. */
static gint64
first_whole_second (const IctoTracePage *page,
                    gint64               t,
                    gint64              *offset_out)
{
  gint64 offset = 0;
  gint64 rel;
  gint64 k;

  if (page->origin != NULL)
    {
      /* wall-clock seconds: tick 0 is at origin, whose microseconds part shifts the grid */
      gint64 usec = g_date_time_get_microsecond (page->origin);
      offset = usec * 10;  /* ticks past the whole second at tick 0 */
    }
  *offset_out = offset;
  rel = t + offset;
  k = rel >= 0 ? (rel + ICTO_TICKS_PER_SECOND - 1) / ICTO_TICKS_PER_SECOND
               : -((-rel) / ICTO_TICKS_PER_SECOND);
  return k * ICTO_TICKS_PER_SECOND - offset;
}

void
icto_page_painter_draw_grid (cairo_t             *cr,
                             const IctoTracePage *page,
                             double               width,
                             double               height)
{
  gint64 offset;
  gint64 t;
  gint64 end;
  double px_per_s;

  g_return_if_fail (cr != NULL);
  g_return_if_fail (page != NULL);

  cairo_save (cr);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_rectangle (cr, 0, 0, width, height);
  cairo_fill (cr);

  if (page->duration <= 0)
    {
      cairo_restore (cr);
      return;
    }

  /* gaps and time outside the recording */
  cairo_set_source_rgb (cr, GAP_RGB);
  for (guint i = 0; i < page->n_gaps; i++)
    {
      double x0 = icto_page_painter_time_to_x (page, width, page->gaps[i].start);
      double x1 = icto_page_painter_time_to_x (page, width, page->gaps[i].start + page->gaps[i].duration);
      cairo_rectangle (cr, x0, 0, x1 - x0, height);
    }
  if (page->recording_duration > 0)
    {
      double x0 = icto_page_painter_time_to_x (page, width, 0);
      double x1 = icto_page_painter_time_to_x (page, width, page->recording_duration);
      if (x0 > 0)
        cairo_rectangle (cr, 0, 0, x0, height);
      if (x1 < width)
        cairo_rectangle (cr, x1, 0, width - x1, height);
    }
  cairo_fill (cr);

  px_per_s = width * ICTO_TICKS_PER_SECOND / (double) page->duration;
  end = page->start + page->duration;
  cairo_set_line_width (cr, 1.0);

  /* minor lines every 200 ms when they are at least 8 px apart */
  if (px_per_s / 5.0 >= 8.0)
    {
      cairo_set_source_rgb (cr, GRID_MINOR_RGB);
      t = first_whole_second (page, page->start, &offset) - ICTO_TICKS_PER_SECOND;
      for (; t <= end; t += ICTO_TICKS_PER_SECOND / 5)
        {
          double x;
          if (t < page->start || (t + offset) % ICTO_TICKS_PER_SECOND == 0)
            continue;
          x = floor (icto_page_painter_time_to_x (page, width, t)) + 0.5;
          cairo_move_to (cr, x, 0);
          cairo_line_to (cr, x, height);
        }
      cairo_stroke (cr);
    }

  /* 1-s lines */
  cairo_set_source_rgb (cr, GRID_MAJOR_RGB);
  for (t = first_whole_second (page, page->start, &offset); t <= end; t += ICTO_TICKS_PER_SECOND)
    {
      double x = floor (icto_page_painter_time_to_x (page, width, t)) + 0.5;
      if (x < 0 || x > width)
        continue;
      cairo_move_to (cr, x, 0);
      cairo_line_to (cr, x, height);
    }
  cairo_stroke (cr);

  /* faint baselines help to follow a channel across a busy page */
  if (row_height (page, height) >= 14)
    {
      cairo_set_source_rgba (cr, 0, 0, 0, 0.05);
      for (guint i = 0; i < page->n_channels; i++)
        {
          double y = floor ((i + 0.5) * row_height (page, height)) + 0.5;
          cairo_move_to (cr, 0, y);
          cairo_line_to (cr, width, y);
        }
      cairo_stroke (cr);
    }
  cairo_restore (cr);
}

void
icto_page_painter_draw_traces_path (cairo_t             *cr,
                                    const IctoTracePage *page,
                                    double               width,
                                    double               height)
{
  double rh;
  double dx;

  g_return_if_fail (cr != NULL);
  g_return_if_fail (page != NULL);

  if (page->n_columns == 0 || page->n_channels == 0)
    return;
  rh = row_height (page, height);
  dx = width / page->n_columns;

  cairo_save (cr);
  cairo_rectangle (cr, 0, 0, width, height);
  cairo_clip (cr);
  cairo_set_line_width (cr, 0.8);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  for (guint ch = 0; ch < page->n_channels; ch++)
    {
      const float *mn = page->min + (gsize) ch * page->n_columns;
      const float *mx = page->max + (gsize) ch * page->n_columns;
      double centre = (ch + 0.5) * rh;
      double scale = value_scale (page, ch);
      gboolean drawing = FALSE;

      for (guint c = 0; c < page->n_columns; c++)
        {
          double x = (c + 0.5) * dx;

          if (isnan (mn[c]) || isnan (mx[c]))
            {
              drawing = FALSE;
              continue;
            }
          if (!drawing)
            cairo_move_to (cr, x, centre - mx[c] * scale);
          else
            cairo_line_to (cr, x, centre - mx[c] * scale);
          if (mn[c] != mx[c])
            cairo_line_to (cr, x, centre - mn[c] * scale);
          drawing = TRUE;
        }
      if (page->bad[ch])
        cairo_set_source_rgb (cr, 0.62, 0.62, 0.62);
      else
        set_source_rgb24 (cr, page->colors[ch]);
      cairo_stroke (cr);
    }
  cairo_restore (cr);
}

static inline guint32
blend_pixel (guint32 dst,
             guint32 rgb,
             guint   alpha /* 0..256 */)
{
  guint32 inv;
  guint32 r, g, b, a;

  alpha = MIN (alpha, 256u);
  inv = 256 - alpha;
  r = ((((dst >> 16) & 0xff) * inv) + (((rgb >> 16) & 0xff) * alpha)) >> 8;
  g = ((((dst >> 8) & 0xff) * inv) + (((rgb >> 8) & 0xff) * alpha)) >> 8;
  b = (((dst & 0xff) * inv) + ((rgb & 0xff) * alpha)) >> 8;
  a = ((((dst >> 24) & 0xff) * inv) >> 8) + ((255 * alpha) >> 8);

  return (MIN (a, 255u) << 24) | (r << 16) | (g << 8) | b;
}

/* Blends a vertical span [y0, y1) at column @x: full rows are written
 * (opaque ink), the two end rows get their fractional coverage. */
static inline void
fill_span (guint8  *data,
           int      stride,
           int      height,
           int      x,
           double   y0,
           double   y1,
           guint32  rgb)
{
  int r0;
  int r1;
  guint32 ink = 0xff000000u | rgb;

  if (y1 <= 0 || y0 >= height)
    return;
  if (y0 < 0)
    y0 = 0;
  if (y1 > height)
    y1 = height;
  r0 = (int) y0;                 /* y0 >= 0: truncation is floor */
  r1 = (int) y1;                 /* last row touched: ceil (y1) - 1 */
  if ((double) r1 == y1)
    r1--;
  if (r1 >= height)
    r1 = height - 1;
  if (r0 == r1)
    {
      guint32 *p = (guint32 *) (void *) (data + (gsize) r0 * stride) + x;
      *p = blend_pixel (*p, rgb, (guint) ((y1 - y0) * 256.0 + 0.5));
      return;
    }
  {
    guint32 *p = (guint32 *) (void *) (data + (gsize) r0 * stride) + x;
    *p = blend_pixel (*p, rgb, (guint) (((double) (r0 + 1) - y0) * 256.0 + 0.5));
  }
  for (int r = r0 + 1; r < r1; r++)
    *((guint32 *) (void *) (data + (gsize) r * stride) + x) = ink;
  {
    guint32 *p = (guint32 *) (void *) (data + (gsize) r1 * stride) + x;
    *p = blend_pixel (*p, rgb, (guint) ((y1 - (double) r1) * 256.0 + 0.5));
  }
}

void
icto_page_painter_draw_traces_raster (const IctoTracePage *page,
                                      guint8              *data,
                                      int                  width,
                                      int                  height,
                                      int                  stride)
{
  g_autofree guint *cols = NULL;
  g_autofree float *tops = NULL;
  g_autofree float *bots = NULL;
  double rh;

  g_return_if_fail (page != NULL);
  g_return_if_fail (data != NULL);

  if (page->n_columns == 0 || page->n_channels == 0 || width <= 0 || height <= 0)
    return;
  rh = (double) height / page->n_channels;

  /* page column of each pixel column, and per channel the span ends in pixels */
  cols = g_new (guint, width);
  for (int x = 0; x < width; x++)
    cols[x] = (guint) ((guint64) x * page->n_columns / (guint) width);
  tops = g_new (float, width);
  bots = g_new (float, width);

  for (guint ch = 0; ch < page->n_channels; ch++)
    {
      const float *mn = page->min + (gsize) ch * page->n_columns;
      const float *mx = page->max + (gsize) ch * page->n_columns;
      float centre = (float) ((ch + 0.5) * rh);
      float scale = (float) value_scale (page, ch);
      guint32 rgb = page->bad[ch] ? 0x9e9e9e : page->colors[ch];

      for (int x = 0; x < width; x++)
        {
          guint c = cols[x];
          tops[x] = centre - mx[c] * scale;   /* NAN stays NAN */
          bots[x] = centre - mn[c] * scale;
        }

      for (int x = 0; x < width; x++)
        {
          float top = tops[x];
          float bot = bots[x];

          if (isnan (top) || isnan (bot))
            continue;
          /* join to the previous column and to the next one, half way each */
          if (x > 0 && !isnan (tops[x - 1]))
            {
              if (top > bots[x - 1])
                top = (top + bots[x - 1]) * 0.5f;
              if (bot < tops[x - 1])
                bot = (bot + tops[x - 1]) * 0.5f;
            }
          if (x + 1 < width && !isnan (tops[x + 1]))
            {
              if (tops[x + 1] > bot)
                bot = (bot + tops[x + 1]) * 0.5f;
              if (bots[x + 1] < top)
                top = (top + bots[x + 1]) * 0.5f;
            }
          /* a line about 1.2 px thick: pad thin spans */
          if (bot - top < 1.2f)
            {
              float mid = (top + bot) * 0.5f;
              top = mid - 0.6f;
              bot = mid + 0.6f;
            }
          else
            {
              top -= 0.3f;
              bot += 0.3f;
            }
          fill_span (data, stride, height, x, top, bot, rgb);
        }
    }
}

/* A "nice" number (1, 2, 5 x 10^k) at or above @v. */
static double
nice_ceil (double v)
{
  double p;
  double m;

  if (v <= 0)
    return 1;
  p = pow (10, floor (log10 (v)));
  m = v / p;
  if (m <= 1.0 + 1e-9)
    return p;
  if (m <= 2.0 + 1e-9)
    return 2 * p;
  if (m <= 5.0 + 1e-9)
    return 5 * p;
  return 10 * p;
}

static char *
format_amplitude (double uv)
{
  if (uv >= 1000)
    return g_strdup_printf (_("%g mV"), uv / 1000.0);
  return g_strdup_printf (_("%g µV"), uv);
}

void
icto_page_painter_draw_calibration (cairo_t             *cr,
                                    const IctoTracePage *page,
                                    double               width,
                                    double               x,
                                    double               y)
{
  double sens;
  double amp;
  double bar_h;
  double bar_w;
  double secs;
  g_autofree char *amp_text = NULL;
  g_autofree char *time_text = NULL;
  g_autoptr(PangoLayout) la = NULL;
  g_autoptr(PangoLayout) lt = NULL;
  int aw, ah, tw, th;
  double box_w, box_h;

  g_return_if_fail (cr != NULL);
  g_return_if_fail (page != NULL);

  if (page->duration <= 0 || width <= 0)
    return;
  sens = page->sensitivity_main > 0 ? page->sensitivity_main : 7.0;
  /* about 10 mm of amplitude, rounded to a nice value */
  amp = nice_ceil (sens * 10.0);
  bar_h = amp / sens * page->pixels_per_mm;
  /* the time bar: 1 s, or 200 ms on short pages */
  secs = icto_ticks_to_seconds (page->duration) <= 3.0 ? 0.2 : 1.0;
  bar_w = secs * width * ICTO_TICKS_PER_SECOND / (double) page->duration;

  amp_text = format_amplitude (amp);
  time_text = secs < 1 ? g_strdup_printf (_("%g ms"), secs * 1000) : g_strdup_printf (_("%g s"), secs);

  cairo_save (cr);
  la = make_layout (cr, "Sans 8", amp_text);
  lt = make_layout (cr, "Sans 8", time_text);
  pango_layout_get_pixel_size (la, &aw, &ah);
  pango_layout_get_pixel_size (lt, &tw, &th);

  box_w = bar_w + aw + 20;
  box_h = bar_h + th + 14;
  cairo_set_source_rgba (cr, 1, 1, 1, 0.9);
  cairo_rectangle (cr, x - box_w, y - box_h, box_w, box_h);
  cairo_fill (cr);

  cairo_set_source_rgb (cr, 0, 0, 0);
  cairo_set_line_width (cr, 2.0);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_SQUARE);
  cairo_move_to (cr, x - 8 - bar_w, y - 8 - th - bar_h);
  cairo_line_to (cr, x - 8 - bar_w, y - 8 - th);
  cairo_line_to (cr, x - 8, y - 8 - th);
  cairo_stroke (cr);

  cairo_set_source_rgb (cr, TEXT_RGB);
  cairo_move_to (cr, x - 8 - bar_w / 2 - tw / 2.0, y - 5 - th);
  pango_cairo_show_layout (cr, lt);
  cairo_move_to (cr, x - 13 - bar_w - aw, y - 8 - th - bar_h / 2 - ah / 2.0);
  pango_cairo_show_layout (cr, la);
  cairo_restore (cr);
}

void
icto_page_painter_draw_overlay (cairo_t             *cr,
                                const IctoTracePage *page,
                                double               width,
                                double               height)
{
  g_return_if_fail (cr != NULL);
  g_return_if_fail (page != NULL);

  cairo_save (cr);
  cairo_rectangle (cr, 0, 0, width, height);
  cairo_clip (cr);

  for (guint i = 0; i < page->n_annotations; i++)
    {
      const IctoPageAnnotation *a = &page->annotations[i];
      double x0 = icto_page_painter_time_to_x (page, width, a->onset);
      g_autoptr(PangoLayout) layout = NULL;
      int tw, th;

      if (a->duration > 0)
        {
          double x1 = icto_page_painter_time_to_x (page, width, a->onset + a->duration);
          cairo_set_source_rgba (cr, ANNOT_RGB, 0.08);
          cairo_rectangle (cr, x0, 0, x1 - x0, height);
          cairo_fill (cr);
        }
      if (x0 < -1 || x0 > width + 1)
        continue;
      cairo_set_source_rgba (cr, ANNOT_RGB, 0.85);
      cairo_set_line_width (cr, 1.0);
      cairo_move_to (cr, floor (x0) + 0.5, 0);
      cairo_line_to (cr, floor (x0) + 0.5, height);
      cairo_stroke (cr);

      layout = make_layout (cr, "Sans 8", a->text);
      pango_layout_set_width (layout, 240 * PANGO_SCALE);
      pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
      pango_layout_get_pixel_size (layout, &tw, &th);
      cairo_set_source_rgb (cr, ANNOT_RGB);
      cairo_rectangle (cr, floor (x0), 2 + (i % 3) * (th + 4), tw + 8, th + 2);
      cairo_fill (cr);
      cairo_set_source_rgb (cr, 1, 1, 1);
      cairo_move_to (cr, floor (x0) + 4, 3 + (i % 3) * (th + 4));
      pango_cairo_show_layout (cr, layout);
    }
  cairo_restore (cr);

  icto_page_painter_draw_calibration (cr, page, width, width - 8, height - 8);
}

static char *
format_time (const IctoTracePage *page,
             gint64               t,
             gboolean             with_fraction)
{
  if (page->origin != NULL)
    {
      g_autoptr(GDateTime) dt = g_date_time_add (page->origin, t / 10);
      if (with_fraction)
        {
          g_autofree char *hms = g_date_time_format (dt, "%H:%M:%S");
          return g_strdup_printf ("%s.%03d", hms, g_date_time_get_microsecond (dt) / 1000);
        }
      return g_date_time_format (dt, "%H:%M:%S");
    }
  else
    {
      gint64 s = (t >= 0 ? t : -t) / ICTO_TICKS_PER_SECOND;
      const char *sign = t < 0 ? "-" : "";

      if (with_fraction)
        {
          int ms = (int) (((t >= 0 ? t : -t) % ICTO_TICKS_PER_SECOND) / 10000);
          return g_strdup_printf ("%s%" G_GINT64_FORMAT ":%02d:%02d.%03d", sign,
                                  s / 3600, (int) (s / 60 % 60), (int) (s % 60), ms);
        }
      return g_strdup_printf ("%s%" G_GINT64_FORMAT ":%02d:%02d", sign,
                              s / 3600, (int) (s / 60 % 60), (int) (s % 60));
    }
}

void
icto_page_painter_draw_ruler (cairo_t             *cr,
                              const IctoTracePage *page,
                              double               width,
                              double               height)
{
  static const int steps[] = { 1, 2, 5, 10, 15, 30, 60, 120, 300, 600 };
  double px_per_s;
  int label_every = 1;
  gint64 offset;
  gint64 end;

  g_return_if_fail (cr != NULL);
  g_return_if_fail (page != NULL);

  cairo_save (cr);
  cairo_rectangle (cr, 0, 0, width, height);
  cairo_clip (cr);
  cairo_set_source_rgb (cr, 0.98, 0.98, 0.98);
  cairo_paint (cr);
  cairo_set_source_rgb (cr, GRID_MAJOR_RGB);
  cairo_set_line_width (cr, 1);
  cairo_move_to (cr, 0, height - 0.5);
  cairo_line_to (cr, width, height - 0.5);
  cairo_stroke (cr);

  if (page->duration <= 0)
    {
      cairo_restore (cr);
      return;
    }
  px_per_s = width * ICTO_TICKS_PER_SECOND / (double) page->duration;
  for (guint i = 0; i < G_N_ELEMENTS (steps); i++)
    {
      label_every = steps[i];
      if (px_per_s * steps[i] >= 84)
        break;
    }
  end = page->start + page->duration;

  /* minor ticks every 200 ms */
  if (px_per_s / 5 >= 6)
    {
      gint64 t = first_whole_second (page, page->start, &offset) - ICTO_TICKS_PER_SECOND;
      cairo_set_source_rgb (cr, DIM_TEXT_RGB);
      for (; t <= end; t += ICTO_TICKS_PER_SECOND / 5)
        {
          double x;
          if (t < page->start)
            continue;
          x = floor (icto_page_painter_time_to_x (page, width, t)) + 0.5;
          cairo_move_to (cr, x, height - 4);
          cairo_line_to (cr, x, height);
        }
      cairo_stroke (cr);
    }

  for (gint64 t = first_whole_second (page, page->start, &offset); t <= end; t += ICTO_TICKS_PER_SECOND)
    {
      double x = floor (icto_page_painter_time_to_x (page, width, t)) + 0.5;
      gint64 whole = (t + offset) / ICTO_TICKS_PER_SECOND;
      gboolean labelled = (whole % label_every) == 0;

      cairo_set_source_rgb (cr, DIM_TEXT_RGB);
      cairo_move_to (cr, x, height - (labelled ? 10 : 7));
      cairo_line_to (cr, x, height);
      cairo_stroke (cr);

      if (labelled)
        {
          g_autofree char *text = format_time (page, t, FALSE);
          g_autoptr(PangoLayout) layout = make_layout (cr, "Sans 9", text);
          int tw, th;

          pango_layout_get_pixel_size (layout, &tw, &th);
          if (x + 3 + tw > width)
            continue;
          cairo_set_source_rgb (cr, TEXT_RGB);
          cairo_move_to (cr, x + 3, MAX (0, height - 10 - th));
          pango_cairo_show_layout (cr, layout);
        }
    }
  cairo_restore (cr);
}

void
icto_page_painter_draw_labels (cairo_t             *cr,
                               const IctoTracePage *page,
                               double               width,
                               double               height)
{
  double rh;
  double font_px;
  guint every = 1;
  PangoFontDescription *desc;
  g_autoptr(PangoLayout) layout = NULL;

  g_return_if_fail (cr != NULL);
  g_return_if_fail (page != NULL);

  cairo_save (cr);
  cairo_rectangle (cr, 0, 0, width, height);
  cairo_clip (cr);
  cairo_set_source_rgb (cr, 0.98, 0.98, 0.98);
  cairo_paint (cr);
  cairo_set_source_rgb (cr, GRID_MAJOR_RGB);
  cairo_set_line_width (cr, 1);
  cairo_move_to (cr, width - 0.5, 0);
  cairo_line_to (cr, width - 0.5, height);
  cairo_stroke (cr);

  if (page->n_channels == 0)
    {
      cairo_restore (cr);
      return;
    }
  rh = row_height (page, height);
  font_px = CLAMP (rh * 0.75, 7.0, 12.0);
  while (rh * every < font_px + 1)
    every++;

  layout = pango_cairo_create_layout (cr);
  desc = pango_font_description_from_string ("Sans");
  pango_font_description_set_absolute_size (desc, font_px * PANGO_SCALE);
  pango_font_description_set_weight (desc, PANGO_WEIGHT_SEMIBOLD);
  pango_layout_set_font_description (layout, desc);
  pango_font_description_free (desc);
  pango_layout_set_width (layout, (int) ((width - 10) * PANGO_SCALE));
  pango_layout_set_alignment (layout, PANGO_ALIGN_RIGHT);
  pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_START);

  for (guint i = 0; i < page->n_channels; i += every)
    {
      double centre = (i + 0.5) * rh;
      int tw, th;

      pango_layout_set_text (layout, page->labels[i] ? page->labels[i] : "", -1);
      if (page->bad[i])
        {
          PangoAttrList *attrs = pango_attr_list_new ();
          pango_attr_list_insert (attrs, pango_attr_strikethrough_new (TRUE));
          pango_layout_set_attributes (layout, attrs);
          pango_attr_list_unref (attrs);
          cairo_set_source_rgb (cr, 0.55, 0.55, 0.55);
        }
      else
        {
          pango_layout_set_attributes (layout, NULL);
          set_source_rgb24 (cr, page->label_colors[i]);
        }
      pango_layout_get_pixel_size (layout, &tw, &th);
      cairo_move_to (cr, 4, centre - th / 2.0);
      pango_cairo_show_layout (cr, layout);
    }
  cairo_restore (cr);
}

void
icto_page_painter_render_traces (cairo_surface_t     *surface,
                                 const IctoTracePage *page)
{
  cairo_t *cr;
  int width;
  int height;

  g_return_if_fail (surface != NULL);
  g_return_if_fail (page != NULL);
  g_return_if_fail (cairo_surface_get_type (surface) == CAIRO_SURFACE_TYPE_IMAGE);

  width = cairo_image_surface_get_width (surface);
  height = cairo_image_surface_get_height (surface);
  cr = cairo_create (surface);
  icto_page_painter_draw_grid (cr, page, width, height);
  cairo_surface_flush (surface);
  icto_page_painter_draw_traces_raster (page, cairo_image_surface_get_data (surface),
                                        width, height, cairo_image_surface_get_stride (surface));
  cairo_surface_mark_dirty (surface);
  icto_page_painter_draw_overlay (cr, page, width, height);
  cairo_destroy (cr);
}

static void
draw_footer (cairo_t             *cr,
             const IctoTracePage *page,
             double               width,
             double               height)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(PangoLayout) layout = NULL;
  g_autofree char *from = format_time (page, page->start, TRUE);
  int tw, th;

  cairo_save (cr);
  cairo_set_source_rgb (cr, 0.98, 0.98, 0.98);
  cairo_rectangle (cr, 0, 0, width, height);
  cairo_fill (cr);
  cairo_set_source_rgb (cr, GRID_MAJOR_RGB);
  cairo_set_line_width (cr, 1);
  cairo_move_to (cr, 0, 0.5);
  cairo_line_to (cr, width, 0.5);
  cairo_stroke (cr);

  if (page->title != NULL)
    g_string_append_printf (text, "%s  ·  ", page->title);
  g_string_append_printf (text, _("From %s, %g s"), from, icto_ticks_to_seconds (page->duration));
  if (page->montage != NULL)
    g_string_append_printf (text, "  ·  %s", page->montage);
  if (page->filter != NULL)
    g_string_append_printf (text, "  ·  %s", page->filter);
  g_string_append_printf (text, "  ·  ");
  g_string_append_printf (text, _("%g µV/mm"), page->sensitivity_main);

  layout = make_layout (cr, "Sans 9", text->str);
  pango_layout_set_width (layout, (int) ((width - 16) * PANGO_SCALE));
  pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_MIDDLE);
  pango_layout_get_pixel_size (layout, &tw, &th);
  cairo_set_source_rgb (cr, TEXT_RGB);
  cairo_move_to (cr, 8, (height - th) / 2);
  pango_cairo_show_layout (cr, layout);
  cairo_restore (cr);
}

void
icto_page_painter_draw_page (cairo_t             *cr,
                             const IctoTracePage *page,
                             double               width,
                             double               height,
                             gboolean             raster)
{
  double tx = ICTO_PAINTER_LABEL_WIDTH;
  double ty = ICTO_PAINTER_RULER_HEIGHT;
  double tw = width - ICTO_PAINTER_LABEL_WIDTH;
  double th = height - ICTO_PAINTER_RULER_HEIGHT - ICTO_PAINTER_FOOTER_HEIGHT;

  g_return_if_fail (cr != NULL);
  g_return_if_fail (page != NULL);

  cairo_save (cr);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  if (tw < 1 || th < 1)
    {
      cairo_restore (cr);
      return;
    }

  /* corner above the labels */
  cairo_set_source_rgb (cr, 0.98, 0.98, 0.98);
  cairo_rectangle (cr, 0, 0, tx, ty);
  cairo_fill (cr);

  cairo_save (cr);
  cairo_translate (cr, 0, ty);
  icto_page_painter_draw_labels (cr, page, tx, th);
  cairo_restore (cr);

  cairo_save (cr);
  cairo_translate (cr, tx, 0);
  icto_page_painter_draw_ruler (cr, page, tw, ty);
  cairo_restore (cr);

  cairo_save (cr);
  cairo_translate (cr, tx, ty);
  icto_page_painter_draw_grid (cr, page, tw, th);
  cairo_restore (cr);

  if (raster && cairo_surface_get_type (cairo_get_target (cr)) == CAIRO_SURFACE_TYPE_IMAGE)
    {
      cairo_surface_t *target = cairo_get_target (cr);
      int stride = cairo_image_surface_get_stride (target);
      int sw = cairo_image_surface_get_width (target);
      int sh = cairo_image_surface_get_height (target);
      int ix = (int) tx;
      int iy = (int) ty;
      int iw = MIN ((int) tw, sw - ix);
      int ih = MIN ((int) th, sh - iy);

      cairo_surface_flush (target);
      if (iw > 0 && ih > 0)
        icto_page_painter_draw_traces_raster (page,
                                              cairo_image_surface_get_data (target) + (gsize) iy * stride + (gsize) ix * 4,
                                              iw, ih, stride);
      cairo_surface_mark_dirty (target);
    }
  else
    {
      cairo_save (cr);
      cairo_translate (cr, tx, ty);
      icto_page_painter_draw_traces_path (cr, page, tw, th);
      cairo_restore (cr);
    }

  cairo_save (cr);
  cairo_translate (cr, tx, ty);
  icto_page_painter_draw_overlay (cr, page, tw, th);
  cairo_restore (cr);

  cairo_save (cr);
  cairo_translate (cr, 0, ty + th);
  draw_footer (cr, page, width, ICTO_PAINTER_FOOTER_HEIGHT);
  cairo_restore (cr);

  cairo_restore (cr);
}

void
icto_page_painter_shutdown (void)
{
  pango_cairo_font_map_set_default (NULL);
#ifdef __SANITIZE_ADDRESS__
  /* Only for the leak checker: fontconfig's caches are not reachable from
   * its globals after use.  Not in normal builds, because FcFini () and
   * cairo_debug_reset_static_data () abort when a font is still referenced,
   * which happened in two of four CI runs (render --map) and nowhere else. */
  cairo_debug_reset_static_data ();
  FcFini ();
#endif
}
