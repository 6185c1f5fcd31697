/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "icto-store"

#include "config.h"

#include <inttypes.h>
#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <sqlite3.h>
#include <string.h>

#include "icto-store-private.h"
#include "icto-store.h"

#define BUSY_TIMEOUT_MS 5000
#define MAX_RETRIES     8

typedef enum {
  ACTION_DO = 0,
  ACTION_UNDO = 1,
  ACTION_REDO = 2,
} ActionKind;

typedef enum {
  PENDING_ADD,
  PENDING_UPDATE,
  PENDING_DELETE,
} PendingKind;

typedef struct {
  PendingKind     kind;
  IctoAnnotation *annotation;
} PendingOp;

struct _IctoStore
{
  GObject     parent_instance;

  sqlite3    *db;
  char       *path;
  char       *default_rater;
  gboolean    read_only;
  GHashTable *stmts;          /* static SQL string -> sqlite3_stmt */
  GQueue      pending;        /* PendingOp */
};

G_DEFINE_FINAL_TYPE (IctoStore, icto_store, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_N_PENDING,
  N_PROPS
};

enum {
  CHANGED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

#define ANNOT_COLUMNS \
  "a.id, a.recording_id, a.onset, a.duration, a.label, a.channels, r.name, " \
  "a.confidence, a.text, a.created, a.modified, a.sz, a.sz_clinical_onset, " \
  "a.sz_eec, a.sz_ueo, a.sz_offset, a.sz_soz, a.sz_spread, a.sz_pattern, a.sz_type"

/* Schema migrations: migrations[i] brings user_version i to i + 1. */
static const char *const migrations[] = {
  /* 0 -> 1 */
  "CREATE TABLE rater ("
  "  id INTEGER PRIMARY KEY,"
  "  name TEXT NOT NULL UNIQUE);"
  "CREATE TABLE recording ("
  "  id INTEGER PRIMARY KEY,"
  "  fingerprint TEXT NOT NULL UNIQUE,"
  "  path TEXT,"
  "  duration INTEGER,"
  "  seen INTEGER);"
  "CREATE TABLE label ("
  "  vocabulary TEXT NOT NULL,"
  "  code TEXT NOT NULL,"
  "  name TEXT NOT NULL,"
  "  colour TEXT NOT NULL,"
  "  category TEXT NOT NULL,"
  "  hed TEXT,"
  "  szcore TEXT,"
  "  position INTEGER NOT NULL,"
  "  PRIMARY KEY (vocabulary, code));"
  "CREATE TABLE annotation ("
  "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
  "  recording_id INTEGER NOT NULL REFERENCES recording(id) ON DELETE CASCADE,"
  "  onset INTEGER NOT NULL,"
  "  duration INTEGER NOT NULL CHECK (duration >= 0),"
  "  label TEXT NOT NULL,"
  "  channels TEXT,"
  "  rater_id INTEGER NOT NULL REFERENCES rater(id),"
  "  confidence REAL,"
  "  text TEXT,"
  "  created INTEGER NOT NULL,"
  "  modified INTEGER NOT NULL,"
  "  sz INTEGER NOT NULL DEFAULT 0,"
  "  sz_clinical_onset INTEGER,"
  "  sz_eec INTEGER,"
  "  sz_ueo INTEGER,"
  "  sz_offset INTEGER,"
  "  sz_soz TEXT,"
  "  sz_spread TEXT,"
  "  sz_pattern TEXT,"
  "  sz_type TEXT,"
  "  lvl INTEGER NOT NULL);"
  "CREATE INDEX annotation_recording_onset ON annotation (recording_id, onset);"
  "CREATE INDEX annotation_level ON annotation (recording_id, lvl, onset);"
  "CREATE INDEX annotation_label ON annotation (label);"
  "CREATE TABLE action ("
  "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
  "  recording_id INTEGER NOT NULL REFERENCES recording(id) ON DELETE CASCADE,"
  "  kind INTEGER NOT NULL,"
  "  target INTEGER REFERENCES action(id),"
  "  description TEXT,"
  "  time INTEGER NOT NULL);"
  "CREATE INDEX action_recording ON action (recording_id, id);"
  "CREATE TABLE change ("
  "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
  "  action_id INTEGER NOT NULL REFERENCES action(id) ON DELETE CASCADE,"
  "  annotation_id INTEGER NOT NULL,"
  "  before TEXT,"
  "  after TEXT);"
  "CREATE INDEX change_action ON change (action_id, id);",

  /* 1 -> 2: model results (seizure probability, agreement, contributions per
   * window), reviewer decisions on detections, window features for trained
   * heads, electrode layouts. */
  "CREATE TABLE result_run ("
  "  id INTEGER PRIMARY KEY,"
  "  recording_id INTEGER NOT NULL REFERENCES recording(id) ON DELETE CASCADE,"
  "  model_hash TEXT NOT NULL,"
  "  channels TEXT NOT NULL,"
  "  settings TEXT NOT NULL,"
  "  n_channels INTEGER NOT NULL,"
  "  created INTEGER NOT NULL,"
  "  UNIQUE (recording_id, model_hash, channels, settings));"
  "CREATE TABLE result_window ("
  "  run_id INTEGER NOT NULL REFERENCES result_run(id) ON DELETE CASCADE,"
  "  start INTEGER NOT NULL,"
  "  n_segments INTEGER NOT NULL,"
  "  seizure_prob REAL,"
  "  agreement BLOB,"
  "  contribution BLOB,"
  "  prediction BLOB,"
  "  PRIMARY KEY (run_id, start)) WITHOUT ROWID;"
  "CREATE TABLE feature_window ("
  "  run_id INTEGER NOT NULL REFERENCES result_run(id) ON DELETE CASCADE,"
  "  start INTEGER NOT NULL,"
  "  features BLOB NOT NULL,"
  "  PRIMARY KEY (run_id, start)) WITHOUT ROWID;"
  "CREATE TABLE detection_decision ("
  "  recording_id INTEGER NOT NULL REFERENCES recording(id) ON DELETE CASCADE,"
  "  rater_id INTEGER NOT NULL REFERENCES rater(id),"
  "  model_hash TEXT NOT NULL,"
  "  onset INTEGER NOT NULL,"
  "  duration INTEGER NOT NULL CHECK (duration >= 0),"
  "  decision INTEGER NOT NULL CHECK (decision IN (-1, 1)),"
  "  annotation_id INTEGER,"
  "  time INTEGER NOT NULL,"
  "  PRIMARY KEY (recording_id, rater_id, model_hash, onset));"
  "CREATE TABLE layout ("
  "  id INTEGER PRIMARY KEY,"
  "  recording_id INTEGER REFERENCES recording(id) ON DELETE CASCADE,"
  "  patient TEXT,"
  "  name TEXT NOT NULL,"
  "  electrodes TEXT NOT NULL,"
  "  modified INTEGER NOT NULL);"
  "CREATE INDEX layout_recording ON layout (recording_id);"
  "CREATE INDEX layout_patient ON layout (patient);",
};

G_STATIC_ASSERT (G_N_ELEMENTS (migrations) == ICTO_STORE_SCHEMA_VERSION);

/* Okabe-Ito palette (Okabe & Ito 2008), safe for the common colour-vision deficiencies. */
static const char *const okabe_ito[] = {
  "#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#000000",
};

typedef struct {
  const char *code;
  const char *name;
  const char *colour;
  const char *category;
  const char *szcore;
} DefaultLabel;

static const DefaultLabel default_labels[] = {
  { "sz",             N_("Seizure"),             "#D55E00", "seizure",     "sz" },
  { "sz_subclinical", N_("Subclinical seizure"), "#E69F00", "seizure",     "sz" },
  { "spike",          N_("Spike"),               "#0072B2", "interictal",  NULL },
  { "sharp",          N_("Sharp wave"),          "#56B4E9", "interictal",  NULL },
  { "hfo",            N_("HFO"),                 "#CC79A7", "interictal",  NULL },
  { "artefact",       N_("Artefact"),            "#000000", "artefact",    NULL },
  { "stim",           N_("Stimulation"),         "#F0E442", "stimulation", NULL },
  { "sleep_w",        N_("Sleep stage W"),       "#009E73", "sleep",       NULL },
  { "sleep_n1",       N_("Sleep stage N1"),      "#009E73", "sleep",       NULL },
  { "sleep_n2",       N_("Sleep stage N2"),      "#009E73", "sleep",       NULL },
  { "sleep_n3",       N_("Sleep stage N3"),      "#009E73", "sleep",       NULL },
  { "sleep_rem",      N_("Sleep stage REM"),     "#009E73", "sleep",       NULL },
  { "bckg",           N_("Background"),          "#999999", "background",  "bckg" },
  { "note",           N_("Note"),                "#999999", "other",       NULL },
};

/* ---- errors ---- */

static void
set_sqlite_error (IctoStore   *self,
                  GError     **error,
                  int          rc,
                  const char  *context)
{
  const char *detail = self->db != NULL ? sqlite3_errmsg (self->db) : sqlite3_errstr (rc);
  int code;
  const char *what;

  switch (rc & 0xff)
    {
    case SQLITE_READONLY:
      code = ICTO_STORE_ERROR_READ_ONLY;
      what = _("The annotation database is read-only; the change is kept until it can be saved");
      break;
    case SQLITE_FULL:
      code = ICTO_STORE_ERROR_FULL;
      what = _("The disk holding the annotation database is full; the change is kept until it can be saved");
      break;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      code = ICTO_STORE_ERROR_BUSY;
      what = _("Another program keeps the annotation database locked; the change is kept until it can be saved");
      break;
    case SQLITE_IOERR:
      code = ICTO_STORE_ERROR_IO;
      what = _("The annotation database could not be read or written; the change is kept until it can be saved");
      break;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      code = ICTO_STORE_ERROR_CORRUPT;
      what = _("The annotation database is damaged or is not an annotation database");
      break;
    case SQLITE_CANTOPEN:
    case SQLITE_PERM:
      code = ICTO_STORE_ERROR_OPEN;
      what = _("The annotation database could not be opened");
      break;
    default:
      code = ICTO_STORE_ERROR_FAILED;
      what = _("The annotation database reported an error");
      break;
    }
  g_set_error (error, ICTO_STORE_ERROR, code, "%s (%s: %s)", what, context, detail);
}

static gboolean
is_saving_error (const GError *error)
{
  return error != NULL && error->domain == ICTO_STORE_ERROR &&
         (error->code == ICTO_STORE_ERROR_READ_ONLY ||
          error->code == ICTO_STORE_ERROR_FULL ||
          error->code == ICTO_STORE_ERROR_BUSY ||
          error->code == ICTO_STORE_ERROR_IO);
}

/* ---- statements ---- */

static gboolean
exec_sql (IctoStore   *self,
          const char  *sql,
          GError     **error)
{
  int rc = sqlite3_exec (self->db, sql, NULL, NULL, NULL);

  if (rc != SQLITE_OK)
    {
      set_sqlite_error (self, error, rc, sql);
      return FALSE;
    }
  return TRUE;
}

/* A cached prepared statement for a static SQL string, reset and unbound. */
static sqlite3_stmt *
get_stmt (IctoStore   *self,
          const char  *sql,
          GError     **error)
{
  sqlite3_stmt *stmt = g_hash_table_lookup (self->stmts, sql);
  int rc;

  if (stmt != NULL)
    {
      sqlite3_reset (stmt);
      sqlite3_clear_bindings (stmt);
      return stmt;
    }
  rc = sqlite3_prepare_v3 (self->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      set_sqlite_error (self, error, rc, "prepare");
      return NULL;
    }
  g_hash_table_insert (self->stmts, (gpointer) sql, stmt);
  return stmt;
}

gboolean
_icto_store_step_done (IctoStore    *self,
                       sqlite3_stmt *stmt,
                       GError      **error)
{
  int rc = sqlite3_step (stmt);

  if (rc != SQLITE_DONE && rc != SQLITE_ROW)
    {
      set_sqlite_error (self, error, rc, "step");
      sqlite3_reset (stmt);
      return FALSE;
    }
  sqlite3_reset (stmt);
  return TRUE;
}

static void
bind_text_or_null (sqlite3_stmt *stmt,
                   int           index,
                   const char   *text)
{
  if (text != NULL)
    sqlite3_bind_text (stmt, index, text, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (stmt, index);
}

static void
bind_time_or_null (sqlite3_stmt *stmt,
                   int           index,
                   gint64        t)
{
  if (t != ICTO_STORE_TIME_NONE)
    sqlite3_bind_int64 (stmt, index, t);
  else
    sqlite3_bind_null (stmt, index);
}

static char *
column_strdup (sqlite3_stmt *stmt,
               int           col)
{
  const unsigned char *text = sqlite3_column_text (stmt, col);

  return text != NULL ? g_strdup ((const char *) text) : NULL;
}

static gint64
column_time (sqlite3_stmt *stmt,
             int           col)
{
  if (sqlite3_column_type (stmt, col) == SQLITE_NULL)
    return ICTO_STORE_TIME_NONE;
  return sqlite3_column_int64 (stmt, col);
}

/* ---- interval index ----
 *
 * Each annotation is filed under a duration level: level l holds durations
 * up to 2^l s (level 0: up to 1 s), level MAX_LEVEL everything longer.  An
 * annotation of level l overlapping [start, end) has its onset in
 * [start - 2^l s, end), so a page is one short index range per level of
 * (recording_id, lvl, onset), whatever the mix of short and long annotations.
 */
#define MAX_LEVEL 40

static int
level_of (gint64 duration)
{
  for (int l = 0; l < MAX_LEVEL; l++)
    if (duration <= (G_GINT64_CONSTANT (10000000) << l))
      return l;
  return MAX_LEVEL;
}

static gint64
level_lower_bound (int    level,
                   gint64 start)
{
  gint64 span = level >= MAX_LEVEL ? G_MAXINT64 : (G_GINT64_CONSTANT (10000000) << level);

  return start < G_MININT64 + span ? G_MININT64 : start - span;
}

/* ---- channels ---- */

char **
_icto_store_split_channels (const char *text)
{
  g_auto(GStrv) parts = NULL;
  g_autoptr(GPtrArray) out = NULL;
  g_autofree char *trimmed = NULL;

  if (text == NULL)
    return NULL;
  trimmed = g_strstrip (g_strdup (text));
  if (*trimmed == '\0' || g_ascii_strcasecmp (trimmed, "n/a") == 0 || g_ascii_strcasecmp (trimmed, "all") == 0)
    return NULL;
  parts = g_strsplit (trimmed, ",", -1);
  out = g_ptr_array_new ();
  for (guint i = 0; parts[i] != NULL; i++)
    {
      char *p = g_strstrip (parts[i]);
      if (*p != '\0')
        g_ptr_array_add (out, g_strdup (p));
    }
  if (out->len == 0)
    return NULL;
  g_ptr_array_add (out, NULL);
  return (char **) g_ptr_array_free (g_steal_pointer (&out), FALSE);
}

char *
_icto_store_join_channels (char **channels)
{
  if (channels == NULL || channels[0] == NULL)
    return NULL;
  return g_strjoinv (",", channels);
}

/* ---- annotations <-> rows and JSON ---- */

static IctoAnnotation *
annotation_from_row (sqlite3_stmt *stmt)
{
  IctoAnnotation *a = icto_annotation_new ();

  a->id = sqlite3_column_int64 (stmt, 0);
  a->recording_id = sqlite3_column_int64 (stmt, 1);
  a->onset = sqlite3_column_int64 (stmt, 2);
  a->duration = sqlite3_column_int64 (stmt, 3);
  a->label = column_strdup (stmt, 4);
  a->channels = _icto_store_split_channels ((const char *) sqlite3_column_text (stmt, 5));
  a->rater = column_strdup (stmt, 6);
  a->confidence = sqlite3_column_type (stmt, 7) == SQLITE_NULL ? NAN : sqlite3_column_double (stmt, 7);
  a->text = column_strdup (stmt, 8);
  a->created = sqlite3_column_int64 (stmt, 9);
  a->modified = sqlite3_column_int64 (stmt, 10);
  if (sqlite3_column_int (stmt, 11) != 0)
    {
      IctoSeizureInfo *sz = icto_seizure_info_new ();

      sz->clinical_onset = column_time (stmt, 12);
      sz->eec = column_time (stmt, 13);
      sz->ueo = column_time (stmt, 14);
      sz->offset = column_time (stmt, 15);
      sz->soz = _icto_store_split_channels ((const char *) sqlite3_column_text (stmt, 16));
      sz->early_spread = _icto_store_split_channels ((const char *) sqlite3_column_text (stmt, 17));
      sz->onset_pattern = column_strdup (stmt, 18);
      sz->seizure_type = column_strdup (stmt, 19);
      a->seizure = sz;
    }
  return a;
}

static void
builder_add_time (JsonBuilder *b,
                  const char  *name,
                  gint64       t)
{
  json_builder_set_member_name (b, name);
  if (t == ICTO_STORE_TIME_NONE)
    json_builder_add_null_value (b);
  else
    json_builder_add_int_value (b, t);
}

static void
builder_add_string (JsonBuilder *b,
                    const char  *name,
                    const char  *value)
{
  json_builder_set_member_name (b, name);
  if (value == NULL)
    json_builder_add_null_value (b);
  else
    json_builder_add_string_value (b, value);
}

static char *
annotation_to_json (const IctoAnnotation *a)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *channels = _icto_store_join_channels (a->channels);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "id");
  json_builder_add_int_value (b, a->id);
  json_builder_set_member_name (b, "recording_id");
  json_builder_add_int_value (b, a->recording_id);
  json_builder_set_member_name (b, "onset");
  json_builder_add_int_value (b, a->onset);
  json_builder_set_member_name (b, "duration");
  json_builder_add_int_value (b, a->duration);
  builder_add_string (b, "label", a->label);
  builder_add_string (b, "channels", channels);
  builder_add_string (b, "rater", a->rater);
  json_builder_set_member_name (b, "confidence");
  if (isnan (a->confidence))
    json_builder_add_null_value (b);
  else
    json_builder_add_double_value (b, a->confidence);
  builder_add_string (b, "text", a->text);
  json_builder_set_member_name (b, "created");
  json_builder_add_int_value (b, a->created);
  json_builder_set_member_name (b, "modified");
  json_builder_add_int_value (b, a->modified);
  if (a->seizure != NULL)
    {
      g_autofree char *soz = _icto_store_join_channels (a->seizure->soz);
      g_autofree char *spread = _icto_store_join_channels (a->seizure->early_spread);

      json_builder_set_member_name (b, "seizure");
      json_builder_begin_object (b);
      builder_add_time (b, "clinical_onset", a->seizure->clinical_onset);
      builder_add_time (b, "eec", a->seizure->eec);
      builder_add_time (b, "ueo", a->seizure->ueo);
      builder_add_time (b, "offset", a->seizure->offset);
      builder_add_string (b, "soz", soz);
      builder_add_string (b, "early_spread", spread);
      builder_add_string (b, "onset_pattern", a->seizure->onset_pattern);
      builder_add_string (b, "seizure_type", a->seizure->seizure_type);
      json_builder_end_object (b);
    }
  json_builder_end_object (b);

  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  return json_generator_to_data (gen, NULL);
}

static const char *
object_get_string (JsonObject *o,
                   const char *name)
{
  JsonNode *n = json_object_get_member (o, name);

  if (n == NULL || JSON_NODE_HOLDS_NULL (n) || json_node_get_value_type (n) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (n);
}

static gint64
object_get_time (JsonObject *o,
                 const char *name)
{
  JsonNode *n = json_object_get_member (o, name);

  if (n == NULL || JSON_NODE_HOLDS_NULL (n))
    return ICTO_STORE_TIME_NONE;
  return json_node_get_int (n);
}

static IctoAnnotation *
annotation_from_json (const char  *json,
                      GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(IctoAnnotation) a = icto_annotation_new ();
  JsonObject *o;
  JsonNode *n;

  if (!json_parser_load_from_data (parser, json, -1, NULL) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      g_set_error (error, ICTO_STORE_ERROR, ICTO_STORE_ERROR_CORRUPT,
                   _("The undo history of the annotation database is damaged"));
      return NULL;
    }
  o = json_node_get_object (json_parser_get_root (parser));
  a->id = json_object_get_int_member_with_default (o, "id", 0);
  a->recording_id = json_object_get_int_member_with_default (o, "recording_id", 0);
  a->onset = json_object_get_int_member_with_default (o, "onset", 0);
  a->duration = json_object_get_int_member_with_default (o, "duration", 0);
  a->label = g_strdup (object_get_string (o, "label"));
  a->channels = _icto_store_split_channels (object_get_string (o, "channels"));
  a->rater = g_strdup (object_get_string (o, "rater"));
  n = json_object_get_member (o, "confidence");
  a->confidence = (n == NULL || JSON_NODE_HOLDS_NULL (n)) ? NAN : json_node_get_double (n);
  a->text = g_strdup (object_get_string (o, "text"));
  a->created = json_object_get_int_member_with_default (o, "created", 0);
  a->modified = json_object_get_int_member_with_default (o, "modified", 0);
  n = json_object_get_member (o, "seizure");
  if (n != NULL && JSON_NODE_HOLDS_OBJECT (n))
    {
      JsonObject *s = json_node_get_object (n);
      IctoSeizureInfo *sz = icto_seizure_info_new ();

      sz->clinical_onset = object_get_time (s, "clinical_onset");
      sz->eec = object_get_time (s, "eec");
      sz->ueo = object_get_time (s, "ueo");
      sz->offset = object_get_time (s, "offset");
      sz->soz = _icto_store_split_channels (object_get_string (s, "soz"));
      sz->early_spread = _icto_store_split_channels (object_get_string (s, "early_spread"));
      sz->onset_pattern = g_strdup (object_get_string (s, "onset_pattern"));
      sz->seizure_type = g_strdup (object_get_string (s, "seizure_type"));
      a->seizure = sz;
    }
  if (a->id <= 0 || a->label == NULL || a->rater == NULL)
    {
      g_set_error (error, ICTO_STORE_ERROR, ICTO_STORE_ERROR_CORRUPT,
                   _("The undo history of the annotation database is damaged"));
      return NULL;
    }
  return g_steal_pointer (&a);
}

/* ---- validation ---- */

static gboolean
channels_valid (char **channels)
{
  if (channels == NULL)
    return TRUE;
  for (guint i = 0; channels[i] != NULL; i++)
    {
      if (*channels[i] == '\0' || !g_utf8_validate (channels[i], -1, NULL) ||
          strpbrk (channels[i], ",\t\r\n") != NULL)
        return FALSE;
    }
  return TRUE;
}

static gboolean
text_valid (const char *text)
{
  return text == NULL || g_utf8_validate (text, -1, NULL);
}

static gboolean
validate_annotation (const IctoAnnotation  *a,
                     GError               **error)
{
  if (a->duration < 0)
    {
      g_set_error (error, ICTO_STORE_ERROR, ICTO_STORE_ERROR_INVALID,
                   _("An annotation cannot have a negative duration"));
      return FALSE;
    }
  if (a->onset > G_MAXINT64 - a->duration || a->onset == ICTO_STORE_TIME_NONE)
    {
      g_set_error (error, ICTO_STORE_ERROR, ICTO_STORE_ERROR_INVALID,
                   _("The annotation’s time is out of range"));
      return FALSE;
    }
  if (a->label == NULL || *a->label == '\0' || !g_utf8_validate (a->label, -1, NULL))
    {
      g_set_error (error, ICTO_STORE_ERROR, ICTO_STORE_ERROR_INVALID,
                   _("An annotation needs a label"));
      return FALSE;
    }
  if (!isnan (a->confidence) && !(a->confidence >= 0.0 && a->confidence <= 1.0))
    {
      g_set_error (error, ICTO_STORE_ERROR, ICTO_STORE_ERROR_INVALID,
                   _("The confidence must be between 0 and 1"));
      return FALSE;
    }
  if (!channels_valid (a->channels) ||
      (a->seizure != NULL && (!channels_valid (a->seizure->soz) || !channels_valid (a->seizure->early_spread))))
    {
      g_set_error (error, ICTO_STORE_ERROR, ICTO_STORE_ERROR_INVALID,
                   _("Channel names must be non-empty and may not contain commas, tabs or line breaks"));
      return FALSE;
    }
  if (!text_valid (a->text) || !text_valid (a->rater) ||
      (a->rater != NULL && *a->rater == '\0') ||
      (a->seizure != NULL && (!text_valid (a->seizure->onset_pattern) || !text_valid (a->seizure->seizure_type))))
    {
      g_set_error (error, ICTO_STORE_ERROR, ICTO_STORE_ERROR_INVALID,
                   _("A text field of the annotation is empty or not valid UTF-8"));
      return FALSE;
    }
  return TRUE;
}

/* ---- rows ---- */

static gint64
ensure_rater_id (IctoStore   *self,
                 const char  *name,
                 GError     **error)
{
  sqlite3_stmt *stmt;

  stmt = get_stmt (self, "INSERT OR IGNORE INTO rater (name) VALUES (?)", error);
  if (stmt == NULL)
    return 0;
  sqlite3_bind_text (stmt, 1, name, -1, SQLITE_TRANSIENT);
  if (!_icto_store_step_done (self, stmt, error))
    return 0;
  stmt = get_stmt (self, "SELECT id FROM rater WHERE name = ?", error);
  if (stmt == NULL)
    return 0;
  sqlite3_bind_text (stmt, 1, name, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);
      sqlite3_reset (stmt);
      return id;
    }
  set_sqlite_error (self, error, sqlite3_errcode (self->db), "rater");
  sqlite3_reset (stmt);
  return 0;
}

static gboolean
check_label (IctoStore   *self,
             const char  *code,
             GError     **error)
{
  sqlite3_stmt *stmt = get_stmt (self, "SELECT 1 FROM label WHERE code = ? LIMIT 1", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, code, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc == SQLITE_ROW)
    return TRUE;
  if (rc != SQLITE_DONE)
    {
      set_sqlite_error (self, error, rc, "label");
      return FALSE;
    }
  g_set_error (error, ICTO_STORE_ERROR, ICTO_STORE_ERROR_UNKNOWN_LABEL,
               _("The label “%s” is in no vocabulary"), code);
  return FALSE;
}

static gboolean
check_recording (IctoStore   *self,
                 gint64       recording_id,
                 GError     **error)
{
  sqlite3_stmt *stmt = get_stmt (self, "SELECT 1 FROM recording WHERE id = ?", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, recording_id);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc == SQLITE_ROW)
    return TRUE;
  if (rc != SQLITE_DONE)
    {
      set_sqlite_error (self, error, rc, "recording");
      return FALSE;
    }
  g_set_error (error, ICTO_STORE_ERROR, ICTO_STORE_ERROR_NOT_FOUND,
               _("No recording with id %" PRId64 " in the annotation database"), recording_id);
  return FALSE;
}

/* Binds the fields of @a from parameter 1 on (recording_id .. sz_type: 19 values). */
static void
bind_fields (sqlite3_stmt         *stmt,
             const IctoAnnotation *a,
             gint64                rater_id)
{
  g_autofree char *channels = _icto_store_join_channels (a->channels);

  sqlite3_bind_int64 (stmt, 1, a->recording_id);
  sqlite3_bind_int64 (stmt, 2, a->onset);
  sqlite3_bind_int64 (stmt, 3, a->duration);
  sqlite3_bind_text (stmt, 4, a->label, -1, SQLITE_TRANSIENT);
  bind_text_or_null (stmt, 5, channels);
  sqlite3_bind_int64 (stmt, 6, rater_id);
  if (isnan (a->confidence))
    sqlite3_bind_null (stmt, 7);
  else
    sqlite3_bind_double (stmt, 7, a->confidence);
  bind_text_or_null (stmt, 8, a->text);
  sqlite3_bind_int64 (stmt, 9, a->created);
  sqlite3_bind_int64 (stmt, 10, a->modified);
  sqlite3_bind_int (stmt, 11, a->seizure != NULL);
  if (a->seizure != NULL)
    {
      g_autofree char *soz = _icto_store_join_channels (a->seizure->soz);
      g_autofree char *spread = _icto_store_join_channels (a->seizure->early_spread);

      bind_time_or_null (stmt, 12, a->seizure->clinical_onset);
      bind_time_or_null (stmt, 13, a->seizure->eec);
      bind_time_or_null (stmt, 14, a->seizure->ueo);
      bind_time_or_null (stmt, 15, a->seizure->offset);
      bind_text_or_null (stmt, 16, soz);
      bind_text_or_null (stmt, 17, spread);
      bind_text_or_null (stmt, 18, a->seizure->onset_pattern);
      bind_text_or_null (stmt, 19, a->seizure->seizure_type);
    }
  else
    {
      for (int i = 12; i <= 19; i++)
        sqlite3_bind_null (stmt, i);
    }
}

/* Inserts @a; with @keep_id its id is used (undo of a delete), else a new id is stored in @a. */
/* Checks of one transaction: labels known and rater ids, keyed by name. */
typedef struct {
  GHashTable *labels;
  GHashTable *raters;
} RowCache;

static void
row_cache_init (RowCache *cache)
{
  cache->labels = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  cache->raters = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

static void
row_cache_clear (RowCache *cache)
{
  g_clear_pointer (&cache->labels, g_hash_table_unref);
  g_clear_pointer (&cache->raters, g_hash_table_unref);
}

static gint64
cached_rater_id (IctoStore   *self,
                 RowCache    *cache,
                 const char  *name,
                 GError     **error)
{
  gint64 *id;
  gint64 value;

  if (cache != NULL && (id = g_hash_table_lookup (cache->raters, name)) != NULL)
    return *id;
  value = ensure_rater_id (self, name, error);
  if (value > 0 && cache != NULL)
    g_hash_table_insert (cache->raters, g_strdup (name), g_memdup2 (&value, sizeof value));
  return value;
}

static gboolean
cached_check_label (IctoStore   *self,
                    RowCache    *cache,
                    const char  *code,
                    GError     **error)
{
  if (cache != NULL && g_hash_table_contains (cache->labels, code))
    return TRUE;
  if (!check_label (self, code, error))
    return FALSE;
  if (cache != NULL)
    g_hash_table_add (cache->labels, g_strdup (code));
  return TRUE;
}

static gboolean
insert_row_cached (IctoStore       *self,
                   IctoAnnotation  *a,
                   gboolean         keep_id,
                   RowCache        *cache,
                   GError         **error)
{
  sqlite3_stmt *stmt;
  gint64 rater_id;

  if ((cache == NULL && !check_recording (self, a->recording_id, error)) ||
      !cached_check_label (self, cache, a->label, error))
    return FALSE;
  rater_id = cached_rater_id (self, cache, a->rater, error);
  if (rater_id == 0)
    return FALSE;
  stmt = get_stmt (self,
                   "INSERT INTO annotation (recording_id, onset, duration, label, channels, rater_id,"
                   " confidence, text, created, modified, sz, sz_clinical_onset, sz_eec, sz_ueo,"
                   " sz_offset, sz_soz, sz_spread, sz_pattern, sz_type, id, lvl)"
                   " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", error);
  if (stmt == NULL)
    return FALSE;
  bind_fields (stmt, a, rater_id);
  sqlite3_bind_int (stmt, 21, level_of (a->duration));
  if (keep_id)
    sqlite3_bind_int64 (stmt, 20, a->id);
  else
    sqlite3_bind_null (stmt, 20);
  if (!_icto_store_step_done (self, stmt, error))
    return FALSE;
  if (!keep_id)
    a->id = sqlite3_last_insert_rowid (self->db);
  return TRUE;
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (RowCache, row_cache_clear)

static gboolean
insert_row (IctoStore       *self,
            IctoAnnotation  *a,
            gboolean         keep_id,
            GError         **error)
{
  return insert_row_cached (self, a, keep_id, NULL, error);
}

static gboolean
update_row (IctoStore             *self,
            const IctoAnnotation  *a,
            GError               **error)
{
  sqlite3_stmt *stmt;
  gint64 rater_id;

  if (!check_recording (self, a->recording_id, error) || !check_label (self, a->label, error))
    return FALSE;
  rater_id = ensure_rater_id (self, a->rater, error);
  if (rater_id == 0)
    return FALSE;
  stmt = get_stmt (self,
                   "UPDATE annotation SET recording_id = ?1, onset = ?2, duration = ?3, label = ?4,"
                   " channels = ?5, rater_id = ?6, confidence = ?7, text = ?8, created = ?9,"
                   " modified = ?10, sz = ?11, sz_clinical_onset = ?12, sz_eec = ?13, sz_ueo = ?14,"
                   " sz_offset = ?15, sz_soz = ?16, sz_spread = ?17, sz_pattern = ?18, sz_type = ?19,"
                   " lvl = ?21 WHERE id = ?20", error);
  if (stmt == NULL)
    return FALSE;
  bind_fields (stmt, a, rater_id);
  sqlite3_bind_int (stmt, 21, level_of (a->duration));
  sqlite3_bind_int64 (stmt, 20, a->id);
  if (!_icto_store_step_done (self, stmt, error))
    return FALSE;
  if (sqlite3_changes (self->db) == 0)
    {
      g_set_error (error, ICTO_STORE_ERROR, ICTO_STORE_ERROR_NOT_FOUND,
                   _("No annotation with id %" PRId64), a->id);
      return FALSE;
    }
  return TRUE;
}

static gboolean
delete_row (IctoStore  *self,
            gint64      id,
            GError    **error)
{
  sqlite3_stmt *stmt = get_stmt (self, "DELETE FROM annotation WHERE id = ?", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, id);
  if (!_icto_store_step_done (self, stmt, error))
    return FALSE;
  if (sqlite3_changes (self->db) == 0)
    {
      g_set_error (error, ICTO_STORE_ERROR, ICTO_STORE_ERROR_NOT_FOUND,
                   _("No annotation with id %" PRId64), id);
      return FALSE;
    }
  return TRUE;
}

static IctoAnnotation *
get_row (IctoStore  *self,
         gint64      id,
         GError    **error)
{
  sqlite3_stmt *stmt = get_stmt (self,
                                 "SELECT " ANNOT_COLUMNS " FROM annotation a JOIN rater r ON r.id = a.rater_id"
                                 " WHERE a.id = ?", error);
  IctoAnnotation *a = NULL;
  int rc;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    a = annotation_from_row (stmt);
  else if (rc == SQLITE_DONE)
    g_set_error (error, ICTO_STORE_ERROR, ICTO_STORE_ERROR_NOT_FOUND,
                 _("No annotation with id %" PRId64), id);
  else
    set_sqlite_error (self, error, rc, "select");
  sqlite3_reset (stmt);
  return a;
}

/* ---- history ---- */

static gint64
log_action (IctoStore   *self,
            gint64       recording_id,
            ActionKind   kind,
            gint64       target,
            const char  *description,
            GError     **error)
{
  sqlite3_stmt *stmt = get_stmt (self,
                                 "INSERT INTO action (recording_id, kind, target, description, time)"
                                 " VALUES (?, ?, ?, ?, ?)", error);

  if (stmt == NULL)
    return 0;
  sqlite3_bind_int64 (stmt, 1, recording_id);
  sqlite3_bind_int (stmt, 2, kind);
  if (target > 0)
    sqlite3_bind_int64 (stmt, 3, target);
  else
    sqlite3_bind_null (stmt, 3);
  bind_text_or_null (stmt, 4, description);
  sqlite3_bind_int64 (stmt, 5, g_get_real_time ());
  if (!_icto_store_step_done (self, stmt, error))
    return 0;
  return sqlite3_last_insert_rowid (self->db);
}

static gboolean
log_change (IctoStore             *self,
            gint64                 action_id,
            gint64                 annotation_id,
            const IctoAnnotation  *before,
            const IctoAnnotation  *after,
            GError               **error)
{
  sqlite3_stmt *stmt = get_stmt (self,
                                 "INSERT INTO change (action_id, annotation_id, before, after)"
                                 " VALUES (?, ?, ?, ?)", error);
  g_autofree char *before_json = before != NULL ? annotation_to_json (before) : NULL;
  g_autofree char *after_json = after != NULL ? annotation_to_json (after) : NULL;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, action_id);
  sqlite3_bind_int64 (stmt, 2, annotation_id);
  bind_text_or_null (stmt, 3, before_json);
  bind_text_or_null (stmt, 4, after_json);
  return _icto_store_step_done (self, stmt, error);
}

static void
remove_last (GArray *stack,
             gint64  value)
{
  for (guint i = stack->len; i > 0; i--)
    if (g_array_index (stack, gint64, i - 1) == value)
      {
        g_array_remove_index (stack, i - 1);
        return;
      }
}

/* Replays the action log of a recording into its undo and redo stacks (action ids). */
static gboolean
load_stacks (IctoStore  *self,
             gint64      recording_id,
             GArray     *undo,
             GArray     *redo,
             GError    **error)
{
  sqlite3_stmt *stmt = get_stmt (self,
                                 "SELECT id, kind, target FROM action WHERE recording_id = ? ORDER BY id",
                                 error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, recording_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);
      int kind = sqlite3_column_int (stmt, 1);
      gint64 target = sqlite3_column_int64 (stmt, 2);

      switch (kind)
        {
        case ACTION_DO:
          g_array_append_val (undo, id);
          g_array_set_size (redo, 0);
          break;
        case ACTION_UNDO:
          remove_last (undo, target);
          g_array_append_val (redo, target);
          break;
        case ACTION_REDO:
          remove_last (redo, target);
          g_array_append_val (undo, target);
          break;
        default:
          break;
        }
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      set_sqlite_error (self, error, rc, "history");
      return FALSE;
    }
  return TRUE;
}

/* Applies the changes of @action_id backwards (undo) or forwards (redo). */
static gboolean
replay_action (IctoStore  *self,
               gint64      action_id,
               gboolean    backwards,
               GError    **error)
{
  sqlite3_stmt *stmt;
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func (g_free);
  int rc;

  stmt = get_stmt (self, backwards
                   ? "SELECT annotation_id, before, after FROM change WHERE action_id = ? ORDER BY id DESC"
                   : "SELECT annotation_id, before, after FROM change WHERE action_id = ? ORDER BY id ASC",
                   error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, action_id);
  /* Read all first: the statements below must not run while this one is active. */
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_ptr_array_add (rows, g_strdup_printf ("%" G_GINT64_FORMAT, (gint64) sqlite3_column_int64 (stmt, 0)));
      g_ptr_array_add (rows, column_strdup (stmt, 1));
      g_ptr_array_add (rows, column_strdup (stmt, 2));
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      set_sqlite_error (self, error, rc, "history");
      return FALSE;
    }

  for (guint i = 0; i < rows->len; i += 3)
    {
      gint64 annotation_id = g_ascii_strtoll (rows->pdata[i], NULL, 10);
      const char *from = backwards ? rows->pdata[i + 2] : rows->pdata[i + 1];
      const char *to = backwards ? rows->pdata[i + 1] : rows->pdata[i + 2];
      g_autoptr(IctoAnnotation) target = NULL;

      if (to != NULL)
        {
          target = annotation_from_json (to, error);
          if (target == NULL)
            return FALSE;
        }
      if (from == NULL)
        {
          if (!insert_row (self, target, TRUE, error))
            return FALSE;
        }
      else if (to == NULL)
        {
          if (!delete_row (self, annotation_id, error))
            return FALSE;
        }
      else if (!update_row (self, target, error))
        return FALSE;
    }
  return TRUE;
}

/* ---- transactions ---- */

typedef gboolean (*WriteFunc) (IctoStore  *self,
                               gpointer    data,
                               GError    **error);

/* Runs @func inside BEGIN IMMEDIATE ... COMMIT, retrying on lock contention.
 * @func must have no effect outside the database (it may run several times). */
static gboolean
run_write (IctoStore  *self,
           WriteFunc   func,
           gpointer    data,
           GError    **error)
{
  if (self->read_only)
    {
      g_set_error (error, ICTO_STORE_ERROR, ICTO_STORE_ERROR_READ_ONLY,
                   _("The annotation database %s is read-only; the change is kept until it can be saved"),
                   self->path);
      return FALSE;
    }

  for (guint attempt = 0;; attempt++)
    {
      g_autoptr(GError) local = NULL;

      if (exec_sql (self, "BEGIN IMMEDIATE", &local) &&
          func (self, data, &local) &&
          exec_sql (self, "COMMIT", &local))
        return TRUE;

      if (!sqlite3_get_autocommit (self->db))
        sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);

      if (g_error_matches (local, ICTO_STORE_ERROR, ICTO_STORE_ERROR_BUSY) && attempt < MAX_RETRIES)
        {
          g_usleep ((gulong) (1000u << attempt) + g_random_int_range (0, 1000));
          continue;
        }
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
}

/* ---- migrations and defaults ---- */

static gboolean
insert_label (IctoStore        *self,
              const IctoLabel  *label,
              GError          **error)
{
  sqlite3_stmt *stmt = get_stmt (self,
                                 "INSERT OR REPLACE INTO label (vocabulary, code, name, colour, category, hed, szcore, position)"
                                 " VALUES (?, ?, ?, ?, ?, ?, ?, ?)", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, label->vocabulary, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, label->code, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, label->name, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 4, label->colour, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 5, label->category, -1, SQLITE_TRANSIENT);
  bind_text_or_null (stmt, 6, label->hed);
  bind_text_or_null (stmt, 7, label->szcore);
  sqlite3_bind_int (stmt, 8, label->position);
  return _icto_store_step_done (self, stmt, error);
}

static gboolean
migrate_cb (IctoStore  *self,
            gpointer    data,
            GError    **error)
{
  guint from = GPOINTER_TO_UINT (data);
  sqlite3_stmt *stmt;
  int version = -1;
  g_autofree char *set_version = NULL;

  /* Another process may have migrated meanwhile: check inside the transaction. */
  stmt = get_stmt (self, "PRAGMA user_version", error);
  if (stmt == NULL)
    return FALSE;
  if (sqlite3_step (stmt) == SQLITE_ROW)
    version = sqlite3_column_int (stmt, 0);
  sqlite3_reset (stmt);
  if (version != (int) from)
    return TRUE;

  if (!exec_sql (self, migrations[from], error))
    return FALSE;
  if (from == 0)
    {
      for (guint i = 0; i < G_N_ELEMENTS (default_labels); i++)
        {
          IctoLabel label = {
            .vocabulary = (char *) "default",
            .code = (char *) default_labels[i].code,
            .name = (char *) _(default_labels[i].name),
            .colour = (char *) default_labels[i].colour,
            .category = (char *) default_labels[i].category,
            .hed = NULL,
            .szcore = (char *) default_labels[i].szcore,
            .position = (int) i + 1,
          };
          if (!insert_label (self, &label, error))
            return FALSE;
        }
    }
  set_version = g_strdup_printf ("PRAGMA user_version = %u", from + 1);
  return exec_sql (self, set_version, error);
}

static int
read_user_version (IctoStore  *self,
                   GError    **error)
{
  sqlite3_stmt *stmt = get_stmt (self, "PRAGMA user_version", error);
  int rc, version;

  if (stmt == NULL)
    return -1;
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      set_sqlite_error (self, error, rc, "user_version");
      sqlite3_reset (stmt);
      return -1;
    }
  version = sqlite3_column_int (stmt, 0);
  sqlite3_reset (stmt);
  return version;
}

/* ---- GObject ---- */

static void
pending_op_free (gpointer data)
{
  PendingOp *op = data;

  icto_annotation_free (op->annotation);
  g_free (op);
}

static void
finalize_stmt (gpointer data)
{
  sqlite3_finalize (data);
}

static void
icto_store_finalize (GObject *object)
{
  IctoStore *self = ICTO_STORE (object);

  g_clear_pointer (&self->stmts, g_hash_table_unref);
  if (self->db != NULL)
    sqlite3_close_v2 (self->db);
  g_queue_clear_full (&self->pending, pending_op_free);
  g_free (self->path);
  g_free (self->default_rater);

  G_OBJECT_CLASS (icto_store_parent_class)->finalize (object);
}

static void
icto_store_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  IctoStore *self = ICTO_STORE (object);

  switch (prop_id)
    {
    case PROP_N_PENDING:
      g_value_set_uint (value, self->pending.length);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
icto_store_class_init (IctoStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = icto_store_finalize;
  object_class->get_property = icto_store_get_property;

  properties[PROP_N_PENDING] =
    g_param_spec_uint ("n-pending", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * IctoStore::changed:
   * @recording_id: the recording whose annotations changed
   *
   * Emitted on the thread of the store after a change was committed.
   */
  signals[CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT64);
}

static void
icto_store_init (IctoStore *self)
{
  self->stmts = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, finalize_stmt);
  g_queue_init (&self->pending);
  self->default_rater = g_strdup (g_get_user_name ());
}

/* ---- public API ---- */

char *
icto_store_default_path (void)
{
  return g_build_filename (g_get_user_data_dir (), "ictoscope", "annotations.db", NULL);
}

IctoStore *
icto_store_open (const char  *path,
                 GError     **error)
{
  g_autoptr(IctoStore) self = NULL;
  g_autofree char *dir = NULL;
  int rc, version;

  g_return_val_if_fail (path != NULL, NULL);

  self = g_object_new (ICTO_TYPE_STORE, NULL);
  self->path = g_strdup (path);

  dir = g_path_get_dirname (path);
  if (g_mkdir_with_parents (dir, 0700) != 0 && !g_file_test (dir, G_FILE_TEST_IS_DIR))
    {
      int saved = errno;
      g_set_error (error, ICTO_STORE_ERROR, ICTO_STORE_ERROR_OPEN,
                   _("Could not create the folder %s for the annotation database: %s"),
                   dir, g_strerror (saved));
      return NULL;
    }

  rc = sqlite3_open_v2 (path, &self->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
  if (rc != SQLITE_OK && g_file_test (path, G_FILE_TEST_EXISTS))
    {
      /* an existing database we may not write: read it at least */
      sqlite3_close_v2 (self->db);
      self->db = NULL;
      rc = sqlite3_open_v2 (path, &self->db, SQLITE_OPEN_READONLY, NULL);
    }
  if (rc != SQLITE_OK)
    {
      g_set_error (error, ICTO_STORE_ERROR, ICTO_STORE_ERROR_OPEN,
                   _("Could not open the annotation database %s: %s"),
                   path, self->db != NULL ? sqlite3_errmsg (self->db) : sqlite3_errstr (rc));
      return NULL;
    }
  self->read_only = sqlite3_db_readonly (self->db, "main") == 1;
  sqlite3_extended_result_codes (self->db, 1);
  sqlite3_busy_timeout (self->db, BUSY_TIMEOUT_MS);

  if (!exec_sql (self, "PRAGMA foreign_keys = ON", error))
    return NULL;
  /* reads through a memory map and a bigger page cache: no read() per page */
  exec_sql (self, "PRAGMA mmap_size = 268435456", NULL);
  exec_sql (self, "PRAGMA cache_size = -16384", NULL);

  version = read_user_version (self, error);
  if (version < 0)
    return NULL;
  if (version > ICTO_STORE_SCHEMA_VERSION)
    {
      g_set_error (error, ICTO_STORE_ERROR, ICTO_STORE_ERROR_TOO_NEW,
                   _("The annotation database %s was written by a newer version of Ictoscope (schema %d, this version reads up to %d)"),
                   path, version, ICTO_STORE_SCHEMA_VERSION);
      return NULL;
    }

  if (!self->read_only)
    {
      g_autoptr(GError) wal_error = NULL;

      if (!exec_sql (self, "PRAGMA journal_mode = WAL", &wal_error))
        {
          /* Not fatal (e.g. a file system without shared memory): keep the rollback journal. */
          g_debug ("WAL not available for %s: %s", path, wal_error->message);
        }
      if (!exec_sql (self, "PRAGMA synchronous = FULL", error))
        return NULL;
      for (int v = version; v < ICTO_STORE_SCHEMA_VERSION; v++)
        if (!run_write (self, migrate_cb, GUINT_TO_POINTER ((guint) v), error))
          return NULL;
    }
  else if (version < ICTO_STORE_SCHEMA_VERSION)
    {
      g_set_error (error, ICTO_STORE_ERROR, ICTO_STORE_ERROR_READ_ONLY,
                   _("The annotation database %s is read-only and needs to be upgraded first"), path);
      return NULL;
    }

  return g_steal_pointer (&self);
}

const char *
icto_store_get_path (IctoStore *self)
{
  g_return_val_if_fail (ICTO_IS_STORE (self), NULL);
  return self->path;
}

gboolean
icto_store_is_read_only (IctoStore *self)
{
  g_return_val_if_fail (ICTO_IS_STORE (self), TRUE);
  return self->read_only;
}

const char *
icto_store_get_default_rater (IctoStore *self)
{
  g_return_val_if_fail (ICTO_IS_STORE (self), NULL);
  return self->default_rater;
}

void
icto_store_set_default_rater (IctoStore  *self,
                              const char *rater)
{
  g_return_if_fail (ICTO_IS_STORE (self));
  g_return_if_fail (rater != NULL && *rater != '\0');
  g_free (self->default_rater);
  self->default_rater = g_strdup (rater);
}

typedef struct {
  const char *fingerprint;
  const char *path;
  gint64      duration;
  gint64      id;
} EnsureRecording;

static gboolean
ensure_recording_cb (IctoStore  *self,
                     gpointer    data,
                     GError    **error)
{
  EnsureRecording *er = data;
  sqlite3_stmt *stmt;

  stmt = get_stmt (self,
                   "INSERT INTO recording (fingerprint, path, duration, seen) VALUES (?1, ?2, ?3, ?4)"
                   " ON CONFLICT (fingerprint) DO UPDATE SET path = coalesce (?2, path),"
                   " duration = CASE WHEN ?3 >= 0 THEN ?3 ELSE duration END, seen = ?4", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, er->fingerprint, -1, SQLITE_TRANSIENT);
  bind_text_or_null (stmt, 2, er->path);
  sqlite3_bind_int64 (stmt, 3, er->duration);
  sqlite3_bind_int64 (stmt, 4, g_get_real_time ());
  if (!_icto_store_step_done (self, stmt, error))
    return FALSE;
  er->id = icto_store_find_recording (self, er->fingerprint, error);
  return er->id > 0;
}

gint64
icto_store_ensure_recording (IctoStore   *self,
                             const char  *fingerprint,
                             const char  *path,
                             gint64       duration,
                             GError     **error)
{
  EnsureRecording er = { fingerprint, path, duration, 0 };

  g_return_val_if_fail (ICTO_IS_STORE (self), 0);
  g_return_val_if_fail (fingerprint != NULL && *fingerprint != '\0', 0);

  if (self->read_only)
    {
      /* a read-only database can still show what it knows */
      g_autoptr(GError) local = NULL;
      gint64 id = icto_store_find_recording (self, fingerprint, &local);

      if (id > 0)
        return id;
      g_set_error (error, ICTO_STORE_ERROR, ICTO_STORE_ERROR_READ_ONLY,
                   _("The annotation database %s is read-only and does not know this recording yet"),
                   self->path);
      return 0;
    }
  if (!run_write (self, ensure_recording_cb, &er, error))
    return 0;
  return er.id;
}

gint64
icto_store_find_recording (IctoStore   *self,
                           const char  *fingerprint,
                           GError     **error)
{
  sqlite3_stmt *stmt;
  gint64 id = 0;
  int rc;

  g_return_val_if_fail (ICTO_IS_STORE (self), 0);
  stmt = get_stmt (self, "SELECT id FROM recording WHERE fingerprint = ?", error);
  if (stmt == NULL)
    return 0;
  sqlite3_bind_text (stmt, 1, fingerprint, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    id = sqlite3_column_int64 (stmt, 0);
  else if (rc == SQLITE_DONE)
    g_set_error (error, ICTO_STORE_ERROR, ICTO_STORE_ERROR_NOT_FOUND,
                 _("The recording is not in the annotation database"));
  else
    set_sqlite_error (self, error, rc, "recording");
  sqlite3_reset (stmt);
  return id;
}

char *
icto_store_get_recording_path (IctoStore   *self,
                               gint64       recording_id,
                               GError     **error)
{
  sqlite3_stmt *stmt;
  char *path = NULL;
  int rc;

  g_return_val_if_fail (ICTO_IS_STORE (self), NULL);
  stmt = get_stmt (self, "SELECT path FROM recording WHERE id = ?", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, recording_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW && sqlite3_column_type (stmt, 0) != SQLITE_NULL)
    path = column_strdup (stmt, 0);
  else if (rc == SQLITE_ROW || rc == SQLITE_DONE)
    g_set_error (error, ICTO_STORE_ERROR, ICTO_STORE_ERROR_NOT_FOUND,
                 _("No path is known for this recording"));
  else
    set_sqlite_error (self, error, rc, "recording");
  sqlite3_reset (stmt);
  return path;
}

gint64
icto_store_get_recording_duration (IctoStore *self,
                                   gint64     recording_id)
{
  sqlite3_stmt *stmt;
  gint64 duration = -1;

  g_return_val_if_fail (ICTO_IS_STORE (self), -1);
  stmt = get_stmt (self, "SELECT duration FROM recording WHERE id = ?", NULL);
  if (stmt == NULL)
    return -1;
  sqlite3_bind_int64 (stmt, 1, recording_id);
  if (sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_type (stmt, 0) != SQLITE_NULL)
    duration = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  return duration;
}

/* --- changes --- */

typedef struct {
  PendingKind     kind;
  GPtrArray      *annotations;   /* IctoAnnotation*, for ADD (several) and UPDATE (one) */
  gint64          id;            /* DELETE */
  const char     *description;
  gint64          recording_id;  /* out */
} ChangeData;

static const char *
describe (PendingKind kind)
{
  switch (kind)
    {
    case PENDING_ADD:
      return N_("Add annotation");
    case PENDING_UPDATE:
      return N_("Edit annotation");
    case PENDING_DELETE:
    default:
      return N_("Delete annotation");
    }
}

static gboolean
change_cb (IctoStore  *self,
           gpointer    data,
           GError    **error)
{
  ChangeData *cd = data;
  gint64 action_id;

  if (cd->kind == PENDING_ADD)
    {
      IctoAnnotation *first = cd->annotations->pdata[0];

      cd->recording_id = first->recording_id;
      if (!check_recording (self, cd->recording_id, error))
        return FALSE;
      action_id = log_action (self, cd->recording_id, ACTION_DO, 0,
                              cd->description ? cd->description : describe (cd->kind), error);
      if (action_id == 0)
        return FALSE;
      {
        g_auto(RowCache) cache = { NULL, NULL };

        row_cache_init (&cache);
        for (guint i = 0; i < cd->annotations->len; i++)
          {
            IctoAnnotation *a = cd->annotations->pdata[i];

            a->id = 0;
            if (a->recording_id != cd->recording_id)
              {
                g_set_error (error, ICTO_STORE_ERROR, ICTO_STORE_ERROR_INVALID,
                             _("Annotations added together must belong to one recording"));
                return FALSE;
              }
            if (!insert_row_cached (self, a, FALSE, &cache, error) ||
                !log_change (self, action_id, a->id, NULL, a, error))
              return FALSE;
          }
      }
      return TRUE;
    }
  else if (cd->kind == PENDING_UPDATE)
    {
      IctoAnnotation *a = cd->annotations->pdata[0];
      g_autoptr(IctoAnnotation) before = get_row (self, a->id, error);

      if (before == NULL)
        return FALSE;
      a->created = before->created;
      cd->recording_id = before->recording_id;
      action_id = log_action (self, cd->recording_id, ACTION_DO, 0, describe (cd->kind), error);
      if (action_id == 0)
        return FALSE;
      if (!update_row (self, a, error))
        return FALSE;
      return log_change (self, action_id, a->id, before, a, error);
    }
  else
    {
      g_autoptr(IctoAnnotation) before = get_row (self, cd->id, error);

      if (before == NULL)
        return FALSE;
      cd->recording_id = before->recording_id;
      action_id = log_action (self, cd->recording_id, ACTION_DO, 0, describe (cd->kind), error);
      if (action_id == 0)
        return FALSE;
      if (!delete_row (self, cd->id, error))
        return FALSE;
      return log_change (self, action_id, cd->id, before, NULL, error);
    }
}

/* Applies one change now (no queueing). */
static gboolean
apply_change (IctoStore  *self,
              ChangeData *cd,
              GError    **error)
{
  if (!run_write (self, change_cb, cd, error))
    return FALSE;
  g_signal_emit (self, signals[CHANGED], 0, cd->recording_id);
  return TRUE;
}

static gboolean
flush_pending (IctoStore  *self,
               GError    **error)
{
  gboolean changed = FALSE;
  gboolean ok = TRUE;

  while (self->pending.length > 0)
    {
      PendingOp *op = g_queue_peek_head (&self->pending);
      g_autoptr(GPtrArray) one = g_ptr_array_new ();
      ChangeData cd = { op->kind, one, op->annotation->id, NULL, 0 };

      g_ptr_array_add (one, op->annotation);
      if (!apply_change (self, &cd, error))
        {
          ok = FALSE;
          break;
        }
      pending_op_free (g_queue_pop_head (&self->pending));
      changed = TRUE;
    }
  if (changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_PENDING]);
  return ok;
}

/* Flushes the queue, then applies @cd; on a saving error, queues it. */
static gboolean
change_or_queue (IctoStore      *self,
                 ChangeData     *cd,
                 IctoAnnotation *annotation,
                 GError        **error)
{
  g_autoptr(GError) local = NULL;

  if (flush_pending (self, &local) && apply_change (self, cd, &local))
    return TRUE;

  if (is_saving_error (local))
    {
      PendingOp *op = g_new0 (PendingOp, 1);

      op->kind = cd->kind;
      op->annotation = icto_annotation_copy (annotation);
      if (cd->kind == PENDING_ADD)
        annotation->id = op->annotation->id = 0;
      g_queue_push_tail (&self->pending, op);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_PENDING]);
    }
  g_propagate_error (error, g_steal_pointer (&local));
  return FALSE;
}

static void
prepare_new (IctoStore      *self,
             IctoAnnotation *a)
{
  if (a->rater == NULL)
    a->rater = g_strdup (self->default_rater);
  if (a->created == 0)
    a->created = g_get_real_time ();
  if (a->modified == 0)
    a->modified = a->created;
}

gboolean
icto_store_add (IctoStore       *self,
                IctoAnnotation  *annotation,
                GError         **error)
{
  g_autoptr(GPtrArray) one = g_ptr_array_new ();
  ChangeData cd = { PENDING_ADD, one, 0, NULL, 0 };

  g_return_val_if_fail (ICTO_IS_STORE (self), FALSE);
  g_return_val_if_fail (annotation != NULL, FALSE);

  if (!validate_annotation (annotation, error))
    return FALSE;
  prepare_new (self, annotation);
  g_ptr_array_add (one, annotation);
  return change_or_queue (self, &cd, annotation, error);
}

gboolean
icto_store_add_many (IctoStore   *self,
                     GPtrArray   *annotations,
                     const char  *description,
                     GError     **error)
{
  ChangeData cd = { PENDING_ADD, annotations, 0, description, 0 };
  g_autoptr(GError) local = NULL;

  g_return_val_if_fail (ICTO_IS_STORE (self), FALSE);
  g_return_val_if_fail (annotations != NULL, FALSE);

  if (annotations->len == 0)
    return TRUE;
  for (guint i = 0; i < annotations->len; i++)
    {
      if (!validate_annotation (annotations->pdata[i], error))
        return FALSE;
      prepare_new (self, annotations->pdata[i]);
    }
  if (!flush_pending (self, error) || !apply_change (self, &cd, error))
    {
      for (guint i = 0; i < annotations->len; i++)
        ((IctoAnnotation *) annotations->pdata[i])->id = 0;
      return FALSE;
    }
  return TRUE;
}

gboolean
icto_store_update (IctoStore       *self,
                   IctoAnnotation  *annotation,
                   GError         **error)
{
  g_autoptr(GPtrArray) one = g_ptr_array_new ();
  ChangeData cd = { PENDING_UPDATE, one, 0, NULL, 0 };

  g_return_val_if_fail (ICTO_IS_STORE (self), FALSE);
  g_return_val_if_fail (annotation != NULL && annotation->id > 0, FALSE);
  cd.id = annotation->id;

  if (!validate_annotation (annotation, error))
    return FALSE;
  if (annotation->rater == NULL)
    annotation->rater = g_strdup (self->default_rater);
  annotation->modified = g_get_real_time ();
  g_ptr_array_add (one, annotation);
  return change_or_queue (self, &cd, annotation, error);
}

gboolean
icto_store_delete (IctoStore  *self,
                   gint64      id,
                   GError    **error)
{
  g_autoptr(IctoAnnotation) stub = icto_annotation_new ();
  ChangeData cd = { PENDING_DELETE, NULL, id, NULL, 0 };

  g_return_val_if_fail (ICTO_IS_STORE (self), FALSE);
  stub->id = id;
  return change_or_queue (self, &cd, stub, error);
}

IctoAnnotation *
icto_store_get (IctoStore  *self,
                gint64      id,
                GError    **error)
{
  g_return_val_if_fail (ICTO_IS_STORE (self), NULL);
  return get_row (self, id, error);
}

static gboolean
collect_rows (IctoStore          *self,
              sqlite3_stmt       *stmt,
              const char * const *raters,
              GPtrArray          *out,
              GError            **error)
{
  int rc;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      if (raters != NULL)
        {
          const char *name = (const char *) sqlite3_column_text (stmt, 6);
          if (name == NULL || !g_strv_contains (raters, name))
            continue;
        }
      g_ptr_array_add (out, annotation_from_row (stmt));
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      set_sqlite_error (self, error, rc, "list");
      return FALSE;
    }
  return TRUE;
}

static int
compare_onset_id (gconstpointer a,
                  gconstpointer b)
{
  const IctoAnnotation *x = *(IctoAnnotation **) a;
  const IctoAnnotation *y = *(IctoAnnotation **) b;

  if (x->onset != y->onset)
    return x->onset < y->onset ? -1 : 1;
  return x->id < y->id ? -1 : x->id > y->id;
}

GPtrArray *
icto_store_list (IctoStore          *self,
                 gint64              recording_id,
                 gint64              start,
                 gint64              end,
                 const char * const *raters,
                 GError            **error)
{
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func ((GDestroyNotify) icto_annotation_free);
  sqlite3_stmt *stmt;

  g_return_val_if_fail (ICTO_IS_STORE (self), NULL);

  if (start == G_MININT64 && end == G_MAXINT64)
    {
      stmt = get_stmt (self,
                       "SELECT " ANNOT_COLUMNS " FROM annotation a JOIN rater r ON r.id = a.rater_id"
                       " WHERE a.recording_id = ? ORDER BY a.onset, a.id", error);
      if (stmt == NULL)
        return NULL;
      sqlite3_bind_int64 (stmt, 1, recording_id);
      if (!collect_rows (self, stmt, raters, out, error))
        return NULL;
      return g_steal_pointer (&out);
    }

  if (start >= end)
    return g_steal_pointer (&out);

  /* one index range per duration level (see level_of) */
  stmt = get_stmt (self,
                   "SELECT " ANNOT_COLUMNS " FROM annotation a JOIN rater r ON r.id = a.rater_id"
                   " WHERE a.recording_id = ?1 AND a.lvl = ?2 AND a.onset >= ?3 AND a.onset < ?4"
                   " AND (a.onset + a.duration > ?5 OR a.onset >= ?5)", error);
  if (stmt == NULL)
    return NULL;
  for (int level = 0; level <= MAX_LEVEL; level++)
    {
      sqlite3_reset (stmt);
      sqlite3_bind_int64 (stmt, 1, recording_id);
      sqlite3_bind_int (stmt, 2, level);
      sqlite3_bind_int64 (stmt, 3, level_lower_bound (level, start));
      sqlite3_bind_int64 (stmt, 4, end);
      sqlite3_bind_int64 (stmt, 5, start);
      if (!collect_rows (self, stmt, raters, out, error))
        return NULL;
    }
  g_ptr_array_sort (out, compare_onset_id);
  return g_steal_pointer (&out);
}

gint64
icto_store_count (IctoStore  *self,
                  gint64      recording_id,
                  GError    **error)
{
  sqlite3_stmt *stmt;
  gint64 n = -1;
  int rc;

  g_return_val_if_fail (ICTO_IS_STORE (self), -1);
  stmt = get_stmt (self, "SELECT count(*) FROM annotation WHERE recording_id = ?", error);
  if (stmt == NULL)
    return -1;
  sqlite3_bind_int64 (stmt, 1, recording_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    n = sqlite3_column_int64 (stmt, 0);
  else
    set_sqlite_error (self, error, rc, "count");
  sqlite3_reset (stmt);
  return n;
}

/* --- undo / redo --- */

typedef struct {
  gint64    recording_id;
  gboolean  redo;
  char     *description;   /* out */
} UndoData;

static gboolean
undo_cb (IctoStore  *self,
         gpointer    data,
         GError    **error)
{
  UndoData *ud = data;
  g_autoptr(GArray) undo = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) redo = g_array_new (FALSE, FALSE, sizeof (gint64));
  GArray *stack;
  gint64 target;
  sqlite3_stmt *stmt;

  if (!load_stacks (self, ud->recording_id, undo, redo, error))
    return FALSE;
  stack = ud->redo ? redo : undo;
  if (stack->len == 0)
    {
      if (ud->redo)
        g_set_error (error, ICTO_STORE_ERROR, ICTO_STORE_ERROR_NOTHING_TO_REDO, _("There is nothing to redo"));
      else
        g_set_error (error, ICTO_STORE_ERROR, ICTO_STORE_ERROR_NOTHING_TO_UNDO, _("There is nothing to undo"));
      return FALSE;
    }
  target = g_array_index (stack, gint64, stack->len - 1);
  if (!replay_action (self, target, !ud->redo, error))
    return FALSE;
  if (log_action (self, ud->recording_id, ud->redo ? ACTION_REDO : ACTION_UNDO, target, NULL, error) == 0)
    return FALSE;

  g_clear_pointer (&ud->description, g_free);
  stmt = get_stmt (self, "SELECT description FROM action WHERE id = ?", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, target);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    ud->description = column_strdup (stmt, 0);
  sqlite3_reset (stmt);
  return TRUE;
}

static gboolean
undo_redo (IctoStore  *self,
           gint64      recording_id,
           gboolean    redo,
           char      **description,
           GError    **error)
{
  UndoData ud = { recording_id, redo, NULL };
  g_autoptr(GError) local = NULL;

  /* Pending changes come after everything in the history: save them first,
   * so that undo reverts the latest change the user made. */
  if (!flush_pending (self, error))
    return FALSE;
  if (!run_write (self, undo_cb, &ud, error))
    {
      g_free (ud.description);
      return FALSE;
    }
  g_signal_emit (self, signals[CHANGED], 0, recording_id);
  if (description != NULL)
    *description = ud.description;
  else
    g_free (ud.description);
  return TRUE;
}

gboolean
icto_store_undo (IctoStore  *self,
                 gint64      recording_id,
                 char      **description,
                 GError    **error)
{
  g_return_val_if_fail (ICTO_IS_STORE (self), FALSE);
  return undo_redo (self, recording_id, FALSE, description, error);
}

gboolean
icto_store_redo (IctoStore  *self,
                 gint64      recording_id,
                 char      **description,
                 GError    **error)
{
  g_return_val_if_fail (ICTO_IS_STORE (self), FALSE);
  return undo_redo (self, recording_id, TRUE, description, error);
}

gboolean
icto_store_get_history_depth (IctoStore  *self,
                              gint64      recording_id,
                              guint      *n_undo,
                              guint      *n_redo,
                              GError    **error)
{
  g_autoptr(GArray) undo = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) redo = g_array_new (FALSE, FALSE, sizeof (gint64));

  g_return_val_if_fail (ICTO_IS_STORE (self), FALSE);
  if (!load_stacks (self, recording_id, undo, redo, error))
    return FALSE;
  if (n_undo != NULL)
    *n_undo = undo->len;
  if (n_redo != NULL)
    *n_redo = redo->len;
  return TRUE;
}

/* --- raters --- */

char **
icto_store_list_raters (IctoStore  *self,
                        GError    **error)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (ICTO_IS_STORE (self), NULL);
  stmt = get_stmt (self, "SELECT name FROM rater ORDER BY name", error);
  if (stmt == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_strv_builder_add (builder, (const char *) sqlite3_column_text (stmt, 0));
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      set_sqlite_error (self, error, rc, "raters");
      return NULL;
    }
  return g_strv_builder_end (builder);
}

static gboolean
add_rater_cb (IctoStore  *self,
              gpointer    data,
              GError    **error)
{
  return ensure_rater_id (self, data, error) > 0;
}

gboolean
icto_store_add_rater (IctoStore   *self,
                      const char  *name,
                      GError     **error)
{
  g_return_val_if_fail (ICTO_IS_STORE (self), FALSE);
  if (name == NULL || *name == '\0' || !g_utf8_validate (name, -1, NULL))
    {
      g_set_error (error, ICTO_STORE_ERROR, ICTO_STORE_ERROR_INVALID, _("A rater needs a name"));
      return FALSE;
    }
  return run_write (self, add_rater_cb, (gpointer) name, error);
}

/* --- labels --- */

static IctoLabel *
label_from_row (sqlite3_stmt *stmt)
{
  IctoLabel *label = g_new0 (IctoLabel, 1);

  label->vocabulary = column_strdup (stmt, 0);
  label->code = column_strdup (stmt, 1);
  label->name = column_strdup (stmt, 2);
  label->colour = column_strdup (stmt, 3);
  label->category = column_strdup (stmt, 4);
  label->hed = column_strdup (stmt, 5);
  label->szcore = column_strdup (stmt, 6);
  label->position = sqlite3_column_int (stmt, 7);
  return label;
}

#define LABEL_COLUMNS "vocabulary, code, name, colour, category, hed, szcore, position"

GPtrArray *
icto_store_list_labels (IctoStore   *self,
                        const char  *vocabulary,
                        GError     **error)
{
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func ((GDestroyNotify) icto_label_free);
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (ICTO_IS_STORE (self), NULL);
  stmt = get_stmt (self, "SELECT " LABEL_COLUMNS " FROM label WHERE vocabulary = ? ORDER BY position, code", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, vocabulary ? vocabulary : "default", -1, SQLITE_TRANSIENT);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (out, label_from_row (stmt));
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      set_sqlite_error (self, error, rc, "labels");
      return NULL;
    }
  return g_steal_pointer (&out);
}

IctoLabel *
icto_store_get_label (IctoStore   *self,
                      const char  *vocabulary,
                      const char  *code,
                      GError     **error)
{
  sqlite3_stmt *stmt;
  IctoLabel *label = NULL;
  int rc;

  g_return_val_if_fail (ICTO_IS_STORE (self), NULL);
  g_return_val_if_fail (code != NULL, NULL);
  stmt = get_stmt (self, "SELECT " LABEL_COLUMNS " FROM label WHERE code = ?2"
                   " ORDER BY vocabulary = ?1 DESC, vocabulary = 'default' DESC LIMIT 1", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, vocabulary ? vocabulary : "default", -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, code, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    label = label_from_row (stmt);
  else if (rc == SQLITE_DONE)
    g_set_error (error, ICTO_STORE_ERROR, ICTO_STORE_ERROR_UNKNOWN_LABEL,
                 _("The label “%s” is in no vocabulary"), code);
  else
    set_sqlite_error (self, error, rc, "label");
  sqlite3_reset (stmt);
  return label;
}

IctoLabel *
icto_store_match_label (IctoStore  *self,
                        const char *text)
{
  sqlite3_stmt *stmt;
  IctoLabel *label = NULL;
  g_autofree char *trimmed = NULL;

  g_return_val_if_fail (ICTO_IS_STORE (self), NULL);
  if (text == NULL)
    return NULL;
  trimmed = g_strstrip (g_strdup (text));
  stmt = get_stmt (self, "SELECT " LABEL_COLUMNS " FROM label WHERE code = ?1 COLLATE NOCASE"
                   " OR name = ?1 COLLATE NOCASE ORDER BY vocabulary = 'default' DESC, code = ?1 DESC LIMIT 1",
                   NULL);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, trimmed, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    label = label_from_row (stmt);
  sqlite3_reset (stmt);
  return label;
}

typedef struct {
  const IctoLabel *label;
} SetLabelData;

static gboolean
set_label_cb (IctoStore  *self,
              gpointer    data,
              GError    **error)
{
  const IctoLabel *in = ((SetLabelData *) data)->label;
  IctoLabel label = *in;
  sqlite3_stmt *stmt;
  int n = 0, max_pos = 0;
  g_autofree char *colour = NULL;

  stmt = get_stmt (self, "SELECT count(*), coalesce (max(position), 0) FROM label WHERE vocabulary = ?", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, label.vocabulary, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      n = sqlite3_column_int (stmt, 0);
      max_pos = sqlite3_column_int (stmt, 1);
    }
  sqlite3_reset (stmt);
  if (label.colour == NULL)
    label.colour = colour = g_strdup (okabe_ito[n % G_N_ELEMENTS (okabe_ito)]);
  if (label.position < 0)
    label.position = max_pos + 1;
  if (label.category == NULL)
    label.category = (char *) "other";
  if (label.name == NULL)
    label.name = label.code;
  return insert_label (self, &label, error);
}

static gboolean
colour_valid (const char *colour)
{
  if (colour == NULL)
    return TRUE;
  if (strlen (colour) != 7 || colour[0] != '#')
    return FALSE;
  for (int i = 1; i < 7; i++)
    if (!g_ascii_isxdigit (colour[i]))
      return FALSE;
  return TRUE;
}

gboolean
icto_store_set_label (IctoStore        *self,
                      const IctoLabel  *label,
                      GError          **error)
{
  SetLabelData data = { label };

  g_return_val_if_fail (ICTO_IS_STORE (self), FALSE);
  g_return_val_if_fail (label != NULL, FALSE);
  if (label->vocabulary == NULL || *label->vocabulary == '\0' ||
      label->code == NULL || *label->code == '\0' ||
      !g_utf8_validate (label->code, -1, NULL) || strpbrk (label->code, "\t\r\n") != NULL ||
      (label->name != NULL && !g_utf8_validate (label->name, -1, NULL)))
    {
      g_set_error (error, ICTO_STORE_ERROR, ICTO_STORE_ERROR_INVALID,
                   _("A label needs a vocabulary and a code without tabs or line breaks"));
      return FALSE;
    }
  if (!colour_valid (label->colour))
    {
      g_set_error (error, ICTO_STORE_ERROR, ICTO_STORE_ERROR_INVALID,
                   _("A label colour is written #RRGGBB, not “%s”"), label->colour);
      return FALSE;
    }
  return run_write (self, set_label_cb, &data, error);
}

typedef struct {
  const char *vocabulary;
  const char *code;
} RemoveLabelData;

static gboolean
remove_label_cb (IctoStore  *self,
                 gpointer    data,
                 GError    **error)
{
  RemoveLabelData *rl = data;
  sqlite3_stmt *stmt;
  int others = 0, used = 0;

  stmt = get_stmt (self, "SELECT count(*) FROM label WHERE code = ?2 AND vocabulary <> ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, rl->vocabulary, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, rl->code, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    others = sqlite3_column_int (stmt, 0);
  sqlite3_reset (stmt);
  stmt = get_stmt (self, "SELECT count(*) FROM annotation WHERE label = ?", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, rl->code, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    used = sqlite3_column_int (stmt, 0);
  sqlite3_reset (stmt);
  if (used > 0 && others == 0)
    {
      g_set_error (error, ICTO_STORE_ERROR, ICTO_STORE_ERROR_INVALID,
                   ngettext ("The label “%s” is used by %d annotation", "The label “%s” is used by %d annotations", used),
                   rl->code, used);
      return FALSE;
    }
  stmt = get_stmt (self, "DELETE FROM label WHERE vocabulary = ? AND code = ?", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, rl->vocabulary, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, rl->code, -1, SQLITE_TRANSIENT);
  if (!_icto_store_step_done (self, stmt, error))
    return FALSE;
  if (sqlite3_changes (self->db) == 0)
    {
      g_set_error (error, ICTO_STORE_ERROR, ICTO_STORE_ERROR_UNKNOWN_LABEL,
                   _("The label “%s” is not in the vocabulary “%s”"), rl->code, rl->vocabulary);
      return FALSE;
    }
  return TRUE;
}

gboolean
icto_store_remove_label (IctoStore   *self,
                         const char  *vocabulary,
                         const char  *code,
                         GError     **error)
{
  RemoveLabelData data = { vocabulary ? vocabulary : "default", code };

  g_return_val_if_fail (ICTO_IS_STORE (self), FALSE);
  g_return_val_if_fail (code != NULL, FALSE);
  return run_write (self, remove_label_cb, &data, error);
}

/* --- pending --- */

guint
icto_store_get_n_pending (IctoStore *self)
{
  g_return_val_if_fail (ICTO_IS_STORE (self), 0);
  return self->pending.length;
}

GPtrArray *
icto_store_get_pending (IctoStore *self)
{
  GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify) icto_annotation_free);

  g_return_val_if_fail (ICTO_IS_STORE (self), out);
  for (GList *l = self->pending.head; l != NULL; l = l->next)
    g_ptr_array_add (out, icto_annotation_copy (((PendingOp *) l->data)->annotation));
  return out;
}

gboolean
icto_store_flush_pending (IctoStore  *self,
                          GError    **error)
{
  g_return_val_if_fail (ICTO_IS_STORE (self), FALSE);
  return flush_pending (self, error);
}

gboolean
icto_store_check_integrity (IctoStore  *self,
                            GError    **error)
{
  sqlite3_stmt *stmt = NULL;
  g_autoptr(GString) report = g_string_new (NULL);
  int rc;

  g_return_val_if_fail (ICTO_IS_STORE (self), FALSE);
  rc = sqlite3_prepare_v2 (self->db, "PRAGMA integrity_check", -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      set_sqlite_error (self, error, rc, "integrity_check");
      return FALSE;
    }
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      if (report->len > 0)
        g_string_append (report, "; ");
      g_string_append (report, (const char *) sqlite3_column_text (stmt, 0));
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      set_sqlite_error (self, error, rc, "integrity_check");
      return FALSE;
    }
  if (strcmp (report->str, "ok") != 0)
    {
      g_set_error (error, ICTO_STORE_ERROR, ICTO_STORE_ERROR_CORRUPT,
                   _("The annotation database is damaged: %s"), report->str);
      return FALSE;
    }
  return TRUE;
}

gboolean
_icto_store_exec (IctoStore   *self,
                  const char  *sql,
                  GError     **error)
{
  g_return_val_if_fail (ICTO_IS_STORE (self), FALSE);
  return exec_sql (self, sql, error);
}

/* ---- for the store's other files (icto-store-private.h) ---- */

struct sqlite3 *
_icto_store_get_db (IctoStore *self)
{
  return self->db;
}

gboolean
_icto_store_write (IctoStore           *self,
                   IctoStoreWriteFunc   func,
                   gpointer             data,
                   GError             **error)
{
  return run_write (self, func, data, error);
}

void
_icto_store_set_error (IctoStore   *self,
                       GError     **error,
                       int          rc,
                       const char  *context)
{
  set_sqlite_error (self, error, rc, context);
}

struct sqlite3_stmt *
_icto_store_get_stmt (IctoStore   *self,
                      const char  *sql,
                      GError     **error)
{
  return get_stmt (self, sql, error);
}

gint64
_icto_store_ensure_rater (IctoStore   *self,
                          const char  *name,
                          GError     **error)
{
  return ensure_rater_id (self, name, error);
}
