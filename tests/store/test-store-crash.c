/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-store-crash"

#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <string.h>
#include <signal.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "icto-test-util.h"
#include "store/icto-store.h"

/*
 * Fault injection with real processes: a child writes annotations in a loop
 * and reports the id of each one whose transaction returned through a pipe;
 * the parent kills it with SIGKILL at a random moment and then checks the
 * database (integrity, and every reported id present).
 */

#define N_KILLS 200

static void
write_all (int         fd,
           const void *buf,
           gsize       len)
{
  const char *p = buf;

  while (len > 0)
    {
      ssize_t n = write (fd, p, len);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        _exit (5);
      p += n;
      len -= (gsize) n;
    }
}

/* The child: never returns. */
static void G_GNUC_NORETURN
writer_child (const char *path,
              const char *rater,
              int         fd,
              guint       max_adds)
{
  IctoStore *store;
  gint64 rec;
  GError *error = NULL;

  store = icto_store_open (path, &error);
  if (store == NULL)
    {
      g_printerr ("child: open: %s\n", error->message);
      _exit (3);
    }
  icto_store_set_default_rater (store, rater);
  rec = icto_store_ensure_recording (store, "fp-crash", "/x.edf", G_GINT64_CONSTANT (36000000000), &error);
  if (rec == 0)
    {
      g_printerr ("child: recording: %s\n", error->message);
      _exit (3);
    }
  for (guint i = 0; max_adds == 0 || i < max_adds; i++)
    {
      IctoAnnotation *a = icto_annotation_new ();

      a->recording_id = rec;
      a->onset = (gint64) g_random_int_range (0, 3600) * 10000000;
      a->duration = (gint64) g_random_int_range (0, 600) * 1000000;
      a->label = g_strdup (i % 3 == 0 ? "sz" : "spike");
      a->text = g_strdup_printf ("%s #%u", rater, i);
      if (!icto_store_add (store, a, &error))
        {
          g_printerr ("child: add: %s\n", error->message);
          _exit (4);
        }
      write_all (fd, &a->id, sizeof a->id);
      if (i % 4 == 1)
        {
          /* an edit as well, so that kills also land in updates */
          g_free (a->text);
          a->text = g_strdup_printf ("%s #%u edited", rater, i);
          if (!icto_store_update (store, a, &error))
            {
              g_printerr ("child: update: %s\n", error->message);
              _exit (4);
            }
        }
      icto_annotation_free (a);
    }
  _exit (0);
}

/* Reads the ids the child reported until EOF. */
static void
read_ids (int         fd,
          GHashTable *ids)
{
  gint64 id;
  char buf[sizeof (gint64)];
  gsize have = 0;

  for (;;)
    {
      ssize_t n = read (fd, buf + have, sizeof buf - have);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        break;
      have += (gsize) n;
      if (have == sizeof buf)
        {
          memcpy (&id, buf, sizeof id);
          g_hash_table_add (ids, g_memdup2 (&id, sizeof id));
          have = 0;
        }
    }
}

/* Integrity, every id in @ids present, and at least @n_total annotations. */
static void
check_database (const char *path,
                GHashTable *ids,
                guint       n_total)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(IctoStore) store = icto_store_open (path, &error);
  GHashTableIter iter;
  gpointer key;

  g_assert_no_error (error);
  g_assert_true (icto_store_check_integrity (store, &error));
  g_assert_no_error (error);
  g_hash_table_iter_init (&iter, ids);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      g_autoptr(IctoAnnotation) a = icto_store_get (store, *(gint64 *) key, &error);

      g_assert_no_error (error);
      g_assert_nonnull (a);
      g_assert_true (g_str_has_prefix (a->text, "w #"));
    }
  {
    gint64 rec = icto_store_find_recording (store, "fp-crash", &error);
    g_assert_no_error (error);
    g_assert_cmpint (icto_store_count (store, rec, &error), >=, n_total);
  }
}

/* Reads exactly @n ids (blocking). */
static void
read_n_ids (int         fd,
            GHashTable *ids,
            guint       n)
{
  for (guint i = 0; i < n; i++)
    {
      gint64 id;
      gsize have = 0;

      while (have < sizeof id)
        {
          ssize_t r = read (fd, (char *) &id + have, sizeof id - have);
          if (r < 0 && errno == EINTR)
            continue;
          g_assert_cmpint (r, >, 0);
          have += (gsize) r;
        }
      g_hash_table_add (ids, g_memdup2 (&id, sizeof id));
    }
}

static void
remove_db (const char *path)
{
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (path, "-shm", NULL);

  g_unlink (path);
  g_unlink (wal);
  g_unlink (shm);
}

/*
 * A SIGKILL leaves the page cache intact, so commits survive it whatever the
 * fsync costs: the database goes to a tmpfs when there is one (so that the
 * 200 kills take seconds, not minutes), with the production settings.
 */
static char *
crash_db_path (void)
{
  if (g_file_test ("/dev/shm", G_FILE_TEST_IS_DIR) && access ("/dev/shm", W_OK) == 0)
    return g_strdup_printf ("/dev/shm/icto-test-store-crash-%d.db", (int) getpid ());
  return g_build_filename (icto_test_tmpdir (), "crash.db", NULL);
}

static void
test_sigkill (void)
{
  g_autofree char *path = crash_db_path ();
  g_autoptr(GHashTable) ids = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  guint mid_run_kills = 0;
  gulong window_us = 0;

  for (guint k = 0; k < N_KILLS; k++)
    {
      int fds[2];
      pid_t pid;
      int status = 0;
      g_autoptr(GHashTable) new_ids = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
      guint before = g_hash_table_size (ids);
      GHashTableIter iter;
      gpointer key;

      g_assert_cmpint (pipe (fds), ==, 0);
      pid = fork ();
      g_assert_cmpint (pid, >=, 0);
      if (pid == 0)
        {
          close (fds[0]);
          writer_child (path, "w", fds[1], 0);
        }
      close (fds[1]);
      if (k < 2)
        {
          /* calibrate: time from start to a few commits, with the schema created */
          gint64 t0 = g_get_monotonic_time ();

          read_n_ids (fds[0], new_ids, 4);
          window_us = (gulong) MAX (2000, 2 * (g_get_monotonic_time () - t0));
          g_test_message ("kill window %lu µs", window_us);
        }
      else
        {
          /* from "still opening" to "several transactions in" */
          g_usleep ((gulong) g_random_int_range (0, (gint32) MIN (window_us, 2000000)));
        }
      g_assert_cmpint (kill (pid, SIGKILL), ==, 0);
      read_ids (fds[0], new_ids);
      close (fds[0]);
      g_hash_table_iter_init (&iter, new_ids);
      while (g_hash_table_iter_next (&iter, &key, NULL))
        g_hash_table_add (ids, g_memdup2 (key, sizeof (gint64)));
      g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
      /* the child must have died from our signal, not from an error of its own */
      g_assert_true (WIFSIGNALED (status));
      g_assert_cmpint (WTERMSIG (status), ==, SIGKILL);
      if (g_hash_table_size (ids) > before)
        mid_run_kills++;

      /* this run's ids here; all of them again at the end */
      check_database (path, new_ids, g_hash_table_size (ids));
    }
  check_database (path, ids, g_hash_table_size (ids));
  g_test_message ("%u kills, %u with writes committed before the kill, %u annotations reported",
                  N_KILLS, mid_run_kills, g_hash_table_size (ids));
  g_assert_cmpuint (mid_run_kills, >, N_KILLS / 4);
  remove_db (path);
}

static void
test_two_writers (void)
{
  g_autofree char *path = g_build_filename (icto_test_tmpdir (), "two.db", NULL);
  g_autoptr(GHashTable) ids = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  const guint n_adds = 150;
  int fds[2][2];
  pid_t pids[2];

  for (int c = 0; c < 2; c++)
    {
      g_assert_cmpint (pipe (fds[c]), ==, 0);
      pids[c] = fork ();
      g_assert_cmpint (pids[c], >=, 0);
      if (pids[c] == 0)
        {
          close (fds[c][0]);
          /* both open (and create, and migrate) the same new database at once */
          writer_child (path, c == 0 ? "w" : "w2", fds[c][1], n_adds);
        }
      close (fds[c][1]);
    }
  for (int c = 0; c < 2; c++)
    {
      int status = 0;

      read_ids (fds[c][0], ids);
      close (fds[c][0]);
      g_assert_cmpint (waitpid (pids[c], &status, 0), ==, pids[c]);
      g_assert_true (WIFEXITED (status));
      g_assert_cmpint (WEXITSTATUS (status), ==, 0);
    }
  g_assert_cmpuint (g_hash_table_size (ids), ==, 2 * n_adds);
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(IctoStore) store = icto_store_open (path, &error);
    gint64 rec = icto_store_find_recording (store, "fp-crash", &error);
    g_auto(GStrv) raters = NULL;

    g_assert_no_error (error);
    g_assert_true (icto_store_check_integrity (store, &error));
    g_assert_cmpint (icto_store_count (store, rec, &error), ==, 2 * n_adds);
    raters = icto_store_list_raters (store, &error);
    g_assert_cmpuint (g_strv_length (raters), ==, 2);
    /* the history interleaves both writers and still undoes cleanly */
    for (guint i = 0; i < 10; i++)
      g_assert_true (icto_store_undo (store, rec, NULL, &error));
    g_assert_no_error (error);
    g_assert_true (icto_store_check_integrity (store, &error));
  }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/store/crash/sigkill", test_sigkill);
  g_test_add_func ("/store/crash/two-writers", test_two_writers);

  return g_test_run ();
}
