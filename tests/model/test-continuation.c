/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "icto-test"

#include "config.h"

#include <math.h>
#include <string.h>

#include "model/icto-continuation.h"
#include "model/icto-model-private.h"
#include "model/icto-model-state.h"
#include "icto-test-util.h"

/*
 * Continuation decoding (model/icto-continuation.h): the least-squares
 * inverse of the wavelet transform, the minimum-norm inverse of the encoder's
 * projection, and the two together through the real encoder.
 */

static IctoModel *
load_bundled (void)
{
  g_autofree char *p = icto_test_source_path ("models/ictoscope-demo.safetensors");
  g_autoptr(GError) error = NULL;
  IctoModel *m = icto_model_load (p, NULL, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (m);
  return m;
}

static double
rel_err (const double *a,
         const double *b,
         int           n)
{
  double num = 0, den = 0;

  for (int i = 0; i < n; i++)
    {
      num += (a[i] - b[i]) * (a[i] - b[i]);
      den += b[i] * b[i];
    }
  return sqrt (num / den);
}

/* The encoder's own float DWT and ours in double agree. */
static void
test_forward_matches_encoder (void)
{
  const int L = 2560;
  int S = icto_model_dwt_size_for (L);
  g_autofree float *xf = g_new (float, L);
  g_autofree double *x = g_new (double, L);
  g_autofree double *f_enc = g_new (double, S);
  g_autofree double *f = g_new (double, S);
  g_autofree double *work = g_new (double, 3 * (L + 16));
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);

  g_assert_cmpint (S, ==, 2610);
  for (int i = 0; i < L; i++)
    x[i] = xf[i] = (float) g_rand_double_range (rand, -100, 100);
  _icto_dwt_features (xf, L, f_enc, work);
  icto_dwt_forward (x, L, f);
  g_assert_cmpfloat (rel_err (f, f_enc, S), <, 1e-12);
}

/* Any segment, of the model's length and of odd and tiny lengths: the
 * inverse gives it back to 1e-5 relative (in fact to ~1e-12). */
static void
test_idwt_reconstructs (void)
{
  const int lengths[] = { 2560, 2561, 1283, 777, 100, 15, 14, 7, 6, 1 };
  g_autoptr(GRand) rand = g_rand_new_with_seed (11);

  for (guint li = 0; li < G_N_ELEMENTS (lengths); li++)
    for (int trial = 0; trial < 3; trial++)
      {
        int L = lengths[li];
        int S = icto_model_dwt_size_for (L);
        g_autofree double *x = g_new (double, L);
        g_autofree double *f = g_new (double, S);
        g_autofree double *y = g_new (double, L);
        double err;

        for (int i = 0; i < L; i++)
          {
            /* white noise, a sine, a step: very different spectra */
            double t = (double) i / L;
            x[i] = trial == 0 ? g_rand_double_range (rand, -1, 1)
                 : trial == 1 ? 50 * sin (2 * G_PI * 7.3 * t) + 3
                 : (i < L / 3 ? -20.0 : 80.0);
          }
        icto_dwt_forward (x, L, f);
        icto_idwt_least_squares (f, L, y);
        err = rel_err (y, x, L);
        if (err >= 1e-5)
          g_test_message ("L = %d, trial %d: relative error %g", L, trial, err);
        g_assert_cmpfloat (err, <, 1e-5);
      }
}

/* A coefficient vector that is no DWT of anything: the result is the
 * least-squares one, i.e. Mᵀ (M x - f) = 0, checked through the residual
 * being orthogonal to the DWT of random probes. */
static void
test_idwt_least_squares_property (void)
{
  const int L = 2560;
  int S = icto_model_dwt_size_for (L);
  g_autofree double *f = g_new (double, S);
  g_autofree double *x = g_new (double, L);
  g_autofree double *res = g_new (double, S);
  g_autofree double *probe = g_new (double, L);
  g_autofree double *mp = g_new (double, S);
  g_autoptr(GRand) rand = g_rand_new_with_seed (13);
  double fnorm = 0, resnorm = 0;

  for (int i = 0; i < S; i++)
    f[i] = g_rand_double_range (rand, -1, 1);
  icto_idwt_least_squares (f, L, x);
  icto_dwt_forward (x, L, res);
  for (int i = 0; i < S; i++)
    {
      res[i] -= f[i];
      fnorm += f[i] * f[i];
      resnorm += res[i] * res[i];
    }
  /* 2610 coefficients from 2560 samples: a random vector is not reachable */
  g_assert_cmpfloat (resnorm, >, 1e-6 * fnorm);
  for (int trial = 0; trial < 5; trial++)
    {
      double d = 0, pn = 0;

      for (int i = 0; i < L; i++)
        probe[i] = g_rand_double_range (rand, -1, 1);
      icto_dwt_forward (probe, L, mp);
      for (int i = 0; i < S; i++)
        {
          d += mp[i] * res[i];
          pn += mp[i] * mp[i];
        }
      g_assert_cmpfloat (fabs (d), <, 1e-9 * sqrt (pn * resnorm) + 1e-12);
    }
}

/* P = W diag(w).  For f in P's row space (f = Pᵀ y) and e = P f, the
 * decoder's P⁺ e is f again. */
static void
test_projection_row_space (void)
{
  g_autoptr(IctoModel) model = load_bundled ();
  g_autoptr(IctoContinuationDecoder) dec = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (17);
  const IctoModelConfig *cfg = icto_model_get_config (model);
  int D = cfg->n_embd, S = cfg->dwt_size;
  g_autofree double *y = g_new (double, D);
  g_autofree double *f = g_new (double, S);
  g_autofree float *e = g_new (float, D);
  g_autofree double *back = g_new (double, S);

  dec = icto_continuation_decoder_new (model, &error);
  g_assert_no_error (error);
  for (int trial = 0; trial < 4; trial++)
    {
      double err;

      for (int d = 0; d < D; d++)
        y[d] = g_rand_double_range (rand, -1, 1);
      for (int i = 0; i < S; i++)
        {
          double s = 0;

          for (int d = 0; d < D; d++)
            s += (double) model->enc_proj[(gsize) d * S + i] * model->enc_ln[i] * y[d];
          f[i] = s;
        }
      for (int d = 0; d < D; d++)
        {
          double s = 0;

          for (int i = 0; i < S; i++)
            s += (double) model->enc_proj[(gsize) d * S + i] * model->enc_ln[i] * f[i];
          e[d] = (float) s;
        }
      icto_continuation_decoder_features (dec, e, back);
      err = rel_err (back, f, S);
      g_test_message ("row-space round trip: relative error %g", err);
      /* only the float rounding of e remains */
      g_assert_cmpfloat (err, <, 1e-5);
    }
}

/* End to end through the real float encoder: a segment whose wavelet
 * coefficients lie in P's row space is decoded back to its shape (unit
 * RMS; the encoder's normalisation removes the amplitude). */
static void
test_decode_through_encoder (void)
{
  g_autoptr(IctoModel) model = load_bundled ();
  g_autoptr(IctoModelState) st = icto_model_state_new (model, 1);
  g_autoptr(IctoContinuationDecoder) dec = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (19);
  const IctoModelConfig *cfg = icto_model_get_config (model);
  int D = cfg->n_embd, S = cfg->dwt_size, L = cfg->segment_len;
  g_autofree double *y = g_new (double, D);
  g_autofree double *f = g_new (double, S);
  g_autofree double *x = g_new (double, L);
  g_autofree float *xf = g_new (float, L);
  g_autofree float *e = g_new (float, D);
  g_autofree float *out = g_new (float, L);
  double ss = 0, num = 0, den = 0, rms;

  dec = icto_continuation_decoder_new (model, &error);
  g_assert_no_error (error);
  for (int d = 0; d < D; d++)
    y[d] = g_rand_double_range (rand, -1, 1);
  for (int i = 0; i < S; i++)
    {
      double s = 0;

      for (int d = 0; d < D; d++)
        s += (double) model->enc_proj[(gsize) d * S + i] * model->enc_ln[i] * y[d];
      f[i] = s;
    }
  /* the segment: the least-squares preimage, scaled to 150 µV RMS */
  icto_idwt_least_squares (f, L, x);
  for (int i = 0; i < L; i++)
    ss += x[i] * x[i];
  rms = sqrt (ss / L);
  for (int i = 0; i < L; i++)
    xf[i] = (float) (x[i] / rms * 150.0);

  g_assert_true (icto_model_encode (st, xf, 1, e, &error));
  g_assert_no_error (error);
  icto_continuation_decoder_decode (dec, e, out);

  ss = 0;
  for (int i = 0; i < L; i++)
    {
      double ref = xf[i] / 150.0;

      g_assert_true (isfinite (out[i]));
      ss += (double) out[i] * out[i];
      num += (out[i] - ref) * (out[i] - ref);
      den += ref * ref;
    }
  g_assert_cmpfloat (fabs (sqrt (ss / L) - 1.0), <, 1e-5);
  /* DWT(x) is the projection of f onto the DWT's range (2560 of 2610
   * dimensions), so it leaves P's row space a little: the shape comes back
   * closely, not exactly */
  g_test_message ("decoded vs original: relative error %g", sqrt (num / den));
  g_assert_cmpfloat (sqrt (num / den), <, 0.2);

  /* and the decoded waveform encodes back to (nearly) the same embedding */
  {
    g_autofree float *e2 = g_new (float, D);
    double dt = 0, n1 = 0, n2 = 0;

    g_assert_true (icto_model_encode (st, out, 1, e2, &error));
    for (int d = 0; d < D; d++)
      {
        dt += (double) e[d] * e2[d];
        n1 += (double) e[d] * e[d];
        n2 += (double) e2[d] * e2[d];
      }
    g_test_message ("cos (encode (decode (e)), e) = %.6f", dt / sqrt (n1 * n2));
    g_assert_cmpfloat (dt / sqrt (n1 * n2), >, 0.99);
  }
}

/* An embedding of zeros (or NaN) decodes to silence, not to garbage. */
static void
test_decode_degenerate (void)
{
  g_autoptr(IctoModel) model = load_bundled ();
  g_autoptr(IctoContinuationDecoder) dec = icto_continuation_decoder_new (model, NULL);
  const IctoModelConfig *cfg = icto_model_get_config (model);
  g_autofree float *e = g_new0 (float, cfg->n_embd);
  g_autofree float *out = g_new (float, cfg->segment_len);

  icto_continuation_decoder_decode (dec, e, out);
  for (int i = 0; i < cfg->segment_len; i++)
    g_assert_cmpfloat (out[i], ==, 0.0f);
  e[3] = NAN;
  icto_continuation_decoder_decode (dec, e, out);
  for (int i = 0; i < cfg->segment_len; i++)
    g_assert_cmpfloat (out[i], ==, 0.0f);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/continuation/dwt-forward", test_forward_matches_encoder);
  g_test_add_func ("/continuation/idwt-reconstructs", test_idwt_reconstructs);
  g_test_add_func ("/continuation/idwt-least-squares", test_idwt_least_squares_property);
  g_test_add_func ("/continuation/projection-row-space", test_projection_row_space);
  g_test_add_func ("/continuation/decode-through-encoder", test_decode_through_encoder);
  g_test_add_func ("/continuation/decode-degenerate", test_decode_degenerate);
  return g_test_run ();
}
