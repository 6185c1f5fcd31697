/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "model/icto-model-error.h"

G_BEGIN_DECLS

/*
 * IctoModel: the weights of one MVPFormer (../shared/docs/mvpformer-spec.md),
 * read-only after loading and shared by reference between any number of
 * IctoModelState (one per worker thread).
 *
 * The model file is safetensors with the official state-dict names and the
 * configuration as strings in `__metadata__` (keys below).  Tensors may be
 * F32, F16, BF16 (or F64); all are converted to float32 once at load
 * (F32 tensors at 4-byte aligned offsets that need no change are used in
 * place from the read-only mapping).  LoRA adapters present in any of the
 * files are folded into q_attn and the value half of c_attn (spec §8).
 */

typedef struct {
  int    n_embd;          /* D */
  int    n_layer;
  int    n_head;          /* H */
  int    n_head_kv;       /* Hkv, divides H */
  int    n_inner;         /* F */
  int    n_positions;     /* rows of the time table: T <= n_positions */
  int    n_channels;      /* rows of the channel table: C <= n_channels */
  int    segment_len;     /* L, samples per segment (2560 = 5 s at 512 Hz) */
  int    dwt_size;        /* S_w, must equal the db4 'periodic' length for L */
  int    window;          /* content window in time steps (10) */
  int    lora_rank;       /* r (8) */
  double lora_alpha;      /* alpha (16); fold scale alpha / r */
  double layer_norm_epsilon; /* 1e-5 */
  double encoder_eps;     /* 1e-5 */
} IctoModelConfig;

typedef struct _IctoModel IctoModel;

/**
 * icto_model_load:
 * @weights_path: base model file (encoder, transformer, optionally
 *   `head.head.weight` [D, D] generative or [2, D] classification,
 *   `cls_head.weight` [2, D], LoRA adapters)
 * @head_path: (nullable): a classification head file: `head.head.weight` or
 *   `cls_head.weight` of shape [2, D], optionally LoRA adapters that replace
 *   those of the base file
 * @lora_path: (nullable): a file of LoRA adapters only
 *   (`mvpformer.h.{i}.attn.{q_attn,c_attn}.lora_{A,B}`), replacing earlier ones
 *
 * Configuration comes from the base file's `__metadata__` (string values):
 * required n_embd, n_layer, n_head, n_head_kv, n_inner, n_positions,
 * n_channels, segment_len, dwt_size; optional layer_norm_epsilon (1e-5),
 * encoder_eps (1e-5), window (10), lora_rank (8), lora_alpha (16),
 * wavelet ("db4"), wavelet_mode ("periodic"); other keys are ignored.
 * Head and LoRA files may carry metadata; where they give n_embd, n_layer,
 * n_head, n_head_kv or lora_rank, the values must match the base file.
 * Every tensor is checked for name, dtype, shape and byte range; the unused
 * tensors of real checkpoints (`seizure_embeddings`, `*.ln_2.weight`,
 * `*.attn.time_bias`, `*.attn.masked_bias`) are accepted and ignored.
 *
 * Errors: every ICTO_MODEL_ERROR_* code of the file checks (IO, HEADER_SIZE,
 * HEADER_SYNTAX, DUPLICATE_TENSOR, DTYPE, OFFSETS, OVERLAP, CONFIG,
 * UNSUPPORTED, UNKNOWN_TENSOR, MISSING_TENSOR, SHAPE).
 * Thread safety: may be called from any thread; the result is immutable.
 */
IctoModel *icto_model_load (const char  *weights_path,
                            const char  *head_path,
                            const char  *lora_path,
                            GError     **error);

/**
 * icto_model_load_from_data:
 * As icto_model_load() for a base file already in memory (@data, @size;
 * copied where needed, so it may be freed after the call).  For tests and
 * fuzzing.
 */
IctoModel *icto_model_load_from_data (const guint8  *data,
                                      gsize          size,
                                      GError       **error);

/* Atomic reference counting: any thread.  The last unref frees the weights
 * and unmaps the files. */
IctoModel *icto_model_ref   (IctoModel *self);
void       icto_model_unref (IctoModel *self);

/* The configuration read at load; valid as long as @self. */
const IctoModelConfig *icto_model_get_config (IctoModel *self);

/* Whether the file(s) gave a generative head [D, D] / classification head [2, D]. */
gboolean icto_model_has_generative_head     (IctoModel *self);
gboolean icto_model_has_classification_head (IctoModel *self);
/* The classification head [2, D] row-major (logits = W . pooled), NULL
 * without one; valid as long as @self. */
const float *icto_model_get_classification_head (IctoModel *self);
/* Whether LoRA adapters were folded at load. */
gboolean icto_model_has_lora                (IctoModel *self);

/* Bytes of float32 weights held (mapped or allocated). */
gsize icto_model_get_weight_bytes (IctoModel *self);

/* Number of wavelet features for a segment of @segment_len samples (db4,
 * 'periodic'): 2610 for 2560.  Pure function. */
int icto_model_dwt_size_for (int segment_len);

/* ---- trained classification heads ------------------------------------------- */

/* `__metadata__` key of a head file holding its training summary (JSON). */
#define ICTO_MODEL_HEAD_SUMMARY_KEY "ictoscope_training"

/**
 * icto_model_new_with_head:
 * @base: a loaded model
 * @head_path: a head file: `cls_head.weight` (or `head.head.weight`) of shape
 *   [2, D] in F32, F16, BF16 or F64, optionally `seizure_embeddings`; its
 *   `__metadata__` may give n_embd, n_layer, n_head, n_head_kv, lora_rank,
 *   which must match @base
 *
 * A new model that shares every weight of @base (it holds a reference on
 * it: cheap, no copy) with the classification head replaced by the file's
 * (as icto_model_load (weights, head_path, NULL) would give, without
 * reading the base again).  @base is not changed: workers running it are
 * not affected.  Errors: ICTO_MODEL_ERROR_IO and the header errors of the
 * safetensors reader, _CONFIG (metadata disagree with @base), _UNKNOWN_TENSOR
 * (any other tensor), _UNSUPPORTED (LoRA adapters: load those with the
 * model), _DUPLICATE_TENSOR (two heads), _MISSING_TENSOR (no head), _DTYPE,
 * _SHAPE (wrong shape or a non-finite weight).  Any thread.
 */
IctoModel *icto_model_new_with_head (IctoModel   *base,
                                     const char  *head_path,
                                     GError     **error);

/**
 * icto_model_write_head:
 * @weight: [2, @n_embd] row-major: logits = weight . pooled (spec §7.1, no bias)
 * @summary_json: (nullable): stored in `__metadata__` under
 *   ICTO_MODEL_HEAD_SUMMARY_KEY
 *
 * Writes a head file (`cls_head.weight` F32 [2, n_embd]; metadata format =
 * "ictoscope-head", n_embd) atomically.  Error: ICTO_MODEL_ERROR_IO.
 */
gboolean icto_model_write_head (const char   *path,
                                int           n_embd,
                                const float  *weight,
                                const char   *summary_json,
                                GError      **error);

/* The training summary of a head file (newly allocated JSON text), or NULL
 * when the file has none (no error) or cannot be read (error set). */
char *icto_model_read_head_summary (const char  *head_path,
                                    GError     **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (IctoModel, icto_model_unref)

G_END_DECLS
