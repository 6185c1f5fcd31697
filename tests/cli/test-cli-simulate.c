/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "icto-test"

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "icto-test-util.h"

static const char *
cli_path (void)
{
  const char *cli = g_getenv ("ICTO_CLI");

  g_assert_nonnull (cli);
  return cli;
}

/* Runs ictoscope-cli with @args (NULL-terminated after "simulate"); returns
 * the exit status and stderr. */
static int
run_cli (char      **err_out,
         char      **out_out,
         const char *first,
         ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL, *err = NULL;
  int status = 0;
  va_list ap;

  g_ptr_array_add (argv, (char *) cli_path ());
  g_ptr_array_add (argv, (char *) "simulate");
  va_start (ap, first);
  for (const char *a = first; a != NULL; a = va_arg (ap, const char *))
    g_ptr_array_add (argv, (char *) a);
  va_end (ap);
  g_ptr_array_add (argv, NULL);

  g_assert_true (g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                               &out, &err, &status, &error));
  g_assert_no_error (error);
  if (err_out != NULL)
    *err_out = g_steal_pointer (&err);
  if (out_out != NULL)
    *out_out = g_steal_pointer (&out);
  g_assert_true (WIFEXITED (status));
  return WEXITSTATUS (status);
}

static void
test_cli_simulate_writes_files (void)
{
  g_autofree char *path = g_build_filename (icto_test_tmpdir (), "sim.edf", NULL);
  g_autofree char *err = NULL, *out = NULL;
  static const char *sidecars[] = {
    "sim_channels.tsv", "sim_channels.json", "sim_electrodes.tsv", "sim_coordsystem.json", "sim_events.tsv",
    "sim_simulation.json",
  };
  GStatBuf st;
  int rc;

  rc = run_cli (&err, &out, "--duration", "20", "--seizures", "0", "--seed", "3", "--rate", "256",
                "--layout", "LA:8,G:2x3", "--pattern", "lvfa", "--out", path, NULL);
  g_assert_cmpstr (err, ==, "");
  g_assert_cmpint (rc, ==, 0);
  g_assert_nonnull (strstr (out, path));
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  /* header 256 * (1 + 14 signals + annotations), 20 records of 14 x 256 samples + annotations */
  g_assert_cmpint (st.st_size, >, 20 * 14 * 256 * 2);
  for (gsize i = 0; i < G_N_ELEMENTS (sidecars); i++)
    {
      g_autofree char *p = g_build_filename (icto_test_tmpdir (), sidecars[i], NULL);
      g_assert_true (g_file_test (p, G_FILE_TEST_IS_REGULAR));
    }
}

static void
test_cli_simulate_deterministic (void)
{
  g_autofree char *a = g_build_filename (icto_test_tmpdir (), "det-a.edf", NULL);
  g_autofree char *b = g_build_filename (icto_test_tmpdir (), "det-b.edf", NULL);
  g_autofree char *da = NULL, *db = NULL;
  gsize la = 0, lb = 0;

  g_assert_cmpint (run_cli (NULL, NULL, "--duration", "10", "--seed", "9", "--seizures", "0", "--layout", "LA:4",
                            "--quiet", "--out", a, NULL), ==, 0);
  g_assert_cmpint (run_cli (NULL, NULL, "--duration", "10", "--seed", "9", "--seizures", "0", "--layout", "LA:4",
                            "--quiet", "--out", b, NULL), ==, 0);
  g_assert_true (g_file_get_contents (a, &da, &la, NULL));
  g_assert_true (g_file_get_contents (b, &db, &lb, NULL));
  g_assert_cmpuint (la, ==, lb);
  g_assert_cmpint (memcmp (da, db, la), ==, 0);
}

static void
test_cli_simulate_bad_arguments (void)
{
  g_autofree char *path = g_build_filename (icto_test_tmpdir (), "bad.edf", NULL);
  static const char *cases[][3] = {
    { "--rate", "100", NULL },
    { "--rate", "fast", NULL },
    { "--duration", "abc", NULL },
    { "--duration", "5", NULL },
    { "--seizures", "-1", NULL },
    { "--seizures", "9", NULL },     /* too many for the default 600 s */
    { "--seed", "-4", NULL },
    { "--pattern", "tonic", NULL },
    { "--layout", "LA:99", NULL },
    { "--ez", "1,x", NULL },
    { "--line", "55", NULL },
    { "--frobnicate", NULL, NULL },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *err = NULL;
      int rc = cases[i][1] != NULL
               ? run_cli (&err, NULL, cases[i][0], cases[i][1], "--out", path, NULL)
               : run_cli (&err, NULL, cases[i][0], "--out", path, NULL);
      g_test_message ("%s %s -> %d: %s", cases[i][0], cases[i][1] ? cases[i][1] : "", rc, err);
      g_assert_cmpint (rc, ==, 2);
      /* exactly one line on stderr */
      g_assert_true (g_str_has_prefix (err, "ictoscope-cli: "));
      g_assert_true (g_str_has_suffix (err, "\n"));
      g_assert_true (strchr (err, '\n') == err + strlen (err) - 1);
    }
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));

  {
    g_autofree char *err = NULL;
    /* --out is required */
    g_assert_cmpint (run_cli (&err, NULL, "--duration", "10", NULL), ==, 2);
    g_assert_true (g_str_has_prefix (err, "ictoscope-cli: "));
  }
}

static void
test_cli_simulate_unwritable (void)
{
  g_autofree char *path = g_build_filename (icto_test_tmpdir (), "missing-dir", "x.edf", NULL);
  g_autofree char *err = NULL;

  g_assert_cmpint (run_cli (&err, NULL, "--duration", "10", "--seizures", "0", "--out", path, NULL), ==, 1);
  g_assert_true (g_str_has_prefix (err, "ictoscope-cli: "));
  g_assert_true (strchr (err, '\n') == err + strlen (err) - 1);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/cli/simulate/writes-files", test_cli_simulate_writes_files);
  g_test_add_func ("/cli/simulate/deterministic", test_cli_simulate_deterministic);
  g_test_add_func ("/cli/simulate/bad-arguments", test_cli_simulate_bad_arguments);
  g_test_add_func ("/cli/simulate/unwritable", test_cli_simulate_unwritable);
  return g_test_run ();
}
