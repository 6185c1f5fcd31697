/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * icto_decimate_minmax:
 * @x: @n samples
 * @n_columns: number of output columns (> 0)
 * @min: (out caller-allocates): @n_columns values
 * @max: (out caller-allocates): @n_columns values
 *
 * Column c covers samples [c·n/n_columns, (c+1)·n/n_columns) (at least the
 * one sample at c·n/n_columns when there are fewer samples than columns), and
 * receives their exact minimum and maximum: extremes are never lost.  NAN
 * samples are skipped; a column with no finite sample gets NAN in both.
 * Thread-safe.
 */
void icto_decimate_minmax (const float *x,
                           gsize        n,
                           guint        n_columns,
                           float       *min,
                           float       *max);

/* Lanes of icto_decimate_minmax_lanes(). */
#define ICTO_DECIMATE_LANES 8

/**
 * icto_decimate_minmax_lanes:
 * @x: @n × ICTO_DECIMATE_LANES floats, interleaved (sample i of lane l at
 *     x[i * ICTO_DECIMATE_LANES + l])
 * @n_lanes: lanes to output (1..ICTO_DECIMATE_LANES)
 * @min: @n_lanes pointers to @n_columns values each
 * @max: likewise
 *
 * icto_decimate_minmax() of each lane (the same columns, the same exact
 * results), all lanes at once in vector registers.  Thread-safe.
 */
void icto_decimate_minmax_lanes (const float  *x,
                                 gsize         n,
                                 guint         n_columns,
                                 guint         n_lanes,
                                 float *const *min,
                                 float *const *max);

G_END_DECLS
