/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "icto-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "core/icto-page-export.h"
#include "core/icto-page-painter.h"
#include "core/icto-session.h"
#include "icto-cli.h"

/* "off", "review", "hfo80", "hfo250", "notch50", "notch60", "HP-LP" (Hz), comma separated. */
static gboolean
parse_filter (const char *text,
              double     *highpass,
              double     *lowpass,
              int        *notch)
{
  g_auto(GStrv) parts = g_strsplit (text, ",", -1);

  for (guint i = 0; parts[i] != NULL; i++)
    {
      const char *p = g_strstrip (parts[i]);
      char *end = NULL;
      double a, b;

      if (g_str_equal (p, "off"))
        *highpass = *lowpass = 0;
      else if (g_str_equal (p, "review"))
        {
          *highpass = 1;
          *lowpass = 70;
        }
      else if (g_str_equal (p, "hfo80"))
        {
          *highpass = 80;
          *lowpass = 0;
        }
      else if (g_str_equal (p, "hfo250"))
        {
          *highpass = 250;
          *lowpass = 0;
        }
      else if (g_str_equal (p, "notch50"))
        *notch = 50;
      else if (g_str_equal (p, "notch60"))
        *notch = 60;
      else
        {
          a = g_ascii_strtod (p, &end);
          if (end == p || *end != '-')
            return FALSE;
          p = end + 1;
          b = g_ascii_strtod (p, &end);
          if (end == p || *end != '\0' || !(a >= 0) || !(b >= 0) || (b > 0 && b <= a))
            return FALSE;
          *highpass = a;
          *lowpass = b;
        }
    }
  return TRUE;
}

int
icto_cli_render (int    argc,
                 char **argv)
{
  g_autofree char *start_text = NULL;
  g_autofree char *montage_text = NULL;
  g_autofree char *filter_text = NULL;
  g_autofree char *out = NULL;
  double duration = ICTO_SESSION_DEFAULT_PAGE_DURATION;
  double sensitivity = ICTO_SESSION_DEFAULT_SENSITIVITY;
  double ppm = 0;
  int width = 1920;
  int height = 1080;
  gboolean color = FALSE;
  GOptionEntry entries[] = {
    { "start", 's', 0, G_OPTION_ARG_STRING, &start_text, N_("Page start: seconds from the first sample, or a clock time HH:MM:SS"), N_("TIME") },
    { "duration", 'd', 0, G_OPTION_ARG_DOUBLE, &duration, N_("Page duration in seconds (1–60, default 10)"), N_("SECONDS") },
    { "montage", 'm', 0, G_OPTION_ARG_STRING, &montage_text, N_("referential, average, bipolar or local"), N_("MONTAGE") },
    { "filter", 'f', 0, G_OPTION_ARG_STRING, &filter_text, N_("off, review (1–70 Hz), hfo80, hfo250, notch50, notch60 or HP-LP in Hz, comma separated"), N_("FILTER") },
    { "sensitivity", 0, 0, G_OPTION_ARG_DOUBLE, &sensitivity, N_("Sensitivity in µV/mm (default 50)"), N_("UV_PER_MM") },
    { "pixels-per-mm", 0, 0, G_OPTION_ARG_DOUBLE, &ppm, N_("Output pixels per millimetre (default 96 dpi)"), N_("PPM") },
    { "color", 0, 0, G_OPTION_ARG_NONE, &color, N_("Colour traces by shaft"), NULL },
    { "width", 'W', 0, G_OPTION_ARG_INT, &width, N_("Width in pixels (PNG) or points (PDF, SVG), default 1920"), N_("W") },
    { "height", 'H', 0, G_OPTION_ARG_INT, &height, N_("Height, default 1080"), N_("H") },
    { "out", 'o', 0, G_OPTION_ARG_FILENAME, &out, N_("Output file: .png, .pdf or .svg"), N_("FILE") },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (_("FILE — draw a page of a recording"));
  g_autoptr(GError) error = NULL;
  g_autoptr(IctoSession) session = NULL;
  g_autoptr(IctoTracePage) page = NULL;
  IctoPageFormat format;
  IctoMontageChoice kind = ICTO_MONTAGE_KIND_REFERENTIAL;
  double hp = 0, lp = 0;
  int notch = 0;
  gint64 start = 0;

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return icto_cli_fail (2, "%s", error->message);
  if (argc != 2)
    return icto_cli_fail (2, _("render needs exactly one recording (see --help)"));
  if (out == NULL)
    return icto_cli_fail (2, _("render needs --out FILE.png, .pdf or .svg"));
  if (!icto_page_format_from_path (out, &format))
    return icto_cli_fail (2, _("--out must end in .png, .pdf or .svg, not “%s”"), out);
  if (!(duration >= ICTO_SESSION_MIN_PAGE_DURATION && duration <= ICTO_SESSION_MAX_PAGE_DURATION))
    return icto_cli_fail (2, _("--duration must be between 1 and 60 seconds"));
  if (!(sensitivity > 0 && sensitivity <= 10000))
    return icto_cli_fail (2, _("--sensitivity must be between 0 and 10000 µV/mm"));
  if (width < 200 || height < 200 || width > 20000 || height > 20000)
    return icto_cli_fail (2, _("--width and --height must be between 200 and 20000"));
  if (ppm < 0 || ppm > 100)
    return icto_cli_fail (2, _("--pixels-per-mm must be between 0 and 100"));
  if (montage_text != NULL && !icto_montage_kind_from_string (montage_text, &kind))
    return icto_cli_fail (2, _("unknown montage “%s”: use referential, average, bipolar or local"), montage_text);
  if (filter_text != NULL && !parse_filter (filter_text, &hp, &lp, &notch))
    return icto_cli_fail (2, _("unknown filter “%s”: use off, review, hfo80, hfo250, notch50, notch60 or HP-LP"), filter_text);

  session = icto_session_new ();
  if (!icto_session_open (session, argv[1], &error))
    return icto_cli_fail_error (error);
  if (start_text != NULL && !icto_session_parse_time (session, start_text, &start, &error))
    return icto_cli_fail_error (error);

  icto_session_set_page_duration (session, duration);
  icto_session_set_sensitivity (session, sensitivity);
  icto_session_set_montage (session, kind);
  icto_session_set_filter (session, hp, lp, notch);
  icto_session_set_color_by_shaft (session, color);
  if (ppm > 0)
    icto_session_set_pixels_per_mm (session, ppm);
  icto_session_set_start (session, start);

  page = icto_session_fetch_page (session, icto_page_painter_columns_for_width (width), &error);
  if (page == NULL)
    return icto_cli_fail_error (error);
  if (!icto_page_export (page, out, width, height, &error))
    {
      icto_page_painter_shutdown ();
      return icto_cli_fail_error (error);
    }
  icto_page_painter_shutdown ();
  return 0;
}
