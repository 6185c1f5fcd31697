/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bench-recording"

#include "config.h"

#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "signal/icto-edf-writer.h"
#include "signal/icto-page.h"
#include "signal/icto-pyramid.h"
#include "signal/icto-recording.h"

/*
 * bench-recording [--seconds S] [--channels C] [--rate R] [--runs N] [--dir D] [--keep FILE]
 *                 [--pages-only]
 *
 * Writes an EDF+C file of C channels at R Hz lasting S seconds (default: the
 * issue's 7200 s × 128 ch × 1024 Hz, about 1.9 GB) into a temporary
 * directory under D (default: the system temp dir), measures, prints medians
 * and deletes the file.  With --keep FILE an existing file is used instead
 * (and kept).
 */

static double
now_ms (void)
{
  return (double) g_get_monotonic_time () / 1000.0;
}

/* CPU time of the process (all threads): unlike wall time, not inflated
 * when other programs compete for the cores */
static double
cpu_ms (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int
cmp_double (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return x < y ? -1 : x > y;
}

static double
median (double *v, int n)
{
  qsort (v, n, sizeof (double), cmp_double);
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static long
vm_kb (const char *key)
{
  g_autofree char *status = NULL;
  const char *p;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return -1;
  p = strstr (status, key);
  return p ? atol (p + strlen (key) + 1) : -1;
}

static void
write_file (const char *path, int seconds, int channels, int rate)
{
  g_autofree IctoEdfWriterSignal *sigs = g_new0 (IctoEdfWriterSignal, channels);
  g_autofree float **data = g_new (float *, channels);
  g_autoptr(GPtrArray) labels = g_ptr_array_new_with_free_func (g_free);
  IctoEdfWriterOptions opts = { FALSE, NULL, NULL, NULL, ICTO_TICKS_PER_SECOND, 0 };
  g_autoptr(GError) error = NULL;
  IctoEdfWriter *w;
  double t0 = now_ms ();

  for (int s = 0; s < channels; s++)
    {
      g_ptr_array_add (labels, g_strdup_printf ("S%c%d", 'A' + (s / 16) % 26, s % 16 + 1));
      sigs[s].label = labels->pdata[s];
      sigs[s].unit = "uV";
      sigs[s].physical_min = -3276.8;
      sigs[s].physical_max = 3276.7;
      sigs[s].samples_per_record = rate;
      data[s] = g_new (float, rate);
    }
  w = icto_edf_writer_new (path, &opts, sigs, channels, &error);
  if (w == NULL)
    g_error ("%s", error->message);
  for (int r = 0; r < seconds; r++)
    {
      for (int s = 0; s < channels; s++)
        for (int j = 0; j < rate; j++)
          data[s][j] = (float) (200 * sin (2 * G_PI * (1 + s % 13) * (r + (double) j / rate)) + ((r * 31 + j + s) % 97) - 48);
      if (!icto_edf_writer_write_record (w, (const float *const *) data, &error))
        g_error ("%s", error->message);
    }
  if (!icto_edf_writer_close (w, &error))
    g_error ("%s", error->message);
  for (int s = 0; s < channels; s++)
    g_free (data[s]);
  printf ("wrote %s in %.1f s\n", path, (now_ms () - t0) / 1000);
}

static double last_cpu_ms;

static double
plain_read_mb_s (const char *path, gint64 *bytes_out)
{
  double c0 = cpu_ms ();
  int fd = g_open (path, O_RDONLY, 0);
  gsize chunk = 4 * 1024 * 1024;
  g_autofree guint8 *buf = g_malloc (chunk);
  gint64 total = 0, off = 0;
  guint64 check = 0;
  double t0 = now_ms (), ms;

  posix_fadvise (fd, 0, 0, POSIX_FADV_SEQUENTIAL);
  for (;;)
    {
      ssize_t n = pread (fd, buf, chunk, off);
      if (n <= 0)
        break;
      check += buf[0] + buf[n - 1];   /* touch the data */
      total += n;
      off += n;
    }
  ms = now_ms () - t0;
  last_cpu_ms = cpu_ms () - c0;
  close (fd);
  if (check == 1)
    printf (" ");
  *bytes_out = total;
  return (double) total / 1e6 / (ms / 1000);
}

int
main (int argc, char **argv)
{
  int seconds = 7200, channels = 128, rate = 1024, runs = 5;
  gboolean pages_only = FALSE;
  g_autofree char *dir = NULL;
  g_autofree char *keep = NULL;
  g_autofree char *tmpdir = NULL;
  g_autofree char *path = NULL;
  GOptionEntry entries[] = {
    { "seconds", 0, 0, G_OPTION_ARG_INT, &seconds, "Recording length (s)", "S" },
    { "channels", 0, 0, G_OPTION_ARG_INT, &channels, "Channels", "C" },
    { "rate", 0, 0, G_OPTION_ARG_INT, &rate, "Sampling rate (Hz)", "R" },
    { "runs", 0, 0, G_OPTION_ARG_INT, &runs, "Runs per measurement", "N" },
    { "dir", 0, 0, G_OPTION_ARG_FILENAME, &dir, "Directory for the temporary file", "D" },
    { "keep", 0, 0, G_OPTION_ARG_FILENAME, &keep, "Use this existing file", "FILE" },
    { "pages-only", 0, 0, G_OPTION_ARG_NONE, &pages_only, "Skip the pyramid measurements", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new ("— recording library benchmark");
  g_autoptr(GError) error = NULL;
  double *t, *tc;
  gint64 file_bytes = 0;
  int n_random = 50;

  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    {
      fprintf (stderr, "%s\n", error->message);
      return 2;
    }
  runs = CLAMP (runs, 1, 100);
  t = g_new (double, MAX (runs, n_random));
  tc = g_new (double, MAX (runs, n_random));

  if (keep)
    path = g_strdup (keep);
  else
    {
      g_autofree char *tmpl = g_build_filename (dir ? dir : g_get_tmp_dir (), "bench-recording-XXXXXX", NULL);
      tmpdir = g_mkdtemp (g_steal_pointer (&tmpl));
      if (tmpdir == NULL)
        g_error ("cannot create a temporary directory");
      path = g_build_filename (tmpdir, "bench.edf", NULL);
      write_file (path, seconds, channels, rate);
    }

  {
    g_autoptr(IctoRecording) probe = icto_recording_open (path, &error);
    if (probe == NULL)
      g_error ("%s", error->message);
    printf ("file: %u signals, %.0f s; OPENBLAS_CORETYPE=%s\n",
            icto_recording_get_n_signals (probe), icto_ticks_to_seconds (icto_recording_get_duration (probe)),
            g_getenv ("OPENBLAS_CORETYPE") ? g_getenv ("OPENBLAS_CORETYPE") : "(unset)");
  }

  /* plain read first, so that the OS cache is as warm for every measurement */
  {
    double mb = plain_read_mb_s (path, &file_bytes);
    printf ("warm-up sequential read: %.0f MB/s (%.2f GB)\n", mb, file_bytes / 1e9);
  }

  /* 1a. open only (header, EDFlib validation, all annotations and record times) */
  for (int r = 0; r < runs; r++)
    {
      double t0 = now_ms (), c0 = cpu_ms ();
      g_autoptr(IctoRecording) rec = icto_recording_open (path, &error);
      if (rec == NULL)
        g_error ("%s", error->message);
      t[r] = now_ms () - t0;
      tc[r] = cpu_ms () - c0;
    }
  printf ("open only: median %.2f ms (CPU %.2f ms)\n", median (t, runs), median (tc, runs));

  /* 1. open + first page (10 s, all channels, 1920 columns) */
  for (int r = 0; r < runs; r++)
    {
      double t0 = now_ms (), c0 = cpu_ms ();
      g_autoptr(IctoRecording) rec = icto_recording_open (path, &error);
      g_autoptr(IctoPage) page = icto_page_new ();
      IctoPageRequest req = { 0, 10 * ICTO_TICKS_PER_SECOND, NULL, { 0 }, NULL, 0, 1920 };
      if (rec == NULL || !icto_page_compute (page, rec, &req, &error))
        g_error ("%s", error->message);
      t[r] = now_ms () - t0;
      tc[r] = cpu_ms () - c0;
    }
  printf ("open + first page (10 s, %d ch, 1920 columns): median %.2f ms (CPU %.2f ms)\n", channels, median (t, runs), median (tc, runs));

  /* 2. random 10-s pages */
  {
    g_autoptr(IctoRecording) rec = icto_recording_open (path, &error);
    g_autoptr(IctoPage) page = icto_page_new ();
    g_autofree float *buf = g_new (float, (gsize) rate * 10);
    IctoPageRequest req = { 0, 10 * ICTO_TICKS_PER_SECOND, NULL, { 0 }, NULL, 0, 1920 };
    IctoPageRequest filt = req;
    gint64 dur = icto_recording_get_duration (rec);
    GRand *rand = g_rand_new_with_seed (42);
    gint64 starts[50];

    for (int i = 0; i < n_random; i++)
      starts[i] = (gint64) g_rand_int_range (rand, 0, (gint32) MAX (1, (dur - 10 * ICTO_TICKS_PER_SECOND) / ICTO_TICKS_PER_SECOND)) * ICTO_TICKS_PER_SECOND;
    g_rand_free (rand);

    /* fetch only: all channels as float µV (block cache cold, OS cache warm) */
    for (int i = 0; i < n_random; i++)
      {
        double t0 = now_ms (), c0 = cpu_ms ();
        for (guint s = 0; s < icto_recording_get_n_signals (rec); s++)
          if (!icto_recording_read_range (rec, s, starts[i], (gsize) rate * 10, buf, NULL, &error))
            g_error ("%s", error->message);
        t[i] = now_ms () - t0;
        tc[i] = cpu_ms () - c0;
      }
    printf ("random 10-s page fetch, all channels (decoded-block cache cold, OS cache warm): median %.3f ms (CPU %.3f ms)\n",
            median (t, n_random), median (tc, n_random));
    for (int i = 0; i < n_random; i++)
      {
        double t0 = now_ms (), c0 = cpu_ms ();
        for (guint s = 0; s < icto_recording_get_n_signals (rec); s++)
          icto_recording_read_range (rec, s, starts[i], (gsize) rate * 10, buf, NULL, NULL);
        t[i] = now_ms () - t0;
        tc[i] = cpu_ms () - c0;
      }
    printf ("same pages again (decoded-block cache warm): median %.3f ms (CPU %.3f ms)\n",
            median (t, n_random), median (tc, n_random));
    for (int i = 0; i < n_random; i++)
      {
        double t0 = now_ms (), c0 = cpu_ms ();
        req.start = starts[(i * 7 + 3) % n_random] + ICTO_TICKS_PER_SECOND;
        if (!icto_page_compute (page, rec, &req, &error))
          g_error ("%s", error->message);
        t[i] = now_ms () - t0;
        tc[i] = cpu_ms () - c0;
      }
    printf ("random page assembled (fetch + min/max to 1920 columns): median %.3f ms (CPU %.3f ms)\n",
            median (t, n_random), median (tc, n_random));
    /* from here on, steady state: one pass through the file touches every
     * slot of the decoded-block cache's arena once (first touches of its
     * huge pages cost page faults that a long session no longer pays) */
    for (gint64 t0 = 0; t0 < dur; t0 += 10 * ICTO_TICKS_PER_SECOND)
      for (guint s = 0; s < icto_recording_get_n_signals (rec); s++)
        icto_recording_read_range (rec, s, t0, (gsize) rate * 10, buf, NULL, NULL);
    for (int i = 0; i < n_random; i++)
      {
        double t0 = now_ms (), c0 = cpu_ms ();
        req.start = starts[(i * 7 + 3) % n_random] + ICTO_TICKS_PER_SECOND;
        if (!icto_page_compute (page, rec, &req, &error))
          g_error ("%s", error->message);
        t[i] = now_ms () - t0;
        tc[i] = cpu_ms () - c0;
      }
    printf ("the same after one pass through the file (cache arena touched): median %.3f ms (CPU %.3f ms)\n",
            median (t, n_random), median (tc, n_random));

    /* filtered random pages: the review preset with the 50-Hz notch, and
     * the 80-Hz HFO high-pass (padding read + montage + filter + min/max) */
    for (int f = 0; f < 2; f++)
      {
        filt.filter = icto_filter_preset (f == 0 ? ICTO_FILTER_PRESET_REVIEW : ICTO_FILTER_PRESET_HFO_80);
        if (f == 0)
          filt.filter.notch_hz = 50;
        filt.start = starts[0];
        if (!icto_page_compute (page, rec, &filt, &error))   /* sizes settle */
          g_error ("%s", error->message);
        for (int i = 0; i < n_random; i++)
          {
            double t0 = now_ms (), c0 = cpu_ms ();
            filt.start = starts[(i * 11 + 5) % n_random];
            if (!icto_page_compute (page, rec, &filt, &error))
              g_error ("%s", error->message);
            t[i] = now_ms () - t0;
            tc[i] = cpu_ms () - c0;
          }
        printf ("random page with %s (padding %zu samples each side): median %.2f ms (CPU %.2f ms)\n",
                f == 0 ? "1-70 Hz + 50 Hz notch" : "80 Hz high-pass (HFO)",
                icto_filter_padding (&filt.filter, rate), median (t, n_random), median (tc, n_random));
      }
    printf ("RSS after paging: %ld kB\n", vm_kb ("VmRSS:"));
  }

  /* 3. pyramid build vs plain sequential read, alternating */
  if (!pages_only)
  {
    int n = MIN (runs, 3);
    double plain[3], pyr[3], plain_cpu[3], pyr_cpu[3];
    g_autofree char *cache_dir = g_build_filename (tmpdir ? tmpdir : g_get_tmp_dir (), "pyramid-cache", NULL);
    for (int r = 0; r < n; r++)
      {
        gint64 bytes;
        g_autoptr(IctoRecording) rec = icto_recording_open (path, &error);
        double t0, c0;
        IctoPyramid *p;
        plain[r] = plain_read_mb_s (path, &bytes);
        plain_cpu[r] = (double) file_bytes / 1e6 / (last_cpu_ms / 1000);
        t0 = now_ms ();
        c0 = cpu_ms ();
        p = icto_pyramid_build (rec, NULL, NULL, NULL, NULL, &error);
        if (p == NULL)
          g_error ("%s", error->message);
        pyr[r] = (double) file_bytes / 1e6 / ((now_ms () - t0) / 1000);
        pyr_cpu[r] = (double) file_bytes / 1e6 / ((cpu_ms () - c0) / 1000);
        icto_pyramid_free (p);
      }
    printf ("per CPU second: plain read %.0f MB/s, pyramid %.0f MB/s (reader thread + scan, both counted)\n",
            median (plain_cpu, n), median (pyr_cpu, n));
    printf ("plain sequential read: median %.0f MB/s\n", median (plain, n));
    printf ("pyramid build:         median %.0f MB/s (%.0f %% of plain read)\n", median (pyr, n),
            100 * median (pyr, n) / median (plain, n));
    {
      g_autoptr(IctoRecording) rec = icto_recording_open (path, &error);
      IctoPyramid *p = icto_pyramid_build (rec, cache_dir, NULL, NULL, NULL, &error);
      double t0;
      icto_pyramid_free (p);
      for (int r = 0; r < runs; r++)
        {
          g_autoptr(IctoRecording) rec2 = icto_recording_open (path, &error);
          t0 = now_ms ();
          p = icto_pyramid_build (rec2, cache_dir, NULL, NULL, NULL, &error);
          t[r] = now_ms () - t0;
          if (!icto_pyramid_was_loaded (p))
            g_error ("pyramid cache was not used");
          icto_pyramid_free (p);
        }
      printf ("pyramid from disk cache (second open): median %.2f ms\n", median (t, runs));
    }
  }

  printf ("peak resident memory (VmHWM): %ld kB\n", vm_kb ("VmHWM:"));

  if (tmpdir)
    {
      g_autofree char *cache_dir = g_build_filename (tmpdir, "pyramid-cache", NULL);
      g_autoptr(GDir) d = g_dir_open (cache_dir, 0, NULL);
      const char *name;
      while (d && (name = g_dir_read_name (d)))
        {
          g_autofree char *f = g_build_filename (cache_dir, name, NULL);
          g_unlink (f);
        }
      g_rmdir (cache_dir);
      g_unlink (path);
      g_rmdir (tmpdir);
    }
  g_free (t);
  g_free (tc);
  return 0;
}
