/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "core/icto-trace-page.h"

G_BEGIN_DECLS

typedef enum {
  ICTO_PAGE_FORMAT_PNG,
  ICTO_PAGE_FORMAT_PDF,
  ICTO_PAGE_FORMAT_SVG,
} IctoPageFormat;

/* The format named by @path's extension (.png, .pdf, .svg, any case);
 * FALSE for anything else. */
gboolean icto_page_format_from_path (const char     *path,
                                     IctoPageFormat *format);

/*
 * icto_page_export:
 * @page: a page prepared for a trace area of
 *   icto_page_painter_columns_for_width (@width) columns
 * @width, @height: size in pixels (PNG) or points (PDF, SVG), 200..20000
 *
 * Draws a full page (labels, ruler, traces, annotations, calibration bar,
 * footer) with the shared page painter: PNG through the raster trace path,
 * PDF and SVG with vector paths.  Errors: ICTO_CORE_ERROR_INVALID (size or
 * extension), ICTO_CORE_ERROR_OUTPUT (the file could not be written).
 * Any thread.
 */
gboolean icto_page_export (const IctoTracePage  *page,
                           const char           *path,
                           int                   width,
                           int                   height,
                           GError              **error);

G_END_DECLS
