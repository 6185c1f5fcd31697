/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "icto-map-painter"

#include "config.h"

#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <glib/gi18n.h>
#include <math.h>
#include <pango/pangocairo.h>
#include <string.h>

#include "core/icto-core-error.h"
#include "core/icto-map-painter.h"
#include "core/icto-page-export.h"
#include "core/icto-page-painter.h"

#define TITLE_H     22.0
#define LEGEND_H    50.0
#define MARGIN      18.0
#define VIEW_GAP    12.0
#define HIT_MARGIN  6.0

/* ------------------------------------------------------------ colour maps */

/* matplotlib's viridis at t = 0, 1/8, ..., 1 (its midpoint #21918C exact) */
static const guint32 viridis[] = {
  0x440154, 0x472D7B, 0x3B528B, 0x2C728E, 0x21918C, 0x28AE80, 0x5EC962, 0xADDC30, 0xFDE725,
};
static const guint32 cividis[] = {
  0x00204D, 0x00336F, 0x39486B, 0x575C6D, 0x707173, 0x8A8779, 0xA69D75, 0xC4B56C, 0xE4CF5B, 0xFFEA46,
};
static const guint32 diverging[] = {
  0x053061, 0x2166AC, 0x4393C3, 0x92C5DE, 0xD1E5F0, 0xF7F7F7, 0xFDDBC7, 0xF4A582, 0xD6604D, 0xB2182B, 0x67001F,
};

const char *
icto_colormap_to_string (IctoColormap map)
{
  switch (map)
    {
    case ICTO_COLORMAP_CIVIDIS: return "cividis";
    case ICTO_COLORMAP_DIVERGING: return "diverging";
    case ICTO_COLORMAP_VIRIDIS:
    default: return "viridis";
    }
}

gboolean
icto_colormap_from_string (const char   *text,
                           IctoColormap *map)
{
  for (int m = ICTO_COLORMAP_VIRIDIS; m <= ICTO_COLORMAP_DIVERGING; m++)
    if (text != NULL && strcmp (text, icto_colormap_to_string (m)) == 0)
      {
        *map = (IctoColormap) m;
        return TRUE;
      }
  return FALSE;
}

void
icto_colormap_lookup (IctoColormap map,
                      double       t,
                      double       rgb[3])
{
  const guint32 *stops;
  guint n;
  double pos, f;
  guint i;

  if (isnan (t))
    {
      rgb[0] = rgb[1] = rgb[2] = 0.82;
      return;
    }
  switch (map)
    {
    case ICTO_COLORMAP_CIVIDIS:
      stops = cividis;
      n = G_N_ELEMENTS (cividis);
      break;
    case ICTO_COLORMAP_DIVERGING:
      stops = diverging;
      n = G_N_ELEMENTS (diverging);
      break;
    case ICTO_COLORMAP_VIRIDIS:
    default:
      stops = viridis;
      n = G_N_ELEMENTS (viridis);
      break;
    }
  t = CLAMP (t, 0.0, 1.0);
  pos = t * (n - 1);
  i = MIN ((guint) floor (pos), n - 2);
  f = pos - i;
  for (int c = 0; c < 3; c++)
    {
      int shift = 16 - 8 * c;
      double a = ((stops[i] >> shift) & 0xFF) / 255.0;
      double b = ((stops[i + 1] >> shift) & 0xFF) / 255.0;
      rgb[c] = a + (b - a) * f;
    }
}

/* ------------------------------------------------------------ geometry */

void
icto_map_paint_init (IctoMapPaint     *p,
                     const IctoLayout *layout)
{
  memset (p, 0, sizeof *p);
  p->layout = layout;
  p->vmin = p->vmax = NAN;
  p->colormap = ICTO_COLORMAP_VIRIDIS;
  p->selected = p->highlighted = -1;
}

static gboolean
is_signed_map (const IctoMapPaint *p)
{
  return p->colormap == ICTO_COLORMAP_DIVERGING;
}

void
icto_map_painter_get_range (const IctoMapPaint *p,
                            double             *vmin,
                            double             *vmax)
{
  double lo = G_MAXDOUBLE, hi = -G_MAXDOUBLE;
  guint n = p->layout ? icto_layout_get_n_contacts (p->layout) : 0;

  for (guint i = 0; p->values != NULL && i < n; i++)
    {
      int ch = icto_layout_get_contact (p->layout, i)->channel;
      float v;
      if (ch < 0 || (guint) ch >= p->n_values)
        continue;
      v = p->values[ch];
      if (!isfinite (v))
        continue;
      lo = MIN (lo, v);
      hi = MAX (hi, v);
    }
  if (lo > hi)
    {
      lo = 0;
      hi = 1;
    }
  if (is_signed_map (p))
    {
      double m = MAX (fabs (lo), fabs (hi));
      lo = -m;
      hi = m;
    }
  if (isfinite (p->vmin))
    lo = p->vmin;
  if (isfinite (p->vmax))
    hi = p->vmax;
  if (!(hi > lo))
    {
      double c = lo;
      lo = c - (fabs (c) > 0 ? fabs (c) * 0.5 : 0.5);
      hi = c + (fabs (c) > 0 ? fabs (c) * 0.5 : 0.5);
    }
  *vmin = lo;
  *vmax = hi;
}

typedef struct {
  double x0, y0, w, h;     /* the view's box */
  double scale, ox, oy;    /* mm -> box: X = ox + scale * x */
} ViewBox;

static guint
n_views_of (const IctoMapPaint *p)
{
  return p->layout ? icto_layout_get_n_views (p->layout) : 1;
}

static void
view_box (const IctoMapPaint *p, guint view, double width, double height, ViewBox *vb)
{
  guint nv = n_views_of (p);
  double bx0, by0, bx1, by1, sw, sh;

  vb->w = (width - (nv - 1) * VIEW_GAP) / nv;
  vb->x0 = view * (vb->w + VIEW_GAP);
  vb->y0 = TITLE_H;
  vb->h = MAX (1.0, height - TITLE_H - LEGEND_H);
  if (p->layout == NULL || !icto_layout_get_bounds (p->layout, view, &bx0, &by0, &bx1, &by1))
    {
      bx0 = by0 = 0;
      bx1 = by1 = 1;
    }
  sw = MAX (bx1 - bx0, 1.0);
  sh = MAX (by1 - by0, 1.0);
  vb->scale = MIN ((vb->w - 2 * MARGIN) / sw, (vb->h - 2 * MARGIN) / sh);
  vb->scale = MAX (vb->scale, 1e-3);
  vb->ox = vb->x0 + vb->w / 2 - vb->scale * (bx0 + bx1) / 2;
  vb->oy = vb->y0 + vb->h / 2 - vb->scale * (by0 + by1) / 2;
}

static double
disc_radius (const ViewBox *vb)
{
  return CLAMP (1.2 * vb->scale, 2.5, 9.0);
}

int
icto_map_painter_contact_at (const IctoMapPaint *p,
                             double              width,
                             double              height,
                             double              x,
                             double              y)
{
  int best = -1;
  double best_d = G_MAXDOUBLE;

  if (p->layout == NULL)
    return -1;
  for (guint v = 0; v < n_views_of (p); v++)
    {
      ViewBox vb;
      double r;
      view_box (p, v, width, height, &vb);
      r = disc_radius (&vb) + HIT_MARGIN;
      for (guint i = 0; i < icto_layout_get_n_contacts (p->layout); i++)
        {
          const IctoContact *c = icto_layout_get_contact (p->layout, i);
          double d = hypot (vb.ox + vb.scale * c->x[v] - x, vb.oy + vb.scale * c->y[v] - y);
          if (d <= r && d < best_d)
            {
              best_d = d;
              best = (int) i;
            }
        }
    }
  return best;
}

gboolean
icto_map_painter_contact_position (const IctoMapPaint *p,
                                   double              width,
                                   double              height,
                                   guint               contact,
                                   guint               view,
                                   double             *x,
                                   double             *y,
                                   double             *radius)
{
  const IctoContact *c;
  ViewBox vb;

  if (p->layout == NULL || contact >= icto_layout_get_n_contacts (p->layout) || view >= n_views_of (p))
    return FALSE;
  view_box (p, view, width, height, &vb);
  c = icto_layout_get_contact (p->layout, contact);
  *x = vb.ox + vb.scale * c->x[view];
  *y = vb.oy + vb.scale * c->y[view];
  if (radius)
    *radius = disc_radius (&vb);
  return TRUE;
}

double
icto_map_painter_get_scale (const IctoMapPaint *p,
                            double              width,
                            double              height,
                            guint               view)
{
  ViewBox vb;

  if (view >= n_views_of (p))
    return 0;
  view_box (p, view, width, height, &vb);
  return vb.scale;
}

/* ------------------------------------------------------------ drawing */

static void
draw_text (cairo_t *cr, const char *text, double x, double y, double size, gboolean bold,
           double align, gboolean above)
{
  PangoLayout *layout = pango_cairo_create_layout (cr);
  PangoFontDescription *desc = pango_font_description_new ();
  int w, h;

  pango_font_description_set_family (desc, "Sans");
  pango_font_description_set_absolute_size (desc, size * PANGO_SCALE);
  if (bold)
    pango_font_description_set_weight (desc, PANGO_WEIGHT_BOLD);
  pango_layout_set_font_description (layout, desc);
  pango_layout_set_text (layout, text, -1);
  pango_layout_get_pixel_size (layout, &w, &h);
  /* never past the left edge of the drawing: a group name that does not fit
   * left of its first contact goes above it */
  if (x - align * w < 1.0 && align > 0.9)
    {
      x = w + 1.0;
      y -= 0.8 * h;
    }
  cairo_move_to (cr, MAX (x - align * w, 0.0), above ? y - h : y);
  pango_cairo_show_layout (cr, layout);
  cairo_new_path (cr);
  pango_font_description_free (desc);
  g_object_unref (layout);
}

static gboolean
is_soz (const IctoMapPaint *p, const char *label)
{
  for (guint i = 0; p->soz != NULL && p->soz[i] != NULL; i++)
    if (strcmp (p->soz[i], label) == 0)
      return TRUE;
  return FALSE;
}

static gint
compare_by_number (gconstpointer a, gconstpointer b, gpointer user_data)
{
  const IctoLayout *layout = user_data;
  int x = icto_layout_get_contact (layout, *(const guint *) a)->number;
  int y = icto_layout_get_contact (layout, *(const guint *) b)->number;
  return x < y ? -1 : x > y;
}

static void
draw_structure (cairo_t *cr, const IctoMapPaint *p, guint v, const ViewBox *vb)
{
  const IctoLayout *layout = p->layout;
  guint n = icto_layout_get_n_contacts (layout);
  g_autoptr(GHashTable) done = g_hash_table_new (g_str_hash, g_str_equal);
  g_autofree guint *idx = g_new (guint, n + 1);

  cairo_set_source_rgb (cr, 0.6, 0.6, 0.6);
  cairo_set_line_width (cr, 1.5);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  for (guint i = 0; i < n; i++)
    {
      const IctoContact *c = icto_layout_get_contact (layout, i);
      guint k = 0, first;
      if (g_hash_table_contains (done, c->group))
        continue;
      g_hash_table_add (done, c->group);
      for (guint j = i; j < n; j++)
        if (strcmp (icto_layout_get_contact (layout, j)->group, c->group) == 0)
          idx[k++] = j;
      g_qsort_with_data (idx, (gint) k, sizeof (guint), compare_by_number, (gpointer) layout);
      if (c->shape == ICTO_LAYOUT_GRID)
        {
          for (guint a = 0; a < k; a++)
            for (guint b = a + 1; b < k; b++)
              {
                const IctoContact *ca = icto_layout_get_contact (layout, idx[a]);
                const IctoContact *cb = icto_layout_get_contact (layout, idx[b]);
                if (abs (ca->row - cb->row) + abs (ca->col - cb->col) != 1)
                  continue;
                cairo_move_to (cr, vb->ox + vb->scale * ca->x[v], vb->oy + vb->scale * ca->y[v]);
                cairo_line_to (cr, vb->ox + vb->scale * cb->x[v], vb->oy + vb->scale * cb->y[v]);
              }
          cairo_stroke (cr);
        }
      else if (k > 1)
        {
          for (guint a = 0; a < k; a++)
            {
              const IctoContact *ca = icto_layout_get_contact (layout, idx[a]);
              double X = vb->ox + vb->scale * ca->x[v], Y = vb->oy + vb->scale * ca->y[v];
              if (a == 0)
                cairo_move_to (cr, X, Y);
              else
                cairo_line_to (cr, X, Y);
            }
          cairo_stroke (cr);
        }
      /* the group name beside its first contact */
      first = idx[0];
      {
        const IctoContact *cf = icto_layout_get_contact (layout, first);
        double r = disc_radius (vb);
        cairo_set_source_rgb (cr, 0.2, 0.2, 0.2);
        if (!p->all_labels)
          draw_text (cr, c->group, vb->ox + vb->scale * cf->x[v] - r - 2, vb->oy + vb->scale * cf->y[v] - 6.5,
                     10.0, TRUE, 1.0, FALSE);
        cairo_set_source_rgb (cr, 0.6, 0.6, 0.6);
      }
    }
}

/* Exports label every grid contact when there is room, else the ends and
 * every fifth contact of each group, and always the marked ones. */
static gboolean
label_worthy (const IctoMapPaint *p, const IctoContact *c, double r)
{
  int last = 0;

  if (is_soz (p, c->label) || (p->selected >= 0 && icto_layout_get_contact (p->layout, (guint) p->selected) == c) ||
      (p->highlighted >= 0 && icto_layout_get_contact (p->layout, (guint) p->highlighted) == c))
    return TRUE;
  if (c->shape == ICTO_LAYOUT_GRID && r >= 6.0)
    return TRUE;
  for (guint i = 0; i < icto_layout_get_n_contacts (p->layout); i++)
    {
      const IctoContact *o = icto_layout_get_contact (p->layout, i);
      if (strcmp (o->group, c->group) == 0)
        last = MAX (last, o->number);
    }
  return c->number <= 1 || c->number == last || c->number % 5 == 0;
}

static void
draw_contacts (cairo_t *cr, const IctoMapPaint *p, guint v, const ViewBox *vb, double lo, double hi)
{
  const IctoLayout *layout = p->layout;
  double r = disc_radius (vb);
  const double dash[] = { 3.0, 2.0 };

  for (guint i = 0; i < icto_layout_get_n_contacts (layout); i++)
    {
      const IctoContact *c = icto_layout_get_contact (layout, i);
      double X = vb->ox + vb->scale * c->x[v], Y = vb->oy + vb->scale * c->y[v];
      double value = NAN, rgb[3];

      if (c->channel >= 0 && p->values != NULL && (guint) c->channel < p->n_values)
        value = p->values[c->channel];
      icto_colormap_lookup (p->colormap, isfinite (value) ? (value - lo) / (hi - lo) : NAN, rgb);
      cairo_arc (cr, X, Y, r, 0, 2 * G_PI);
      cairo_set_source_rgb (cr, rgb[0], rgb[1], rgb[2]);
      cairo_fill_preserve (cr);
      cairo_set_line_width (cr, 0.8);
      cairo_set_source_rgb (cr, c->channel >= 0 ? 0.25 : 0.6, c->channel >= 0 ? 0.25 : 0.6, c->channel >= 0 ? 0.25 : 0.6);
      cairo_stroke (cr);

      if (c->channel >= 0 && p->bad != NULL && (guint) c->channel < p->n_values && p->bad[c->channel])
        {
          double d = r * 0.75;
          cairo_set_line_width (cr, 1.8);
          cairo_set_source_rgb (cr, 0.1, 0.1, 0.1);
          cairo_move_to (cr, X - d, Y - d);
          cairo_line_to (cr, X + d, Y + d);
          cairo_move_to (cr, X + d, Y - d);
          cairo_line_to (cr, X - d, Y + d);
          cairo_stroke (cr);
        }
      if (is_soz (p, c->label))
        {
          cairo_set_line_width (cr, 2.0);
          cairo_set_source_rgb (cr, 0, 0, 0);
          cairo_set_dash (cr, dash, 2, 0);
          cairo_arc (cr, X, Y, r + 2.5, 0, 2 * G_PI);
          cairo_stroke (cr);
          cairo_set_dash (cr, NULL, 0, 0);
        }
      if ((int) i == p->selected)
        {
          cairo_set_line_width (cr, 3.0);
          cairo_set_source_rgb (cr, 0xD5 / 255.0, 0x5E / 255.0, 0);
          cairo_arc (cr, X, Y, r + 5.0, 0, 2 * G_PI);
          cairo_stroke (cr);
        }
      if ((int) i == p->highlighted)
        {
          cairo_set_line_width (cr, 3.0);
          cairo_set_source_rgb (cr, 0, 0x72 / 255.0, 0xB2 / 255.0);
          cairo_arc (cr, X, Y, r + (((int) i == p->selected) ? 8.5 : 5.0), 0, 2 * G_PI);
          cairo_stroke (cr);
        }
      if (p->all_labels && label_worthy (p, c, r))
        {
          cairo_set_source_rgb (cr, 0.15, 0.15, 0.15);
          draw_text (cr, c->label, X, Y - r - 1, MAX (6.0, MIN (9.0, r * 1.2)), FALSE, 0.5, TRUE);
        }
    }
}

static void
format_value (char *buf, gsize size, double v)
{
  g_snprintf (buf, size, "%.4g", v);
}

static void
draw_legend (cairo_t *cr, const IctoMapPaint *p, double width, double height, double lo, double hi)
{
  double bar_w = MIN (width * 0.6, 420.0), bar_h = 12.0;
  double x0 = (width - bar_w) / 2, y0 = height - LEGEND_H + 8;
  cairo_pattern_t *grad = cairo_pattern_create_linear (x0, 0, x0 + bar_w, 0);
  char buf[64];
  double vals[3] = { lo, (lo + hi) / 2, hi };
  g_autofree char *caption = NULL;

  for (int s = 0; s <= 32; s++)
    {
      double rgb[3];
      icto_colormap_lookup (p->colormap, s / 32.0, rgb);
      cairo_pattern_add_color_stop_rgb (grad, s / 32.0, rgb[0], rgb[1], rgb[2]);
    }
  cairo_rectangle (cr, x0, y0, bar_w, bar_h);
  cairo_set_source (cr, grad);
  cairo_fill_preserve (cr);
  cairo_pattern_destroy (grad);
  cairo_set_source_rgb (cr, 0.3, 0.3, 0.3);
  cairo_set_line_width (cr, 0.8);
  cairo_stroke (cr);
  for (int k = 0; k < 3; k++)
    {
      double x = x0 + bar_w * k / 2.0;
      cairo_move_to (cr, x, y0 + bar_h);
      cairo_line_to (cr, x, y0 + bar_h + 4);
      cairo_stroke (cr);
      format_value (buf, sizeof buf, vals[k]);
      draw_text (cr, buf, x, y0 + bar_h + 4, 10.0, FALSE, 0.5, FALSE);
    }
  if (p->unit != NULL && *p->unit)
    draw_text (cr, p->unit, x0 + bar_w + 8, y0 - 1, 10.0, FALSE, 0.0, FALSE);
  /* symbols */
  {
    const double dash[] = { 3.0, 2.0 };
    double sx = 12;
    double sy = y0 + 6;
    cairo_set_line_width (cr, 2.0);
    cairo_set_source_rgb (cr, 0, 0, 0);
    cairo_set_dash (cr, dash, 2, 0);
    cairo_arc (cr, sx, sy, 5, 0, 2 * G_PI);
    cairo_stroke (cr);
    cairo_set_dash (cr, NULL, 0, 0);
    draw_text (cr, _("SOZ"), sx + 9, sy - 7, 10.0, FALSE, 0.0, FALSE);
    sy += 18;
    cairo_move_to (cr, sx - 4, sy - 4);
    cairo_line_to (cr, sx + 4, sy + 4);
    cairo_move_to (cr, sx + 4, sy - 4);
    cairo_line_to (cr, sx - 4, sy + 4);
    cairo_stroke (cr);
    draw_text (cr, _("bad"), sx + 9, sy - 7, 10.0, FALSE, 0.0, FALSE);
  }
  caption = g_strdup (p->title ? p->title : "");
  if (*caption)
    draw_text (cr, caption, width / 2, 2, 12.0, TRUE, 0.5, FALSE);
}

void
icto_map_painter_draw (cairo_t            *cr,
                       const IctoMapPaint *p,
                       double              width,
                       double              height)
{
  double lo, hi;

  g_return_if_fail (cr != NULL && p != NULL);
  cairo_save (cr);
  cairo_rectangle (cr, 0, 0, width, height);
  cairo_clip (cr);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  icto_map_painter_get_range (p, &lo, &hi);
  if (p->layout == NULL || icto_layout_get_n_contacts (p->layout) == 0)
    {
      cairo_set_source_rgb (cr, 0.3, 0.3, 0.3);
      draw_text (cr, _("No electrode layout"), width / 2, height / 2 - 8, 13.0, FALSE, 0.5, FALSE);
      cairo_restore (cr);
      return;
    }
  for (guint v = 0; v < n_views_of (p); v++)
    {
      ViewBox vb;
      view_box (p, v, width, height, &vb);
      if (n_views_of (p) > 1 || icto_layout_has_positions (p->layout))
        {
          cairo_set_source_rgb (cr, 0.35, 0.35, 0.35);
          draw_text (cr, icto_layout_get_view_title (p->layout, v), vb.x0 + 6, vb.y0, 10.0, FALSE, 0.0, FALSE);
        }
      draw_structure (cr, p, v, &vb);
      draw_contacts (cr, p, v, &vb, lo, hi);
    }
  draw_legend (cr, p, width, height, lo, hi);
  cairo_restore (cr);
}

gboolean
icto_map_painter_export (const IctoMapPaint  *p,
                         const IctoTracePage *page,
                         const char          *path,
                         int                  width,
                         int                  height,
                         GError             **error)
{
  IctoPageFormat format;
  cairo_surface_t *surface;
  cairo_t *cr;
  cairo_status_t status;
  double map_x = 0, map_w = width;

  g_return_val_if_fail (p != NULL && path != NULL, FALSE);
  if (!icto_page_format_from_path (path, &format))
    {
      g_set_error (error, ICTO_CORE_ERROR, ICTO_CORE_ERROR_INVALID,
                   _("The map can be saved as .png, .pdf or .svg, not “%s”"), path);
      return FALSE;
    }
  if (width < 200 || height < 200 || width > 20000 || height > 20000)
    {
      g_set_error (error, ICTO_CORE_ERROR, ICTO_CORE_ERROR_INVALID,
                   _("The map size must be between 200 and 20000"));
      return FALSE;
    }
  switch (format)
    {
    case ICTO_PAGE_FORMAT_PDF:
      surface = cairo_pdf_surface_create (path, width, height);
      break;
    case ICTO_PAGE_FORMAT_SVG:
      surface = cairo_svg_surface_create (path, width, height);
      break;
    case ICTO_PAGE_FORMAT_PNG:
    default:
      surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
      break;
    }
  status = cairo_surface_status (surface);
  if (status != CAIRO_STATUS_SUCCESS)
    {
      cairo_surface_destroy (surface);
      g_set_error (error, ICTO_CORE_ERROR, ICTO_CORE_ERROR_OUTPUT,
                   _("Could not write “%s”: %s"), path, cairo_status_to_string (status));
      return FALSE;
    }
  cr = cairo_create (surface);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  if (page != NULL)
    {
      map_w = width / 3.0;
      map_x = width - map_w;
      cairo_save (cr);
      icto_page_painter_draw_page (cr, page, map_x, height, format == ICTO_PAGE_FORMAT_PNG);
      cairo_restore (cr);
    }
  cairo_save (cr);
  cairo_translate (cr, map_x, 0);
  icto_map_painter_draw (cr, p, map_w, height);
  cairo_restore (cr);
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  if (format == ICTO_PAGE_FORMAT_PNG)
    status = cairo_surface_write_to_png (surface, path);
  else
    {
      cairo_surface_finish (surface);
      status = cairo_surface_status (surface);
    }
  cairo_surface_destroy (surface);
  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, ICTO_CORE_ERROR, ICTO_CORE_ERROR_OUTPUT,
                   _("Could not write “%s”: %s"), path, cairo_status_to_string (status));
      return FALSE;
    }
  return TRUE;
}
