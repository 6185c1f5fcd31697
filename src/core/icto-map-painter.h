/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <cairo.h>
#include <glib.h>

#include "core/icto-trace-page.h"
#include "signal/icto-layout.h"

G_BEGIN_DECLS

/*
 * The electrode map's drawing, shared by the map widget, its export and
 * `ictoscope-cli render --map`.  Stateless: every call draws from the
 * IctoMapPaint it is given, with the caller's Cairo context (any surface),
 * in user units (pixels of an image, points of PDF/SVG).  Any thread, on
 * distinct contexts.
 *
 * Drawing: the layout's views side by side (title above each), each fitted
 * to its box with a uniform scale (contact positions in mm); shafts and
 * strips as grey lines through their contacts in number order, grids as the
 * grey mesh of row and column neighbours; the group name beside each group's
 * first contact; contacts as discs coloured by value (light grey: no value
 * or no channel); a bad channel crossed out; SOZ contacts outlined by a
 * dashed black ring; the selected contact ringed in vermillion (#D55E00);
 * the highlighted one ringed in blue (#0072B2); below, the colour bar with
 * the scale's minimum, middle and maximum values, the unit and the title.
 */

typedef enum {
  ICTO_COLORMAP_VIRIDIS,    /* perceptually uniform, colour-blind safe */
  ICTO_COLORMAP_CIVIDIS,    /* optimised for colour-vision deficiency */
  ICTO_COLORMAP_DIVERGING,  /* blue – white – red (ColorBrewer RdBu), for signed values */
} IctoColormap;

/* "viridis", "cividis", "diverging". */
const char *icto_colormap_to_string   (IctoColormap  map);
gboolean    icto_colormap_from_string (const char   *text,
                                       IctoColormap *map);

/* Colour of @t in [0, 1] (clamped; NAN: grey), sRGB components in [0, 1]:
 * linear interpolation between the map's published stops (viridis: 9,
 * cividis: 10 stops; diverging: the 11 stops of RdBu, reversed so that
 * negative values are blue). */
void icto_colormap_lookup (IctoColormap map,
                           double       t,
                           double       rgb[3]);

typedef struct {
  const IctoLayout   *layout;
  const float        *values;    /* per data signal index (n_values); NAN: none; nullable */
  guint               n_values;
  double              vmin, vmax;/* NAN: from the values (signed maps: ±max |v|) */
  IctoColormap        colormap;
  const char         *title;     /* nullable */
  const char         *unit;      /* nullable */
  const gboolean     *bad;       /* per data signal (n_values); nullable */
  const char *const  *soz;       /* contact labels; nullable */
  int                 selected;  /* contact index or -1 */
  int                 highlighted;/* contact index or -1 */
  gboolean            all_labels;/* every contact's label (exports), not only group names */
} IctoMapPaint;

/* Fills @p with defaults: no values, viridis, automatic scale, nothing
 * selected or highlighted. */
void icto_map_paint_init (IctoMapPaint     *p,
                          const IctoLayout *layout);

/* The scale actually used (automatic or given). */
void icto_map_painter_get_range (const IctoMapPaint *p,
                                 double             *vmin,
                                 double             *vmax);

/* Draws the map in (0, 0, @width, @height), background included. */
void icto_map_painter_draw (cairo_t            *cr,
                            const IctoMapPaint *p,
                            double              width,
                            double              height);

/* The contact whose disc (or a 6-unit margin around it) holds (@x, @y) in
 * a map drawn at @width x @height, or -1.  Pure. */
int  icto_map_painter_contact_at (const IctoMapPaint *p,
                                  double              width,
                                  double              height,
                                  double              x,
                                  double              y);

/* Where contact @contact is drawn in view @view (drawing units), and the
 * disc radius; FALSE for a bad index or view. */
gboolean icto_map_painter_contact_position (const IctoMapPaint *p,
                                            double              width,
                                            double              height,
                                            guint               contact,
                                            guint               view,
                                            double             *x,
                                            double             *y,
                                            double             *radius);

/* The scale of view @view (drawing units per mm) in a map drawn at
 * @width x @height; 0 for a bad view. */
double   icto_map_painter_get_scale (const IctoMapPaint *p,
                                     double              width,
                                     double              height,
                                     guint               view);

/**
 * icto_map_painter_export:
 * @page: (nullable): a page to draw beside the map (left, 2/3 of the width)
 * @path: .png, .pdf or .svg
 * @width, @height: 200..20000 pixels (PNG) or points
 *
 * Errors: ICTO_CORE_ERROR_INVALID (size, extension), ICTO_CORE_ERROR_OUTPUT.
 * Any thread.
 */
gboolean icto_map_painter_export (const IctoMapPaint  *p,
                                  const IctoTracePage *page,
                                  const char          *path,
                                  int                  width,
                                  int                  height,
                                  GError             **error);

G_END_DECLS
