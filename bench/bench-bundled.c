/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "icto-bench"

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>

#include <glib/gstdio.h>

#include "core/icto-inference.h"
#include "model/icto-model.h"
#include "model/icto-model-private.h"
#include "model/icto-model-state.h"
#include "signal/icto-recording.h"
#include "sim/icto-sim.h"

/*
 * bench-bundled [--seconds S] [--layout SPEC] [--threads N] [--runs R] [--model FILE]
 *
 * Windows per second of the bundled model (models/ictoscope-demo.safetensors
 * unless --model) through icto_inference_run (the path of `ictoscope-cli
 * infer`: 125-s windows at a 5-s stride, encoder outputs of the 24 shared
 * segments reused) on a simulated recording at 512 Hz, by default 64
 * channels (LA:16,LH:16,RA:16,RH:16) and 600 s.  Prints the median of R runs
 * and the extrapolation to 24 h (17,280 windows; the issue's target is under
 * 10 min on 2 cores, i.e. >= 28.8 windows/s).
 */

/* CPU time (user + system) of the process so far, s */
static double
cpu_seconds (void)
{
  struct rusage ru;

  getrusage (RUSAGE_SELF, &ru);
  return ru.ru_utime.tv_sec + ru.ru_utime.tv_usec * 1e-6 + ru.ru_stime.tv_sec + ru.ru_stime.tv_usec * 1e-6;
}

static int
cmp_double (const void *a,
            const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

int
main (int    argc,
      char **argv)
{
  double seconds = 600;
  int threads = 2, runs = 3;
  g_autofree char *layout = g_strdup ("LA:16,LH:16,RA:16,RH:16");
  g_autofree char *model_path = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *edf = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(IctoModel) model = NULL;
  g_autoptr(IctoRecording) rec = NULL;
  g_autofree double *rate = NULL;
  g_autofree double *cpu = NULL;
  GOptionEntry entries[] = {
    { "seconds", 0, 0, G_OPTION_ARG_DOUBLE, &seconds, "Recording length (s)", "S" },
    { "layout", 0, 0, G_OPTION_ARG_STRING, &layout, "Simulator layout", "SPEC" },
    { "threads", 0, 0, G_OPTION_ARG_INT, &threads, "Threads", "N" },
    { "runs", 0, 0, G_OPTION_ARG_INT, &runs, "Runs", "R" },
    { "model", 0, 0, G_OPTION_ARG_FILENAME, &model_path, "Model file", "FILE" },
    { NULL }
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new (NULL);
  IctoSimParams params;
  IctoInferenceOptions opts = { 0 };
  gint64 t0;
  double sim_s, med;
  guint n_windows;
  const char *ct = g_getenv ("OPENBLAS_CORETYPE");

  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!g_option_context_parse (ctx, &argc, &argv, &error) || runs < 1)
    {
      fprintf (stderr, "bench-bundled: %s\n", error ? error->message : "bad --runs");
      return 2;
    }
  if (model_path == NULL)
    model_path = g_build_filename (SOURCE_ROOT, "models", BUNDLED_MODEL_NAME, NULL);
  model = icto_model_load (model_path, NULL, NULL, &error);
  if (model == NULL)
    {
      fprintf (stderr, "bench-bundled: %s\n", error->message);
      return 1;
    }

  dir = g_dir_make_tmp ("bench-bundled-XXXXXX", &error);
  g_assert_no_error (error);
  edf = g_build_filename (dir, "sim.edf", NULL);
  icto_sim_params_init (&params);
  params.duration = seconds;
  params.sample_rate = 512;
  params.n_seizures = (int) MIN (4, (seconds - 100) / 300);
  params.seed = 5;
  params.layout = layout;
  t0 = g_get_monotonic_time ();
  if (!icto_sim_write (&params, edf, NULL, NULL, &error))
    {
      fprintf (stderr, "bench-bundled: %s\n", error->message);
      return 1;
    }
  sim_s = (g_get_monotonic_time () - t0) / 1e6;
  rec = icto_recording_open (edf, &error);
  g_assert_no_error (error);
  n_windows = icto_inference_count_windows (seconds);

  printf ("bench-bundled: %s, %u channels at 512 Hz, %.0f s (%u windows), %d threads, "
          "OPENBLAS_CORETYPE=%s\n", model_path, icto_recording_get_n_signals (rec), seconds,
          n_windows, threads, ct ? ct : "(unset)");
  printf ("  simulation: %.1f s\n", sim_s);

  rate = g_new (double, runs);
  cpu = g_new (double, runs);
  opts.n_threads = threads;
  for (int r = 0; r < runs; r++)
    {
      double s, c0 = cpu_seconds ();

      t0 = g_get_monotonic_time ();
      if (!icto_inference_run (rec, model, &opts, NULL, NULL, NULL, NULL, &error))
        {
          fprintf (stderr, "bench-bundled: %s\n", error->message);
          return 1;
        }
      s = (g_get_monotonic_time () - t0) / 1e6;
      rate[r] = n_windows / s;
      cpu[r] = (cpu_seconds () - c0) / n_windows * 1e3;
      printf ("  run %d: %.2f s, %.2f windows/s, CPU time %.1f ms per window\n", r + 1, s, rate[r], cpu[r]);
    }
  qsort (rate, runs, sizeof (double), cmp_double);
  qsort (cpu, runs, sizeof (double), cmp_double);

  /* the parts of one window: encoding its new segment on every channel and
   * the transformer over [25, C] tokens (medians of 10 calls) */
  {
    g_autoptr(IctoModelState) st = icto_model_state_new (model, threads);
    const IctoModelConfig *cfg = icto_model_get_config (model);
    int C = (int) icto_recording_get_n_signals (rec), T = 25;
    g_autofree float *x = g_new (float, (gsize) C * cfg->segment_len);
    g_autofree float *enc = g_new (float, (gsize) T * C * cfg->n_embd);
    double te[10], tf[10], tfull[10], prof[4];
    g_autoptr(GRand) rnd = g_rand_new_with_seed (3);

    for (gsize i = 0; i < (gsize) C * cfg->segment_len; i++)
      x[i] = (float) g_rand_double_range (rnd, -50, 50);
    for (int k = 0; k < T; k++)
      g_assert_true (icto_model_encode (st, x, C, enc + (gsize) k * C * cfg->n_embd, NULL));
    _icto_model_state_get_profile (st, prof, TRUE);
    for (int r = 0; r < 10; r++)
      {
        g_autoptr(IctoModelOutput) out = NULL;

        if (r == 5)
          _icto_model_state_get_profile (st, prof, TRUE);
        t0 = g_get_monotonic_time ();
        g_assert_true (icto_model_encode (st, x, C, enc, NULL));
        te[r] = (g_get_monotonic_time () - t0) / 1e3;
        t0 = g_get_monotonic_time ();
        out = icto_model_forward_encoded (st, enc, T, C, ICTO_FORWARD_LAST_STEPS, NULL);
        g_assert_nonnull (out);
        tf[r] = (g_get_monotonic_time () - t0) / 1e3;
        g_clear_pointer (&out, icto_model_output_free);
        t0 = g_get_monotonic_time ();
        out = icto_model_forward_encoded (st, enc, T, C, ICTO_FORWARD_DEFAULT, NULL);
        g_assert_nonnull (out);
        tfull[r] = (g_get_monotonic_time () - t0) / 1e3;
      }
    _icto_model_state_get_profile (st, prof, TRUE);
    qsort (te, 10, sizeof (double), cmp_double);
    qsort (tf, 10, sizeof (double), cmp_double);
    qsort (tfull, 10, sizeof (double), cmp_double);
    printf ("  per window: encode %d new segments %.1f ms, transformer [25, %d] (readouts of the last steps, as infer) %.1f ms (medians of 10)\n",
            C, te[5], C, tf[5]);
    printf ("  (transformer with every readout, ICTO_FORWARD_DEFAULT: %.1f ms)\n", tfull[5]);
    printf ("  transformer split, mean of 5 windows of each kind: rows A %.1f ms, attention %.1f ms, rows C %.1f ms\n",
            prof[1] / 10 * 1e3, prof[2] / 10 * 1e3, prof[3] / 10 * 1e3);
  }
  med = rate[runs / 2];
  printf ("  median: %.2f windows/s; 24 h (17280 windows): %.1f min (target < 10 min); CPU time %.1f ms per window\n",
          med, 17280 / med / 60, cpu[runs / 2]);

  g_clear_object (&rec);
  g_unlink (edf);
  {
    const char *kinds[] = { "channels.tsv", "channels.json", "electrodes.tsv", "coordsystem.json",
                            "events.tsv", "simulation.json" };

    for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
      {
        g_autofree char *p = icto_sim_sidecar_path (edf, kinds[i]);

        g_unlink (p);
      }
  }
  g_rmdir (dir);
  return 0;
}
