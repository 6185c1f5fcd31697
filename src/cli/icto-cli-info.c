/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "icto-cli"

#include "config.h"

#include <stdio.h>

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "icto-cli.h"
#include "signal/icto-recording.h"

/*
 * ictoscope-cli info FILE [--json]
 *
 * JSON keys (scripts rely on them): format, start_time (ISO 8601 local clock
 * time of the recording site, with microseconds, no zone: EDF does not record
 * one), duration_s, n_signals (data signals only), signals[] {label, unit,
 * sample_rate, physical_min, physical_max, transducer, prefilter},
 * n_annotations, annotations[] {onset_s (from the first sample), duration_s
 * (0 when the annotation has none), text}, gaps[] {start_s, duration_s};
 * also patient, recording, n_records, record_duration_s.
 */

static char *
format_start (GDateTime *start)
{
  return g_date_time_format (start, "%Y-%m-%dT%H:%M:%S.%f");
}

static JsonNode *
build_json (IctoRecording *rec)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autofree char *start = format_start (icto_recording_get_start_time (rec));

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "file");
  json_builder_add_string_value (b, icto_recording_get_path (rec));
  json_builder_set_member_name (b, "format");
  json_builder_add_string_value (b, icto_format_to_string (icto_recording_get_format (rec)));
  json_builder_set_member_name (b, "patient");
  json_builder_add_string_value (b, icto_recording_get_patient (rec));
  json_builder_set_member_name (b, "recording");
  json_builder_add_string_value (b, icto_recording_get_recording_field (rec));
  json_builder_set_member_name (b, "start_time");
  json_builder_add_string_value (b, start);
  json_builder_set_member_name (b, "duration_s");
  json_builder_add_double_value (b, icto_ticks_to_seconds (icto_recording_get_duration (rec)));
  json_builder_set_member_name (b, "n_records");
  json_builder_add_int_value (b, icto_recording_get_n_records (rec));
  json_builder_set_member_name (b, "record_duration_s");
  json_builder_add_double_value (b, icto_ticks_to_seconds (icto_recording_get_record_duration (rec)));
  json_builder_set_member_name (b, "n_signals");
  json_builder_add_int_value (b, icto_recording_get_n_signals (rec));
  json_builder_set_member_name (b, "signals");
  json_builder_begin_array (b);
  for (guint i = 0; i < icto_recording_get_n_signals (rec); i++)
    {
      const IctoSignalInfo *s = icto_recording_get_signal (rec, i);
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "label");
      json_builder_add_string_value (b, s->label);
      json_builder_set_member_name (b, "unit");
      json_builder_add_string_value (b, s->unit);
      json_builder_set_member_name (b, "sample_rate");
      json_builder_add_double_value (b, s->sample_rate);
      json_builder_set_member_name (b, "physical_min");
      json_builder_add_double_value (b, s->physical_min);
      json_builder_set_member_name (b, "physical_max");
      json_builder_add_double_value (b, s->physical_max);
      json_builder_set_member_name (b, "digital_min");
      json_builder_add_int_value (b, s->digital_min);
      json_builder_set_member_name (b, "digital_max");
      json_builder_add_int_value (b, s->digital_max);
      json_builder_set_member_name (b, "transducer");
      json_builder_add_string_value (b, s->transducer);
      json_builder_set_member_name (b, "prefilter");
      json_builder_add_string_value (b, s->prefilter);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_set_member_name (b, "n_annotations");
  json_builder_add_int_value (b, icto_recording_get_n_annotations (rec));
  json_builder_set_member_name (b, "annotations");
  json_builder_begin_array (b);
  for (guint i = 0; i < icto_recording_get_n_annotations (rec); i++)
    {
      const IctoEdfAnnotation *a = icto_recording_get_annotation (rec, i);
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "onset_s");
      json_builder_add_double_value (b, icto_ticks_to_seconds (a->onset));
      json_builder_set_member_name (b, "duration_s");
      json_builder_add_double_value (b, a->duration < 0 ? 0.0 : icto_ticks_to_seconds (a->duration));
      json_builder_set_member_name (b, "text");
      json_builder_add_string_value (b, a->text);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_set_member_name (b, "gaps");
  json_builder_begin_array (b);
  for (guint i = 0; i < icto_recording_get_n_gaps (rec); i++)
    {
      const IctoGap *g = icto_recording_get_gap (rec, i);
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "start_s");
      json_builder_add_double_value (b, icto_ticks_to_seconds (g->start));
      json_builder_set_member_name (b, "duration_s");
      json_builder_add_double_value (b, icto_ticks_to_seconds (g->duration));
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

static void
print_text (IctoRecording *rec)
{
  g_autofree char *start = format_start (icto_recording_get_start_time (rec));

  printf ("%s: %s\n", _("File"), icto_recording_get_path (rec));
  printf ("%s: %s\n", _("Format"), icto_format_to_string (icto_recording_get_format (rec)));
  printf ("%s: %s\n", _("Patient"), icto_recording_get_patient (rec));
  printf ("%s: %s\n", _("Recording"), icto_recording_get_recording_field (rec));
  printf ("%s: %s\n", _("Start"), start);
  printf ("%s: %.6f s\n", _("Duration"), icto_ticks_to_seconds (icto_recording_get_duration (rec)));
  printf ("%s: %" G_GINT64_FORMAT " × %.7g s\n", _("Data records"), icto_recording_get_n_records (rec),
          icto_ticks_to_seconds (icto_recording_get_record_duration (rec)));
  printf ("%s: %u\n", _("Signals"), icto_recording_get_n_signals (rec));
  for (guint i = 0; i < icto_recording_get_n_signals (rec); i++)
    {
      const IctoSignalInfo *s = icto_recording_get_signal (rec, i);
      printf ("  %3u  %-16s %-8s %10.4f Hz  [%g, %g]\n", i + 1, s->label, s->unit,
              s->sample_rate, s->physical_min, s->physical_max);
    }
  printf ("%s: %u\n", _("Annotations"), icto_recording_get_n_annotations (rec));
  for (guint i = 0; i < icto_recording_get_n_annotations (rec); i++)
    {
      const IctoEdfAnnotation *a = icto_recording_get_annotation (rec, i);
      if (a->duration >= 0)
        printf ("  %12.6f s  (%.6f s)  %s\n", icto_ticks_to_seconds (a->onset),
                icto_ticks_to_seconds (a->duration), a->text);
      else
        printf ("  %12.6f s  %s\n", icto_ticks_to_seconds (a->onset), a->text);
    }
  printf ("%s: %u\n", _("Gaps"), icto_recording_get_n_gaps (rec));
  for (guint i = 0; i < icto_recording_get_n_gaps (rec); i++)
    {
      const IctoGap *g = icto_recording_get_gap (rec, i);
      printf ("  %12.6f s  +%.6f s\n", icto_ticks_to_seconds (g->start), icto_ticks_to_seconds (g->duration));
    }
}

int
icto_cli_info (int argc, char **argv)
{
  gboolean json = FALSE;
  g_auto(GStrv) files = NULL;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON"), NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &files, NULL, N_("FILE") },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (_("FILE — show the header, signals, annotations and gaps"));
  g_autoptr(GError) error = NULL;
  g_autoptr(IctoRecording) rec = NULL;

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return icto_cli_fail (2, "%s", error->message);
  if (files == NULL || files[0] == NULL || files[1] != NULL)
    return icto_cli_fail (2, "%s", _("info needs exactly one FILE"));

  rec = icto_recording_open (files[0], &error);
  if (rec == NULL)
    return icto_cli_fail_error (error);

  if (json)
    {
      g_autoptr(JsonNode) root = build_json (rec);
      g_autoptr(JsonGenerator) gen = json_generator_new ();
      g_autofree char *text = NULL;
      json_generator_set_pretty (gen, TRUE);
      json_generator_set_root (gen, root);
      text = json_generator_to_data (gen, NULL);
      printf ("%s\n", text);
    }
  else
    print_text (rec);
  return 0;
}
