/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-head-file"

#include "config.h"

#include <glib.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "model/icto-model-state.h"
#include "model/icto-model.h"
#include "model/icto-safetensors.h"

#include "icto-test-util.h"

static IctoModel *
load_bundled (void)
{
  g_autofree char *p = icto_test_source_path ("models/ictoscope-demo.safetensors");
  g_autoptr(GError) error = NULL;
  IctoModel *m = icto_model_load (p, NULL, NULL, &error);

  g_assert_no_error (error);
  return m;
}

static char *
tmp_file (const char *name)
{
  return g_build_filename (icto_test_tmpdir (), name, NULL);
}

/* A written head, loaded over the bundled model, gives the same readout as
 * icto_model_load() with that head file, and the logits are W . pooled. */
static void
test_round_trip (void)
{
  g_autoptr(IctoModel) base = load_bundled ();
  g_autoptr(IctoModel) swapped = NULL;
  g_autoptr(IctoModel) loaded = NULL;
  g_autoptr(IctoModelState) st = NULL;
  g_autoptr(IctoModelOutput) out_base = NULL;
  g_autoptr(IctoModelOutput) out_swapped = NULL;
  g_autoptr(IctoModelOutput) out_loaded = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GRand) rng = g_rand_new_with_seed (4);
  g_autofree char *path = tmp_file ("head.safetensors");
  g_autofree char *base_path = icto_test_source_path ("models/ictoscope-demo.safetensors");
  g_autofree char *summary = NULL;
  const int D = icto_model_get_config (base)->n_embd;
  const int T = 3, C = 4, L = 2560;
  g_autofree float *W = g_new (float, 2 * D);
  g_autofree float *x = g_new (float, (gsize) T * C * L);
  double l0 = 0, l1 = 0;

  for (int i = 0; i < 2 * D; i++)
    W[i] = (float) g_rand_double_range (rng, -0.3, 0.3);
  for (gsize i = 0; i < (gsize) T * C * L; i++)
    x[i] = (float) g_rand_double_range (rng, -50, 50);

  g_assert_true (icto_model_write_head (path, D, W, "{\"rater\": \"ada\"}", &error));
  g_assert_no_error (error);
  summary = icto_model_read_head_summary (path, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (summary, ==, "{\"rater\": \"ada\"}");

  swapped = icto_model_new_with_head (base, path, &error);
  g_assert_no_error (error);
  loaded = icto_model_load (base_path, path, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (icto_model_has_classification_head (swapped));
  g_assert_true (icto_model_has_generative_head (swapped));

  st = icto_model_state_new (base, 1);
  out_base = icto_model_forward (st, x, T, C, L, ICTO_FORWARD_DEFAULT, &error);
  g_assert_no_error (error);
  icto_model_state_free (g_steal_pointer (&st));
  st = icto_model_state_new (swapped, 1);
  out_swapped = icto_model_forward (st, x, T, C, L, ICTO_FORWARD_DEFAULT, &error);
  g_assert_no_error (error);
  icto_model_state_free (g_steal_pointer (&st));
  st = icto_model_state_new (loaded, 1);
  out_loaded = icto_model_forward (st, x, T, C, L, ICTO_FORWARD_DEFAULT, &error);
  g_assert_no_error (error);

  /* the trunk is shared: hidden states identical; the head differs */
  g_assert_cmpmem (out_base->hidden_states, sizeof (float) * T * C * D,
                   out_swapped->hidden_states, sizeof (float) * T * C * D);
  g_assert_cmpfloat (out_swapped->class_logits[1], ==, out_loaded->class_logits[1]);
  g_assert_cmpfloat (out_swapped->class_logits[0], ==, out_loaded->class_logits[0]);
  g_assert_cmpfloat (out_swapped->class_logits[1], !=, out_base->class_logits[1]);
  for (int i = 0; i < D; i++)
    {
      double pooled = 0;

      for (int c = 0; c < C; c++)
        pooled += out_swapped->hidden_states[((gsize) (T - 1) * C + c) * D + i] / C;
      l0 += W[i] * pooled;
      l1 += W[D + i] * pooled;
    }
  g_assert_cmpfloat_with_epsilon (out_swapped->class_logits[0], l0, 1e-4 * (1 + fabs (l0)));
  g_assert_cmpfloat_with_epsilon (out_swapped->class_logits[1], l1, 1e-4 * (1 + fabs (l1)));

  /* the base outlives nothing it should not: drop it first */
  g_clear_pointer (&base, icto_model_unref);
  g_assert_cmpint (icto_model_get_config (swapped)->n_embd, ==, D);
}

typedef enum {
  BAD_SHAPE,
  BAD_EXTRA,
  BAD_LORA,
  BAD_MISSING,
  BAD_CONFIG,
  BAD_NAN,
  BAD_TWO_HEADS,
  BAD_DTYPE,
  BAD_TRUNCATED,
  BAD_ABSENT,
} Bad;

static const struct {
  Bad         kind;
  int         code;
} bad_cases[] = {
  { BAD_SHAPE, ICTO_MODEL_ERROR_SHAPE },
  { BAD_EXTRA, ICTO_MODEL_ERROR_UNKNOWN_TENSOR },
  { BAD_LORA, ICTO_MODEL_ERROR_UNSUPPORTED },
  { BAD_MISSING, ICTO_MODEL_ERROR_MISSING_TENSOR },
  { BAD_CONFIG, ICTO_MODEL_ERROR_CONFIG },
  { BAD_NAN, ICTO_MODEL_ERROR_SHAPE },
  { BAD_TWO_HEADS, ICTO_MODEL_ERROR_DUPLICATE_TENSOR },
  { BAD_DTYPE, ICTO_MODEL_ERROR_DTYPE },
  { BAD_TRUNCATED, ICTO_MODEL_ERROR_OFFSETS },
  { BAD_ABSENT, ICTO_MODEL_ERROR_IO },
};

static void
test_hostile (void)
{
  g_autoptr(IctoModel) base = load_bundled ();
  const int D = icto_model_get_config (base)->n_embd;
  g_autofree float *W = g_new0 (float, (gsize) 2 * D * 2);

  for (guint k = 0; k < G_N_ELEMENTS (bad_cases); k++)
    {
      g_autoptr(IctoSafetensorsWriter) w = icto_safetensors_writer_new ();
      g_autofree char *path = g_strdup_printf ("%s/bad-%u.safetensors", icto_test_tmpdir (), k);
      gint64 good[2] = { 2, D };
      gint64 wrong[2] = { 3, D };
      gint64 one[1] = { D };
      g_autoptr(GError) error = NULL;
      g_autoptr(IctoModel) m = NULL;

      switch (bad_cases[k].kind)
        {
        case BAD_SHAPE:
          icto_safetensors_writer_add_f32 (w, "cls_head.weight", ICTO_DTYPE_F32, 2, wrong, W);
          break;
        case BAD_EXTRA:
          icto_safetensors_writer_add_f32 (w, "cls_head.weight", ICTO_DTYPE_F32, 2, good, W);
          icto_safetensors_writer_add_f32 (w, "mvpformer.ln_f.weight", ICTO_DTYPE_F32, 1, one, W);
          break;
        case BAD_LORA:
          icto_safetensors_writer_add_f32 (w, "cls_head.weight", ICTO_DTYPE_F32, 2, good, W);
          icto_safetensors_writer_add_f32 (w, "mvpformer.h.0.attn.q_attn.lora_A", ICTO_DTYPE_F32, 1, one, W);
          break;
        case BAD_MISSING:
          icto_safetensors_writer_add_metadata (w, "n_embd", "128");
          break;
        case BAD_CONFIG:
          icto_safetensors_writer_add_metadata (w, "n_embd", "64");
          icto_safetensors_writer_add_f32 (w, "cls_head.weight", ICTO_DTYPE_F32, 2, good, W);
          break;
        case BAD_NAN:
          W[5] = NAN;
          icto_safetensors_writer_add_f32 (w, "cls_head.weight", ICTO_DTYPE_F32, 2, good, W);
          W[5] = 0;
          break;
        case BAD_TWO_HEADS:
          icto_safetensors_writer_add_f32 (w, "cls_head.weight", ICTO_DTYPE_F32, 2, good, W);
          icto_safetensors_writer_add_f32 (w, "head.head.weight", ICTO_DTYPE_F32, 2, good, W);
          break;
        case BAD_DTYPE:
          icto_safetensors_writer_add_raw (w, "cls_head.weight", ICTO_DTYPE_I32, 2, good, W, sizeof (float) * 2 * D);
          break;
        case BAD_TRUNCATED:
        case BAD_ABSENT:
          icto_safetensors_writer_add_f32 (w, "cls_head.weight", ICTO_DTYPE_F32, 2, good, W);
          break;
        }
      g_assert_true (icto_safetensors_writer_write (w, path, NULL));
      if (bad_cases[k].kind == BAD_TRUNCATED)
        {
          g_autofree char *bytes = NULL;
          gsize len;

          g_assert_true (g_file_get_contents (path, &bytes, &len, NULL));
          g_assert_true (g_file_set_contents (path, bytes, len - 7, NULL));
        }
      else if (bad_cases[k].kind == BAD_ABSENT)
        g_assert_cmpint (g_unlink (path), ==, 0);
      m = icto_model_new_with_head (base, path, &error);
      g_assert_null (m);
      g_test_message ("case %u: %s", k, error ? error->message : "(none)");
      g_assert_error (error, ICTO_MODEL_ERROR, bad_cases[k].code);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/head-file/round-trip", test_round_trip);
  g_test_add_func ("/head-file/hostile", test_hostile);
  return g_test_run ();
}
