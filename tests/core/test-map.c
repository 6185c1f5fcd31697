/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "icto-test"

#include "config.h"

#include <math.h>
#include <string.h>

#include "core/icto-core-error.h"
#include "core/icto-inference.h"
#include "core/icto-map-painter.h"
#include "core/icto-map.h"
#include "core/icto-page-painter.h"
#include "model/icto-model-state.h"
#include "model/icto-safetensors.h"
#include "signal/icto-edf-writer.h"
#include "signal/icto-filter.h"
#include "store/icto-store.h"
#include "icto-test-util.h"

/* ------------------------------------------------------------ test vectors */

static float *
read_tensor (IctoSafetensors *st, const char *name, gsize *n)
{
  const IctoTensorInfo *t = icto_safetensors_lookup (st, name);
  float *x;

  g_assert_nonnull (t);
  x = g_new (float, t->n_elements);
  g_assert_true (icto_tensor_to_f32 (t, x, NULL));
  if (n)
    *n = t->n_elements;
  return x;
}

static void
check_rows (const float *m, int C, double tol)
{
  for (int i = 0; i < C; i++)
    {
      double s = 0;
      for (int j = 0; j < C; j++)
        {
          g_assert_cmpfloat (m[(gsize) i * C + j], >=, -1e-7);
          s += m[(gsize) i * C + j];
        }
      g_assert_cmpfloat_with_epsilon (s, 1.0, tol);
    }
}

static void
test_attention_vectors (gconstpointer data)
{
  const char *dir = data;
  g_autofree char *rel_w = g_strdup_printf ("testdata/mvpformer/%s/weights.safetensors", dir);
  g_autofree char *rel_h = g_strdup_printf ("testdata/mvpformer/%s/head_cls.safetensors", dir);
  g_autofree char *rel_i = g_strdup_printf ("testdata/mvpformer/%s/input.safetensors", dir);
  g_autofree char *rel_e = g_strdup_printf ("testdata/mvpformer/%s/expected.safetensors", dir);
  g_autofree char *w = icto_test_shared_path (rel_w);
  g_autofree char *h = NULL, *in = NULL, *ex = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(IctoModel) model = NULL;
  g_autoptr(IctoModelState) st = NULL;
  g_autoptr(IctoSafetensors) input = NULL;
  g_autoptr(IctoSafetensors) expected = NULL;
  g_autoptr(IctoModelOutput) out = NULL;
  g_autofree float *x = NULL;
  g_autofree float *exp_probs = NULL;
  g_autofree float *last = NULL;
  g_autofree float *mean = NULL;
  g_autofree float *rollout = NULL;
  g_autofree float *received = NULL;
  const IctoTensorInfo *sig;
  int T, C, L, N, H;
  double max_engine = 0, max_expected = 0, rsum = 0;

  if (w == NULL)
    return;
  h = icto_test_shared_path (rel_h);
  in = icto_test_shared_path (rel_i);
  ex = icto_test_shared_path (rel_e);
  model = icto_model_load (w, h, NULL, &error);
  g_assert_no_error (error);
  input = icto_safetensors_open (in, &error);
  g_assert_no_error (error);
  expected = icto_safetensors_open (ex, &error);
  g_assert_no_error (error);
  sig = icto_safetensors_lookup (input, "signal");
  T = (int) sig->shape[0];
  C = (int) sig->shape[1];
  L = (int) sig->shape[2];
  x = read_tensor (input, "signal", NULL);
  st = icto_model_state_new (model, 2);
  out = icto_model_forward (st, x, T, C, L, ICTO_FORWARD_ATTN_PROBS_LAST, &error);
  g_assert_no_error (error);
  N = T * C;
  H = out->n_head;
  exp_probs = read_tensor (expected, "attn_probs_last", NULL);

  last = icto_map_attention_matrix (out->channel_attn, out->n_layer, C, out->n_layer - 1);
  g_assert_nonnull (last);
  for (int ci = 0; ci < C; ci++)
    for (int cj = 0; cj < C; cj++)
      {
        /* the last step's query of channel ci, summed over the key steps of
         * channel cj, averaged over heads */
        double ref_engine = 0, ref_expected = 0;
        for (int hh = 0; hh < H; hh++)
          for (int tp = 0; tp < T; tp++)
            {
              gsize idx = ((gsize) hh * N + (gsize) (T - 1) * C + ci) * N + (gsize) tp * C + cj;
              ref_engine += out->attn_probs_last[idx];
              ref_expected += exp_probs[idx];
            }
        ref_engine /= H;
        ref_expected /= H;
        max_engine = MAX (max_engine, fabs (last[ci * C + cj] - ref_engine));
        max_expected = MAX (max_expected, fabs (last[ci * C + cj] - ref_expected));
      }
  g_test_message ("%s: |map - engine attn_probs_last| %.3g, |map - expected| %.3g", dir, max_engine, max_expected);
  g_assert_cmpfloat (max_engine, <=, 1e-6);
  g_assert_cmpfloat (max_expected, <=, 1e-4);

  /* rows sum to 1: every layer, the mean, the rollout */
  for (int l = 0; l < out->n_layer; l++)
    {
      g_autofree float *m = icto_map_attention_matrix (out->channel_attn, out->n_layer, C, l);
      check_rows (m, C, 1e-5);
    }
  mean = icto_map_attention_matrix (out->channel_attn, out->n_layer, C, ICTO_MAP_LAYERS_MEAN);
  rollout = icto_map_attention_matrix (out->channel_attn, out->n_layer, C, ICTO_MAP_LAYERS_ROLLOUT);
  check_rows (mean, C, 1e-5);
  check_rows (rollout, C, 1e-5);
  g_assert_null (icto_map_attention_matrix (out->channel_attn, out->n_layer, C, out->n_layer));
  g_assert_null (icto_map_attention_matrix (out->channel_attn, out->n_layer, C, -3));
  /* received: the column means, summing to 1 */
  received = g_new (float, C);
  icto_map_attention_received (mean, C, received);
  for (int j = 0; j < C; j++)
    {
      double col = 0;
      for (int i = 0; i < C; i++)
        col += mean[i * C + j];
      g_assert_cmpfloat_with_epsilon (received[j], col / C, 1e-6);
      rsum += received[j];
    }
  g_assert_cmpfloat_with_epsilon (rsum, 1.0, 1e-5);
}

/* ------------------------------------------------------------ rollout */

static void
test_rollout (void)
{
  /* layer 0: both attend to channel 1; layer 1: both attend to channel 0 */
  const float attn[2 * 4] = { 0, 1, 0, 1,   1, 0, 1, 0 };
  /* Â0 = [[.5,.5],[0,1]], Â1 = [[1,0],[.5,.5]], R = Â1 Â0 = [[.5,.5],[.25,.75]] */
  const float expected[4] = { 0.5f, 0.5f, 0.25f, 0.75f };
  const float ident[2 * 4] = { 1, 0, 0, 1,   1, 0, 0, 1 };
  g_autofree float *r = icto_map_attention_matrix (attn, 2, 2, ICTO_MAP_LAYERS_ROLLOUT);
  g_autofree float *m = icto_map_attention_matrix (attn, 2, 2, ICTO_MAP_LAYERS_MEAN);
  g_autofree float *l1 = icto_map_attention_matrix (attn, 2, 2, 1);
  g_autofree float *id = icto_map_attention_matrix (ident, 2, 2, ICTO_MAP_LAYERS_ROLLOUT);

  for (int i = 0; i < 4; i++)
    {
      g_assert_cmpfloat_with_epsilon (r[i], expected[i], 1e-7);
      g_assert_cmpfloat_with_epsilon (m[i], 0.5, 1e-7);
      g_assert_cmpfloat (l1[i], ==, attn[4 + i]);
      g_assert_cmpfloat_with_epsilon (id[i], ident[i], 1e-7);
    }
}

/* ------------------------------------------------------------ SOZ agreement */

static void
test_soz (void)
{
  const float scores[] = { 5, 1, 3, NAN, 4 };
  const char *labels[] = { "A", "B", "C ", "D", "E" };
  const char *soz[] = { "A", " C", "X", "A", NULL };
  const char *none[] = { "Y", NULL };
  g_autoptr(IctoSozAgreement) a = icto_map_soz_agreement (scores, labels, 5, soz, 0);
  g_autoptr(IctoSozAgreement) k3 = icto_map_soz_agreement (scores, labels, 5, soz, 3);
  g_autoptr(IctoSozAgreement) empty = icto_map_soz_agreement (scores, labels, 5, none, 0);

  /* order A(5) E(4) C(3) B(1) D(NAN) */
  g_assert_cmpuint (a->n_soz, ==, 2);
  g_assert_cmpuint (a->k, ==, 2);
  g_assert_cmpuint (a->hits, ==, 1);
  g_assert_cmpfloat (a->precision, ==, 0.5);
  g_assert_cmpfloat (a->recall, ==, 0.5);
  g_assert_cmpstr (a->soz[0], ==, "A");
  g_assert_cmpstr (a->soz[1], ==, "C");
  g_assert_cmpuint (a->ranks[0], ==, 1);
  g_assert_cmpuint (a->ranks[1], ==, 3);
  g_assert_cmpfloat (a->mean_rank, ==, 2.0);
  g_assert_cmpstr (a->top[0], ==, "A");
  g_assert_cmpstr (a->top[1], ==, "E");
  g_assert_null (a->top[2]);
  g_assert_cmpstr (a->missing[0], ==, "X");
  g_assert_null (a->missing[1]);
  /* a zone of 3 catches both */
  g_assert_cmpuint (k3->hits, ==, 2);
  g_assert_cmpfloat_with_epsilon (k3->precision, 2.0 / 3.0, 1e-12);
  g_assert_cmpfloat (k3->recall, ==, 1.0);
  /* no SOZ contact among the channels */
  g_assert_cmpuint (empty->n_soz, ==, 0);
  g_assert_true (isnan (empty->precision));
  g_assert_true (isnan (empty->recall));
}

/* ------------------------------------------------------------ signal power */

static char *
write_sines (void)
{
  char *path = g_build_filename (icto_test_tmpdir (), "sines.edf", NULL);
  const IctoEdfWriterSignal sigs[] = {
    { "S100", NULL, "uV", NULL, -100, 100, 1000 },
    { "S10", NULL, "uV", NULL, -100, 100, 1000 },
    { "Slow", NULL, "uV", NULL, -100, 100, 256 },
    { "Ref", NULL, "uV", NULL, -100, 100, 1000 },
  };
  IctoEdfWriterOptions opts = { 0 };
  g_autoptr(GError) error = NULL;
  IctoEdfWriter *w;
  float a[1000], b[1000], c[256], d[1000];
  const float *data[4] = { a, b, c, d };

  opts.record_duration = ICTO_TICKS_PER_SECOND;
  w = icto_edf_writer_new (path, &opts, sigs, 4, &error);
  g_assert_no_error (error);
  for (int rec = 0; rec < 12; rec++)
    {
      for (int i = 0; i < 1000; i++)
        {
          double t = rec + i / 1000.0;
          a[i] = (float) (50 * sin (2 * G_PI * 100 * t));
          b[i] = (float) (50 * sin (2 * G_PI * 10 * t));
          d[i] = (float) (20 * sin (2 * G_PI * 7 * t) + 5 * sin (2 * G_PI * 120 * t));
        }
      for (int i = 0; i < 256; i++)
        c[i] = (float) (50 * sin (2 * G_PI * 10 * (rec + i / 256.0)));
      g_assert_true (icto_edf_writer_write_record (w, data, &error));
    }
  g_assert_true (icto_edf_writer_add_annotation (w, 2 * ICTO_TICKS_PER_SECOND, 3 * ICTO_TICKS_PER_SECOND,
                                                 "Seizure SOZ=S100,Ref", &error));
  g_assert_true (icto_edf_writer_add_annotation (w, 2 * ICTO_TICKS_PER_SECOND, -1, "EEC", &error));
  g_assert_true (icto_edf_writer_close (w, &error));
  g_assert_no_error (error);
  return path;
}

static void
test_signal_power (void)
{
  g_autofree char *path = write_sines ();
  g_autoptr(GError) error = NULL;
  g_autoptr(IctoRecording) rec = icto_recording_open (path, &error);
  const guint chans[] = { 0, 1, 2, 3 };
  float ll[4], hg[4];
  g_autoptr(IctoMapResult) r = NULL;
  float values[4];
  const IctoFilterSpec hg_spec = { 70, 150, 0, 4 };
  /* power of a sine through the zero-phase band-pass: A^2 / 2 |H(f)|^2 */
  const double p100 = 1250 * pow (icto_filter_response (&hg_spec, 1000, 100), 2);
  const double p120 = 12.5 * pow (icto_filter_response (&hg_spec, 1000, 120), 2);

  g_assert_no_error (error);
  g_assert_cmpfloat (p100, >, 900);
  /* [3 s, 8 s): inside, padding available */
  g_assert_true (icto_map_signal_power (rec, chans, 4, 3 * ICTO_TICKS_PER_SECOND, 8 * ICTO_TICKS_PER_SECOND,
                                        ll, hg, &error));
  g_assert_no_error (error);
  /* a sine A sin(2 pi f t) has line length 4 A f per second (sampled at 10
   * points per period, the peaks fall between samples: 4 A sin(72°) f) */
  g_assert_cmpfloat_with_epsilon (ll[0], 4 * 50 * 100 * sin (G_PI * 72 / 180), 0.01 * 4 * 50 * 100);
  g_assert_cmpfloat_with_epsilon (ll[1], 4 * 50 * 10, 0.02 * 4 * 50 * 10);
  g_assert_cmpfloat_with_epsilon (ll[2], 4 * 50 * 10, 0.02 * 4 * 50 * 10);
  /* high gamma: the 100 Hz sine passes (A^2 / 2), the 10 Hz one does not */
  g_assert_cmpfloat_with_epsilon (hg[0], p100, 0.03 * p100);
  g_assert_cmpfloat (hg[1], <, 1.0);
  g_assert_true (isnan (hg[2]));   /* 256 Hz: no 150 Hz band */
  /* the 120 Hz part of the mix (5^2 / 2 = 12.5) */
  g_assert_cmpfloat_with_epsilon (hg[3], p120, 0.05 * p120);

  /* at the very start and end (no padding on one side) it still works */
  g_assert_true (icto_map_signal_power (rec, chans, 1, 0, 5 * ICTO_TICKS_PER_SECOND, ll, hg, &error));
  g_assert_cmpfloat_with_epsilon (hg[0], p100, 0.05 * p100);
  g_assert_true (icto_map_signal_power (rec, chans, 1, 7 * ICTO_TICKS_PER_SECOND, 12 * ICTO_TICKS_PER_SECOND, ll, hg, &error));
  g_assert_no_error (error);
  g_assert_cmpfloat_with_epsilon (hg[0], p100, 0.05 * p100);

  /* errors */
  g_assert_false (icto_map_signal_power (rec, chans, 1, 5, 5, ll, hg, &error));
  g_assert_error (error, ICTO_CORE_ERROR, ICTO_CORE_ERROR_INVALID);
  g_clear_error (&error);
  {
    const guint bad[] = { 17 };
    g_assert_false (icto_map_signal_power (rec, bad, 1, 0, ICTO_TICKS_PER_SECOND, ll, hg, &error));
    g_assert_error (error, ICTO_CORE_ERROR, ICTO_CORE_ERROR_INVALID);
    g_clear_error (&error);
  }

  /* the map without a model: signal quantities of the 5 s before the time */
  r = icto_map_compute (rec, NULL, NULL, 0, 8 * ICTO_TICKS_PER_SECOND, 1, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (r->n_channels, ==, 4);
  g_assert_cmpfloat (r->signal_start_s, ==, 3.0);
  g_assert_cmpfloat (r->signal_end_s, ==, 8.0);
  g_assert_null (r->channel_attn);
  g_assert_cmpint (r->n_layer, ==, 0);
  g_assert_false (icto_map_result_get_values (r, ICTO_MAP_ATTENTION_RECEIVED, ICTO_MAP_LAYERS_MEAN, -1, values));
  g_assert_true (isnan (values[0]));
  g_assert_true (icto_map_result_get_values (r, ICTO_MAP_LINE_LENGTH, 0, -1, values));
  g_assert_cmpfloat_with_epsilon (values[0], 4 * 50 * 100 * sin (G_PI * 72 / 180), 0.01 * 4 * 50 * 100);
  g_assert_true (icto_map_result_get_values (r, ICTO_MAP_HIGH_GAMMA, 0, -1, values));
  g_assert_cmpfloat_with_epsilon (values[0], p100, 0.03 * p100);

  /* the SOZ and onset from the annotations */
  {
    gint64 onset = 0;
    g_auto(GStrv) found = icto_map_find_soz (rec, &onset);
    g_assert_nonnull (found);
    g_assert_cmpuint (g_strv_length (found), ==, 2);
    g_assert_cmpstr (found[0], ==, "S100");
    g_assert_cmpstr (found[1], ==, "Ref");
    g_assert_cmpint (onset, ==, 2 * ICTO_TICKS_PER_SECOND);
  }
  /* SOZ agreement by high-gamma power: S100 and Ref have the most */
  {
    const char *soz[] = { "S100", "Ref", NULL };
    g_autofree float *scores = NULL;
    g_autoptr(IctoSozAgreement) a = icto_map_soz_agreement_for_seizure (rec, NULL, NULL, 0, 2 * ICTO_TICKS_PER_SECOND,
                                                                        soz, ICTO_MAP_HIGH_GAMMA, 1, &scores, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (a->n_soz, ==, 2);
    g_assert_cmpfloat (a->precision, ==, 1.0);
    g_assert_cmpfloat (a->recall, ==, 1.0);
    g_assert_cmpfloat_with_epsilon (scores[0], p100, 0.03 * p100);
    /* a model quantity without a model, an onset outside */
    g_assert_null (icto_map_soz_agreement_for_seizure (rec, NULL, NULL, 0, 0, soz, ICTO_MAP_CONTRIBUTION, 1,
                                                       NULL, NULL, &error));
    g_assert_error (error, ICTO_CORE_ERROR, ICTO_CORE_ERROR_INVALID);
    g_clear_error (&error);
    g_assert_null (icto_map_soz_agreement_for_seizure (rec, NULL, NULL, 0, 100 * ICTO_TICKS_PER_SECOND, soz,
                                                       ICTO_MAP_LINE_LENGTH, 1, NULL, NULL, &error));
    g_assert_error (error, ICTO_CORE_ERROR, ICTO_CORE_ERROR_INVALID);
  }
}

/* ------------------------------------------------------------ real data */

static void
compute_done_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  IctoMapResult **out = user_data;
  g_autoptr(GError) error = NULL;

  *out = icto_map_compute_finish (res, &error);
  g_assert_no_error (error);
}

static void
test_seeg_model (void)
{
  g_autofree char *path = icto_test_shared_path ("data/real/seeg_mne_sample/sample_seeg.edf");
  g_autofree char *model_path = icto_inference_default_model_path ();
  g_autoptr(GError) error = NULL;
  g_autoptr(IctoRecording) rec = NULL;
  g_autoptr(IctoLayout) layout = NULL;
  g_autoptr(IctoModel) model = NULL;
  g_autoptr(IctoMapResult) r = NULL;
  IctoMapResult *async = NULL;
  g_autofree guint *chans = NULL;
  g_autofree float *values = NULL;
  guint n = 0, C;
  double sum = 0;

  if (path == NULL)
    return;
  g_assert_nonnull (model_path);
  rec = icto_recording_open (path, &error);
  g_assert_no_error (error);
  layout = icto_map_layout_for_recording (rec, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (icto_layout_get_n_contacts (layout), ==, 88);
  {
    gint64 onset = 0;
    g_assert_null (icto_map_find_soz (rec, &onset));   /* no seizure marked */
  }
  chans = icto_map_layout_channels (layout, &n);
  g_assert_cmpuint (n, ==, 88);
  model = icto_model_load (model_path, NULL, NULL, &error);
  g_assert_no_error (error);

  r = icto_map_compute (rec, model, chans, n, 12 * ICTO_TICKS_PER_SECOND, 2, NULL, &error);
  g_assert_no_error (error);
  C = r->n_channels;
  g_assert_cmpuint (C, ==, 88);
  g_assert_cmpint (r->n_layer, ==, icto_model_get_config (model)->n_layer);
  g_assert_cmpint (r->n_segments, ==, 2);
  g_assert_cmpfloat (r->window_start_s, ==, 2.0);
  g_assert_cmpfloat (r->window_end_s, ==, 12.0);
  g_assert_cmpstr (r->labels[0], ==, icto_layout_get_contact (layout, 0)->label);
  for (int l = 0; l < r->n_layer; l++)
    check_rows (r->channel_attn + (gsize) l * C * C, (int) C, 1e-4);
  /* the contributions add up to the logit whose sigmoid is the probability */
  for (guint i = 0; i < C; i++)
    {
      g_assert_true (isfinite (r->contribution[i]));
      g_assert_true (isfinite (r->agreement[i]));
      g_assert_cmpfloat (r->line_length[i], >, 0);
      g_assert_cmpfloat (r->high_gamma[i], >=, 0);
      sum += r->contribution[i];
    }
  g_assert_cmpfloat_with_epsilon (1.0 / (1.0 + exp (-sum)), r->seizure_prob, 1e-4);
  values = g_new (float, C);
  g_assert_true (icto_map_result_get_values (r, ICTO_MAP_ATTENTION_FROM, ICTO_MAP_LAYERS_ROLLOUT, 5, values));
  sum = 0;
  for (guint i = 0; i < C; i++)
    sum += values[i];
  g_assert_cmpfloat_with_epsilon (sum, 1.0, 1e-4);
  g_assert_false (icto_map_result_get_values (r, ICTO_MAP_ATTENTION_FROM, 0, (int) C, values));

  /* the same off the main thread, bit for bit */
  icto_map_compute_async (rec, model, chans, n, 12 * ICTO_TICKS_PER_SECOND, 2, NULL, compute_done_cb, &async);
  while (async == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpmem (async->channel_attn, sizeof (float) * r->n_layer * C * C,
                   r->channel_attn, sizeof (float) * r->n_layer * C * C);
  g_assert_cmpmem (async->contribution, sizeof (float) * C, r->contribution, sizeof (float) * C);
  icto_map_result_free (async);

  /* a cancelled computation */
  {
    g_autoptr(GCancellable) c = g_cancellable_new ();
    g_cancellable_cancel (c);
    g_assert_null (icto_map_compute (rec, model, chans, n, 12 * ICTO_TICKS_PER_SECOND, 1, c, &error));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    g_clear_error (&error);
  }
  /* a bad channel */
  {
    const guint bad[] = { 1000 };
    g_assert_null (icto_map_compute (rec, model, bad, 1, 0, 1, NULL, &error));
    g_assert_error (error, ICTO_CORE_ERROR, ICTO_CORE_ERROR_INVALID);
  }
}

/* The pt01 seizure (3 s, SOZ known): too short for the model; the signal
 * quantities and the onset-zone agreement still work. */
static void
test_pt01_soz (void)
{
  g_autofree char *path = icto_test_shared_path ("data/real/ecog_pt01_seizure1/pt01_seizure1_ecog.edf");
  const char *soz[] = { "ATT1", "ATT2", "AD1", "AD2", "AD3", "AD4", "PD1", "PD2", "PD3", "PD4", NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(IctoRecording) rec = NULL;
  g_autoptr(IctoLayout) layout = NULL;
  g_autofree guint *chans = NULL;
  guint n = 0;

  if (path == NULL)
    return;
  rec = icto_recording_open (path, &error);
  g_assert_no_error (error);
  layout = icto_map_layout_for_recording (rec, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (icto_layout_get_n_contacts (layout), ==, 84);
  /* the SOZ from channels.tsv, the onset from the annotation */
  {
    gint64 onset = 0;
    g_auto(GStrv) found = icto_map_find_soz (rec, &onset);
    g_assert_nonnull (found);
    g_assert_cmpuint (g_strv_length (found), ==, 10);
    for (guint i = 0; soz[i] != NULL; i++)
      g_assert_true (g_strv_contains ((const char *const *) found, soz[i]));
    g_assert_cmpint (onset, ==, ICTO_TICKS_PER_SECOND);
  }
  chans = icto_map_layout_channels (layout, &n);
  for (guint q = 0; q < 2; q++)
    {
      IctoMapQuantity quantity = q == 0 ? ICTO_MAP_LINE_LENGTH : ICTO_MAP_HIGH_GAMMA;
      g_autofree float *scores = NULL;
      g_autoptr(IctoSozAgreement) a =
        icto_map_soz_agreement_for_seizure (rec, NULL, chans, n, ICTO_TICKS_PER_SECOND, soz, quantity, 1,
                                            &scores, NULL, &error);
      GString *s = g_string_new (NULL);

      g_assert_no_error (error);
      g_assert_cmpuint (a->n_soz, ==, 10);
      g_assert_null (a->missing[0]);
      g_assert_cmpuint (a->k, ==, 10);
      g_assert_cmpfloat (a->precision, ==, (double) a->hits / 10);
      for (guint i = 0; i < 10; i++)
        {
          g_assert_cmpuint (a->ranks[i], >=, 1);
          g_assert_cmpuint (a->ranks[i], <=, n);
          for (guint j = 0; j < i; j++)
            g_assert_cmpuint (a->ranks[i], !=, a->ranks[j]);
          g_string_append_printf (s, " %s:%u", a->soz[i], a->ranks[i]);
        }
      for (guint i = 0; i < n; i++)
        g_assert_true (isfinite (scores[i]));
      g_test_message ("pt01 %s: precision %.2f, mean rank %.1f, ranks%s",
                      icto_map_quantity_to_string (quantity), a->precision, a->mean_rank, s->str);
      g_string_free (s, TRUE);
    }
  /* no model window in 3 s: the map has signal quantities only */
  {
    g_autofree char *model_path = icto_inference_default_model_path ();
    g_autoptr(IctoModel) model = icto_model_load (model_path, NULL, NULL, &error);
    g_autoptr(IctoMapResult) r = NULL;
    g_assert_no_error (error);
    r = icto_map_compute (rec, model, chans, n, 2 * ICTO_TICKS_PER_SECOND, 1, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpint (r->n_layer, ==, 0);
    g_assert_null (r->contribution);
    g_assert_cmpfloat (r->signal_start_s, ==, 0.0);
    g_assert_cmpfloat (r->signal_end_s, ==, 3.0);   /* as much as there is: [0, 3 s) */
  }
}


/* ------------------------------------------------------------ painter */

static void
test_colormaps (void)
{
  double rgb[3], prev = -1;

  /* viridis: dark purple to yellow, luminance rising */
  icto_colormap_lookup (ICTO_COLORMAP_VIRIDIS, 0, rgb);
  g_assert_cmpfloat_with_epsilon (rgb[0], 0x44 / 255.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (rgb[2], 0x54 / 255.0, 1e-9);
  icto_colormap_lookup (ICTO_COLORMAP_VIRIDIS, 1, rgb);
  g_assert_cmpfloat_with_epsilon (rgb[0], 0xFD / 255.0, 1e-9);
  for (int m = ICTO_COLORMAP_VIRIDIS; m <= ICTO_COLORMAP_CIVIDIS; m++)
    {
      prev = -1;
      for (int i = 0; i <= 100; i++)
        {
          double y;
          icto_colormap_lookup (m, i / 100.0, rgb);
          y = 0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2];
          g_assert_cmpfloat (y, >, prev);
          prev = y;
        }
    }
  /* diverging: blue below, white in the middle, red above */
  icto_colormap_lookup (ICTO_COLORMAP_DIVERGING, 0.5, rgb);
  g_assert_cmpfloat (rgb[0], >, 0.95);
  g_assert_cmpfloat (rgb[2], >, 0.95);
  icto_colormap_lookup (ICTO_COLORMAP_DIVERGING, 0.0, rgb);
  g_assert_cmpfloat (rgb[2], >, rgb[0]);
  icto_colormap_lookup (ICTO_COLORMAP_DIVERGING, 1.0, rgb);
  g_assert_cmpfloat (rgb[0], >, rgb[2]);
  icto_colormap_lookup (ICTO_COLORMAP_VIRIDIS, NAN, rgb);
  g_assert_cmpfloat (rgb[0], ==, rgb[1]);
  {
    IctoColormap m;
    g_assert_true (icto_colormap_from_string ("cividis", &m));
    g_assert_cmpint (m, ==, ICTO_COLORMAP_CIVIDIS);
    g_assert_false (icto_colormap_from_string ("jet", &m));
  }
}

static void
test_painter (void)
{
  g_autofree char *path = icto_test_shared_path ("data/real/seeg_mne_sample/sample_seeg.edf");
  g_autoptr(GError) error = NULL;
  g_autoptr(IctoRecording) rec = NULL;
  g_autoptr(IctoLayout) layout = NULL;
  g_autofree float *values = NULL;
  g_autofree gboolean *bad = NULL;
  IctoMapPaint p;
  cairo_surface_t *surface;
  cairo_t *cr;
  guint n_sig;
  const char *soz[] = { "L'2", NULL };
  const char *exts[] = { "png", "svg", "pdf" };
  double lo, hi;

  if (path == NULL)
    return;
  rec = icto_recording_open (path, &error);
  g_assert_no_error (error);
  layout = icto_map_layout_for_recording (rec, NULL, &error);
  n_sig = icto_recording_get_n_signals (rec);
  values = g_new (float, n_sig);
  bad = g_new0 (gboolean, n_sig);
  for (guint i = 0; i < n_sig; i++)
    values[i] = (float) i;
  bad[icto_layout_get_contact (layout, 3)->channel] = TRUE;
  icto_map_paint_init (&p, layout);
  p.values = values;
  p.n_values = n_sig;
  p.bad = bad;
  p.soz = soz;
  p.title = "test";
  p.unit = "µV";
  p.selected = 0;
  icto_map_painter_get_range (&p, &lo, &hi);
  g_assert_cmpfloat (hi, >, lo);

  /* the real layout draws (two views) and hit testing finds each contact's centre
   * (or a contact at the same place: projections of shafts may overlap) */
  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 900, 500);
  cr = cairo_create (surface);
  icto_map_painter_draw (cr, &p, 900, 500);
  cairo_destroy (cr);
  cairo_surface_destroy (surface);
  for (guint i = 0; i < icto_layout_get_n_contacts (layout); i++)
    for (guint v = 0; v < 2; v++)
      {
        double x, y, r;
        int hit;
        g_assert_true (icto_map_painter_contact_position (&p, 900, 500, i, v, &x, &y, &r));
        g_assert_cmpfloat (x, >=, v * 450.0);
        g_assert_cmpfloat (x, <=, (v + 1) * 450.0);
        hit = icto_map_painter_contact_at (&p, 900, 500, x, y);
        g_assert_cmpint (hit, >=, 0);
        {
          double hx, hy;
          g_assert_true (icto_map_painter_contact_position (&p, 900, 500, (guint) hit, v, &hx, &hy, NULL));
          g_assert_cmpfloat (hypot (hx - x, hy - y), <, 1e-9 + 1e-6);
        }
      }
  g_assert_false (icto_map_painter_contact_position (&p, 900, 500, 0, 2, NULL, NULL, NULL));

  /* a schematic layout (no overlap): the centre of every disc has the
   * colour of its value */
  {
    g_autoptr(GPtrArray) l = g_ptr_array_new_with_free_func (g_free);
    g_autoptr(IctoLayout) synth = NULL;
    float v2[76];
    IctoMapPaint q;
    guchar *data;
    int stride;

    for (int i = 1; i <= 64; i++)
      g_ptr_array_add (l, g_strdup_printf ("G%d", i));
    for (int i = 1; i <= 12; i++)
      g_ptr_array_add (l, g_strdup_printf ("LA%d", i));
    synth = icto_layout_new_from_labels ((const char *const *) l->pdata, l->len, NULL, NULL,
                                         ICTO_LAYOUT_HINT_SEEG, NULL, 0);
    for (guint i = 0; i < 76; i++)
      v2[i] = (float) i - 30.0f;
    for (int m = ICTO_COLORMAP_VIRIDIS; m <= ICTO_COLORMAP_DIVERGING; m++)
      {
        icto_map_paint_init (&q, synth);
        q.values = v2;
        q.n_values = 76;
        q.colormap = m;
        icto_map_painter_get_range (&q, &lo, &hi);
        if (m == ICTO_COLORMAP_DIVERGING)
          {
            g_assert_cmpfloat (lo, ==, -45.0);
            g_assert_cmpfloat (hi, ==, 45.0);
          }
        else
          {
            g_assert_cmpfloat (lo, ==, -30.0);
            g_assert_cmpfloat (hi, ==, 45.0);
          }
        surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 700, 500);
        cr = cairo_create (surface);
        icto_map_painter_draw (cr, &q, 700, 500);
        cairo_destroy (cr);
        cairo_surface_flush (surface);
        data = cairo_image_surface_get_data (surface);
        stride = cairo_image_surface_get_stride (surface);
        for (guint i = 0; i < 76; i++)
          {
            double x, y, rgb[3];
            guint32 px;
            g_assert_true (icto_map_painter_contact_position (&q, 700, 500, i, 0, &x, &y, NULL));
            g_assert_cmpint (icto_map_painter_contact_at (&q, 700, 500, x + 0.5, y), ==, (int) i);
            icto_colormap_lookup (m, (v2[icto_layout_get_contact (synth, i)->channel] - lo) / (hi - lo), rgb);
            px = *(guint32 *) (data + (int) y * stride + 4 * (int) x);
            g_assert_cmpint (abs ((int) ((px >> 16) & 0xFF) - (int) lround (rgb[0] * 255)), <=, 2);
            g_assert_cmpint (abs ((int) ((px >> 8) & 0xFF) - (int) lround (rgb[1] * 255)), <=, 2);
            g_assert_cmpint (abs ((int) (px & 0xFF) - (int) lround (rgb[2] * 255)), <=, 2);
          }
        cairo_surface_destroy (surface);
      }
  }
  g_assert_cmpint (icto_map_painter_contact_at (&p, 900, 500, 1, 1), ==, -1);

  for (guint e = 0; e < G_N_ELEMENTS (exts); e++)
    {
      g_autofree char *name = g_strdup_printf ("map.%s", exts[e]);
      g_autofree char *out = g_build_filename (icto_test_tmpdir (), name, NULL);
      g_autofree char *contents = NULL;
      gsize len = 0;
      g_assert_true (icto_map_painter_export (&p, NULL, out, 800, 600, &error));
      g_assert_no_error (error);
      g_assert_true (g_file_get_contents (out, &contents, &len, NULL));
      g_assert_cmpuint (len, >, 1000);
      if (e == 0)
        g_assert_cmpmem (contents, 4, "\x89PNG", 4);
      else if (e == 1)
        g_assert_nonnull (strstr (contents, "<svg"));
      else
        g_assert_cmpmem (contents, 4, "%PDF", 4);
    }
  {
    g_autofree char *out = g_build_filename (icto_test_tmpdir (), "map.jpg", NULL);
    g_assert_false (icto_map_painter_export (&p, NULL, out, 800, 600, &error));
    g_assert_error (error, ICTO_CORE_ERROR, ICTO_CORE_ERROR_INVALID);
    g_clear_error (&error);
    g_assert_false (icto_map_painter_export (&p, NULL, "/nonexistent/dir/map.png", 800, 600, &error));
    g_assert_error (error, ICTO_CORE_ERROR, ICTO_CORE_ERROR_OUTPUT);
  }
  icto_page_painter_shutdown ();
}


/* A layout saved in the store comes back matched to the recording's channels,
 * for the recording and for the patient's other recordings. */
static void
test_layout_store (void)
{
  g_autofree char *path = icto_test_shared_path ("data/real/ecog_mne_sample/sample_ecog.edf");
  g_autofree char *other_path = icto_test_shared_path ("data/real/ecog_pt01_seizure1/pt01_seizure1_ecog.edf");
  g_autofree char *db = g_build_filename (icto_test_tmpdir (), "layouts.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(IctoRecording) rec = NULL;
  g_autoptr(IctoRecording) other = NULL;
  g_autoptr(IctoStore) store = NULL;
  g_autoptr(IctoLayout) layout = NULL;
  g_autoptr(IctoLayout) back = NULL;
  g_autoptr(IctoLayout) none = NULL;

  if (path == NULL || other_path == NULL)
    return;
  rec = icto_recording_open (path, &error);
  g_assert_no_error (error);
  other = icto_recording_open (other_path, &error);
  g_assert_no_error (error);
  store = icto_store_open (db, &error);
  g_assert_no_error (error);
  none = icto_map_layout_load (store, rec, NULL, &error);
  g_assert_null (none);
  g_assert_error (error, ICTO_STORE_ERROR, ICTO_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  layout = icto_map_layout_for_recording (rec, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (icto_map_layout_save (store, rec, "pat01", "Implantation", layout, &error));
  g_assert_no_error (error);
  back = icto_map_layout_load (store, rec, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (icto_layout_get_n_contacts (back), ==, icto_layout_get_n_contacts (layout));
  for (guint i = 0; i < icto_layout_get_n_contacts (layout); i++)
    {
      const IctoContact *a = icto_layout_get_contact (layout, i);
      const IctoContact *b = icto_layout_get_contact (back, i);
      g_assert_cmpstr (a->label, ==, b->label);
      g_assert_cmpint (a->channel, ==, b->channel);
      g_assert_cmpint (a->shape, ==, b->shape);
      g_assert_cmpfloat_with_epsilon (a->x[0], b->x[0], 1e-3);
      g_assert_cmpfloat_with_epsilon (a->y[0], b->y[0], 1e-3);
    }
  /* another recording of the same patient reuses it (matched to its own
   * channels: none of C1..C64 exist there) */
  {
    g_autoptr(IctoLayout) reused = icto_map_layout_load (store, other, "pat01", &error);
    guint n_unmatched = 0;
    g_autofree const char **unmatched = NULL;
    g_assert_no_error (error);
    unmatched = icto_layout_get_unmatched (reused, &n_unmatched);
    g_assert_cmpuint (n_unmatched, ==, 76);
  }
}

static void
test_quantity_names (void)
{
  for (guint q = 0; q < ICTO_MAP_N_QUANTITIES; q++)
    {
      IctoMapQuantity back;
      g_assert_true (icto_map_quantity_from_string (icto_map_quantity_to_string (q), &back));
      g_assert_cmpint (back, ==, q);
      g_assert_nonnull (icto_map_quantity_get_title (q));
    }
  {
    IctoMapQuantity back;
    g_assert_false (icto_map_quantity_from_string ("power", &back));
    g_assert_false (icto_map_quantity_from_string (NULL, &back));
  }
  g_assert_true (icto_map_quantity_is_signed (ICTO_MAP_CONTRIBUTION));
  g_assert_false (icto_map_quantity_is_signed (ICTO_MAP_LINE_LENGTH));
  g_assert_true (icto_map_quantity_needs_model (ICTO_MAP_AGREEMENT));
  g_assert_false (icto_map_quantity_needs_model (ICTO_MAP_HIGH_GAMMA));
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_data_func ("/core/map/attention-vectors/case-a", "case-a", test_attention_vectors);
  g_test_add_data_func ("/core/map/attention-vectors/case-b", "case-b", test_attention_vectors);
  g_test_add_func ("/core/map/rollout", test_rollout);
  g_test_add_func ("/core/map/soz", test_soz);
  g_test_add_func ("/core/map/signal-power", test_signal_power);
  g_test_add_func ("/core/map/seeg-model", test_seeg_model);
  g_test_add_func ("/core/map/pt01-soz", test_pt01_soz);
  g_test_add_func ("/core/map/quantity-names", test_quantity_names);
  g_test_add_func ("/core/map/colormaps", test_colormaps);
  g_test_add_func ("/core/map/painter", test_painter);
  g_test_add_func ("/core/map/layout-store", test_layout_store);
  return g_test_run ();
}
