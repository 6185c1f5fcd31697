/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "icto-bench"

#include "config.h"

#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "sim/icto-sim.h"

/*
 * bench-sim [RUNS]: time of the seizure simulator (single thread).
 *  - generation only (icto_sim_next_record) and the full write
 *    (icto_sim_write: EDF+ and sidecars to a temporary directory),
 *  - 10 minutes and 1 hour of the default recording (40 nodes, default
 *    layout of 48 contacts, 512 Hz, 2 seizures), and 10 minutes of the
 *    "seeg" layout (96 contacts).
 * Prints the median of RUNS (default 3) wall-clock and process CPU times
 * and the CPU seconds per simulated hour (CPU time is the robust figure on
 * a loaded machine; the simulator is single-threaded and uses no BLAS).
 */

static double
cpu_now (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int
cmp_double (const void *a,
            const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y ? 1 : 0;
}

static double
time_generate (const IctoSimParams *p,
               double              *cpu)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(IctoSim) sim = icto_sim_new (p, &error);
  g_autofree float *buf = NULL;
  g_autofree float **rows = NULL;
  guint n_ch;
  gint64 t0;

  if (sim == NULL)
    g_error ("%s", error->message);
  n_ch = icto_sim_get_n_channels (sim);
  buf = g_new (float, (gsize) n_ch * p->sample_rate);
  rows = g_new (float *, n_ch);
  for (guint c = 0; c < n_ch; c++)
    rows[c] = buf + (gsize) c * p->sample_rate;
  *cpu = cpu_now ();
  t0 = g_get_monotonic_time ();
  while (icto_sim_next_record (sim, (float *const *) rows))
    ;
  *cpu = cpu_now () - *cpu;
  return (g_get_monotonic_time () - t0) / 1e6;
}

static double
time_write (const IctoSimParams *p,
            const char          *dir,
            double              *cpu)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (dir, "bench.edf", NULL);
  gint64 t0 = g_get_monotonic_time ();

  *cpu = cpu_now ();
  if (!icto_sim_write (p, path, NULL, NULL, &error))
    g_error ("%s", error->message);
  *cpu = cpu_now () - *cpu;
  return (g_get_monotonic_time () - t0) / 1e6;
}

static void
report (const char          *name,
        const IctoSimParams *p,
        gboolean             write,
        const char          *dir,
        int                  runs)
{
  double *t = g_new (double, runs);
  double *c = g_new (double, runs);
  double med, cmed;

  for (int r = 0; r < runs; r++)
    t[r] = write ? time_write (p, dir, &c[r]) : time_generate (p, &c[r]);
  qsort (t, runs, sizeof (double), cmp_double);
  qsort (c, runs, sizeof (double), cmp_double);
  med = t[runs / 2];
  cmed = c[runs / 2];
  printf ("%-32s %-8s %5.0f s: wall %6.2f s (min %6.2f), CPU %6.2f s (min %6.2f) = %5.1f CPU s per simulated hour\n",
          name, write ? "write" : "generate", p->duration, med, t[0], cmed, c[0],
          cmed * 3600.0 / p->duration);
  fflush (stdout);
  g_free (t);
  g_free (c);
}

int
main (int argc, char **argv)
{
  int runs = argc > 1 ? atoi (argv[1]) : 3;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("icto-bench-sim-XXXXXX", &error);
  g_autofree char *edf = NULL;
  IctoSimParams p;

  if (dir == NULL)
    g_error ("%s", error->message);
  if (runs < 1)
    runs = 1;

  printf ("bench-sim: %d runs each, median wall-clock time\n", runs);
  icto_sim_params_init (&p);
  p.duration = 600;
  report ("default layout (48 ch), 512 Hz", &p, FALSE, dir, runs);
  report ("default layout (48 ch), 512 Hz", &p, TRUE, dir, runs);
  p.layout = "seeg";
  report ("seeg layout (96 ch), 512 Hz", &p, FALSE, dir, runs);
  p.layout = NULL;
  p.sample_rate = 2048;
  report ("default layout (48 ch), 2048 Hz", &p, FALSE, dir, runs);
  p.sample_rate = 512;
  p.duration = 3600;
  p.n_seizures = 4;
  report ("default layout (48 ch), 512 Hz", &p, FALSE, dir, runs);
  report ("default layout (48 ch), 512 Hz", &p, TRUE, dir, runs);

  edf = g_build_filename (dir, "bench.edf", NULL);
  for (const char *const *k = (const char *const[]) { "", "channels.tsv", "channels.json", "electrodes.tsv",
                                                       "coordsystem.json", "events.tsv", NULL }; *k; k++)
    {
      g_autofree char *side = **k ? icto_sim_sidecar_path (edf, *k) : g_strdup (edf);
      g_unlink (side);
    }
  g_rmdir (dir);
  return 0;
}
