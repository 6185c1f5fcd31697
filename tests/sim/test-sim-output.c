/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "icto-test"

#include "config.h"

#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "icto-test-util.h"
#include "signal/icto-recording.h"
#include "sim/icto-sim.h"

static char *
write_sim (const char *name,
           guint64     seed,
           double      duration,
           int         n_seizures,
           const char *layout)
{
  IctoSimParams p;
  g_autoptr(GError) error = NULL;
  char *path = g_build_filename (icto_test_tmpdir (), name, NULL);

  icto_sim_params_init (&p);
  p.duration = duration;
  p.n_seizures = n_seizures;
  p.seed = seed;
  p.layout = layout;
  p.pattern = ICTO_SIM_PATTERN_LVFA;
  g_assert_true (icto_sim_write (&p, path, NULL, NULL, &error));
  g_assert_no_error (error);
  return path;
}

static GBytes *
read_bytes (const char *path)
{
  g_autoptr(GError) error = NULL;
  char *data = NULL;
  gsize len = 0;

  g_assert_true (g_file_get_contents (path, &data, &len, &error));
  g_assert_no_error (error);
  return g_bytes_new_take (data, len);
}

static void
test_output_same_seed_same_bytes (void)
{
  g_autofree char *a = write_sim ("a.edf", 11, 20, 0, "LA:8,G:2x2");
  g_autofree char *b = write_sim ("b.edf", 11, 20, 0, "LA:8,G:2x2");
  g_autofree char *c = write_sim ("c.edf", 12, 20, 0, "LA:8,G:2x2");
  g_autoptr(GBytes) ba = read_bytes (a);
  g_autoptr(GBytes) bb = read_bytes (b);
  g_autoptr(GBytes) bc = read_bytes (c);

  g_assert_true (g_bytes_equal (ba, bb));
  g_assert_false (g_bytes_equal (ba, bc));
  g_assert_cmpuint (g_bytes_get_size (ba), ==, g_bytes_get_size (bc));
}

static char *
read_text (const char *path)
{
  g_autoptr(GError) error = NULL;
  char *text = NULL;

  g_assert_true (g_file_get_contents (path, &text, NULL, &error));
  g_assert_no_error (error);
  return text;
}

static void
test_output_read_back (void)
{
  g_autofree char *path = write_sim ("sub-01_task-sim_ieeg.edf", 1, 190, 1, "LA:12,RH:8,G:4x4");
  g_autoptr(GError) error = NULL;
  g_autoptr(IctoRecording) rec = icto_recording_open (path, &error);
  g_autofree char *channels_path = icto_sim_sidecar_path (path, "channels.tsv");
  g_autofree char *electrodes_path = icto_sim_sidecar_path (path, "electrodes.tsv");
  g_autofree char *coord_path = icto_sim_sidecar_path (path, "coordsystem.json");
  g_autofree char *events_path = icto_sim_sidecar_path (path, "events.tsv");
  g_autofree char *channels_json = icto_sim_sidecar_path (path, "channels.json");
  g_autofree char *channels = NULL, *electrodes = NULL, *events = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GPtrArray) soz_tsv = g_ptr_array_new_with_free_func (g_free);
  const IctoEdfAnnotation *seizure = NULL;
  double eec = -1, ueo = -1, offset = -1;
  g_autofree float *buf = NULL;
  double sumsq = 0;

  g_assert_no_error (error);
  g_assert_nonnull (rec);

  /* sidecar names: "_ieeg" is dropped (BIDS) */
  g_assert_true (g_str_has_suffix (channels_path, "sub-01_task-sim_channels.tsv"));

  g_assert_cmpint (icto_recording_get_format (rec), ==, ICTO_FORMAT_EDF_PLUS_C);
  g_assert_cmpuint (icto_recording_get_n_signals (rec), ==, 36);
  g_assert_cmpint (icto_recording_get_duration (rec), ==, 190 * ICTO_TICKS_PER_SECOND);
  g_assert_cmpstr (icto_recording_get_signal (rec, 0)->label, ==, "LA1");
  g_assert_cmpstr (icto_recording_get_signal (rec, 12)->label, ==, "RH1");
  g_assert_cmpstr (icto_recording_get_signal (rec, 35)->label, ==, "G16");
  for (guint s = 0; s < 36; s++)
    {
      const IctoSignalInfo *info = icto_recording_get_signal (rec, s);
      g_assert_cmpfloat (info->sample_rate, ==, 512.0);
      g_assert_true (info->is_voltage);
    }

  /* the data are microvolts of a plausible size */
  buf = g_new (float, 512 * 10);
  g_assert_true (icto_recording_read_samples (rec, 0, 0, 512 * 10, buf, &error));
  g_assert_no_error (error);
  for (int i = 0; i < 512 * 10; i++)
    sumsq += buf[i] * buf[i];
  g_assert_cmpfloat (sqrt (sumsq / (512 * 10)), >, 5);
  g_assert_cmpfloat (sqrt (sumsq / (512 * 10)), <, 1000);

  /* annotations: one Seizure with duration, EEC, UEO, Offset */
  for (guint a = 0; a < icto_recording_get_n_annotations (rec); a++)
    {
      const IctoEdfAnnotation *an = icto_recording_get_annotation (rec, a);
      if (g_str_has_prefix (an->text, "Seizure"))
        {
          g_assert_null (seizure);
          seizure = an;
        }
      else if (g_str_equal (an->text, "EEC"))
        eec = icto_ticks_to_seconds (an->onset);
      else if (g_str_equal (an->text, "UEO"))
        ueo = icto_ticks_to_seconds (an->onset);
      else if (g_str_equal (an->text, "Offset"))
        offset = icto_ticks_to_seconds (an->onset);
      else
        g_assert_cmpstr (an->text, ==, "Movement artefact");
    }
  g_assert_nonnull (seizure);
  g_assert_true (g_str_has_prefix (seizure->text, "Seizure SOZ="));
  g_assert_cmpfloat (eec, >, 0);
  g_assert_cmpfloat (ueo, >=, eec);
  g_assert_cmpfloat (offset, >, ueo);
  g_assert_cmpfloat (fabs (icto_ticks_to_seconds (seizure->onset) - eec), <, 1e-3);
  g_assert_cmpfloat (fabs (icto_ticks_to_seconds (seizure->onset + seizure->duration) - offset), <, 1e-3);

  /* channels.tsv: one row per signal, SOZ column agreeing with the annotation */
  channels = read_text (channels_path);
  lines = g_strsplit (channels, "\n", -1);
  g_assert_cmpstr (lines[0], ==, "name\ttype\tunits\tlow_cutoff\thigh_cutoff\tsampling_frequency\tgroup\tstatus\tstatus_description\tsoz\tsoz_fraction");
  for (guint i = 1; i <= 36; i++)
    {
      g_auto(GStrv) f = g_strsplit (lines[i], "\t", -1);
      g_assert_cmpuint (g_strv_length (f), ==, 11);
      g_assert_cmpstr (f[0], ==, icto_recording_get_signal (rec, i - 1)->label);
      g_assert_cmpstr (f[1], ==, i <= 20 ? "SEEG" : "ECOG");
      g_assert_cmpstr (f[5], ==, "512");
      g_assert_true (g_str_equal (f[7], "good") || g_str_equal (f[7], "bad"));
      g_assert_true (g_str_equal (f[9], "true") || g_str_equal (f[9], "false"));
      if (g_str_equal (f[9], "true"))
        g_ptr_array_add (soz_tsv, g_strdup (f[0]));
    }
  g_assert_cmpstr (lines[37], ==, "");
  g_assert_cmpuint (soz_tsv->len, >=, 1);
  {
    g_auto(GStrv) ann = g_strsplit (seizure->text + strlen ("Seizure SOZ="), ",", -1);
    g_assert_cmpuint (g_strv_length (ann), ==, soz_tsv->len);
    for (guint i = 0; i < soz_tsv->len; i++)
      g_assert_cmpstr (ann[i], ==, g_ptr_array_index (soz_tsv, i));
  }

  /* electrodes.tsv: positions in mm for every contact */
  electrodes = read_text (electrodes_path);
  {
    g_auto(GStrv) el = g_strsplit (electrodes, "\n", -1);
    g_assert_cmpstr (el[0], ==, "name\tx\ty\tz\tsize\tgroup\themisphere\ttype");
    for (guint i = 1; i <= 36; i++)
      {
        g_auto(GStrv) f = g_strsplit (el[i], "\t", -1);
        g_assert_cmpuint (g_strv_length (f), ==, 8);
        g_assert_cmpstr (f[0], ==, icto_recording_get_signal (rec, i - 1)->label);
        for (int d = 1; d <= 3; d++)
          g_assert_cmpfloat (fabs (g_ascii_strtod (f[d], NULL)), <, 120);
        g_assert_cmpstr (f[7], ==, i <= 12 ? "depth" : i <= 20 ? "depth" : "grid");
      }
  }
  g_assert_true (g_file_test (coord_path, G_FILE_TEST_IS_REGULAR));
  g_assert_true (g_file_test (channels_json, G_FILE_TEST_IS_REGULAR));
  {
    g_autofree char *sim_json_path = icto_sim_sidecar_path (path, "simulation.json");
    g_autofree char *sim_json = read_text (sim_json_path);
    g_assert_nonnull (strstr (sim_json, "\"class\": \"EZ\""));
    g_assert_nonnull (strstr (sim_json, "\"seed\": 1,"));
  }

  /* events.tsv lists the seizure */
  events = read_text (events_path);
  g_assert_nonnull (strstr (events, "\tseizure\tlvfa\t"));
  g_assert_nonnull (strstr (events, "\tueo\t"));
}

static void
test_output_sidecar_names (void)
{
  static const struct { const char *edf, *kind, *expect; } cases[] = {
    { "/x/demo.edf", "channels.tsv", "/x/demo_channels.tsv" },
    { "demo.EDF", "electrodes.tsv", "demo_electrodes.tsv" },
    { "sub-01_ses-1_task-sim_ieeg.edf", "channels.tsv", "sub-01_ses-1_task-sim_channels.tsv" },
    { "noext", "events.tsv", "noext_events.tsv" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *p = icto_sim_sidecar_path (cases[i].edf, cases[i].kind);
      g_assert_cmpstr (p, ==, cases[i].expect);
    }
}

static void
test_output_errors (void)
{
  IctoSimParams p;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (icto_test_tmpdir (), "no-such-dir", "x.edf", NULL);

  icto_sim_params_init (&p);
  p.duration = 10;
  p.n_seizures = 0;
  g_assert_false (icto_sim_write (&p, path, NULL, NULL, &error));
  g_assert_error (error, ICTO_SIGNAL_ERROR, ICTO_SIGNAL_ERROR_IO);
  g_clear_error (&error);

  p.sample_rate = 100;
  g_assert_false (icto_sim_write (&p, path, NULL, NULL, &error));
  g_assert_error (error, ICTO_SIM_ERROR, ICTO_SIM_ERROR_INVALID);
}

static gboolean
cancel_cb (double   fraction,
           gpointer user_data)
{
  int *calls = user_data;

  (*calls)++;
  return fraction < 0.5;
}

static void
test_output_cancel (void)
{
  IctoSimParams p;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (icto_test_tmpdir (), "cancel.edf", NULL);
  int calls = 0;

  icto_sim_params_init (&p);
  p.duration = 10;
  p.n_seizures = 0;
  p.layout = "LA:4";
  g_assert_false (icto_sim_write (&p, path, cancel_cb, &calls, &error));
  g_assert_error (error, ICTO_SIM_ERROR, ICTO_SIM_ERROR_CANCELLED);
  g_assert_cmpint (calls, ==, 5);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/sim/output/same-seed-same-bytes", test_output_same_seed_same_bytes);
  g_test_add_func ("/sim/output/read-back", test_output_read_back);
  g_test_add_func ("/sim/output/sidecar-names", test_output_sidecar_names);
  g_test_add_func ("/sim/output/errors", test_output_errors);
  g_test_add_func ("/sim/output/cancel", test_output_cancel);
  return g_test_run ();
}
