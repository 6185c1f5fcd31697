/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "icto-cli"

#include "config.h"

#include <inttypes.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/icto-annotation-export.h"
#include "icto-cli.h"
#include "signal/icto-recording.h"
#include "store/icto-agreement.h"
#include "store/icto-store-io.h"
#include "store/icto-store.h"

/*
 * ictoscope-cli annot SUBCOMMAND RECORDING [--db PATH] [OPTION…]
 *
 *   add      --onset S --duration S --label CODE [fields]       prints the new id
 *   list     [--rater A,B] [--from S] [--to S] [--json]          TSV or a JSON array
 *   edit     --id N [fields]                                      changes only the given fields
 *   delete   --id N
 *   undo, redo
 *   import   FILE --format bids|szcore|csv [--skip-bad-rows]     or --format edf (the recording's own annotations)
 *   export   --format bids|szcore|csv|edf|training --out FILE [--rater A,B]
 *            (edf: a copy of the recording with the annotations added; the original is never written)
 *   agreement --rater A --other B
 *
 * Every command returns after its transaction is committed.
 */

typedef struct {
  char     *db;
  char     *rater;
  char     *other;
  char     *onset;
  char     *duration;
  char     *label;
  char     *channels;
  char     *confidence;
  char     *text;
  char     *clinical_onset;
  char     *eec;
  char     *ueo;
  char     *offset;
  char     *soz;
  char     *spread;
  char     *pattern;
  char     *seizure_type;
  gint64    id;
  gboolean  json;
  char     *from;
  char     *to;
  char     *format;
  char     *out;
  gboolean  skip_bad_rows;
  char     *window;
  char     *labels;
  double    min_fraction;
  char     *background;
} AnnotOptions;

static void
annot_options_clear (AnnotOptions *o)
{
  g_free (o->db);
  g_free (o->rater);
  g_free (o->other);
  g_free (o->onset);
  g_free (o->duration);
  g_free (o->label);
  g_free (o->channels);
  g_free (o->confidence);
  g_free (o->text);
  g_free (o->clinical_onset);
  g_free (o->eec);
  g_free (o->ueo);
  g_free (o->offset);
  g_free (o->soz);
  g_free (o->spread);
  g_free (o->pattern);
  g_free (o->seizure_type);
  g_free (o->from);
  g_free (o->to);
  g_free (o->format);
  g_free (o->out);
  g_free (o->window);
  g_free (o->labels);
  g_free (o->background);
}

static char **
split_list (const char *text)
{
  g_auto(GStrv) parts = NULL;
  g_autoptr(GStrvBuilder) b = g_strv_builder_new ();

  if (text == NULL)
    return NULL;
  parts = g_strsplit (text, ",", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    {
      g_strstrip (parts[i]);
      if (*parts[i] != '\0')
        g_strv_builder_add (b, parts[i]);
    }
  {
    char **v = g_strv_builder_end (b);
    if (v[0] == NULL)
      {
        g_strfreev (v);
        return NULL;
      }
    return v;
  }
}

static gboolean
parse_seconds_option (const char  *name,
                      const char  *text,
                      gint64      *out,
                      int         *status)
{
  if (text == NULL)
    return TRUE;
  if (g_ascii_strcasecmp (text, "n/a") == 0 || *text == '\0')
    {
      *out = ICTO_STORE_TIME_NONE;
      return TRUE;
    }
  if (!icto_store_parse_seconds (text, out))
    {
      *status = icto_cli_fail (2, _("--%s expects a number of seconds, not “%s”"), name, text);
      return FALSE;
    }
  return TRUE;
}

/* Applies the field options to @a (only those given).  Returns FALSE with @status set on a usage error. */
static gboolean
apply_fields (const AnnotOptions *o,
              IctoAnnotation     *a,
              int                *status)
{
  gint64 t;

  if (o->onset != NULL)
    {
      if (!icto_store_parse_seconds (o->onset, &t))
        {
          *status = icto_cli_fail (2, _("--onset expects a number of seconds, not “%s”"), o->onset);
          return FALSE;
        }
      a->onset = t;
    }
  if (o->duration != NULL)
    {
      if (!icto_store_parse_seconds (o->duration, &t))
        {
          *status = icto_cli_fail (2, _("--duration expects a number of seconds, not “%s”"), o->duration);
          return FALSE;
        }
      a->duration = t;
    }
  if (o->label != NULL)
    {
      g_free (a->label);
      a->label = g_strdup (o->label);
    }
  if (o->channels != NULL)
    {
      g_strfreev (a->channels);
      a->channels = split_list (o->channels);
    }
  if (o->rater != NULL)
    {
      g_free (a->rater);
      a->rater = g_strdup (o->rater);
    }
  if (o->confidence != NULL)
    {
      char *end = NULL;

      if (g_ascii_strcasecmp (o->confidence, "n/a") == 0 || *o->confidence == '\0')
        a->confidence = NAN;
      else
        {
          a->confidence = g_ascii_strtod (o->confidence, &end);
          if (end == o->confidence || *end != '\0')
            {
              *status = icto_cli_fail (2, _("--confidence expects a number from 0 to 1, not “%s”"), o->confidence);
              return FALSE;
            }
        }
    }
  if (o->text != NULL)
    {
      g_free (a->text);
      a->text = *o->text != '\0' ? g_strdup (o->text) : NULL;
    }
  if (o->clinical_onset || o->eec || o->ueo || o->offset || o->soz || o->spread || o->pattern || o->seizure_type)
    {
      IctoSeizureInfo *sz;

      if (a->seizure == NULL)
        a->seizure = icto_seizure_info_new ();
      sz = a->seizure;
      if (!parse_seconds_option ("clinical-onset", o->clinical_onset, &sz->clinical_onset, status) ||
          !parse_seconds_option ("eec", o->eec, &sz->eec, status) ||
          !parse_seconds_option ("ueo", o->ueo, &sz->ueo, status) ||
          !parse_seconds_option ("offset", o->offset, &sz->offset, status))
        return FALSE;
      if (o->soz != NULL)
        {
          g_strfreev (sz->soz);
          sz->soz = split_list (o->soz);
        }
      if (o->spread != NULL)
        {
          g_strfreev (sz->early_spread);
          sz->early_spread = split_list (o->spread);
        }
      if (o->pattern != NULL)
        {
          if (*o->pattern != '\0' && !g_strv_contains (icto_onset_pattern_codes (), o->pattern))
            {
              g_autofree char *known = g_strjoinv (", ", (char **) icto_onset_pattern_codes ());
              *status = icto_cli_fail (2, _("unknown onset pattern “%s” (known: %s)"), o->pattern, known);
              return FALSE;
            }
          g_free (sz->onset_pattern);
          sz->onset_pattern = *o->pattern != '\0' ? g_strdup (o->pattern) : NULL;
        }
      if (o->seizure_type != NULL)
        {
          g_free (sz->seizure_type);
          sz->seizure_type = *o->seizure_type != '\0' ? g_strdup (o->seizure_type) : NULL;
        }
    }
  return TRUE;
}

static char *
seconds_or_na (gint64 t)
{
  return t == ICTO_STORE_TIME_NONE ? g_strdup ("n/a") : icto_store_format_seconds (t);
}

static void
add_seconds_member (JsonBuilder *b,
                    const char  *name,
                    gint64       t)
{
  json_builder_set_member_name (b, name);
  if (t == ICTO_STORE_TIME_NONE)
    json_builder_add_null_value (b);
  else
    json_builder_add_double_value (b, (double) t / (double) ICTO_STORE_TICKS_PER_SECOND);
}

static void
add_strv_member (JsonBuilder *b,
                 const char  *name,
                 char       **v)
{
  json_builder_set_member_name (b, name);
  if (v == NULL)
    {
      json_builder_add_null_value (b);
      return;
    }
  json_builder_begin_array (b);
  for (guint i = 0; v[i] != NULL; i++)
    json_builder_add_string_value (b, v[i]);
  json_builder_end_array (b);
}

static void
add_string_member (JsonBuilder *b,
                   const char  *name,
                   const char  *value)
{
  json_builder_set_member_name (b, name);
  if (value == NULL)
    json_builder_add_null_value (b);
  else
    json_builder_add_string_value (b, value);
}

static char *
iso_time (gint64 usec)
{
  g_autoptr(GDateTime) base = g_date_time_new_from_unix_utc (usec / G_USEC_PER_SEC);
  g_autofree char *s = NULL;

  if (base == NULL)
    return NULL;
  s = g_date_time_format (base, "%Y-%m-%dT%H:%M:%S");
  return g_strdup_printf ("%s.%06dZ", s, (int) (usec % G_USEC_PER_SEC));
}

static void
build_annotation_json (JsonBuilder          *b,
                       const IctoAnnotation *a)
{
  g_autofree char *onset = icto_store_format_seconds (a->onset);
  g_autofree char *created = iso_time (a->created);
  g_autofree char *modified = iso_time (a->modified);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "id");
  json_builder_add_int_value (b, a->id);
  add_seconds_member (b, "onset_s", a->onset);
  add_seconds_member (b, "duration_s", a->duration);
  json_builder_set_member_name (b, "onset_ticks");
  json_builder_add_int_value (b, a->onset);
  json_builder_set_member_name (b, "duration_ticks");
  json_builder_add_int_value (b, a->duration);
  add_string_member (b, "label", a->label);
  add_strv_member (b, "channels", a->channels);
  add_string_member (b, "rater", a->rater);
  json_builder_set_member_name (b, "confidence");
  if (isnan (a->confidence))
    json_builder_add_null_value (b);
  else
    json_builder_add_double_value (b, a->confidence);
  add_string_member (b, "text", a->text);
  add_string_member (b, "created", created);
  add_string_member (b, "modified", modified);
  json_builder_set_member_name (b, "seizure");
  if (a->seizure == NULL)
    json_builder_add_null_value (b);
  else
    {
      json_builder_begin_object (b);
      add_seconds_member (b, "clinical_onset_s", a->seizure->clinical_onset);
      add_seconds_member (b, "eec_s", a->seizure->eec);
      add_seconds_member (b, "ueo_s", a->seizure->ueo);
      add_seconds_member (b, "offset_s", a->seizure->offset);
      add_strv_member (b, "soz", a->seizure->soz);
      add_strv_member (b, "early_spread", a->seizure->early_spread);
      add_string_member (b, "onset_pattern", a->seizure->onset_pattern);
      add_string_member (b, "seizure_type", a->seizure->seizure_type);
      json_builder_end_object (b);
    }
  json_builder_end_object (b);
}

static void
print_json (JsonBuilder *b)
{
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autoptr(JsonNode) root = json_builder_get_root (b);
  g_autofree char *text = NULL;

  json_generator_set_root (gen, root);
  json_generator_set_pretty (gen, TRUE);
  text = json_generator_to_data (gen, NULL);
  printf ("%s\n", text);
}

static char *
tsv_cell (const char *text)
{
  GString *s;

  if (text == NULL)
    return g_strdup ("n/a");
  s = g_string_new (NULL);
  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == '\t')
        g_string_append (s, "\\t");
      else if (*p == '\n')
        g_string_append (s, "\\n");
      else if (*p == '\r')
        g_string_append (s, "\\r");
      else if (*p == '\\')
        g_string_append (s, "\\\\");
      else
        g_string_append_c (s, *p);
    }
  return g_string_free (s, FALSE);
}

static void
print_tsv_row (const IctoAnnotation *a)
{
  g_autofree char *onset = icto_store_format_seconds (a->onset);
  g_autofree char *duration = icto_store_format_seconds (a->duration);
  g_autofree char *joined = a->channels ? g_strjoinv (",", a->channels) : NULL;
  g_autofree char *channels = tsv_cell (joined);
  g_autofree char *label = tsv_cell (a->label);
  g_autofree char *rater = tsv_cell (a->rater);
  g_autofree char *text = tsv_cell (a->text);
  g_autofree char *type = tsv_cell (a->seizure ? a->seizure->seizure_type : NULL);
  g_autofree char *ueo = a->seizure ? seconds_or_na (a->seizure->ueo) : g_strdup ("n/a");
  g_autofree char *conf = isnan (a->confidence) ? g_strdup ("n/a") : icto_store_format_double (a->confidence);
  printf ("%" G_GINT64_FORMAT "\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n",
          a->id, onset, duration, label, channels, rater, conf, text, type, ueo);
}

static int
print_usage_error (GOptionContext *context,
                   const char     *message)
{
  g_autofree char *help = g_option_context_get_help (context, TRUE, NULL);

  fprintf (stderr, "ictoscope-cli: %s\n\n%s", message, help);
  return 2;
}

static int
cmd_add (IctoStore          *store,
         gint64              rec,
         const AnnotOptions *o)
{
  g_autoptr(IctoAnnotation) a = icto_annotation_new ();
  g_autoptr(GError) error = NULL;
  int status = 0;

  if (o->onset == NULL || o->label == NULL)
    return icto_cli_fail (2, _("add needs --onset and --label"));
  a->recording_id = rec;
  if (!apply_fields (o, a, &status))
    return status;
  if (!icto_store_add (store, a, &error))
    return icto_cli_fail_error (error);
  if (o->json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      build_annotation_json (b, a);
      print_json (b);
    }
  else
    printf ("%" G_GINT64_FORMAT "\n", a->id);
  return 0;
}

static int
cmd_edit (IctoStore          *store,
          gint64              rec,
          const AnnotOptions *o)
{
  g_autoptr(IctoAnnotation) a = NULL;
  g_autoptr(GError) error = NULL;
  int status = 0;

  if (o->id <= 0)
    return icto_cli_fail (2, _("edit needs --id"));
  a = icto_store_get (store, o->id, &error);
  if (a == NULL)
    return icto_cli_fail_error (error);
  if (a->recording_id != rec)
    return icto_cli_fail (1, _("annotation %" PRId64 " belongs to another recording"), o->id);
  if (!apply_fields (o, a, &status))
    return status;
  if (!icto_store_update (store, a, &error))
    return icto_cli_fail_error (error);
  if (o->json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      build_annotation_json (b, a);
      print_json (b);
    }
  return 0;
}

static int
cmd_delete (IctoStore          *store,
            gint64              rec,
            const AnnotOptions *o)
{
  g_autoptr(IctoAnnotation) a = NULL;
  g_autoptr(GError) error = NULL;

  if (o->id <= 0)
    return icto_cli_fail (2, _("delete needs --id"));
  a = icto_store_get (store, o->id, &error);
  if (a == NULL)
    return icto_cli_fail_error (error);
  if (a->recording_id != rec)
    return icto_cli_fail (1, _("annotation %" PRId64 " belongs to another recording"), o->id);
  if (!icto_store_delete (store, o->id, &error))
    return icto_cli_fail_error (error);
  return 0;
}

static int
cmd_list (IctoStore          *store,
          gint64              rec,
          const AnnotOptions *o)
{
  g_auto(GStrv) raters = split_list (o->rater);
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GError) error = NULL;
  gint64 from = G_MININT64, to = G_MAXINT64;

  if ((o->from != NULL && !icto_store_parse_seconds (o->from, &from)) ||
      (o->to != NULL && !icto_store_parse_seconds (o->to, &to)))
    return icto_cli_fail (2, _("--from and --to expect numbers of seconds"));
  list = icto_store_list (store, rec, from, to, (const char * const *) raters, &error);
  if (list == NULL)
    return icto_cli_fail_error (error);
  if (o->json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();

      json_builder_begin_array (b);
      for (guint i = 0; i < list->len; i++)
        build_annotation_json (b, list->pdata[i]);
      json_builder_end_array (b);
      print_json (b);
    }
  else
    {
      printf ("id\tonset_s\tduration_s\tlabel\tchannels\trater\tconfidence\ttext\tseizure_type\tueo_s\n");
      for (guint i = 0; i < list->len; i++)
        print_tsv_row (list->pdata[i]);
    }
  return 0;
}

static int
cmd_undo_redo (IctoStore *store,
               gint64     rec,
               gboolean   redo)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *description = NULL;
  gboolean ok = redo ? icto_store_redo (store, rec, &description, &error)
                     : icto_store_undo (store, rec, &description, &error);

  if (!ok)
    return icto_cli_fail_error (error);
  printf ("%s: %s\n", redo ? _("Redone") : _("Undone"), description ? _(description) : "");
  return 0;
}

static int
cmd_import (IctoStore          *store,
            IctoRecording      *recording,
            gint64              rec,
            const AnnotOptions *o,
            const char         *file)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(IctoImportReport) report = NULL;
  IctoAnnotFormat format;

  if (o->format == NULL)
    return icto_cli_fail (2, _("import needs --format bids|szcore|csv|edf"));

  if (g_strcmp0 (o->format, "edf") == 0)
    {
      guint n_imported = 0;

      if (!icto_annotation_import_edf (store, recording, rec, o->rater, &n_imported, &error))
        return icto_cli_fail_error (error);
      printf (_("Imported %u annotations\n"), n_imported);
      return 0;
    }

  if (!icto_annot_format_from_string (o->format, &format))
    return icto_cli_fail (2, _("unknown import format “%s” (bids, szcore, csv, edf)"), o->format);
  if (file == NULL)
    return icto_cli_fail (2, _("import needs a FILE after the recording"));
  if (!icto_store_import_file (store, rec, format, file, o->rater,
                               o->skip_bad_rows ? ICTO_IMPORT_SKIP_BAD_ROWS : ICTO_IMPORT_ALL_OR_NOTHING,
                               &report, &error))
    return icto_cli_fail_error (error);
  printf (_("Imported %u annotations\n"), report->n_imported);
  for (guint i = 0; i < report->problems->len; i++)
    {
      IctoImportProblem *p = report->problems->pdata[i];
      fprintf (stderr, _("ictoscope-cli: skipped line %u: %s\n"), p->line, p->message);
    }
  return 0;
}

static int
cmd_export (IctoStore          *store,
            IctoRecording      *recording,
            gint64              rec,
            const AnnotOptions *o)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) raters = split_list (o->rater);
  GDateTime *start;
  IctoExportOptions options = { NULL, -1, NULL };
  IctoAnnotFormat format;

  if (o->format == NULL || o->out == NULL)
    return icto_cli_fail (2, _("export needs --format and --out"));

  if (g_strcmp0 (o->format, "training") == 0)
    {
      g_auto(GStrv) labels = split_list (o->labels);
      gint64 window = 5 * ICTO_STORE_TICKS_PER_SECOND;
      const char *rater = o->rater != NULL ? o->rater : icto_store_get_default_rater (store);

      if (o->window != NULL && !icto_store_parse_seconds (o->window, &window))
        return icto_cli_fail (2, _("--window expects a number of seconds"));
      if (!icto_store_export_training (store, rec, o->out, rater, (const char * const *) labels, window,
                                       icto_recording_get_duration (recording),
                                       o->min_fraction > 0 ? o->min_fraction : 0.5,
                                       o->background ? o->background : "bckg", &error))
        return icto_cli_fail_error (error);
      return 0;
    }
  if (g_strcmp0 (o->format, "edf") == 0)
    {
      if (!icto_annotation_export_edf (store, recording, rec, (const char * const *) raters, o->out, &error))
        return icto_cli_fail_error (error);
      return 0;
    }
  if (!icto_annot_format_from_string (o->format, &format))
    return icto_cli_fail (2, _("unknown export format “%s” (bids, szcore, csv, edf, training)"), o->format);

  start = icto_recording_get_start_time (recording);
  options.raters = (const char * const *) raters;
  options.recording_duration = icto_recording_get_duration (recording);
  options.start_time = start;
  if (!icto_store_export_file (store, rec, format, o->out, &options, &error))
    return icto_cli_fail_error (error);
  return 0;
}

static int
cmd_agreement (IctoStore          *store,
               IctoRecording      *recording,
               gint64              rec,
               const AnnotOptions *o)
{
  g_autoptr(GError) error = NULL;
  IctoAgreement ag;
  char sens[G_ASCII_DTOSTR_BUF_SIZE], fa[G_ASCII_DTOSTR_BUF_SIZE];

  if (o->rater == NULL || o->other == NULL)
    return icto_cli_fail (2, _("agreement needs --rater (reference) and --other"));
  if (!icto_store_rater_agreement (store, rec, o->rater, o->other, icto_recording_get_duration (recording),
                                   &ag, &error))
    return icto_cli_fail_error (error);
  g_ascii_formatd (sens, sizeof sens, "%.4f", ag.sensitivity);
  g_ascii_formatd (fa, sizeof fa, "%.4f", ag.false_alarms_per_24h);
  if (o->json)
    printf ("{\"reference\": %u, \"other\": %u, \"detected\": %u, \"false_alarms\": %u, "
            "\"sensitivity\": %s, \"false_alarms_per_24h\": %s}\n",
            ag.n_reference, ag.n_hypothesis, ag.n_detected, ag.n_false_alarms,
            isnan (ag.sensitivity) ? "null" : sens, isnan (ag.false_alarms_per_24h) ? "null" : fa);
  else
    printf ("reference\tother\tdetected\tfalse_alarms\tsensitivity\tfalse_alarms_per_24h\n%u\t%u\t%u\t%u\t%s\t%s\n",
            ag.n_reference, ag.n_hypothesis, ag.n_detected, ag.n_false_alarms,
            isnan (ag.sensitivity) ? "n/a" : sens, isnan (ag.false_alarms_per_24h) ? "n/a" : fa);
  return 0;
}

int
icto_cli_annot (int    argc,
                char **argv)
{
  AnnotOptions o = { 0 };
  const GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &o.db, N_("Annotation database (default: the user’s)"), N_("PATH") },
    { "id", 0, 0, G_OPTION_ARG_INT64, &o.id, N_("Annotation id (edit, delete)"), N_("ID") },
    { "onset", 0, 0, G_OPTION_ARG_STRING, &o.onset, N_("Onset in seconds from the first sample"), N_("S") },
    { "duration", 0, 0, G_OPTION_ARG_STRING, &o.duration, N_("Duration in seconds"), N_("S") },
    { "label", 0, 0, G_OPTION_ARG_STRING, &o.label, N_("Label code (e.g. sz, spike, artefact)"), N_("CODE") },
    { "channels", 0, 0, G_OPTION_ARG_STRING, &o.channels, N_("Channels, comma-separated (empty: all)"), N_("LIST") },
    { "rater", 0, 0, G_OPTION_ARG_STRING, &o.rater, N_("Rater (list, export: comma-separated filter)"), N_("NAME") },
    { "other", 0, 0, G_OPTION_ARG_STRING, &o.other, N_("Second rater (agreement)"), N_("NAME") },
    { "confidence", 0, 0, G_OPTION_ARG_STRING, &o.confidence, N_("Confidence from 0 to 1 (n/a: none)"), N_("C") },
    { "text", 0, 0, G_OPTION_ARG_STRING, &o.text, N_("Free text"), N_("TEXT") },
    { "clinical-onset", 0, 0, G_OPTION_ARG_STRING, &o.clinical_onset, N_("Seizure: clinical onset (s)"), N_("S") },
    { "eec", 0, 0, G_OPTION_ARG_STRING, &o.eec, N_("Seizure: earliest electrographic change (s)"), N_("S") },
    { "ueo", 0, 0, G_OPTION_ARG_STRING, &o.ueo, N_("Seizure: unequivocal electrographic onset (s)"), N_("S") },
    { "offset", 0, 0, G_OPTION_ARG_STRING, &o.offset, N_("Seizure: electrographic offset (s)"), N_("S") },
    { "soz", 0, 0, G_OPTION_ARG_STRING, &o.soz, N_("Seizure: onset-zone contacts, comma-separated"), N_("LIST") },
    { "spread", 0, 0, G_OPTION_ARG_STRING, &o.spread, N_("Seizure: early-spread contacts, comma-separated"), N_("LIST") },
    { "pattern", 0, 0, G_OPTION_ARG_STRING, &o.pattern, N_("Seizure: onset pattern (lvfa, periodic_spikes, …)"), N_("CODE") },
    { "seizure-type", 0, 0, G_OPTION_ARG_STRING, &o.seizure_type, N_("Seizure: ILAE 2017 type as a SzCORE code"), N_("CODE") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &o.json, N_("Print JSON"), NULL },
    { "from", 0, 0, G_OPTION_ARG_STRING, &o.from, N_("List: from this time (s)"), N_("S") },
    { "to", 0, 0, G_OPTION_ARG_STRING, &o.to, N_("List: up to this time (s)"), N_("S") },
    { "format", 0, 0, G_OPTION_ARG_STRING, &o.format, N_("bids, szcore, csv, edf (import) or training (export)"), N_("FORMAT") },
    { "out", 0, 0, G_OPTION_ARG_FILENAME, &o.out, N_("Export: output file"), N_("FILE") },
    { "skip-bad-rows", 0, 0, G_OPTION_ARG_NONE, &o.skip_bad_rows, N_("Import: import the good rows of a file with bad rows"), NULL },
    { "window", 0, 0, G_OPTION_ARG_STRING, &o.window, N_("Training export: window length (s, default 5)"), N_("S") },
    { "labels", 0, 0, G_OPTION_ARG_STRING, &o.labels, N_("Training export: label codes to use, comma-separated"), N_("LIST") },
    { "min-fraction", 0, 0, G_OPTION_ARG_DOUBLE, &o.min_fraction, N_("Training export: least covered fraction (default 0.5)"), N_("F") },
    { "background", 0, 0, G_OPTION_ARG_STRING, &o.background, N_("Training export: label of other windows (default bckg)"), N_("CODE") },
    { NULL }
  };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(IctoRecording) recording = NULL;
  g_autoptr(IctoStore) store = NULL;
  g_autofree char *db = NULL;
  g_autofree char *abs_path = NULL;
  const char *sub, *file = NULL;
  gint64 rec;
  int status;

  context = g_option_context_new (_("SUBCOMMAND RECORDING [FILE] — add, list, edit, delete, undo, redo, import, export, agreement"));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      status = print_usage_error (context, error->message);
      annot_options_clear (&o);
      return status;
    }
  if (argc < 3)
    {
      status = print_usage_error (context, _("annot needs a SUBCOMMAND and a RECORDING"));
      annot_options_clear (&o);
      return status;
    }
  sub = argv[1];
  if (argc > 3)
    file = argv[3];
  if (!g_strv_contains ((const char *const[]) { "add", "list", "edit", "delete", "undo", "redo",
                                                "import", "export", "agreement", NULL }, sub))
    {
      g_autofree char *msg = g_strdup_printf (_("unknown annot subcommand “%s”"), sub);
      status = print_usage_error (context, msg);
      annot_options_clear (&o);
      return status;
    }

  recording = icto_recording_open (argv[2], &error);
  if (recording == NULL)
    {
      status = icto_cli_fail_error (error);
      annot_options_clear (&o);
      return status;
    }
  db = o.db != NULL ? g_strdup (o.db) : icto_store_default_path ();
  store = icto_store_open (db, &error);
  if (store == NULL)
    {
      status = icto_cli_fail_error (error);
      annot_options_clear (&o);
      return status;
    }
  abs_path = g_canonicalize_filename (argv[2], NULL);
  rec = icto_store_ensure_recording (store, icto_recording_get_fingerprint (recording), abs_path,
                                     icto_recording_get_duration (recording), &error);
  if (rec == 0)
    {
      status = icto_cli_fail_error (error);
      annot_options_clear (&o);
      return status;
    }

  if (g_str_equal (sub, "add"))
    status = cmd_add (store, rec, &o);
  else if (g_str_equal (sub, "edit"))
    status = cmd_edit (store, rec, &o);
  else if (g_str_equal (sub, "delete"))
    status = cmd_delete (store, rec, &o);
  else if (g_str_equal (sub, "list"))
    status = cmd_list (store, rec, &o);
  else if (g_str_equal (sub, "undo"))
    status = cmd_undo_redo (store, rec, FALSE);
  else if (g_str_equal (sub, "redo"))
    status = cmd_undo_redo (store, rec, TRUE);
  else if (g_str_equal (sub, "import"))
    status = cmd_import (store, recording, rec, &o, file);
  else if (g_str_equal (sub, "export"))
    status = cmd_export (store, recording, rec, &o);
  else
    status = cmd_agreement (store, recording, rec, &o);

  annot_options_clear (&o);
  return status;
}
