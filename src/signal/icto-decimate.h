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

G_END_DECLS
