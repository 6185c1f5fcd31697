/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-store-io"

#include "config.h"

#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

#include "icto-test-util.h"
#include "store/icto-store-io.h"
#include "store/icto-store.h"

#define S(x) ((gint64) llround ((x) * 10000000.0))

static char *
tmp_path (const char *name)
{
  return g_build_filename (icto_test_tmpdir (), name, NULL);
}

static IctoStore *
open_store (const char *name,
            gint64     *rec)
{
  g_autofree char *path = tmp_path (name);
  g_autoptr(GError) error = NULL;
  IctoStore *store = icto_store_open (path, &error);

  g_assert_no_error (error);
  icto_store_set_default_rater (store, "alice");
  *rec = icto_store_ensure_recording (store, "fp-io", "/r.edf", S (600), &error);
  g_assert_no_error (error);
  return store;
}

static IctoAnnotation *
make (gint64      rec,
      double      onset,
      double      duration,
      const char *label)
{
  IctoAnnotation *a = icto_annotation_new ();

  a->recording_id = rec;
  a->onset = S (onset);
  a->duration = S (duration);
  a->label = g_strdup (label);
  return a;
}

static char **
strv (const char *first,
      ...)
{
  GStrvBuilder *b = g_strv_builder_new ();
  va_list args;
  char **v;

  va_start (args, first);
  for (const char *s = first; s != NULL; s = va_arg (args, const char *))
    g_strv_builder_add (b, s);
  va_end (args);
  v = g_strv_builder_end (b);
  g_strv_builder_unref (b);
  return v;
}

/* Annotations exercising every field and the awkward values. */
static GPtrArray *
make_corpus (gint64 rec)
{
  GPtrArray *all = g_ptr_array_new_with_free_func ((GDestroyNotify) icto_annotation_free);
  IctoAnnotation *a;

  a = make (rec, 100.25, 61.5, "sz");
  a->channels = strv ("LA1", "LA2", "H’1 ü", NULL);
  a->rater = g_strdup ("Dr. Ödön, MD");
  a->confidence = 0.75;
  a->text = g_strdup ("aura \"déjà vu\", then\tstaring\nline two \\ backslash\r end");
  a->created = G_GINT64_CONSTANT (1700000000123456);
  a->modified = G_GINT64_CONSTANT (1700000100654321);
  a->seizure = icto_seizure_info_new ();
  a->seizure->clinical_onset = S (112);
  a->seizure->eec = S (100.25);
  a->seizure->ueo = S (104.5000001);
  a->seizure->offset = S (161.75);
  a->seizure->soz = strv ("LA1", "LA2", NULL);
  a->seizure->early_spread = strv ("LH3", NULL);
  a->seizure->onset_pattern = g_strdup ("lvfa");
  a->seizure->seizure_type = g_strdup ("sz_foc_ia_m_automatisms");
  g_ptr_array_add (all, a);

  a = make (rec, -1.5, 0, "spike");          /* before the first sample, an instant */
  a->confidence = 0.0;
  a->text = g_strdup ("n/a");                /* a literal n/a text */
  g_ptr_array_add (all, a);

  a = make (rec, 0.0000001, 0.0000001, "artefact");
  a->confidence = 1.0;
  a->channels = strv ("C3", NULL);
  g_ptr_array_add (all, a);

  a = make (rec, 300, 30, "sz_subclinical");
  a->confidence = 0.1;
  a->seizure = icto_seizure_info_new ();     /* a seizure record with nothing marked yet */
  g_ptr_array_add (all, a);

  a = make (rec, 400, 1, "stim");
  a->rater = g_strdup ("bob");
  a->text = g_strdup ("  leading and trailing spaces  ");
  g_ptr_array_add (all, a);

  return all;
}

static void
round_trip (IctoAnnotFormat format,
            const char     *file_name)
{
  gint64 rec = 0, rec2 = 0;
  g_autofree char *db1 = g_strdup_printf ("%s-src.db", file_name);
  g_autofree char *db2 = g_strdup_printf ("%s-dst.db", file_name);
  g_autoptr(IctoStore) src = open_store (db1, &rec);
  g_autoptr(IctoStore) dst = open_store (db2, &rec2);
  g_autoptr(GPtrArray) corpus = make_corpus (rec);
  g_autoptr(GPtrArray) stored = NULL;
  g_autoptr(GPtrArray) back = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(IctoImportReport) report = NULL;
  g_autofree char *path = tmp_path (file_name);

  g_assert_true (icto_store_add_many (src, corpus, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (icto_store_export_file (src, rec, format, path, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (icto_store_import_file (dst, rec2, format, path, "nobody", ICTO_IMPORT_ALL_OR_NOTHING,
                                         &report, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (report->n_rows, ==, corpus->len);
  g_assert_cmpuint (report->n_imported, ==, corpus->len);
  g_assert_cmpuint (report->problems->len, ==, 0);

  stored = icto_store_list (src, rec, G_MININT64, G_MAXINT64, NULL, &error);
  back = icto_store_list (dst, rec2, G_MININT64, G_MAXINT64, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (stored->len, ==, back->len);
  for (guint i = 0; i < stored->len; i++)
    {
      IctoAnnotation *x = stored->pdata[i], *y = back->pdata[i];

      g_test_message ("row %u: %s at %" G_GINT64_FORMAT, i, x->label, x->onset);
      g_assert_cmpint (x->onset, ==, y->onset);
      g_assert_cmpint (x->duration, ==, y->duration);
      g_assert_cmpstr (x->label, ==, y->label);
      g_assert_cmpstr (x->rater, ==, y->rater);
      g_assert_cmpstr (x->text, ==, y->text);
      g_assert_cmpint (x->created, ==, y->created);
      g_assert_cmpint (x->modified, ==, y->modified);
      g_assert_cmpint (x->seizure != NULL, ==, y->seizure != NULL);
      g_assert_true (icto_annotation_equal (x, y, FALSE, TRUE));
    }
}

static void
test_round_trip_bids (void)
{
  g_autofree char *json_path = tmp_path ("sub-01_task-rest_events.json");
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *root, *channel, *levels;

  round_trip (ICTO_ANNOT_FORMAT_BIDS, "sub-01_task-rest_events.tsv");

  g_assert_true (json_parser_load_from_file (parser, json_path, &error));
  g_assert_no_error (error);
  root = json_node_get_object (json_parser_get_root (parser));
  channel = json_object_get_object_member (root, "channel");
  g_assert_cmpstr (json_object_get_string_member (channel, "Delimiter"), ==, ",");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (root, "onset"), "Units"), ==, "s");
  levels = json_object_get_object_member (json_object_get_object_member (root, "trial_type"), "Levels");
  g_assert_cmpstr (json_object_get_string_member (levels, "sz"), ==, "Seizure");
  g_assert_true (json_object_has_member (levels, "stim"));
}

static void
test_round_trip_csv (void)
{
  round_trip (ICTO_ANNOT_FORMAT_CSV, "events.csv");
}

static void
test_bids_file_shape (void)
{
  gint64 rec = 0;
  g_autoptr(IctoStore) store = open_store ("shape.db", &rec);
  g_autoptr(IctoAnnotation) a = make (rec, 12.5, 3, "spike");
  g_autoptr(GError) error = NULL;
  g_autofree char *path = tmp_path ("shape_events.tsv");
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;

  a->channels = strv ("LA1", "LA2", NULL);
  a->created = a->modified = G_GINT64_CONSTANT (1700000000000000);
  g_assert_true (icto_store_add (store, a, &error));
  g_assert_true (icto_store_export_file (store, rec, ICTO_ANNOT_FORMAT_BIDS, path, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  lines = g_strsplit (text, "\n", -1);
  g_assert_true (g_str_has_prefix (lines[0], "onset\tduration\ttrial_type\tchannel\t"));
  g_assert_cmpstr (lines[1], ==,
                   "12.5\t3\tspike\tLA1,LA2\talice\tn/a\tn/a\t2023-11-14T22:13:20.000000Z\t"
                   "2023-11-14T22:13:20.000000Z\tn/a\tn/a\tn/a\tn/a\tn/a\tn/a\tn/a\tn/a\tn/a");
  g_assert_cmpstr (lines[2], ==, "");
}

static void
test_szcore (void)
{
  gint64 rec = 0, rec2 = 0;
  g_autoptr(IctoStore) store = open_store ("szcore.db", &rec);
  g_autoptr(IctoStore) dst = open_store ("szcore-dst.db", &rec2);
  g_autoptr(GError) error = NULL;
  g_autofree char *path = tmp_path ("szcore.tsv");
  g_autofree char *text = NULL;
  g_autoptr(GDateTime) start = g_date_time_new_utc (2016, 11, 6, 13, 0, 0);
  IctoExportOptions options = { NULL, S (3600), start };
  g_autoptr(GPtrArray) back = NULL;
  g_autoptr(IctoImportReport) report = NULL;

  {
    g_autoptr(IctoAnnotation) a = make (rec, 2584.5, 30, "sz");
    g_autoptr(IctoAnnotation) b = make (rec, 100, 20, "sz_subclinical");
    g_autoptr(IctoAnnotation) c = make (rec, 50, 1, "spike");   /* not in SzCORE */

    a->confidence = 0.9;
    a->channels = strv ("F3", "C3", NULL);
    a->seizure = icto_seizure_info_new ();
    a->seizure->seizure_type = g_strdup ("sz_foc_ia");
    g_assert_true (icto_store_add (store, a, &error));
    g_assert_true (icto_store_add (store, b, &error));
    g_assert_true (icto_store_add (store, c, &error));
    g_assert_no_error (error);
  }
  g_assert_true (icto_store_export_file (store, rec, ICTO_ANNOT_FORMAT_SZCORE, path, &options, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  g_assert_cmpstr (text, ==,
                   "onset\tduration\teventType\tconfidence\tchannels\tdateTime\trecordingDuration\n"
                   "100\t20\tsz\tn/a\tall\t2016-11-06 13:01:40\t3600\n"
                   "2584.5\t30\tsz_foc_ia\t0.9\tF3,C3\t2016-11-06 13:43:04\t3600\n");

  g_assert_true (icto_store_import_file (dst, rec2, ICTO_ANNOT_FORMAT_SZCORE, path, "bob",
                                         ICTO_IMPORT_ALL_OR_NOTHING, &report, &error));
  g_assert_no_error (error);
  back = icto_store_list (dst, rec2, G_MININT64, G_MAXINT64, NULL, &error);
  g_assert_cmpuint (back->len, ==, 2);
  {
    IctoAnnotation *x = back->pdata[0], *y = back->pdata[1];

    g_assert_cmpstr (x->label, ==, "sz");
    g_assert_null (x->seizure);
    g_assert_null (x->channels);
    g_assert_cmpint (y->onset, ==, S (2584.5));
    g_assert_cmpint (y->duration, ==, S (30));
    g_assert_cmpstr (y->label, ==, "sz");
    g_assert_cmpstr (y->rater, ==, "bob");
    g_assert_cmpfloat (y->confidence, ==, 0.9);
    g_assert_cmpstr (y->seizure->seizure_type, ==, "sz_foc_ia");
    g_assert_cmpstr (y->channels[1], ==, "C3");
  }
}

static void
test_szcore_no_seizure (void)
{
  gint64 rec = 0;
  g_autoptr(IctoStore) store = open_store ("szcore-bckg.db", &rec);
  g_autoptr(GError) error = NULL;
  g_autofree char *path = tmp_path ("szcore-bckg.tsv");
  g_autofree char *text = NULL;
  g_autoptr(IctoImportReport) report = NULL;
  IctoExportOptions options = { NULL, S (1800.5), NULL };

  g_assert_true (icto_store_export_file (store, rec, ICTO_ANNOT_FORMAT_SZCORE, path, &options, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  g_assert_cmpstr (text, ==,
                   "onset\tduration\teventType\tconfidence\tchannels\tdateTime\trecordingDuration\n"
                   "0\t1800.5\tbckg\t1\tall\tn/a\t1800.5\n");
  /* bckg marks the absence of seizures: nothing to import */
  g_assert_true (icto_store_import_file (store, rec, ICTO_ANNOT_FORMAT_SZCORE, path, NULL,
                                         ICTO_IMPORT_ALL_OR_NOTHING, &report, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (report->n_ignored, ==, 1);
  g_assert_cmpuint (report->n_imported, ==, 0);
  g_assert_cmpint (icto_store_count (store, rec, &error), ==, 0);
}

static void
test_bad_rows (void)
{
  gint64 rec = 0;
  g_autoptr(IctoStore) store = open_store ("bad.db", &rec);
  g_autoptr(GError) error = NULL;
  g_autoptr(IctoImportReport) report = NULL;
  g_autoptr(IctoImportReport) report2 = NULL;
  g_autofree char *path = tmp_path ("bad_events.tsv");
  const char *text =
    "onset\tduration\ttrial_type\tconfidence\n"      /* line 1 */
    "1\t2\tspike\t0.5\n"                              /* 2: good */
    "x\t2\tspike\tn/a\n"                              /* 3: onset */
    "\n"                                              /* 4: blank, ignored */
    "3\t-1\tspike\tn/a\n"                             /* 5: duration */
    "4\t1\tartefact\t7\n"                             /* 6: confidence */
    "5\t1\tartefact\n"                                /* 7: cells */
    "6\tn/a\tmy_new_label\tn/a\n";                    /* 8: good, new label, n/a duration */
  const guint bad_lines[] = { 3, 5, 6, 7 };

  g_assert_true (g_file_set_contents (path, text, -1, NULL));
  g_assert_false (icto_store_import_file (store, rec, ICTO_ANNOT_FORMAT_BIDS, path, NULL,
                                          ICTO_IMPORT_ALL_OR_NOTHING, &report, &error));
  g_assert_error (error, ICTO_STORE_ERROR, ICTO_STORE_ERROR_BAD_ROWS);
  g_assert_nonnull (strstr (error->message, "line 3"));
  g_clear_error (&error);
  g_assert_nonnull (report);
  g_assert_cmpuint (report->n_rows, ==, 6);
  g_assert_cmpuint (report->problems->len, ==, G_N_ELEMENTS (bad_lines));
  for (guint i = 0; i < G_N_ELEMENTS (bad_lines); i++)
    g_assert_cmpuint (((IctoImportProblem *) report->problems->pdata[i])->line, ==, bad_lines[i]);
  g_assert_cmpint (icto_store_count (store, rec, &error), ==, 0);

  g_assert_true (icto_store_import_file (store, rec, ICTO_ANNOT_FORMAT_BIDS, path, NULL,
                                         ICTO_IMPORT_SKIP_BAD_ROWS, &report2, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (report2->n_imported, ==, 2);
  g_assert_cmpuint (report2->problems->len, ==, 4);
  g_assert_cmpint (icto_store_count (store, rec, &error), ==, 2);
  {
    g_autoptr(IctoLabel) label = icto_store_get_label (store, NULL, "my_new_label", &error);
    g_assert_no_error (error);
    g_assert_cmpstr (label->vocabulary, ==, "imported");
  }

  /* the whole import is one undoable action */
  g_assert_true (icto_store_undo (store, rec, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (icto_store_count (store, rec, &error), ==, 0);
}

static void
test_bad_files (void)
{
  gint64 rec = 0;
  g_autoptr(IctoStore) store = open_store ("badfiles.db", &rec);
  struct { const char *name; const char *contents; gssize len; IctoAnnotFormat format; IctoStoreError code; } cases[] = {
    { "empty.tsv", "", 0, ICTO_ANNOT_FORMAT_BIDS, ICTO_STORE_ERROR_FORMAT },
    { "nocols.tsv", "a\tb\n1\t2\n", -1, ICTO_ANNOT_FORMAT_BIDS, ICTO_STORE_ERROR_FORMAT },
    { "nosz.tsv", "onset\tduration\n1\t2\n", -1, ICTO_ANNOT_FORMAT_SZCORE, ICTO_STORE_ERROR_FORMAT },
    { "binary.tsv", "onset\tduration\n\0\xff\xfe", 17, ICTO_ANNOT_FORMAT_BIDS, ICTO_STORE_ERROR_FORMAT },
    { "quote.csv", "onset,duration\n1,\"2\n", -1, ICTO_ANNOT_FORMAT_CSV, ICTO_STORE_ERROR_FORMAT },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = tmp_path (cases[i].name);
      g_autoptr(GError) error = NULL;

      g_assert_true (g_file_set_contents (path, cases[i].contents, cases[i].len, NULL));
      g_assert_false (icto_store_import_file (store, rec, cases[i].format, path, NULL,
                                              ICTO_IMPORT_SKIP_BAD_ROWS, NULL, &error));
      g_assert_error (error, ICTO_STORE_ERROR, (int) cases[i].code);
    }
  {
    g_autoptr(GError) error = NULL;
    g_autofree char *missing = tmp_path ("does-not-exist.tsv");
    g_assert_false (icto_store_import_file (store, rec, ICTO_ANNOT_FORMAT_BIDS, missing, NULL,
                                            ICTO_IMPORT_SKIP_BAD_ROWS, NULL, &error));
    g_assert_error (error, ICTO_STORE_ERROR, ICTO_STORE_ERROR_FILE);
  }
}

static void
test_csv_quoting (void)
{
  gint64 rec = 0;
  g_autoptr(IctoStore) store = open_store ("csvq.db", &rec);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autofree char *path = tmp_path ("quoted.csv");
  /* CRLF line ends, a quoted cell with a comma, a quote and a line break, a BOM */
  const char *text =
    "\xEF\xBB\xBFonset,duration,label,channels,text\r\n"
    "1.5,2,spike,\"LA1,LA2\",\"he said \"\"hi\"\",\r\nthen left\"\r\n"
    "3,0,artefact,n/a,plain\r\n";

  g_assert_true (g_file_set_contents (path, text, -1, NULL));
  g_assert_true (icto_store_import_file (store, rec, ICTO_ANNOT_FORMAT_CSV, path, NULL,
                                         ICTO_IMPORT_ALL_OR_NOTHING, NULL, &error));
  g_assert_no_error (error);
  list = icto_store_list (store, rec, G_MININT64, G_MAXINT64, NULL, &error);
  g_assert_cmpuint (list->len, ==, 2);
  g_assert_cmpstr (((IctoAnnotation *) list->pdata[0])->text, ==, "he said \"hi\",\r\nthen left");
  g_assert_cmpstr (((IctoAnnotation *) list->pdata[0])->channels[1], ==, "LA2");
  g_assert_cmpstr (((IctoAnnotation *) list->pdata[1])->label, ==, "artefact");
  g_assert_null (((IctoAnnotation *) list->pdata[1])->channels);
}

static void
test_edf_events (void)
{
  gint64 rec = 0;
  g_autoptr(IctoStore) store = open_store ("edf.db", &rec);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = NULL;
  const IctoStoreEvent events[] = {
    { S (10), S (5), "Seizure" },
    { S (20), -1, "spike@@LA1" },
    { S (20), -1, "spike@@LA2" },
    { S (25), -1, "a@@b not a channel" },
    { S (30), S (2), "  patient coughs " },
    { S (40), S (60), "Seizure SOZ=LA1,LA2" },
    { S (200), -1, "Spikes everywhere" },
  };
  const char *channels[] = { "LA1", "LA2", NULL };
  guint n = 0;

  g_assert_true (icto_store_import_events (store, rec, events, G_N_ELEMENTS (events), channels, "file",
                                           &n, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n, ==, 6);
  list = icto_store_list (store, rec, G_MININT64, G_MAXINT64, NULL, &error);
  g_assert_cmpuint (list->len, ==, 6);
  {
    IctoAnnotation *sim = list->pdata[4], *other = list->pdata[5];

    /* a label name followed by free text: the label, the text kept, a seizure record */
    g_assert_cmpstr (sim->label, ==, "sz");
    g_assert_cmpstr (sim->text, ==, "Seizure SOZ=LA1,LA2");
    g_assert_nonnull (sim->seizure);
    g_assert_cmpint (sim->seizure->eec, ==, S (40));
    g_assert_cmpint (sim->seizure->offset, ==, S (100));
    g_assert_cmpuint (g_strv_length (sim->seizure->soz), ==, 2);
    g_assert_cmpstr (sim->seizure->soz[0], ==, "LA1");
    g_assert_cmpstr (sim->seizure->soz[1], ==, "LA2");
    /* only a whole first word matches: "Spikes" is not "Spike" */
    g_assert_cmpstr (other->label, ==, "note");
  }
  {
    IctoAnnotation *sz = list->pdata[0], *spike = list->pdata[1], *odd = list->pdata[2], *note = list->pdata[3];

    g_assert_cmpstr (sz->label, ==, "sz");
    g_assert_null (sz->text);
    g_assert_cmpint (sz->duration, ==, S (5));
    g_assert_cmpstr (sz->rater, ==, "file");
    g_assert_cmpstr (spike->label, ==, "spike");
    g_assert_cmpint (spike->duration, ==, 0);
    g_assert_cmpuint (g_strv_length (spike->channels), ==, 2);
    g_assert_cmpstr (odd->label, ==, "note");
    g_assert_cmpstr (odd->text, ==, "a@@b not a channel");
    g_assert_null (odd->channels);
    g_assert_cmpstr (note->text, ==, "patient coughs");
  }
}

/* A real BIDS iEEG events.tsv: "Seizure" is the built-in seizure label. */
static void
test_real_bids_events (void)
{
  g_autofree char *path = icto_test_shared_path ("data/real/metadata_only/bids_examples_ieeg_epilepsy/"
                                                 "sub-01_ses-postimp_task-seizure_run-01_events.tsv");
  gint64 rec = 0;
  g_autoptr(IctoStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = NULL;

  if (path == NULL)
    return;
  store = open_store ("realbids.db", &rec);
  g_assert_true (icto_store_import_file (store, rec, ICTO_ANNOT_FORMAT_BIDS, path, NULL,
                                         ICTO_IMPORT_ALL_OR_NOTHING, NULL, &error));
  g_assert_no_error (error);
  list = icto_store_list (store, rec, G_MININT64, G_MAXINT64, NULL, &error);
  g_assert_cmpuint (list->len, ==, 1);
  g_assert_cmpstr (((IctoAnnotation *) list->pdata[0])->label, ==, "sz");
  g_assert_cmpint (((IctoAnnotation *) list->pdata[0])->onset, ==, 1203690000);
  g_assert_cmpint (((IctoAnnotation *) list->pdata[0])->duration, ==, 0);
}

static void
test_training_labels (void)
{
  gint64 rec = 0;
  g_autoptr(IctoStore) store = open_store ("train.db", &rec);
  g_autoptr(GError) error = NULL;
  g_autofree char *path = tmp_path ("train.tsv");
  g_autofree char *text = NULL;
  const char *labels[] = { "sz", "artefact", NULL };
  struct { double onset, duration; const char *label; const char *rater; } items[] = {
    { 7, 7, "sz", "alice" },          /* [7,14): 3 s of [5,10), 4 s of [10,15) */
    { 20, 2.4, "artefact", "alice" }, /* 0.48 of [20,25): below one half */
    { 26, 2, "sz", "alice" },         /* [26,28) ∪ [27,29) = 3 s of [25,30) */
    { 27, 2, "sz", "alice" },
    { 16, 0, "spike", "alice" },      /* not in the label set */
    { 0, 30, "sz", "bob" },           /* another rater */
  };

  for (guint i = 0; i < G_N_ELEMENTS (items); i++)
    {
      g_autoptr(IctoAnnotation) a = make (rec, items[i].onset, items[i].duration, items[i].label);
      a->rater = g_strdup (items[i].rater);
      g_assert_true (icto_store_add (store, a, &error));
      g_assert_no_error (error);
    }
  g_assert_true (icto_store_export_training (store, rec, path, "alice", labels, S (5), S (32), 0.5, "bckg", &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  g_assert_cmpstr (text, ==,
                   "onset\tduration\tlabel\tcoverage\n"
                   "0\t5\tbckg\t0.0000\n"
                   "5\t5\tsz\t0.6000\n"
                   "10\t5\tsz\t0.8000\n"
                   "15\t5\tbckg\t0.0000\n"
                   "20\t5\tbckg\t0.4800\n"
                   "25\t5\tsz\t0.6000\n");

  g_assert_false (icto_store_export_training (store, rec, path, "alice", labels, 0, S (32), 0.5, "bckg", &error));
  g_assert_error (error, ICTO_STORE_ERROR, ICTO_STORE_ERROR_INVALID);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/store/io/round-trip/bids", test_round_trip_bids);
  g_test_add_func ("/store/io/round-trip/csv", test_round_trip_csv);
  g_test_add_func ("/store/io/bids-shape", test_bids_file_shape);
  g_test_add_func ("/store/io/szcore", test_szcore);
  g_test_add_func ("/store/io/szcore-no-seizure", test_szcore_no_seizure);
  g_test_add_func ("/store/io/bad-rows", test_bad_rows);
  g_test_add_func ("/store/io/bad-files", test_bad_files);
  g_test_add_func ("/store/io/csv-quoting", test_csv_quoting);
  g_test_add_func ("/store/io/edf-events", test_edf_events);
  g_test_add_func ("/store/io/training", test_training_labels);
  g_test_add_func ("/store/io/real-bids-events", test_real_bids_events);

  return g_test_run ();
}
