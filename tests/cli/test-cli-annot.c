/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-cli-annot"

#include "config.h"

#include <json-glib/json-glib.h>
#include <string.h>
#include <sys/wait.h>

#include "icto-test-util.h"
#include "signal/icto-edf-writer.h"
#include "signal/icto-recording.h"

static char *recording_path;

/* A 60-s EDF+ with channels LA1, LA2 and two annotations of its own. */
static char *
write_recording (const char *name)
{
  g_autofree char *path = g_build_filename (icto_test_tmpdir (), name, NULL);
  IctoEdfWriterSignal signals[] = {
    { "LA1", "Depth electrode", "uV", NULL, -1000, 1000, 64 },
    { "LA2", "Depth electrode", "uV", NULL, -1000, 1000, 64 },
  };
  IctoEdfWriterOptions options = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) start = g_date_time_new_utc (2024, 3, 5, 10, 20, 30);
  float la1[64], la2[64];
  const float *data[] = { la1, la2 };
  IctoEdfWriter *writer;

  options.start_time = start;
  options.record_duration = 10000000;
  writer = icto_edf_writer_new (path, &options, signals, 2, &error);
  g_assert_no_error (error);
  for (int r = 0; r < 60; r++)
    {
      for (int i = 0; i < 64; i++)
        {
          la1[i] = (float) (100.0 * ((r * 64 + i) % 17) / 17.0);
          la2[i] = (float) (-50.0 + (r % 5) * 10.0);
        }
      g_assert_true (icto_edf_writer_write_record (writer, data, &error));
      g_assert_no_error (error);
    }
  g_assert_true (icto_edf_writer_add_annotation (writer, 100000000, 50000000, "Seizure", &error));
  g_assert_true (icto_edf_writer_add_annotation (writer, 200000000, -1, "spike@@LA1", &error));
  g_assert_true (icto_edf_writer_add_annotation (writer, 200000000, -1, "spike@@LA2", &error));
  g_assert_true (icto_edf_writer_add_annotation (writer, 300000000, -1, "patient coughs", &error));
  g_assert_true (icto_edf_writer_close (writer, &error));
  g_assert_no_error (error);
  return g_steal_pointer (&path);
}

/* Runs ictoscope-cli annot ARGS; returns the exit status. */
static int
run_cli (char       **out,
         char       **err,
         const char  *first,
         ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  const char *cli = g_getenv ("ICTO_CLI");
  const char *arg;
  va_list args;
  int status = -1;
  char *o = NULL, *e = NULL;

  g_assert_nonnull (cli);
  g_ptr_array_add (argv, (char *) cli);
  g_ptr_array_add (argv, (char *) "annot");
  va_start (args, first);
  for (arg = first; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (char *) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);
  g_assert_true (g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                               &o, &e, &status, &error));
  g_assert_no_error (error);
  if (e != NULL && *e != '\0')
    g_test_message ("stderr: %s", e);
  if (out != NULL)
    *out = o;
  else
    g_free (o);
  if (err != NULL)
    *err = e;
  else
    g_free (e);
  if (WIFEXITED (status))
    return WEXITSTATUS (status);
  return -1;
}

static JsonArray *
list_json (const char *db,
           const char *recording,
           JsonParser *parser)
{
  g_autofree char *out = NULL;
  g_autoptr(GError) error = NULL;
  JsonNode *root;

  g_assert_cmpint (run_cli (&out, NULL, "list", recording, "--db", db, "--json", NULL), ==, 0);
  g_assert_true (json_parser_load_from_data (parser, out, -1, &error));
  g_assert_no_error (error);
  root = json_parser_get_root (parser);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (root));
  return json_node_get_array (root);
}

static char *
db_path (const char *name)
{
  return g_build_filename (icto_test_tmpdir (), name, NULL);
}

static void
test_add_list_edit_delete (void)
{
  g_autofree char *db = db_path ("crud.db");
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonArray *arr;
  JsonObject *o;
  JsonArray *channels;
  gint64 id;

  g_assert_cmpint (run_cli (&out, NULL, "add", recording_path, "--db", db,
                            "--onset", "12.5", "--duration", "3.25", "--label", "sz",
                            "--channels", "LA1, LA2", "--rater", "bob", "--confidence", "0.8",
                            "--text", "aura", "--ueo", "13", "--eec", "12.5", "--offset", "15.75",
                            "--soz", "LA1", "--spread", "LA2", "--pattern", "lvfa",
                            "--seizure-type", "sz_foc_ia", NULL), ==, 0);
  id = g_ascii_strtoll (out, NULL, 10);
  g_assert_cmpint (id, >, 0);

  arr = list_json (db, recording_path, parser);
  g_assert_cmpuint (json_array_get_length (arr), ==, 1);
  o = json_array_get_object_element (arr, 0);
  g_assert_cmpint (json_object_get_int_member (o, "id"), ==, id);
  g_assert_cmpfloat (json_object_get_double_member (o, "onset_s"), ==, 12.5);
  g_assert_cmpfloat (json_object_get_double_member (o, "duration_s"), ==, 3.25);
  g_assert_cmpstr (json_object_get_string_member (o, "label"), ==, "sz");
  g_assert_cmpstr (json_object_get_string_member (o, "rater"), ==, "bob");
  g_assert_cmpfloat (json_object_get_double_member (o, "confidence"), ==, 0.8);
  g_assert_cmpstr (json_object_get_string_member (o, "text"), ==, "aura");
  channels = json_object_get_array_member (o, "channels");
  g_assert_cmpuint (json_array_get_length (channels), ==, 2);
  g_assert_cmpstr (json_array_get_string_element (channels, 1), ==, "LA2");
  {
    JsonObject *sz = json_object_get_object_member (o, "seizure");
    g_assert_cmpfloat (json_object_get_double_member (sz, "ueo_s"), ==, 13.0);
    g_assert_cmpfloat (json_object_get_double_member (sz, "offset_s"), ==, 15.75);
    g_assert_true (json_object_get_null_member (sz, "clinical_onset_s"));
    g_assert_cmpstr (json_object_get_string_member (sz, "onset_pattern"), ==, "lvfa");
    g_assert_cmpstr (json_object_get_string_member (sz, "seizure_type"), ==, "sz_foc_ia");
  }

  /* edit changes only what is given */
  {
    g_autofree char *sid = g_strdup_printf ("%" G_GINT64_FORMAT, id);
    g_autoptr(JsonParser) p2 = json_parser_new ();

    g_assert_cmpint (run_cli (NULL, NULL, "edit", recording_path, "--db", db, "--id", sid,
                              "--onset", "20", "--channels", "", "--confidence", "n/a", NULL), ==, 0);
    arr = list_json (db, recording_path, p2);
    o = json_array_get_object_element (arr, 0);
    g_assert_cmpfloat (json_object_get_double_member (o, "onset_s"), ==, 20.0);
    g_assert_cmpfloat (json_object_get_double_member (o, "duration_s"), ==, 3.25);
    g_assert_true (json_object_get_null_member (o, "channels"));
    g_assert_true (json_object_get_null_member (o, "confidence"));
    g_assert_cmpstr (json_object_get_string_member (o, "text"), ==, "aura");

    /* TSV */
    g_clear_pointer (&out, g_free);
    g_assert_cmpint (run_cli (&out, NULL, "list", recording_path, "--db", db, NULL), ==, 0);
    g_assert_true (g_str_has_prefix (out, "id\tonset_s\tduration_s\tlabel\tchannels\trater\t"));
    g_assert_nonnull (strstr (out, "\t20\t3.25\tsz\tn/a\tbob\tn/a\taura\tsz_foc_ia\t13\n"));

    g_assert_cmpint (run_cli (NULL, NULL, "delete", recording_path, "--db", db, "--id", sid, NULL), ==, 0);
    g_assert_cmpint (run_cli (NULL, &err, "delete", recording_path, "--db", db, "--id", sid, NULL), ==, 1);
    g_assert_nonnull (strstr (err, "ictoscope-cli: "));
  }
  {
    g_autoptr(JsonParser) p3 = json_parser_new ();
    arr = list_json (db, recording_path, p3);
    g_assert_cmpuint (json_array_get_length (arr), ==, 0);
  }
}

static void
test_undo_redo (void)
{
  g_autofree char *db = db_path ("undo.db");
  g_autofree char *out = NULL;
  g_autoptr(JsonParser) p1 = json_parser_new ();
  g_autoptr(JsonParser) p2 = json_parser_new ();
  g_autoptr(JsonParser) p3 = json_parser_new ();
  JsonArray *arr;

  g_assert_cmpint (run_cli (NULL, NULL, "add", recording_path, "--db", db, "--onset", "1", "--label", "spike", NULL), ==, 0);
  g_assert_cmpint (run_cli (NULL, NULL, "add", recording_path, "--db", db, "--onset", "2", "--label", "artefact", NULL), ==, 0);
  g_assert_cmpint (run_cli (&out, NULL, "undo", recording_path, "--db", db, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "Add annotation"));
  arr = list_json (db, recording_path, p1);
  g_assert_cmpuint (json_array_get_length (arr), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (arr, 0), "label"), ==, "spike");
  g_assert_cmpint (run_cli (NULL, NULL, "redo", recording_path, "--db", db, NULL), ==, 0);
  arr = list_json (db, recording_path, p2);
  g_assert_cmpuint (json_array_get_length (arr), ==, 2);
  g_assert_cmpint (run_cli (NULL, NULL, "redo", recording_path, "--db", db, NULL), ==, 1);
  g_assert_cmpint (run_cli (NULL, NULL, "undo", recording_path, "--db", db, NULL), ==, 0);
  g_assert_cmpint (run_cli (NULL, NULL, "undo", recording_path, "--db", db, NULL), ==, 0);
  g_assert_cmpint (run_cli (NULL, NULL, "undo", recording_path, "--db", db, NULL), ==, 1);
  arr = list_json (db, recording_path, p3);
  g_assert_cmpuint (json_array_get_length (arr), ==, 0);
}

static void
test_usage_errors (void)
{
  g_autofree char *db = db_path ("usage.db");
  g_autofree char *err = NULL;

  g_assert_cmpint (run_cli (NULL, NULL, NULL), ==, 2);
  g_assert_cmpint (run_cli (NULL, NULL, "frobnicate", recording_path, "--db", db, NULL), ==, 2);
  g_assert_cmpint (run_cli (NULL, NULL, "add", recording_path, "--db", db, "--label", "sz", NULL), ==, 2);
  g_assert_cmpint (run_cli (NULL, NULL, "add", recording_path, "--db", db, "--onset", "x", "--label", "sz", NULL), ==, 2);
  g_assert_cmpint (run_cli (NULL, &err, "add", recording_path, "--db", db, "--onset", "1", "--label", "nonsense", NULL), ==, 1);
  g_assert_nonnull (strstr (err, "nonsense"));
  g_assert_cmpint (run_cli (NULL, NULL, "add", recording_path, "--db", db, "--onset", "1", "--label", "sz",
                            "--confidence", "2", NULL), ==, 1);
  g_assert_cmpint (run_cli (NULL, NULL, "list", "/nonexistent/file.edf", "--db", db, NULL), ==, 1);
}

static void
test_moved_recording (void)
{
  g_autofree char *db = db_path ("moved.db");
  g_autofree char *copy = g_build_filename (icto_test_tmpdir (), "renamed copy.edf", NULL);
  g_autofree char *contents = NULL;
  gsize len = 0;
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonArray *arr;

  g_assert_cmpint (run_cli (NULL, NULL, "add", recording_path, "--db", db, "--onset", "4", "--label", "spike", NULL), ==, 0);
  g_assert_true (g_file_get_contents (recording_path, &contents, &len, NULL));
  g_assert_true (g_file_set_contents (copy, contents, (gssize) len, NULL));
  arr = list_json (db, copy, parser);
  g_assert_cmpuint (json_array_get_length (arr), ==, 1);
}

static void
test_import_edf (void)
{
  g_autofree char *db = db_path ("edf.db");
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonArray *arr;
  JsonObject *o;

  g_assert_cmpint (run_cli (NULL, NULL, "import", recording_path, "--db", db, "--format", "edf",
                            "--rater", "file", NULL), ==, 0);
  arr = list_json (db, recording_path, parser);
  g_assert_cmpuint (json_array_get_length (arr), ==, 3);
  o = json_array_get_object_element (arr, 0);
  g_assert_cmpstr (json_object_get_string_member (o, "label"), ==, "sz");
  g_assert_cmpfloat (json_object_get_double_member (o, "onset_s"), ==, 10.0);
  g_assert_cmpfloat (json_object_get_double_member (o, "duration_s"), ==, 5.0);
  g_assert_cmpstr (json_object_get_string_member (o, "rater"), ==, "file");
  o = json_array_get_object_element (arr, 1);
  g_assert_cmpstr (json_object_get_string_member (o, "label"), ==, "spike");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (o, "channels")), ==, 2);
  o = json_array_get_object_element (arr, 2);
  g_assert_cmpstr (json_object_get_string_member (o, "label"), ==, "note");
  g_assert_cmpstr (json_object_get_string_member (o, "text"), ==, "patient coughs");
}

static void
test_export_import_round_trip (void)
{
  const char *formats[] = { "bids", "csv", "szcore" };
  g_autofree char *db = db_path ("rt-src.db");

  g_assert_cmpint (run_cli (NULL, NULL, "add", recording_path, "--db", db, "--onset", "12.5", "--duration", "30",
                            "--label", "sz", "--channels", "LA1", "--confidence", "0.9",
                            "--seizure-type", "sz_foc_a", "--rater", "ann", NULL), ==, 0);
  g_assert_cmpint (run_cli (NULL, NULL, "add", recording_path, "--db", db, "--onset", "40.0000001",
                            "--label", "sz", "--rater", "ann", NULL), ==, 0);

  for (guint f = 0; f < G_N_ELEMENTS (formats); f++)
    {
      g_autofree char *name = g_strdup_printf ("rt_%s_events.tsv", formats[f]);
      g_autofree char *file = g_build_filename (icto_test_tmpdir (), name, NULL);
      g_autofree char *dbname = g_strdup_printf ("rt-%s.db", formats[f]);
      g_autofree char *db2 = db_path (dbname);
      g_autoptr(JsonParser) p1 = json_parser_new ();
      g_autoptr(JsonParser) p2 = json_parser_new ();
      JsonArray *a1, *a2;

      g_assert_cmpint (run_cli (NULL, NULL, "export", recording_path, "--db", db, "--format", formats[f],
                                "--out", file, NULL), ==, 0);
      g_assert_cmpint (run_cli (NULL, NULL, "import", recording_path, file, "--db", db2, "--format", formats[f],
                                "--rater", "ann", NULL), ==, 0);
      a1 = list_json (db, recording_path, p1);
      a2 = list_json (db2, recording_path, p2);
      g_assert_cmpuint (json_array_get_length (a1), ==, json_array_get_length (a2));
      for (guint i = 0; i < json_array_get_length (a1); i++)
        {
          JsonObject *x = json_array_get_object_element (a1, i);
          JsonObject *y = json_array_get_object_element (a2, i);

          g_assert_cmpint (json_object_get_int_member (x, "onset_ticks"), ==, json_object_get_int_member (y, "onset_ticks"));
          g_assert_cmpint (json_object_get_int_member (x, "duration_ticks"), ==, json_object_get_int_member (y, "duration_ticks"));
          g_assert_cmpstr (json_object_get_string_member (x, "label"), ==, json_object_get_string_member (y, "label"));
          g_assert_cmpstr (json_object_get_string_member (x, "rater"), ==, json_object_get_string_member (y, "rater"));
        }
      if (f == 0)
        {
          g_autofree char *json = g_build_filename (icto_test_tmpdir (), "rt_bids_events.json", NULL);
          g_assert_true (g_file_test (json, G_FILE_TEST_EXISTS));
        }
    }
}

static void
test_export_edf (void)
{
  g_autofree char *db = db_path ("edfx.db");
  g_autofree char *db2 = db_path ("edfx2.db");
  g_autofree char *copy = g_build_filename (icto_test_tmpdir (), "annotated copy.edf", NULL);
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(IctoRecording) orig = NULL;
  g_autoptr(IctoRecording) out = NULL;
  g_autoptr(GError) error = NULL;
  gsize len_before = 0, len_after = 0;
  JsonArray *arr;
  float a[64], b[64];

  g_assert_true (g_file_get_contents (recording_path, &before, &len_before, NULL));
  g_assert_cmpint (run_cli (NULL, NULL, "add", recording_path, "--db", db, "--onset", "40.5", "--duration", "2",
                            "--label", "artefact", "--channels", "LA2,LA1", NULL), ==, 0);
  g_assert_cmpint (run_cli (NULL, NULL, "export", recording_path, "--db", db, "--format", "edf",
                            "--out", recording_path, NULL), ==, 1);
  g_assert_cmpint (run_cli (NULL, NULL, "export", recording_path, "--db", db, "--format", "edf",
                            "--out", copy, NULL), ==, 0);
  /* the original is untouched */
  g_assert_true (g_file_get_contents (recording_path, &after, &len_after, NULL));
  g_assert_cmpuint (len_before, ==, len_after);
  g_assert_true (memcmp (before, after, len_before) == 0);

  orig = icto_recording_open (recording_path, &error);
  g_assert_no_error (error);
  out = icto_recording_open (copy, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (icto_recording_get_n_signals (out), ==, 2);
  g_assert_cmpint (icto_recording_get_duration (out), ==, icto_recording_get_duration (orig));
  g_assert_cmpuint (icto_recording_get_n_annotations (out), ==, icto_recording_get_n_annotations (orig) + 2);
  for (guint s = 0; s < 2; s++)
    {
      g_assert_true (icto_recording_read_samples (orig, s, 64 * 30, 64, a, &error));
      g_assert_true (icto_recording_read_samples (out, s, 64 * 30, 64, b, &error));
      g_assert_no_error (error);
      for (int i = 0; i < 64; i++)
        g_assert_cmpfloat_with_epsilon (a[i], b[i], 2000.0 / 65535.0);
    }

  /* the file's annotations and the added one come back from the copy */
  g_assert_cmpint (run_cli (NULL, NULL, "import", copy, "--db", db2, "--format", "edf", NULL), ==, 0);
  arr = list_json (db2, copy, parser);
  g_assert_cmpuint (json_array_get_length (arr), ==, 4);
  {
    JsonObject *o = json_array_get_object_element (arr, 3);
    JsonArray *ch = json_object_get_array_member (o, "channels");

    g_assert_cmpstr (json_object_get_string_member (o, "label"), ==, "artefact");
    g_assert_cmpfloat (json_object_get_double_member (o, "onset_s"), ==, 40.5);
    g_assert_cmpfloat (json_object_get_double_member (o, "duration_s"), ==, 2.0);
    g_assert_cmpuint (json_array_get_length (ch), ==, 2);
  }
}

static void
test_import_bad_rows (void)
{
  g_autofree char *db = db_path ("bad.db");
  g_autofree char *file = g_build_filename (icto_test_tmpdir (), "bad_events.tsv", NULL);
  g_autofree char *err = NULL;
  g_autoptr(JsonParser) p1 = json_parser_new ();
  g_autoptr(JsonParser) p2 = json_parser_new ();
  const char *text =
    "onset\tduration\ttrial_type\n"
    "1\t2\tspike\n"
    "abc\t2\tspike\n"
    "3\t-1\tspike\n"
    "4\t1\tartefact\n";

  g_assert_true (g_file_set_contents (file, text, -1, NULL));
  g_assert_cmpint (run_cli (NULL, &err, "import", recording_path, file, "--db", db, "--format", "bids", NULL), ==, 1);
  g_assert_nonnull (strstr (err, "line 3"));
  g_assert_nonnull (strstr (err, "line 4"));
  g_assert_cmpuint (json_array_get_length (list_json (db, recording_path, p1)), ==, 0);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_cli (NULL, &err, "import", recording_path, file, "--db", db, "--format", "bids",
                            "--skip-bad-rows", NULL), ==, 0);
  g_assert_nonnull (strstr (err, "skipped line 3"));
  g_assert_cmpuint (json_array_get_length (list_json (db, recording_path, p2)), ==, 2);
}

int
main (int    argc,
      char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  recording_path = write_recording ("rec.edf");

  g_test_add_func ("/cli/annot/add-list-edit-delete", test_add_list_edit_delete);
  g_test_add_func ("/cli/annot/undo-redo", test_undo_redo);
  g_test_add_func ("/cli/annot/usage-errors", test_usage_errors);
  g_test_add_func ("/cli/annot/moved-recording", test_moved_recording);
  g_test_add_func ("/cli/annot/import-edf", test_import_edf);
  g_test_add_func ("/cli/annot/export-import", test_export_import_round_trip);
  g_test_add_func ("/cli/annot/import-bad-rows", test_import_bad_rows);
  g_test_add_func ("/cli/annot/export-edf", test_export_edf);

  status = g_test_run ();
  g_free (recording_path);
  return status;
}
