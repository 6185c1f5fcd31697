/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "model/icto-model.h"

G_BEGIN_DECLS

/*
 * IctoModelState: per-run state of one worker (scratch memory allocated once
 * and grown only when a larger window arrives, a thread pool of n_threads).
 * One state must not be used by two threads at once; several states may
 * share one IctoModel.
 *
 * Threads: the state computes with its own pool of @n_threads threads and
 * calls OpenBLAS single-threaded from each of them, so creating a state calls
 * openblas_set_num_threads (1) (process-wide; OpenBLAS's own threads would
 * only compete with ours).
 */
typedef struct _IctoModelState IctoModelState;

/* Progress: @fraction in [0, 1] after each stage (encoder, each layer, readouts).
 * Called on the thread that runs the forward pass. */
typedef void     (*IctoModelProgressFunc) (double   fraction,
                                           gpointer user_data);
/* Abort: polled on the calling thread between stages (encoder, each layer,
 * readouts); return TRUE to stop. */
typedef gboolean (*IctoModelAbortFunc)    (gpointer user_data);

/* @n_threads >= 1 (the calling thread is one of them).  Takes a reference
 * on @model.  Scratch memory is allocated at the first forward pass and
 * grown only for a larger window. */
IctoModelState *icto_model_state_new  (IctoModel *model,
                                       int        n_threads);
/* Joins the state's threads and frees its memory. */
void            icto_model_state_free (IctoModelState *self);

/* The model (no new reference). */
IctoModel *icto_model_state_get_model (IctoModelState *self);

/* Replaces the callbacks (NULL: none); not during a forward pass. */
void icto_model_state_set_callbacks (IctoModelState        *self,
                                     IctoModelProgressFunc  progress,
                                     IctoModelAbortFunc     abort_func,
                                     gpointer               user_data);

typedef enum {
  ICTO_FORWARD_DEFAULT         = 0,
  ICTO_FORWARD_LAYER_OUTPUTS   = 1 << 0,  /* fill layer_out */
  ICTO_FORWARD_ATTN_PROBS_LAST = 1 << 1,  /* fill attn_probs_last (H N^2 floats) */
  ICTO_FORWARD_NO_GEN_PRED     = 1 << 2,  /* skip the generative head (and agreement) */
  /* Readouts of the last two time steps only (what icto-inference uses:
   * class from step T-1, agreement of step T-2): the last layer's queries,
   * attention, MLP and the final norm/heads run for those rows only.
   * hidden_states and gen_pred rows of steps < T-2 are 0 and agreement
   * entries of steps < T-2 are NaN; class, contribution and channel_attn are
   * as without the flag.  Not with LAYER_OUTPUTS or ATTN_PROBS_LAST
   * (ICTO_MODEL_ERROR_INPUT). */
  ICTO_FORWARD_LAST_STEPS      = 1 << 3,
} IctoForwardFlags;

/*
 * Outputs of one window of T time steps x C channels (token n = t*C + c).
 * Arrays not computed are NULL.
 */
typedef struct {
  int    T, C, D, n_layer, n_head;
  float *encoder_out;     /* [T, C, D] */
  float *layer_out;       /* [n_layer, T, C, D] residual stream after each block (flag) */
  float *hidden_states;   /* [T, C, D] after ln_f */
  float *gen_pred;        /* [T, C, D] generative head on every token (needs the head) */
  float *agreement;       /* [T-1, C]: cos(gen_pred[t,c], encoder_out[t+1,c]), torch
                             semantics: x.y / (max(|x|, 1e-8) max(|y|, 1e-8)); NULL if T < 2 */
  gboolean has_class;     /* the classification head was present */
  float  class_logits[2];
  float  class_probs[2];  /* softmax; index 1 = seizure */
  float *contribution;    /* [C]: channel c's share of logits[1] - logits[0]; they sum to it
                             exactly in real arithmetic (head linear on the channel mean) */
  float *channel_attn;    /* [n_layer, C, C]: row c = query channel c of the last time step,
                             column c' = its attention probability summed over every key
                             time step of channel c', averaged over heads (rows sum to 1) */
  float *attn_probs_last; /* [H, N, N] last layer's probabilities (flag), masked = 0 */
} IctoModelOutput;

void icto_model_output_free (IctoModelOutput *output);

/**
 * icto_model_encode:
 * @x: @n_segments segments of segment_len samples each, contiguous
 * @out: (out caller-allocates): @n_segments * n_embd floats
 *
 * The wavelet encoder alone (spec §4): each segment independently, so the
 * encoding of a segment can be computed once and reused by every window
 * that contains it.  Errors: ICTO_MODEL_ERROR_CANCELLED.  Non-finite samples
 * give non-finite outputs (callers check their input).
 */
gboolean icto_model_encode (IctoModelState  *self,
                            const float     *x,
                            gsize            n_segments,
                            float           *out,
                            GError         **error);

/**
 * icto_model_forward_encoded:
 * @encoded: [T, C, D] encoder outputs (token n = t*C + c)
 *
 * The transformer and the readouts for one window.  1 <= T <= n_positions,
 * 1 <= C <= n_channels, else ICTO_MODEL_ERROR_INPUT.  The class readout is
 * computed when the model has a classification head, gen_pred and agreement
 * when it has a generative head (unless ICTO_FORWARD_NO_GEN_PRED).
 * Errors: _INPUT, _CANCELLED.  Deterministic: the same input gives the same
 * bits for a given thread count.
 */
IctoModelOutput *icto_model_forward_encoded (IctoModelState   *self,
                                             const float      *encoded,
                                             int               T,
                                             int               C,
                                             IctoForwardFlags  flags,
                                             GError          **error);

/**
 * icto_model_forward:
 * @x: [T, C, L] samples, L = segment_len (other L: ICTO_MODEL_ERROR_INPUT)
 *
 * icto_model_encode() then icto_model_forward_encoded().  Non-finite samples
 * are an ICTO_MODEL_ERROR_INPUT error.
 */
IctoModelOutput *icto_model_forward (IctoModelState   *self,
                                     const float      *x,
                                     int               T,
                                     int               C,
                                     int               L,
                                     IctoForwardFlags  flags,
                                     GError          **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (IctoModelState, icto_model_state_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (IctoModelOutput, icto_model_output_free)

G_END_DECLS
