/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "icto-test"

#include "config.h"

#include <math.h>
#include <string.h>

#include "core/icto-prediction.h"
#include "model/icto-model-state.h"
#include "signal/icto-edf-writer.h"
#include "signal/icto-recording.h"
#include "signal/icto-resample.h"
#include "icto-test-util.h"

/*
 * Retrieval mode of the predicted continuation (core/icto-prediction.h):
 * the retrieved segment has the largest cosine over every candidate of the
 * hour before S (brute force with icto_model_encode), its samples are the
 * recording's resampled to 512 Hz, cancellation gives G_IO_ERROR_CANCELLED.
 */

#define N_CH 2

static char *model_path;

/* Channel LA1 at 512 Hz, LA2 at 1024 Hz (resampled by 2 for the model). */
static char *
make_edf (const char *name,
          int         seconds)
{
  char *path = g_build_filename (icto_test_tmpdir (), name, NULL);
  IctoEdfWriterSignal sigs[N_CH];
  IctoEdfWriterOptions opts = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (11);
  IctoEdfWriter *w;
  float *data[N_CH];
  const int rate[N_CH] = { 512, 1024 };

  sigs[0] = (IctoEdfWriterSignal) { "LA1", "Depth electrode", "uV", NULL, -1000, 1000, rate[0] };
  sigs[1] = (IctoEdfWriterSignal) { "LA2", "Depth electrode", "uV", NULL, -1000, 1000, rate[1] };
  for (int c = 0; c < N_CH; c++)
    data[c] = g_new (float, rate[c]);
  opts.record_duration = ICTO_TICKS_PER_SECOND;
  w = icto_edf_writer_new (path, &opts, sigs, N_CH, &error);
  g_assert_no_error (error);
  for (int r = 0; r < seconds; r++)
    {
      /* the rhythm changes every 20 s so the candidates differ */
      for (int c = 0; c < N_CH; c++)
        for (int i = 0; i < rate[c]; i++)
          {
            double t = r + (double) i / rate[c];
            double f = 3 + ((r / 20) % 4) * 2.5 + c;

            data[c][i] = (float) (60 * sin (2 * G_PI * f * t) + 20 * sin (2 * G_PI * 13 * t)
                                  + g_rand_double_range (rand, -15, 15));
          }
      g_assert_true (icto_edf_writer_write_record (w, (const float * const *) data, &error));
    }
  g_assert_true (icto_edf_writer_close (w, &error));
  for (int c = 0; c < N_CH; c++)
    g_free (data[c]);
  return path;
}

/* Segment [start_s, start_s + 5) of @sig resampled to 512 Hz, independently
 * of the code under test. */
static void
read_segment (IctoRecording *rec,
              guint          sig,
              double         start_s,
              float         *out)
{
  double fs = icto_recording_get_signal (rec, sig)->sample_rate;
  gsize n_in = (gsize) (5 * fs);
  g_autofree float *raw = g_new (float, n_in);
  g_autoptr(GError) error = NULL;

  g_assert_true (icto_recording_read_samples (rec, sig, (gint64) llround (start_s * fs), n_in, raw, &error));
  g_assert_no_error (error);
  icto_resample_linear (raw, n_in, out, 2560);
}

static double
cosine (const float *a,
        const float *b,
        int          D)
{
  double dot = 0, na = 0, nb = 0;

  for (int d = 0; d < D; d++)
    {
      dot += (double) a[d] * b[d];
      na += (double) a[d] * a[d];
      nb += (double) b[d] * b[d];
    }
  return dot / sqrt (na * nb);
}

/* Checks @cont's retrieval by brute force over segments [k_first, k_end). */
static void
check_retrieval (IctoRecording    *rec,
                 IctoModel        *model,
                 IctoContinuation *cont,
                 const guint      *sigs,
                 int               k_first,
                 int               k_end)
{
  int D = icto_model_get_config (model)->n_embd;
  g_autoptr(IctoModelState) st = icto_model_state_new (model, 1);
  g_autoptr(GError) error = NULL;

  g_assert_cmpuint (cont->embedding_dim, ==, (guint) D);
  g_assert_nonnull (cont->embedding);
  g_assert_nonnull (cont->source_s);
  g_assert_nonnull (cont->source_cosine);
  g_assert_nonnull (cont->source_samples);
  for (guint c = 0; c < cont->n_channels; c++)
    {
      int n = k_end - k_first;
      g_autofree float *segs = g_new (float, (gsize) n * 2560);
      g_autofree float *enc = g_new (float, (gsize) n * D);
      const float *pred = cont->embedding + (gsize) c * D;
      double best = -INFINITY;
      int hit;
      g_autofree float *expect = g_new (float, 2560);

      for (int k = k_first; k < k_end; k++)
        read_segment (rec, sigs[c], k * 5.0, segs + (gsize) (k - k_first) * 2560);
      g_assert_true (icto_model_encode (st, segs, (gsize) n, enc, &error));
      g_assert_no_error (error);

      /* (a) the returned cosine is the maximum over every candidate, and is
       * the cosine of the returned segment */
      g_assert_true (isfinite (cont->source_s[c]));
      hit = (int) llround (cont->source_s[c] / 5.0);
      g_assert_cmpfloat (cont->source_s[c], ==, hit * 5.0);
      g_assert_cmpint (hit, >=, k_first);
      g_assert_cmpint (hit, <, k_end);
      for (int k = k_first; k < k_end; k++)
        best = MAX (best, cosine (pred, enc + (gsize) (k - k_first) * D, D));
      g_assert_cmpfloat_with_epsilon (cont->source_cosine[c], best, 1e-6);
      g_assert_cmpfloat_with_epsilon (cosine (pred, enc + (gsize) (hit - k_first) * D, D), best, 1e-6);

      /* (b) the retrieved samples are the recording's at the returned start */
      read_segment (rec, sigs[c], cont->source_s[c], expect);
      g_assert_cmpmem (cont->source_samples + (gsize) c * 2560, sizeof (float) * 2560, expect, sizeof (float) * 2560);
      g_assert_cmpfloat (cont->source_s[c], <=, cont->start_s - 5);
      g_assert_cmpfloat (cont->source_s[c], >=, cont->start_s - 3600);
    }
}

static void
test_retrieval_best (void)
{
  g_autofree char *edf = make_edf ("short.edf", 130);
  g_autoptr(GError) error = NULL;
  g_autoptr(IctoRecording) rec = icto_recording_open (edf, &error);
  g_autoptr(IctoModel) model = icto_model_load (model_path, NULL, NULL, &error);
  g_autoptr(IctoContinuation) cont = NULL;
  g_autoptr(IctoContinuation) plain = NULL;
  const guint sigs[N_CH] = { 0, 1 };

  g_assert_no_error (error);
  cont = icto_prediction_compute_full (rec, model, sigs, N_CH, 102, ICTO_PREDICTION_RETRIEVE, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat (cont->start_s, ==, 100);
  check_retrieval (rec, model, cont, sigs, 0, 20);

  /* the decoded part is the same as without retrieval */
  plain = icto_prediction_compute (rec, model, sigs, N_CH, 102, NULL, &error);
  g_assert_no_error (error);
  g_assert_null (plain->source_s);
  g_assert_null (plain->embedding);
  g_assert_cmpmem (plain->samples, sizeof (float) * N_CH * 2560, cont->samples, sizeof (float) * N_CH * 2560);
}

/* Past the first hour: only the hour before S is searched. */
static void
test_retrieval_hour (void)
{
  g_autofree char *edf = make_edf ("long.edf", 3700);
  g_autoptr(GError) error = NULL;
  g_autoptr(IctoRecording) rec = icto_recording_open (edf, &error);
  g_autoptr(IctoModel) model = icto_model_load (model_path, NULL, NULL, &error);
  g_autoptr(IctoContinuation) cont = NULL;
  const guint sig = 1;

  g_assert_no_error (error);
  cont = icto_prediction_compute_full (rec, model, &sig, 1, 3660, ICTO_PREDICTION_RETRIEVE, NULL, &error);
  g_assert_no_error (error);
  check_retrieval (rec, model, cont, &sig, 12, 732);
}

static void
ready_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

/* (c) cancellation: before the call and while it runs (async). */
static void
test_retrieval_cancel (void)
{
  g_autofree char *edf = make_edf ("cancel.edf", 130);
  g_autoptr(GError) error = NULL;
  g_autoptr(IctoRecording) rec = icto_recording_open (edf, &error);
  g_autoptr(IctoModel) model = icto_model_load (model_path, NULL, NULL, &error);
  g_autoptr(GCancellable) c1 = g_cancellable_new ();
  g_autoptr(GCancellable) c2 = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(IctoContinuation) cont = NULL;
  g_autoptr(IctoContinuation) cont2 = NULL;

  g_assert_no_error (error);
  g_cancellable_cancel (c1);
  cont = icto_prediction_compute_full (rec, model, NULL, 0, 102, ICTO_PREDICTION_RETRIEVE, c1, &error);
  g_assert_null (cont);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);

  icto_prediction_compute_full_async (rec, model, NULL, 0, 102, ICTO_PREDICTION_RETRIEVE, c2, ready_cb, &result);
  g_cancellable_cancel (c2);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  cont2 = icto_prediction_compute_full_finish (result, &error);
  g_assert_null (cont2);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

int
main (int    argc,
      char **argv)
{
  int ret;

  g_test_init (&argc, &argv, NULL);
  model_path = icto_test_source_path ("models/ictoscope-demo.safetensors");
  g_test_add_func ("/core/prediction/retrieval/best", test_retrieval_best);
  g_test_add_func ("/core/prediction/retrieval/hour", test_retrieval_hour);
  g_test_add_func ("/core/prediction/retrieval/cancel", test_retrieval_cancel);
  ret = g_test_run ();
  g_free (model_path);
  return ret;
}
