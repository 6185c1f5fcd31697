/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "icto-test"

#include "config.h"

#include <math.h>
#include <string.h>

#include "model/icto-model-state.h"
#include "model/icto-model.h"
#include "model/icto-safetensors.h"
#include "icto-test-util.h"

/* Tolerances of tests/data/mvpformer/README.md */
#define TOL_REL    5e-5
#define TOL_LOGITS 1e-4
#define TOL_PROBS  5e-5

typedef struct {
  const char *name;
  const char *dir;
  gboolean    lora;
  const char *expected;
} VectorCase;

static const VectorCase cases[] = {
  { "case-a",        "case-a", FALSE, "expected.safetensors" },
  { "case-b",        "case-b", FALSE, "expected.safetensors" },
  { "case-c-lora",   "case-c", TRUE,  "expected.safetensors" },
  { "case-c-nolora", "case-c", FALSE, "expected_nolora.safetensors" },
};

static char *
data_path (const char *dir,
           const char *file)
{
  return g_test_build_filename (G_TEST_DIST, "data", "mvpformer", dir, file, NULL);
}

static IctoModel *
load_case (const VectorCase *vc)
{
  g_autofree char *w = data_path (vc->dir, "weights.safetensors");
  g_autofree char *h = data_path (vc->dir, "head_cls.safetensors");
  g_autofree char *l = data_path (vc->dir, "lora.safetensors");
  g_autoptr(GError) error = NULL;
  IctoModel *model = icto_model_load (w, h, vc->lora ? l : NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (model);
  return model;
}

/* Reads input.safetensors' signal [T, C, L]. */
static float *
load_input (const char *dir,
            int        *T,
            int        *C,
            int        *L)
{
  g_autofree char *path = data_path (dir, "input.safetensors");
  g_autoptr(GError) error = NULL;
  g_autoptr(IctoSafetensors) st = icto_safetensors_open (path, &error);
  const IctoTensorInfo *sig;
  float *x;

  g_assert_no_error (error);
  sig = icto_safetensors_lookup (st, "signal");
  g_assert_nonnull (sig);
  g_assert_cmpuint (sig->n_dims, ==, 3);
  *T = (int) sig->shape[0];
  *C = (int) sig->shape[1];
  *L = (int) sig->shape[2];
  x = g_new (float, sig->n_elements);
  g_assert_true (icto_tensor_to_f32 (sig, x, &error));
  return x;
}

static IctoModelOutput *
run (IctoModel   *model,
     const float *x,
     int          T,
     int          C,
     int          L,
     int          n_threads)
{
  g_autoptr(IctoModelState) st = icto_model_state_new (model, n_threads);
  g_autoptr(GError) error = NULL;
  IctoModelOutput *out = icto_model_forward (st, x, T, C, L,
                                             ICTO_FORWARD_LAYER_OUTPUTS | ICTO_FORWARD_ATTN_PROBS_LAST,
                                             &error);

  g_assert_no_error (error);
  g_assert_nonnull (out);
  return out;
}

static double
compare (IctoSafetensors *exp,
         const char      *name,
         const float     *got,
         gsize            n,
         gboolean         relative)
{
  const IctoTensorInfo *t = icto_safetensors_lookup (exp, name);
  g_autofree float *e = NULL;
  double maxdiff = 0, maxref = 0;

  g_assert_nonnull (t);
  g_assert_cmpuint (t->n_elements, ==, n);
  e = g_new (float, n);
  g_assert_true (icto_tensor_to_f32 (t, e, NULL));
  for (gsize i = 0; i < n; i++)
    {
      g_assert_true (isfinite (got[i]));
      maxdiff = MAX (maxdiff, fabs ((double) got[i] - e[i]));
      maxref = MAX (maxref, fabs ((double) e[i]));
    }
  return relative ? maxdiff / maxref : maxdiff;
}

static void
check_against_expected (IctoModelOutput *out,
                        const char      *dir,
                        const char      *expected)
{
  g_autofree char *path = data_path (dir, expected);
  g_autoptr(IctoSafetensors) exp = icto_safetensors_open (path, NULL);
  gsize ND = (gsize) out->T * out->C * out->D;
  gsize N = (gsize) out->T * out->C;
  double err;

  g_assert_nonnull (exp);
  err = compare (exp, "encoder_out", out->encoder_out, ND, TRUE);
  g_test_message ("%s encoder_out %.3g", dir, err);
  g_assert_cmpfloat (err, <=, TOL_REL);
  for (int l = 0; l < out->n_layer; l++)
    {
      g_autofree char *name = g_strdup_printf ("layer_out.%d", l);

      err = compare (exp, name, out->layer_out + l * ND, ND, TRUE);
      g_test_message ("%s %s %.3g", dir, name, err);
      g_assert_cmpfloat (err, <=, TOL_REL);
    }
  err = compare (exp, "hidden_states", out->hidden_states, ND, TRUE);
  g_test_message ("%s hidden_states %.3g", dir, err);
  g_assert_cmpfloat (err, <=, TOL_REL);
  g_assert_nonnull (out->gen_pred);
  err = compare (exp, "gen_pred", out->gen_pred, ND, TRUE);
  g_test_message ("%s gen_pred %.3g", dir, err);
  g_assert_cmpfloat (err, <=, TOL_REL);
  g_assert_true (out->has_class);
  err = compare (exp, "class_logits", out->class_logits, 2, TRUE);
  g_test_message ("%s class_logits %.3g", dir, err);
  g_assert_cmpfloat (err, <=, TOL_LOGITS);
  err = compare (exp, "class_probs", out->class_probs, 2, FALSE);
  g_test_message ("%s class_probs %.3g", dir, err);
  g_assert_cmpfloat (err, <=, TOL_PROBS);
  err = compare (exp, "attn_probs_last", out->attn_probs_last, (gsize) out->n_head * N * N, FALSE);
  g_test_message ("%s attn_probs_last %.3g", dir, err);
  g_assert_cmpfloat (err, <=, TOL_PROBS);
}

static void
test_vectors (gconstpointer data)
{
  const VectorCase *vc = data;
  g_autoptr(IctoModel) model = load_case (vc);
  g_autofree float *x = NULL;
  g_autoptr(IctoModelOutput) out = NULL;
  int T, C, L;

  g_assert_cmpint (icto_model_has_lora (model), ==, vc->lora);
  x = load_input (vc->dir, &T, &C, &L);
  out = run (model, x, T, C, L, 2);
  check_against_expected (out, vc->dir, vc->expected);
}

/* Readouts derived from the others: agreement, contribution, channel matrix. */
static void
test_readouts (void)
{
  g_autoptr(IctoModel) model = load_case (&cases[1]);
  g_autofree float *x = NULL;
  g_autoptr(IctoModelOutput) out = NULL;
  int T, C, L, D, N;
  double sum = 0;

  x = load_input ("case-b", &T, &C, &L);
  out = run (model, x, T, C, L, 1);
  D = out->D;
  N = T * C;

  /* agreement: cosine of prediction t vs encoder output t+1 */
  g_assert_nonnull (out->agreement);
  for (int t = 0; t + 1 < T; t++)
    for (int c = 0; c < C; c++)
      {
        const float *p = out->gen_pred + ((gsize) t * C + c) * D;
        const float *e = out->encoder_out + ((gsize) (t + 1) * C + c) * D;
        double dot = 0, np = 0, ne = 0;

        for (int i = 0; i < D; i++)
          {
            dot += p[i] * e[i];
            np += p[i] * p[i];
            ne += e[i] * e[i];
          }
        g_assert_cmpfloat_with_epsilon (out->agreement[t * C + c], dot / sqrt (np * ne), 1e-5);
        g_assert_cmpfloat (fabs (out->agreement[t * C + c]), <=, 1.0 + 1e-6);
      }

  /* contributions add up to the logit difference */
  for (int c = 0; c < C; c++)
    sum += out->contribution[c];
  g_assert_cmpfloat_with_epsilon (sum, out->class_logits[1] - out->class_logits[0], 1e-4);

  /* the channel matrix of the last layer is the full probability matrix's
   * last step, summed over key steps and averaged over heads */
  for (int ci = 0; ci < C; ci++)
    {
      double rowsum = 0;

      for (int cj = 0; cj < C; cj++)
        {
          double ref = 0;

          for (int h = 0; h < out->n_head; h++)
            for (int tp = 0; tp < T; tp++)
              ref += out->attn_probs_last[((gsize) h * N + (gsize) (T - 1) * C + ci) * N + tp * C + cj];
          ref /= out->n_head;
          g_assert_cmpfloat_with_epsilon (out->channel_attn[((gsize) (out->n_layer - 1) * C + ci) * C + cj],
                                          ref, 1e-6);
          rowsum += ref;
        }
      g_assert_cmpfloat_with_epsilon (rowsum, 1.0, 1e-5);
    }
}

/* Changing a future segment changes no earlier output; two runs give the same bits. */
static void
test_causality (void)
{
  g_autoptr(IctoModel) model = load_case (&cases[1]);
  g_autofree float *x = NULL;
  g_autoptr(IctoModelOutput) a = NULL;
  g_autoptr(IctoModelOutput) b = NULL;
  g_autoptr(IctoModelOutput) again = NULL;
  int T, C, L, D, cut;
  gsize ND, keep;

  x = load_input ("case-b", &T, &C, &L);
  a = run (model, x, T, C, L, 2);
  again = run (model, x, T, C, L, 2);
  D = a->D;
  ND = (gsize) T * C * D;
  g_assert_cmpmem (a->hidden_states, ND * sizeof (float), again->hidden_states, ND * sizeof (float));
  g_assert_cmpmem (a->gen_pred, ND * sizeof (float), again->gen_pred, ND * sizeof (float));
  g_assert_cmpmem (a->class_logits, sizeof a->class_logits, again->class_logits, sizeof again->class_logits);

  /* perturb segments cut..T-1 of every channel */
  cut = T - 4;
  for (gsize i = (gsize) cut * C * L; i < (gsize) T * C * L; i++)
    x[i] = x[i] * -1.5f + 0.25f;
  b = run (model, x, T, C, L, 2);
  keep = (gsize) cut * C * D;
  for (int l = 0; l < a->n_layer; l++)
    g_assert_cmpmem (a->layer_out + l * ND, keep * sizeof (float), b->layer_out + l * ND, keep * sizeof (float));
  g_assert_cmpmem (a->hidden_states, keep * sizeof (float), b->hidden_states, keep * sizeof (float));
  g_assert_cmpmem (a->gen_pred, keep * sizeof (float), b->gen_pred, keep * sizeof (float));
  /* and the later outputs do change */
  g_assert_true (memcmp (a->hidden_states + keep, b->hidden_states + keep, (ND - keep) * sizeof (float)) != 0);
  g_assert_true (a->class_logits[0] != b->class_logits[0]);
}

/* The encoder of a segment does not depend on its window: encoding the
 * segments one by one gives the window's encoder output. */
static void
test_encode_reuse (void)
{
  g_autoptr(IctoModel) model = load_case (&cases[0]);
  g_autoptr(IctoModelState) st = icto_model_state_new (model, 2);
  g_autofree float *x = NULL;
  g_autofree float *enc = NULL;
  g_autoptr(IctoModelOutput) full = NULL;
  g_autoptr(IctoModelOutput) part = NULL;
  g_autoptr(GError) error = NULL;
  int T, C, L, D;

  x = load_input ("case-a", &T, &C, &L);
  D = icto_model_get_config (model)->n_embd;
  full = icto_model_forward (st, x, T, C, L, ICTO_FORWARD_DEFAULT, &error);
  g_assert_no_error (error);
  enc = g_new (float, (gsize) T * C * D);
  /* encode one segment at a time, last first */
  for (int n = T * C - 1; n >= 0; n--)
    g_assert_true (icto_model_encode (st, x + (gsize) n * L, 1, enc + (gsize) n * D, &error));
  /* OpenBLAS's results depend on a row's place in the product: equal to
   * float rounding, not bitwise */
  {
    double md = 0, mref = 0;

    for (int i = 0; i < T * C * D; i++)
      {
        md = MAX (md, fabs (enc[i] - full->encoder_out[i]));
        mref = MAX (mref, fabs (full->encoder_out[i]));
      }
    g_assert_cmpfloat (md / mref, <=, 1e-6);
  }
  /* the transformer on given encodings is the second half of forward() */
  part = icto_model_forward_encoded (st, full->encoder_out, T, C, ICTO_FORWARD_DEFAULT, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (part->hidden_states, sizeof (float) * T * C * D, full->hidden_states, sizeof (float) * T * C * D);
}

/* Writes the case-a weights (and head) in @dtype; with @rounded_f32 instead
 * as F32 values rounded through @dtype. */
static char *
write_converted (IctoDtype   dtype,
                 gboolean    rounded_f32)
{
  g_autofree char *w = data_path ("case-a", "weights.safetensors");
  g_autofree char *h = data_path ("case-a", "head_cls.safetensors");
  g_autoptr(IctoSafetensors) sw = icto_safetensors_open (w, NULL);
  g_autoptr(IctoSafetensors) sh = icto_safetensors_open (h, NULL);
  g_autoptr(IctoSafetensorsWriter) wr = icto_safetensors_writer_new ();
  g_autoptr(GError) error = NULL;
  static const char *keys[] = { "n_embd", "n_layer", "n_head", "n_head_kv", "n_inner", "n_positions",
                                "n_channels", "segment_len", "dwt_size" };
  char *path = g_strdup_printf ("%s/case-a-%s%s.safetensors", icto_test_tmpdir (),
                                icto_dtype_to_string (dtype), rounded_f32 ? "-f32" : "");

  g_assert_nonnull (sw);
  g_assert_nonnull (sh);
  for (gsize i = 0; i < G_N_ELEMENTS (keys); i++)
    icto_safetensors_writer_add_metadata (wr, keys[i], icto_safetensors_get_metadata (sw, keys[i]));
  for (int f = 0; f < 2; f++)
    {
      IctoSafetensors *st = f ? sh : sw;

      for (guint i = 0; i < icto_safetensors_get_n_tensors (st); i++)
        {
          const IctoTensorInfo *t = icto_safetensors_get_tensor (st, i);
          g_autofree float *v = g_new (float, t->n_elements);
          const char *name = f ? "cls_head.weight" : t->name;

          g_assert_true (icto_tensor_to_f32 (t, v, NULL));
          if (rounded_f32)
            {
              for (guint64 k = 0; k < t->n_elements; k++)
                v[k] = dtype == ICTO_DTYPE_F16 ? icto_f16_to_f32 (icto_f32_to_f16 (v[k]))
                                               : icto_bf16_to_f32 (icto_f32_to_bf16 (v[k]));
              icto_safetensors_writer_add_f32 (wr, name, ICTO_DTYPE_F32, t->n_dims, t->shape, v);
            }
          else
            icto_safetensors_writer_add_f32 (wr, name, dtype, t->n_dims, t->shape, v);
        }
    }
  g_assert_true (icto_safetensors_writer_write (wr, path, &error));
  g_assert_no_error (error);
  return path;
}

static void
test_half_dtypes (gconstpointer data)
{
  IctoDtype dtype = GPOINTER_TO_INT (data);
  g_autofree char *half = write_converted (dtype, FALSE);
  g_autofree char *ref = write_converted (dtype, TRUE);
  g_autoptr(GError) error = NULL;
  g_autoptr(IctoModel) mh = icto_model_load (half, NULL, NULL, &error);
  g_autoptr(IctoModel) mr = NULL;
  g_autoptr(IctoModelOutput) oh = NULL;
  g_autoptr(IctoModelOutput) orf = NULL;
  g_autofree float *x = NULL;
  g_autofree char *exp_path = data_path ("case-a", "expected.safetensors");
  g_autoptr(IctoSafetensors) exp = icto_safetensors_open (exp_path, NULL);
  int T, C, L;
  gsize ND;
  double err;

  g_assert_no_error (error);
  mr = icto_model_load (ref, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (icto_model_has_classification_head (mh));
  x = load_input ("case-a", &T, &C, &L);
  oh = run (mh, x, T, C, L, 2);
  orf = run (mr, x, T, C, L, 2);
  ND = (gsize) T * C * oh->D;
  /* a half-precision file gives exactly the model of its values in float32 */
  g_assert_cmpmem (oh->hidden_states, ND * sizeof (float), orf->hidden_states, ND * sizeof (float));
  g_assert_cmpmem (oh->class_logits, sizeof oh->class_logits, orf->class_logits, sizeof orf->class_logits);
  /* and stays close to the float32 model (weight rounding only) */
  err = compare (exp, "hidden_states", oh->hidden_states, ND, TRUE);
  g_test_message ("%s hidden_states vs float32 expectation: %.3g", icto_dtype_to_string (dtype), err);
  g_assert_cmpfloat (err, <=, dtype == ICTO_DTYPE_F16 ? 5e-3 : 5e-2);
  g_assert_cmpfloat (err, >, 0.0);
}

static void
test_conversions (void)
{
  /* exact values and round-to-nearest-even */
  g_assert_cmpuint (icto_f32_to_f16 (1.0f), ==, 0x3c00);
  g_assert_cmpuint (icto_f32_to_f16 (-2.0f), ==, 0xc000);
  g_assert_cmpuint (icto_f32_to_f16 (65504.0f), ==, 0x7bff);
  g_assert_cmpuint (icto_f32_to_f16 (1e6f), ==, 0x7c00);
  g_assert_cmpuint (icto_f32_to_f16 (5.9604644775390625e-8f), ==, 0x0001);
  g_assert_cmpuint (icto_f32_to_f16 (1.0f + 1.0f / 2048), ==, 0x3c00);          /* tie to even */
  g_assert_cmpuint (icto_f32_to_f16 (1.0f + 3.0f / 2048), ==, 0x3c02);
  g_assert_cmpfloat (icto_f16_to_f32 (0x3555), ==, 0.333251953125f);
  g_assert_cmpfloat (icto_f16_to_f32 (0x0001), ==, 5.9604644775390625e-8f);
  g_assert_cmpuint (icto_f32_to_bf16 (1.0f), ==, 0x3f80);
  g_assert_cmpuint (icto_f32_to_bf16 (1.00390625f), ==, 0x3f80);                  /* tie to even */
  g_assert_cmpuint (icto_f32_to_bf16 (1.01171875f), ==, 0x3f82);
  g_assert_cmpfloat (icto_bf16_to_f32 (0xc040), ==, -3.0f);
  for (int i = -20000; i < 20000; i += 7)
    {
      float f = i * 0.37f;
      g_assert_cmpfloat (fabsf (icto_f16_to_f32 (icto_f32_to_f16 (f)) - f), <=, fabsf (f) / 2048 + 1e-7f);
    }
}

static void
test_dwt_size (void)
{
  g_assert_cmpint (icto_model_dwt_size_for (2560), ==, 2610);
  g_assert_cmpint (icto_model_dwt_size_for (128), ==, 154);
  g_assert_cmpint (icto_model_dwt_size_for (300), ==, 333);
  g_assert_cmpint (icto_model_dwt_size_for (6), ==, 6);
}

static gboolean
abort_after_first (gpointer user_data)
{
  int *calls = user_data;

  return ++(*calls) > 1;
}

static void
test_input_errors (void)
{
  g_autoptr(IctoModel) model = load_case (&cases[0]);
  g_autoptr(IctoModelState) st = icto_model_state_new (model, 2);
  const IctoModelConfig *c = icto_model_get_config (model);
  g_autofree float *x = NULL;
  g_autoptr(GError) error = NULL;
  IctoModelOutput *out;
  int T, C, L, calls = 0;

  x = load_input ("case-a", &T, &C, &L);
  out = icto_model_forward (st, x, T, C, L - 1, 0, &error);
  g_assert_null (out);
  g_assert_error (error, ICTO_MODEL_ERROR, ICTO_MODEL_ERROR_INPUT);
  g_clear_error (&error);
  out = icto_model_forward_encoded (st, x, c->n_positions + 1, 1, 0, &error);
  g_assert_error (error, ICTO_MODEL_ERROR, ICTO_MODEL_ERROR_INPUT);
  g_clear_error (&error);
  out = icto_model_forward_encoded (st, x, 1, c->n_channels + 1, 0, &error);
  g_assert_error (error, ICTO_MODEL_ERROR, ICTO_MODEL_ERROR_INPUT);
  g_clear_error (&error);
  x[5] = NAN;
  out = icto_model_forward (st, x, T, C, L, 0, &error);
  g_assert_error (error, ICTO_MODEL_ERROR, ICTO_MODEL_ERROR_INPUT);
  g_clear_error (&error);
  x[5] = 0.0f;

  icto_model_state_set_callbacks (st, NULL, abort_after_first, &calls);
  out = icto_model_forward (st, x, T, C, L, 0, &error);
  g_assert_null (out);
  g_assert_error (error, ICTO_MODEL_ERROR, ICTO_MODEL_ERROR_CANCELLED);
  g_assert_cmpint (calls, ==, 2);
}

/* Broken model files: one per failure kind, each with its exact code. */
typedef struct {
  const char *file;
  int         code;
} BrokenCase;

static const BrokenCase broken[] = {
  { "empty.safetensors",              ICTO_MODEL_ERROR_HEADER_SIZE },
  { "header-absurd.safetensors",      ICTO_MODEL_ERROR_HEADER_SIZE },
  { "header-past-end.safetensors",    ICTO_MODEL_ERROR_HEADER_SIZE },
  { "header-json.safetensors",        ICTO_MODEL_ERROR_HEADER_SYNTAX },
  { "duplicate-tensor.safetensors",   ICTO_MODEL_ERROR_DUPLICATE_TENSOR },
  { "dtype-unknown.safetensors",      ICTO_MODEL_ERROR_DTYPE },
  { "dtype-int.safetensors",          ICTO_MODEL_ERROR_DTYPE },
  { "offset-outside.safetensors",     ICTO_MODEL_ERROR_OFFSETS },
  { "offset-size.safetensors",        ICTO_MODEL_ERROR_OFFSETS },
  { "overlap.safetensors",            ICTO_MODEL_ERROR_OVERLAP },
  { "config-missing.safetensors",     ICTO_MODEL_ERROR_CONFIG },
  { "config-invalid.safetensors",     ICTO_MODEL_ERROR_CONFIG },
  { "config-dwt-size.safetensors",    ICTO_MODEL_ERROR_CONFIG },
  { "wavelet.safetensors",            ICTO_MODEL_ERROR_UNSUPPORTED },
  { "unknown-tensor.safetensors",     ICTO_MODEL_ERROR_UNKNOWN_TENSOR },
  { "layer-out-of-range.safetensors", ICTO_MODEL_ERROR_UNKNOWN_TENSOR },
  { "missing-tensor.safetensors",     ICTO_MODEL_ERROR_MISSING_TENSOR },
  { "lora-half.safetensors",          ICTO_MODEL_ERROR_MISSING_TENSOR },
  { "shape.safetensors",              ICTO_MODEL_ERROR_SHAPE },
  { "head-shape.safetensors",         ICTO_MODEL_ERROR_SHAPE },
};

static void
test_broken (gconstpointer data)
{
  const BrokenCase *bc = data;
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "model-broken", bc->file, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(IctoModel) model = NULL;
  g_autofree char *contents = NULL;
  gsize len;

  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
  model = icto_model_load (path, NULL, NULL, &error);
  g_assert_null (model);
  g_assert_error (error, ICTO_MODEL_ERROR, bc->code);
  g_test_message ("%s: %s", bc->file, error->message);
  g_clear_error (&error);
  model = icto_model_load_from_data ((const guint8 *) contents, len, &error);
  g_assert_null (model);
  g_assert_error (error, ICTO_MODEL_ERROR, bc->code);
}

/* The valid model the broken ones were made from loads. */
static void
test_broken_base_valid (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "model-broken", "valid.safetensors", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(IctoModel) model = icto_model_load (path, NULL, NULL, &error);

  g_assert_no_error (error);
  g_assert_true (icto_model_has_lora (model));
  g_assert_true (icto_model_has_generative_head (model));
  g_assert_true (icto_model_has_classification_head (model));
}

static void
test_head_file_errors (void)
{
  g_autofree char *w = data_path ("case-a", "weights.safetensors");
  g_autofree char *other_head = data_path ("case-b", "head_cls.safetensors");
  g_autofree char *lora_c = data_path ("case-c", "lora.safetensors");
  g_autoptr(GError) error = NULL;
  IctoModel *model;

  /* head of another model: its metadata disagrees */
  model = icto_model_load (w, other_head, NULL, &error);
  g_assert_null (model);
  g_assert_error (error, ICTO_MODEL_ERROR, ICTO_MODEL_ERROR_CONFIG);
  g_clear_error (&error);
  model = icto_model_load (w, NULL, lora_c, &error);
  g_assert_null (model);
  g_assert_error (error, ICTO_MODEL_ERROR, ICTO_MODEL_ERROR_CONFIG);
  g_clear_error (&error);
  /* the base file given as an adapter file: unknown tensors there */
  model = icto_model_load (w, NULL, w, &error);
  g_assert_null (model);
  g_assert_error (error, ICTO_MODEL_ERROR, ICTO_MODEL_ERROR_UNKNOWN_TENSOR);
  g_clear_error (&error);
  model = icto_model_load ("/nonexistent/model.safetensors", NULL, NULL, &error);
  g_assert_null (model);
  g_assert_error (error, ICTO_MODEL_ERROR, ICTO_MODEL_ERROR_IO);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/model/vectors/%s", cases[i].name);
      g_test_add_data_func (path, &cases[i], test_vectors);
    }
  g_test_add_func ("/model/readouts", test_readouts);
  g_test_add_func ("/model/causality", test_causality);
  g_test_add_func ("/model/encode-reuse", test_encode_reuse);
  g_test_add_data_func ("/model/dtype/f16", GINT_TO_POINTER (ICTO_DTYPE_F16), test_half_dtypes);
  g_test_add_data_func ("/model/dtype/bf16", GINT_TO_POINTER (ICTO_DTYPE_BF16), test_half_dtypes);
  g_test_add_func ("/model/dtype/conversions", test_conversions);
  g_test_add_func ("/model/dwt-size", test_dwt_size);
  g_test_add_func ("/model/input-errors", test_input_errors);
  g_test_add_func ("/model/head-file-errors", test_head_file_errors);
  g_test_add_func ("/model/broken/valid", test_broken_base_valid);
  for (gsize i = 0; i < G_N_ELEMENTS (broken); i++)
    {
      g_autofree char *path = g_strdup_printf ("/model/broken/%s", broken[i].file);
      g_test_add_data_func (path, &broken[i], test_broken);
    }
  return g_test_run ();
}
