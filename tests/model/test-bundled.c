/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "icto-test"

#include "config.h"

#include <math.h>
#include <string.h>
#include <sys/wait.h>

#include "core/icto-inference.h"
#include "model/icto-model.h"
#include "model/icto-model-private.h"
#include "model/icto-model-state.h"
#include "model/icto-safetensors.h"
#include "signal/icto-recording.h"
#include "sim/icto-sim.h"
#include "icto-test-util.h"

/*
 * The bundled model models/ictoscope-demo.safetensors (issue 5): its
 * configuration, its seizure probabilities on a simulated recording through
 * icto-inference (high inside the simulated seizures, low far from them),
 * and agreement of the C engine with the numpy reference on one window.
 * The model file may be retrained: nothing here depends on its exact outputs.
 */

#define SIM_DURATION 600.0
#define SIM_SEED     20261124
#define FAR_S        60.0
/* two shafts near the default epileptogenic zone: the regime of the model
 * card's held-out evaluation (16-18 contacts) */
#define SIM_LAYOUT   "LA:8,LH:8"
/* Pass marks.  The model card (models/README.md) reports a window AUROC of
 * 0.88 on held-out simulated recordings (line-length baseline 0.79); on this
 * recording the model reaches AUROC 0.86 and mean probabilities 0.74 inside
 * the seizures against 0.36 far from them (margin 0.38).  The aim
 * (AUROC > 0.9) is not reached and therefore not asserted; these marks fail
 * for a model no better than the baseline or the previous model (0.77, margin
 * 0.24 here). */
#define MIN_AUROC    0.8
#define MIN_MARGIN   0.3

typedef struct {
  double start, end;
} Interval;

typedef struct {
  GArray *end_s;   /* double */
  GArray *prob;    /* double */
} Windows;

static char *sim_path;       /* written once, shared by the tests */

static char *
model_path (void)
{
  g_autofree char *p = icto_test_source_path ("models/ictoscope-demo.safetensors");

  /* committed with the sources: a missing file is a failure, not a skip */
  if (!g_file_test (p, G_FILE_TEST_IS_REGULAR))
    g_error ("bundled model missing: %s", p);
  return g_steal_pointer (&p);
}

static IctoModel *
load_bundled (void)
{
  g_autofree char *p = model_path ();
  g_autoptr(GError) error = NULL;
  IctoModel *m = icto_model_load (p, NULL, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (m);
  return m;
}

static const char *
simulated_recording (void)
{
  if (sim_path == NULL)
    {
      IctoSimParams params;
      g_autoptr(GError) error = NULL;
      g_autofree char *path = g_build_filename (icto_test_tmpdir (), "bundled-sim.edf", NULL);

      icto_sim_params_init (&params);
      params.duration = SIM_DURATION;
      params.sample_rate = 512;
      params.n_seizures = 2;
      params.seed = SIM_SEED;
      params.layout = SIM_LAYOUT;
      g_assert_true (icto_sim_write (&params, path, NULL, NULL, &error));
      g_assert_no_error (error);
      sim_path = g_steal_pointer (&path);
    }
  return sim_path;
}

static void
test_config (void)
{
  g_autoptr(IctoModel) m = load_bundled ();
  const IctoModelConfig *cfg = icto_model_get_config (m);

  g_test_message ("bundled model: D=%d layers=%d heads=%d/%d F=%d positions=%d channels=%d, %.1f MB",
                  cfg->n_embd, cfg->n_layer, cfg->n_head, cfg->n_head_kv, cfg->n_inner,
                  cfg->n_positions, cfg->n_channels, icto_model_get_weight_bytes (m) / 1e6);
  g_assert_cmpint (cfg->n_channels, ==, 128);
  g_assert_cmpint (cfg->n_positions, >=, 25);
  g_assert_cmpint (cfg->segment_len, ==, 2560);
  g_assert_cmpint (cfg->dwt_size, ==, icto_model_dwt_size_for (2560));
  g_assert_true (icto_model_has_generative_head (m));
  g_assert_true (icto_model_has_classification_head (m));
}

/* The installed or source-tree model is what infer uses without --model. */
static void
test_default_path (void)
{
  g_autofree char *def = NULL;
  g_autofree char *src = model_path ();

  g_unsetenv ("ICTO_MODEL_PATH");
  def = icto_inference_default_model_path ();
  g_assert_nonnull (def);
  g_assert_true (g_file_test (def, G_FILE_TEST_IS_REGULAR));
  g_assert_true (g_str_has_suffix (def, "/models/" BUNDLED_MODEL_NAME));
  g_clear_pointer (&def, g_free);
  g_setenv ("ICTO_MODEL_PATH", "/nonexistent/x.safetensors", TRUE);
  def = icto_inference_default_model_path ();
  g_assert_cmpstr (def, ==, "/nonexistent/x.safetensors");
  g_unsetenv ("ICTO_MODEL_PATH");
}

static gboolean
collect_cb (const IctoInferenceWindow *w,
            gpointer                   user_data)
{
  Windows *ws = user_data;
  double e = w->end_s, p = w->seizure_prob;

  g_array_append_val (ws->end_s, e);
  g_array_append_val (ws->prob, p);
  return TRUE;
}

/* Seizure annotations (EEC to offset) of the simulator's EDF+. */
static GArray *
seizures_of (IctoRecording *rec)
{
  GArray *sz = g_array_new (FALSE, FALSE, sizeof (Interval));

  for (guint i = 0; i < icto_recording_get_n_annotations (rec); i++)
    {
      const IctoEdfAnnotation *a = icto_recording_get_annotation (rec, i);

      if (g_str_has_prefix (a->text, "Seizure") && a->duration > 0)
        {
          Interval iv = { icto_ticks_to_seconds (a->onset),
                          icto_ticks_to_seconds (a->onset + a->duration) };
          g_array_append_val (sz, iv);
        }
    }
  return sz;
}

/* Distance (s) from [a, b] to the nearest seizure; 0 when they overlap. */
static double
distance_to_seizures (GArray *sz,
                      double  a,
                      double  b)
{
  double best = INFINITY;

  for (guint i = 0; i < sz->len; i++)
    {
      const Interval *iv = &g_array_index (sz, Interval, i);
      double d = b < iv->start ? iv->start - b : a > iv->end ? a - iv->end : 0;

      best = MIN (best, d);
    }
  return best;
}

static void
test_seizures (void)
{
  g_autoptr(IctoModel) m = load_bundled ();
  g_autoptr(IctoRecording) rec = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) sz = NULL;
  g_autoptr(GArray) end_s = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) prob = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) pos = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) neg = g_array_new (FALSE, FALSE, sizeof (double));
  IctoInferenceOptions opts = { 0 };
  Windows ws = { end_s, prob };
  double mean_pos = 0, mean_neg = 0, wins = 0, auroc;
  gint64 t0;

  rec = icto_recording_open (simulated_recording (), &error);
  g_assert_no_error (error);
  sz = seizures_of (rec);
  g_assert_cmpuint (sz->len, ==, 2);
  for (guint i = 0; i < sz->len; i++)
    g_test_message ("seizure %u: %.1f-%.1f s", i, g_array_index (sz, Interval, i).start,
                    g_array_index (sz, Interval, i).end);

  opts.n_threads = 2;
  t0 = g_get_monotonic_time ();
  g_assert_true (icto_inference_run (rec, m, &opts, collect_cb, NULL, &ws, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (prob->len, ==, icto_inference_count_windows (SIM_DURATION));
  g_test_message ("%u windows of %u channels in %.2f s", prob->len,
                  icto_recording_get_n_signals (rec), (g_get_monotonic_time () - t0) / 1e6);

  /* positive: the window's last segment (its readout) has its middle inside a
   * seizure; negative: the last segment is more than FAR_S from any seizure */
  for (guint w = 0; w < prob->len; w++)
    {
      double e = g_array_index (end_s, double, w), p = g_array_index (prob, double, w);

      g_assert_true (p >= 0 && p <= 1);
      if (distance_to_seizures (sz, e - 2.5, e - 2.5) == 0)
        g_array_append_val (pos, p);
      else if (distance_to_seizures (sz, e - 5, e) > FAR_S)
        g_array_append_val (neg, p);
    }
  g_assert_cmpuint (pos->len, >=, 4);
  g_assert_cmpuint (neg->len, >=, 10);
  for (guint i = 0; i < pos->len; i++)
    mean_pos += g_array_index (pos, double, i) / pos->len;
  for (guint i = 0; i < neg->len; i++)
    mean_neg += g_array_index (neg, double, i) / neg->len;
  /* AUROC: P(prob of a positive > prob of a negative), ties count half */
  for (guint i = 0; i < pos->len; i++)
    for (guint j = 0; j < neg->len; j++)
      {
        double a = g_array_index (pos, double, i), b = g_array_index (neg, double, j);

        wins += a > b ? 1 : a == b ? 0.5 : 0;
      }
  auroc = wins / ((double) pos->len * neg->len);
  g_test_message ("inside seizures: %u windows, mean prob %.3f; > %.0f s away: %u windows, mean prob %.3f; AUROC %.3f",
                  pos->len, mean_pos, FAR_S, neg->len, mean_neg, auroc);
  g_assert_cmpfloat (mean_pos, >, mean_neg + MIN_MARGIN);
  g_assert_cmpfloat (auroc, >, MIN_AUROC);

  /* a range starting later (its first window read and encoded in full, the
   * next ones incrementally) gives the windows of the whole run */
  {
    g_autoptr(GArray) end2 = g_array_new (FALSE, FALSE, sizeof (double));
    g_autoptr(GArray) prob2 = g_array_new (FALSE, FALSE, sizeof (double));
    Windows ws2 = { end2, prob2 };

    opts.start_s = 200;
    opts.duration_s = 150;
    g_assert_true (icto_inference_run (rec, m, &opts, collect_cb, NULL, &ws2, NULL, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (prob2->len, ==, 6);
    for (guint w = 0; w < prob2->len; w++)
      {
        guint k = (guint) ((g_array_index (end2, double, w) - 125) / 5 + 0.5);

        g_assert_cmpfloat_with_epsilon (g_array_index (end_s, double, k), g_array_index (end2, double, w), 1e-9);
        g_assert_cmpfloat_with_epsilon (g_array_index (prob, double, k), g_array_index (prob2, double, w), 1e-5);
      }
  }
}

/* ICTO_FORWARD_LAST_STEPS (used by icto-inference) gives the readouts of
 * the full pass: class probabilities and the agreement of step T-2. */
static void
test_last_steps (void)
{
  g_autoptr(IctoModel) m = load_bundled ();
  g_autoptr(IctoModelState) st = icto_model_state_new (m, 2);
  g_autoptr(IctoModelOutput) full = NULL;
  g_autoptr(IctoModelOutput) last = NULL;
  g_autoptr(IctoModelOutput) bad = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GRand) rnd = g_rand_new_with_seed (11);
  const int T = 25, C = 6, L = 2560, D = icto_model_get_config (m)->n_embd;
  g_autofree float *x = g_new (float, (gsize) T * C * L);

  for (gsize i = 0; i < (gsize) T * C * L; i++)
    x[i] = (float) g_rand_double_range (rnd, -100, 100) * (i % 7 == 0 ? 3 : 1);
  full = icto_model_forward (st, x, T, C, L, ICTO_FORWARD_DEFAULT, &error);
  g_assert_no_error (error);
  last = icto_model_forward (st, x, T, C, L, ICTO_FORWARD_LAST_STEPS, &error);
  g_assert_no_error (error);
  g_assert_true (last->has_class);
  g_assert_cmpfloat_with_epsilon (last->class_probs[1], full->class_probs[1], 1e-5);
  for (int c = 0; c < C; c++)
    {
      g_assert_cmpfloat_with_epsilon (last->agreement[(T - 2) * C + c], full->agreement[(T - 2) * C + c], 1e-5);
      g_assert_true (isnan (last->agreement[c]));
      g_assert_cmpfloat_with_epsilon (last->contribution[c], full->contribution[c], 1e-5);
    }
  for (gsize i = (gsize) (T - 2) * C * D; i < (gsize) T * C * D; i++)
    g_assert_cmpfloat_with_epsilon (last->hidden_states[i], full->hidden_states[i], 1e-4);
  bad = icto_model_forward (st, x, T, C, L, ICTO_FORWARD_LAST_STEPS | ICTO_FORWARD_LAYER_OUTPUTS, &error);
  g_assert_error (error, ICTO_MODEL_ERROR, ICTO_MODEL_ERROR_INPUT);
  g_assert_null (bad);
}

/* The engine's exact shortcuts for this model (its channel table is zero,
 * so attention to keys outside the content window is summed per step; the
 * first layer's rows are reused from the previous window when the windows
 * are consecutive) give the plain computation's outputs: consecutive
 * windows, a repeated window, a jump back, with and without LAST_STEPS. */
static void
test_shortcuts (void)
{
  g_autoptr(IctoModel) m = load_bundled ();
  g_autoptr(IctoModelState) fast = icto_model_state_new (m, 2);
  g_autoptr(IctoModelState) plain = icto_model_state_new (m, 2);
  g_autoptr(GRand) rnd = g_rand_new_with_seed (7);
  const int T = 25, C = 12, L = 2560, extra = 3, D = icto_model_get_config (m)->n_embd;
  const int order[] = { 0, 1, 2, 3, 3, 0, 1, 3, 2 };
  g_autofree float *x = g_new (float, (gsize) (T + extra) * C * L);
  g_autofree float *enc = g_new (float, (gsize) (T + extra) * C * D);
  double worst = 0;

  /* background with a burst of fast activity in some channels and steps */
  for (int t = 0; t < T + extra; t++)
    for (int c = 0; c < C; c++)
      for (int i = 0; i < L; i++)
        x[((gsize) t * C + c) * L + i] =
          (float) (g_rand_double_range (rnd, -30, 30) +
                   (t >= 20 && c < 4 ? 200 * sin (i * 0.9) : 0));
  g_assert_true (icto_model_encode (plain, x, (gsize) (T + extra) * C, enc, NULL));
  for (guint k = 0; k < G_N_ELEMENTS (order); k++)
    {
      const float *e = enc + (gsize) order[k] * C * D;
      IctoForwardFlags flags = k % 2 ? ICTO_FORWARD_LAST_STEPS : ICTO_FORWARD_DEFAULT;
      g_autoptr(IctoModelOutput) a = NULL;
      g_autoptr(IctoModelOutput) b = NULL;
      g_autoptr(GError) error = NULL;

      _icto_model_state_set_generic (plain, TRUE);
      a = icto_model_forward_encoded (fast, e, T, C, flags, &error);
      g_assert_no_error (error);
      b = icto_model_forward_encoded (plain, e, T, C, flags, &error);
      g_assert_no_error (error);
      g_assert_cmpfloat_with_epsilon (a->class_probs[1], b->class_probs[1], 1e-5);
      for (gsize i = (gsize) (T - 2) * C * D; i < (gsize) T * C * D; i++)
        {
          worst = MAX (worst, fabs (a->hidden_states[i] - b->hidden_states[i]));
          g_assert_cmpfloat_with_epsilon (a->hidden_states[i], b->hidden_states[i], 1e-4);
        }
      for (int c = 0; c < C; c++)
        g_assert_cmpfloat_with_epsilon (a->agreement[(T - 2) * C + c], b->agreement[(T - 2) * C + c], 1e-5);
    }
  g_test_message ("largest difference of the hidden states: %.3g", worst);
}

static const char *
python (void)
{
  const char *p = g_getenv ("PYTHON");

  return p != NULL && *p != '\0' ? p : "/usr/bin/python3";
}

static int
spawn (const char * const *argv,
       char              **out,
       char              **err)
{
  g_autoptr(GError) error = NULL;
  int status = 0;

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, out, err, &status, &error);
  g_assert_no_error (error);
  g_assert_true (WIFEXITED (status));
  return WEXITSTATUS (status);
}

/* The C engine (ictoscope-cli forward) and the numpy reference
 * (tools/forward-reference.py --compare) on one window of the simulated
 * recording that ends inside a seizure, within the test vectors' tolerances. */
static void
test_reference (void)
{
  g_autofree char *weights = model_path ();
  g_autofree char *script = icto_test_source_path ("tools/forward-reference.py");
  g_autofree char *in = g_build_filename (icto_test_tmpdir (), "bundled-in.safetensors", NULL);
  g_autofree char *out_c = g_build_filename (icto_test_tmpdir (), "bundled-c.safetensors", NULL);
  g_autofree char *out_py = g_build_filename (icto_test_tmpdir (), "bundled-py.safetensors", NULL);
  g_autofree char *out = NULL, *err = NULL;
  g_autofree float *signal = NULL;
  g_autoptr(IctoRecording) rec = NULL;
  g_autoptr(IctoSafetensorsWriter) wr = NULL;
  g_autoptr(GArray) sz = NULL;
  g_autoptr(GError) error = NULL;
  const int T = 25, L = 2560, C = 16;
  gint64 shape[3] = { T, C, L };
  gint64 first;
  const char *check[] = { python (), "-c", "import numpy", NULL };
  const char *cli = g_getenv ("ICTO_CLI");
  int status;

  if (spawn (check, NULL, &err) != 0)
    {
      if (g_strcmp0 (g_getenv ("CI"), "true") == 0)
        g_error ("%s has no numpy (needed for the reference comparison): %s", python (), err);
      g_test_skip ("no numpy for the python reference (set PYTHON to an interpreter that has it)");
      return;
    }
  g_clear_pointer (&err, g_free);
  g_assert_nonnull (cli);

  rec = icto_recording_open (simulated_recording (), &error);
  g_assert_no_error (error);
  sz = seizures_of (rec);
  g_assert_cmpuint (sz->len, >=, 1);
  /* the window whose last segment starts 10 s after the first EEC; the
   * first C channels (the LA shaft, near the default epileptogenic zone) */
  first = (gint64) ((g_array_index (sz, Interval, 0).start + 15 - T * 5) * 512);
  first = MAX (first, 0);
  signal = g_new (float, (gsize) T * C * L);
  for (int c = 0; c < C; c++)
    {
      g_autofree float *raw = g_new (float, (gsize) T * L);

      g_assert_true (icto_recording_read_samples (rec, c, first, (gsize) T * L, raw, &error));
      g_assert_no_error (error);
      for (int t = 0; t < T; t++)
        memcpy (signal + ((gsize) t * C + c) * L, raw + (gsize) t * L, sizeof (float) * L);
    }
  wr = icto_safetensors_writer_new ();
  icto_safetensors_writer_add_f32 (wr, "signal", ICTO_DTYPE_F32, 3, shape, signal);
  g_assert_true (icto_safetensors_writer_write (wr, in, &error));
  g_assert_no_error (error);

  {
    const char *fwd[] = { cli, "forward", "--weights", weights, "--input", in, "--out", out_c, NULL };

    status = spawn (fwd, NULL, &err);
    g_assert_cmpint (status, ==, 0);
    g_clear_pointer (&err, g_free);
  }
  {
    const char *ref[] = { python (), script, "--weights", weights, "--input", in, "--out", out_py,
                          "--compare", out_c, NULL };

    status = spawn (ref, &out, &err);
    g_test_message ("forward-reference --compare:\n%s%s", out, err);
    g_assert_cmpint (status, ==, 0);
  }
}

int
main (int    argc,
      char **argv)
{
  int ret;

  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/model/bundled/config", test_config);
  g_test_add_func ("/model/bundled/default-path", test_default_path);
  g_test_add_func ("/model/bundled/last-steps", test_last_steps);
  g_test_add_func ("/model/bundled/shortcuts", test_shortcuts);
  g_test_add_func ("/model/bundled/seizures", test_seizures);
  g_test_add_func ("/model/bundled/reference", test_reference);
  ret = g_test_run ();
  g_free (sim_path);
  return ret;
}
