/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <cairo.h>
#include <glib.h>

#include "core/icto-trace-page.h"

G_BEGIN_DECLS

/*
 * The drawing code shared by the window and `ictoscope-cli render`.
 *
 * The trace area shows channel i centred at y = (i + 0.5) * height / n_channels;
 * a value v is drawn v / sensitivity * pixels_per_mm pixels above its centre
 * (positive up).  Time runs
 * from page->start at x = 0 to page->start + page->duration at x = width.
 *
 * All functions draw with the caller's Cairo context (any surface type) in
 * user units = device pixels of the target, and only read @page.  They are
 * safe to call from any thread on distinct contexts.
 */

/* Layout of a full page (the CLI's output) in pixels. */
#define ICTO_PAINTER_LABEL_WIDTH   96.0
#define ICTO_PAINTER_RULER_HEIGHT  28.0
#define ICTO_PAINTER_FOOTER_HEIGHT 24.0

/* Full page: the trace area is (LABEL_WIDTH, RULER_HEIGHT) to (width, height - FOOTER_HEIGHT). */

/* x (pixels, 0..width) of @time on a page drawn @width pixels wide. */
double icto_page_painter_time_to_x (const IctoTracePage *page,
                                    double               width,
                                    gint64               time);
/* Inverse of the above. */
gint64 icto_page_painter_x_to_time (const IctoTracePage *page,
                                    double               width,
                                    double               x);
/* Index of the channel row at @y, or -1. */
int    icto_page_painter_y_to_channel (const IctoTracePage *page,
                                       double               height,
                                       double               y);
/* Value (channel unit) at height @y within channel @channel's row. */
double icto_page_painter_y_to_value (const IctoTracePage *page,
                                     double               height,
                                     guint                channel,
                                     double               y);

/* White background, 1-s grid lines (and 0.2-s minor lines when there is
 * room), gaps shaded. */
void icto_page_painter_draw_grid (cairo_t             *cr,
                                  const IctoTracePage *page,
                                  double               width,
                                  double               height);

/* Traces as Cairo paths (for PDF/SVG). */
void icto_page_painter_draw_traces_path (cairo_t             *cr,
                                         const IctoTracePage *page,
                                         double               width,
                                         double               height);

/*
 * icto_page_painter_draw_traces_raster:
 * @data: premultiplied 0xAARRGGBB pixels (CAIRO_FORMAT_ARGB32 in native
 *   byte order), @width x @height, @stride bytes per row
 *
 * Rasterises the min/max columns of each channel as vertical spans with
 * soft (coverage-weighted) ends, joined to the neighbouring columns, and
 * blends them over the pixels.  Column c of the page is drawn at pixel
 * columns c * width / n_columns.  Orders of magnitude faster than stroking
 * antialiased Cairo paths.
 */
void icto_page_painter_draw_traces_raster (const IctoTracePage *page,
                                           guint8              *data,
                                           int                  width,
                                           int                  height,
                                           int                  stride);

/* Annotation marks (line, band for durations, text) and the calibration bar. */
void icto_page_painter_draw_overlay (cairo_t             *cr,
                                     const IctoTracePage *page,
                                     double               width,
                                     double               height);

/* The calibration bar alone, its lower-right corner at (@x, @y), for a
 * trace area @width pixels wide. */
void icto_page_painter_draw_calibration (cairo_t             *cr,
                                         const IctoTracePage *page,
                                         double               width,
                                         double               x,
                                         double               y);

/* Time ruler: wall-clock (or elapsed) time at whole seconds, ticks. */
void icto_page_painter_draw_ruler (cairo_t             *cr,
                                   const IctoTracePage *page,
                                   double               width,
                                   double               height);

/* Channel label column: labels right-aligned at their rows, shaft colours. */
void icto_page_painter_draw_labels (cairo_t             *cr,
                                    const IctoTracePage *page,
                                    double               width,
                                    double               height);

/*
 * icto_page_painter_render_traces:
 * @surface: a CAIRO_FORMAT_ARGB32 image surface
 *
 * Grid, raster traces and overlay into the whole image surface: what the
 * window's trace view shows.
 */
void icto_page_painter_render_traces (cairo_surface_t     *surface,
                                      const IctoTracePage *page);

/*
 * icto_page_painter_draw_page:
 * @raster: TRUE to draw traces as raster spans (image surfaces), FALSE as paths
 *
 * A complete page: label column, ruler, trace area with grid, traces and
 * overlay, and a footer line (file, montage, filter, sensitivity, time base).
 * When @raster is TRUE, the target of @cr must be an ARGB32 or RGB24 image
 * surface and the context untransformed.
 */
void icto_page_painter_draw_page (cairo_t             *cr,
                                  const IctoTracePage *page,
                                  double               width,
                                  double               height,
                                  gboolean             raster);

/*
 * icto_page_painter_shutdown:
 * Frees Pango's default font map (and, in AddressSanitizer builds, the
 * Cairo and fontconfig caches, so that the leak checker sees a clean exit).  Call once at the end of a program that
 * drew without GTK (CLI, tests); never while drawing may still happen.
 */
void icto_page_painter_shutdown (void);

/* The number of trace columns a full page of @width pixels needs. */
guint icto_page_painter_columns_for_width (double width);

G_END_DECLS
