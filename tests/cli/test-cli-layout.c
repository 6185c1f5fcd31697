/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-cli-layout"

#include "config.h"

#include <json-glib/json-glib.h>
#include <string.h>
#include <sys/wait.h>

#include "icto-test-util.h"

static int
run_cli (const char *const *args, char **out, char **err)
{
  const char *env = g_getenv ("ICTO_CLI");
  g_autofree char *cli = env ? g_strdup (env) : icto_test_build_path ("src/cli/ictoscope-cli");
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  int status = 0;

  g_ptr_array_add (argv, cli);
  for (guint i = 0; args[i]; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);
  g_assert_true (g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                               out, err, &status, &error));
  g_assert_no_error (error);
  return WIFEXITED (status) ? WEXITSTATUS (status) : -1;
}

static JsonParser *
layout_json (const char *path, const char *electrodes)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  const char *args[] = { "layout", "--json", path, electrodes ? "--electrodes" : NULL, electrodes, NULL };
  JsonParser *parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (run_cli (args, &out, &err), ==, 0);
  g_assert_true (json_parser_load_from_data (parser, out, -1, &error));
  g_assert_no_error (error);
  return parser;
}

static JsonObject *
find_channel (JsonObject *root, const char *label)
{
  JsonArray *a = json_object_get_array_member (root, "channels");
  for (guint i = 0; i < json_array_get_length (a); i++)
    {
      JsonObject *o = json_array_get_object_element (a, i);
      if (g_str_equal (json_object_get_string_member (o, "label"), label))
        return o;
    }
  return NULL;
}

static void
test_seeg (void)
{
  g_autofree char *path = icto_test_shared_path ("data/real/seeg_mne_sample/sample_seeg.edf");
  g_autoptr(JsonParser) parser = NULL;
  JsonObject *root, *c, *dc;
  JsonArray *contacts;

  if (path == NULL)
    return;
  parser = layout_json (path, NULL);
  root = json_node_get_object (json_parser_get_root (parser));
  g_assert_true (json_object_get_boolean_member (root, "has_positions"));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (root, "views")), ==, 2);
  contacts = json_object_get_array_member (root, "contacts");
  g_assert_cmpuint (json_array_get_length (contacts), ==, 88);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (root, "channels")), ==, 98);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (root, "unmatched")), ==, 0);
  c = find_channel (root, "L'1");
  g_assert_nonnull (c);
  g_assert_cmpstr (json_object_get_string_member (c, "group"), ==, "L'");
  g_assert_cmpstr (json_object_get_string_member (c, "shape"), ==, "shaft");
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (c, "x"), 49.138, 1e-6);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (c, "y"), -50.471, 1e-6);
  dc = find_channel (root, "DC01");
  g_assert_nonnull (dc);
  g_assert_true (json_object_get_null_member (dc, "contact"));
}

static void
test_pt01_and_export (void)
{
  g_autofree char *path = icto_test_shared_path ("data/real/ecog_pt01_seizure1/pt01_seizure1_ecog.edf");
  g_autofree char *tsv = g_build_filename (icto_test_tmpdir (), "pt01_electrodes.tsv", NULL);
  g_autofree char *json = g_build_filename (icto_test_tmpdir (), "pt01_coordsystem.json", NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(JsonParser) again = NULL;
  JsonObject *root, *g13;
  const char *args[] = { "layout", NULL, "--export", NULL, NULL };

  if (path == NULL)
    return;
  parser = layout_json (path, NULL);
  root = json_node_get_object (json_parser_get_root (parser));
  g_assert_false (json_object_get_boolean_member (root, "has_positions"));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (root, "contacts")), ==, 84);
  g13 = find_channel (root, "G13");
  g_assert_cmpstr (json_object_get_string_member (g13, "shape"), ==, "grid");
  g_assert_cmpstr (json_object_get_string_member (find_channel (root, "ATT1"), "shape"), ==, "strip");
  /* export as BIDS, read back with --electrodes: the same positions */
  args[1] = path;
  args[3] = tsv;
  g_assert_cmpint (run_cli (args, &out, &err), ==, 0);
  g_assert_true (g_file_test (tsv, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (json, G_FILE_TEST_EXISTS));
  again = layout_json (path, tsv);
  {
    JsonObject *r2 = json_node_get_object (json_parser_get_root (again));
    JsonObject *a = find_channel (root, "PD3"), *b = find_channel (r2, "PD3");
    g_assert_cmpfloat_with_epsilon (json_object_get_double_member (a, "x"), json_object_get_double_member (b, "x"), 1e-3);
    g_assert_cmpfloat_with_epsilon (json_object_get_double_member (a, "y"), json_object_get_double_member (b, "y"), 1e-3);
    g_assert_cmpstr (json_object_get_string_member (find_channel (r2, "G13"), "shape"), ==, "grid");
  }
}

static void
test_errors (void)
{
  g_autofree char *path = icto_test_shared_path ("data/real/ecog_pt01_seizure1/pt01_seizure1_ecog.edf");
  g_autofree char *bad = g_build_filename (icto_test_tmpdir (), "bad_electrodes.tsv", NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  if (path == NULL)
    return;
  {
    const char *args[] = { "layout", NULL };
    g_assert_cmpint (run_cli (args, &out, &err), ==, 2);
  }
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  {
    const char *args[] = { "layout", path, "--electrodes", "/nonexistent_electrodes.tsv", NULL };
    g_assert_cmpint (run_cli (args, &out, &err), ==, 1);
    g_assert_nonnull (strstr (err, "nonexistent"));
  }
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_true (g_file_set_contents (bad, "name\tx\ty\tz\nG1\t1\tabc\t3\n", -1, NULL));
  {
    const char *args[] = { "layout", path, "--electrodes", bad, NULL };
    g_assert_cmpint (run_cli (args, &out, &err), ==, 1);
    g_assert_nonnull (strstr (err, "line 2"));
  }
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/cli/layout/seeg", test_seeg);
  g_test_add_func ("/cli/layout/pt01-export", test_pt01_and_export);
  g_test_add_func ("/cli/layout/errors", test_errors);
  return g_test_run ();
}
