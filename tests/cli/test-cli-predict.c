/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "icto-test"

#include "config.h"

#include <math.h>
#include <string.h>
#include <sys/wait.h>

#include "core/icto-inference.h"
#include "core/icto-prediction.h"
#include "signal/icto-edf-writer.h"
#include "signal/icto-recording.h"
#include "icto-test-util.h"

/*
 * ictoscope-cli predict: the decoded continuation of the next 5 s per
 * channel, scaled to the RMS of the preceding real segment, beside the
 * agreement the worker shows for that segment (icto_inference_run's).
 */

#define N_CH 4

static char *model_path;
static char *edf_path;

static char *
make_edf (const char *name,
          int         seconds)
{
  char *path = g_build_filename (icto_test_tmpdir (), name, NULL);
  IctoEdfWriterSignal sigs[N_CH];
  IctoEdfWriterOptions opts = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (5);
  IctoEdfWriter *w;
  float *data[N_CH];
  char labels[N_CH][8];

  for (int c = 0; c < N_CH; c++)
    {
      g_snprintf (labels[c], sizeof labels[c], "LA%d", c + 1);
      sigs[c] = (IctoEdfWriterSignal) { labels[c], "Depth electrode", "uV", NULL, -1000, 1000, 512 };
      data[c] = g_new (float, 512);
    }
  opts.record_duration = ICTO_TICKS_PER_SECOND;
  w = icto_edf_writer_new (path, &opts, sigs, N_CH, &error);
  g_assert_no_error (error);
  for (int r = 0; r < seconds; r++)
    {
      for (int c = 0; c < N_CH; c++)
        for (int i = 0; i < 512; i++)
          {
            double t = r + i / 512.0;
            /* channel amplitudes differ: 1, 2, 3, 4 times */
            data[c][i] = (float) ((c + 1) * (50 * sin (2 * G_PI * (4 + c) * t) + 20 * sin (2 * G_PI * 13 * t))
                                  + g_rand_double_range (rand, -15, 15));
          }
      g_assert_true (icto_edf_writer_write_record (w, (const float * const *) data, &error));
    }
  g_assert_true (icto_edf_writer_close (w, &error));
  for (int c = 0; c < N_CH; c++)
    g_free (data[c]);
  return path;
}

static int
run_cli (const char * const *args,
         char              **err_out)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  int status = 0;

  g_ptr_array_add (argv, (char *) g_getenv ("ICTO_CLI"));
  for (int i = 0; args[i]; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);
  g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL, NULL, err_out, &status, &error);
  g_assert_no_error (error);
  g_assert_true (WIFEXITED (status));
  return WEXITSTATUS (status);
}

typedef struct {
  double end_s;
  float  agreement[N_CH];
} Want;

static gboolean
agreement_cb (const IctoInferenceWindow *w,
              gpointer                   user_data)
{
  Want *want = user_data;

  if (fabs (w->end_s - want->end_s) < 1e-6)
    memcpy (want->agreement, w->agreement, sizeof (float) * N_CH);
  return TRUE;
}

/* --at 152 -> the continuation [150, 155): 2560 rows from 150 s, every
 * channel at the RMS of its real [145, 150), agreement = the inference's
 * for the window ending at 155 s. */
static void
test_predict_tsv (void)
{
  g_autofree char *out = g_build_filename (icto_test_tmpdir (), "next.tsv", NULL);
  g_autofree char *err = NULL;
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(IctoRecording) rec = icto_recording_open (edf_path, &error);
  g_autoptr(IctoModel) model = icto_model_load (model_path, NULL, NULL, &error);
  IctoInferenceOptions opts = { 0 };
  const char *args[] = { "predict", edf_path, "--model", model_path, "--at", "152", "--out", out, NULL };
  Want want = { 155.0, { NAN, NAN, NAN, NAN } };
  double ss[N_CH] = { 0 };
  guint n_rows = 0;

  g_assert_no_error (error);
  g_assert_cmpint (run_cli (args, &err), ==, 0);
  g_assert_true (g_file_get_contents (out, &contents, NULL, NULL));
  lines = g_strsplit (contents, "\n", -1);
  g_assert_cmpstr (lines[0], ==, "time_s\tpredicted.LA1\tpredicted.LA2\tpredicted.LA3\tpredicted.LA4"
                                 "\tagreement.LA1\tagreement.LA2\tagreement.LA3\tagreement.LA4");
  opts.start_s = 30;
  opts.duration_s = 125;
  opts.n_threads = 1;
  g_assert_true (icto_inference_run (rec, model, &opts, agreement_cb, NULL, &want, NULL, &error));
  for (int i = 1; lines[i] && lines[i][0]; i++)
    {
      g_auto(GStrv) f = g_strsplit (lines[i], "\t", -1);

      g_assert_cmpuint (g_strv_length (f), ==, 1 + 2 * N_CH);
      g_assert_cmpfloat_with_epsilon (g_ascii_strtod (f[0], NULL), 150.0 + (i - 1) / 512.0, 1e-6);
      for (int c = 0; c < N_CH; c++)
        {
          double v = g_ascii_strtod (f[1 + c], NULL);

          g_assert_true (isfinite (v));
          ss[c] += v * v;
          g_assert_cmpfloat_with_epsilon (g_ascii_strtod (f[1 + N_CH + c], NULL), want.agreement[c], 1e-5);
        }
      n_rows++;
    }
  g_assert_cmpuint (n_rows, ==, 2560);
  for (int c = 0; c < N_CH; c++)
    {
      g_autofree float *prev = g_new (float, 2560);
      double rs = 0;

      g_assert_true (icto_recording_read_samples (rec, c, 145 * 512, 2560, prev, &error));
      for (int i = 0; i < 2560; i++)
        rs += (double) prev[i] * prev[i];
      g_test_message ("LA%d: predicted RMS %.3f, previous %.3f", c + 1, sqrt (ss[c] / 2560), sqrt (rs / 2560));
      /* %.6g in the file: 6 significant digits */
      g_assert_cmpfloat (fabs (sqrt (ss[c] / 2560) / sqrt (rs / 2560) - 1), <, 1e-4);
    }
}

static void
async_ready_cb (GObject      *source,
                GAsyncResult *res,
                gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (res);
}

/* At the very end (--at 207 in 205 s: S = 205) there is no real segment
 * to compare: agreement nan;
 * the library's async path gives what the sync one does. */
static void
test_predict_end_and_async (void)
{
  g_autofree char *out = g_build_filename (icto_test_tmpdir (), "end.tsv", NULL);
  g_autofree char *err = NULL;
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  g_auto(GStrv) f = NULL;
  g_autoptr(GError) error = NULL;
  const char *args[] = { "predict", edf_path, "--model", model_path, "--channels", "LA2",
                         "--at", "207", "--out", out, NULL };
  g_autoptr(IctoRecording) rec = icto_recording_open (edf_path, &error);
  g_autoptr(IctoModel) model = icto_model_load (model_path, NULL, NULL, &error);
  g_autoptr(IctoContinuation) sync = NULL;
  g_autoptr(IctoContinuation) async = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  const guint sig = 1;

  g_assert_cmpint (run_cli (args, &err), ==, 0);
  g_assert_true (g_file_get_contents (out, &contents, NULL, NULL));
  lines = g_strsplit (contents, "\n", -1);
  g_assert_cmpstr (lines[0], ==, "time_s\tpredicted.LA2\tagreement.LA2");
  f = g_strsplit (lines[1], "\t", -1);
  g_assert_cmpfloat (g_ascii_strtod (f[0], NULL), ==, 205.0);
  g_assert_cmpstr (f[2], ==, "nan");

  sync = icto_prediction_compute (rec, model, &sig, 1, 207, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat (sync->start_s, ==, 205);
  g_assert_true (isnan (sync->agreement[0]));
  icto_prediction_compute_async (rec, model, &sig, 1, 207, NULL, async_ready_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  async = icto_prediction_compute_finish (result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (async->n_samples, ==, sync->n_samples);
  g_assert_cmpmem (async->samples, sizeof (float) * async->n_samples, sync->samples, sizeof (float) * sync->n_samples);
}

/* --retrieve: the retrieved.<label>, source_s.<label>, cosine.<label>
 * columns equal the library's retrieval (ICTO_PREDICTION_RETRIEVE), and the
 * retrieved samples are the recording's at source_s. */
static void
test_predict_retrieve (void)
{
  g_autofree char *out = g_build_filename (icto_test_tmpdir (), "retrieve.tsv", NULL);
  g_autofree char *err = NULL;
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GError) error = NULL;
  const char *args[] = { "predict", edf_path, "--model", model_path, "--channels", "LA1,LA3",
                         "--at", "152", "--retrieve", "--out", out, NULL };
  g_autoptr(IctoRecording) rec = icto_recording_open (edf_path, &error);
  g_autoptr(IctoModel) model = icto_model_load (model_path, NULL, NULL, &error);
  g_autoptr(IctoContinuation) cont = NULL;
  const guint sigs[2] = { 0, 2 };
  guint n_rows = 0;

  g_assert_no_error (error);
  g_assert_cmpint (run_cli (args, &err), ==, 0);
  g_assert_true (g_file_get_contents (out, &contents, NULL, NULL));
  lines = g_strsplit (contents, "\n", -1);
  g_assert_cmpstr (lines[0], ==, "time_s\tpredicted.LA1\tpredicted.LA3\tagreement.LA1\tagreement.LA3"
                                 "\tretrieved.LA1\tretrieved.LA3\tsource_s.LA1\tsource_s.LA3\tcosine.LA1\tcosine.LA3");
  cont = icto_prediction_compute_full (rec, model, sigs, 2, 152, ICTO_PREDICTION_RETRIEVE, NULL, &error);
  g_assert_no_error (error);
  for (int c = 0; c < 2; c++)
    g_test_message ("LA%u: source %.1f s, cosine %.4f", sigs[c] + 1, cont->source_s[c], cont->source_cosine[c]);
  for (int i = 1; lines[i] && lines[i][0]; i++)
    {
      g_auto(GStrv) f = g_strsplit (lines[i], "\t", -1);

      g_assert_cmpuint (g_strv_length (f), ==, 11);
      for (int c = 0; c < 2; c++)
        {
          float recorded;

          g_assert_true (icto_recording_read_samples (rec, sigs[c], (gint64) llround (cont->source_s[c] * 512) + i - 1,
                                                      1, &recorded, &error));
          g_assert_cmpfloat_with_epsilon (g_ascii_strtod (f[5 + c], NULL), recorded, 1e-5 * MAX (1, fabs (recorded)));
          g_assert_cmpfloat (g_ascii_strtod (f[7 + c], NULL), ==, cont->source_s[c]);
          g_assert_cmpfloat_with_epsilon (g_ascii_strtod (f[9 + c], NULL), cont->source_cosine[c], 1e-5);
          g_assert_cmpfloat (cont->source_s[c], <=, 145);
        }
      n_rows++;
    }
  g_assert_cmpuint (n_rows, ==, 2560);
}

/* Errors: --at before 5 s, past the end, unknown channel, missing --at. */
static void
test_predict_errors (void)
{
  g_autofree char *out = g_build_filename (icto_test_tmpdir (), "bad.tsv", NULL);
  const char *early[] = { "predict", edf_path, "--model", model_path, "--at", "3", "--out", out, NULL };
  const char *late[] = { "predict", edf_path, "--model", model_path, "--at", "400", "--out", out, NULL };
  const char *chan[] = { "predict", edf_path, "--model", model_path, "--at", "50", "--channels", "X1", "--out", out, NULL };
  const char *usage[] = { "predict", edf_path, "--model", model_path, "--out", out, NULL };
  g_autofree char *e1 = NULL, *e2 = NULL, *e3 = NULL, *e4 = NULL;

  g_assert_cmpint (run_cli (early, &e1), ==, 1);
  g_assert_nonnull (strstr (e1, "5 s"));
  g_assert_cmpint (run_cli (late, &e2), ==, 1);
  g_assert_cmpint (run_cli (chan, &e3), ==, 1);
  g_assert_cmpint (run_cli (usage, &e4), ==, 2);
  g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
}

int
main (int    argc,
      char **argv)
{
  int ret;

  g_test_init (&argc, &argv, NULL);
  model_path = icto_test_source_path ("models/ictoscope-demo.safetensors");
  edf_path = make_edf ("rec.edf", 205);
  g_test_add_func ("/cli/predict/tsv", test_predict_tsv);
  g_test_add_func ("/cli/predict/end-and-async", test_predict_end_and_async);
  g_test_add_func ("/cli/predict/retrieve", test_predict_retrieve);
  g_test_add_func ("/cli/predict/errors", test_predict_errors);
  ret = g_test_run ();
  g_free (model_path);
  g_free (edf_path);
  return ret;
}
