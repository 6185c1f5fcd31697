/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "icto-store"

#include "config.h"

#include <inttypes.h>
#include <errno.h>
#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

#include "icto-store-io.h"
#include "icto-store-private.h"

/* Columns of BIDS events.tsv and CSV, in the order written. */
enum {
  COL_ONSET,
  COL_DURATION,
  COL_TRIAL_TYPE,
  COL_CHANNEL,
  COL_RATER,
  COL_CONFIDENCE,
  COL_DESCRIPTION,
  COL_CREATED,
  COL_MODIFIED,
  COL_SEIZURE_RECORD,
  COL_SZ_CLINICAL_ONSET,
  COL_SZ_EEC,
  COL_SZ_UEO,
  COL_SZ_OFFSET,
  COL_SZ_SOZ,
  COL_SZ_EARLY_SPREAD,
  COL_SZ_ONSET_PATTERN,
  COL_SZ_TYPE,
  N_COLS
};

static const char *const column_names[N_COLS] = {
  "onset", "duration", "trial_type", "channel", "rater", "confidence", "description",
  "created", "modified", "seizure_record", "sz_clinical_onset", "sz_eec", "sz_ueo",
  "sz_offset", "sz_soz", "sz_early_spread", "sz_onset_pattern", "sz_type",
};

enum {
  SZ_ONSET,
  SZ_DURATION,
  SZ_EVENT_TYPE,
  SZ_CONFIDENCE,
  SZ_CHANNELS,
  SZ_DATE_TIME,
  SZ_RECORDING_DURATION,
  N_SZ_COLS
};

static const char *const szcore_names[N_SZ_COLS] = {
  "onset", "duration", "eventType", "confidence", "channels", "dateTime", "recordingDuration",
};

gboolean
icto_annot_format_from_string (const char      *name,
                               IctoAnnotFormat *format)
{
  if (g_strcmp0 (name, "bids") == 0)
    *format = ICTO_ANNOT_FORMAT_BIDS;
  else if (g_strcmp0 (name, "szcore") == 0)
    *format = ICTO_ANNOT_FORMAT_SZCORE;
  else if (g_strcmp0 (name, "csv") == 0)
    *format = ICTO_ANNOT_FORMAT_CSV;
  else
    return FALSE;
  return TRUE;
}

static void
problem_free (gpointer data)
{
  IctoImportProblem *p = data;

  g_free (p->message);
  g_free (p);
}

void
icto_import_report_free (IctoImportReport *report)
{
  if (report == NULL)
    return;
  g_ptr_array_unref (report->problems);
  g_free (report);
}

char *
icto_import_report_describe (const IctoImportReport *report)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < report->problems->len; i++)
    {
      const IctoImportProblem *p = report->problems->pdata[i];

      if (i > 0)
        g_string_append (s, "; ");
      g_string_append_printf (s, _("line %u: %s"), p->line, p->message);
    }
  return g_string_free (s, FALSE);
}

/* ---- cells ---- */

static char *
tsv_escape (const char *text)
{
  GString *s;

  if (text == NULL)
    return g_strdup ("n/a");
  s = g_string_sized_new (strlen (text) + 8);
  for (const char *p = text; *p != '\0'; p++)
    {
      switch (*p)
        {
        case '\\': g_string_append (s, "\\\\"); break;
        case '\t': g_string_append (s, "\\t"); break;
        case '\n': g_string_append (s, "\\n"); break;
        case '\r': g_string_append (s, "\\r"); break;
        default: g_string_append_c (s, *p); break;
        }
    }
  /* a literal "n/a" text must not read back as missing */
  if (strcmp (s->str, "n/a") == 0)
    g_string_assign (s, "\\n/a");
  return g_string_free (s, FALSE);
}

static char *
tsv_unescape (const char *cell)
{
  GString *s = g_string_sized_new (strlen (cell));

  for (const char *p = cell; *p != '\0'; p++)
    {
      if (*p == '\\' && p[1] != '\0')
        {
          p++;
          switch (*p)
            {
            case 't': g_string_append_c (s, '\t'); break;
            case 'n':
              if (strcmp (p, "n/a") == 0 && p == cell + 1)
                {
                  g_string_append (s, "n/a");
                  p += 2;
                }
              else
                g_string_append_c (s, '\n');
              break;
            case 'r': g_string_append_c (s, '\r'); break;
            default: g_string_append_c (s, *p); break;
            }
        }
      else
        g_string_append_c (s, *p);
    }
  return g_string_free (s, FALSE);
}

static void
csv_append_cell (GString    *out,
                 const char *text)
{
  if (text == NULL)
    {
      g_string_append (out, "n/a");
      return;
    }
  if (strcmp (text, "n/a") == 0 || strpbrk (text, ",\"\r\n") != NULL ||
      (*text != '\0' && (g_ascii_isspace (text[0]) || g_ascii_isspace (text[strlen (text) - 1]))))
    {
      g_string_append_c (out, '"');
      for (const char *p = text; *p != '\0'; p++)
        {
          if (*p == '"')
            g_string_append_c (out, '"');
          g_string_append_c (out, *p);
        }
      g_string_append_c (out, '"');
    }
  else
    g_string_append (out, text);
}

/* A parsed table: rows of cells; a cell is NULL when missing ("n/a" or empty). */
typedef struct {
  GPtrArray *rows;    /* GPtrArray of char* (cells) */
  GArray    *lines;   /* guint line where each row starts */
} Table;

static void
table_clear (Table *t)
{
  g_clear_pointer (&t->rows, g_ptr_array_unref);
  g_clear_pointer (&t->lines, g_array_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Table, table_clear)

static void
table_init (Table *t)
{
  t->rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  t->lines = g_array_new (FALSE, FALSE, sizeof (guint));
}

static char *
cell_value (char *raw)
{
  /* takes ownership of @raw */
  if (raw == NULL || *raw == '\0' || strcmp (raw, "n/a") == 0)
    {
      g_free (raw);
      return NULL;
    }
  return raw;
}

static void
parse_tsv (const char *data,
           Table      *t)
{
  g_auto(GStrv) lines = g_strsplit (data, "\n", -1);

  table_init (t);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      char *line = lines[i];
      gsize len = strlen (line);
      g_auto(GStrv) cells = NULL;
      GPtrArray *row;
      guint line_no = i + 1;

      if (len > 0 && line[len - 1] == '\r')
        line[--len] = '\0';
      if (len == 0)
        continue;
      cells = g_strsplit (line, "\t", -1);
      row = g_ptr_array_new_with_free_func (g_free);
      for (guint c = 0; cells[c] != NULL; c++)
        g_ptr_array_add (row, (*cells[c] == '\0' || strcmp (cells[c], "n/a") == 0) ? NULL : tsv_unescape (cells[c]));
      g_ptr_array_add (t->rows, row);
      g_array_append_val (t->lines, line_no);
    }
}

/* RFC 4180 with tolerance for LF-only line ends and a final row without one. */
static gboolean
parse_csv (const char  *data,
           Table       *t,
           guint       *bad_line)
{
  const char *p = data;
  guint line = 1;

  table_init (t);
  while (*p != '\0')
    {
      GPtrArray *row = g_ptr_array_new_with_free_func (g_free);
      guint row_line = line;
      gboolean end_of_row = FALSE;

      while (!end_of_row)
        {
          GString *cell = g_string_new (NULL);
          gboolean quoted = FALSE;

          if (*p == '"')
            {
              quoted = TRUE;
              p++;
              for (;;)
                {
                  if (*p == '\0')
                    {
                      g_string_free (cell, TRUE);
                      g_ptr_array_unref (row);
                      *bad_line = row_line;
                      return FALSE;
                    }
                  if (*p == '"')
                    {
                      if (p[1] == '"')
                        {
                          g_string_append_c (cell, '"');
                          p += 2;
                          continue;
                        }
                      p++;
                      break;
                    }
                  if (*p == '\n')
                    line++;
                  g_string_append_c (cell, *p++);
                }
            }
          while (*p != '\0' && *p != ',' && *p != '\n' && *p != '\r')
            g_string_append_c (cell, *p++);
          if (quoted)
            g_ptr_array_add (row, g_string_free (cell, FALSE));
          else
            g_ptr_array_add (row, cell_value (g_string_free (cell, FALSE)));

          if (*p == ',')
            p++;
          else
            {
              if (*p == '\r')
                p++;
              if (*p == '\n')
                {
                  p++;
                  line++;
                }
              end_of_row = TRUE;
            }
        }
      if (row->len == 1 && row->pdata[0] == NULL)
        g_ptr_array_unref (row);   /* blank line */
      else
        {
          g_ptr_array_add (t->rows, row);
          g_array_append_val (t->lines, row_line);
        }
    }
  return TRUE;
}

static const char *
row_cell (GPtrArray *row,
          int        index)
{
  if (index < 0 || (guint) index >= row->len)
    return NULL;
  return row->pdata[index];
}

static int
find_column (GPtrArray  *header,
             const char *name)
{
  for (guint i = 0; i < header->len; i++)
    if (header->pdata[i] != NULL && g_ascii_strcasecmp (g_strstrip ((char *) header->pdata[i]), name) == 0)
      return (int) i;
  return -1;
}

static char *
format_time_or_na (gint64 t)
{
  return t == ICTO_STORE_TIME_NONE ? NULL : icto_store_format_seconds (t);
}

static char *
format_iso (gint64 usec)
{
  g_autoptr(GDateTime) base = g_date_time_new_from_unix_utc (usec / G_USEC_PER_SEC - (usec % G_USEC_PER_SEC < 0 ? 1 : 0));
  g_autofree char *whole = NULL;
  gint64 frac = usec % G_USEC_PER_SEC;

  if (base == NULL)
    return NULL;
  if (frac < 0)
    frac += G_USEC_PER_SEC;
  whole = g_date_time_format (base, "%Y-%m-%dT%H:%M:%S");
  return g_strdup_printf ("%s.%06" G_GINT64_FORMAT "Z", whole, frac);
}

static gboolean
parse_iso (const char *text,
           gint64     *usec)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_iso8601 (text, NULL);

  if (dt == NULL)
    return FALSE;
  *usec = g_date_time_to_unix (dt) * G_USEC_PER_SEC + g_date_time_get_microsecond (dt);
  return TRUE;
}

static char *
format_confidence (double c)
{
  if (isnan (c))
    return NULL;
  return icto_store_format_double (c);
}

static gboolean
parse_confidence (const char *text,
                  double     *out)
{
  char *end = NULL;
  double v;

  if (text == NULL)
    {
      *out = NAN;
      return TRUE;
    }
  v = g_ascii_strtod (text, &end);
  if (end == text || *end != '\0' || !(v >= 0.0 && v <= 1.0))
    return FALSE;
  *out = v;
  return TRUE;
}

/* ---- import ---- */

static void
add_problem (GPtrArray  *problems,
             guint       line,
             const char *format,
             ...) G_GNUC_PRINTF (3, 4);

static void
add_problem (GPtrArray  *problems,
             guint       line,
             const char *format,
             ...)
{
  IctoImportProblem *p = g_new0 (IctoImportProblem, 1);
  va_list args;

  va_start (args, format);
  p->line = line;
  p->message = g_strdup_vprintf (format, args);
  va_end (args);
  g_ptr_array_add (problems, p);
}

static gboolean
parse_time_cell (const char *cell,
                 gint64     *t)
{
  if (cell == NULL)
    {
      *t = ICTO_STORE_TIME_NONE;
      return TRUE;
    }
  return icto_store_parse_seconds (cell, t);
}

static gboolean
channels_ok (char **channels)
{
  if (channels == NULL)
    return TRUE;
  for (guint i = 0; channels[i] != NULL; i++)
    if (strpbrk (channels[i], "\t\r\n") != NULL || !g_utf8_validate (channels[i], -1, NULL))
      return FALSE;
  return TRUE;
}

/* A BIDS/CSV row; NULL with a message in @problem when it cannot be read. */
static IctoAnnotation *
annotation_from_full_row (GPtrArray   *row,
                          const int   *col,
                          gint64       recording_id,
                          const char  *rater,
                          char       **problem)
{
  g_autoptr(IctoAnnotation) a = icto_annotation_new ();
  const char *cell;

  a->recording_id = recording_id;
  cell = row_cell (row, col[COL_ONSET]);
  if (cell == NULL || !icto_store_parse_seconds (cell, &a->onset))
    {
      *problem = g_strdup_printf (_("the onset “%s” is not a number of seconds"), cell ? cell : "n/a");
      return NULL;
    }
  cell = row_cell (row, col[COL_DURATION]);
  if (cell != NULL && (!icto_store_parse_seconds (cell, &a->duration) || a->duration < 0))
    {
      *problem = g_strdup_printf (_("the duration “%s” is not a number of seconds ≥ 0"), cell);
      return NULL;
    }
  cell = row_cell (row, col[COL_TRIAL_TYPE]);
  a->label = g_strdup (cell != NULL ? cell : "note");
  a->channels = _icto_store_split_channels (row_cell (row, col[COL_CHANNEL]));
  cell = row_cell (row, col[COL_RATER]);
  a->rater = g_strdup (cell != NULL ? cell : rater);
  cell = row_cell (row, col[COL_CONFIDENCE]);
  if (!parse_confidence (cell, &a->confidence))
    {
      *problem = g_strdup_printf (_("the confidence “%s” is not a number from 0 to 1"), cell);
      return NULL;
    }
  a->text = g_strdup (row_cell (row, col[COL_DESCRIPTION]));
  cell = row_cell (row, col[COL_CREATED]);
  if (cell != NULL && !parse_iso (cell, &a->created))
    {
      *problem = g_strdup_printf (_("the creation time “%s” is not an ISO 8601 date and time"), cell);
      return NULL;
    }
  cell = row_cell (row, col[COL_MODIFIED]);
  if (cell != NULL && !parse_iso (cell, &a->modified))
    {
      *problem = g_strdup_printf (_("the modification time “%s” is not an ISO 8601 date and time"), cell);
      return NULL;
    }
  cell = row_cell (row, col[COL_SEIZURE_RECORD]);
  if (cell != NULL && g_ascii_strcasecmp (cell, "yes") == 0)
    {
      IctoSeizureInfo *sz = icto_seizure_info_new ();
      const int times[] = { COL_SZ_CLINICAL_ONSET, COL_SZ_EEC, COL_SZ_UEO, COL_SZ_OFFSET };
      gint64 *targets[] = { &sz->clinical_onset, &sz->eec, &sz->ueo, &sz->offset };

      a->seizure = sz;
      for (guint i = 0; i < G_N_ELEMENTS (times); i++)
        {
          cell = row_cell (row, col[times[i]]);
          if (!parse_time_cell (cell, targets[i]))
            {
              *problem = g_strdup_printf (_("the seizure time “%s” in column %s is not a number of seconds"),
                                          cell, column_names[times[i]]);
              return NULL;
            }
        }
      sz->soz = _icto_store_split_channels (row_cell (row, col[COL_SZ_SOZ]));
      sz->early_spread = _icto_store_split_channels (row_cell (row, col[COL_SZ_EARLY_SPREAD]));
      sz->onset_pattern = g_strdup (row_cell (row, col[COL_SZ_ONSET_PATTERN]));
      sz->seizure_type = g_strdup (row_cell (row, col[COL_SZ_TYPE]));
    }
  if (!channels_ok (a->channels) || !g_utf8_validate (a->label, -1, NULL) ||
      (a->text != NULL && !g_utf8_validate (a->text, -1, NULL)) ||
      (a->rater != NULL && !g_utf8_validate (a->rater, -1, NULL)))
    {
      *problem = g_strdup (_("a text cell is not valid UTF-8"));
      return NULL;
    }
  return g_steal_pointer (&a);
}

/* A SzCORE row; NULL with @problem set, or NULL without for a bckg row. */
static IctoAnnotation *
annotation_from_szcore_row (GPtrArray   *row,
                            const int   *col,
                            gint64       recording_id,
                            const char  *rater,
                            char       **problem)
{
  g_autoptr(IctoAnnotation) a = icto_annotation_new ();
  const char *cell;
  const char *type;

  a->recording_id = recording_id;
  cell = row_cell (row, col[SZ_ONSET]);
  if (cell == NULL || !icto_store_parse_seconds (cell, &a->onset))
    {
      *problem = g_strdup_printf (_("the onset “%s” is not a number of seconds"), cell ? cell : "n/a");
      return NULL;
    }
  cell = row_cell (row, col[SZ_DURATION]);
  if (cell != NULL && (!icto_store_parse_seconds (cell, &a->duration) || a->duration < 0))
    {
      *problem = g_strdup_printf (_("the duration “%s” is not a number of seconds ≥ 0"), cell);
      return NULL;
    }
  type = row_cell (row, col[SZ_EVENT_TYPE]);
  if (type == NULL)
    {
      *problem = g_strdup (_("the eventType is missing"));
      return NULL;
    }
  if (strcmp (type, "bckg") == 0)
    return NULL;
  if (strcmp (type, "sz") == 0 || g_str_has_prefix (type, "sz_"))
    {
      a->label = g_strdup ("sz");
      if (strcmp (type, "sz") != 0)
        {
          a->seizure = icto_seizure_info_new ();
          a->seizure->seizure_type = g_strdup (type);
        }
    }
  else
    a->label = g_strdup (type);
  cell = row_cell (row, col[SZ_CONFIDENCE]);
  if (!parse_confidence (cell, &a->confidence))
    {
      *problem = g_strdup_printf (_("the confidence “%s” is not a number from 0 to 1"), cell);
      return NULL;
    }
  a->channels = _icto_store_split_channels (row_cell (row, col[SZ_CHANNELS]));
  a->rater = g_strdup (rater);
  if (!channels_ok (a->channels) || !g_utf8_validate (a->label, -1, NULL))
    {
      *problem = g_strdup (_("a text cell is not valid UTF-8"));
      return NULL;
    }
  return g_steal_pointer (&a);
}

/* Resolves each label: a known code stays; a text equal to a label's code or
 * name ignoring case ("Seizure") becomes that label; anything else is added
 * to the vocabulary "imported". */
static gboolean
ensure_labels (IctoStore   *store,
               GPtrArray   *annotations,
               GError     **error)
{
  g_autoptr(GHashTable) resolved = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  for (guint i = 0; i < annotations->len; i++)
    {
      IctoAnnotation *a = annotations->pdata[i];
      const char *code = g_hash_table_lookup (resolved, a->label);

      if (code == NULL)
        {
          g_autoptr(IctoLabel) known = NULL;
          g_autoptr(GError) local = NULL;
          char *value;

          known = icto_store_get_label (store, NULL, a->label, &local);
          if (known == NULL && !g_error_matches (local, ICTO_STORE_ERROR, ICTO_STORE_ERROR_UNKNOWN_LABEL))
            {
              g_propagate_error (error, g_steal_pointer (&local));
              return FALSE;
            }
          if (known == NULL)
            known = icto_store_match_label (store, a->label);
          if (known != NULL)
            value = g_strdup (known->code);
          else
            {
              IctoLabel label = {
                .vocabulary = (char *) "imported",
                .code = a->label,
                .name = a->label,
                .colour = NULL,
                .category = (char *) (g_str_has_prefix (a->label, "sz") ? "seizure" : "other"),
                .position = -1,
              };

              if (!icto_store_set_label (store, &label, error))
                return FALSE;
              value = g_strdup (a->label);
            }
          g_hash_table_insert (resolved, g_strdup (a->label), value);
          code = value;
        }
      if (strcmp (code, a->label) != 0)
        {
          g_free (a->label);
          a->label = g_strdup (code);
        }
    }
  return TRUE;
}

gboolean
icto_store_import_file (IctoStore          *store,
                        gint64              recording_id,
                        IctoAnnotFormat     format,
                        const char         *path,
                        const char         *rater,
                        IctoImportPolicy    policy,
                        IctoImportReport  **report_out,
                        GError            **error)
{
  g_autofree char *data = NULL;
  g_autoptr(GError) local = NULL;
  g_auto(Table) table = { NULL, NULL };
  g_autoptr(IctoImportReport) report = g_new0 (IctoImportReport, 1);
  g_autoptr(GPtrArray) annotations = g_ptr_array_new_with_free_func ((GDestroyNotify) icto_annotation_free);
  g_autofree char *basename = NULL;
  g_autofree char *description = NULL;
  GPtrArray *header;
  int col[N_COLS];
  int szcol[N_SZ_COLS];
  gsize length = 0;

  g_return_val_if_fail (ICTO_IS_STORE (store), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  report->problems = g_ptr_array_new_with_free_func (problem_free);
  if (rater == NULL)
    rater = icto_store_get_default_rater (store);

  if (!g_file_get_contents (path, &data, &length, &local))
    {
      g_set_error (error, ICTO_STORE_ERROR, ICTO_STORE_ERROR_FILE,
                   _("Could not read %s: %s"), path, local->message);
      return FALSE;
    }
  if (memchr (data, '\0', length) != NULL || !g_utf8_validate (data, (gssize) length, NULL))
    {
      g_set_error (error, ICTO_STORE_ERROR, ICTO_STORE_ERROR_FORMAT,
                   _("%s is not a UTF-8 text file"), path);
      return FALSE;
    }
  /* skip a UTF-8 byte order mark */
  if (format == ICTO_ANNOT_FORMAT_CSV)
    {
      guint bad_line = 0;

      if (!parse_csv (g_str_has_prefix (data, "\xEF\xBB\xBF") ? data + 3 : data, &table, &bad_line))
        {
          g_set_error (error, ICTO_STORE_ERROR, ICTO_STORE_ERROR_FORMAT,
                       _("%s: the quoted cell starting on line %u is never closed"), path, bad_line);
          return FALSE;
        }
    }
  else
    parse_tsv (g_str_has_prefix (data, "\xEF\xBB\xBF") ? data + 3 : data, &table);

  if (table.rows->len == 0)
    {
      g_set_error (error, ICTO_STORE_ERROR, ICTO_STORE_ERROR_FORMAT,
                   _("%s is empty: it has no header row"), path);
      return FALSE;
    }
  header = table.rows->pdata[0];
  if (format == ICTO_ANNOT_FORMAT_SZCORE)
    {
      for (int i = 0; i < N_SZ_COLS; i++)
        szcol[i] = find_column (header, szcore_names[i]);
      if (szcol[SZ_ONSET] < 0 || szcol[SZ_DURATION] < 0 || szcol[SZ_EVENT_TYPE] < 0)
        {
          g_set_error (error, ICTO_STORE_ERROR, ICTO_STORE_ERROR_FORMAT,
                       _("%s is not a SzCORE annotation file: it needs the columns onset, duration and eventType"), path);
          return FALSE;
        }
    }
  else
    {
      for (int i = 0; i < N_COLS; i++)
        col[i] = find_column (header, column_names[i]);
      if (col[COL_TRIAL_TYPE] < 0)
        col[COL_TRIAL_TYPE] = find_column (header, "label");
      if (col[COL_CHANNEL] < 0)
        col[COL_CHANNEL] = find_column (header, "channels");
      if (col[COL_DESCRIPTION] < 0)
        col[COL_DESCRIPTION] = find_column (header, "text");
      if (col[COL_ONSET] < 0 || col[COL_DURATION] < 0)
        {
          g_set_error (error, ICTO_STORE_ERROR, ICTO_STORE_ERROR_FORMAT,
                       _("%s is not an events table: it needs the columns onset and duration"), path);
          return FALSE;
        }
    }

  for (guint r = 1; r < table.rows->len; r++)
    {
      GPtrArray *row = table.rows->pdata[r];
      guint line = g_array_index (table.lines, guint, r);
      g_autofree char *problem = NULL;
      IctoAnnotation *a;

      report->n_rows++;
      if (row->len != header->len)
        {
          add_problem (report->problems, line,
                       _("the row has %u cells but the header has %u"), row->len, header->len);
          continue;
        }
      if (format == ICTO_ANNOT_FORMAT_SZCORE)
        a = annotation_from_szcore_row (row, szcol, recording_id, rater, &problem);
      else
        a = annotation_from_full_row (row, col, recording_id, rater, &problem);
      if (a != NULL)
        g_ptr_array_add (annotations, a);
      else if (problem != NULL)
        add_problem (report->problems, line, "%s", problem);
      else
        report->n_ignored++;
    }

  if (report->problems->len > 0 && policy == ICTO_IMPORT_ALL_OR_NOTHING)
    {
      g_autofree char *what = icto_import_report_describe (report);

      g_set_error (error, ICTO_STORE_ERROR, ICTO_STORE_ERROR_BAD_ROWS,
                   ngettext ("%s has %u row that cannot be read, so nothing was imported: %s",
                             "%s has %u rows that cannot be read, so nothing was imported: %s",
                             report->problems->len),
                   path, report->problems->len, what);
      if (report_out != NULL)
        *report_out = g_steal_pointer (&report);
      return FALSE;
    }

  if (!ensure_labels (store, annotations, error))
    return FALSE;
  basename = g_path_get_basename (path);
  description = g_strdup_printf (_("Import %s"), basename);
  if (!icto_store_add_many (store, annotations, description, error))
    return FALSE;
  report->n_imported = annotations->len;
  if (report_out != NULL)
    *report_out = g_steal_pointer (&report);
  return TRUE;
}


/* "Seizure SOZ=LA1,LA2" (the simulator's and many exports' style): a label
 * name followed by free text.  Only the first word (up to a space, ':' or
 * ';') is tried, so free text never matches a label by accident inside. */
static IctoLabel *
match_label_prefix (IctoStore  *store,
                    const char *text)
{
  gsize n = strcspn (text, " \t:;");
  g_autofree char *first = NULL;

  if (n == 0 || text[n] == '\0')
    return NULL;
  first = g_strndup (text, n);
  return icto_store_match_label (store, first);
}

/* A seizure record from free text: EEC at the onset, offset at the end, and
 * the contacts of a "SOZ=A,B,C" token as the seizure-onset zone. */
static IctoSeizureInfo *
seizure_from_text (const char *text,
                   gint64      onset,
                   gint64      duration)
{
  IctoSeizureInfo *info = icto_seizure_info_new ();
  const char *soz = strstr (text, "SOZ=");

  info->eec = onset;
  if (duration > 0)
    info->offset = onset + duration;
  if (soz != NULL)
    {
      gsize n = strcspn (soz + 4, " \t;");
      g_autofree char *list = g_strndup (soz + 4, n);
      g_auto(GStrv) parts = g_strsplit (list, ",", -1);
      GPtrArray *contacts = g_ptr_array_new ();

      for (guint i = 0; parts[i] != NULL; i++)
        {
          g_strstrip (parts[i]);
          if (parts[i][0] != '\0' && strchr (parts[i], '\t') == NULL)
            g_ptr_array_add (contacts, g_strdup (parts[i]));
        }
      g_ptr_array_add (contacts, NULL);
      info->soz = (char **) g_ptr_array_free (contacts, FALSE);
      if (info->soz[0] == NULL)
        g_clear_pointer (&info->soz, g_strfreev);
    }
  return info;
}

gboolean
icto_store_import_events (IctoStore             *store,
                          gint64                 recording_id,
                          const IctoStoreEvent  *events,
                          guint                  n_events,
                          const char * const    *channel_names,
                          const char            *rater,
                          guint                 *n_imported,
                          GError               **error)
{
  g_autoptr(GPtrArray) annotations = g_ptr_array_new_with_free_func ((GDestroyNotify) icto_annotation_free);
  g_autoptr(GHashTable) merged = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  g_return_val_if_fail (ICTO_IS_STORE (store), FALSE);
  g_return_val_if_fail (n_events == 0 || events != NULL, FALSE);

  for (guint i = 0; i < n_events; i++)
    {
      g_autofree char *text = g_strdup (events[i].text != NULL ? events[i].text : "");
      g_autofree char *channel = NULL;
      g_autofree char *key = NULL;
      g_autoptr(IctoLabel) label = NULL;
      const char *at = g_strrstr (text, "@@");
      gint64 duration = events[i].duration > 0 ? events[i].duration : 0;
      IctoAnnotation *a;

      if (!g_utf8_validate (text, -1, NULL))
        {
          g_free (text);
          text = g_utf8_make_valid (events[i].text, -1);
          at = g_strrstr (text, "@@");
        }
      if (at != NULL && channel_names != NULL)
        {
          g_autofree char *suffix = g_strstrip (g_strdup (at + 2));

          if (g_strv_contains (channel_names, suffix) && strchr (suffix, ',') == NULL)
            {
              channel = g_steal_pointer (&suffix);
              text[at - text] = '\0';
            }
        }
      g_strstrip (text);
      key = g_strdup_printf ("%" G_GINT64_FORMAT "|%" G_GINT64_FORMAT "|%s", events[i].onset, duration, text);
      a = g_hash_table_lookup (merged, key);
      if (a != NULL && channel != NULL && a->channels != NULL)
        {
          guint n = g_strv_length (a->channels);

          if (!g_strv_contains ((const char * const *) a->channels, channel))
            {
              a->channels = g_renew (char *, a->channels, n + 2);
              a->channels[n] = g_steal_pointer (&channel);
              a->channels[n + 1] = NULL;
            }
          continue;
        }

      a = icto_annotation_new ();
      a->recording_id = recording_id;
      a->onset = events[i].onset;
      a->duration = duration;
      a->rater = g_strdup (rater);
      label = icto_store_match_label (store, text);
      if (label == NULL)
        label = match_label_prefix (store, text);
      if (label != NULL)
        {
          a->label = g_strdup (label->code);
          if (g_ascii_strcasecmp (text, label->code) != 0 && g_ascii_strcasecmp (text, label->name) != 0)
            a->text = g_strdup (text);
          if (g_strcmp0 (label->category, "seizure") == 0)
            a->seizure = seizure_from_text (text, a->onset, a->duration);
        }
      else
        {
          a->label = g_strdup ("note");
          a->text = g_strdup (text);
        }
      if (channel != NULL)
        {
          a->channels = g_new0 (char *, 2);
          a->channels[0] = g_steal_pointer (&channel);
        }
      g_ptr_array_add (annotations, a);
      if (a->channels != NULL)
        g_hash_table_insert (merged, g_steal_pointer (&key), a);
    }

  if (!icto_store_add_many (store, annotations, _("Copy the file’s annotations"), error))
    return FALSE;
  if (n_imported != NULL)
    *n_imported = annotations->len;
  return TRUE;
}

/* ---- export ---- */

static gboolean
write_file (const char  *path,
            GString     *contents,
            GError     **error)
{
  g_autoptr(GError) local = NULL;

  if (!g_file_set_contents (path, contents->str, (gssize) contents->len, &local))
    {
      g_set_error (error, ICTO_STORE_ERROR, ICTO_STORE_ERROR_FILE,
                   _("Could not write %s: %s"), path, local->message);
      return FALSE;
    }
  return TRUE;
}

static void
full_row_cells (const IctoAnnotation *a,
                char                **cells)
{
  cells[COL_ONSET] = icto_store_format_seconds (a->onset);
  cells[COL_DURATION] = icto_store_format_seconds (a->duration);
  cells[COL_TRIAL_TYPE] = g_strdup (a->label);
  cells[COL_CHANNEL] = _icto_store_join_channels (a->channels);
  cells[COL_RATER] = g_strdup (a->rater);
  cells[COL_CONFIDENCE] = format_confidence (a->confidence);
  cells[COL_DESCRIPTION] = g_strdup (a->text);
  cells[COL_CREATED] = format_iso (a->created);
  cells[COL_MODIFIED] = format_iso (a->modified);
  if (a->seizure != NULL)
    {
      cells[COL_SEIZURE_RECORD] = g_strdup ("yes");
      cells[COL_SZ_CLINICAL_ONSET] = format_time_or_na (a->seizure->clinical_onset);
      cells[COL_SZ_EEC] = format_time_or_na (a->seizure->eec);
      cells[COL_SZ_UEO] = format_time_or_na (a->seizure->ueo);
      cells[COL_SZ_OFFSET] = format_time_or_na (a->seizure->offset);
      cells[COL_SZ_SOZ] = _icto_store_join_channels (a->seizure->soz);
      cells[COL_SZ_EARLY_SPREAD] = _icto_store_join_channels (a->seizure->early_spread);
      cells[COL_SZ_ONSET_PATTERN] = g_strdup (a->seizure->onset_pattern);
      cells[COL_SZ_TYPE] = g_strdup (a->seizure->seizure_type);
    }
  else
    for (int c = COL_SEIZURE_RECORD; c <= COL_SZ_TYPE; c++)
      cells[c] = NULL;
}

static gboolean
write_events_json (IctoStore   *store,
                   GPtrArray   *annotations,
                   const char  *tsv_path,
                   GError     **error)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GHashTable) codes = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GString) out = NULL;
  g_autofree char *json_path = NULL;
  g_autofree char *text = NULL;
  static const struct { const char *name; const char *description; const char *units; } cols[] = {
    { "onset", N_("Onset of the event, in seconds from the first stored sample"), "s" },
    { "duration", N_("Duration of the event; 0 for an instant"), "s" },
    { "channel", N_("Channels the event concerns; n/a for all channels"), NULL },
    { "rater", N_("Person (or program) who marked the event"), NULL },
    { "confidence", N_("Confidence of the rater, from 0 to 1"), NULL },
    { "description", N_("Free text of the rater"), NULL },
    { "created", N_("When the annotation was created (ISO 8601, UTC)"), NULL },
    { "modified", N_("When the annotation was last changed (ISO 8601, UTC)"), NULL },
    { "seizure_record", N_("yes when the row holds a structured seizure record"), NULL },
    { "sz_clinical_onset", N_("Clinical onset of the seizure"), "s" },
    { "sz_eec", N_("Earliest electrographic change"), "s" },
    { "sz_ueo", N_("Unequivocal electrographic onset"), "s" },
    { "sz_offset", N_("Electrographic offset"), "s" },
    { "sz_soz", N_("Seizure-onset-zone contacts, comma-separated"), NULL },
    { "sz_early_spread", N_("Early-spread contacts, comma-separated"), NULL },
    { "sz_onset_pattern", N_("Onset pattern (lvfa, periodic_spikes, sharp_alpha_theta, spike_wave, polyspike_burst, burst_suppression, delta_brush, other)"), NULL },
    { "sz_type", N_("Seizure type (ILAE 2017), as a SzCORE code"), NULL },
  };

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "trial_type");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "LongName");
  json_builder_add_string_value (b, "Event label");
  json_builder_set_member_name (b, "Description");
  json_builder_add_string_value (b, "Code of the label in the Ictoscope vocabulary");
  json_builder_set_member_name (b, "Levels");
  json_builder_begin_object (b);
  for (guint i = 0; i < annotations->len; i++)
    {
      IctoAnnotation *a = annotations->pdata[i];
      g_autoptr(IctoLabel) label = NULL;

      if (g_hash_table_contains (codes, a->label))
        continue;
      g_hash_table_add (codes, a->label);
      label = icto_store_get_label (store, NULL, a->label, NULL);
      json_builder_set_member_name (b, a->label);
      json_builder_add_string_value (b, label != NULL ? label->name : a->label);
    }
  json_builder_end_object (b);
  json_builder_end_object (b);
  for (guint i = 0; i < G_N_ELEMENTS (cols); i++)
    {
      json_builder_set_member_name (b, cols[i].name);
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "Description");
      json_builder_add_string_value (b, cols[i].description);
      if (cols[i].units != NULL)
        {
          json_builder_set_member_name (b, "Units");
          json_builder_add_string_value (b, cols[i].units);
        }
      if (g_str_equal (cols[i].name, "channel") || g_str_equal (cols[i].name, "sz_soz") ||
          g_str_equal (cols[i].name, "sz_early_spread"))
        {
          json_builder_set_member_name (b, "Delimiter");
          json_builder_add_string_value (b, ",");
        }
      json_builder_end_object (b);
    }
  json_builder_end_object (b);

  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  json_generator_set_pretty (gen, TRUE);
  text = json_generator_to_data (gen, NULL);
  out = g_string_new (text);
  g_string_append_c (out, '\n');

  {
    g_autofree char *stem = g_str_has_suffix (tsv_path, ".tsv")
      ? g_strndup (tsv_path, strlen (tsv_path) - 4) : g_strdup (tsv_path);
    json_path = g_strconcat (stem, ".json", NULL);
  }
  return write_file (json_path, out, error);
}

static const char *
szcore_event_type (IctoStore            *store,
                   const IctoAnnotation *a,
                   GHashTable           *cache)
{
  const char *code;

  if (!g_hash_table_contains (cache, a->label))
    {
      g_autoptr(IctoLabel) label = icto_store_get_label (store, NULL, a->label, NULL);
      char *value = NULL;

      if (label != NULL && label->szcore != NULL)
        value = g_strdup (label->szcore);
      else if (label != NULL && g_strcmp0 (label->category, "seizure") == 0)
        value = g_strdup ("sz");
      g_hash_table_insert (cache, g_strdup (a->label), value);
    }
  code = g_hash_table_lookup (cache, a->label);
  if (code != NULL && g_str_has_prefix (code, "sz") && a->seizure != NULL && a->seizure->seizure_type != NULL)
    return a->seizure->seizure_type;
  return code;
}

static void
append_szcore_row (GString    *out,
                   gint64      onset,
                   gint64      duration,
                   const char *type,
                   double      confidence,
                   char      **channels,
                   GDateTime  *start_time,
                   const char *recording_duration)
{
  g_autofree char *on = icto_store_format_seconds (onset);
  g_autofree char *du = icto_store_format_seconds (duration);
  g_autofree char *conf = format_confidence (confidence);
  g_autofree char *chan = _icto_store_join_channels (channels);
  g_autofree char *when = NULL;
  g_autofree char *e_type = tsv_escape (type);
  g_autofree char *e_chan = NULL;

  if (start_time != NULL)
    {
      g_autoptr(GDateTime) t = g_date_time_add (start_time, onset / 10);
      if (t != NULL)
        when = g_date_time_format (t, "%Y-%m-%d %H:%M:%S");
    }
  e_chan = chan != NULL ? tsv_escape (chan) : g_strdup ("all");
  g_string_append_printf (out, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", on, du, e_type,
                          conf ? conf : "n/a", e_chan, when ? when : "n/a", recording_duration);
}

gboolean
icto_store_export_file (IctoStore                *store,
                        gint64                    recording_id,
                        IctoAnnotFormat           format,
                        const char               *path,
                        const IctoExportOptions  *options,
                        GError                  **error)
{
  IctoExportOptions defaults = { NULL, -1, NULL };
  g_autoptr(GPtrArray) annotations = NULL;
  g_autoptr(GString) out = g_string_new (NULL);

  g_return_val_if_fail (ICTO_IS_STORE (store), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  if (options == NULL)
    options = &defaults;
  annotations = icto_store_list (store, recording_id, G_MININT64, G_MAXINT64, options->raters, error);
  if (annotations == NULL)
    return FALSE;

  if (format == ICTO_ANNOT_FORMAT_SZCORE)
    {
      g_autoptr(GHashTable) cache = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
      g_autofree char *rec_dur = NULL;
      gint64 duration = options->recording_duration;
      gboolean any_seizure = FALSE;

      if (duration < 0)
        duration = icto_store_get_recording_duration (store, recording_id);
      rec_dur = duration >= 0 ? icto_store_format_seconds (duration) : g_strdup ("n/a");
      for (guint i = 0; i < N_SZ_COLS; i++)
        g_string_append_printf (out, "%s%s", szcore_names[i], i + 1 < N_SZ_COLS ? "\t" : "\n");
      for (guint i = 0; i < annotations->len; i++)
        {
          IctoAnnotation *a = annotations->pdata[i];
          const char *type = szcore_event_type (store, a, cache);

          if (type == NULL)
            continue;
          if (g_str_has_prefix (type, "sz"))
            any_seizure = TRUE;
          append_szcore_row (out, a->onset, a->duration, type, a->confidence, a->channels,
                             options->start_time, rec_dur);
        }
      if (!any_seizure && annotations->len == 0 && duration >= 0)
        append_szcore_row (out, 0, duration, "bckg", 1.0, NULL, options->start_time, rec_dur);
      else if (!any_seizure && duration >= 0)
        {
          /* only write bckg when none was written from the annotations */
          if (strstr (out->str, "\tbckg\t") == NULL)
            append_szcore_row (out, 0, duration, "bckg", 1.0, NULL, options->start_time, rec_dur);
        }
      return write_file (path, out, error);
    }

  for (guint c = 0; c < N_COLS; c++)
    {
      if (format == ICTO_ANNOT_FORMAT_CSV)
        csv_append_cell (out, column_names[c]);
      else
        g_string_append (out, column_names[c]);
      g_string_append_c (out, c + 1 < N_COLS ? (format == ICTO_ANNOT_FORMAT_CSV ? ',' : '\t') : '\n');
    }
  for (guint i = 0; i < annotations->len; i++)
    {
      char *cells[N_COLS];

      full_row_cells (annotations->pdata[i], cells);
      for (guint c = 0; c < N_COLS; c++)
        {
          if (format == ICTO_ANNOT_FORMAT_CSV)
            {
              csv_append_cell (out, cells[c]);
              g_string_append_c (out, c + 1 < N_COLS ? ',' : '\n');
            }
          else
            {
              g_autofree char *escaped = tsv_escape (cells[c]);
              g_string_append (out, escaped);
              g_string_append_c (out, c + 1 < N_COLS ? '\t' : '\n');
            }
          g_free (cells[c]);
        }
    }
  if (!write_file (path, out, error))
    return FALSE;
  if (format == ICTO_ANNOT_FORMAT_BIDS)
    return write_events_json (store, annotations, path, error);
  return TRUE;
}

/* ---- training labels ---- */

static int
compare_intervals (gconstpointer a,
                   gconstpointer b)
{
  const gint64 *x = a, *y = b;

  return x[0] < y[0] ? -1 : x[0] > y[0];
}

gboolean
icto_store_export_training (IctoStore           *store,
                            gint64               recording_id,
                            const char          *path,
                            const char          *rater,
                            const char * const  *labels,
                            gint64               window,
                            gint64               duration,
                            double               min_fraction,
                            const char          *background,
                            GError             **error)
{
  const char *raters[] = { rater, NULL };
  g_autoptr(GPtrArray) annotations = NULL;
  g_autoptr(GHashTable) per_label = NULL;   /* code -> GArray of gint64 pairs */
  g_autoptr(GPtrArray) codes = g_ptr_array_new ();
  g_autoptr(GPtrArray) coverage = g_ptr_array_new_with_free_func (g_free);  /* gint64[n_windows] per code */
  g_autoptr(GString) out = g_string_new ("onset\tduration\tlabel\tcoverage\n");
  gint64 n_windows;

  g_return_val_if_fail (ICTO_IS_STORE (store), FALSE);
  g_return_val_if_fail (path != NULL && rater != NULL, FALSE);

  if (duration <= 0)
    duration = icto_store_get_recording_duration (store, recording_id);
  if (window <= 0 || duration <= 0 || !(min_fraction > 0.0 && min_fraction <= 1.0) ||
      background == NULL || *background == '\0')
    {
      g_set_error (error, ICTO_STORE_ERROR, ICTO_STORE_ERROR_INVALID,
                   _("Training labels need a window > 0, a known recording duration, a fraction in (0, 1] and a background label"));
      return FALSE;
    }
  n_windows = duration / window;
  if (n_windows > 100000000)
    {
      g_set_error (error, ICTO_STORE_ERROR, ICTO_STORE_ERROR_INVALID,
                   _("Too many training windows (%" PRId64 ")"), n_windows);
      return FALSE;
    }

  annotations = icto_store_list (store, recording_id, G_MININT64, G_MAXINT64, raters, error);
  if (annotations == NULL)
    return FALSE;

  per_label = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) g_array_unref);
  for (guint i = 0; i < annotations->len; i++)
    {
      IctoAnnotation *a = annotations->pdata[i];
      GArray *iv;
      gint64 pair[2] = { a->onset, a->onset + a->duration };

      if (labels != NULL && !g_strv_contains (labels, a->label))
        continue;
      if (a->duration == 0)
        continue;
      iv = g_hash_table_lookup (per_label, a->label);
      if (iv == NULL)
        {
          iv = g_array_new (FALSE, FALSE, 2 * sizeof (gint64));
          g_hash_table_insert (per_label, a->label, iv);
          g_ptr_array_add (codes, a->label);
        }
      g_array_append_vals (iv, pair, 1);
    }

  for (guint l = 0; l < codes->len; l++)
    {
      GArray *iv = g_hash_table_lookup (per_label, codes->pdata[l]);
      gint64 *cov = g_new0 (gint64, n_windows > 0 ? n_windows : 1);
      gint64 cur_s = G_MININT64, cur_e = G_MININT64;

      g_array_sort (iv, compare_intervals);
      /* union of the label's intervals, each merged run spread over its windows */
      for (guint i = 0; i <= iv->len; i++)
        {
          gint64 *p = i < iv->len ? &g_array_index (iv, gint64, 2 * i) : NULL;

          if (p != NULL && cur_e != G_MININT64 && p[0] <= cur_e)
            {
              cur_e = MAX (cur_e, p[1]);
              continue;
            }
          if (cur_e != G_MININT64)
            {
              gint64 s = MAX (cur_s, 0), e = MIN (cur_e, n_windows * window);

              for (gint64 w = s / window; s < e && w < n_windows; w++)
                {
                  gint64 ws = w * window, we = ws + window;
                  cov[w] += MIN (e, we) - MAX (s, ws);
                  if (we >= e)
                    break;
                }
            }
          if (p != NULL)
            {
              cur_s = p[0];
              cur_e = p[1];
            }
        }
      g_ptr_array_add (coverage, cov);
    }

  for (gint64 w = 0; w < n_windows; w++)
    {
      const char *best = background;
      gint64 best_cov = 0;
      g_autofree char *on = icto_store_format_seconds (w * window);
      g_autofree char *du = icto_store_format_seconds (window);
      g_autofree char *escaped = NULL;
      char frac[G_ASCII_DTOSTR_BUF_SIZE];

      for (guint l = 0; l < codes->len; l++)
        {
          gint64 c = ((gint64 *) coverage->pdata[l])[w];
          if (c > best_cov)
            {
              best_cov = c;
              best = codes->pdata[l];
            }
        }
      if ((double) best_cov < min_fraction * (double) window - 0.5)
        best = background;
      escaped = tsv_escape (best);
      g_ascii_formatd (frac, sizeof frac, "%.4f", (double) best_cov / (double) window);
      g_string_append_printf (out, "%s\t%s\t%s\t%s\n", on, du, escaped, frac);
    }
  return write_file (path, out, error);
}
