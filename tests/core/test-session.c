/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-session"

#include "config.h"

#include <math.h>

#include "core/icto-core-error.h"
#include "core/icto-job.h"
#include "core/icto-overview.h"
#include "core/icto-session.h"
#include "icto-test-util.h"
#include "signal/icto-edf-writer.h"

#define RATE 256
#define SECONDS 30
#define N_SIG 7

static const char *labels[N_SIG] = { "LA1", "LA2", "LA3", "LA4", "RH1", "RH2", "RH3" };

static double
amplitude (guint s)
{
  return 40.0 * (s + 1);
}

static double
offset (guint s)
{
  return 100.0 * s - 250.0;
}

static double
value (guint s, double t)
{
  return amplitude (s) * sin (2 * G_PI * 3.0 * t) + offset (s);
}

static const char *
write_test_edf (void)
{
  static char *path = NULL;
  IctoEdfWriterSignal sig[N_SIG];
  IctoEdfWriterOptions opt = { 0 };
  g_autoptr(GDateTime) start = g_date_time_new_utc (2024, 3, 1, 9, 30, 0);
  g_autoptr(GError) error = NULL;
  IctoEdfWriter *w;
  float buf[N_SIG][RATE];
  const float *rows[N_SIG];

  if (path != NULL)
    return path;
  path = g_build_filename (icto_test_tmpdir (), "session.edf", NULL);
  for (guint s = 0; s < N_SIG; s++)
    {
      sig[s] = (IctoEdfWriterSignal) { labels[s], "Depth", "uV", "HP:0.1Hz", -2000, 2000, RATE };
      rows[s] = buf[s];
    }
  opt.start_time = start;
  opt.record_duration = ICTO_TICKS_PER_SECOND;
  w = icto_edf_writer_new (path, &opt, sig, N_SIG, &error);
  g_assert_no_error (error);
  for (guint r = 0; r < SECONDS; r++)
    {
      for (guint s = 0; s < N_SIG; s++)
        for (guint i = 0; i < RATE; i++)
          buf[s][i] = (float) value (s, r + (double) i / RATE);
      g_assert_true (icto_edf_writer_write_record (w, rows, &error));
      g_assert_no_error (error);
    }
  g_assert_true (icto_edf_writer_add_annotation (w, 12 * ICTO_TICKS_PER_SECOND, -1, "Seizure onset", &error));
  g_assert_true (icto_edf_writer_close (w, &error));
  g_assert_no_error (error);
  return path;
}

static IctoSession *
open_session (void)
{
  IctoSession *session = icto_session_new ();
  g_autoptr(GError) error = NULL;

  g_assert_true (icto_session_open (session, write_test_edf (), &error));
  g_assert_no_error (error);
  return session;
}

/* 1-s pages with one column per sample: min == max == the sample */
static IctoTracePage *
fetch_samples (IctoSession *session)
{
  g_autoptr(GError) error = NULL;
  IctoTracePage *page;

  icto_session_set_page_duration (session, 1.0);
  page = icto_session_fetch_page (session, RATE, &error);
  g_assert_no_error (error);
  g_assert_nonnull (page);
  return page;
}

static void
test_referential (void)
{
  g_autoptr(IctoSession) session = open_session ();
  g_autoptr(IctoTracePage) page = NULL;
  g_autoptr(GError) error = NULL;
  double quant = 4000.0 / 65535.0;

  g_assert_cmpuint (icto_session_get_n_visible (session), ==, N_SIG);
  icto_session_set_start (session, 5 * ICTO_TICKS_PER_SECOND);
  page = fetch_samples (session);
  g_assert_cmpuint (page->n_channels, ==, N_SIG);
  g_assert_cmpstr (page->labels[0], ==, "LA1");
  g_assert_cmpstr (page->labels[6], ==, "RH3");
  g_assert_nonnull (page->origin);
  g_assert_cmpint (page->start, ==, 5 * ICTO_TICKS_PER_SECOND);
  for (guint s = 0; s < N_SIG; s++)
    for (guint c = 0; c < RATE; c += 17)
      {
        double t = 5.0 + (double) c / RATE;
        g_assert_cmpfloat (fabs (icto_trace_page_min (page, s)[c] - value (s, t)), <=, quant);
        g_assert_cmpfloat (icto_trace_page_max (page, s)[c], ==, icto_trace_page_min (page, s)[c]);
      }
  /* shaft colours: LA and RH differ, same within a shaft */
  g_assert_cmphex (page->label_colors[0], ==, page->label_colors[3]);
  g_assert_cmphex (page->label_colors[0], !=, page->label_colors[4]);

  /* 10-s page decimated to 20 columns (half a second each) keeps the extremes */
  icto_session_set_page_duration (session, 10.0);
  g_clear_pointer (&page, icto_trace_page_free);
  page = icto_session_fetch_page (session, 20, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat (fabs (icto_trace_page_max (page, 2)[10] - (amplitude (2) + offset (2))), <, 2.0);
  g_assert_cmpfloat (fabs (icto_trace_page_min (page, 2)[10] - (-amplitude (2) + offset (2))), <, 2.0);
}

static void
test_bipolar (void)
{
  g_autoptr(IctoSession) session = open_session ();
  g_autoptr(IctoTracePage) page = NULL;
  const char *expected[] = { "LA1-LA2", "LA2-LA3", "LA3-LA4", "RH1-RH2", "RH2-RH3" };

  icto_session_set_montage (session, ICTO_MONTAGE_KIND_BIPOLAR);
  page = fetch_samples (session);
  g_assert_cmpuint (page->n_channels, ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    g_assert_cmpstr (page->labels[i], ==, expected[i]);
  for (guint c = 0; c < RATE; c += 13)
    {
      double t = (double) c / RATE;
      g_assert_cmpfloat (fabs (icto_trace_page_min (page, 0)[c] - (value (0, t) - value (1, t))), <, 0.2);
    }

  /* a bad contact takes no part in pairs (no LA1-LA2, LA2-LA3, and no
   * pair across it) */
  icto_session_set_channel_bad (session, 1, TRUE);
  g_clear_pointer (&page, icto_trace_page_free);
  page = fetch_samples (session);
  g_assert_cmpstr (page->labels[0], ==, "LA3-LA4");
  g_assert_cmpuint (page->n_channels, ==, 3);
  g_assert_cmpint (icto_session_get_row_signal (session, 0), ==, 2);
}

static void
test_average (gconstpointer data)
{
  IctoMontageChoice kind = GPOINTER_TO_INT (data);
  g_autoptr(IctoSession) session = open_session ();
  g_autoptr(IctoTracePage) page = NULL;

  icto_session_set_montage (session, kind);
  page = fetch_samples (session);
  g_assert_cmpuint (page->n_channels, ==, N_SIG);
  for (guint c = 0; c < RATE; c += 11)
    {
      double t = (double) c / RATE;
      double sum = 0;
      double mean = 0;
      guint first = kind == ICTO_MONTAGE_KIND_LOCAL ? 0 : 0;
      guint last = kind == ICTO_MONTAGE_KIND_LOCAL ? 4 : N_SIG;

      /* outputs of one reference group sum to zero */
      for (guint s = first; s < last; s++)
        sum += icto_trace_page_min (page, s)[c];
      g_assert_cmpfloat (fabs (sum), <, 0.5);
      for (guint s = first; s < last; s++)
        mean += value (s, t) / (last - first);
      g_assert_cmpfloat (fabs (icto_trace_page_min (page, 0)[c] - (value (0, t) - mean)), <, 0.2);
    }
}

static void
test_paging (void)
{
  g_autoptr(IctoSession) session = open_session ();
  gint64 duration = SECONDS * ICTO_TICKS_PER_SECOND;

  g_assert_cmpfloat (icto_session_get_page_duration (session), ==, 10.0);
  icto_session_page (session, 1);
  g_assert_cmpint (icto_session_get_start (session), ==, 10 * ICTO_TICKS_PER_SECOND);
  icto_session_page (session, 5);
  g_assert_cmpint (icto_session_get_start (session), ==, duration - 10 * ICTO_TICKS_PER_SECOND);
  icto_session_page (session, -0.5);
  g_assert_cmpint (icto_session_get_start (session), ==, 15 * ICTO_TICKS_PER_SECOND);
  icto_session_set_start (session, -5);
  g_assert_cmpint (icto_session_get_start (session), ==, 0);
  icto_session_set_page_duration (session, 500);
  g_assert_cmpfloat (icto_session_get_page_duration (session), ==, 60.0);
  icto_session_set_page_duration (session, 0.01);
  g_assert_cmpfloat (icto_session_get_page_duration (session), ==, 1.0);
}

static void
test_channels (void)
{
  g_autoptr(IctoSession) session = open_session ();
  g_autoptr(IctoTracePage) page = NULL;

  icto_session_set_channel_hidden (session, 0, TRUE);
  g_assert_cmpuint (icto_session_get_n_visible (session), ==, N_SIG - 1);
  icto_session_move_channel (session, 6, -6);
  g_assert_cmpint (icto_session_get_row_signal (session, 0), ==, 6);
  g_assert_cmpint (icto_session_get_row_signal (session, 1), ==, 1);
  icto_session_set_shaft_gain (session, "RH", 2.0);
  icto_session_set_sensitivity (session, 30);
  page = fetch_samples (session);
  g_assert_cmpstr (page->labels[0], ==, "RH3");
  g_assert_cmpfloat (page->sensitivity[0], ==, 60.0);
  g_assert_cmpfloat (page->sensitivity[1], ==, 30.0);
  icto_session_reset_channels (session);
  g_assert_cmpuint (icto_session_get_n_visible (session), ==, N_SIG);
  g_assert_cmpint (icto_session_get_row_signal (session, 0), ==, 0);
}

static void
test_annotations (void)
{
  g_autoptr(IctoSession) session = open_session ();
  g_autoptr(IctoTracePage) page = NULL;
  g_autoptr(GError) error = NULL;

  page = icto_session_fetch_page (session, 100, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (page->n_annotations, ==, 0);
  icto_session_page (session, 1);
  g_clear_pointer (&page, icto_trace_page_free);
  page = icto_session_fetch_page (session, 100, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (page->n_annotations, ==, 1);
  g_assert_cmpstr (page->annotations[0].text, ==, "Seizure onset");
  g_assert_cmpint (page->annotations[0].onset, ==, 12 * ICTO_TICKS_PER_SECOND);
}

static void
test_filter (void)
{
  g_autoptr(IctoSession) session = open_session ();
  g_autoptr(IctoTracePage) page = NULL;
  g_autoptr(GError) error = NULL;
  double mean = 0;
  g_autofree char *desc = NULL;

  icto_session_set_filter (session, 1.0, 70.0, 50);
  desc = icto_session_describe_filter (session);
  g_assert_nonnull (strstr (desc, "70"));
  icto_session_set_start (session, 10 * ICTO_TICKS_PER_SECOND);
  page = fetch_samples (session);
  /* the offset of RH3 (+350 uV) is gone, the 3-Hz sine stays */
  for (guint c = 0; c < RATE; c++)
    mean += icto_trace_page_min (page, 6)[c] / RATE;
  g_assert_cmpfloat (fabs (mean), <, 10.0);
  {
    float mx = -INFINITY;
    for (guint c = 0; c < RATE; c++)
      mx = MAX (mx, icto_trace_page_max (page, 6)[c]);
    g_assert_cmpfloat (fabs (mx - amplitude (6)), <, 0.1 * amplitude (6));
  }
}

static void
test_filter_limits (void)
{
  g_autoptr(IctoSession) session = open_session ();
  g_autoptr(IctoTracePage) plain = NULL;
  g_autoptr(IctoTracePage) page = NULL;
  g_autofree char *desc = NULL;

  icto_session_set_start (session, 10 * ICTO_TICKS_PER_SECOND);
  plain = fetch_samples (session);
  /* keep our reference: the next fetch must not reuse this page */

  /* a low-pass above Nyquist (256-Hz signals) changes nothing */
  icto_session_set_filter (session, 0, 200, 0);
  page = fetch_samples (session);
  for (guint s = 0; s < N_SIG; s++)
    for (guint c = 0; c < RATE; c += 7)
      g_assert_cmpfloat (fabs (icto_trace_page_min (page, s)[c] - icto_trace_page_min (plain, s)[c]), <, 1e-3);

  /* HFO 250 Hz on a 256-Hz signal: nothing can pass, a flat line is shown */
  icto_session_set_filter (session, 250, 0, 0);
  desc = icto_session_describe_filter (session);
  g_assert_nonnull (strstr (desc, "250"));
  g_clear_pointer (&page, icto_trace_page_unref);
  page = fetch_samples (session);
  g_assert_cmpuint (page->n_channels, ==, N_SIG);
  for (guint s = 0; s < N_SIG; s++)
    for (guint c = 0; c < RATE; c++)
      {
        g_assert_cmpfloat (icto_trace_page_min (page, s)[c], ==, 0);
        g_assert_cmpfloat (icto_trace_page_max (page, s)[c], ==, 0);
      }

  /* a 50-Hz notch leaves the 3-Hz sine as it is */
  icto_session_set_filter (session, 0, 0, 50);
  g_clear_pointer (&page, icto_trace_page_unref);
  page = fetch_samples (session);
  for (guint c = 0; c < RATE; c += 5)
    g_assert_cmpfloat (fabs (icto_trace_page_min (page, 6)[c] - icto_trace_page_min (plain, 6)[c]), <, 0.02 * amplitude (6));
}

static void
test_custom_montage (void)
{
  g_autoptr(IctoSession) session = open_session ();
  g_autoptr(IctoTracePage) page = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (icto_test_tmpdir (), "pair.montage", NULL);
  g_autofree char *broken = g_build_filename (icto_test_tmpdir (), "broken.montage", NULL);
  g_autoptr(IctoSession) empty = icto_session_new ();

  /* not before a recording is open */
  g_assert_false (icto_session_load_montage (empty, path, &error));
  g_assert_error (error, ICTO_CORE_ERROR, ICTO_CORE_ERROR_NO_RECORDING);
  g_clear_error (&error);
  /* CUSTOM without a loaded montage is ignored */
  icto_session_set_montage (session, ICTO_MONTAGE_KIND_CUSTOM);
  g_assert_cmpint (icto_session_get_montage (session), ==, ICTO_MONTAGE_KIND_REFERENTIAL);

  g_assert_true (g_file_set_contents (path,
                                      "# two outputs\n"
                                      "RH3-LA1 = RH3 - LA1\n"
                                      "\"half LA2\" = 0.5*LA2   [group LA]\n", -1, NULL));
  g_assert_true (icto_session_load_montage (session, path, &error));
  g_assert_no_error (error);
  g_assert_cmpint (icto_session_get_montage (session), ==, ICTO_MONTAGE_KIND_CUSTOM);
  g_assert_cmpstr (icto_session_get_montage_title (session), ==, "pair.montage");
  page = fetch_samples (session);
  /* rows in display order of their first channel: LA2 before RH3 */
  g_assert_cmpuint (page->n_channels, ==, 2);
  g_assert_cmpstr (page->labels[0], ==, "half LA2");
  g_assert_cmpstr (page->labels[1], ==, "RH3-LA1");
  g_assert_cmpstr (page->montage, ==, "pair.montage");
  g_assert_cmphex (page->label_colors[0], !=, page->label_colors[1]);
  for (guint c = 0; c < RATE; c += 9)
    {
      double t = (double) c / RATE;
      g_assert_cmpfloat (fabs (icto_trace_page_min (page, 0)[c] - 0.5 * value (1, t)), <, 0.2);
      g_assert_cmpfloat (fabs (icto_trace_page_min (page, 1)[c] - (value (6, t) - value (0, t))), <, 0.2);
    }
  /* hiding the first channel of an output hides the output */
  icto_session_set_channel_hidden (session, 6, TRUE);
  g_assert_cmpuint (icto_session_get_n_visible (session), ==, 1);

  /* an unknown channel: a parse error with the line, the montage stays */
  g_assert_true (g_file_set_contents (broken, "X = LA1 - NOPE\n", -1, NULL));
  g_assert_false (icto_session_load_montage (session, broken, &error));
  g_assert_error (error, ICTO_SIGNAL_ERROR, ICTO_SIGNAL_ERROR_PARSE);
  g_assert_nonnull (strstr (error->message, "1"));
  g_clear_error (&error);
  g_assert_cmpint (icto_session_get_montage (session), ==, ICTO_MONTAGE_KIND_CUSTOM);
  g_assert_cmpuint (icto_session_get_n_visible (session), ==, 1);

  /* back to a built-in montage (RH3 hidden leads no pair) and to the custom one */
  icto_session_set_montage (session, ICTO_MONTAGE_KIND_BIPOLAR);
  g_assert_cmpuint (icto_session_get_n_visible (session), ==, 5);
  icto_session_set_montage (session, ICTO_MONTAGE_KIND_CUSTOM);
  g_assert_cmpuint (icto_session_get_n_visible (session), ==, 1);
}

static void
test_channels_tsv (void)
{
  g_autoptr(IctoSession) session = icto_session_new ();
  g_autoptr(IctoTracePage) page = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize length;
  g_autofree char *path = g_build_filename (icto_test_tmpdir (), "grouped.edf", NULL);
  g_autofree char *tsv = g_build_filename (icto_test_tmpdir (), "grouped_channels.tsv", NULL);

  g_assert_true (g_file_get_contents (write_test_edf (), &contents, &length, NULL));
  g_assert_true (g_file_set_contents (path, contents, (gssize) length, NULL));
  /* RH1..RH3 belong to the shaft "LA" here (say, a relabelled electrode) */
  g_assert_true (g_file_set_contents (tsv,
                                      "name\ttype\tunits\tgroup\tstatus\n"
                                      "LA1\tSEEG\tuV\tLA\tgood\n"
                                      "RH1\tSEEG\tuV\tLA\tgood\n"
                                      "RH2\tSEEG\tuV\tLA\tbad\n"
                                      "RH3\tSEEG\tuV\tLA\tgood\n", -1, NULL));
  g_assert_true (icto_session_open (session, path, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (icto_session_get_channel_group (session, 0), ==, "LA");
  g_assert_cmpstr (icto_session_get_channel_group (session, 4), ==, "LA");
  /* status "bad" marks the channel bad */
  g_assert_true (icto_session_get_channel_bad (session, 5));
  g_assert_false (icto_session_get_channel_bad (session, 4));
  /* local average over the 6 good contacts of the one shaft: they sum to
   * zero; the bad RH2 is shown, minus the same mean */
  icto_session_set_montage (session, ICTO_MONTAGE_KIND_LOCAL);
  page = fetch_samples (session);
  g_assert_cmpuint (page->n_channels, ==, N_SIG);
  g_assert_cmphex (page->label_colors[0], ==, page->label_colors[6]);
  for (guint c = 0; c < RATE; c += 11)
    {
      double sum = 0;
      double mean = 0;
      for (guint s = 0; s < N_SIG; s++)
        if (s != 5)
          {
            sum += icto_trace_page_min (page, s)[c];
            mean += value (s, (double) c / RATE) / (N_SIG - 1);
          }
      g_assert_cmpfloat (fabs (sum), <, 0.5);
      g_assert_cmpfloat (fabs (icto_trace_page_min (page, 5)[c] - (value (5, (double) c / RATE) - mean)), <, 0.2);
    }
  g_assert_true (page->bad[5]);
}

static void
test_no_recording (void)
{
  g_autoptr(IctoSession) session = icto_session_new ();
  g_autoptr(GError) error = NULL;
  IctoTracePage *page = icto_session_fetch_page (session, 10, &error);

  g_assert_null (page);
  g_assert_error (error, ICTO_CORE_ERROR, ICTO_CORE_ERROR_NO_RECORDING);
}

static void
test_open_error (void)
{
  g_autoptr(IctoSession) session = icto_session_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (icto_test_tmpdir (), "not-edf.edf", NULL);

  g_assert_true (g_file_set_contents (path, "hello, this is not an EDF file", -1, NULL));
  g_assert_false (icto_session_open (session, path, &error));
  g_assert_error (error, ICTO_SIGNAL_ERROR, ICTO_SIGNAL_ERROR_NOT_EDF);
  g_assert_null (icto_session_get_recording (session));
}

static void
test_page_reuse (void)
{
  g_autoptr(IctoSession) session = open_session ();
  g_autoptr(GError) error = NULL;
  IctoTracePage *first = icto_session_fetch_page (session, 100, &error);
  IctoTracePage *held;
  IctoTracePage *again;
  IctoTracePage *other;

  g_assert_no_error (error);
  held = first;
  icto_trace_page_unref (first);
  /* nobody holds the first page any more: its buffers serve the next one */
  icto_session_set_montage (session, ICTO_MONTAGE_KIND_BIPOLAR);
  again = icto_session_fetch_page (session, 50, &error);
  g_assert_no_error (error);
  g_assert_true (again == held);
  g_assert_cmpuint (again->n_channels, ==, 5);
  g_assert_cmpuint (again->n_columns, ==, 50);
  g_assert_cmpstr (again->labels[0], ==, "LA1-LA2");
  g_assert_cmpuint (again->n_annotations, ==, 0);
  /* a page still held is never reused */
  other = icto_session_fetch_page (session, 400, &error);
  g_assert_no_error (error);
  g_assert_true (other != again);
  g_assert_cmpuint (other->n_columns, ==, 400);
  g_assert_cmpfloat (fabs (icto_trace_page_max (again, 0)[0] - icto_trace_page_max (other, 0)[0]), <, 60);
  icto_trace_page_unref (again);
  icto_trace_page_unref (other);
}

static void
test_parse_time (void)
{
  g_autoptr(IctoSession) session = open_session ();
  g_autoptr(GError) error = NULL;
  gint64 t = -1;

  /* the file starts at 09:30:00 */
  g_assert_true (icto_session_parse_time (session, "09:30:12", &t, &error));
  g_assert_no_error (error);
  g_assert_cmpint (t, ==, 12 * ICTO_TICKS_PER_SECOND);
  g_assert_true (icto_session_parse_time (session, " 09:30:01.5 ", &t, &error));
  g_assert_cmpint (t, ==, 15 * ICTO_TICKS_PER_SECOND / 10);
  g_assert_true (icto_session_parse_time (session, "25", &t, &error));
  g_assert_cmpint (t, ==, 25 * ICTO_TICKS_PER_SECOND);
  g_assert_true (icto_session_parse_time (session, "0:07.25", &t, &error));
  g_assert_cmpint (t, ==, 725 * ICTO_TICKS_PER_SECOND / 100);

  g_assert_false (icto_session_parse_time (session, "31", &t, &error));
  g_assert_error (error, ICTO_CORE_ERROR, ICTO_CORE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (icto_session_parse_time (session, "10:00:00", &t, &error));
  g_assert_error (error, ICTO_CORE_ERROR, ICTO_CORE_ERROR_INVALID);
  g_clear_error (&error);
  for (guint i = 0; i < 6; i++)
    {
      const char *bad[] = { "", "abc", "1:2:3:4", "-5", "09:75:00", "12s" };
      g_assert_false (icto_session_parse_time (session, bad[i], &t, &error));
      g_assert_error (error, ICTO_CORE_ERROR, ICTO_CORE_ERROR_INVALID);
      g_clear_error (&error);
    }
}

static void
test_overview (void)
{
  g_autoptr(IctoSession) session = open_session ();
  g_autoptr(IctoJob) job = icto_job_new ("overview");
  g_autoptr(GError) error = NULL;
  g_autoptr(IctoOverview) ov = NULL;
  g_autofree float *sorted = NULL;
  GCancellable *cancellable;

  ov = icto_overview_build (icto_session_get_recording (session), 30, NULL, job, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ov->n_bins, ==, 30);
  g_assert_cmpint (ov->duration, ==, SECONDS * ICTO_TICKS_PER_SECOND);
  /* each 1-s bin holds three periods: peak-to-peak 2 * amplitude; the
   * median over the 7 channels is channel 3's */
  for (guint b = 0; b < ov->n_bins; b++)
    g_assert_cmpfloat (fabs (ov->amplitude[b] - 2 * amplitude (3)), <, 2.0);
  g_assert_cmpfloat (fabs (ov->max_amplitude - 2 * amplitude (3)), <, 2.0);

  /* cancelled before it starts: G_IO_ERROR_CANCELLED, no result */
  cancellable = icto_job_get_cancellable (job);
  icto_job_cancel (job);
  g_assert_null (icto_overview_build (icto_session_get_recording (session), 30, NULL, NULL, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

static gpointer
report_thread (gpointer data)
{
  IctoJob *job = data;

  for (int i = 1; i <= 1000; i++)
    icto_job_set_fraction (job, i / 1000.0);
  return NULL;
}

static void
notify_count_cb (GObject    *object,
                 GParamSpec *pspec,
                 gpointer    data)
{
  (*(int *) data)++;
}

static void
test_job_progress (void)
{
  g_autoptr(IctoJob) job = icto_job_new ("work");
  GThread *thread;
  int notifies = 0;
  gboolean completed = FALSE;

  g_signal_connect (job, "notify::fraction", G_CALLBACK (notify_count_cb), &notifies);
  thread = g_thread_new ("report", report_thread, job);
  g_thread_join (thread);
  /* 1000 reports from the worker, coalesced into one idle on this thread */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_cmpint (notifies, ==, 1);
  g_assert_cmpfloat (icto_job_get_fraction (job), ==, 1.0);
  g_signal_connect (job, "notify::completed", G_CALLBACK (notify_count_cb), &completed);
  icto_job_complete (job);
  g_assert_true (icto_job_get_completed (job));
  g_assert_true (completed);
}

static void
test_presets (void)
{
  guint n;
  const double *p = icto_sensitivity_presets (&n);
  IctoMontageChoice kind;

  g_assert_cmpfloat (p[0], ==, 1);
  g_assert_cmpfloat (p[n - 1], ==, 1000);
  g_assert_cmpfloat (icto_sensitivity_step (50, 1), ==, 70);
  g_assert_cmpfloat (icto_sensitivity_step (50, -1), ==, 30);
  g_assert_cmpfloat (icto_sensitivity_step (60, 1), ==, 70);
  g_assert_cmpfloat (icto_sensitivity_step (60, -1), ==, 50);
  g_assert_cmpfloat (icto_sensitivity_step (1000, 1), ==, 1000);
  g_assert_cmpfloat (icto_sensitivity_step (1, -1), ==, 1);

  g_assert_true (icto_montage_kind_from_string ("bipolar", &kind));
  g_assert_cmpint (kind, ==, ICTO_MONTAGE_KIND_BIPOLAR);
  g_assert_false (icto_montage_kind_from_string ("nonsense", &kind));
  for (guint k = ICTO_MONTAGE_KIND_REFERENTIAL; k <= ICTO_MONTAGE_KIND_CUSTOM; k++)
    {
      g_assert_true (icto_montage_kind_from_string (icto_montage_kind_to_string (k), &kind));
      g_assert_cmpint (kind, ==, k);
    }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/session/referential", test_referential);
  g_test_add_func ("/core/session/bipolar", test_bipolar);
  g_test_add_data_func ("/core/session/average", GINT_TO_POINTER (ICTO_MONTAGE_KIND_AVERAGE), test_average);
  g_test_add_data_func ("/core/session/local", GINT_TO_POINTER (ICTO_MONTAGE_KIND_LOCAL), test_average);
  g_test_add_func ("/core/session/paging", test_paging);
  g_test_add_func ("/core/session/channels", test_channels);
  g_test_add_func ("/core/session/annotations", test_annotations);
  g_test_add_func ("/core/session/filter", test_filter);
  g_test_add_func ("/core/session/filter-limits", test_filter_limits);
  g_test_add_func ("/core/session/custom-montage", test_custom_montage);
  g_test_add_func ("/core/session/channels-tsv", test_channels_tsv);
  g_test_add_func ("/core/session/no-recording", test_no_recording);
  g_test_add_func ("/core/session/open-error", test_open_error);
  g_test_add_func ("/core/session/presets", test_presets);
  g_test_add_func ("/core/session/parse-time", test_parse_time);
  g_test_add_func ("/core/session/page-reuse", test_page_reuse);
  g_test_add_func ("/core/overview/build", test_overview);
  g_test_add_func ("/core/job/progress", test_job_progress);

  return g_test_run ();
}
