/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "icto-sim"

#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "signal/icto-edf-writer.h"
#include "icto-sim.h"

/* Locale-independent number formatting for the sidecars. */
static void
append_num (GString    *s,
            const char *format,
            double      v)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  g_string_append (s, g_ascii_formatd (buf, sizeof buf, format, v));
}

char *
icto_sim_sidecar_path (const char *edf_path,
                       const char *kind)
{
  g_autofree char *base = NULL;
  gsize len;

  g_return_val_if_fail (edf_path != NULL && kind != NULL, NULL);

  len = strlen (edf_path);
  if (len > 4 && (g_ascii_strcasecmp (edf_path + len - 4, ".edf") == 0
                  || g_ascii_strcasecmp (edf_path + len - 4, ".bdf") == 0))
    len -= 4;
  base = g_strndup (edf_path, len);
  if (len > 5 && strcmp (base + len - 5, "_ieeg") == 0)
    base[len - 5] = '\0';
  return g_strdup_printf ("%s_%s", base, kind);
}

static gboolean
write_text (const char *path,
            GString    *content,
            GError    **error)
{
  g_autoptr(GError) local = NULL;

  if (!g_file_set_contents (path, content->str, content->len, &local))
    {
      g_set_error (error, ICTO_SIM_ERROR, ICTO_SIM_ERROR_IO,
                   _("Could not write “%s”: %s"), path, local->message);
      return FALSE;
    }
  return TRUE;
}

static const char *
group_type (IctoSimGroupKind kind)
{
  switch (kind)
    {
    case ICTO_SIM_GROUP_GRID: return "grid";
    case ICTO_SIM_GROUP_STRIP: return "strip";
    case ICTO_SIM_GROUP_DEPTH:
    default: return "depth";
    }
}

gboolean
icto_sim_write_sidecars (IctoSim    *self,
                         const char *edf_path,
                         GError    **error)
{
  const IctoSimParams *p = icto_sim_get_params (self);
  guint n_ch = icto_sim_get_n_channels (self);
  g_autoptr(GString) s = g_string_new (NULL);
  g_autofree char *channels = icto_sim_sidecar_path (edf_path, "channels.tsv");
  g_autofree char *channels_json = icto_sim_sidecar_path (edf_path, "channels.json");
  g_autofree char *electrodes = icto_sim_sidecar_path (edf_path, "electrodes.tsv");
  g_autofree char *coordsystem = icto_sim_sidecar_path (edf_path, "coordsystem.json");
  g_autofree char *events = icto_sim_sidecar_path (edf_path, "events.tsv");
  g_autofree char *simulation = icto_sim_sidecar_path (edf_path, "simulation.json");

  /* channels.tsv (BIDS-iEEG), with the ground-truth SOZ */
  g_string_append (s, "name\ttype\tunits\tlow_cutoff\thigh_cutoff\tsampling_frequency\tgroup\tstatus\tstatus_description\tsoz\tsoz_fraction\n");
  for (guint c = 0; c < n_ch; c++)
    {
      const IctoSimChannel *ch = icto_sim_get_channel (self, c);
      g_string_append_printf (s, "%s\t%s\tuV\t0.5\tn/a\t%d\t%s\t%s\t%s\t%s\t",
                              ch->label, ch->kind == ICTO_SIM_GROUP_DEPTH ? "SEEG" : "ECOG",
                              p->sample_rate, ch->group,
                              ch->status == ICTO_SIM_STATUS_GOOD ? "good" : "bad",
                              ch->status == ICTO_SIM_STATUS_FLAT ? "flat channel (simulated)"
                              : ch->status == ICTO_SIM_STATUS_NOISY ? "noisy channel (simulated)" : "n/a",
                              ch->soz ? "true" : "false");
      append_num (s, "%.4f", ch->soz_fraction);
      g_string_append_c (s, '\n');
    }
  if (!write_text (channels, s, error))
    return FALSE;

  g_string_truncate (s, 0);
  g_string_append (s,
    "{\n"
    "  \"soz\": {\n"
    "    \"LongName\": \"Seizure onset zone\",\n"
    "    \"Description\": \"Ground truth of the simulator: true when the contact sees mostly the epileptogenic zone, i.e. soz_fraction >= 0.5 and the summed gain from the epileptogenic nodes is at least a quarter of its maximum over contacts.\",\n"
    "    \"Levels\": { \"true\": \"seizure-onset-zone contact\", \"false\": \"not in the seizure onset zone\" }\n"
    "  },\n"
    "  \"soz_fraction\": {\n"
    "    \"Description\": \"Share of the contact's squared lead-field gain that comes from epileptogenic-zone nodes (0 to 1).\"\n"
    "  },\n"
    "  \"status\": {\n"
    "    \"Description\": \"Simulated bad channels (flat, noisy) are marked bad.\"\n"
    "  }\n"
    "}\n");
  if (!write_text (channels_json, s, error))
    return FALSE;

  /* electrodes.tsv */
  g_string_truncate (s, 0);
  g_string_append (s, "name\tx\ty\tz\tsize\tgroup\themisphere\ttype\n");
  for (guint c = 0; c < n_ch; c++)
    {
      const IctoSimChannel *ch = icto_sim_get_channel (self, c);
      g_string_append_printf (s, "%s\t", ch->label);
      for (int d = 0; d < 3; d++)
        {
          append_num (s, "%.2f", ch->pos[d]);
          g_string_append_c (s, '\t');
        }
      /* DIXI-like cylinder 0.8 x 2 mm; ECoG disc of 2.3 mm exposed */
      append_num (s, "%.2f", ch->kind == ICTO_SIM_GROUP_DEPTH ? G_PI * 0.8 * 2.0 : G_PI * 1.15 * 1.15);
      g_string_append_printf (s, "\t%s\t%s\t%s\n", ch->group, ch->pos[0] < 0 ? "L" : "R",
                              group_type (ch->kind));
    }
  if (!write_text (electrodes, s, error))
    return FALSE;

  g_string_truncate (s, 0);
  g_string_append (s,
    "{\n"
    "  \"iEEGCoordinateSystem\": \"Other\",\n"
    "  \"iEEGCoordinateUnits\": \"mm\",\n"
    "  \"iEEGCoordinateSystemDescription\": \"Ictoscope simulator head: an ellipsoidal brain with semi-axes 60 x 45 x 40 mm centred at the origin; x from left to right, y from posterior to anterior, z from inferior to superior.\"\n"
    "}\n");
  if (!write_text (coordsystem, s, error))
    return FALSE;

  /* simulation.json: what a teacher needs to explain the recording */
  g_string_truncate (s, 0);
  g_string_append_printf (s, "{\n  \"generator\": \"Ictoscope simulator %s\",\n", PACKAGE_VERSION);
  g_string_append_printf (s, "  \"seed\": %" G_GUINT64_FORMAT ",\n  \"duration_s\": ", p->seed);
  append_num (s, "%.3f", p->duration);
  g_string_append_printf (s, ",\n  \"sample_rate_hz\": %d,\n  \"layout\": \"%s\",\n  \"pattern\": \"%s\",\n",
                          p->sample_rate, p->layout, icto_sim_pattern_to_string (p->pattern));
  g_string_append (s, "  \"model\": \"Epileptor network (Jirsa et al., Brain 2014), permittivity coupling K = 2 (Proix et al., J Neurosci 2014), r = 0.0002, 1 model unit = 25 ms\",\n");
  g_string_append (s, "  \"nodes\": [\n");
  for (guint i = 0; i < icto_sim_get_n_nodes (self); i++)
    {
      const IctoSimNode *node = icto_sim_get_node (self, i);
      static const char *cls[] = { "healthy", "PZ", "EZ" };
      g_string_append_printf (s, "    { \"index\": %u, \"class\": \"%s\", \"epileptogenicity\": ", i, cls[node->klass]);
      append_num (s, "%.4f", node->epileptogenicity);
      g_string_append (s, ", \"x0\": ");
      append_num (s, "%.4f", node->x0);
      g_string_append (s, ", \"position_mm\": [");
      for (int d = 0; d < 3; d++)
        {
          append_num (s, "%.2f", node->pos[d]);
          g_string_append (s, d < 2 ? ", " : "] }");
        }
      g_string_append (s, i + 1 < icto_sim_get_n_nodes (self) ? ",\n" : "\n");
    }
  g_string_append (s, "  ],\n  \"seizures\": [\n");
  for (guint k = 0; k < icto_sim_get_n_seizures (self); k++)
    {
      const IctoSimSeizure *sz = icto_sim_get_seizure (self, k);
      gboolean first = TRUE;
      g_string_append_printf (s, "    { \"pattern\": \"%s\", \"trigger_s\": ", icto_sim_pattern_to_string (sz->pattern));
      append_num (s, "%.3f", sz->trigger);
      g_string_append (s, ", \"eec_s\": ");
      append_num (s, "%.3f", sz->eec);
      g_string_append (s, ", \"ueo_s\": ");
      append_num (s, "%.3f", sz->ueo);
      g_string_append (s, ", \"offset_s\": ");
      append_num (s, "%.3f", sz->offset);
      g_string_append (s, ", \"last_node_end_s\": ");
      append_num (s, "%.3f", sz->end_max);
      g_string_append (s, ",\n      \"node_onsets_s\": {");
      for (guint i = 0; i < icto_sim_get_n_nodes (self); i++)
        if (sz->node_onset[i] >= 0)
          {
            g_string_append_printf (s, "%s\"%u\": ", first ? " " : ", ", i);
            append_num (s, "%.3f", sz->node_onset[i]);
            first = FALSE;
          }
      g_string_append (s, " } }");
      g_string_append (s, k + 1 < icto_sim_get_n_seizures (self) ? ",\n" : "\n");
    }
  g_string_append (s, "  ]\n}\n");
  if (!write_text (simulation, s, error))
    return FALSE;

  /* events.tsv: seizures with EEC/UEO/offset, contact onsets, artefacts */
  g_string_truncate (s, 0);
  g_string_append (s, "onset\tduration\ttrial_type\tpattern\tchannel\n");
  for (guint k = 0; k < icto_sim_get_n_seizures (self); k++)
    {
      const IctoSimSeizure *sz = icto_sim_get_seizure (self, k);
      const char *pat = icto_sim_pattern_to_string (sz->pattern);
      if (sz->eec < 0)
        continue;
      append_num (s, "%.3f", sz->eec);
      g_string_append_c (s, '\t');
      append_num (s, "%.3f", sz->offset - sz->eec);
      g_string_append_printf (s, "\tseizure\t%s\tn/a\n", pat);
      append_num (s, "%.3f", sz->eec);
      g_string_append_printf (s, "\t0\teec\t%s\tn/a\n", pat);
      append_num (s, "%.3f", sz->ueo);
      g_string_append_printf (s, "\t0\tueo\t%s\tn/a\n", pat);
      for (guint c = 0; c < n_ch; c++)
        if (sz->channel_onset[c] >= 0)
          {
            append_num (s, "%.3f", sz->channel_onset[c]);
            g_string_append_printf (s, "\t0\tchannel_onset\t%s\t%s\n", pat, icto_sim_get_channel (self, c)->label);
          }
      append_num (s, "%.3f", sz->offset);
      g_string_append_printf (s, "\t0\toffset\t%s\tn/a\n", pat);
    }
  for (guint a = 0; a < icto_sim_get_n_artefacts (self); a++)
    {
      const IctoSimArtefact *art = icto_sim_get_artefact (self, a);
      append_num (s, "%.3f", art->onset);
      g_string_append_c (s, '\t');
      append_num (s, "%.3f", art->duration);
      g_string_append_printf (s, "\tartefact_%s\tn/a\t%s\n", art->description, art->channels);
    }
  return write_text (events, s, error);
}

static gboolean
annotate (IctoEdfWriter *writer,
          double         onset,
          double         duration,
          const char    *text,
          GError       **error)
{
  return icto_edf_writer_add_annotation (writer, icto_seconds_to_ticks (onset),
                                         duration < 0 ? -1 : icto_seconds_to_ticks (duration),
                                         text, error);
}

gboolean
icto_sim_write (const IctoSimParams *params,
                const char          *edf_path,
                IctoSimProgressFunc  progress,
                gpointer             user_data,
                GError             **error)
{
  g_autoptr(IctoSim) sim = NULL;
  g_autofree IctoEdfWriterSignal *signals = NULL;
  g_autofree float **rows = NULL;
  g_autofree float *buf = NULL;
  g_autofree char *soz = NULL;
  g_autofree char *patient = NULL;
  IctoEdfWriterOptions opts = { 0 };
  IctoEdfWriter *writer;
  guint n_ch;
  int fs;
  gint64 n_rec;

  g_return_val_if_fail (params != NULL && edf_path != NULL, FALSE);

  sim = icto_sim_new (params, error);
  if (sim == NULL)
    return FALSE;

  n_ch = icto_sim_get_n_channels (sim);
  fs = params->sample_rate;
  n_rec = icto_sim_get_n_records (sim);
  signals = g_new0 (IctoEdfWriterSignal, n_ch);
  rows = g_new0 (float *, n_ch);
  buf = g_new0 (float, (gsize) n_ch * fs);
  for (guint c = 0; c < n_ch; c++)
    {
      const IctoSimChannel *ch = icto_sim_get_channel (sim, c);
      signals[c].label = ch->label;
      signals[c].transducer = ch->kind == ICTO_SIM_GROUP_DEPTH ? "Simulated depth electrode"
                                                               : "Simulated subdural electrode";
      signals[c].unit = "uV";
      signals[c].prefilter = "None";
      signals[c].physical_min = -10000;
      signals[c].physical_max = 10000;
      signals[c].samples_per_record = fs;
      rows[c] = buf + (gsize) c * fs;
    }

  patient = g_strdup_printf ("SIM-%" G_GUINT64_FORMAT " X X Simulated", params->seed);
  opts.bdf = FALSE;
  opts.patient = patient;
  opts.recording = "X X Ictoscope_simulator";
  opts.start_time = NULL;
  opts.record_duration = ICTO_TICKS_PER_SECOND;

  writer = icto_edf_writer_new (edf_path, &opts, signals, n_ch, error);
  if (writer == NULL)
    return FALSE;

  for (gint64 r = 0; r < n_rec; r++)
    {
      if (!icto_sim_next_record (sim, (float *const *) rows))
        break;
      if (!icto_edf_writer_write_record (writer, (const float *const *) rows, error))
        {
          icto_edf_writer_close (writer, NULL);
          return FALSE;
        }
      if (progress != NULL && !progress ((double) (r + 1) / n_rec, user_data))
        {
          icto_edf_writer_close (writer, NULL);
          g_set_error (error, ICTO_SIM_ERROR, ICTO_SIM_ERROR_CANCELLED, _("The simulation was cancelled"));
          return FALSE;
        }
    }

  soz = icto_sim_dup_soz_labels (sim);
  for (guint k = 0; k < icto_sim_get_n_seizures (sim); k++)
    {
      const IctoSimSeizure *sz = icto_sim_get_seizure (sim, k);
      g_autofree char *text = NULL;

      if (sz->eec < 0)
        continue;
      text = g_strdup_printf ("Seizure SOZ=%s", soz);
      if (!annotate (writer, sz->eec, sz->offset - sz->eec, text, error)
          || !annotate (writer, sz->eec, -1, "EEC", error)
          || !annotate (writer, sz->ueo, -1, "UEO", error)
          || !annotate (writer, sz->offset, -1, "Offset", error))
        {
          icto_edf_writer_close (writer, NULL);
          return FALSE;
        }
    }
  for (guint a = 0; a < icto_sim_get_n_artefacts (sim); a++)
    {
      const IctoSimArtefact *art = icto_sim_get_artefact (sim, a);
      if (!annotate (writer, art->onset, art->duration, "Movement artefact", error))
        {
          icto_edf_writer_close (writer, NULL);
          return FALSE;
        }
    }
  if (!icto_edf_writer_close (writer, error))
    return FALSE;

  return icto_sim_write_sidecars (sim, edf_path, error);
}
