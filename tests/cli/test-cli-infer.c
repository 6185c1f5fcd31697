/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "icto-test"

#include "config.h"

#include <json-glib/json-glib.h>
#include <math.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>

#include "model/icto-model-state.h"
#include "model/icto-model.h"
#include "model/icto-safetensors.h"
#include "signal/icto-edf-writer.h"
#include "signal/icto-recording.h"
#include "signal/icto-resample.h"
#include "icto-test-util.h"

#define N_CH 10
#define FS 1024

static char *model_path;
static char *edf_path;
static char *long_edf_path;

/* case-a's weights and classification head, with the time table grown to
 * 32 rows (random rows appended) so that windows of 25 segments fit. */
static char *
make_model (void)
{
  g_autofree char *w = g_test_build_filename (G_TEST_DIST, "data", "mvpformer", "case-a", "weights.safetensors", NULL);
  g_autofree char *h = g_test_build_filename (G_TEST_DIST, "data", "mvpformer", "case-a", "head_cls.safetensors", NULL);
  g_autoptr(IctoSafetensors) sw = icto_safetensors_open (w, NULL);
  g_autoptr(IctoSafetensors) sh = icto_safetensors_open (h, NULL);
  g_autoptr(IctoSafetensorsWriter) wr = icto_safetensors_writer_new ();
  g_autoptr(GError) error = NULL;
  static const char *keys[] = { "n_embd", "n_layer", "n_head", "n_head_kv", "n_inner",
                                "n_channels", "segment_len", "dwt_size" };
  char *path = g_build_filename (icto_test_tmpdir (), "model.safetensors", NULL);
  GRand *rand = g_rand_new_with_seed (42);

  g_assert_nonnull (sw);
  for (gsize i = 0; i < G_N_ELEMENTS (keys); i++)
    icto_safetensors_writer_add_metadata (wr, keys[i], icto_safetensors_get_metadata (sw, keys[i]));
  icto_safetensors_writer_add_metadata (wr, "n_positions", "32");
  for (guint i = 0; i < icto_safetensors_get_n_tensors (sw); i++)
    {
      const IctoTensorInfo *t = icto_safetensors_get_tensor (sw, i);
      g_autofree float *v = NULL;

      if (g_str_equal (t->name, "mvpformer.positional_embedding.weight"))
        {
          gint64 shape[2] = { 32, t->shape[1] };

          v = g_new (float, 32 * t->shape[1]);
          g_assert_true (icto_tensor_to_f32 (t, v, NULL));
          for (gint64 k = t->n_elements; k < 32 * t->shape[1]; k++)
            v[k] = (float) g_rand_double_range (rand, -1, 1);
          icto_safetensors_writer_add_f32 (wr, t->name, ICTO_DTYPE_F32, 2, shape, v);
          continue;
        }
      v = g_new (float, t->n_elements);
      g_assert_true (icto_tensor_to_f32 (t, v, NULL));
      icto_safetensors_writer_add_f32 (wr, t->name, ICTO_DTYPE_F32, t->n_dims, t->shape, v);
    }
  {
    const IctoTensorInfo *t = icto_safetensors_lookup (sh, "head.head.weight");
    g_autofree float *v = g_new (float, t->n_elements);

    g_assert_true (icto_tensor_to_f32 (t, v, NULL));
    icto_safetensors_writer_add_f32 (wr, "cls_head.weight", ICTO_DTYPE_F32, t->n_dims, t->shape, v);
  }
  g_assert_true (icto_safetensors_writer_write (wr, path, &error));
  g_rand_free (rand);
  return path;
}

/* N_CH channels at 1024 Hz, @seconds long: rhythms plus noise, in uV. */
static char *
make_edf (const char *name,
          int         seconds)
{
  char *path = g_build_filename (icto_test_tmpdir (), name, NULL);
  IctoEdfWriterSignal sigs[N_CH];
  IctoEdfWriterOptions opts = { 0 };
  g_autoptr(GError) error = NULL;
  IctoEdfWriter *w;
  float *data[N_CH];
  char labels[N_CH][8];
  GRand *rand = g_rand_new_with_seed (7);

  for (int c = 0; c < N_CH; c++)
    {
      g_snprintf (labels[c], sizeof labels[c], "A%d", c + 1);
      sigs[c] = (IctoEdfWriterSignal) { labels[c], "Depth electrode", "uV", NULL, -1000, 1000, FS };
      data[c] = g_new (float, FS);
    }
  opts.record_duration = ICTO_TICKS_PER_SECOND;
  w = icto_edf_writer_new (path, &opts, sigs, N_CH, &error);
  g_assert_no_error (error);
  for (int r = 0; r < seconds; r++)
    {
      for (int c = 0; c < N_CH; c++)
        for (int i = 0; i < FS; i++)
          {
            double t = r + (double) i / FS;
            data[c][i] = (float) (80 * sin (2 * G_PI * (3 + c) * t) + 30 * sin (2 * G_PI * 0.1 * t * (c + 1))
                                  + g_rand_double_range (rand, -40, 40));
          }
      g_assert_true (icto_edf_writer_write_record (w, (const float * const *) data, &error));
    }
  g_assert_true (icto_edf_writer_close (w, &error));
  for (int c = 0; c < N_CH; c++)
    g_free (data[c]);
  g_rand_free (rand);
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

/* Seizure probability of the window starting at @start_s over channels
 * [first, first + n), computed here from the library pieces. */
static float
direct_prob (int    start_s,
             int    first,
             int    n,
             float *agreement,
             float *contribution)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(IctoRecording) rec = icto_recording_open (edf_path, &error);
  g_autoptr(IctoModel) model = icto_model_load (model_path, NULL, NULL, &error);
  g_autoptr(IctoModelState) st = NULL;
  g_autoptr(IctoModelOutput) out = NULL;
  int T = 25, L = 2560;
  gsize n_in = 125 * FS;
  g_autofree float *raw = g_new (float, n_in);
  g_autofree float *res = g_new (float, (gsize) T * L);
  g_autofree float *x = g_new (float, (gsize) T * n * L);

  g_assert_no_error (error);
  st = icto_model_state_new (model, 1);
  for (int c = 0; c < n; c++)
    {
      g_assert_true (icto_recording_read_samples (rec, first + c, (gint64) start_s * FS, n_in, raw, &error));
      icto_resample_linear (raw, n_in, res, (gsize) T * L);
      for (int t = 0; t < T; t++)
        memcpy (x + ((gsize) t * n + c) * L, res + (gsize) t * L, sizeof (float) * L);
    }
  out = icto_model_forward (st, x, T, n, L, 0, &error);
  g_assert_no_error (error);
  g_assert_nonnull (out->agreement);
  for (int c = 0; c < n; c++)
    agreement[c] = out->agreement[(gsize) (T - 2) * n + c];
  g_assert_nonnull (out->contribution);
  for (int c = 0; c < n; c++)
    contribution[c] = out->contribution[c];
  return out->class_probs[1];
}

static void
test_infer_tsv (void)
{
  g_autofree char *out = g_build_filename (icto_test_tmpdir (), "results.tsv", NULL);
  g_autofree char *err = NULL;
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  const char *args[] = { "infer", edf_path, "--model", model_path, "--out", out, NULL };
  guint n_rows = 0;

  g_assert_cmpint (run_cli (args, &err), ==, 0);
  g_assert_true (g_file_get_contents (out, &contents, NULL, NULL));
  lines = g_strsplit (contents, "\n", -1);
  g_assert_cmpstr (lines[0], ==, "start_s\tend_s\tseizure_prob\tagreement.A1\tagreement.A2\tagreement.A3"
                                 "\tagreement.A4\tagreement.A5\tagreement.A6\tagreement.A7\tagreement.A8"
                                 "\tagreement.A9\tagreement.A10\tcontribution.A1\tcontribution.A2"
                                 "\tcontribution.A3\tcontribution.A4\tcontribution.A5\tcontribution.A6"
                                 "\tcontribution.A7\tcontribution.A8\tcontribution.A9\tcontribution.A10");
  for (int i = 1; lines[i] && lines[i][0]; i++)
    {
      g_auto(GStrv) f = g_strsplit (lines[i], "\t", -1);
      double p;

      g_assert_cmpuint (g_strv_length (f), ==, 3 + 2 * N_CH);
      g_assert_cmpfloat (g_ascii_strtod (f[0], NULL), ==, 5.0 * (i - 1));
      g_assert_cmpfloat (g_ascii_strtod (f[1], NULL), ==, 5.0 * (i - 1) + 125);
      p = g_ascii_strtod (f[2], NULL);
      g_assert_cmpfloat (p, >=, 0);
      g_assert_cmpfloat (p, <=, 1);
      for (int c = 0; c < N_CH; c++)
        {
          double a = g_ascii_strtod (f[3 + c], NULL);
          g_assert_true (isfinite (a));
          g_assert_cmpfloat (fabs (a), <=, 1.0);
          g_assert_true (isfinite (g_ascii_strtod (f[3 + N_CH + c], NULL)));
        }
      n_rows++;
    }
  /* 140 s: windows at 0, 5, 10, 15 */
  g_assert_cmpuint (n_rows, ==, 4);
}

/* The model has 8 channel rows: 10 channels run as two groups of 5; each
 * group's probability equals a direct run of the library on those channels,
 * and the row reports the larger one.  The last window reuses cached
 * encodings, so this also checks the cache. */
static void
test_infer_groups_match_library (void)
{
  g_autofree char *out = g_build_filename (icto_test_tmpdir (), "groups.json", NULL);
  g_autofree char *err = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  const char *args[] = { "infer", edf_path, "--model", model_path, "--out", out, "--threads", "2", NULL };
  JsonObject *root;
  JsonArray *windows;

  g_assert_cmpint (run_cli (args, &err), ==, 0);
  g_assert_true (json_parser_load_from_file (parser, out, &error));
  root = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (root, "channels")), ==, N_CH);
  windows = json_object_get_array_member (root, "windows");
  g_assert_cmpuint (json_array_get_length (windows), ==, 4);
  for (guint w = 0; w < 4; w += 3)
    {
      JsonObject *o = json_array_get_object_element (windows, w);
      JsonArray *agr = json_object_get_array_member (o, "agreement");
      JsonArray *con = json_object_get_array_member (o, "contribution");
      double got = json_object_get_double_member (o, "seizure_prob");
      float a[N_CH], k[N_CH];
      double p0 = direct_prob (5 * w, 0, 5, a, k);
      double p1 = direct_prob (5 * w, 5, 5, a + 5, k + 5);
      double s0 = 0, s1 = 0;

      g_test_message ("window %u: groups %.6f %.6f, reported %.6f", w, p0, p1, got);
      g_assert_cmpfloat_with_epsilon (got, MAX (p0, p1), 1e-5);
      g_assert_cmpuint (json_array_get_length (agr), ==, N_CH);
      for (int c = 0; c < N_CH; c++)
        g_assert_cmpfloat_with_epsilon (json_array_get_double_element (agr, c), a[c], 1e-5);
      /* contributions per channel, each group's summing to its logit difference */
      g_assert_cmpuint (json_array_get_length (con), ==, N_CH);
      for (int c = 0; c < N_CH; c++)
        {
          g_assert_cmpfloat_with_epsilon (json_array_get_double_element (con, c), k[c], 1e-5);
          if (c < 5)
            s0 += json_array_get_double_element (con, c);
          else
            s1 += json_array_get_double_element (con, c);
        }
      g_assert_cmpfloat_with_epsilon (s0, log (p0 / (1 - p0)), 1e-4);
      g_assert_cmpfloat_with_epsilon (s1, log (p1 / (1 - p1)), 1e-4);
    }
}

static void
test_infer_channels_and_short (void)
{
  g_autofree char *out = g_build_filename (icto_test_tmpdir (), "short.tsv", NULL);
  g_autofree char *err = NULL;
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  const char *args[] = { "infer", edf_path, "--model", model_path, "--channels", "A3,A1",
                         "--start", "10", "--duration", "60", "--out", out, NULL };
  const char *bad[] = { "infer", edf_path, "--model", model_path, "--channels", "X9", "--out", out, NULL };
  const char *tiny[] = { "infer", edf_path, "--model", model_path, "--duration", "3", "--out", out, NULL };

  g_assert_cmpint (run_cli (args, &err), ==, 0);
  g_assert_true (g_file_get_contents (out, &contents, NULL, NULL));
  lines = g_strsplit (contents, "\n", -1);
  g_assert_cmpstr (lines[0], ==, "start_s\tend_s\tseizure_prob\tagreement.A3\tagreement.A1"
                                 "\tcontribution.A3\tcontribution.A1");
  /* shorter than a window: one window of 12 segments */
  g_assert_true (g_str_has_prefix (lines[1], "10.000\t70.000\t"));
  g_assert_cmpstr (lines[2], ==, "");
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_cli (bad, &err), ==, 1);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_cli (tiny, &err), ==, 1);
  g_assert_nonnull (strstr (err, "5"));
}

static void
test_infer_interrupt (void)
{
  g_autofree char *out = g_build_filename (icto_test_tmpdir (), "long.tsv", NULL);
  const char *argv[] = { g_getenv ("ICTO_CLI"), "infer", long_edf_path, "--model", model_path, "--out", out, NULL };
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  GPid pid;
  int status, rows = 0;

  g_assert_true (g_spawn_async (NULL, (char **) argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDERR_TO_DEV_NULL,
                                NULL, NULL, &pid, &error));
  /* wait for the first finished window */
  for (int i = 0; i < 6000; i++)
    {
      g_clear_pointer (&contents, g_free);
      if (g_file_get_contents (out, &contents, NULL, NULL) && strchr (contents, '\n') != NULL &&
          strchr (strchr (contents, '\n') + 1, '\n') != NULL)
        break;
      g_usleep (10000);
    }
  kill (pid, SIGINT);
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  g_spawn_close_pid (pid);
  g_assert_true (WIFEXITED (status));
  g_assert_cmpint (WEXITSTATUS (status), ==, 130);
  g_clear_pointer (&contents, g_free);
  g_assert_true (g_file_get_contents (out, &contents, NULL, NULL));
  g_assert_true (g_str_has_suffix (contents, "\n"));
  lines = g_strsplit (contents, "\n", -1);
  for (int i = 1; lines[i] && lines[i][0]; i++, rows++)
    {
      g_auto(GStrv) f = g_strsplit (lines[i], "\t", -1);
      g_assert_cmpuint (g_strv_length (f), ==, 3 + 2 * N_CH);
    }
  g_assert_cmpint (rows, >=, 1);
  g_assert_cmpint (rows, <, 96);
}

int
main (int    argc,
      char **argv)
{
  int ret;

  g_test_init (&argc, &argv, NULL);
  model_path = make_model ();
  edf_path = make_edf ("rec.edf", 140);
  long_edf_path = make_edf ("long.edf", 600);
  g_test_add_func ("/cli/infer/tsv", test_infer_tsv);
  g_test_add_func ("/cli/infer/groups-match-library", test_infer_groups_match_library);
  g_test_add_func ("/cli/infer/channels-and-short", test_infer_channels_and_short);
  g_test_add_func ("/cli/infer/interrupt", test_infer_interrupt);
  ret = g_test_run ();
  g_free (model_path);
  g_free (edf_path);
  g_free (long_edf_path);
  return ret;
}
