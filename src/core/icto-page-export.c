/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "icto-page-export"

#include "config.h"

#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <glib/gi18n.h>

#include "core/icto-core-error.h"
#include "core/icto-page-export.h"
#include "core/icto-page-painter.h"

gboolean
icto_page_format_from_path (const char     *path,
                            IctoPageFormat *format)
{
  g_autofree char *lower = NULL;

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (format != NULL, FALSE);

  lower = g_ascii_strdown (path, -1);
  if (g_str_has_suffix (lower, ".png"))
    *format = ICTO_PAGE_FORMAT_PNG;
  else if (g_str_has_suffix (lower, ".pdf"))
    *format = ICTO_PAGE_FORMAT_PDF;
  else if (g_str_has_suffix (lower, ".svg"))
    *format = ICTO_PAGE_FORMAT_SVG;
  else
    return FALSE;
  return TRUE;
}

static gboolean
check_status (cairo_status_t   status,
              const char      *path,
              GError         **error)
{
  if (status == CAIRO_STATUS_SUCCESS)
    return TRUE;
  g_set_error (error, ICTO_CORE_ERROR, ICTO_CORE_ERROR_OUTPUT,
               _("Could not write “%s”: %s"), path, cairo_status_to_string (status));
  return FALSE;
}

gboolean
icto_page_export (const IctoTracePage  *page,
                  const char           *path,
                  int                   width,
                  int                   height,
                  GError              **error)
{
  IctoPageFormat format;
  cairo_surface_t *surface = NULL;
  cairo_status_t status;
  cairo_t *cr;

  g_return_val_if_fail (page != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  if (!icto_page_format_from_path (path, &format))
    {
      g_set_error (error, ICTO_CORE_ERROR, ICTO_CORE_ERROR_INVALID,
                   _("“%s” does not end in .png, .pdf or .svg"), path);
      return FALSE;
    }
  if (width < 200 || height < 200 || width > 20000 || height > 20000)
    {
      g_set_error (error, ICTO_CORE_ERROR, ICTO_CORE_ERROR_INVALID,
                   _("A page must be between 200 and 20000 pixels wide and high (asked for %d × %d)"),
                   width, height);
      return FALSE;
    }

  switch (format)
    {
    case ICTO_PAGE_FORMAT_PNG:
      surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
      break;
    case ICTO_PAGE_FORMAT_PDF:
      surface = cairo_pdf_surface_create (path, width, height);
      break;
    case ICTO_PAGE_FORMAT_SVG:
    default:
      surface = cairo_svg_surface_create (path, width, height);
      break;
    }
  status = cairo_surface_status (surface);
  if (status != CAIRO_STATUS_SUCCESS)
    {
      cairo_surface_destroy (surface);
      return check_status (status, path, error);
    }

  cr = cairo_create (surface);
  icto_page_painter_draw_page (cr, page, width, height, format == ICTO_PAGE_FORMAT_PNG);
  status = cairo_status (cr);
  cairo_destroy (cr);
  if (status == CAIRO_STATUS_SUCCESS && format == ICTO_PAGE_FORMAT_PNG)
    status = cairo_surface_write_to_png (surface, path);
  cairo_surface_finish (surface);
  if (status == CAIRO_STATUS_SUCCESS)
    status = cairo_surface_status (surface);
  cairo_surface_destroy (surface);
  return check_status (status, path, error);
}
