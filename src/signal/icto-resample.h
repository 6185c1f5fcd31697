/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * icto_resample_linear:
 * @x: @n_in input samples (n_in >= 1)
 * @y: (out caller-allocates): @n_out output samples (n_out >= 1)
 *
 * Linear interpolation with the conventions of PyTorch's
 * interpolate(mode='linear', align_corners=False):
 *   scale = n_in / n_out, src = max(0, (i + 0.5)·scale − 0.5),
 *   i0 = floor(src), i1 = min(i0 + 1, n_in − 1), λ = src − i0,
 *   y[i] = (1 − λ)·x[i0] + λ·x[i1].
 * No anti-alias filter.  Computed in double, stored as float (for n_in =
 * 2·n_out this is exactly (x[2i] + x[2i+1]) / 2; for n_in = n_out a copy).
 * @x and @y must not overlap.  Thread-safe.
 */
void icto_resample_linear (const float *x,
                           gsize        n_in,
                           float       *y,
                           gsize        n_out);

G_END_DECLS
