/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "icto-layout-store"

#include "config.h"

#include <glib/gi18n.h>
#include <sqlite3.h>
#include <string.h>

#include "store/icto-layout-store.h"
#include "store/icto-store-private.h"

void
icto_stored_layout_free (IctoStoredLayout *layout)
{
  if (layout == NULL)
    return;
  g_free (layout->patient);
  g_free (layout->name);
  g_free (layout->electrodes);
  g_free (layout);
}

typedef struct {
  gint64      recording_id;
  const char *patient;
  const char *name;
  const char *electrodes;
  gint64      id;
} SaveData;

static void
bind_optional (sqlite3_stmt *stmt, int index, gint64 recording_id, const char *patient)
{
  if (recording_id > 0)
    sqlite3_bind_int64 (stmt, index, recording_id);
  else
    sqlite3_bind_null (stmt, index);
  if (patient != NULL)
    sqlite3_bind_text (stmt, index + 1, patient, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (stmt, index + 1);
}

static gboolean
recording_exists (IctoStore *self, gint64 recording_id, GError **error)
{
  sqlite3_stmt *stmt = _icto_store_get_stmt (self, "SELECT 1 FROM recording WHERE id = ?1", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, recording_id);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc == SQLITE_ROW)
    return TRUE;
  if (rc != SQLITE_DONE)
    _icto_store_set_error (self, error, rc, "layout");
  else
    g_set_error (error, ICTO_STORE_ERROR, ICTO_STORE_ERROR_NOT_FOUND,
                 _("There is no recording %lld in the annotation database"), (long long) recording_id);
  return FALSE;
}

static gboolean
save_func (IctoStore *self, gpointer data, GError **error)
{
  SaveData *d = data;
  sqlite3_stmt *stmt;
  int rc;

  if (d->recording_id > 0 && !recording_exists (self, d->recording_id, error))
    return FALSE;
  stmt = _icto_store_get_stmt (self,
                               "DELETE FROM layout WHERE recording_id IS ?1 AND patient IS ?2 AND name = ?3",
                               error);
  if (stmt == NULL)
    return FALSE;
  bind_optional (stmt, 1, d->recording_id, d->patient);
  sqlite3_bind_text (stmt, 3, d->name, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      _icto_store_set_error (self, error, rc, "layout");
      return FALSE;
    }
  stmt = _icto_store_get_stmt (self,
                               "INSERT INTO layout (recording_id, patient, name, electrodes, modified) "
                               "VALUES (?1, ?2, ?3, ?4, ?5)",
                               error);
  if (stmt == NULL)
    return FALSE;
  bind_optional (stmt, 1, d->recording_id, d->patient);
  sqlite3_bind_text (stmt, 3, d->name, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 4, d->electrodes, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 5, g_get_real_time ());
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      _icto_store_set_error (self, error, rc, "layout");
      return FALSE;
    }
  d->id = sqlite3_last_insert_rowid (_icto_store_get_db (self));
  return TRUE;
}

static gboolean
check_text (const char *text, gsize max, gboolean allow_empty)
{
  gsize len;

  if (text == NULL)
    return FALSE;
  len = strlen (text);
  return (allow_empty || len > 0) && len <= max && g_utf8_validate (text, (gssize) len, NULL);
}

gint64
icto_store_save_layout (IctoStore   *self,
                        gint64       recording_id,
                        const char  *patient,
                        const char  *name,
                        const char  *electrodes,
                        GError     **error)
{
  SaveData d = { recording_id, patient, name, electrodes, 0 };

  g_return_val_if_fail (ICTO_IS_STORE (self), 0);
  if (recording_id < 0 || (recording_id == 0 && patient == NULL) ||
      !check_text (name, ICTO_STORE_LAYOUT_MAX_NAME, FALSE) ||
      (patient != NULL && !check_text (patient, ICTO_STORE_LAYOUT_MAX_NAME, FALSE)) ||
      !check_text (electrodes, ICTO_STORE_LAYOUT_MAX_TEXT, FALSE))
    {
      g_set_error (error, ICTO_STORE_ERROR, ICTO_STORE_ERROR_INVALID,
                   _("The electrode layout cannot be saved: it needs a recording or a patient, a name and "
                     "electrodes (UTF-8 text of at most 16 MiB)"));
      return 0;
    }
  if (!_icto_store_write (self, save_func, &d, error))
    return 0;
  return d.id;
}

static IctoStoredLayout *
row_to_layout (sqlite3_stmt *stmt)
{
  IctoStoredLayout *l = g_new0 (IctoStoredLayout, 1);

  l->id = sqlite3_column_int64 (stmt, 0);
  l->recording_id = sqlite3_column_type (stmt, 1) == SQLITE_NULL ? 0 : sqlite3_column_int64 (stmt, 1);
  l->patient = sqlite3_column_type (stmt, 2) == SQLITE_NULL ? NULL : g_strdup ((const char *) sqlite3_column_text (stmt, 2));
  l->name = g_strdup ((const char *) sqlite3_column_text (stmt, 3));
  l->electrodes = g_strdup ((const char *) sqlite3_column_text (stmt, 4));
  l->modified = sqlite3_column_int64 (stmt, 5);
  if (l->name == NULL)
    l->name = g_strdup ("");
  if (l->electrodes == NULL)
    l->electrodes = g_strdup ("");
  return l;
}

#define SELECT_COLUMNS "SELECT id, recording_id, patient, name, electrodes, modified FROM layout "

static GPtrArray *
query (IctoStore *self, const char *sql, gint64 recording_id, const char *patient, GError **error)
{
  sqlite3_stmt *stmt = _icto_store_get_stmt (self, sql, error);
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func ((GDestroyNotify) icto_stored_layout_free);
  int rc;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, recording_id);
  if (patient != NULL)
    sqlite3_bind_text (stmt, 2, patient, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (stmt, 2);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (out, row_to_layout (stmt));
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      _icto_store_set_error (self, error, rc, "layout");
      return NULL;
    }
  return g_steal_pointer (&out);
}

IctoStoredLayout *
icto_store_load_layout (IctoStore   *self,
                        gint64       recording_id,
                        const char  *patient,
                        GError     **error)
{
  g_autoptr(GPtrArray) rows = NULL;

  g_return_val_if_fail (ICTO_IS_STORE (self), NULL);
  if (recording_id > 0)
    {
      rows = query (self, SELECT_COLUMNS "WHERE recording_id = ?1 ORDER BY modified DESC, id DESC LIMIT 1",
                    recording_id, NULL, error);
      if (rows == NULL)
        return NULL;
      if (rows->len > 0)
        return g_ptr_array_steal_index (rows, 0);
      g_clear_pointer (&rows, g_ptr_array_unref);
    }
  if (patient != NULL)
    {
      rows = query (self, SELECT_COLUMNS "WHERE patient = ?2 AND ?1 = ?1 ORDER BY modified DESC, id DESC LIMIT 1",
                    0, patient, error);
      if (rows == NULL)
        return NULL;
      if (rows->len > 0)
        return g_ptr_array_steal_index (rows, 0);
    }
  g_set_error (error, ICTO_STORE_ERROR, ICTO_STORE_ERROR_NOT_FOUND,
               _("No electrode layout is saved for this recording or patient"));
  return NULL;
}

GPtrArray *
icto_store_list_layouts (IctoStore   *self,
                         gint64       recording_id,
                         const char  *patient,
                         GError     **error)
{
  g_return_val_if_fail (ICTO_IS_STORE (self), NULL);
  return query (self, SELECT_COLUMNS "WHERE (?1 > 0 AND recording_id = ?1) OR (?2 IS NOT NULL AND patient = ?2) "
                "ORDER BY modified DESC, id DESC",
                recording_id, patient, error);
}

static gboolean
delete_func (IctoStore *self, gpointer data, GError **error)
{
  gint64 *id = data;
  sqlite3_stmt *stmt = _icto_store_get_stmt (self, "DELETE FROM layout WHERE id = ?1", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, *id);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      _icto_store_set_error (self, error, rc, "layout");
      return FALSE;
    }
  if (sqlite3_changes (_icto_store_get_db (self)) == 0)
    {
      g_set_error (error, ICTO_STORE_ERROR, ICTO_STORE_ERROR_NOT_FOUND,
                   _("There is no electrode layout %lld"), (long long) *id);
      return FALSE;
    }
  return TRUE;
}

gboolean
icto_store_delete_layout (IctoStore   *self,
                          gint64       id,
                          GError     **error)
{
  g_return_val_if_fail (ICTO_IS_STORE (self), FALSE);
  return _icto_store_write (self, delete_func, &id, error);
}
