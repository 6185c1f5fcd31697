/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * IctoSimRng: xoshiro256** (Blackman & Vigna 2018), seeded through
 * SplitMix64.  Each named stream of the simulator (node noise, each
 * background source, geometry, artefacts, ...) has its own generator seeded
 * by SplitMix64 (seed XOR hash (stream name, index)), so adding a stream
 * changes no other stream.  Plain value type; not thread-safe (one per
 * stream).  Fully deterministic on every platform (integer arithmetic; the
 * floating-point draws use only +, *, log and sqrt).
 */
typedef struct {
  guint64 s[4];
  double  spare;       /* second value of the polar Box-Muller pair */
  gboolean has_spare;
} IctoSimRng;

/* Seeds @rng from @seed and a stream name and index. */
void    icto_sim_rng_init    (IctoSimRng *rng,
                              guint64     seed,
                              const char *stream,
                              guint64     index);

guint64 icto_sim_rng_next    (IctoSimRng *rng);

/* Uniform in [0, 1) with 53 random bits. */
double  icto_sim_rng_uniform (IctoSimRng *rng);

/* Uniform in [lo, hi). */
double  icto_sim_rng_range   (IctoSimRng *rng,
                              double      lo,
                              double      hi);

/* Standard normal (polar Box-Muller, fixed draw order). */
double  icto_sim_rng_normal  (IctoSimRng *rng);

G_END_DECLS
