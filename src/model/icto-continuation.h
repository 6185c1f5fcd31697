/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "model/icto-model.h"

G_BEGIN_DECLS

/*
 * Decoding an embedding (e.g. the generative head's prediction of the next
 * segment) back into a waveform of one segment.  No I/O.
 *
 * The encoder (spec §4) is e = W diag(w) f / r with f = DWT(x) the S_w db4
 * 'periodic' coefficients of the L samples, r = sqrt(mean f² + eps) and
 * W = encoder.proj.weight [D, S_w], w = encoder.ln.weight [S_w].  The only
 * nonlinearity is the scalar r: decoding recovers the shape, not the
 * amplitude, which the caller sets (icto-prediction.h: the RMS of the
 * preceding real segment).  Since D < S_w the projection P = W diag(w) has
 * a null space; the decoder returns the minimum-norm least-squares solution
 *
 *     f* = P⁺ e = Pᵀ (P Pᵀ)⁺ e
 *
 * ((P Pᵀ)⁺ from its symmetric eigen-decomposition in double precision,
 * LAPACK dsyevd of OpenBLAS; eigenvalues below 1e-10 of the largest are
 * treated as zero).  f* equals f exactly (to rounding) when f lies in the
 * row space of P.  Then the waveform is the least-squares inverse of the
 * wavelet transform: x* = argmin |DWT(x) - f*|, solved by conjugate
 * gradients on the normal equations (the 'periodic' DWT is injective but
 * redundant: 2610 coefficients for 2560 samples, so it is exactly the
 * inverse DWT for coefficients of a real segment, and the closest segment
 * for any other vector).
 */

typedef struct _IctoContinuationDecoder IctoContinuationDecoder;

/* Precomputes P⁺ for @model (references it).  O(D² S_w + D³) once.
 * Errors: ICTO_MODEL_ERROR_INPUT when P is zero.  Any thread; the decoder is
 * immutable afterwards and may be shared by threads. */
IctoContinuationDecoder *icto_continuation_decoder_new  (IctoModel *model,
                                                         GError   **error);
void                     icto_continuation_decoder_free (IctoContinuationDecoder *self);

/* f* = P⁺ e: @embedding [D] -> @features [S_w] (double). */
void icto_continuation_decoder_features (IctoContinuationDecoder *self,
                                         const float             *embedding,
                                         double                  *features);

/* The waveform [L] of @embedding [D], scaled to unit RMS (all zeros when the
 * embedding decodes to zero). */
void icto_continuation_decoder_decode   (IctoContinuationDecoder *self,
                                         const float             *embedding,
                                         float                   *samples);

/**
 * icto_idwt_least_squares:
 * @features: [icto_model_dwt_size_for (@L)] db4 'periodic' coefficients in
 *   the encoder's order [cA_J, cD_J, ..., cD_1]
 * @x: (out caller-allocates): [L]
 *
 * x = argmin |DWT(x) - features| (conjugate gradients, relative residual of
 * the normal equations below 1e-12 or 200 iterations).  For @features =
 * DWT(x0) it returns x0 (to ~1e-12 relative).  L >= 1.  Pure; any thread.
 */
void icto_idwt_least_squares (const double *features,
                              int           L,
                              double       *x);

/* The forward transform (the encoder's, spec §4.1) in double, for tests:
 * @features [icto_model_dwt_size_for (@L)]. */
void icto_dwt_forward (const double *x,
                       int           L,
                       double       *features);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (IctoContinuationDecoder, icto_continuation_decoder_free)

G_END_DECLS
