/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bench-store"

#include "config.h"

#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "store/icto-store-io.h"
#include "store/icto-store.h"

/*
 * bench-store [N_ANNOTATIONS] [DIR]
 *
 * Fills one recording of a fresh database (in DIR, default a new directory
 * under /tmp) with N annotations (default 100,000) spread over 24 h, then
 * times page queries (the annotations overlapping a 10-s and a 60-s page)
 * at random places, single committed adds, a BIDS export and the undo of
 * the bulk import.  Prints medians and 95th percentiles of wall-clock and
 * (for page queries) CPU time.  With DIR given, the database is kept there
 * and the undo is not timed.
 */

#define TICKS G_GINT64_CONSTANT (10000000)

static double
now_us (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (double) ts.tv_sec * 1e6 + (double) ts.tv_nsec / 1e3;
}

static double
cpu_us (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &ts);
  return (double) ts.tv_sec * 1e6 + (double) ts.tv_nsec / 1e3;
}

static int
compare_double (const void *a,
                const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return x < y ? -1 : x > y;
}

static void
report (const char *what,
        double     *v,
        guint       n)
{
  qsort (v, n, sizeof *v, compare_double);
  printf ("%-34s median %9.1f µs   p95 %9.1f µs   max %9.1f µs   (n=%u)\n",
          what, v[n / 2], v[(n * 95) / 100], v[n - 1], n);
}

static void
time_pages (IctoStore  *store,
            gint64      rec,
            double      page_s,
            guint       n_queries,
            GRand      *rand)
{
  g_autofree double *t = g_new (double, n_queries);
  g_autofree double *c = g_new (double, n_queries);
  g_autofree char *what = g_strdup_printf ("page query (%g s), wall", page_s);
  g_autofree char *what_cpu = g_strdup_printf ("page query (%g s), CPU", page_s);
  guint64 total = 0;

  for (guint i = 0; i < n_queries; i++)
    {
      gint64 start = (gint64) g_rand_double_range (rand, 0, 86400 - page_s) * TICKS;
      gint64 end = start + (gint64) (page_s * TICKS);
      double t0 = now_us (), c0 = cpu_us ();
      g_autoptr(GPtrArray) list = icto_store_list (store, rec, start, end, NULL, NULL);

      t[i] = now_us () - t0;
      c[i] = cpu_us () - c0;
      g_assert (list != NULL);
      total += list->len;
    }
  report (what, t, n_queries);
  report (what_cpu, c, n_queries);
  printf ("%-34s %.1f annotations per page on average\n", "", (double) total / n_queries);
}

int
main (int    argc,
      char **argv)
{
  guint n = argc > 1 ? (guint) g_ascii_strtoull (argv[1], NULL, 10) : 100000;
  g_autofree char *dir = argc > 2 ? g_strdup (argv[2]) : g_dir_make_tmp ("bench-store-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "annotations.db", NULL);
  g_autofree char *export_path = g_build_filename (dir, "bench_events.tsv", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(IctoStore) store = NULL;
  g_autoptr(GPtrArray) batch = g_ptr_array_new_with_free_func ((GDestroyNotify) icto_annotation_free);
  g_autoptr(GRand) rand = g_rand_new_with_seed (42);
  const char *labels[] = { "spike", "artefact", "sz", "hfo", "sleep_n2" };
  double adds[50];
  double t0;
  gint64 rec;

  if (n == 0)
    n = 100000;
  store = icto_store_open (path, &error);
  if (store == NULL)
    {
      fprintf (stderr, "bench-store: %s\n", error->message);
      return 1;
    }
  rec = icto_store_ensure_recording (store, "bench", "/bench.edf", 86400 * TICKS, &error);
  g_assert_no_error (error);

  for (guint i = 0; i < n; i++)
    {
      IctoAnnotation *a = icto_annotation_new ();
      double r = g_rand_double (rand);

      a->recording_id = rec;
      a->onset = (gint64) (g_rand_double_range (rand, 0, 86400) * TICKS);
      /* 70 % short (0-2 s), 25 % 2-60 s, 5 % long (1-60 min) */
      a->duration = (gint64) ((r < 0.7 ? g_rand_double_range (rand, 0, 2)
                               : r < 0.95 ? g_rand_double_range (rand, 2, 60)
                               : g_rand_double_range (rand, 60, 3600)) * TICKS);
      a->label = g_strdup (labels[g_rand_int_range (rand, 0, G_N_ELEMENTS (labels))]);
      if (i % 3 == 0)
        {
          a->channels = g_new0 (char *, 3);
          a->channels[0] = g_strdup ("LA1");
          a->channels[1] = g_strdup ("LA2");
        }
      g_ptr_array_add (batch, a);
    }

  printf ("bench-store: %u annotations over 24 h in %s\n", n, path);
  t0 = now_us ();
  if (!icto_store_add_many (store, batch, "bench import", &error))
    {
      fprintf (stderr, "bench-store: %s\n", error->message);
      return 1;
    }
  printf ("%-34s %9.1f ms (%.1f µs per annotation)\n", "bulk add (one transaction)",
          (now_us () - t0) / 1e3, (now_us () - t0) / n);

  time_pages (store, rec, 10, 2000, rand);
  time_pages (store, rec, 60, 2000, rand);
  {
    double t[200];
    for (guint i = 0; i < G_N_ELEMENTS (t); i++)
      {
        double s = now_us ();
        g_autoptr(GPtrArray) list = icto_store_list (store, rec, 3600 * TICKS, 3600 * TICKS + 10 * TICKS, NULL, NULL);
        t[i] = now_us () - s;
        g_assert (list != NULL);
      }
    report ("same 10-s page again (warm)", t, G_N_ELEMENTS (t));
  }

  for (guint i = 0; i < G_N_ELEMENTS (adds); i++)
    {
      g_autoptr(IctoAnnotation) a = icto_annotation_new ();
      double s;

      a->recording_id = rec;
      a->onset = (gint64) i * TICKS;
      a->label = g_strdup ("spike");
      s = now_us ();
      if (!icto_store_add (store, a, &error))
        {
          fprintf (stderr, "bench-store: %s\n", error->message);
          return 1;
        }
      adds[i] = now_us () - s;
    }
  report ("single add, committed (fsync)", adds, G_N_ELEMENTS (adds));

  t0 = now_us ();
  g_assert (icto_store_export_file (store, rec, ICTO_ANNOT_FORMAT_BIDS, export_path, NULL, &error));
  printf ("%-34s %9.1f ms\n", "BIDS export of everything", (now_us () - t0) / 1e3);

  if (argc > 2)
    {
      printf ("database kept in %s (no undo timing)\n", dir);
      return 0;
    }
  for (guint i = 0; i < G_N_ELEMENTS (adds); i++)
    g_assert (icto_store_undo (store, rec, NULL, &error));
  t0 = now_us ();
  g_assert (icto_store_undo (store, rec, NULL, &error));
  printf ("%-34s %9.1f ms\n", "undo of the bulk add", (now_us () - t0) / 1e3);
  g_assert (icto_store_count (store, rec, NULL) == 0);

  g_clear_object (&store);
  if (argc <= 2)
    {
      g_autofree char *wal = g_strconcat (path, "-wal", NULL);
      g_autofree char *shm = g_strconcat (path, "-shm", NULL);
      g_unlink (path);
      g_unlink (wal);
      g_unlink (shm);
      g_unlink (export_path);
      {
        g_autofree char *json = g_build_filename (dir, "bench_events.json", NULL);
        g_unlink (json);
      }
      g_rmdir (dir);
    }
  return 0;
}
