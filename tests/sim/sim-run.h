/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Shared by the sim tests: runs a simulation in memory. */

#include <math.h>
#include <string.h>

#include "sim/icto-sim.h"

/* Runs a simulation in memory and keeps the line length (sum of |dx|, uV)
 * of every channel in every 1-s record, and optionally a checksum-free copy
 * of the first @keep records. */
typedef struct {
  IctoSim *sim;
  guint    n_ch;
  gint64   n_rec;
  double  *ll;          /* n_rec x n_ch */
  float   *kept;        /* keep x n_ch x fs */
  int      keep;
} Run;

static inline void
run_free (Run *r)
{
  g_clear_pointer (&r->sim, icto_sim_free);
  g_clear_pointer (&r->ll, g_free);
  g_clear_pointer (&r->kept, g_free);
  g_free (r);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Run, run_free)

static inline Run *
run_sim (const IctoSimParams *params,
         int                  keep)
{
  g_autoptr(GError) error = NULL;
  Run *r = g_new0 (Run, 1);
  int fs = params->sample_rate;
  g_autofree float *buf = NULL;
  g_autofree float **rows = NULL;
  gint64 rec = 0;

  r->sim = icto_sim_new (params, &error);
  g_assert_no_error (error);
  g_assert_nonnull (r->sim);
  r->n_ch = icto_sim_get_n_channels (r->sim);
  r->n_rec = icto_sim_get_n_records (r->sim);
  r->ll = g_new0 (double, (gsize) r->n_rec * r->n_ch);
  r->keep = keep;
  r->kept = g_new0 (float, (gsize) MAX (keep, 1) * r->n_ch * fs);
  buf = g_new0 (float, (gsize) r->n_ch * fs);
  rows = g_new0 (float *, r->n_ch);
  for (guint c = 0; c < r->n_ch; c++)
    rows[c] = buf + (gsize) c * fs;

  while (icto_sim_next_record (r->sim, (float *const *) rows))
    {
      g_assert_cmpint (rec, <, r->n_rec);
      for (guint c = 0; c < r->n_ch; c++)
        {
          double ll = 0;
          for (int s = 0; s < fs; s++)
            {
              g_assert_true (isfinite (rows[c][s]));
              if (s > 0)
                ll += fabs (rows[c][s] - rows[c][s - 1]);
            }
          r->ll[rec * r->n_ch + c] = ll;
        }
      if (rec < keep)
        memcpy (r->kept + (gsize) rec * r->n_ch * fs, buf, sizeof (float) * r->n_ch * fs);
      rec++;
    }
  g_assert_cmpint (rec, ==, r->n_rec);
  g_assert_cmpint (icto_sim_get_records_done (r->sim), ==, r->n_rec);
  g_assert_false (icto_sim_next_record (r->sim, (float *const *) rows));
  return r;
}

