/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "icto-fuzz"

/*
 * libFuzzer target for the model loader: any bytes as a model file must give
 * a model or a GError, never a crash or an out-of-bounds read.
 * Built and run by tools/fuzz-loader.sh (clang -fsanitize=fuzzer,address).
 */

#include "config.h"

#include <stddef.h>
#include <stdint.h>

#include "model/icto-model.h"
#include "model/icto-safetensors.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  GError *error = NULL;
  IctoSafetensors *st;
  IctoModel *model;

  /* the bare parser, on the exact bytes (no copy: ASan sees any overread) */
  st = icto_safetensors_new_from_data (data, size, "fuzz", &error);
  if (st != NULL)
    {
      for (guint i = 0; i < icto_safetensors_get_n_tensors (st); i++)
        {
          const IctoTensorInfo *t = icto_safetensors_get_tensor (st, i);

          if (t->n_elements <= (1u << 20))
            {
              float *buf = g_new (float, t->n_elements + 1);
              (void) icto_tensor_to_f32 (t, buf, NULL);
              g_free (buf);
            }
        }
      icto_safetensors_free (st);
    }
  g_clear_error (&error);

  model = icto_model_load_from_data (data, size, &error);
  g_assert ((model == NULL) == (error != NULL));
  if (model != NULL)
    icto_model_unref (model);
  g_clear_error (&error);
  return 0;
}
