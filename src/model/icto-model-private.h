/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "model/icto-model.h"

G_BEGIN_DECLS

typedef struct {
  const float *ln_1;       /* [D] */
  const float *attn_bias;  /* [3 kvD]: u, v', z */
  const float *q;          /* [D, D] (LoRA folded) */
  const float *kv;         /* [2 kvD, D] (LoRA folded into the value half) */
  const float *pos_net;    /* [kvD, D] */
  const float *chan_net;   /* [kvD, D] */
  const float *c_proj;     /* [D, D] */
  const float *gate;       /* [F, D] */
  const float *up;         /* [F, D] */
  const float *down;       /* [D, F] */
  float       *r_table;    /* [n_positions, kvD]: r_j = W_R P_j */
  float       *s_table;    /* [n_channels, kvD]:  s_j = W_C Q_j */
} IctoLayerWeights;

struct _IctoModel {
  gint              ref_count;
  IctoModelConfig   cfg;
  int               head_dim;   /* hd = D / H */
  int               kv_dim;     /* kvD = hd * Hkv */
  const float      *enc_ln;     /* [S_w] */
  const float      *enc_proj;   /* [D, S_w] */
  const float      *ln_f;       /* [D] */
  const float      *pos_emb;    /* [n_positions, D] */
  const float      *chan_emb;   /* [n_channels, D] */
  const float      *gen_head;   /* [D, D] or NULL */
  const float      *cls_head;   /* [2, D] or NULL */
  IctoLayerWeights *layers;
  gboolean          has_lora;
  gsize             weight_bytes;
  GPtrArray        *files;      /* IctoSafetensors* kept mapped */
  GPtrArray        *buffers;    /* allocations owned */
  IctoModel        *base;       /* icto_model_new_with_head(): the model whose
                                   weights this one shares (a reference), or NULL */
};

/* Seconds spent so far in: encoder, row phase A (norm, projections, MLP),
 * attention, row phase C (output projection).  For bench/bench-model. */
struct _IctoModelState;
void _icto_model_state_get_profile (struct _IctoModelState *self,
                                    double                 *seconds,
                                    gboolean                reset);

/* TRUE: no exact shortcuts (zero channel table, reuse of the previous
 * window's first-layer rows); the plain computation of the spec, for tests
 * that compare both. */
void _icto_model_state_set_generic (struct _IctoModelState *self,
                                    gboolean                generic);

/* Wavelet encoder features (icto-wavelet.c). */
int  _icto_dwt_levels   (int L);
int  _icto_dwt_size     (int L);
/* @x: L samples; @f: _icto_dwt_size(L) outputs (db4, periodic); @work: 3*(L+16) doubles */
void _icto_dwt_features (const float *x,
                         int          L,
                         double      *f,
                         double      *work);

G_END_DECLS
