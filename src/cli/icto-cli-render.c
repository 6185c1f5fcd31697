/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "icto-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "core/icto-inference.h"
#include "core/icto-map-painter.h"
#include "core/icto-map.h"
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

/* --map: the electrode map at the page's end (icto-map.h), beside the page
 * or alone; returns the exit status. */
static int
render_map (IctoSession         *session,
            const IctoTracePage *page,
            const char          *quantity_text,
            const char          *model_path,
            int                  layer,
            const char          *select,
            const char          *colormap_text,
            const char          *soz_text,
            gboolean             map_only,
            const char          *out,
            int                  width,
            int                  height)
{
  IctoRecording *rec = icto_session_get_recording (session);
  g_autoptr(GError) error = NULL;
  g_autoptr(IctoLayout) layout = NULL;
  g_autoptr(IctoModel) model = NULL;
  g_autoptr(IctoMapResult) r = NULL;
  g_autofree guint *chans = NULL;
  g_autofree float *values = NULL;
  g_autofree float *per_signal = NULL;
  g_autofree gboolean *bad = NULL;
  g_auto(GStrv) soz = NULL;
  g_autofree char *title = NULL;
  g_autofree char *path = NULL;
  IctoMapQuantity quantity;
  IctoMapPaint p;
  int selected = -1;
  guint n = 0, n_sig = icto_recording_get_n_signals (rec);
  gint64 time = icto_session_get_start (session) + icto_session_get_page_ticks (session);

  if (!icto_map_quantity_from_string (quantity_text, &quantity))
    return icto_cli_fail (2, _("unknown map quantity “%s”: use attention-from, attention-received, contribution, "
                               "agreement, line-length or high-gamma"), quantity_text);
  layout = icto_map_layout_for_recording (rec, NULL, &error);
  if (layout == NULL)
    return icto_cli_fail_error (error);
  chans = icto_map_layout_channels (layout, &n);
  if (n == 0)
    return icto_cli_fail (1, _("No channel of the recording is an electrode contact"));
  if (icto_map_quantity_needs_model (quantity))
    {
      path = model_path ? g_strdup (model_path) : icto_inference_default_model_path ();
      if (path == NULL)
        return icto_cli_fail (1, _("No model found: give --model FILE"));
      model = icto_model_load (path, NULL, NULL, &error);
      if (model == NULL)
        return icto_cli_fail_error (error);
    }
  r = icto_map_compute (rec, model, chans, n, MIN (time, icto_recording_get_duration (rec)), 0, NULL, &error);
  if (r == NULL)
    return icto_cli_fail_error (error);
  if (select != NULL)
    {
      for (guint i = 0; i < r->n_channels; i++)
        if (g_str_equal (r->labels[i], select))
          selected = (int) i;
      if (selected < 0)
        return icto_cli_fail (2, _("--select: no contact “%s”"), select);
    }
  else if (quantity == ICTO_MAP_ATTENTION_FROM)
    return icto_cli_fail (2, _("attention-from needs --select LABEL"));
  values = g_new (float, r->n_channels);
  if (!icto_map_result_get_values (r, quantity, layer, selected, values))
    return icto_cli_fail (1, _("No values for “%s” here (the model needs at least 5 s of recording)"), quantity_text);
  per_signal = g_new (float, n_sig);
  bad = g_new0 (gboolean, n_sig);
  for (guint i = 0; i < n_sig; i++)
    {
      per_signal[i] = NAN;
      bad[i] = icto_session_get_channel_bad (session, i);
    }
  for (guint i = 0; i < r->n_channels; i++)
    per_signal[r->channels[i]] = values[i];
  icto_map_paint_init (&p, layout);
  p.values = per_signal;
  p.n_values = n_sig;
  p.bad = bad;
  p.all_labels = TRUE;
  p.colormap = icto_map_quantity_is_signed (quantity) ? ICTO_COLORMAP_DIVERGING : ICTO_COLORMAP_VIRIDIS;
  if (colormap_text != NULL && !icto_colormap_from_string (colormap_text, &p.colormap))
    return icto_cli_fail (2, _("unknown colour map “%s”: use viridis, cividis or diverging"), colormap_text);
  if (soz_text != NULL)
    {
      soz = g_strsplit (soz_text, ",", -1);
      for (guint i = 0; soz[i] != NULL; i++)
        g_strstrip (soz[i]);
      p.soz = (const char *const *) soz;
    }
  if (selected >= 0)
    p.selected = icto_layout_find_channel (layout, (int) r->channels[selected]);
  title = g_strdup_printf ("%s — %.1f s", icto_map_quantity_get_title (quantity), icto_ticks_to_seconds (r->time));
  p.title = title;
  p.unit = icto_map_quantity_get_unit (quantity);
  if (!icto_map_painter_export (&p, map_only ? NULL : page, out, width, height, &error))
    return icto_cli_fail_error (error);
  return 0;
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
  g_autofree char *map_text = NULL;
  g_autofree char *map_model = NULL;
  g_autofree char *map_select = NULL;
  g_autofree char *map_colormap = NULL;
  g_autofree char *map_soz = NULL;
  gboolean map_only = FALSE;
  int map_layer = ICTO_MAP_LAYERS_MEAN;
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
    { "map", 0, 0, G_OPTION_ARG_STRING, &map_text, N_("Draw the electrode map at the page’s end beside the page: attention-from, attention-received, contribution, agreement, line-length or high-gamma"), N_("QUANTITY") },
    { "map-only", 0, 0, G_OPTION_ARG_NONE, &map_only, N_("With --map: the map alone"), NULL },
    { "model", 0, 0, G_OPTION_ARG_FILENAME, &map_model, N_("With --map: the model (default: the bundled model)"), N_("FILE") },
    { "layer", 0, 0, G_OPTION_ARG_INT, &map_layer, N_("With --map: attention of one layer (from 0; -1 mean, -2 rollout)"), N_("N") },
    { "select", 0, 0, G_OPTION_ARG_STRING, &map_select, N_("With --map attention-from: the contact"), N_("LABEL") },
    { "colormap", 0, 0, G_OPTION_ARG_STRING, &map_colormap, N_("With --map: viridis, cividis or diverging"), N_("MAP") },
    { "soz", 0, 0, G_OPTION_ARG_STRING, &map_soz, N_("With --map: seizure-onset-zone contacts to outline, comma separated"), N_("LABELS") },
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
  if (map_text != NULL)
    {
      int status = render_map (session, page, map_text, map_model, map_layer, map_select, map_colormap,
                               map_soz, map_only, out, width, height);
      icto_page_painter_shutdown ();
      return status;
    }
  if (!icto_page_export (page, out, width, height, &error))
    {
      icto_page_painter_shutdown ();
      return icto_cli_fail_error (error);
    }
  icto_page_painter_shutdown ();
  return 0;
}
