/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-page"

#include "config.h"

#include <math.h>
#include <string.h>

#include "test-signal-util.h"
#include "signal/icto-decimate.h"
#include "signal/icto-page.h"

static void
test_referential (void)
{
  g_autofree char *path = test_write_edf ("page.edf", 4, 256, 30);
  g_autoptr(IctoRecording) rec = icto_recording_open (path, NULL);
  g_autoptr(IctoPage) page = icto_page_new ();
  IctoPageRequest req = { 5 * ICTO_TICKS_PER_SECOND, 10 * ICTO_TICKS_PER_SECOND, NULL, { 0 }, NULL, 0, 300 };
  float x[2560], mn[300], mx[300];
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (rec);
  for (int round = 0; round < 2; round++)   /* buffers are reused */
    {
      g_assert_true (icto_page_compute (page, rec, &req, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (icto_page_get_n_channels (page), ==, 4);
      g_assert_cmpuint (icto_page_get_n_columns (page), ==, 300);
      for (guint s = 0; s < 4; s++)
        {
          g_assert_true (icto_recording_read_samples (rec, s, 5 * 256, 2560, x, NULL));
          icto_decimate_minmax (x, 2560, 300, mn, mx);
          g_assert_cmpmem (mn, sizeof mn, icto_page_get_min (page, s), sizeof mn);
          g_assert_cmpmem (mx, sizeof mx, icto_page_get_max (page, s), sizeof mx);
        }
      for (guint c = 0; c < 300; c++)
        g_assert_false (icto_page_get_gap_columns (page)[c]);
    }
  /* a page reaching past the end: NAN columns flagged as outside */
  req.start = 25 * ICTO_TICKS_PER_SECOND;
  g_assert_true (icto_page_compute (page, rec, &req, NULL));
  g_assert_false (isnan (icto_page_get_min (page, 0)[0]));
  g_assert_true (isnan (icto_page_get_min (page, 0)[299]));
  g_assert_true (icto_page_get_gap_columns (page)[299]);
  g_assert_false (icto_page_get_gap_columns (page)[0]);
}

static void
test_montage_and_filter (void)
{
  g_autofree char *path = test_write_edf ("page2.edf", 3, 256, 60);
  g_autoptr(IctoRecording) rec = icto_recording_open (path, NULL);
  const char *labels[3] = { "LA1", "LA2", "LA3" };
  g_autoptr(IctoMontage) bip = icto_montage_new (ICTO_MONTAGE_BIPOLAR, labels, 3, NULL, NULL);
  g_autoptr(IctoPage) page = icto_page_new ();
  guint outputs[1] = { 1 };   /* LA2-LA3 only */
  IctoPageRequest req = { 20 * ICTO_TICKS_PER_SECOND, 10 * ICTO_TICKS_PER_SECOND, bip,
                          { 1, 70, 50, 0 }, outputs, 1, 200 };
  gsize n = 60 * 256;
  g_autofree float *a = g_new (float, n);
  g_autofree float *b = g_new (float, n);
  float mn[200], mx[200];
  double worst = 0;

  g_assert_true (icto_page_compute (page, rec, &req, NULL));
  g_assert_cmpuint (icto_page_get_n_channels (page), ==, 1);
  /* reference: difference over the whole file, filtered at once, then cut */
  g_assert_true (icto_recording_read_samples (rec, 1, 0, n, a, NULL));
  g_assert_true (icto_recording_read_samples (rec, 2, 0, n, b, NULL));
  for (gsize i = 0; i < n; i++)
    a[i] -= b[i];
  g_assert_true (icto_filter_apply (&req.filter, 256, a, n, NULL));
  icto_decimate_minmax (a + 20 * 256, 2560, 200, mn, mx);
  for (int c = 0; c < 200; c++)
    {
      worst = MAX (worst, fabs (mn[c] - icto_page_get_min (page, 0)[c]));
      worst = MAX (worst, fabs (mx[c] - icto_page_get_max (page, 0)[c]));
    }
  /* no edge transient: within 0.5 µV of the long-run result (signal ~ 800 µV) */
  g_assert_cmpfloat (worst, <, 0.5);

  /* errors */
  {
    g_autoptr(GError) error = NULL;
    guint badout[1] = { 7 };
    IctoPageRequest r2 = req;
    r2.outputs = badout;
    g_assert_false (icto_page_compute (page, rec, &r2, &error));
    g_assert_error (error, ICTO_SIGNAL_ERROR, ICTO_SIGNAL_ERROR_RANGE);
    g_clear_error (&error);
    r2 = req;
    r2.n_columns = 0;
    g_assert_false (icto_page_compute (page, rec, &r2, &error));
    g_assert_error (error, ICTO_SIGNAL_ERROR, ICTO_SIGNAL_ERROR_RANGE);
    g_clear_error (&error);
    r2 = req;
    r2.filter.highpass_hz = 200;
    r2.filter.lowpass_hz = 0;
    g_assert_false (icto_page_compute (page, rec, &r2, &error));
    g_assert_error (error, ICTO_SIGNAL_ERROR, ICTO_SIGNAL_ERROR_RANGE);
  }
}

static void
test_gap_columns (void)
{
  g_autofree char *src = test_write_edf ("gap-src.edf", 2, 256, 6);
  g_autofree char *dst = g_build_filename (icto_test_tmpdir (), "gap.edf", NULL);
  g_autofree char *contents = NULL;
  gsize len, hdr = 256 * 4, rec_bytes;
  g_autoptr(IctoRecording) rec = NULL;
  g_autoptr(IctoPage) page = icto_page_new ();
  IctoPageRequest req = { 0, 10 * ICTO_TICKS_PER_SECOND, NULL, { 0 }, NULL, 0, 100 };

  g_assert_true (g_file_get_contents (src, &contents, &len, NULL));
  rec_bytes = (len - hdr) / 6;
  memcpy (contents + 192, "EDF+D", 5);
  for (int r = 3; r < 6; r++)   /* records 3.. start 2 s later */
    contents[hdr + r * rec_bytes + 2 * 256 * 2 + 1] = (char) ('0' + r + 2);
  g_assert_true (g_file_set_contents (dst, contents, len, NULL));
  rec = icto_recording_open (dst, NULL);
  g_assert_nonnull (rec);
  g_assert_cmpuint (icto_recording_get_n_gaps (rec), ==, 1);
  g_assert_true (icto_page_compute (page, rec, &req, NULL));
  /* 10 columns per second: data 0–3 s, gap 3–5 s, data 5–8 s, then nothing */
  for (int c = 0; c < 100; c++)
    {
      gboolean gap = (c >= 30 && c < 50) || c >= 80;
      g_assert_cmpint (icto_page_get_gap_columns (page)[c], ==, gap);
      g_assert_cmpint (isnan (icto_page_get_min (page, 0)[c]), ==, gap);
    }
}

/* Filtered pages of more channels than one lane group (8 + 3), in the
 * middle of the file and reaching past its end (NAN padding: those channels
 * take the per-run path), equal the page computed the straightforward way:
 * read with padding, icto_filter_apply() per channel, decimate. */
static void
test_filtered_groups (void)
{
  const guint n_sig = 11, rate = 256, n_cols = 300;
  g_autofree char *path = test_write_edf ("groups.edf", n_sig, rate, 30);
  g_autoptr(IctoRecording) rec = icto_recording_open (path, NULL);
  g_autoptr(IctoPage) page = icto_page_new ();
  IctoPageRequest req = { 0, 10 * ICTO_TICKS_PER_SECOND, NULL, { 1, 70, 50, 0 }, NULL, 0, n_cols };
  const gint64 starts[] = { 8 * ICTO_TICKS_PER_SECOND, 25 * ICTO_TICKS_PER_SECOND };
  gsize pad = icto_filter_padding (&req.filter, rate), n_page = 10 * rate;
  gint64 pad_ticks = (gint64) llround ((double) pad * ICTO_TICKS_PER_SECOND / rate);
  g_autofree float *x = g_new (float, n_page + 2 * pad);
  float mn[300], mx[300];

  g_assert_nonnull (rec);
  for (guint si = 0; si < G_N_ELEMENTS (starts); si++)
    {
      req.start = starts[si];
      g_assert_true (icto_page_compute (page, rec, &req, NULL));
      g_assert_cmpuint (icto_page_get_n_channels (page), ==, n_sig);
      for (guint s = 0; s < n_sig; s++)
        {
          double peak = 0, err = 0;
          g_assert_true (icto_recording_read_range (rec, s, req.start - pad_ticks, n_page + 2 * pad, x, NULL, NULL));
          g_assert_true (icto_filter_apply (&req.filter, rate, x, n_page + 2 * pad, NULL));
          icto_decimate_minmax (x + pad, n_page, n_cols, mn, mx);
          for (guint c = 0; c < n_cols; c++)
            {
              const float *pm = icto_page_get_min (page, s), *px = icto_page_get_max (page, s);
              g_assert_cmpint (isnan (mn[c]), ==, isnan (pm[c]));
              g_assert_cmpint (isnan (mx[c]), ==, isnan (px[c]));
              if (isnan (mn[c]))
                continue;
              peak = MAX (peak, MAX (fabs (mn[c]), fabs (mx[c])));
              err = MAX (err, MAX (fabs (mn[c] - pm[c]), fabs (mx[c] - px[c])));
            }
          g_assert_cmpfloat (peak, >, 1);
          g_assert_cmpfloat (err, <=, 1e-4 * peak);
        }
      /* past the end: the last columns are empty */
      if (si == 1)
        g_assert_true (isnan (icto_page_get_min (page, 0)[n_cols - 1]));
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/signal/page/referential", test_referential);
  g_test_add_func ("/signal/page/montage-filter", test_montage_and_filter);
  g_test_add_func ("/signal/page/gaps", test_gap_columns);
  g_test_add_func ("/signal/page/filtered-groups", test_filtered_groups);
  return g_test_run ();
}
