/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "icto-test"

#include "config.h"

#include <math.h>

#include "model/icto-safetensors.h"
#include "icto-test-util.h"

typedef struct {
  const char *dir;
  gboolean    lora;
  const char *expected;
} Case;

static const Case cases[] = {
  { "case-a", FALSE, "expected.safetensors" },
  { "case-b", FALSE, "expected.safetensors" },
  { "case-c", TRUE,  "expected.safetensors" },
  { "case-c", FALSE, "expected_nolora.safetensors" },
};

static char *
vec (const char *dir,
     const char *file)
{
  return g_test_build_filename (G_TEST_DIST, "data", "mvpformer", dir, file, NULL);
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
  g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                NULL, err_out, &status, &error);
  g_assert_no_error (error);
  g_assert_true (WIFEXITED (status));
  return WEXITSTATUS (status);
}

/* Every name of expected.safetensors is in the output, within the README's tolerances. */
static void
test_forward_case (gconstpointer data)
{
  const Case *c = data;
  g_autofree char *w = vec (c->dir, "weights.safetensors");
  g_autofree char *h = vec (c->dir, "head_cls.safetensors");
  g_autofree char *l = vec (c->dir, "lora.safetensors");
  g_autofree char *in = vec (c->dir, "input.safetensors");
  g_autofree char *ex = vec (c->dir, c->expected);
  g_autofree char *out = g_strdup_printf ("%s/%s-%d.safetensors", icto_test_tmpdir (), c->dir, c->lora);
  g_autofree char *err = NULL;
  const char *args[] = { "forward", "--weights", w, "--head", h, "--input", in, "--out", out,
                         c->lora ? "--lora" : NULL, l, NULL };
  g_autoptr(IctoSafetensors) got = NULL;
  g_autoptr(IctoSafetensors) exp = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (run_cli (args, &err), ==, 0);
  got = icto_safetensors_open (out, &error);
  g_assert_no_error (error);
  exp = icto_safetensors_open (ex, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < icto_safetensors_get_n_tensors (exp); i++)
    {
      const IctoTensorInfo *te = icto_safetensors_get_tensor (exp, i);
      const IctoTensorInfo *tg = icto_safetensors_lookup (got, te->name);
      g_autofree float *e = NULL, *g = NULL;
      gboolean probs = g_str_equal (te->name, "class_probs") || g_str_equal (te->name, "attn_probs_last");
      double tol = probs ? 5e-5 : g_str_equal (te->name, "class_logits") ? 1e-4 : 5e-5;
      double md = 0, mref = 0, errv;

      g_assert_nonnull (tg);
      g_assert_cmpuint (tg->n_dims, ==, te->n_dims);
      for (guint d = 0; d < te->n_dims; d++)
        g_assert_cmpint (tg->shape[d], ==, te->shape[d]);
      e = g_new (float, te->n_elements);
      g = g_new (float, tg->n_elements);
      g_assert_true (icto_tensor_to_f32 (te, e, NULL));
      g_assert_true (icto_tensor_to_f32 (tg, g, NULL));
      for (guint64 k = 0; k < te->n_elements; k++)
        {
          md = MAX (md, fabs ((double) g[k] - e[k]));
          mref = MAX (mref, fabs ((double) e[k]));
        }
      errv = probs ? md : md / mref;
      g_test_message ("%s %s: %.3g", c->dir, te->name, errv);
      g_assert_cmpfloat (errv, <=, tol);
    }
}

static void
test_forward_errors (void)
{
  g_autofree char *w = vec ("case-a", "weights.safetensors");
  g_autofree char *in_b = vec ("case-b", "input.safetensors");
  g_autofree char *broken = g_test_build_filename (G_TEST_DIST, "data", "model-broken", "shape.safetensors", NULL);
  g_autofree char *out = g_strdup_printf ("%s/err.safetensors", icto_test_tmpdir ());
  g_autofree char *err = NULL;
  const char *usage[] = { "forward", "--weights", w, NULL };
  const char *bad_model[] = { "forward", "--weights", broken, "--input", in_b, "--out", out, NULL };
  const char *mismatch[] = { "forward", "--weights", w, "--input", in_b, "--out", out, NULL };

  g_assert_cmpint (run_cli (usage, &err), ==, 2);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_cli (bad_model, &err), ==, 1);
  g_assert_nonnull (strstr (err, "c_attn.weight"));
  g_clear_pointer (&err, g_free);
  /* case-b's input (L = 128) on case-a's model (L = 2560) */
  g_assert_cmpint (run_cli (mismatch, &err), ==, 1);
  g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/cli/forward/%s%s", cases[i].dir, cases[i].lora ? "-lora" : "");
      g_test_add_data_func (path, &cases[i], test_forward_case);
    }
  g_test_add_func ("/cli/forward/errors", test_forward_errors);
  return g_test_run ();
}
