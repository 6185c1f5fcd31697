/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-annotation-list"

#include "config.h"

#include <glib/gstdio.h>

#include "core/icto-annotation-export.h"
#include "core/icto-annotation-list.h"
#include "icto-test-util.h"
#include "signal/icto-recording.h"
#include "store/icto-store-io.h"

#define S(x) ((gint64) ((x) * 10000000.0 + 0.5))

static IctoStore *
open_store (const char *name,
            gint64     *recording_id)
{
  g_autofree char *path = g_build_filename (icto_test_tmpdir (), name, NULL);
  g_autoptr(GError) error = NULL;
  IctoStore *store;

  g_unlink (path);
  store = icto_store_open (path, &error);
  g_assert_no_error (error);
  icto_store_set_default_rater (store, "alice");
  *recording_id = icto_store_ensure_recording (store, "fp-list", "/data/a.edf", S (3600), &error);
  g_assert_no_error (error);
  g_assert_cmpint (*recording_id, >, 0);
  return store;
}

static gint64
add (IctoStore  *store,
     gint64      rec,
     double      onset_s,
     double      duration_s,
     const char *label,
     const char *rater,
     const char *channels)
{
  g_autoptr(IctoAnnotation) a = icto_annotation_new ();
  g_autoptr(GError) error = NULL;

  a->recording_id = rec;
  a->onset = S (onset_s);
  a->duration = S (duration_s);
  a->label = g_strdup (label);
  a->rater = g_strdup (rater);
  if (channels != NULL)
    a->channels = g_strsplit (channels, ",", -1);
  g_assert_true (icto_store_add (store, a, &error));
  g_assert_no_error (error);
  return a->id;
}

/* Runs the pending idle reloads (the list follows the store from an idle). */
static void
flush (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static const IctoAnnotation *
item_at (IctoAnnotationList *list,
         guint               i)
{
  g_autoptr(IctoAnnotationItem) item = g_list_model_get_item (G_LIST_MODEL (list), i);

  g_assert_nonnull (item);
  /* the list holds its own reference: the annotation outlives this one */
  return icto_annotation_item_get_annotation (item);
}

typedef struct {
  guint position, removed, added, n_calls;
} Changes;

static void
items_changed_cb (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  Changes    *c)
{
  c->position = position;
  c->removed = removed;
  c->added = added;
  c->n_calls++;
}

/* Sorted by onset, filtered by rater and label, item properties. */
static void
test_list_filter_sort (void)
{
  gint64 rec;
  g_autoptr(IctoStore) store = open_store ("filter.db", &rec);
  g_autoptr(IctoAnnotationList) list = NULL;
  const char *bob[] = { "bob", NULL };
  const char *both[] = { "bob", "alice", NULL };
  const char *spikes[] = { "spike", NULL };
  g_autoptr(IctoAnnotationItem) item = NULL;
  g_autofree char *channels = NULL;
  gint64 onset = 0;

  add (store, rec, 30, 10, "sz", "alice", NULL);
  add (store, rec, 5, 0, "spike", "bob", "A1,A2");
  add (store, rec, 12, 2, "artefact", "alice", NULL);
  add (store, rec, 20, 0, "spike", "carol", NULL);

  list = icto_annotation_list_new (store);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 0);
  g_assert_true (g_list_model_get_item_type (G_LIST_MODEL (list)) == ICTO_TYPE_ANNOTATION_ITEM);
  icto_annotation_list_set_recording (list, rec);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 4);
  g_assert_cmpint (item_at (list, 0)->onset, ==, S (5));
  g_assert_cmpint (item_at (list, 1)->onset, ==, S (12));
  g_assert_cmpint (item_at (list, 2)->onset, ==, S (20));
  g_assert_cmpint (item_at (list, 3)->onset, ==, S (30));
  g_assert_null (g_list_model_get_item (G_LIST_MODEL (list), 4));

  item = g_list_model_get_item (G_LIST_MODEL (list), 0);
  g_object_get (item, "channels", &channels, "onset", &onset, NULL);
  g_assert_cmpstr (channels, ==, "A1,A2");
  g_assert_cmpint (onset, ==, S (5));

  icto_annotation_list_set_raters (list, bob);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 1);
  g_assert_cmpstr (item_at (list, 0)->rater, ==, "bob");
  icto_annotation_list_set_raters (list, both);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 3);
  g_assert_cmpstrv (icto_annotation_list_get_raters (list), both);
  icto_annotation_list_set_raters (list, NULL);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 4);
  g_assert_null (icto_annotation_list_get_raters (list));

  icto_annotation_list_set_labels (list, spikes);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 2);
  icto_annotation_list_set_labels (list, NULL);

  /* search: label name (translated name "Artefact"/"Artifact"...) by code, channel, rater */
  icto_annotation_list_set_search (list, "a2");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 1);
  g_assert_cmpint (item_at (list, 0)->onset, ==, S (5));
  icto_annotation_list_set_search (list, "CAROL");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 1);
  g_assert_cmpint (item_at (list, 0)->onset, ==, S (20));
  icto_annotation_list_set_search (list, "  ");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 4);

  icto_annotation_list_set_sort (list, ICTO_ANNOTATION_SORT_DURATION, TRUE);
  g_assert_cmpint (item_at (list, 0)->duration, ==, S (10));
  g_assert_cmpint (item_at (list, 1)->duration, ==, S (2));
  /* ties (duration 0) by onset, reversed with the direction */
  g_assert_cmpint (item_at (list, 2)->onset, ==, S (20));
  g_assert_cmpint (item_at (list, 3)->onset, ==, S (5));
  icto_annotation_list_set_sort (list, ICTO_ANNOTATION_SORT_RATER, FALSE);
  g_assert_cmpstr (item_at (list, 0)->rater, ==, "alice");
  g_assert_cmpint (item_at (list, 0)->onset, ==, S (12));
  g_assert_cmpstr (item_at (list, 3)->rater, ==, "carol");
  icto_annotation_list_set_sort (list, ICTO_ANNOTATION_SORT_LABEL, FALSE);
  g_assert_cmpstr (item_at (list, 0)->label, ==, "artefact");
  g_assert_cmpstr (item_at (list, 3)->label, ==, "sz");
}

/* The store's changed signal updates the list, with the smallest change;
 * unchanged items stay the same objects. */
static void
test_list_follows_store (void)
{
  gint64 rec;
  g_autoptr(IctoStore) store = open_store ("follow.db", &rec);
  g_autoptr(IctoAnnotationList) list = icto_annotation_list_new (store);
  g_autoptr(IctoAnnotation) a = NULL;
  g_autoptr(GError) error = NULL;
  gint64 other;
  gint64 id[3];
  gpointer first, last;
  Changes c = { 0 };

  id[0] = add (store, rec, 1, 1, "spike", NULL, NULL);
  id[1] = add (store, rec, 2, 1, "spike", NULL, NULL);
  id[2] = add (store, rec, 3, 1, "spike", NULL, NULL);
  icto_annotation_list_set_recording (list, rec);
  g_signal_connect (list, "items-changed", G_CALLBACK (items_changed_cb), &c);
  first = g_list_model_get_item (G_LIST_MODEL (list), 0);
  last = g_list_model_get_item (G_LIST_MODEL (list), 2);
  g_object_unref (first);
  g_object_unref (last);

  /* edit the middle one */
  a = icto_store_get (store, id[1], &error);
  g_assert_no_error (error);
  a->duration = S (4);
  g_assert_true (icto_store_update (store, a, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (c.n_calls, ==, 0);   /* not before the main loop runs */
  flush ();
  g_assert_cmpuint (c.n_calls, ==, 1);
  g_assert_cmpuint (c.position, ==, 1);
  g_assert_cmpuint (c.removed, ==, 1);
  g_assert_cmpuint (c.added, ==, 1);
  g_assert_cmpint (item_at (list, 1)->duration, ==, S (4));
  {
    g_autoptr(GObject) f = g_list_model_get_item (G_LIST_MODEL (list), 0);
    g_autoptr(GObject) l = g_list_model_get_item (G_LIST_MODEL (list), 2);
    g_assert_true (f == first);
    g_assert_true (l == last);
  }

  /* delete, undo, redo */
  g_assert_true (icto_store_delete (store, id[0], &error));
  flush ();
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 2);
  g_assert_cmpuint (c.position, ==, 0);
  g_assert_cmpuint (c.removed, ==, 1);
  g_assert_cmpuint (c.added, ==, 0);
  g_assert_true (icto_store_undo (store, rec, NULL, &error));
  /* a burst of changes: one reload */
  c.n_calls = 0;
  g_assert_true (icto_store_redo (store, rec, NULL, &error));
  g_assert_true (icto_store_undo (store, rec, NULL, &error));
  flush ();
  g_assert_cmpuint (c.n_calls, ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 3);
  g_assert_cmpint (icto_annotation_list_find (list, id[0]), ==, 0);
  g_assert_cmpint (icto_annotation_list_find (list, id[2]), ==, 2);
  g_assert_cmpint (icto_annotation_list_find (list, 999999), ==, -1);

  /* another recording's changes are not this list's */
  other = icto_store_ensure_recording (store, "fp-other", NULL, -1, &error);
  c.n_calls = 0;
  add (store, other, 1, 1, "spike", NULL, NULL);
  flush ();
  g_assert_cmpuint (c.n_calls, ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 3);

  icto_annotation_list_set_recording (list, 0);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 0);
}

/* The idle reload reads the recording in time slices: with annotations
 * across slice boundaries and outside the recording, it gives the same
 * list as a reload at once. */
static void
test_list_sliced_reload (void)
{
  gint64 rec;
  g_autoptr(IctoStore) store = open_store ("sliced.db", &rec);
  g_autoptr(IctoAnnotationList) list = icto_annotation_list_new (store);
  g_autoptr(GPtrArray) batch = g_ptr_array_new_with_free_func ((GDestroyNotify) icto_annotation_free);
  g_autoptr(GArray) sliced = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GError) error = NULL;
  GRand *rand = g_rand_new_with_seed (3);
  guint n;

  for (guint i = 0; i < 3000; i++)
    {
      IctoAnnotation *a = icto_annotation_new ();

      a->recording_id = rec;
      /* the recording is 3600 s: some before it, some after */
      a->onset = S (g_rand_double_range (rand, -100, 3700));
      a->duration = i % 10 == 0 ? S (g_rand_double_range (rand, 0, 1800)) : S (g_rand_double_range (rand, 0, 2));
      a->label = g_strdup (i % 2 ? "spike" : "sz");
      g_ptr_array_add (batch, a);
    }
  g_rand_free (rand);
  g_assert_true (icto_store_add_many (store, batch, NULL, &error));
  g_assert_no_error (error);
  icto_annotation_list_set_recording (list, rec);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 3000);

  add (store, rec, 1800, 5, "artefact", NULL, NULL);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 3000);
  flush ();
  n = g_list_model_get_n_items (G_LIST_MODEL (list));
  g_assert_cmpuint (n, ==, 3001);
  for (guint i = 0; i < n; i++)
    g_array_append_val (sliced, item_at (list, i)->id);
  /* in onset order, each once: the same as reading all at once */
  icto_annotation_list_set_recording (list, 0);
  icto_annotation_list_set_recording (list, rec);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, n);
  for (guint i = 0; i < n; i++)
    g_assert_cmpint (item_at (list, i)->id, ==, g_array_index (sliced, gint64, i));
}

/* Range queries for drawing and next/previous. */
static void
test_list_query_next (void)
{
  gint64 rec;
  g_autoptr(IctoStore) store = open_store ("query.db", &rec);
  g_autoptr(IctoAnnotationList) list = icto_annotation_list_new (store);
  g_autoptr(GPtrArray) page = NULL;
  g_autoptr(GError) error = NULL;
  const char *bob[] = { "bob", NULL };
  const IctoAnnotation *a;

  add (store, rec, 0, 100, "sz", "alice", NULL);      /* long: overlaps every page below 100 s */
  add (store, rec, 10, 0, "spike", "bob", NULL);
  add (store, rec, 19.9999999, 0, "spike", "alice", NULL);
  add (store, rec, 20, 5, "artefact", "bob", NULL);
  add (store, rec, 150, 1, "spike", "alice", NULL);

  page = icto_annotation_list_query (list, S (10), S (20), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (page->len, ==, 0);   /* no recording yet */
  g_clear_pointer (&page, g_ptr_array_unref);

  icto_annotation_list_set_recording (list, rec);
  page = icto_annotation_list_query (list, S (10), S (20), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (page->len, ==, 3);
  g_assert_cmpint (((IctoAnnotation *) page->pdata[0])->onset, ==, 0);
  g_assert_cmpint (((IctoAnnotation *) page->pdata[1])->onset, ==, S (10));
  g_assert_cmpint (((IctoAnnotation *) page->pdata[2])->onset, ==, S (19.9999999));
  g_clear_pointer (&page, g_ptr_array_unref);

  icto_annotation_list_set_raters (list, bob);
  page = icto_annotation_list_query (list, S (10), S (30), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (page->len, ==, 2);
  g_assert_cmpstr (((IctoAnnotation *) page->pdata[1])->label, ==, "artefact");
  g_clear_pointer (&page, g_ptr_array_unref);
  icto_annotation_list_set_raters (list, NULL);
  icto_annotation_list_set_search (list, "spike");
  page = icto_annotation_list_query (list, S (0), S (200), &error);
  g_assert_cmpuint (page->len, ==, 3);
  g_clear_pointer (&page, g_ptr_array_unref);
  icto_annotation_list_set_search (list, NULL);

  a = icto_annotation_list_find_next (list, S (10), 1);
  g_assert_nonnull (a);
  g_assert_cmpint (a->onset, ==, S (19.9999999));
  a = icto_annotation_list_find_next (list, S (10), -1);
  g_assert_cmpint (a->onset, ==, 0);
  a = icto_annotation_list_find_next (list, S (150), 1);
  g_assert_null (a);
  a = icto_annotation_list_find_next (list, 0, -1);
  g_assert_null (a);
  a = icto_annotation_list_find_next (list, -1, 1);
  g_assert_cmpint (a->onset, ==, 0);
  /* next follows onset order even when the list is sorted otherwise */
  icto_annotation_list_set_sort (list, ICTO_ANNOTATION_SORT_LABEL, TRUE);
  a = icto_annotation_list_find_next (list, S (20), 1);
  g_assert_cmpint (a->onset, ==, S (150));
}

/* The EDF+ export moved from the CLI: a copy with the annotations, the
 * original refused as output, and the EDF+ import of the copy finds them. */
static void
test_export_edf (void)
{
  g_autofree char *src = icto_test_build_path ("models/demo.edf");
  g_autofree char *out = g_build_filename (icto_test_tmpdir (), "export.edf", NULL);
  g_autoptr(IctoRecording) recording = NULL;
  g_autoptr(IctoRecording) copy = NULL;
  g_autoptr(GError) error = NULL;
  gint64 rec, rec2;
  g_autoptr(IctoStore) store = open_store ("export.db", &rec);
  guint n_own, n = 0;
  gboolean found = FALSE;

  /* the demo recording is built by default (models/meson.build) */
  g_assert_true (g_file_test (src, G_FILE_TEST_EXISTS));
  recording = icto_recording_open (src, &error);
  g_assert_no_error (error);
  n_own = icto_recording_get_n_annotations (recording);
  add (store, rec, 2.5, 1.5, "spike", NULL, icto_recording_get_signal (recording, 0)->label);
  add (store, rec, 4, 2, "artefact", NULL, NULL);

  g_assert_false (icto_annotation_export_edf (store, recording, rec, NULL, src, &error));
  g_assert_error (error, ICTO_STORE_ERROR, ICTO_STORE_ERROR_FILE);
  g_clear_error (&error);

  g_assert_true (icto_annotation_export_edf (store, recording, rec, NULL, out, &error));
  g_assert_no_error (error);
  copy = icto_recording_open (out, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (icto_recording_get_n_annotations (copy), ==, n_own + 2);
  for (guint i = 0; i < icto_recording_get_n_annotations (copy); i++)
    {
      const IctoEdfAnnotation *e = icto_recording_get_annotation (copy, i);
      if (e->onset == S (2.5) && g_str_has_suffix (e->text, icto_recording_get_signal (recording, 0)->label))
        found = TRUE;
    }
  g_assert_true (found);

  /* imported back into a fresh recording id: every annotation of the copy */
  rec2 = icto_store_ensure_recording (store, "fp-copy", out, -1, &error);
  g_assert_true (icto_annotation_import_edf (store, copy, rec2, "bob", &n, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n, ==, n_own + 2);
  g_assert_cmpint (icto_store_count (store, rec2, NULL), ==, n_own + 2);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/core/annotation-list/filter-sort", test_list_filter_sort);
  g_test_add_func ("/core/annotation-list/follows-store", test_list_follows_store);
  g_test_add_func ("/core/annotation-list/query-next", test_list_query_next);
  g_test_add_func ("/core/annotation-list/sliced-reload", test_list_sliced_reload);
  g_test_add_func ("/core/annotation-export/edf", test_export_edf);
  return g_test_run ();
}
