/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-cli-info"

#include "config.h"

#include <json-glib/json-glib.h>
#include <string.h>
#include <sys/wait.h>

#include "icto-test-util.h"

static char *
cli_path (void)
{
  const char *env = g_getenv ("ICTO_CLI");
  return env ? g_strdup (env) : icto_test_build_path ("src/cli/ictoscope-cli");
}

static int
run_cli (const char *const *args, char **out, char **err)
{
  g_autofree char *cli = cli_path ();
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

static JsonObject *
info_json (const char *relative, JsonParser **parser_out)
{
  g_autofree char *path = icto_test_shared_path (relative);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  const char *args[] = { "info", "--json", NULL, NULL };
  JsonParser *parser;
  g_autoptr(GError) error = NULL;

  if (path == NULL)
    return NULL;
  args[2] = path;
  g_assert_cmpint (run_cli (args, &out, &err), ==, 0);
  parser = json_parser_new ();
  g_assert_true (json_parser_load_from_data (parser, out, -1, &error));
  g_assert_no_error (error);
  *parser_out = parser;
  return json_node_get_object (json_parser_get_root (parser));
}

static JsonObject *
find_annotation (JsonObject *root, const char *text)
{
  JsonArray *a = json_object_get_array_member (root, "annotations");
  for (guint i = 0; i < json_array_get_length (a); i++)
    {
      JsonObject *o = json_array_get_object_element (a, i);
      if (strcmp (json_object_get_string_member (o, "text"), text) == 0)
        return o;
    }
  return NULL;
}

static void
test_ecog_sample (void)
{
  g_autoptr(JsonParser) parser = NULL;
  JsonObject *root = info_json ("data/real/ecog_mne_sample/sample_ecog.edf", &parser);
  JsonObject *sig, *ann;

  if (root == NULL)
    return;
  g_assert_cmpstr (json_object_get_string_member (root, "format"), ==, "EDF+C");
  g_assert_cmpstr (json_object_get_string_member (root, "start_time"), ==, "2000-01-12T12:01:01.771260");
  g_assert_cmpint (json_object_get_int_member (root, "n_signals"), ==, 78);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (root, "signals")), ==, 78);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (root, "duration_s"), 91 * 0.23814, 1e-6);
  sig = json_array_get_object_element (json_object_get_array_member (root, "signals"), 0);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (sig, "sample_rate"), 999.4121, 1e-4);
  g_assert_nonnull (json_object_get_string_member (sig, "label"));
  g_assert_false (g_str_has_suffix (json_object_get_string_member (sig, "label"), " "));
  g_assert_true (json_object_has_member (sig, "unit"));
  g_assert_true (json_object_has_member (sig, "physical_min"));
  g_assert_true (json_object_has_member (sig, "physical_max"));
  g_assert_cmpint (json_object_get_int_member (root, "n_annotations"), ==, 1);
  ann = find_annotation (root, "eeg sz start");
  g_assert_nonnull (ann);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (ann, "onset_s"), 10.22874, 1e-6);
  g_assert_true (json_object_has_member (ann, "duration_s"));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (root, "gaps")), ==, 0);
}

static void
test_pt01_units (void)
{
  g_autoptr(JsonParser) parser = NULL;
  JsonObject *root = info_json ("data/real/ecog_pt01_seizure1/pt01_seizure1_ecog.edf", &parser);
  JsonObject *sig;

  if (root == NULL)
    return;
  g_assert_cmpint (json_object_get_int_member (root, "n_signals"), ==, 84);
  sig = json_array_get_object_element (json_object_get_array_member (root, "signals"), 0);
  g_assert_cmpstr (json_object_get_string_member (sig, "unit"), ==, "nV");
  g_assert_cmpfloat (json_object_get_double_member (sig, "sample_rate"), ==, 1000.0);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (find_annotation (root, "Seizure onset"), "onset_s"), 1.0, 1e-9);
  g_assert_cmpstr (json_object_get_string_member (root, "start_time"), ==, "1985-01-01T00:00:00.000000");
}

static void
test_formats (void)
{
  struct { const char *file; const char *format; int n_signals; } cases[] = {
    { "data/real/edge_cases/MB0400FU.EDF", "EDF+D", 25 },
    { "data/real/edge_cases/multiple_annotation_chans.bdf", "BDF+C", 19 },
    { "data/real/edge_cases/test_bdf_stim_channel.bdf", "BDF", 4 },
    { "data/real/edge_cases/SC4001EC-Hypnogram.edf", "EDF+C", 0 },
    { "data/real/edge_cases/test_edf_overlapping_annotations.edf", "EDF+C", 64 },
  };
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(JsonParser) parser = NULL;
      JsonObject *root = info_json (cases[i].file, &parser);
      if (root == NULL)
        return;
      g_assert_cmpstr (json_object_get_string_member (root, "format"), ==, cases[i].format);
      g_assert_cmpint (json_object_get_int_member (root, "n_signals"), ==, cases[i].n_signals);
      g_assert_true (json_object_has_member (root, "gaps"));
    }
}

static void
test_errors (void)
{
  g_autofree char *bad = g_build_filename (icto_test_tmpdir (), "not-edf.edf", NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  const char *args[] = { "info", bad, NULL };
  const char *usage[] = { "info", NULL };

  g_assert_true (g_file_set_contents (bad, "this is not a recording at all, just text", -1, NULL));
  g_assert_cmpint (run_cli (args, &out, &err), ==, 1);
  g_assert_nonnull (strstr (err, "not an EDF"));
  g_assert_cmpint (strchr (err, '\n') - err, ==, (int) strlen (err) - 1);   /* one line */
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_cli (usage, &out, &err), ==, 2);
}

static void
test_text_output (void)
{
  g_autofree char *path = icto_test_shared_path ("data/real/seeg_mne_sample/sample_seeg.edf");
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  const char *args[] = { "info", NULL, NULL };

  if (path == NULL)
    return;
  args[1] = path;
  g_assert_cmpint (run_cli (args, &out, &err), ==, 0);
  g_assert_nonnull (strstr (out, "EDF+C"));
  g_assert_nonnull (strstr (out, "L'1"));
  g_assert_nonnull (strstr (out, "test mark"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/cli/info/ecog-sample", test_ecog_sample);
  g_test_add_func ("/cli/info/pt01", test_pt01_units);
  g_test_add_func ("/cli/info/formats", test_formats);
  g_test_add_func ("/cli/info/errors", test_errors);
  g_test_add_func ("/cli/info/text", test_text_output);
  return g_test_run ();
}
