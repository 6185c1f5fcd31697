/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "icto-test"

#include "config.h"

#include <string.h>

#include "store/icto-layout-store.h"
#include "store/icto-store-private.h"
#include "icto-test-util.h"

static const char tsv_a[] = "name\tx\ty\tz\tsize\tgroup\ttype\tdimension\tmap_x\tmap_y\trow\tcolumn\n"
                            "LA1\tn/a\tn/a\tn/a\tn/a\tLA\tdepth\tn/a\t0.0000\t0.0000\tn/a\tn/a\n";
static const char tsv_b[] = "name\tx\ty\tz\tsize\n"
                            "G1\t1\t2\t3\tn/a\n"
                            "G2\t1\t2\t4\tn/a\n";

static IctoStore *
open_store (const char *name, gint64 *rec1, gint64 *rec2)
{
  g_autofree char *path = g_build_filename (icto_test_tmpdir (), name, NULL);
  g_autoptr(GError) error = NULL;
  IctoStore *store = icto_store_open (path, &error);

  g_assert_no_error (error);
  *rec1 = icto_store_ensure_recording (store, "fp-1", "/data/a.edf", -1, &error);
  g_assert_no_error (error);
  *rec2 = icto_store_ensure_recording (store, "fp-2", "/data/b.edf", -1, &error);
  g_assert_no_error (error);
  return store;
}

static void
test_round_trip (void)
{
  g_autofree char *path = g_build_filename (icto_test_tmpdir (), "layouts.db", NULL);
  g_autoptr(GError) error = NULL;
  gint64 rec1, rec2, id1, id2, id3;
  g_autoptr(IctoStoredLayout) l = NULL;
  g_autoptr(IctoStoredLayout) p = NULL;
  g_autoptr(IctoStoredLayout) again = NULL;
  g_autoptr(GPtrArray) list = NULL;

  {
    g_autoptr(IctoStore) store = open_store ("layouts.db", &rec1, &rec2);

    id1 = icto_store_save_layout (store, rec1, "pat01", "Implantation", tsv_a, &error);
    g_assert_no_error (error);
    g_assert_cmpint (id1, >, 0);
    /* the same recording, patient and name: replaced */
    id2 = icto_store_save_layout (store, rec1, "pat01", "Implantation", tsv_b, &error);
    g_assert_no_error (error);
    g_assert_cmpint (id2, >, 0);
    {
      g_autoptr(GPtrArray) one = icto_store_list_layouts (store, rec1, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (one->len, ==, 1);
      g_assert_cmpstr (((IctoStoredLayout *) one->pdata[0])->electrodes, ==, tsv_b);
    }
    /* a patient-only layout */
    id3 = icto_store_save_layout (store, 0, "pat02", "Grid", tsv_a, &error);
    g_assert_no_error (error);
    g_assert_cmpint (id3, >, 0);
  }
  /* reopen and compare every field */
  {
    g_autoptr(IctoStore) store = icto_store_open (path, &error);

    g_assert_no_error (error);
    l = icto_store_load_layout (store, rec1, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpint (l->id, ==, id2);
    g_assert_cmpint (l->recording_id, ==, rec1);
    g_assert_cmpstr (l->patient, ==, "pat01");
    g_assert_cmpstr (l->name, ==, "Implantation");
    g_assert_cmpstr (l->electrodes, ==, tsv_b);
    g_assert_cmpint (l->modified, >, 0);
    g_assert_cmpint (l->modified, <=, g_get_real_time ());

    /* reuse per patient: recording 2 has none, its patient has one */
    p = icto_store_load_layout (store, rec2, "pat01", &error);
    g_assert_no_error (error);
    g_assert_cmpint (p->id, ==, id2);
    again = icto_store_load_layout (store, 0, "pat02", &error);
    g_assert_no_error (error);
    g_assert_cmpint (again->id, ==, id3);
    g_assert_cmpint (again->recording_id, ==, 0);
    g_assert_cmpstr (again->electrodes, ==, tsv_a);

    g_assert_null (icto_store_load_layout (store, rec2, "nobody", &error));
    g_assert_error (error, ICTO_STORE_ERROR, ICTO_STORE_ERROR_NOT_FOUND);
    g_clear_error (&error);

    list = icto_store_list_layouts (store, rec1, "pat02", &error);
    g_assert_no_error (error);
    g_assert_cmpuint (list->len, ==, 2);

    g_assert_true (icto_store_delete_layout (store, id2, &error));
    g_assert_no_error (error);
    g_assert_false (icto_store_delete_layout (store, id2, &error));
    g_assert_error (error, ICTO_STORE_ERROR, ICTO_STORE_ERROR_NOT_FOUND);
    g_clear_error (&error);
    g_assert_null (icto_store_load_layout (store, rec1, NULL, &error));
    g_assert_error (error, ICTO_STORE_ERROR, ICTO_STORE_ERROR_NOT_FOUND);
  }
}

static void
test_invalid (void)
{
  g_autoptr(GError) error = NULL;
  gint64 rec1, rec2;
  g_autoptr(IctoStore) store = open_store ("invalid.db", &rec1, &rec2);
  g_autofree char *long_name = g_strnfill (300, 'x');
  struct { gint64 rec; const char *patient; const char *name; const char *text; int code; } cases[] = {
    { 0, NULL, "a", tsv_a, ICTO_STORE_ERROR_INVALID },        /* neither recording nor patient */
    { rec1, NULL, "", tsv_a, ICTO_STORE_ERROR_INVALID },      /* empty name */
    { rec1, NULL, NULL, tsv_a, ICTO_STORE_ERROR_INVALID },
    { rec1, NULL, long_name, tsv_a, ICTO_STORE_ERROR_INVALID },
    { rec1, NULL, "a", "", ICTO_STORE_ERROR_INVALID },
    { rec1, NULL, "a", "\xff\xfe", ICTO_STORE_ERROR_INVALID },
    { rec1, "", "a", tsv_a, ICTO_STORE_ERROR_INVALID },
    { -3, "p", "a", tsv_a, ICTO_STORE_ERROR_INVALID },
    { 9999, NULL, "a", tsv_a, ICTO_STORE_ERROR_NOT_FOUND },   /* unknown recording */
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_assert_cmpint (icto_store_save_layout (store, cases[i].rec, cases[i].patient, cases[i].name,
                                               cases[i].text, &error), ==, 0);
      g_assert_error (error, ICTO_STORE_ERROR, cases[i].code);
      g_clear_error (&error);
    }
  /* a read-only database reports it */
  g_assert_true (_icto_store_exec (store, "PRAGMA query_only = 1", &error));
  g_assert_cmpint (icto_store_save_layout (store, rec1, NULL, "a", tsv_a, &error), ==, 0);
  g_assert_nonnull (error);
  g_assert_true (error->domain == ICTO_STORE_ERROR);
  g_clear_error (&error);
  g_assert_true (_icto_store_exec (store, "PRAGMA query_only = 0", &error));
  g_assert_cmpint (icto_store_save_layout (store, rec1, NULL, "a", tsv_a, &error), >, 0);
  g_assert_no_error (error);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/store/layout/round-trip", test_round_trip);
  g_test_add_func ("/store/layout/invalid", test_invalid);
  return g_test_run ();
}
