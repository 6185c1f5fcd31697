/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "icto-cli"

/*
 * ictoscope-cli layout RECORDING [--electrodes FILE.tsv] [--json] [--export FILE.tsv]
 *
 * The electrode layout of a recording (BIDS electrodes.tsv beside it or
 * given, else from the channel labels): per channel its contact, 2-D
 * position, shape and group; the electrodes matched to no channel.
 */

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/icto-map.h"
#include "icto-cli.h"

static void
add_number (JsonBuilder *b, const char *name, double v)
{
  json_builder_set_member_name (b, name);
  if (isfinite (v))
    json_builder_add_double_value (b, v);
  else
    json_builder_add_null_value (b);
}

static void
add_contact (JsonBuilder *b, const IctoLayout *layout, const IctoContact *c)
{
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "label");
  json_builder_add_string_value (b, c->label);
  json_builder_set_member_name (b, "channel");
  if (c->channel >= 0)
    json_builder_add_int_value (b, c->channel);
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "group");
  json_builder_add_string_value (b, c->group);
  json_builder_set_member_name (b, "shape");
  json_builder_add_string_value (b, icto_layout_shape_to_string (c->shape));
  json_builder_set_member_name (b, "number");
  if (c->number >= 0)
    json_builder_add_int_value (b, c->number);
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "row");
  if (c->row >= 0)
    json_builder_add_int_value (b, c->row);
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "column");
  if (c->col >= 0)
    json_builder_add_int_value (b, c->col);
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "views");
  json_builder_begin_array (b);
  for (guint v = 0; v < icto_layout_get_n_views (layout); v++)
    {
      json_builder_begin_array (b);
      json_builder_add_double_value (b, c->x[v]);
      json_builder_add_double_value (b, c->y[v]);
      json_builder_end_array (b);
    }
  json_builder_end_array (b);
  json_builder_set_member_name (b, "position_mm");
  if (c->has_3d)
    {
      json_builder_begin_array (b);
      for (int d = 0; d < 3; d++)
        json_builder_add_double_value (b, c->pos[d]);
      json_builder_end_array (b);
    }
  else
    json_builder_add_null_value (b);
  json_builder_end_object (b);
}

int
icto_cli_layout (int    argc,
                 char **argv)
{
  g_autofree char *electrodes = NULL;
  g_autofree char *export_path = NULL;
  gboolean json = FALSE;
  GOptionEntry entries[] = {
    { "electrodes", 'e', 0, G_OPTION_ARG_FILENAME, &electrodes, N_("A BIDS electrodes.tsv (default: the one beside the recording)"), N_("FILE") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON"), NULL },
    { "export", 0, 0, G_OPTION_ARG_FILENAME, &export_path, N_("Write the layout as a BIDS electrodes.tsv"), N_("FILE") },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (_("RECORDING — the electrode layout of a recording"));
  g_autoptr(GError) error = NULL;
  g_autoptr(IctoRecording) rec = NULL;
  g_autoptr(IctoLayout) layout = NULL;
  g_autofree const char **unmatched = NULL;
  guint n_unmatched = 0;

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return icto_cli_fail (2, "%s", error->message);
  if (argc != 2)
    return icto_cli_fail (2, _("layout needs exactly one recording (see --help)"));
  rec = icto_recording_open (argv[1], &error);
  if (rec == NULL)
    return icto_cli_fail_error (error);
  layout = icto_map_layout_for_recording (rec, electrodes, &error);
  if (layout == NULL)
    return icto_cli_fail_error (error);
  if (export_path != NULL)
    {
      g_autofree char *json_path = NULL;
      g_autofree char *text = icto_layout_coordsystem_json ();
      if (!icto_layout_write_tsv (layout, export_path, &error))
        return icto_cli_fail_error (error);
      if (g_str_has_suffix (export_path, "_electrodes.tsv"))
        {
          json_path = g_strdup_printf ("%.*s_coordsystem.json",
                                       (int) (strlen (export_path) - strlen ("_electrodes.tsv")), export_path);
          if (!g_file_set_contents (json_path, text, -1, &error))
            return icto_cli_fail_error (error);
        }
    }
  unmatched = icto_layout_get_unmatched (layout, &n_unmatched);

  if (json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      g_autoptr(JsonGenerator) gen = json_generator_new ();
      g_autoptr(JsonNode) root = NULL;
      g_autofree char *text = NULL;

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "recording");
      json_builder_add_string_value (b, argv[1]);
      json_builder_set_member_name (b, "has_positions");
      json_builder_add_boolean_value (b, icto_layout_has_positions (layout));
      json_builder_set_member_name (b, "views");
      json_builder_begin_array (b);
      for (guint v = 0; v < icto_layout_get_n_views (layout); v++)
        json_builder_add_string_value (b, icto_layout_get_view_title (layout, v));
      json_builder_end_array (b);
      json_builder_set_member_name (b, "contacts");
      json_builder_begin_array (b);
      for (guint i = 0; i < icto_layout_get_n_contacts (layout); i++)
        add_contact (b, layout, icto_layout_get_contact (layout, i));
      json_builder_end_array (b);
      /* every channel, in file order, with its contact or null */
      json_builder_set_member_name (b, "channels");
      json_builder_begin_array (b);
      for (guint s = 0; s < icto_recording_get_n_signals (rec); s++)
        {
          int ci = icto_layout_find_channel (layout, (int) s);
          json_builder_begin_object (b);
          json_builder_set_member_name (b, "index");
          json_builder_add_int_value (b, s);
          json_builder_set_member_name (b, "label");
          json_builder_add_string_value (b, icto_recording_get_signal (rec, s)->label);
          json_builder_set_member_name (b, "contact");
          if (ci >= 0)
            json_builder_add_int_value (b, ci);
          else
            json_builder_add_null_value (b);
          if (ci >= 0)
            {
              const IctoContact *c = icto_layout_get_contact (layout, (guint) ci);
              json_builder_set_member_name (b, "group");
              json_builder_add_string_value (b, c->group);
              json_builder_set_member_name (b, "shape");
              json_builder_add_string_value (b, icto_layout_shape_to_string (c->shape));
              add_number (b, "x", c->x[0]);
              add_number (b, "y", c->y[0]);
            }
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      json_builder_set_member_name (b, "unmatched");
      json_builder_begin_array (b);
      for (guint i = 0; i < n_unmatched; i++)
        json_builder_add_string_value (b, unmatched[i]);
      json_builder_end_array (b);
      json_builder_end_object (b);
      root = json_builder_get_root (b);
      json_generator_set_root (gen, root);
      json_generator_set_pretty (gen, TRUE);
      text = json_generator_to_data (gen, NULL);
      printf ("%s\n", text);
      return 0;
    }

  printf ("%s\t%s\t%s\t%s\t%s\t%s\n", _("label"), _("channel"), _("group"), _("shape"), "x_mm", "y_mm");
  for (guint i = 0; i < icto_layout_get_n_contacts (layout); i++)
    {
      const IctoContact *c = icto_layout_get_contact (layout, i);
      printf ("%s\t%d\t%s\t%s\t%.2f\t%.2f\n", c->label, c->channel, c->group,
              icto_layout_shape_to_string (c->shape), c->x[0], c->y[0]);
    }
  if (n_unmatched > 0)
    {
      printf (_("Electrodes without a channel:"));
      for (guint i = 0; i < n_unmatched; i++)
        printf (" %s", unmatched[i]);
      printf ("\n");
    }
  return 0;
}
