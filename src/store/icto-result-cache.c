/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "icto-result-cache"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <sqlite3.h>
#include <string.h>

#include "store/icto-result-cache.h"
#include "store/icto-store-private.h"

/* ---- helpers ---- */

/* float32 little-endian BLOB of @n values (NULL data binds NULL) */
static void
bind_floats (sqlite3_stmt *stmt,
             int           index,
             const float  *values,
             gsize         n)
{
  guint32 *le;

  if (values == NULL || n == 0)
    {
      sqlite3_bind_null (stmt, index);
      return;
    }
  le = g_new (guint32, n);
  for (gsize i = 0; i < n; i++)
    {
      guint32 bits;

      memcpy (&bits, &values[i], sizeof bits);
      le[i] = GUINT32_TO_LE (bits);
    }
  sqlite3_bind_blob64 (stmt, index, le, (sqlite3_uint64) (n * sizeof (guint32)), g_free);
}

/* The BLOB of column @col as exactly @n floats, or NULL when absent or of another size. */
static float *
column_floats (sqlite3_stmt *stmt,
               int           col,
               gsize         n)
{
  const guint8 *blob;
  float *out;

  if (n == 0 || sqlite3_column_type (stmt, col) != SQLITE_BLOB)
    return NULL;
  blob = sqlite3_column_blob (stmt, col);
  if (blob == NULL || (gsize) sqlite3_column_bytes (stmt, col) != n * sizeof (float))
    return NULL;
  out = g_new (float, n);
  for (gsize i = 0; i < n; i++)
    {
      guint32 bits;

      memcpy (&bits, blob + i * sizeof bits, sizeof bits);
      bits = GUINT32_FROM_LE (bits);
      memcpy (&out[i], &bits, sizeof bits);
    }
  return out;
}

static char *
join_labels (const char * const *labels,
             guint               n,
             GError            **error)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < n; i++)
    {
      if (labels[i] == NULL || strchr (labels[i], '\n') != NULL)
        {
          g_set_error (error, ICTO_STORE_ERROR, ICTO_STORE_ERROR_INVALID,
                       _("A channel label for the result cache is missing or holds a line break"));
          g_string_free (s, TRUE);
          return NULL;
        }
      if (i > 0)
        g_string_append_c (s, '\n');
      g_string_append (s, labels[i]);
    }
  return g_string_free (s, FALSE);
}

static gboolean
check_key (const char          *fingerprint,
           const char          *model_hash,
           const char * const  *labels,
           guint                n_channels,
           const char          *settings,
           GError             **error)
{
  if (fingerprint == NULL || *fingerprint == '\0' || model_hash == NULL || *model_hash == '\0' ||
      settings == NULL || n_channels == 0 || labels == NULL)
    {
      g_set_error (error, ICTO_STORE_ERROR, ICTO_STORE_ERROR_INVALID,
                   _("A result-cache key needs a recording, a model, channels and settings"));
      return FALSE;
    }
  return TRUE;
}

/* ---- runs ---- */

static gint64
find_run (IctoStore   *store,
          gint64       recording_id,
          const char  *model_hash,
          const char  *channels,
          const char  *settings,
          GError     **error)
{
  sqlite3_stmt *stmt;
  gint64 id = 0;
  int rc;

  stmt = _icto_store_get_stmt (store,
                               "SELECT id FROM result_run WHERE recording_id = ? AND model_hash = ?"
                               " AND channels = ? AND settings = ?", error);
  if (stmt == NULL)
    return 0;
  sqlite3_bind_int64 (stmt, 1, recording_id);
  sqlite3_bind_text (stmt, 2, model_hash, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, channels, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 4, settings, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    id = sqlite3_column_int64 (stmt, 0);
  else if (rc == SQLITE_DONE)
    g_set_error (error, ICTO_STORE_ERROR, ICTO_STORE_ERROR_NOT_FOUND,
                 _("No cached model results for this recording, model and channels"));
  else
    _icto_store_set_error (store, error, rc, "result_run");
  sqlite3_reset (stmt);
  return id;
}

typedef struct {
  gint64      recording_id;
  const char *model_hash;
  const char *channels;
  const char *settings;
  guint       n_channels;
  gint64      id;
} EnsureRun;

static gboolean
ensure_run_cb (IctoStore  *store,
               gpointer    data,
               GError    **error)
{
  EnsureRun *er = data;
  sqlite3_stmt *stmt;

  stmt = _icto_store_get_stmt (store,
                               "INSERT OR IGNORE INTO result_run (recording_id, model_hash, channels, settings,"
                               " n_channels, created) VALUES (?, ?, ?, ?, ?, ?)", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, er->recording_id);
  sqlite3_bind_text (stmt, 2, er->model_hash, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, er->channels, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 4, er->settings, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 5, er->n_channels);
  sqlite3_bind_int64 (stmt, 6, g_get_real_time ());
  if (!_icto_store_step_done (store, stmt, error))
    return FALSE;
  er->id = find_run (store, er->recording_id, er->model_hash, er->channels, er->settings, error);
  return er->id > 0;
}

gint64
icto_result_cache_ensure_run (IctoStore          *store,
                              const char         *fingerprint,
                              const char         *model_hash,
                              const char * const *labels,
                              guint               n_channels,
                              const char         *settings,
                              GError            **error)
{
  g_autofree char *channels = NULL;
  g_autoptr(GError) local = NULL;
  EnsureRun er = { 0 };
  gint64 recording_id;

  g_return_val_if_fail (ICTO_IS_STORE (store), 0);

  if (!check_key (fingerprint, model_hash, labels, n_channels, settings, error))
    return 0;
  channels = join_labels (labels, n_channels, error);
  if (channels == NULL)
    return 0;
  recording_id = icto_store_find_recording (store, fingerprint, &local);
  if (recording_id == 0)
    {
      if (!g_error_matches (local, ICTO_STORE_ERROR, ICTO_STORE_ERROR_NOT_FOUND))
        {
          g_propagate_error (error, g_steal_pointer (&local));
          return 0;
        }
      recording_id = icto_store_ensure_recording (store, fingerprint, NULL, -1, error);
      if (recording_id == 0)
        return 0;
    }
  g_clear_error (&local);
  er.id = find_run (store, recording_id, model_hash, channels, settings, &local);
  if (er.id > 0)
    return er.id;
  er.recording_id = recording_id;
  er.model_hash = model_hash;
  er.channels = channels;
  er.settings = settings;
  er.n_channels = n_channels;
  if (!_icto_store_write (store, ensure_run_cb, &er, error))
    return 0;
  return er.id;
}

gint64
icto_result_cache_find_run (IctoStore          *store,
                            const char         *fingerprint,
                            const char         *model_hash,
                            const char * const *labels,
                            guint               n_channels,
                            const char         *settings,
                            GError            **error)
{
  g_autofree char *channels = NULL;
  gint64 recording_id;

  g_return_val_if_fail (ICTO_IS_STORE (store), 0);

  if (!check_key (fingerprint, model_hash, labels, n_channels, settings, error))
    return 0;
  channels = join_labels (labels, n_channels, error);
  if (channels == NULL)
    return 0;
  recording_id = icto_store_find_recording (store, fingerprint, error);
  if (recording_id == 0)
    return 0;
  return find_run (store, recording_id, model_hash, channels, settings, error);
}

guint
icto_result_cache_get_run_channels (IctoStore  *store,
                                    gint64      run_id,
                                    GError    **error)
{
  sqlite3_stmt *stmt;
  guint n = 0;
  int rc;

  g_return_val_if_fail (ICTO_IS_STORE (store), 0);
  stmt = _icto_store_get_stmt (store, "SELECT n_channels FROM result_run WHERE id = ?", error);
  if (stmt == NULL)
    return 0;
  sqlite3_bind_int64 (stmt, 1, run_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      gint64 v = sqlite3_column_int64 (stmt, 0);
      n = v > 0 && v <= G_MAXINT ? (guint) v : 0;
    }
  else if (rc != SQLITE_DONE)
    _icto_store_set_error (store, error, rc, "result_run");
  if (rc == SQLITE_DONE || (rc == SQLITE_ROW && n == 0))
    g_set_error (error, ICTO_STORE_ERROR, ICTO_STORE_ERROR_NOT_FOUND,
                 _("No cached model results with this id"));
  sqlite3_reset (stmt);
  return n;
}

static gboolean
delete_run_cb (IctoStore  *store,
               gpointer    data,
               GError    **error)
{
  gint64 *id = data;
  sqlite3_stmt *stmt = _icto_store_get_stmt (store, "DELETE FROM result_run WHERE id = ?", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, *id);
  if (!_icto_store_step_done (store, stmt, error))
    return FALSE;
  if (sqlite3_changes (_icto_store_get_db (store)) == 0)
    {
      g_set_error (error, ICTO_STORE_ERROR, ICTO_STORE_ERROR_NOT_FOUND,
                   _("No cached model results with this id"));
      return FALSE;
    }
  return TRUE;
}

gboolean
icto_result_cache_delete_run (IctoStore  *store,
                              gint64      run_id,
                              GError    **error)
{
  g_return_val_if_fail (ICTO_IS_STORE (store), FALSE);
  return _icto_store_write (store, delete_run_cb, &run_id, error);
}

/* ---- windows ---- */

void
icto_result_window_free (IctoResultWindow *window)
{
  if (window == NULL)
    return;
  g_free (window->agreement);
  g_free (window->contribution);
  g_free (window->prediction);
  g_free (window);
}

typedef struct {
  gint64                  run_id;
  const IctoResultWindow *windows;
  guint                   n_windows;
} PutWindows;

static gboolean
put_windows_cb (IctoStore  *store,
                gpointer    data,
                GError    **error)
{
  PutWindows *pw = data;

  for (guint i = 0; i < pw->n_windows; i++)
    {
      const IctoResultWindow *w = &pw->windows[i];
      sqlite3_stmt *stmt;

      stmt = _icto_store_get_stmt (store,
                                   "INSERT OR REPLACE INTO result_window (run_id, start, n_segments, seizure_prob,"
                                   " agreement, contribution, prediction) VALUES (?, ?, ?, ?, ?, ?, ?)", error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, pw->run_id);
      sqlite3_bind_int64 (stmt, 2, w->start);
      sqlite3_bind_int (stmt, 3, w->n_segments);
      if (isnan (w->seizure_prob))
        sqlite3_bind_null (stmt, 4);
      else
        sqlite3_bind_double (stmt, 4, w->seizure_prob);
      bind_floats (stmt, 5, w->agreement, w->n_channels);
      bind_floats (stmt, 6, w->contribution, w->n_channels);
      bind_floats (stmt, 7, w->prediction, (gsize) w->n_channels * w->prediction_dim);
      if (!_icto_store_step_done (store, stmt, error))
        return FALSE;
    }
  return TRUE;
}

gboolean
icto_result_cache_put_windows (IctoStore              *store,
                               gint64                  run_id,
                               const IctoResultWindow *windows,
                               guint                   n_windows,
                               GError                **error)
{
  PutWindows pw = { run_id, windows, n_windows };
  guint n_channels;

  g_return_val_if_fail (ICTO_IS_STORE (store), FALSE);
  g_return_val_if_fail (windows != NULL || n_windows == 0, FALSE);

  n_channels = icto_result_cache_get_run_channels (store, run_id, error);
  if (n_channels == 0)
    return FALSE;
  for (guint i = 0; i < n_windows; i++)
    if (windows[i].n_channels != n_channels || windows[i].n_segments < 1 ||
        (windows[i].prediction != NULL && windows[i].prediction_dim == 0))
      {
        g_set_error (error, ICTO_STORE_ERROR, ICTO_STORE_ERROR_INVALID,
                     _("A window of model results does not match its run (%u channels, %u expected)"),
                     windows[i].n_channels, n_channels);
        return FALSE;
      }
  if (n_windows == 0)
    return TRUE;
  return _icto_store_write (store, put_windows_cb, &pw, error);
}

GPtrArray *
icto_result_cache_get_windows (IctoStore  *store,
                               gint64      run_id,
                               gint64      start,
                               gint64      end,
                               gboolean    with_prediction,
                               GError    **error)
{
  g_autoptr(GPtrArray) out = NULL;
  sqlite3_stmt *stmt;
  guint n_channels;
  int rc;

  g_return_val_if_fail (ICTO_IS_STORE (store), NULL);

  n_channels = icto_result_cache_get_run_channels (store, run_id, error);
  if (n_channels == 0)
    return NULL;
  stmt = _icto_store_get_stmt (store,
                               with_prediction
                               ? "SELECT start, n_segments, seizure_prob, agreement, contribution, prediction"
                                 " FROM result_window WHERE run_id = ? AND start >= ? AND start < ? ORDER BY start"
                               : "SELECT start, n_segments, seizure_prob, agreement, contribution, NULL"
                                 " FROM result_window WHERE run_id = ? AND start >= ? AND start < ? ORDER BY start",
                               error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, run_id);
  sqlite3_bind_int64 (stmt, 2, start);
  sqlite3_bind_int64 (stmt, 3, end);
  out = g_ptr_array_new_with_free_func ((GDestroyNotify) icto_result_window_free);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      IctoResultWindow *w = g_new0 (IctoResultWindow, 1);
      gint64 t = sqlite3_column_int64 (stmt, 1);

      w->start = sqlite3_column_int64 (stmt, 0);
      w->n_segments = t > 0 && t <= G_MAXINT ? (int) t : 0;
      w->seizure_prob = sqlite3_column_type (stmt, 2) == SQLITE_NULL ? NAN : (float) sqlite3_column_double (stmt, 2);
      w->n_channels = n_channels;
      w->agreement = column_floats (stmt, 3, n_channels);
      w->contribution = column_floats (stmt, 4, n_channels);
      if (sqlite3_column_type (stmt, 5) == SQLITE_BLOB)
        {
          gsize bytes = (gsize) sqlite3_column_bytes (stmt, 5);
          gsize per = (gsize) n_channels * sizeof (float);

          if (bytes > 0 && bytes % per == 0 && bytes / per <= G_MAXINT)
            {
              w->prediction_dim = (guint) (bytes / per);
              w->prediction = column_floats (stmt, 5, (gsize) n_channels * w->prediction_dim);
            }
        }
      g_ptr_array_add (out, w);
    }
  if (rc != SQLITE_DONE)
    {
      _icto_store_set_error (store, error, rc, "result_window");
      sqlite3_reset (stmt);
      return NULL;
    }
  sqlite3_reset (stmt);
  return g_steal_pointer (&out);
}

/* ---- features ---- */

typedef struct {
  gint64        run_id;
  const gint64 *starts;
  const float  *features;
  guint         n;
  guint         dim;
} PutFeatures;

static gboolean
put_features_cb (IctoStore  *store,
                 gpointer    data,
                 GError    **error)
{
  PutFeatures *pf = data;

  for (guint i = 0; i < pf->n; i++)
    {
      sqlite3_stmt *stmt = _icto_store_get_stmt (store,
                                                 "INSERT OR REPLACE INTO feature_window (run_id, start, features)"
                                                 " VALUES (?, ?, ?)", error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, pf->run_id);
      sqlite3_bind_int64 (stmt, 2, pf->starts[i]);
      bind_floats (stmt, 3, pf->features + (gsize) i * pf->dim, pf->dim);
      if (!_icto_store_step_done (store, stmt, error))
        return FALSE;
    }
  return TRUE;
}

gboolean
icto_result_cache_put_features (IctoStore     *store,
                                gint64         run_id,
                                const gint64  *starts,
                                const float   *features,
                                guint          n,
                                guint          dim,
                                GError       **error)
{
  PutFeatures pf = { run_id, starts, features, n, dim };

  g_return_val_if_fail (ICTO_IS_STORE (store), FALSE);
  g_return_val_if_fail (n == 0 || (starts != NULL && features != NULL), FALSE);

  if (dim == 0)
    {
      g_set_error (error, ICTO_STORE_ERROR, ICTO_STORE_ERROR_INVALID,
                   _("Window features need at least one value"));
      return FALSE;
    }
  if (icto_result_cache_get_run_channels (store, run_id, error) == 0)
    return FALSE;
  if (n == 0)
    return TRUE;
  return _icto_store_write (store, put_features_cb, &pf, error);
}

gint64
icto_result_cache_get_features (IctoStore  *store,
                                gint64      run_id,
                                gint64      start,
                                gint64      end,
                                guint       dim,
                                GArray    **starts,
                                GArray    **features,
                                GError    **error)
{
  g_autoptr(GArray) s = NULL;
  g_autoptr(GArray) f = NULL;
  sqlite3_stmt *stmt;
  gint64 n = 0;
  int rc;

  g_return_val_if_fail (ICTO_IS_STORE (store), -1);

  if (dim == 0)
    {
      g_set_error (error, ICTO_STORE_ERROR, ICTO_STORE_ERROR_INVALID,
                   _("Window features need at least one value"));
      return -1;
    }
  stmt = _icto_store_get_stmt (store,
                               "SELECT start, features FROM feature_window WHERE run_id = ? AND start >= ?"
                               " AND start < ? ORDER BY start", error);
  if (stmt == NULL)
    return -1;
  sqlite3_bind_int64 (stmt, 1, run_id);
  sqlite3_bind_int64 (stmt, 2, start);
  sqlite3_bind_int64 (stmt, 3, end);
  s = g_array_new (FALSE, FALSE, sizeof (gint64));
  f = g_array_new (FALSE, FALSE, sizeof (float));
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autofree float *v = column_floats (stmt, 1, dim);
      gint64 t = sqlite3_column_int64 (stmt, 0);

      if (v == NULL)
        continue;
      g_array_append_val (s, t);
      g_array_append_vals (f, v, dim);
      n++;
    }
  if (rc != SQLITE_DONE)
    {
      _icto_store_set_error (store, error, rc, "feature_window");
      sqlite3_reset (stmt);
      return -1;
    }
  sqlite3_reset (stmt);
  if (starts != NULL)
    *starts = g_steal_pointer (&s);
  if (features != NULL)
    *features = g_steal_pointer (&f);
  return n;
}

/* ---- detection decisions ---- */

void
icto_detection_decision_free (IctoDetectionDecision *decision)
{
  if (decision == NULL)
    return;
  g_free (decision->rater);
  g_free (decision->model_hash);
  g_free (decision);
}

typedef struct {
  gint64               recording_id;
  const char          *rater;
  const char          *model_hash;
  gint64               onset;
  gint64               duration;
  IctoDetectionVerdict verdict;
  gint64               annotation_id;
  gboolean             clear;
} Decision;

static gboolean
decision_cb (IctoStore  *store,
             gpointer    data,
             GError    **error)
{
  Decision *d = data;
  sqlite3_stmt *stmt;
  gint64 rater_id;

  rater_id = _icto_store_ensure_rater (store, d->rater, error);
  if (rater_id == 0)
    return FALSE;
  if (d->clear)
    {
      stmt = _icto_store_get_stmt (store,
                                   "DELETE FROM detection_decision WHERE recording_id = ? AND rater_id = ?"
                                   " AND model_hash = ? AND onset = ?", error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, d->recording_id);
      sqlite3_bind_int64 (stmt, 2, rater_id);
      sqlite3_bind_text (stmt, 3, d->model_hash, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64 (stmt, 4, d->onset);
      if (!_icto_store_step_done (store, stmt, error))
        return FALSE;
      if (sqlite3_changes (_icto_store_get_db (store)) == 0)
        {
          g_set_error (error, ICTO_STORE_ERROR, ICTO_STORE_ERROR_NOT_FOUND,
                       _("No decision on this detection"));
          return FALSE;
        }
      return TRUE;
    }
  stmt = _icto_store_get_stmt (store,
                               "INSERT OR REPLACE INTO detection_decision (recording_id, rater_id, model_hash,"
                               " onset, duration, decision, annotation_id, time) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                               error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, d->recording_id);
  sqlite3_bind_int64 (stmt, 2, rater_id);
  sqlite3_bind_text (stmt, 3, d->model_hash, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 4, d->onset);
  sqlite3_bind_int64 (stmt, 5, d->duration);
  sqlite3_bind_int (stmt, 6, (int) d->verdict);
  if (d->annotation_id > 0)
    sqlite3_bind_int64 (stmt, 7, d->annotation_id);
  else
    sqlite3_bind_null (stmt, 7);
  sqlite3_bind_int64 (stmt, 8, g_get_real_time ());
  return _icto_store_step_done (store, stmt, error);
}

static gboolean
check_recording_id (IctoStore  *store,
                    gint64      recording_id,
                    GError    **error)
{
  sqlite3_stmt *stmt = _icto_store_get_stmt (store, "SELECT 1 FROM recording WHERE id = ?", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, recording_id);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc == SQLITE_ROW)
    return TRUE;
  if (rc == SQLITE_DONE)
    g_set_error (error, ICTO_STORE_ERROR, ICTO_STORE_ERROR_NOT_FOUND,
                 _("The recording is not in the annotation database"));
  else
    _icto_store_set_error (store, error, rc, "recording");
  return FALSE;
}

gboolean
icto_result_cache_set_decision (IctoStore            *store,
                                gint64                recording_id,
                                const char           *rater,
                                const char           *model_hash,
                                gint64                onset,
                                gint64                duration,
                                IctoDetectionVerdict  verdict,
                                gint64                annotation_id,
                                GError              **error)
{
  Decision d = { recording_id, rater, model_hash, onset, duration, verdict, annotation_id, FALSE };

  g_return_val_if_fail (ICTO_IS_STORE (store), FALSE);

  if (d.rater == NULL)
    d.rater = icto_store_get_default_rater (store);
  if (duration < 0 || (verdict != ICTO_DETECTION_ACCEPTED && verdict != ICTO_DETECTION_REJECTED) ||
      model_hash == NULL || *model_hash == '\0' || *d.rater == '\0')
    {
      g_set_error (error, ICTO_STORE_ERROR, ICTO_STORE_ERROR_INVALID,
                   _("A decision on a detection needs a rater, a model, a duration of at least 0 and a verdict"));
      return FALSE;
    }
  if (verdict == ICTO_DETECTION_REJECTED)
    d.annotation_id = 0;
  if (!check_recording_id (store, recording_id, error))
    return FALSE;
  return _icto_store_write (store, decision_cb, &d, error);
}

gboolean
icto_result_cache_clear_decision (IctoStore   *store,
                                  gint64       recording_id,
                                  const char  *rater,
                                  const char  *model_hash,
                                  gint64       onset,
                                  GError     **error)
{
  Decision d = { recording_id, rater, model_hash, onset, 0, 0, 0, TRUE };

  g_return_val_if_fail (ICTO_IS_STORE (store), FALSE);
  g_return_val_if_fail (model_hash != NULL, FALSE);

  if (d.rater == NULL)
    d.rater = icto_store_get_default_rater (store);
  return _icto_store_write (store, decision_cb, &d, error);
}

GPtrArray *
icto_result_cache_list_decisions (IctoStore   *store,
                                  gint64       recording_id,
                                  const char  *rater,
                                  const char  *model_hash,
                                  GError     **error)
{
  g_autoptr(GPtrArray) out = NULL;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (ICTO_IS_STORE (store), NULL);

  stmt = _icto_store_get_stmt (store,
                               "SELECT d.onset, d.duration, d.decision, d.annotation_id, r.name, d.model_hash, d.time"
                               " FROM detection_decision d JOIN rater r ON r.id = d.rater_id"
                               " WHERE d.recording_id = ?1 AND (?2 IS NULL OR r.name = ?2)"
                               " AND (?3 IS NULL OR d.model_hash = ?3) ORDER BY d.onset, r.name", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, recording_id);
  if (rater != NULL)
    sqlite3_bind_text (stmt, 2, rater, -1, SQLITE_TRANSIENT);
  if (model_hash != NULL)
    sqlite3_bind_text (stmt, 3, model_hash, -1, SQLITE_TRANSIENT);
  out = g_ptr_array_new_with_free_func ((GDestroyNotify) icto_detection_decision_free);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      IctoDetectionDecision *d = g_new0 (IctoDetectionDecision, 1);

      d->onset = sqlite3_column_int64 (stmt, 0);
      d->duration = sqlite3_column_int64 (stmt, 1);
      d->verdict = sqlite3_column_int (stmt, 2) < 0 ? ICTO_DETECTION_REJECTED : ICTO_DETECTION_ACCEPTED;
      d->annotation_id = sqlite3_column_int64 (stmt, 3);
      d->rater = g_strdup ((const char *) sqlite3_column_text (stmt, 4));
      d->model_hash = g_strdup ((const char *) sqlite3_column_text (stmt, 5));
      d->time = sqlite3_column_int64 (stmt, 6);
      g_ptr_array_add (out, d);
    }
  if (rc != SQLITE_DONE)
    {
      _icto_store_set_error (store, error, rc, "detection_decision");
      sqlite3_reset (stmt);
      return NULL;
    }
  sqlite3_reset (stmt);
  return g_steal_pointer (&out);
}
