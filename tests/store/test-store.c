/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-store"

#include "config.h"

#include <glib/gstdio.h>
#include <math.h>
#include <sqlite3.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "icto-test-util.h"
#include "store/icto-store-private.h"
#include "store/icto-store.h"

#define S(x) ((gint64) ((x) * 10000000.0 + 0.5))

static char *
db_path (const char *name)
{
  return g_build_filename (icto_test_tmpdir (), name, NULL);
}

static IctoStore *
open_store (const char *name,
            gint64     *recording_id)
{
  g_autofree char *path = db_path (name);
  g_autoptr(GError) error = NULL;
  IctoStore *store = icto_store_open (path, &error);

  g_assert_no_error (error);
  g_assert_nonnull (store);
  icto_store_set_default_rater (store, "alice");
  if (recording_id != NULL)
    {
      *recording_id = icto_store_ensure_recording (store, "fp-0001", "/data/a.edf", S (3600), &error);
      g_assert_no_error (error);
      g_assert_cmpint (*recording_id, >, 0);
    }
  return store;
}

static IctoAnnotation *
make_annotation (gint64      recording_id,
                 double      onset_s,
                 double      duration_s,
                 const char *label)
{
  IctoAnnotation *a = icto_annotation_new ();

  a->recording_id = recording_id;
  a->onset = S (onset_s);
  a->duration = S (duration_s);
  a->label = g_strdup (label);
  return a;
}

static IctoAnnotation *
make_full_seizure (gint64 recording_id)
{
  IctoAnnotation *a = make_annotation (recording_id, 100.25, 61.5, "sz");
  const char *channels[] = { "LA1", "LA2", "LH3", NULL };
  const char *soz[] = { "LA1", "LA2", NULL };
  const char *spread[] = { "LH3", NULL };

  a->channels = g_strdupv ((char **) channels);
  a->rater = g_strdup ("bob");
  a->confidence = 0.75;
  a->text = g_strdup ("typical aura, then \"staring\"\twith tab\nand newline, comma \\ backslash");
  a->seizure = icto_seizure_info_new ();
  a->seizure->clinical_onset = S (112.0);
  a->seizure->eec = S (100.25);
  a->seizure->ueo = S (104.5);
  a->seizure->offset = S (161.75);
  a->seizure->soz = g_strdupv ((char **) soz);
  a->seizure->early_spread = g_strdupv ((char **) spread);
  a->seizure->onset_pattern = g_strdup ("lvfa");
  a->seizure->seizure_type = g_strdup ("sz_foc_ia_m_automatisms");
  return a;
}

static guint
count_all (IctoStore *store,
           gint64     recording_id)
{
  g_autoptr(GError) error = NULL;
  gint64 n = icto_store_count (store, recording_id, &error);

  g_assert_no_error (error);
  return (guint) n;
}

static void
test_open_create (void)
{
  gint64 rec = 0;
  g_autoptr(IctoStore) store = open_store ("create.db", &rec);
  g_autoptr(GPtrArray) labels = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *def = icto_store_default_path ();
  g_autofree char *path = db_path ("create.db");
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;

  g_assert_true (g_str_has_suffix (def, "/ictoscope/annotations.db"));
  g_assert_false (icto_store_is_read_only (store));

  labels = icto_store_list_labels (store, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (labels->len, ==, 14);
  g_assert_cmpstr (((IctoLabel *) labels->pdata[0])->code, ==, "sz");
  g_assert_cmpstr (((IctoLabel *) labels->pdata[0])->szcore, ==, "sz");
  g_assert_cmpstr (((IctoLabel *) labels->pdata[0])->category, ==, "seizure");
  for (guint i = 0; i < labels->len; i++)
    {
      IctoLabel *l = labels->pdata[i];
      g_assert_cmpint (l->position, ==, (int) i + 1);
      g_assert_cmpuint (strlen (l->colour), ==, 7);
    }

  /* schema version, WAL and foreign keys seen from an independent connection */
  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "PRAGMA user_version", -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, ICTO_STORE_SCHEMA_VERSION);
  sqlite3_finalize (stmt);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "PRAGMA journal_mode", -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 0), ==, "wal");
  sqlite3_finalize (stmt);
  sqlite3_close (db);

  /* foreign keys are on: an annotation of an unknown recording is refused */
  {
    g_autoptr(IctoAnnotation) a = make_annotation (rec + 1000, 1, 1, "spike");
    g_assert_false (icto_store_add (store, a, &error));
    g_assert_error (error, ICTO_STORE_ERROR, ICTO_STORE_ERROR_NOT_FOUND);
    g_assert_cmpuint (icto_store_get_n_pending (store), ==, 0);
  }
}

static void
test_open_too_new (void)
{
  g_autofree char *path = db_path ("new.db");
  g_autoptr(GError) error = NULL;
  IctoStore *store;

  store = open_store ("new.db", NULL);
  g_assert_true (_icto_store_exec (store, "PRAGMA user_version = 99", &error));
  g_assert_no_error (error);
  g_object_unref (store);

  store = icto_store_open (path, &error);
  g_assert_null (store);
  g_assert_error (error, ICTO_STORE_ERROR, ICTO_STORE_ERROR_TOO_NEW);
}

static void
test_open_not_a_db (void)
{
  g_autofree char *path = db_path ("garbage.db");
  g_autoptr(GError) error = NULL;
  g_autoptr(IctoStore) store = NULL;
  char junk[4096];

  for (guint i = 0; i < sizeof junk; i++)
    junk[i] = (char) (i * 37 + 11);
  g_assert_true (g_file_set_contents (path, junk, sizeof junk, NULL));
  store = icto_store_open (path, &error);
  g_assert_null (store);
  g_assert_error (error, ICTO_STORE_ERROR, ICTO_STORE_ERROR_CORRUPT);
}

static void
test_recording_fingerprint (void)
{
  gint64 rec = 0, again, other;
  g_autoptr(IctoStore) store = open_store ("fp.db", &rec);
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  /* the same file opened from a new place: same id, new last path */
  again = icto_store_ensure_recording (store, "fp-0001", "/moved/b.edf", -1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (again, ==, rec);
  path = icto_store_get_recording_path (store, rec, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (path, ==, "/moved/b.edf");
  g_assert_cmpint (icto_store_get_recording_duration (store, rec), ==, S (3600));

  other = icto_store_ensure_recording (store, "fp-0002", "/data/c.edf", S (10), &error);
  g_assert_no_error (error);
  g_assert_cmpint (other, !=, rec);
  g_assert_cmpint (icto_store_find_recording (store, "fp-0002", &error), ==, other);
  g_assert_cmpint (icto_store_find_recording (store, "fp-9999", &error), ==, 0);
  g_assert_error (error, ICTO_STORE_ERROR, ICTO_STORE_ERROR_NOT_FOUND);
}

static void
changed_cb (IctoStore *store,
            gint64     recording_id,
            gpointer   user_data)
{
  guint *count = user_data;
  (*count)++;
}

static void
test_crud (void)
{
  gint64 rec = 0;
  g_autoptr(IctoStore) store = open_store ("crud.db", &rec);
  g_autoptr(IctoAnnotation) a = make_full_seizure (rec);
  g_autoptr(IctoAnnotation) got = NULL;
  g_autoptr(IctoAnnotation) got2 = NULL;
  g_autoptr(GError) error = NULL;
  guint changes = 0;
  gint64 before;

  g_signal_connect (store, "changed", G_CALLBACK (changed_cb), &changes);

  before = g_get_real_time ();
  g_assert_true (icto_store_add (store, a, &error));
  g_assert_no_error (error);
  g_assert_cmpint (a->id, >, 0);
  g_assert_cmpint (a->created, >=, before);
  g_assert_cmpint (a->modified, ==, a->created);
  g_assert_cmpuint (changes, ==, 1);

  got = icto_store_get (store, a->id, &error);
  g_assert_no_error (error);
  g_assert_true (icto_annotation_equal (a, got, TRUE, TRUE));
  g_assert_cmpstr (got->seizure->onset_pattern, ==, "lvfa");
  g_assert_cmpstr (got->channels[2], ==, "LH3");

  /* default rater and NAN confidence */
  {
    g_autoptr(IctoAnnotation) b = make_annotation (rec, 5, 0, "spike");
    g_autoptr(IctoAnnotation) b2 = NULL;

    g_assert_true (icto_store_add (store, b, &error));
    g_assert_no_error (error);
    b2 = icto_store_get (store, b->id, &error);
    g_assert_cmpstr (b2->rater, ==, "alice");
    g_assert_true (isnan (b2->confidence));
    g_assert_null (b2->channels);
    g_assert_null (b2->seizure);
    g_assert_null (b2->text);
  }

  /* edit every field */
  g_free (got->label);
  got->label = g_strdup ("sz_subclinical");
  got->onset = S (99.0000001);
  got->duration = S (1);
  got->confidence = NAN;
  g_clear_pointer (&got->channels, g_strfreev);
  g_free (got->text);
  got->text = g_strdup ("changed");
  got->seizure->ueo = ICTO_STORE_TIME_NONE;
  g_clear_pointer (&got->seizure->onset_pattern, g_free);
  g_usleep (2);
  g_assert_true (icto_store_update (store, got, &error));
  g_assert_no_error (error);
  g_assert_cmpint (got->created, ==, a->created);
  g_assert_cmpint (got->modified, >, a->modified);
  got2 = icto_store_get (store, a->id, &error);
  g_assert_no_error (error);
  g_assert_true (icto_annotation_equal (got, got2, TRUE, TRUE));
  g_assert_cmpint (got2->onset, ==, 990000001);
  g_assert_cmpuint (changes, ==, 3);

  g_assert_true (icto_store_delete (store, a->id, &error));
  g_assert_no_error (error);
  g_assert_null (icto_store_get (store, a->id, &error));
  g_assert_error (error, ICTO_STORE_ERROR, ICTO_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (icto_store_delete (store, a->id, &error));
  g_assert_error (error, ICTO_STORE_ERROR, ICTO_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_cmpuint (icto_store_get_n_pending (store), ==, 0);
  g_assert_cmpuint (count_all (store, rec), ==, 1);
  g_assert_cmpuint (changes, ==, 4);
}

typedef struct {
  const char *label;
  double      duration;
  double      confidence;
  const char *channel;
  const char *rater;
  IctoStoreError code;
} InvalidCase;

static void
test_invalid (void)
{
  static const InvalidCase cases[] = {
    { "spike", -1, NAN, NULL, NULL, ICTO_STORE_ERROR_INVALID },
    { "spike", 1, 1.5, NULL, NULL, ICTO_STORE_ERROR_INVALID },
    { "spike", 1, -0.1, NULL, NULL, ICTO_STORE_ERROR_INVALID },
    { "", 1, NAN, NULL, NULL, ICTO_STORE_ERROR_INVALID },
    { "spike", 1, NAN, "A,B", NULL, ICTO_STORE_ERROR_INVALID },
    { "spike", 1, NAN, "", NULL, ICTO_STORE_ERROR_INVALID },
    { "spike", 1, NAN, NULL, "", ICTO_STORE_ERROR_INVALID },
    { "no-such-label", 1, NAN, NULL, NULL, ICTO_STORE_ERROR_UNKNOWN_LABEL },
  };
  gint64 rec = 0;
  g_autoptr(IctoStore) store = open_store ("invalid.db", &rec);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(IctoAnnotation) a = make_annotation (rec, 1, 0, cases[i].label);
      g_autoptr(GError) error = NULL;

      a->duration = (gint64) (cases[i].duration * 1e7);
      a->confidence = cases[i].confidence;
      if (cases[i].channel != NULL)
        {
          a->channels = g_new0 (char *, 2);
          a->channels[0] = g_strdup (cases[i].channel);
        }
      a->rater = g_strdup (cases[i].rater);
      g_assert_false (icto_store_add (store, a, &error));
      g_assert_error (error, ICTO_STORE_ERROR, (int) cases[i].code);
      g_assert_cmpint (a->id, ==, 0);
    }
  g_assert_cmpuint (count_all (store, rec), ==, 0);
  g_assert_cmpuint (icto_store_get_n_pending (store), ==, 0);
}

/* Sorted "label@onset" summary of a recording's annotations. */
static char *
summary (IctoStore *store,
         gint64     rec)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = icto_store_list (store, rec, G_MININT64, G_MAXINT64, NULL, &error);
  GString *s = g_string_new (NULL);

  g_assert_no_error (error);
  for (guint i = 0; i < list->len; i++)
    {
      IctoAnnotation *a = list->pdata[i];
      g_string_append_printf (s, "%s%s@%" G_GINT64_FORMAT, i ? " " : "", a->label,
                              a->onset / 10000000);
    }
  return g_string_free (s, FALSE);
}

static void
assert_summary (IctoStore  *store,
                gint64      rec,
                const char *expected)
{
  g_autofree char *s = summary (store, rec);
  g_assert_cmpstr (s, ==, expected);
}

static void
test_undo_redo (void)
{
  gint64 rec = 0;
  g_autoptr(IctoStore) store = open_store ("undo.db", &rec);
  g_autoptr(IctoAnnotation) a = make_annotation (rec, 10, 1, "spike");
  g_autoptr(IctoAnnotation) b = make_full_seizure (rec);
  g_autoptr(IctoAnnotation) b_saved = NULL;
  g_autoptr(IctoAnnotation) b_back = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *desc = NULL;
  guint n_undo = 99, n_redo = 99;

  g_assert_false (icto_store_undo (store, rec, NULL, &error));
  g_assert_error (error, ICTO_STORE_ERROR, ICTO_STORE_ERROR_NOTHING_TO_UNDO);
  g_clear_error (&error);

  g_assert_true (icto_store_add (store, a, &error));
  g_assert_true (icto_store_add (store, b, &error));
  b_saved = icto_annotation_copy (b);
  a->onset = S (20);
  g_assert_true (icto_store_update (store, a, &error));
  g_assert_true (icto_store_delete (store, b->id, &error));
  g_assert_no_error (error);
  assert_summary (store, rec, "spike@20");
  g_assert_true (icto_store_get_history_depth (store, rec, &n_undo, &n_redo, &error));
  g_assert_cmpuint (n_undo, ==, 4);
  g_assert_cmpuint (n_redo, ==, 0);

  g_assert_true (icto_store_undo (store, rec, &desc, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (desc, ==, "Delete annotation");
  assert_summary (store, rec, "spike@20 sz@100");
  /* the deleted seizure comes back whole, with its id and times */
  b_back = icto_store_get (store, b->id, &error);
  g_assert_no_error (error);
  g_assert_true (icto_annotation_equal (b_saved, b_back, TRUE, TRUE));

  g_assert_true (icto_store_undo (store, rec, NULL, &error));
  assert_summary (store, rec, "spike@10 sz@100");
  g_assert_true (icto_store_undo (store, rec, NULL, &error));
  assert_summary (store, rec, "spike@10");
  g_assert_true (icto_store_undo (store, rec, NULL, &error));
  assert_summary (store, rec, "");
  g_assert_false (icto_store_undo (store, rec, NULL, &error));
  g_assert_error (error, ICTO_STORE_ERROR, ICTO_STORE_ERROR_NOTHING_TO_UNDO);
  g_clear_error (&error);
  g_assert_true (icto_store_get_history_depth (store, rec, &n_undo, &n_redo, &error));
  g_assert_cmpuint (n_undo, ==, 0);
  g_assert_cmpuint (n_redo, ==, 4);

  g_assert_true (icto_store_redo (store, rec, NULL, &error));
  assert_summary (store, rec, "spike@10");
  g_assert_true (icto_store_redo (store, rec, NULL, &error));
  assert_summary (store, rec, "spike@10 sz@100");
  g_assert_true (icto_store_redo (store, rec, NULL, &error));
  assert_summary (store, rec, "spike@20 sz@100");
  g_assert_true (icto_store_redo (store, rec, NULL, &error));
  assert_summary (store, rec, "spike@20");
  g_assert_false (icto_store_redo (store, rec, NULL, &error));
  g_assert_error (error, ICTO_STORE_ERROR, ICTO_STORE_ERROR_NOTHING_TO_REDO);
  g_clear_error (&error);

  /* a new action after undo clears the redo stack */
  g_assert_true (icto_store_undo (store, rec, NULL, &error));
  g_assert_true (icto_store_undo (store, rec, NULL, &error));
  assert_summary (store, rec, "spike@10 sz@100");
  {
    g_autoptr(IctoAnnotation) c = make_annotation (rec, 30, 0, "artefact");
    g_assert_true (icto_store_add (store, c, &error));
  }
  g_assert_false (icto_store_redo (store, rec, NULL, &error));
  g_assert_error (error, ICTO_STORE_ERROR, ICTO_STORE_ERROR_NOTHING_TO_REDO);
  g_clear_error (&error);
  assert_summary (store, rec, "spike@10 artefact@30 sz@100");
  g_assert_true (icto_store_undo (store, rec, NULL, &error));
  g_assert_true (icto_store_undo (store, rec, NULL, &error));
  assert_summary (store, rec, "spike@10");
  g_assert_no_error (error);
}

static void
test_undo_across_reopen (void)
{
  gint64 rec = 0;
  IctoStore *store = open_store ("reopen.db", &rec);
  g_autoptr(IctoAnnotation) a = make_annotation (rec, 10, 1, "spike");
  g_autoptr(GError) error = NULL;

  g_assert_true (icto_store_add (store, a, &error));
  a->onset = S (40);
  g_assert_true (icto_store_update (store, a, &error));
  g_assert_no_error (error);
  g_object_unref (store);

  store = open_store ("reopen.db", &rec);
  assert_summary (store, rec, "spike@40");
  g_assert_true (icto_store_undo (store, rec, NULL, &error));
  g_assert_no_error (error);
  assert_summary (store, rec, "spike@10");
  g_object_unref (store);

  store = open_store ("reopen.db", &rec);
  assert_summary (store, rec, "spike@10");
  g_assert_true (icto_store_redo (store, rec, NULL, &error));
  g_assert_no_error (error);
  assert_summary (store, rec, "spike@40");
  g_assert_true (icto_store_undo (store, rec, NULL, &error));
  g_assert_true (icto_store_undo (store, rec, NULL, &error));
  g_assert_no_error (error);
  assert_summary (store, rec, "");
  g_object_unref (store);

  store = open_store ("reopen.db", &rec);
  g_assert_true (icto_store_redo (store, rec, NULL, &error));
  g_assert_true (icto_store_redo (store, rec, NULL, &error));
  g_assert_no_error (error);
  assert_summary (store, rec, "spike@40");
  g_object_unref (store);
}

static void
test_undo_per_recording (void)
{
  gint64 rec = 0, rec2;
  g_autoptr(IctoStore) store = open_store ("perrec.db", &rec);
  g_autoptr(IctoAnnotation) a = make_annotation (rec, 10, 1, "spike");
  g_autoptr(IctoAnnotation) b = NULL;
  g_autoptr(GError) error = NULL;

  rec2 = icto_store_ensure_recording (store, "fp-other", NULL, -1, &error);
  b = make_annotation (rec2, 5, 1, "artefact");
  g_assert_true (icto_store_add (store, a, &error));
  g_assert_true (icto_store_add (store, b, &error));
  g_assert_no_error (error);
  /* undo on the first recording reverts its own latest action, not the other's */
  g_assert_true (icto_store_undo (store, rec, NULL, &error));
  g_assert_no_error (error);
  assert_summary (store, rec, "");
  assert_summary (store, rec2, "artefact@5");
}

static void
test_list_range (void)
{
  gint64 rec = 0, rec2;
  g_autoptr(IctoStore) store = open_store ("range.db", &rec);
  g_autoptr(GError) error = NULL;
  struct { double onset, duration; const char *rater; } items[] = {
    { 0, 10, "alice" },       /* [0,10) */
    { 10, 0, "alice" },       /* instant at 10 */
    { 15, 5, "bob" },         /* [15,20) */
    { 5, 3000, "bob" },       /* long: [5, 3005) */
    { 20, 0, "alice" },       /* instant at 20 */
    { 100.5, 0.25, "carol" },
  };
  struct { double start, end; const char *expected; } queries[] = {
    { 10, 15, "5 10 " },           /* [0,10) ends at 10: out; instant 10 in */
    { 9.9999999, 10, "0 5 " },
    { 20, 21, "5 20 " },           /* [15,20) ends at 20: out */
    { 19.9999999, 20, "5 15 " },
    { 100, 100.5, "5 " },
    { 100.75, 200, "5 " },
    { 100.7499999, 200, "5 100 " },
    { 3005, 4000, "" },
    { -100, 0, "" },
  };
  const char *bob[] = { "bob", NULL };
  g_autoptr(GPtrArray) filtered = NULL;

  rec2 = icto_store_ensure_recording (store, "fp-other", NULL, -1, &error);
  for (guint i = 0; i < G_N_ELEMENTS (items); i++)
    {
      g_autoptr(IctoAnnotation) a = make_annotation (rec, items[i].onset, items[i].duration, "spike");
      g_autoptr(IctoAnnotation) other = make_annotation (rec2, items[i].onset, items[i].duration, "spike");

      a->rater = g_strdup (items[i].rater);
      g_assert_true (icto_store_add (store, a, &error));
      g_assert_true (icto_store_add (store, other, &error));
      g_assert_no_error (error);
    }
  for (guint q = 0; q < G_N_ELEMENTS (queries); q++)
    {
      g_autoptr(GPtrArray) list = icto_store_list (store, rec, S (queries[q].start), S (queries[q].end), NULL, &error);
      g_autoptr(GString) got = g_string_new (NULL);

      g_assert_no_error (error);
      for (guint i = 0; i < list->len; i++)
        g_string_append_printf (got, "%" G_GINT64_FORMAT " ", ((IctoAnnotation *) list->pdata[i])->onset / 10000000);
      g_test_message ("query [%g, %g)", queries[q].start, queries[q].end);
      g_assert_cmpstr (got->str, ==, queries[q].expected);
    }

  filtered = icto_store_list (store, rec, G_MININT64, G_MAXINT64, bob, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (filtered->len, ==, 2);
  g_assert_cmpstr (((IctoAnnotation *) filtered->pdata[0])->rater, ==, "bob");
}

static void
test_raters (void)
{
  gint64 rec = 0;
  g_autoptr(IctoStore) store = open_store ("raters.db", &rec);
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) raters = NULL;
  g_autoptr(IctoAnnotation) a = make_annotation (rec, 1, 1, "spike");

  a->rater = g_strdup ("zoe");
  g_assert_true (icto_store_add (store, a, &error));
  g_assert_true (icto_store_add_rater (store, "bob", &error));
  g_assert_true (icto_store_add_rater (store, "bob", &error));
  g_assert_no_error (error);
  g_assert_false (icto_store_add_rater (store, "", &error));
  g_assert_error (error, ICTO_STORE_ERROR, ICTO_STORE_ERROR_INVALID);
  g_clear_error (&error);
  raters = icto_store_list_raters (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (raters), ==, 2);
  g_assert_cmpstr (raters[0], ==, "bob");
  g_assert_cmpstr (raters[1], ==, "zoe");
}

static void
test_vocabulary (void)
{
  gint64 rec = 0;
  g_autoptr(IctoStore) store = open_store ("vocab.db", &rec);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) labels = NULL;
  g_autoptr(IctoLabel) got = NULL;
  g_autoptr(IctoLabel) matched = NULL;
  IctoLabel mine = { (char *) "lab", (char *) "ied_burst", (char *) "IED burst", NULL,
                     (char *) "interictal", NULL, NULL, -1 };
  IctoLabel bad = { (char *) "lab", (char *) "x", (char *) "x", (char *) "red", NULL, NULL, NULL, -1 };
  g_autoptr(IctoAnnotation) a = make_annotation (rec, 1, 1, "ied_burst");

  g_assert_true (icto_store_set_label (store, &mine, &error));
  g_assert_no_error (error);
  got = icto_store_get_label (store, "lab", "ied_burst", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (got->colour, ==, "#E69F00");   /* first Okabe-Ito colour */
  g_assert_cmpint (got->position, ==, 1);
  g_assert_false (icto_store_set_label (store, &bad, &error));
  g_assert_error (error, ICTO_STORE_ERROR, ICTO_STORE_ERROR_INVALID);
  g_clear_error (&error);

  /* edit a built-in label's colour */
  {
    g_autoptr(IctoLabel) sz = icto_store_get_label (store, NULL, "sz", &error);
    g_autoptr(IctoLabel) sz2 = NULL;
    g_free (sz->colour);
    sz->colour = g_strdup ("#CC79A7");
    g_assert_true (icto_store_set_label (store, sz, &error));
    sz2 = icto_store_get_label (store, NULL, "sz", &error);
    g_assert_cmpstr (sz2->colour, ==, "#CC79A7");
    g_assert_cmpint (sz2->position, ==, 1);
  }

  g_assert_true (icto_store_add (store, a, &error));
  g_assert_no_error (error);
  g_assert_false (icto_store_remove_label (store, "lab", "ied_burst", &error));
  g_assert_error (error, ICTO_STORE_ERROR, ICTO_STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_true (icto_store_delete (store, a->id, &error));
  g_assert_true (icto_store_remove_label (store, "lab", "ied_burst", &error));
  g_assert_no_error (error);
  g_assert_false (icto_store_remove_label (store, "lab", "ied_burst", &error));
  g_assert_error (error, ICTO_STORE_ERROR, ICTO_STORE_ERROR_UNKNOWN_LABEL);
  g_clear_error (&error);
  labels = icto_store_list_labels (store, "lab", &error);
  g_assert_cmpuint (labels->len, ==, 0);

  matched = icto_store_match_label (store, "  subclinical SEIZURE ");
  g_assert_nonnull (matched);
  g_assert_cmpstr (matched->code, ==, "sz_subclinical");
  g_assert_null (icto_store_match_label (store, "coffee break"));
}

static void
notify_cb (GObject    *object,
           GParamSpec *pspec,
           gpointer    user_data)
{
  guint *count = user_data;
  (*count)++;
}

static void
test_pending_read_only (void)
{
  gint64 rec = 0;
  g_autoptr(IctoStore) store = open_store ("ro.db", &rec);
  g_autoptr(IctoAnnotation) a = make_annotation (rec, 10, 1, "spike");
  g_autoptr(IctoAnnotation) b = make_annotation (rec, 20, 1, "artefact");
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) pending = NULL;
  guint notified = 0;

  g_signal_connect (store, "notify::n-pending", G_CALLBACK (notify_cb), &notified);
  g_assert_true (_icto_store_exec (store, "PRAGMA query_only = 1", &error));

  g_assert_false (icto_store_add (store, a, &error));
  g_assert_error (error, ICTO_STORE_ERROR, ICTO_STORE_ERROR_READ_ONLY);
  g_clear_error (&error);
  g_assert_false (icto_store_add (store, b, &error));
  g_assert_error (error, ICTO_STORE_ERROR, ICTO_STORE_ERROR_READ_ONLY);
  g_clear_error (&error);
  g_assert_cmpuint (icto_store_get_n_pending (store), ==, 2);
  g_assert_cmpuint (notified, ==, 2);
  pending = icto_store_get_pending (store);
  g_assert_cmpuint (pending->len, ==, 2);
  g_assert_cmpstr (((IctoAnnotation *) pending->pdata[1])->label, ==, "artefact");
  g_assert_false (icto_store_flush_pending (store, &error));
  g_assert_error (error, ICTO_STORE_ERROR, ICTO_STORE_ERROR_READ_ONLY);
  g_clear_error (&error);
  g_assert_cmpuint (count_all (store, rec), ==, 0);

  /* writable again: saved in order */
  g_assert_true (_icto_store_exec (store, "PRAGMA query_only = 0", &error));
  g_assert_true (icto_store_flush_pending (store, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (icto_store_get_n_pending (store), ==, 0);
  assert_summary (store, rec, "spike@10 artefact@20");
  g_assert_cmpuint (notified, ==, 3);
  /* and undoable */
  g_assert_true (icto_store_undo (store, rec, NULL, &error));
  assert_summary (store, rec, "spike@10");
}

static void
test_pending_full (void)
{
  gint64 rec = 0;
  g_autoptr(IctoStore) store = open_store ("full.db", &rec);
  g_autoptr(IctoAnnotation) a = make_annotation (rec, 10, 1, "spike");
  g_autoptr(IctoAnnotation) later = make_annotation (rec, 30, 1, "spike");
  g_autoptr(GError) error = NULL;

  /* the database may not grow: the next change needs new pages */
  g_assert_true (_icto_store_exec (store, "PRAGMA max_page_count = 1", &error));
  a->text = g_strnfill (200000, 'x');
  g_assert_false (icto_store_add (store, a, &error));
  g_assert_error (error, ICTO_STORE_ERROR, ICTO_STORE_ERROR_FULL);
  g_clear_error (&error);
  g_assert_cmpuint (icto_store_get_n_pending (store), ==, 1);
  g_assert_cmpint (a->id, ==, 0);
  /* a later change waits behind it, keeping the order */
  g_assert_false (icto_store_add (store, later, &error));
  g_assert_error (error, ICTO_STORE_ERROR, ICTO_STORE_ERROR_FULL);
  g_clear_error (&error);
  g_assert_cmpuint (icto_store_get_n_pending (store), ==, 2);
  g_assert_true (icto_store_check_integrity (store, &error));
  g_assert_no_error (error);

  /* space again: the next change saves the queue first */
  g_assert_true (_icto_store_exec (store, "PRAGMA max_page_count = 1000000", &error));
  {
    g_autoptr(IctoAnnotation) c = make_annotation (rec, 50, 1, "spike");
    g_autoptr(GPtrArray) list = NULL;

    g_assert_true (icto_store_add (store, c, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (icto_store_get_n_pending (store), ==, 0);
    list = icto_store_list (store, rec, G_MININT64, G_MAXINT64, NULL, &error);
    g_assert_cmpuint (list->len, ==, 3);
    g_assert_cmpuint (strlen (((IctoAnnotation *) list->pdata[0])->text), ==, 200000);
  }
}

static void
test_read_only_file (void)
{
  gint64 rec = 0;
  g_autofree char *path = db_path ("rofile.db");
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autoptr(GError) error = NULL;
  IctoStore *store;

  /* Root ignores file permissions: as root, run this case in a subprocess
   * that drops to an unprivileged user (nobody) before touching the files. */
  if (geteuid () == 0 && !g_test_subprocess ())
    {
      g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDOUT | G_TEST_SUBPROCESS_INHERIT_STDERR);
      g_test_trap_assert_passed ();
      return;
    }
  if (geteuid () == 0)
    {
      const char *dir = icto_test_tmpdir ();
      const uid_t nobody = 65534;

      g_assert_cmpint (chown (dir, nobody, nobody), ==, 0);
      g_assert_cmpint (setgid (nobody), ==, 0);
      g_assert_cmpint (setuid (nobody), ==, 0);
      g_assert_cmpint (geteuid (), ==, nobody);
      /* keep the process traceable for LeakSanitizer after the uid change */
      prctl (PR_SET_DUMPABLE, 1, 0, 0, 0);
    }
  store = open_store ("rofile.db", &rec);
  {
    g_autoptr(IctoAnnotation) a = make_annotation (rec, 10, 1, "spike");
    g_assert_true (icto_store_add (store, a, &error));
  }
  g_object_unref (store);
  g_assert_cmpint (g_chmod (path, 0444), ==, 0);
  store = icto_store_open (path, &error);
  g_assert_no_error (error);
  g_assert_true (icto_store_is_read_only (store));
  assert_summary (store, rec, "spike@10");
  {
    g_autoptr(IctoAnnotation) b = make_annotation (rec, 20, 1, "spike");
    g_assert_false (icto_store_add (store, b, &error));
    g_assert_error (error, ICTO_STORE_ERROR, ICTO_STORE_ERROR_READ_ONLY);
    g_assert_cmpuint (icto_store_get_n_pending (store), ==, 1);
  }
  g_object_unref (store);
  g_chmod (path, 0644);
}

typedef struct {
  const char *path;
  const char *rater;
  guint       n_ok;
} ThreadJob;

/* One connection per thread: each thread opens its own IctoStore. */
static gpointer
thread_writer (gpointer data)
{
  ThreadJob *job = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(IctoStore) store = icto_store_open (job->path, &error);
  gint64 rec;

  if (store == NULL)
    return NULL;
  rec = icto_store_ensure_recording (store, "fp-threads", NULL, -1, &error);
  for (guint i = 0; i < 60 && rec > 0; i++)
    {
      g_autoptr(IctoAnnotation) a = make_annotation (rec, i, 1, "spike");

      a->rater = g_strdup (job->rater);
      if (icto_store_add (store, a, NULL))
        job->n_ok++;
    }
  return NULL;
}

static void
test_threads (void)
{
  g_autofree char *path = db_path ("threads.db");
  ThreadJob jobs[2] = { { path, "t1", 0 }, { path, "t2", 0 } };
  GThread *threads[2];
  g_autoptr(GError) error = NULL;
  g_autoptr(IctoStore) store = NULL;
  gint64 rec;

  for (int i = 0; i < 2; i++)
    threads[i] = g_thread_new ("writer", thread_writer, &jobs[i]);
  for (int i = 0; i < 2; i++)
    g_thread_join (threads[i]);
  g_assert_cmpuint (jobs[0].n_ok, ==, 60);
  g_assert_cmpuint (jobs[1].n_ok, ==, 60);
  store = icto_store_open (path, &error);
  g_assert_no_error (error);
  rec = icto_store_find_recording (store, "fp-threads", &error);
  g_assert_cmpint (icto_store_count (store, rec, &error), ==, 120);
  g_assert_true (icto_store_check_integrity (store, &error));
  g_assert_no_error (error);
}

static void
test_seconds_format (void)
{
  struct { gint64 ticks; const char *text; } cases[] = {
    { 0, "0" }, { 10000000, "1" }, { 125000000, "12.5" }, { 1, "0.0000001" },
    { -1, "-0.0000001" }, { -15000000, "-1.5" }, { G_GINT64_CONSTANT (86400) * 10000000 * 365, "31536000" },
  };
  struct { const char *text; gint64 ticks; gboolean ok; } parse[] = {
    { "12.5", 125000000, TRUE }, { " 3 ", 30000000, TRUE }, { "0.00000005", 1, TRUE },
    { "0.00000004", 0, TRUE }, { "-0.00000005", -1, TRUE }, { "1e-3", 10000, TRUE },
    { "+2.", 20000000, TRUE }, { ".5", 5000000, TRUE }, { "abc", 0, FALSE }, { "", 0, FALSE },
    { "1.2.3", 0, FALSE }, { "nan", 0, FALSE }, { "1e400", 0, FALSE },
    { "99999999999999999999", 0, FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *s = icto_store_format_seconds (cases[i].ticks);
      gint64 back = 0;

      g_assert_cmpstr (s, ==, cases[i].text);
      g_assert_true (icto_store_parse_seconds (s, &back));
      g_assert_cmpint (back, ==, cases[i].ticks);
    }
  for (guint i = 0; i < G_N_ELEMENTS (parse); i++)
    {
      gint64 t = 0;

      g_test_message ("parse “%s”", parse[i].text);
      g_assert_cmpint (icto_store_parse_seconds (parse[i].text, &t), ==, parse[i].ok);
      if (parse[i].ok)
        g_assert_cmpint (t, ==, parse[i].ticks);
    }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/store/open/create", test_open_create);
  g_test_add_func ("/store/open/too-new", test_open_too_new);
  g_test_add_func ("/store/open/not-a-db", test_open_not_a_db);
  g_test_add_func ("/store/recording/fingerprint", test_recording_fingerprint);
  g_test_add_func ("/store/crud", test_crud);
  g_test_add_func ("/store/invalid", test_invalid);
  g_test_add_func ("/store/undo/redo", test_undo_redo);
  g_test_add_func ("/store/undo/reopen", test_undo_across_reopen);
  g_test_add_func ("/store/undo/per-recording", test_undo_per_recording);
  g_test_add_func ("/store/list/range", test_list_range);
  g_test_add_func ("/store/raters", test_raters);
  g_test_add_func ("/store/vocabulary", test_vocabulary);
  g_test_add_func ("/store/pending/read-only", test_pending_read_only);
  g_test_add_func ("/store/pending/full", test_pending_full);
  g_test_add_func ("/store/pending/read-only-file", test_read_only_file);
  g_test_add_func ("/store/seconds", test_seconds_format);
  g_test_add_func ("/store/threads", test_threads);

  return g_test_run ();
}
