/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "icto-bench"

/*
 * bench-worker: windows per second of the inference worker
 * (core/icto-inference-worker.h) while the main thread pages through the
 * recording at 60 frames per second, and the main thread's frame times
 * meanwhile.
 *
 *   bench-worker [--model PATH] [--channels 16] [--seconds 900] [--runs 3]
 *                [--threads N] [--budget 20] [--jump-every 30]
 *
 * A synthetic recording (channels x seconds at 512 Hz) is written to
 * $TMPDIR once.  Each run starts a fresh worker (no cache) and lets it work
 * for at most --budget seconds; the main thread meanwhile runs a 60-Hz
 * frame clock: each frame reads one 10-s page of every channel (what the
 * trace view fetches) and every --jump-every frames (30: 0.5 s) jumps to another page
 * and moves the worker's focus there.  Printed: windows per second per run
 * and their median, and over all frames the median / 95th / 99th percentile
 * of the frame work time and of the frame lateness (how much later than
 * its 16-ms period the frame clock fired, i.e. how long the main loop was
 * kept from running).
 * --model defaults to the bundled model; an MVPFormer-S-shaped model with
 * random weights is written by bench-model (--shape S) to
 * $TMPDIR/icto-bench-S.safetensors.
 */

#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/icto-inference-worker-private.h"
#include "core/icto-inference-worker.h"
#include "core/icto-inference.h"
#include "signal/icto-edf-writer.h"
#include "signal/icto-recording.h"

typedef struct {
  IctoRecording       *rec;
  IctoInferenceWorker *worker;
  GArray              *work_ms;     /* double */
  GArray              *late_ms;     /* double */
  gint64               next_tick;
  guint                frame;
  double               page_s;
  float               *buf;
  int                  jump_every;
  GRand               *rand;
  gboolean             stop;
} Pager;

static int
compare_double (gconstpointer a,
                gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static double
percentile (GArray *values,
            double  p)
{
  g_autoptr(GArray) v = NULL;
  guint i;

  if (values->len == 0)
    return NAN;
  v = g_array_copy (values);
  g_array_sort (v, compare_double);
  i = (guint) MIN (v->len - 1, floor (p * (v->len - 1) + 0.5));
  return g_array_index (v, double, i);
}

static char *
make_recording (guint  n_ch,
                int    seconds)
{
  char *path = g_strdup_printf ("%s/icto-bench-worker-%uch-%ds.edf", g_get_tmp_dir (), n_ch, seconds);
  g_autofree IctoEdfWriterSignal *sigs = NULL;
  g_autofree char **labels = NULL;
  g_autofree float **rows = NULL;
  IctoEdfWriterOptions opts = { 0 };
  g_autoptr(GError) error = NULL;
  GRand *rand;
  IctoEdfWriter *w;

  if (g_file_test (path, G_FILE_TEST_IS_REGULAR))
    return path;
  sigs = g_new0 (IctoEdfWriterSignal, n_ch);
  labels = g_new0 (char *, n_ch + 1);
  rows = g_new0 (float *, n_ch);
  for (guint c = 0; c < n_ch; c++)
    {
      labels[c] = g_strdup_printf ("C%u", c + 1);
      sigs[c] = (IctoEdfWriterSignal) { labels[c], NULL, "uV", NULL, -2000, 2000, 512 };
      rows[c] = g_new (float, 512);
    }
  opts.record_duration = ICTO_TICKS_PER_SECOND;
  w = icto_edf_writer_new (path, &opts, sigs, n_ch, &error);
  if (w == NULL)
    g_error ("%s", error->message);
  rand = g_rand_new_with_seed (1);
  for (int r = 0; r < seconds; r++)
    {
      for (guint c = 0; c < n_ch; c++)
        for (int i = 0; i < 512; i++)
          {
            double t = r + i / 512.0;
            rows[c][i] = (float) (60 * sin (2 * G_PI * (3 + c % 7) * t) + g_rand_double_range (rand, -30, 30));
          }
      if (!icto_edf_writer_write_record (w, (const float *const *) rows, &error))
        g_error ("%s", error->message);
    }
  if (!icto_edf_writer_close (w, &error))
    g_error ("%s", error->message);
  g_rand_free (rand);
  for (guint c = 0; c < n_ch; c++)
    {
      g_free (labels[c]);
      g_free (rows[c]);
    }
  return path;
}

static gboolean
frame_cb (gpointer data)
{
  Pager *p = data;
  gint64 now = g_get_monotonic_time ();
  /* the clock asks for a frame every 16 ms: anything beyond is delay */
  double late = MAX (0.0, (now - p->next_tick) / 1000.0 - 16.0);
  guint n_sig = icto_recording_get_n_signals (p->rec);
  double total = icto_ticks_to_seconds (icto_recording_get_duration (p->rec));
  gint64 t0, first;
  double work;

  g_array_append_val (p->late_ms, late);
  t0 = g_get_monotonic_time ();
  if (p->frame == 0 || (p->jump_every > 0 && p->frame % (guint) p->jump_every == 0))
    {
      p->page_s = g_rand_double_range (p->rand, 0, MAX (0, total - 10));
      icto_inference_worker_set_focus (p->worker, p->page_s, p->page_s + 10);
    }
  first = (gint64) (p->page_s * 512);
  for (guint c = 0; c < n_sig; c++)
    icto_recording_read_samples (p->rec, c, first, 5120, p->buf, NULL);
  /* what a view asks the worker per frame */
  icto_inference_worker_get_values (p->worker, ICTO_RESULT_PROBABILITY, 0, (guint) (p->page_s / 5), 2,
                                    p->buf);
  work = (g_get_monotonic_time () - t0) / 1000.0;
  g_array_append_val (p->work_ms, work);
  p->frame++;
  p->next_tick = now;
  return G_SOURCE_CONTINUE;
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *model_path = NULL;
  int n_ch = 16, seconds = 900, runs = 3, threads = 0, jump_every = 30;
  double budget = 20;
  GOptionEntry entries[] = {
    { "model", 0, 0, G_OPTION_ARG_FILENAME, &model_path, "Model file (default: the bundled model)", "PATH" },
    { "channels", 0, 0, G_OPTION_ARG_INT, &n_ch, "Channels of the synthetic recording (16)", "N" },
    { "seconds", 0, 0, G_OPTION_ARG_INT, &seconds, "Length of the synthetic recording (900)", "S" },
    { "runs", 0, 0, G_OPTION_ARG_INT, &runs, "Runs (3)", "N" },
    { "threads", 0, 0, G_OPTION_ARG_INT, &threads, "Model threads of the worker (default: CPUs - 1)", "N" },
    { "jump-every", 0, 0, G_OPTION_ARG_INT, &jump_every, "Frames between page jumps (30; 0: never)", "N" },
    { "budget", 0, 0, G_OPTION_ARG_DOUBLE, &budget, "Seconds per run at most (20)", "S" },
    { NULL }
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(IctoRecording) rec = NULL;
  g_autofree char *rec_path = NULL;
  g_autoptr(GArray) rates = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) work_ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) late_ms = g_array_new (FALSE, FALSE, sizeof (double));
  const char *coretype = g_getenv ("OPENBLAS_CORETYPE");

  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    {
      fprintf (stderr, "%s\n", error->message);
      return 2;
    }
  if (model_path == NULL)
    model_path = icto_inference_default_model_path ();
  if (model_path == NULL)
    {
      fprintf (stderr, "no model\n");
      return 1;
    }
  rec_path = make_recording ((guint) n_ch, seconds);
  rec = icto_recording_open (rec_path, &error);
  if (rec == NULL)
    g_error ("%s", error->message);

  printf ("bench-worker: model %s, %d channels x %d s at 512 Hz, OPENBLAS_CORETYPE=%s, %u CPUs\n",
          model_path, n_ch, seconds, coretype ? coretype : "(unset)", g_get_num_processors ());
  for (int r = 0; r < runs; r++)
    {
      g_autoptr(IctoInferenceWorker) worker = icto_inference_worker_new (NULL);
      g_autofree float *buf = g_new (float, 5120);
      Pager p = { 0 };
      gint64 t0, t1;
      guint frame_id, n_done = 0, n_seg;
      double rate;

      if (threads > 0)
        _icto_inference_worker_set_n_threads (worker, threads);
      p.rec = rec;
      p.worker = worker;
      p.work_ms = work_ms;
      p.late_ms = late_ms;
      p.buf = buf;
      p.jump_every = jump_every;
      p.rand = g_rand_new_with_seed (r + 1);
      icto_inference_worker_set_recording (worker, rec);
      t0 = g_get_monotonic_time ();
      if (!icto_inference_worker_set_model (worker, model_path, &error))
        g_error ("%s", error->message);
      p.next_tick = g_get_monotonic_time ();
      frame_id = g_timeout_add (16, frame_cb, &p);
      while (icto_inference_worker_get_state (worker) == ICTO_INFERENCE_RUNNING &&
             g_get_monotonic_time () - t0 < (gint64) (budget * G_USEC_PER_SEC))
        g_main_context_iteration (NULL, TRUE);
      t1 = g_get_monotonic_time ();
      g_source_remove (frame_id);
      n_seg = icto_inference_worker_get_n_segments (worker);
      for (guint k = 0; k < n_seg; k++)
        n_done += icto_inference_worker_get_segment_state (worker, k) == ICTO_SEGMENT_DONE;
      rate = n_done / ((t1 - t0) / 1e6);
      g_array_append_val (rates, rate);
      printf ("  run %d: %u windows in %.2f s: %.2f windows/s (%u frames)\n",
              r + 1, n_done, (t1 - t0) / 1e6, rate, p.frame);
      g_rand_free (p.rand);
      g_clear_object (&worker);
      while (_icto_inference_worker_get_busy_threads () > 0)
        g_usleep (1000);
    }
  printf ("median: %.2f windows/s\n", percentile (rates, 0.5));
  printf ("frame work (ms): median %.3f, p95 %.3f, p99 %.3f, max %.3f over %u frames\n",
          percentile (work_ms, 0.5), percentile (work_ms, 0.95), percentile (work_ms, 0.99),
          percentile (work_ms, 1.0), work_ms->len);
  printf ("frame lateness (ms): median %.3f, p95 %.3f, p99 %.3f, max %.3f\n",
          percentile (late_ms, 0.5), percentile (late_ms, 0.95), percentile (late_ms, 0.99),
          percentile (late_ms, 1.0));
  return 0;
}
