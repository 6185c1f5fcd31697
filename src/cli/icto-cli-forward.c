/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "icto-cli"

#include "config.h"

#include <inttypes.h>
#include <stdio.h>

#include <glib/gi18n.h>

#include "icto-cli.h"
#include "model/icto-model-state.h"
#include "model/icto-model.h"
#include "model/icto-safetensors.h"

/*
 * ictoscope-cli forward --weights W [--head H] [--lora L] --input I --out O [--threads N]
 *
 * Runs one window given as the tensor `signal` [T, C, L] of I and writes, as
 * float32 safetensors, the names of the test vectors' expected.safetensors:
 * encoder_out [T, C, D], layer_out.{i} [T, C, D], hidden_states [T, C, D],
 * gen_pred [T, C, D] (with a generative head), class_logits [2] and
 * class_probs [2] (with a classification head), attn_probs_last [H, N, N];
 * and also agreement [T-1, C], channel_attn [n_layer, C, C],
 * contribution [C] (see src/model/icto-model-state.h).
 */

static void
add (IctoSafetensorsWriter *w,
     const char            *name,
     const float           *data,
     guint                  n_dims,
     gint64                 d0,
     gint64                 d1,
     gint64                 d2)
{
  gint64 shape[3] = { d0, d1, d2 };

  if (data != NULL)
    icto_safetensors_writer_add_f32 (w, name, ICTO_DTYPE_F32, n_dims, shape, data);
}

int
icto_cli_forward (int    argc,
                  char **argv)
{
  g_autofree char *weights = NULL, *head = NULL, *lora = NULL, *input = NULL, *out_path = NULL;
  int threads = 0;
  GOptionEntry entries[] = {
    { "weights", 0, 0, G_OPTION_ARG_FILENAME, &weights, N_("Model file (safetensors)"), N_("FILE") },
    { "head", 0, 0, G_OPTION_ARG_FILENAME, &head, N_("Classification head file"), N_("FILE") },
    { "lora", 0, 0, G_OPTION_ARG_FILENAME, &lora, N_("LoRA adapter file (folded at load)"), N_("FILE") },
    { "input", 0, 0, G_OPTION_ARG_FILENAME, &input, N_("Input with a tensor “signal” [T, C, L]"), N_("FILE") },
    { "out", 'o', 0, G_OPTION_ARG_FILENAME, &out_path, N_("Output safetensors file"), N_("FILE") },
    { "threads", 0, 0, G_OPTION_ARG_INT, &threads, N_("Worker threads (default: number of CPUs)"), N_("N") },
    { NULL }
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(IctoModel) model = NULL;
  g_autoptr(IctoSafetensors) in = NULL;
  g_autoptr(IctoModelState) st = NULL;
  g_autoptr(IctoModelOutput) out = NULL;
  g_autoptr(IctoSafetensorsWriter) w = NULL;
  g_autofree float *x = NULL;
  const IctoTensorInfo *sig;
  const IctoModelConfig *cfg;
  gint64 T, C, L, D, N;

  g_option_context_set_summary (ctx, _("Run one MVPFormer window from a safetensors input and write every output."));
  g_option_context_add_main_entries (ctx, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    return icto_cli_fail (2, "%s", error->message);
  if (weights == NULL || input == NULL || out_path == NULL)
    return icto_cli_fail (2, _("forward needs --weights, --input and --out (see --help)"));
  if (argc > 1)
    return icto_cli_fail (2, _("unexpected argument “%s”"), argv[1]);
  if (threads <= 0)
    threads = (int) MAX (1, g_get_num_processors ());

  model = icto_model_load (weights, head, lora, &error);
  if (model == NULL)
    return icto_cli_fail_error (error);
  cfg = icto_model_get_config (model);

  in = icto_safetensors_open (input, &error);
  if (in == NULL)
    return icto_cli_fail_error (error);
  sig = icto_safetensors_lookup (in, "signal");
  if (sig == NULL || sig->n_dims != 3)
    return icto_cli_fail (1, _("“%s” holds no tensor “signal” of shape [T, C, L]"), input);
  T = sig->shape[0];
  C = sig->shape[1];
  L = sig->shape[2];
  if (T < 1 || T > cfg->n_positions || C < 1 || C > cfg->n_channels || L != cfg->segment_len)
    return icto_cli_fail (1, _("the input's shape [%" PRId64 ", %" PRId64 ", %" PRId64
                               "] does not fit the model (T ≤ %d, C ≤ %d, L = %d)"),
                          T, C, L, cfg->n_positions, cfg->n_channels, cfg->segment_len);
  x = g_new (float, sig->n_elements);
  if (!icto_tensor_to_f32 (sig, x, &error))
    return icto_cli_fail_error (error);

  st = icto_model_state_new (model, threads);
  out = icto_model_forward (st, x, (int) T, (int) C, (int) L,
                            ICTO_FORWARD_LAYER_OUTPUTS | ICTO_FORWARD_ATTN_PROBS_LAST, &error);
  if (out == NULL)
    return icto_cli_fail_error (error);

  D = out->D;
  N = T * C;
  w = icto_safetensors_writer_new ();
  icto_safetensors_writer_add_metadata (w, "format", "ictoscope forward v1");
  add (w, "encoder_out", out->encoder_out, 3, T, C, D);
  for (int l = 0; l < out->n_layer; l++)
    {
      g_autofree char *name = g_strdup_printf ("layer_out.%d", l);
      add (w, name, out->layer_out + (gsize) l * N * D, 3, T, C, D);
    }
  add (w, "hidden_states", out->hidden_states, 3, T, C, D);
  add (w, "gen_pred", out->gen_pred, 3, T, C, D);
  add (w, "agreement", out->agreement, 2, T - 1, C, 0);
  if (out->has_class)
    {
      add (w, "class_logits", out->class_logits, 1, 2, 0, 0);
      add (w, "class_probs", out->class_probs, 1, 2, 0, 0);
      add (w, "contribution", out->contribution, 1, C, 0, 0);
    }
  add (w, "channel_attn", out->channel_attn, 3, out->n_layer, C, C);
  add (w, "attn_probs_last", out->attn_probs_last, 3, out->n_head, N, N);
  if (!icto_safetensors_writer_write (w, out_path, &error))
    return icto_cli_fail_error (error);
  return 0;
}
