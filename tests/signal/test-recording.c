/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-recording"

#include "config.h"

#include <edflib.h>
#include <math.h>
#include <string.h>

#include "icto-test-util.h"
#include "signal/icto-edf-writer.h"
#include "signal/icto-recording-private.h"

static const char *real_files[] = {
  "data/real/ecog_pt01_seizure1/pt01_seizure1_ecog.edf",
  "data/real/ecog_mne_sample/sample_ecog.edf",
  "data/real/seeg_mne_sample/sample_seeg.edf",
  "data/real/edge_cases/MB0400FU.EDF",
  "data/real/edge_cases/test_edf_overlapping_annotations.edf",
  "data/real/edge_cases/chtypes_edf.edf",
  "data/real/edge_cases/subsecond_starttime.edf",
  "data/real/edge_cases/test_utf8_annotations.edf",
  "data/real/edge_cases/test_reduced.edf",
  "data/real/edge_cases/SC4001EC-Hypnogram.edf",
  "data/real/edge_cases/multiple_annotation_chans.bdf",
  "data/real/edge_cases/test_bdf_stim_channel.bdf",
  "data/real/edge_cases/test_edfann.edf",
};

static IctoRecording *
open_shared (const char *relative, _IctoRecordingOpenFlags flags)
{
  g_autofree char *path = icto_test_shared_path (relative);
  g_autoptr(GError) error = NULL;
  IctoRecording *rec;

  if (path == NULL)
    return NULL;
  rec = _icto_recording_open_full (path, flags, &error);
  g_assert_no_error (error);
  g_assert_nonnull (rec);
  return rec;
}

static const IctoEdfAnnotation *
find_annotation (IctoRecording *rec, const char *text, guint nth)
{
  for (guint i = 0; i < icto_recording_get_n_annotations (rec); i++)
    {
      const IctoEdfAnnotation *a = icto_recording_get_annotation (rec, i);
      if (strcmp (a->text, text) == 0 && nth-- == 0)
        return a;
    }
  return NULL;
}

static void
assert_onset (IctoRecording *rec, const char *text, guint nth, double seconds)
{
  const IctoEdfAnnotation *a = find_annotation (rec, text, nth);
  g_assert_nonnull (a);
  g_assert_cmpfloat_with_epsilon (icto_ticks_to_seconds (a->onset), seconds, 1e-6);
}

/* ---------------------------------------------------------- known facts */

static void
test_pt01 (void)
{
  g_autoptr(IctoRecording) rec = open_shared (real_files[0], 0);
  const IctoSignalInfo *s;
  g_autofree float *x = NULL;
  double sum2 = 0;
  int ad2;

  if (rec == NULL)
    return;
  g_assert_cmpint (icto_recording_get_format (rec), ==, ICTO_FORMAT_EDF_PLUS_C);
  g_assert_true (_icto_recording_used_edflib (rec));
  g_assert_cmpuint (icto_recording_get_n_signals (rec), ==, 84);
  g_assert_cmpint (icto_recording_get_duration (rec), ==, 3 * ICTO_TICKS_PER_SECOND);
  g_assert_cmpstr (icto_recording_get_patient (rec), ==, "pt01 X X X");
  s = icto_recording_get_signal (rec, 0);
  g_assert_cmpstr (s->unit, ==, "nV");
  g_assert_true (s->is_voltage);
  g_assert_cmpfloat (s->to_microvolts, ==, 1e-3);
  g_assert_cmpfloat_with_epsilon (s->sample_rate, 1000.0, 1e-9);
  assert_onset (rec, "Seizure onset", 0, 1.0);
  /* file order is not label order: G13 comes before G11 */
  g_assert_cmpint (icto_recording_find_signal (rec, "G13"), <, icto_recording_find_signal (rec, "G11"));
  g_assert_cmpint (icto_recording_find_signal (rec, "G5"), ==, -1);
  /* nV → µV: the typical channel SD is about 126 µV, not 126 000 */
  ad2 = icto_recording_find_signal (rec, "AD2");
  g_assert_cmpint (ad2, >=, 0);
  x = g_new (float, 3000);
  g_assert_true (icto_recording_read_samples (rec, (guint) ad2, 0, 3000, x, NULL));
  for (int i = 0; i < 3000; i++)
    sum2 += x[i] * x[i];
  g_assert_cmpfloat (sqrt (sum2 / 3000), >, 10.0);
  g_assert_cmpfloat (sqrt (sum2 / 3000), <, 5000.0);
}

static void
test_ecog_sample (void)
{
  g_autoptr(IctoRecording) rec = open_shared (real_files[1], 0);
  g_autoptr(GDateTime) expected = NULL;
  GDateTime *start;
  guint n_ecg = 0;

  if (rec == NULL)
    return;
  g_assert_cmpuint (icto_recording_get_n_signals (rec), ==, 78);
  for (guint i = 0; i < 78; i++)
    if (g_str_has_prefix (icto_recording_get_signal (rec, i)->label, "EKG"))
      n_ecg++;
  g_assert_cmpuint (n_ecg, ==, 2);
  g_assert_cmpint (icto_recording_get_record_duration (rec), ==, 2381400);
  g_assert_cmpfloat_with_epsilon (icto_recording_get_signal (rec, 0)->sample_rate, 999.4121, 1e-4);
  assert_onset (rec, "eeg sz start", 0, 10.22874);
  start = icto_recording_get_start_time (rec);
  g_assert_cmpint (g_date_time_get_year (start), ==, 2000);
  g_assert_cmpint (g_date_time_get_month (start), ==, 1);
  g_assert_cmpint (g_date_time_get_day_of_month (start), ==, 12);
  g_assert_cmpint (g_date_time_get_microsecond (start), ==, 771260);
}

static void
test_seeg_sample (void)
{
  g_autoptr(IctoRecording) rec = open_shared (real_files[2], 0);
  int dc1, l1, n7, l9;

  if (rec == NULL)
    return;
  g_assert_cmpuint (icto_recording_get_n_signals (rec), ==, 98);
  g_assert_cmpint (icto_recording_get_duration (rec), ==, 20 * ICTO_TICKS_PER_SECOND);
  g_assert_cmpint (icto_recording_get_record_duration (rec), ==, ICTO_TICKS_PER_SECOND / 10);
  l1 = icto_recording_find_signal (rec, "L'1");
  dc1 = icto_recording_find_signal (rec, "DC01");
  n7 = icto_recording_find_signal (rec, "N'7");
  l9 = icto_recording_find_signal (rec, "L'9");
  g_assert_cmpint (l1, ==, 0);
  g_assert_cmpint (dc1, >=, 0);
  g_assert_cmpint (l9, >, n7);
  g_assert_cmpstr (icto_recording_get_signal (rec, (guint) dc1)->unit, ==, "mV");
  g_assert_cmpfloat (icto_recording_get_signal (rec, (guint) dc1)->to_microvolts, ==, 1000.0);
  g_assert_cmpstr (icto_recording_get_signal (rec, (guint) dc1)->read_unit, ==, "uV");
  assert_onset (rec, "test annotation", 0, 5.0);
  assert_onset (rec, "test annotation", 1, 10.0);
  assert_onset (rec, "test mark", 0, 7.0);
  g_assert_cmpint (g_date_time_get_year (icto_recording_get_start_time (rec)), ==, 2000);
}

static void
test_edf_plus_d (void)
{
  g_autoptr(IctoRecording) rec = open_shared (real_files[3], 0);

  if (rec == NULL)
    return;
  g_assert_cmpint (icto_recording_get_format (rec), ==, ICTO_FORMAT_EDF_PLUS_D);
  g_assert_false (_icto_recording_used_edflib (rec));
  g_assert_cmpuint (icto_recording_get_n_signals (rec), ==, 25);
  g_assert_cmpint (icto_recording_get_n_records (rec), ==, 29);
  g_assert_cmpfloat (icto_recording_get_signal (rec, 0)->sample_rate, ==, 200.0);
  /* its 29 onsets are exactly 1 s apart: no gap */
  g_assert_cmpuint (icto_recording_get_n_gaps (rec), ==, 0);
  g_assert_cmpint (icto_recording_get_duration (rec), ==, 29 * ICTO_TICKS_PER_SECOND);
  g_assert_nonnull (find_annotation (rec, "A1+A2 OFF", 0));
  g_assert_nonnull (find_annotation (rec, "+1.140000", 0));
}

static void
test_overlapping_annotations (void)
{
  g_autoptr(IctoRecording) rec = open_shared (real_files[4], 0);

  if (rec == NULL)
    return;
  g_assert_false (_icto_recording_used_edflib (rec));
  g_assert_cmpuint (icto_recording_get_n_signals (rec), ==, 64);
  g_assert_cmpfloat (icto_recording_get_signal (rec, 0)->sample_rate, ==, 128.0);
  g_assert_cmpint (icto_recording_get_duration (rec), ==, 124 * ICTO_TICKS_PER_SECOND);
  g_assert_nonnull (find_annotation (rec, "T0", 0));
  g_assert_nonnull (find_annotation (rec, "T1", 0));
  g_assert_nonnull (find_annotation (rec, "T2", 0));
}

static void
test_edge_facts (void)
{
  g_autoptr(IctoRecording) ch = open_shared (real_files[5], 0);
  g_autoptr(IctoRecording) sub = open_shared (real_files[6], 0);
  g_autoptr(IctoRecording) utf = open_shared (real_files[7], 0);
  g_autoptr(IctoRecording) red = open_shared (real_files[8], 0);
  g_autoptr(IctoRecording) hyp = open_shared (real_files[9], 0);
  g_autoptr(IctoRecording) mac = open_shared (real_files[10], 0);
  g_autoptr(IctoRecording) stim = open_shared (real_files[11], 0);
  g_autoptr(IctoRecording) ann = open_shared (real_files[12], 0);
  const IctoEdfAnnotation *a;
  gboolean rates[10] = { FALSE };

  if (ch == NULL || sub == NULL || utf == NULL || red == NULL || hyp == NULL || mac == NULL ||
      stim == NULL || ann == NULL)
    return;
  g_assert_cmpuint (icto_recording_get_n_signals (ch), ==, 42);
  g_assert_nonnull (find_annotation (ch, "onset", 0));
  g_assert_nonnull (find_annotation (ch, "high amp RDA F4, C4", 0));
  g_assert_nonnull (find_annotation (ch, "starts turning head", 0));

  g_assert_cmpuint (icto_recording_get_n_signals (sub), ==, 3);
  g_assert_cmpint (ABS (g_date_time_get_microsecond (icto_recording_get_start_time (sub)) - 394500), <, 100);
  g_assert_nonnull (find_annotation (sub, "XLSpike", 0));
  g_assert_nonnull (find_annotation (sub, "Clip Note", 0));

  g_assert_cmpuint (icto_recording_get_n_signals (utf), ==, 11);
  a = find_annotation (utf, "仰卧", 0);
  g_assert_nonnull (a);
  g_assert_cmpint (a->duration, ==, ICTO_TICKS_PER_SECOND / 2);

  g_assert_cmpuint (icto_recording_get_n_signals (red), ==, 139);
  for (guint i = 0; i < 139; i++)
    {
      double r = icto_recording_get_signal (red, i)->sample_rate;
      for (int k = 0; k < 10; k++)
        if (r == (double) (1 << k))
          rates[k] = TRUE;
    }
  for (int k = 0; k < 10; k++)
    g_assert_true (rates[k]);

  g_assert_cmpuint (icto_recording_get_n_signals (hyp), ==, 0);
  g_assert_cmpuint (icto_recording_get_n_annotations (hyp), ==, 154);
  g_assert_cmpint (icto_recording_get_record_duration (hyp), ==, 0);

  g_assert_cmpint (icto_recording_get_format (mac), ==, ICTO_FORMAT_BDF_PLUS_C);
  g_assert_cmpuint (icto_recording_get_n_signals (mac), ==, 19);
  g_assert_cmpuint (icto_recording_get_n_annotations (mac), ==, 10);
  g_assert_cmpfloat (icto_recording_get_signal (mac, 0)->sample_rate, ==, 125.0);

  g_assert_cmpint (icto_recording_get_format (stim), ==, ICTO_FORMAT_BDF);
  g_assert_cmpuint (icto_recording_get_n_signals (stim), ==, 4);
  g_assert_cmpstr (icto_recording_get_signal (stim, 3)->label, ==, "Status");
  g_assert_cmpuint (icto_recording_get_n_annotations (stim), ==, 0);

  g_assert_cmpuint (icto_recording_get_n_signals (ann), ==, 0);
  g_assert_cmpuint (icto_recording_get_n_annotations (ann), ==, 856);
}

/* ------------------------------------------------ our reader vs EDFlib */

static void compare_with_edflib_path (const char *path, const char *relative);

static void
compare_with_edflib (const char *relative)
{
  g_autofree char *path = icto_test_shared_path (relative);
  if (path)
    compare_with_edflib_path (path, relative);
}

static void
compare_with_edflib_path (const char *path, const char *relative)
{
  g_autoptr(IctoRecording) own = NULL;
  g_autoptr(IctoRecording) lib = NULL;
  struct edf_hdr_struct *hdr;
  int handle;

  own = _icto_recording_open_full (path, _ICTO_RECORDING_OPEN_OWN_READER, NULL);
  lib = _icto_recording_open_full (path, 0, NULL);
  g_assert_nonnull (own);
  g_assert_nonnull (lib);
  hdr = g_new0 (struct edf_hdr_struct, 1);
  if (edfopen_file_readonly (path, hdr, EDFLIB_READ_ALL_ANNOTATIONS) != 0)
    {
      g_free (hdr);
      g_assert_false (_icto_recording_used_edflib (lib));
      return;
    }
  handle = hdr->handle;
  g_assert_true (_icto_recording_used_edflib (lib));

  /* header */
  g_assert_cmpint (hdr->edfsignals, ==, (int) icto_recording_get_n_signals (own));
  g_assert_cmpint (hdr->datarecords_in_file, ==, icto_recording_get_n_records (own));
  g_assert_cmpint (hdr->datarecord_duration, ==, icto_recording_get_record_duration (own));
  g_assert_cmpint (hdr->file_duration, ==, icto_recording_get_duration (own));
  g_assert_cmpint (g_date_time_get_microsecond (icto_recording_get_start_time (own)), ==,
                   hdr->starttime_subsecond / 10);
  g_assert_cmpint (g_date_time_get_hour (icto_recording_get_start_time (own)), ==, hdr->starttime_hour);
  g_assert_cmpint (g_date_time_get_second (icto_recording_get_start_time (own)), ==, hdr->starttime_second);
  g_assert_cmpint (g_date_time_get_year (icto_recording_get_start_time (own)), ==, hdr->startdate_year);
  g_assert_true (g_date_time_equal (icto_recording_get_start_time (own), icto_recording_get_start_time (lib)));

  /* annotations: our TAL reader gives EDFlib's list (onset from the first
   * sample, duration, text), in EDFlib's order once both are sorted by onset */
  g_assert_cmpint (hdr->annotations_in_file, ==, icto_recording_get_n_annotations (own));
  g_assert_cmpuint (icto_recording_get_n_annotations (lib), ==, icto_recording_get_n_annotations (own));
  {
    g_autoptr(GArray) ref = g_array_new (FALSE, FALSE, sizeof (struct edf_annotation_struct));
    g_array_set_size (ref, (guint) hdr->annotations_in_file);
    for (long long i = 0; i < hdr->annotations_in_file; i++)
      g_assert_cmpint (edf_get_annotation (handle, (int) i, &g_array_index (ref, struct edf_annotation_struct, i)), ==, 0);
    for (guint i = 0; i < icto_recording_get_n_annotations (own); i++)
      {
        const IctoEdfAnnotation *a = icto_recording_get_annotation (own, i);
        const IctoEdfAnnotation *b = icto_recording_get_annotation (lib, i);
        gboolean found = FALSE;
        g_assert_cmpint (a->onset, ==, b->onset);
        g_assert_cmpstr (a->text, ==, b->text);
        for (guint j = 0; j < ref->len && !found; j++)
          {
            struct edf_annotation_struct *e = &g_array_index (ref, struct edf_annotation_struct, j);
            gint64 dur = e->duration[0] == '\0' ? -1 : e->duration_l;
            if (e->onset == a->onset && dur == a->duration && strcmp (e->annotation, a->text) == 0)
              {
                found = TRUE;
                e->onset = G_MININT64;  /* each EDFlib entry matches once */
              }
          }
        if (!found)
          g_error ("%s: annotation %u (%s at %" G_GINT64_FORMAT ") not in EDFlib's list", relative, i, a->text, a->onset);
      }
  }

  /* samples, signal by signal, whole file */
  for (int s = 0; s < hdr->edfsignals; s++)
    {
      const IctoSignalInfo *info = icto_recording_get_signal (own, (guint) s);
      gint64 n = hdr->signalparam[s].smp_in_file;
      g_autofree double *ref = g_new (double, n);
      g_autofree float *x = g_new (float, n);
      g_autofree char *label = g_strstrip (g_strdup (hdr->signalparam[s].label));

      g_assert_cmpstr (label, ==, info->label);
      g_assert_cmpint (hdr->signalparam[s].smp_in_datarecord, ==, info->samples_per_record);
      g_assert_cmpint (hdr->signalparam[s].dig_min, ==, info->digital_min);
      g_assert_cmpint (hdr->signalparam[s].dig_max, ==, info->digital_max);
      g_assert_cmpfloat (hdr->signalparam[s].phys_min, ==, info->physical_min);
      g_assert_cmpfloat (hdr->signalparam[s].phys_max, ==, info->physical_max);
      g_assert_cmpint (icto_recording_get_n_samples (own, (guint) s), ==, n);
      g_assert_cmpint (edfseek (handle, s, 0, EDFSEEK_SET), ==, 0);
      g_assert_cmpint (edfread_physical_samples (handle, s, (int) n, ref), ==, n);
      g_assert_true (icto_recording_read_samples (own, (guint) s, 0, (gsize) n, x, NULL));
      for (gint64 k = 0; k < n; k++)
        {
          double want = ref[k] * info->to_microvolts;
          /* far below one quantisation step (range / 65535 or / 16777215) */
          double tol = 2e-7 * fabs ((info->physical_max - info->physical_min) * info->to_microvolts) +
                       1e-6 * fabs (want) + 1e-9;
          if (fabs (x[k] - want) > tol)
            g_error ("%s signal %d sample %" G_GINT64_FORMAT ": %g vs EDFlib %g", relative, s, k, x[k], want);
        }
    }
  edfclose_file (handle);
  g_free (hdr);
}

static void
test_compare_edflib (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (real_files); i++)
    compare_with_edflib (real_files[i]);
}

/* The BCI2000 file that EDFlib refuses opens in EDFlib once the prefilter
 * field of its annotation signal is blanked: then both readers must agree. */
static void
test_compare_edflib_blanked (void)
{
  g_autofree char *src = icto_test_shared_path (real_files[4]);
  g_autofree char *dst = NULL;
  g_autofree char *contents = NULL;
  gsize len;
  int ns;

  if (src == NULL)
    return;
  g_assert_true (g_file_get_contents (src, &contents, &len, NULL));
  ns = atoi (contents + 252);
  g_assert_cmpint (ns, ==, 65);
  g_assert_true (g_str_has_prefix (contents + 256 + 16 * (ns - 1), "EDF Annotations"));
  memset (contents + 256 + 136 * ns + 80 * (ns - 1), ' ', 80);
  dst = g_build_filename (icto_test_tmpdir (), "blanked.edf", NULL);
  g_assert_true (g_file_set_contents (dst, contents, len, NULL));
  compare_with_edflib_path (dst, "blanked.edf");
  {
    g_autoptr(IctoRecording) rec = icto_recording_open (dst, NULL);
    g_assert_true (_icto_recording_used_edflib (rec));
  }
}

/* -------------------------------------------------- writer round trips */

static char *
write_test_file (gboolean bdf, const char *name, gint64 n_records, gboolean annotations)
{
  g_autofree char *path = g_build_filename (icto_test_tmpdir (), name, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) start = g_date_time_new_utc (2021, 3, 4, 5, 6, 7.25);
  IctoEdfWriterSignal sigs[3] = {
    { "LA1", "Depth electrode", "uV", "HP:0.1Hz LP:300Hz", -5000, 5000, 256 },
    { "LA2", NULL, "mV", NULL, -5, 5, 256 },
    { "Temp", "Thermistor", "degC", NULL, 30, 42, 4 },
  };
  IctoEdfWriterOptions opts = { bdf, "P-123 F 02-MAY-1951 Test_Patient", "Admin Tech Equip", start,
                                ICTO_TICKS_PER_SECOND, 0 };
  IctoEdfWriter *w = icto_edf_writer_new (path, &opts, sigs, 3, &error);
  float a[256], b[256], c[4];
  const float *data[3] = { a, b, c };

  g_assert_no_error (error);
  if (annotations)
    {
      g_assert_true (icto_edf_writer_add_annotation (w, ICTO_TICKS_PER_SECOND * 3 / 2, -1, "spike", &error));
      g_assert_true (icto_edf_writer_add_annotation (w, 2 * ICTO_TICKS_PER_SECOND, ICTO_TICKS_PER_SECOND / 4, "Anfall “Beginn” ü", &error));
    }
  for (gint64 r = 0; r < n_records; r++)
    {
      for (int j = 0; j < 256; j++)
        {
          double t = r + j / 256.0;
          a[j] = (float) (3000 * sin (2 * G_PI * 7 * t) + (j == 17 ? 6000 : 0));
          b[j] = (float) (2 * cos (2 * G_PI * 3 * t));
        }
      for (int j = 0; j < 4; j++)
        c[j] = (float) (36.5 + 0.1 * j + r * 0.01);
      g_assert_true (icto_edf_writer_write_record (w, data, &error));
      g_assert_no_error (error);
    }
  if (annotations)
    g_assert_true (icto_edf_writer_add_annotation (w, 0, 10 * ICTO_TICKS_PER_SECOND, "late annotation", &error));
  g_assert_true (icto_edf_writer_close (w, &error));
  g_assert_no_error (error);
  return g_steal_pointer (&path);
}

static void
check_round_trip (gboolean bdf)
{
  g_autofree char *path = write_test_file (bdf, bdf ? "rt.bdf" : "rt.edf", 5, TRUE);
  g_autoptr(GError) error = NULL;
  g_autoptr(IctoRecording) rec = icto_recording_open (path, &error);
  struct edf_hdr_struct *hdr = g_new0 (struct edf_hdr_struct, 1);
  float x[5 * 256];
  double ref[5 * 256];
  GDateTime *st;

  g_assert_no_error (error);
  g_assert_true (_icto_recording_used_edflib (rec));   /* EDFlib accepts our files */
  g_assert_cmpint (icto_recording_get_format (rec), ==, bdf ? ICTO_FORMAT_BDF_PLUS_C : ICTO_FORMAT_EDF_PLUS_C);
  g_assert_cmpstr (icto_recording_get_patient (rec), ==, "P-123 F 02-MAY-1951 Test_Patient");
  g_assert_cmpstr (icto_recording_get_recording_field (rec), ==, "Startdate 04-MAR-2021 Admin Tech Equip");
  st = icto_recording_get_start_time (rec);
  g_assert_cmpint (g_date_time_get_year (st), ==, 2021);
  g_assert_cmpint (g_date_time_get_month (st), ==, 3);
  g_assert_cmpint (g_date_time_get_day_of_month (st), ==, 4);
  g_assert_cmpint (g_date_time_get_hour (st), ==, 5);
  g_assert_cmpint (g_date_time_get_minute (st), ==, 6);
  g_assert_cmpint (g_date_time_get_second (st), ==, 7);
  g_assert_cmpint (g_date_time_get_microsecond (st), ==, 250000);
  g_assert_cmpint (icto_recording_get_n_records (rec), ==, 5);
  g_assert_cmpint (icto_recording_get_duration (rec), ==, 5 * ICTO_TICKS_PER_SECOND);
  g_assert_cmpuint (icto_recording_get_n_signals (rec), ==, 3);
  {
    const IctoSignalInfo *s0 = icto_recording_get_signal (rec, 0);
    const IctoSignalInfo *s1 = icto_recording_get_signal (rec, 1);
    const IctoSignalInfo *s2 = icto_recording_get_signal (rec, 2);
    g_assert_cmpstr (s0->label, ==, "LA1");
    g_assert_cmpstr (s0->transducer, ==, "Depth electrode");
    g_assert_cmpstr (s0->prefilter, ==, "HP:0.1Hz LP:300Hz");
    g_assert_cmpstr (s0->unit, ==, "uV");
    g_assert_cmpfloat (s0->physical_min, ==, -5000);
    g_assert_cmpfloat (s0->physical_max, ==, 5000);
    g_assert_cmpint (s0->digital_min, ==, bdf ? -8388608 : -32768);
    g_assert_cmpint (s0->digital_max, ==, bdf ? 8388607 : 32767);
    g_assert_cmpfloat (s0->sample_rate, ==, 256.0);
    g_assert_cmpstr (s1->unit, ==, "mV");
    g_assert_cmpstr (s1->read_unit, ==, "uV");
    g_assert_cmpstr (s2->unit, ==, "degC");
    g_assert_false (s2->is_voltage);
    g_assert_cmpstr (s2->read_unit, ==, "degC");
    g_assert_cmpfloat (s2->sample_rate, ==, 4.0);
  }
  /* samples within half a quantisation step */
  g_assert_true (icto_recording_read_samples (rec, 0, 0, 5 * 256, x, &error));
  for (int k = 0; k < 5 * 256; k++)
    {
      double t = k / 256.0;
      double want = 3000 * sin (2 * G_PI * 7 * t) + ((k % 256) == 17 ? 6000 : 0);
      double q = 10000.0 / (bdf ? 16777215.0 : 65535.0);
      want = CLAMP (want, -5000, 5000);
      /* half a step, plus the float rounding of the returned value */
      g_assert_cmpfloat (fabs (x[k] - want), <=, q * 0.5 + 1e-3 * q + 1.2e-7 * fabs (want) + 1e-6);
    }
  g_assert_true (icto_recording_read_samples (rec, 1, 0, 5 * 256, x, &error));
  for (int k = 0; k < 5 * 256; k++)
    {
      double want = 2000 * cos (2 * G_PI * 3 * k / 256.0);
      double q = 10000.0 / (bdf ? 16777215.0 : 65535.0);
      g_assert_cmpfloat (fabs (x[k] - want), <=, q * 0.5 + 1e-3 * q + 1.2e-7 * fabs (want) + 1e-6);
    }
  g_assert_true (icto_recording_read_samples (rec, 2, 0, 20, x, &error));
  for (int k = 0; k < 20; k++)
    g_assert_cmpfloat (fabs (x[k] - (36.5 + 0.1 * (k % 4) + (k / 4) * 0.01)), <, 1e-3);

  /* annotations, with durations, UTF-8, and the one added after the last record */
  g_assert_cmpuint (icto_recording_get_n_annotations (rec), ==, 3);
  assert_onset (rec, "late annotation", 0, 0.0);
  g_assert_cmpint (find_annotation (rec, "late annotation", 0)->duration, ==, 10 * ICTO_TICKS_PER_SECOND);
  assert_onset (rec, "spike", 0, 1.5);
  g_assert_cmpint (find_annotation (rec, "spike", 0)->duration, ==, -1);
  assert_onset (rec, "Anfall “Beginn” ü", 0, 2.0);
  g_assert_cmpint (find_annotation (rec, "Anfall “Beginn” ü", 0)->duration, ==, ICTO_TICKS_PER_SECOND / 4);

  /* EDFlib reads the same samples */
  g_assert_cmpint (edfopen_file_readonly (path, hdr, EDFLIB_READ_ALL_ANNOTATIONS), ==, 0);
  g_assert_cmpint (edfread_physical_samples (hdr->handle, 0, 5 * 256, ref), ==, 5 * 256);
  g_assert_true (icto_recording_read_samples (rec, 0, 0, 5 * 256, x, &error));
  for (int k = 0; k < 5 * 256; k++)
    g_assert_cmpfloat (fabs (x[k] - ref[k]), <, 1e-3);
  edfclose_file (hdr->handle);
  g_free (hdr);
}

static void
test_round_trip_edf (void)
{
  check_round_trip (FALSE);
}

static void
test_round_trip_bdf (void)
{
  check_round_trip (TRUE);
}

/* Cache: reads across blocks, with a tiny budget, agree with one big read. */
static void
test_cache_small_budget (void)
{
  g_autofree char *path = write_test_file (FALSE, "cache.edf", 40, FALSE);
  g_autoptr(IctoRecording) rec = icto_recording_open (path, NULL);
  g_autoptr(IctoRecording) ref = icto_recording_open (path, NULL);
  g_autofree float *all = g_new (float, 40 * 256);
  float x[700];
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (rec);
  _icto_recording_set_cache_budget (rec, 1);
  g_assert_true (icto_recording_read_samples (ref, 0, 0, 40 * 256, all, NULL));
  for (int i = 0; i < 50; i++)
    {
      gint64 first = g_test_rand_int_range (0, 40 * 256 - 700);
      g_assert_true (icto_recording_read_samples (rec, 0, first, 700, x, NULL));
      g_assert_cmpmem (x, sizeof x, all + first, sizeof x);
    }
  g_assert_false (icto_recording_read_samples (rec, 0, 40 * 256 - 10, 11, x, &error));
  g_assert_error (error, ICTO_SIGNAL_ERROR, ICTO_SIGNAL_ERROR_RANGE);
  g_clear_error (&error);
  g_assert_false (icto_recording_read_samples (rec, 7, 0, 1, x, &error));
  g_assert_error (error, ICTO_SIGNAL_ERROR, ICTO_SIGNAL_ERROR_RANGE);
  g_clear_error (&error);
  g_assert_false (icto_recording_read_samples (rec, 0, -1, 1, x, &error));
  g_assert_error (error, ICTO_SIGNAL_ERROR, ICTO_SIGNAL_ERROR_RANGE);
  /* fingerprint: stable, 64 hex digits */
  g_assert_cmpstr (icto_recording_get_fingerprint (rec), ==, icto_recording_get_fingerprint (ref));
  g_assert_cmpuint (strlen (icto_recording_get_fingerprint (rec)), ==, 64);
}

/* --------------------------------------------------------- EDF+D by hand */

static void
patch (char *contents, gsize len, gsize offset, const char *text)
{
  g_assert_cmpuint (offset + strlen (text), <=, len);
  memcpy (contents + offset, text, strlen (text));
}

static void
test_discontinuous (void)
{
  g_autofree char *src = write_test_file (FALSE, "cont.edf", 6, FALSE);
  g_autofree char *dst = g_build_filename (icto_test_tmpdir (), "disc.edf", NULL);
  g_autofree char *contents = NULL;
  gsize len;
  gsize hdr = 256 * 5, rec_bytes;
  g_autoptr(IctoRecording) rec = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree float *x = g_new (float, 3000);
  g_autofree float *ref = g_new (float, 6 * 256);
  gint64 first_time;

  g_assert_true (g_file_get_contents (src, &contents, &len, NULL));
  rec_bytes = (len - hdr) / 6;
  patch (contents, len, 192, "EDF+D");
  /* records 3, 4, 5 start at +5, +6, +7 (.25 sub-second): a 2-s gap after record 2 */
  for (int r = 3; r < 6; r++)
    {
      char text[8];
      gsize off = hdr + r * rec_bytes + (rec_bytes - 256);
      g_snprintf (text, sizeof text, "+%d.25", r + 2);
      g_assert_cmpint (contents[off + 1], ==, '0' + r);
      patch (contents, len, off, text);
    }
  g_assert_true (g_file_set_contents (dst, contents, len, NULL));

  rec = icto_recording_open (dst, &error);
  g_assert_no_error (error);
  g_assert_false (_icto_recording_used_edflib (rec));
  g_assert_cmpint (icto_recording_get_format (rec), ==, ICTO_FORMAT_EDF_PLUS_D);
  g_assert_cmpuint (icto_recording_get_n_gaps (rec), ==, 1);
  g_assert_cmpint (icto_recording_get_gap (rec, 0)->start, ==, 3 * ICTO_TICKS_PER_SECOND);
  g_assert_cmpint (icto_recording_get_gap (rec, 0)->duration, ==, 2 * ICTO_TICKS_PER_SECOND);
  g_assert_cmpint (icto_recording_get_duration (rec), ==, 8 * ICTO_TICKS_PER_SECOND);
  g_assert_cmpint (icto_recording_get_record_onset (rec, 4), ==, 6 * ICTO_TICKS_PER_SECOND);

  /* read 2 s .. 7 s: 1 s of data, 2 s of gap (NAN), 2 s of data */
  g_assert_true (icto_recording_read_samples (rec, 0, 0, 6 * 256, ref, NULL));
  g_assert_true (icto_recording_read_range (rec, 0, 2 * ICTO_TICKS_PER_SECOND, 5 * 256, x, &first_time, &error));
  g_assert_no_error (error);
  g_assert_cmpint (first_time, ==, 2 * ICTO_TICKS_PER_SECOND);
  for (int i = 0; i < 256; i++)
    g_assert_cmpfloat (x[i], ==, ref[2 * 256 + i]);
  for (int i = 256; i < 3 * 256; i++)
    g_assert_true (isnan (x[i]));
  for (int i = 3 * 256; i < 5 * 256; i++)
    g_assert_cmpfloat (x[i], ==, ref[i]);

  /* past the end: NAN; before the start: NAN */
  g_assert_true (icto_recording_read_range (rec, 0, 7 * ICTO_TICKS_PER_SECOND, 512, x, NULL, &error));
  g_assert_cmpfloat (x[255], ==, ref[6 * 256 - 1]);
  g_assert_true (isnan (x[256]));
  g_assert_true (icto_recording_read_range (rec, 0, -ICTO_TICKS_PER_SECOND, 512, x, NULL, &error));
  g_assert_true (isnan (x[255]));
  g_assert_cmpfloat (x[256], ==, ref[0]);
}

static void
test_read_range_continuous (void)
{
  g_autofree char *path = write_test_file (FALSE, "range.edf", 4, FALSE);
  g_autoptr(IctoRecording) rec = icto_recording_open (path, NULL);
  float ref[4 * 256], x[300];
  gint64 first_time;

  g_assert_true (icto_recording_read_samples (rec, 0, 0, 4 * 256, ref, NULL));
  /* 1.001 s → first sample at or after it is index 257 */
  g_assert_true (icto_recording_read_range (rec, 0, icto_seconds_to_ticks (1.001), 300, x, &first_time, NULL));
  g_assert_cmpint (first_time, ==, icto_seconds_to_ticks (257 / 256.0));
  g_assert_cmpmem (x, sizeof x, ref + 257, sizeof x);
  g_assert_true (icto_recording_read_range (rec, 0, 0, 300, x, &first_time, NULL));
  g_assert_cmpint (first_time, ==, 0);
  g_assert_cmpmem (x, sizeof x, ref, sizeof x);
}

/* ------------------------------------------------------ hostile files */

typedef struct {
  const char *name;
  int         code;
} Corruption;

static void
expect_error (const char *path, int code)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(IctoRecording) rec = icto_recording_open (path, &error);
  g_assert_null (rec);
  if (!g_error_matches (error, ICTO_SIGNAL_ERROR, code))
    g_error ("%s: expected code %d, got %s", path, code, error ? error->message : "no error");
  g_assert_nonnull (strstr (error->message, path));
}

static char *
corrupt_copy (const char *contents, gsize len, gsize new_len, const char *name,
              gsize offset, const char *text, gsize text_len)
{
  g_autofree char *copy = g_malloc0 (MAX (new_len, len));
  char *path = g_build_filename (icto_test_tmpdir (), name, NULL);

  memcpy (copy, contents, MIN (len, new_len));
  if (text)
    memcpy (copy + offset, text, text_len);
  g_assert_true (g_file_set_contents (path, copy, new_len, NULL));
  return path;
}

static void
test_corrupted (void)
{
  g_autofree char *src = icto_test_shared_path (real_files[1]);
  g_autofree char *contents = NULL;
  gsize len;
  int ns;
  struct {
    const char *name;
    gsize new_len;
    gsize offset;
    const char *text;
    gsize text_len;
    int code;
  } cases[] = {
    { "empty.edf", 0, 0, NULL, 0, ICTO_SIGNAL_ERROR_NOT_EDF },
    { "text.edf", 200, 0, "hello world, I am a text file", 29, ICTO_SIGNAL_ERROR_NOT_EDF },
    { "trunc-header.edf", 100, 0, NULL, 0, ICTO_SIGNAL_ERROR_TRUNCATED },
    { "trunc-sig-header.edf", 256 * 10, 0, NULL, 0, ICTO_SIGNAL_ERROR_TRUNCATED },
    { "trunc-data.edf", 0 /* len - 1000 */, 0, NULL, 0, ICTO_SIGNAL_ERROR_TRUNCATED },
    { "longer.edf", 1 /* len + 5000 */, 0, NULL, 0, ICTO_SIGNAL_ERROR_HEADER },
    { "zero-signals.edf", 2, 252, "0   ", 4, ICTO_SIGNAL_ERROR_HEADER },
    { "neg-signals.edf", 2, 252, "-5  ", 4, ICTO_SIGNAL_ERROR_HEADER },
    { "huge-signals.edf", 2, 252, "9999", 4, ICTO_SIGNAL_ERROR_HEADER },
    { "hdr-bytes.edf", 2, 184, "256     ", 8, ICTO_SIGNAL_ERROR_HEADER },
    { "records-many.edf", 2, 236, "99999999", 8, ICTO_SIGNAL_ERROR_TRUNCATED },
    { "records-zero.edf", 2, 236, "0       ", 8, ICTO_SIGNAL_ERROR_HEADER },
    { "records-text.edf", 2, 236, "many    ", 8, ICTO_SIGNAL_ERROR_HEADER },
    { "duration-text.edf", 2, 244, "abc     ", 8, ICTO_SIGNAL_ERROR_HEADER },
    { "duration-zero.edf", 2, 244, "0       ", 8, ICTO_SIGNAL_ERROR_HEADER },
    { "date.edf", 2, 168, "45.13.99", 8, ICTO_SIGNAL_ERROR_HEADER },
    { "label-ctrl.edf", 2, 256, "A\001\002", 3, ICTO_SIGNAL_ERROR_HEADER },
  };

  if (src == NULL)
    return;
  g_assert_true (g_file_get_contents (src, &contents, &len, NULL));
  ns = atoi (contents + 252);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      gsize new_len = cases[i].new_len;
      g_autofree char *path = NULL;
      if (g_str_equal (cases[i].name, "trunc-data.edf"))
        new_len = len - 1000;
      else if (g_str_equal (cases[i].name, "longer.edf"))
        new_len = len + 5000;
      else if (new_len == 2)
        new_len = len;
      path = corrupt_copy (contents, len, new_len, cases[i].name, cases[i].offset, cases[i].text, cases[i].text_len);
      expect_error (path, cases[i].code);
    }

  /* per-signal fields of signal 3 */
  {
    struct { const char *name; gsize field_offset; gsize width; const char *text; int code; } sig_cases[] = {
      { "dig-range-zero.edf", 120, 8, "100     ", ICTO_SIGNAL_ERROR_HEADER },  /* dmin = dmax? set dmin=100 */
      { "phys-equal.edf", 104, 8, "3199.9  ", ICTO_SIGNAL_ERROR_HEADER },
      { "spr-zero.edf", 216, 8, "0       ", ICTO_SIGNAL_ERROR_HEADER },
      { "spr-absurd.edf", 216, 8, "99999999", ICTO_SIGNAL_ERROR_HEADER },
      { "phys-text.edf", 112, 8, "high    ", ICTO_SIGNAL_ERROR_HEADER },
      { "dig-text.edf", 128, 8, "1.5e3   ", ICTO_SIGNAL_ERROR_HEADER },
    };
    for (guint i = 0; i < G_N_ELEMENTS (sig_cases); i++)
      {
        gsize off = 256 + sig_cases[i].field_offset * ns + sig_cases[i].width * 2;
        g_autofree char *path = NULL;
        g_autofree char *copy = g_memdup2 (contents, len);
        if (g_str_equal (sig_cases[i].name, "dig-range-zero.edf"))
          {
            /* digital min := digital max of the same signal */
            memcpy (copy + 256 + 120 * ns + 8 * 2, copy + 256 + 128 * ns + 8 * 2, 8);
            path = corrupt_copy (copy, len, len, sig_cases[i].name, 0, NULL, 0);
          }
        else if (g_str_equal (sig_cases[i].name, "phys-equal.edf"))
          {
            memcpy (copy + 256 + 104 * ns + 8 * 2, copy + 256 + 112 * ns + 8 * 2, 8);
            path = corrupt_copy (copy, len, len, sig_cases[i].name, 0, NULL, 0);
          }
        else
          path = corrupt_copy (contents, len, len, sig_cases[i].name, off, sig_cases[i].text, 8);
        expect_error (path, sig_cases[i].code);
      }
  }

  /* a non-ASCII (Latin-1) label is decoded, not refused */
  {
    g_autofree char *path = corrupt_copy (contents, len, len, "latin1.edf", 256, "K\xf6rper\xb5", 7);
    g_autoptr(IctoRecording) rec = icto_recording_open (path, NULL);
    g_assert_nonnull (rec);
    g_assert_cmpstr (icto_recording_get_signal (rec, 0)->label, ==, "Körperµ");
  }
  /* a missing file */
  {
    g_autoptr(GError) error = NULL;
    g_assert_null (icto_recording_open ("/nonexistent/file.edf", &error));
    g_assert_error (error, ICTO_SIGNAL_ERROR, ICTO_SIGNAL_ERROR_IO);
  }
}

/* Every truncation point and random byte damage of a small file: an error or a
 * recording, never a crash (ASan checks the reads). */
static void
test_fuzz (void)
{
  g_autofree char *src = write_test_file (FALSE, "fuzz-src.edf", 3, TRUE);
  g_autofree char *contents = NULL;
  g_autofree char *path = g_build_filename (icto_test_tmpdir (), "fuzz.edf", NULL);
  gsize len;

  g_assert_true (g_file_get_contents (src, &contents, &len, NULL));
  for (gsize cut = 0; cut < len; cut += 97)
    {
      g_autoptr(IctoRecording) rec = NULL;
      g_autoptr(GError) error = NULL;
      g_assert_true (g_file_set_contents (path, contents, cut, NULL));
      rec = icto_recording_open (path, &error);
      g_assert_null (rec);
      g_assert_nonnull (error);
    }
  for (int round = 0; round < 200; round++)
    {
      g_autofree char *copy = g_memdup2 (contents, len);
      g_autoptr(IctoRecording) rec = NULL;
      g_autoptr(GError) error = NULL;
      for (int k = 0; k < 4; k++)
        copy[g_test_rand_int_range (0, (int) len)] = (char) g_test_rand_int_range (0, 256);
      g_assert_true (g_file_set_contents (path, copy, len, NULL));
      rec = icto_recording_open (path, &error);
      if (rec)
        {
          float x[64];
          for (guint s = 0; s < icto_recording_get_n_signals (rec); s++)
            {
              gint64 n = icto_recording_get_n_samples (rec, s);
              icto_recording_read_samples (rec, s, 0, (gsize) MIN (n, 64), x, NULL);
              icto_recording_read_range (rec, s, 0, 64, x, NULL, NULL);
            }
        }
      else
        g_assert_nonnull (error);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/signal/recording/pt01", test_pt01);
  g_test_add_func ("/signal/recording/ecog-sample", test_ecog_sample);
  g_test_add_func ("/signal/recording/seeg-sample", test_seeg_sample);
  g_test_add_func ("/signal/recording/edf-plus-d", test_edf_plus_d);
  g_test_add_func ("/signal/recording/overlapping-annotations", test_overlapping_annotations);
  g_test_add_func ("/signal/recording/edge-facts", test_edge_facts);
  g_test_add_func ("/signal/recording/compare-edflib", test_compare_edflib);
  g_test_add_func ("/signal/recording/compare-edflib-blanked", test_compare_edflib_blanked);
  g_test_add_func ("/signal/recording/round-trip-edf", test_round_trip_edf);
  g_test_add_func ("/signal/recording/round-trip-bdf", test_round_trip_bdf);
  g_test_add_func ("/signal/recording/cache", test_cache_small_budget);
  g_test_add_func ("/signal/recording/discontinuous", test_discontinuous);
  g_test_add_func ("/signal/recording/read-range", test_read_range_continuous);
  g_test_add_func ("/signal/recording/corrupted", test_corrupted);
  g_test_add_func ("/signal/recording/fuzz", test_fuzz);
  return g_test_run ();
}
