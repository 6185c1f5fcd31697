/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "store/icto-store.h"

G_BEGIN_DECLS

/*
 * Import and export of annotations.
 *
 * BIDS events.tsv and CSV carry every field: onset, duration (s, exact to
 * 100 ns), trial_type (label code), channel (comma-separated; events.json
 * declares the Delimiter), rater, confidence, description (free text),
 * created and modified (ISO 8601 UTC), and the seizure record (seizure_record
 * yes/n/a, sz_clinical_onset, sz_eec, sz_ueo, sz_offset in s, sz_soz,
 * sz_early_spread, sz_onset_pattern, sz_type).  Missing values are n/a.
 * In TSV cells a backslash, tab, line feed and carriage return in text are
 * written \\, \t, \n and \r; CSV quotes as RFC 4180.
 *
 * SzCORE TSV carries onset, duration, eventType, confidence and channels:
 * seizure annotations are written with eventType = the seizure type (ILAE
 * 2017 SzCORE code) or the label's SzCORE code ("sz"); other labels with an
 * SzCORE code ("bckg") as they are; a recording without seizures gets the
 * single bckg row SzCORE expects.  On import, sz* rows become label "sz"
 * (with a seizure record holding the type when it is more precise than
 * "sz"); bckg rows mark the absence of seizures and are not imported.
 *
 * Thread safety: as IctoStore (one per thread).
 */

typedef enum {
  ICTO_ANNOT_FORMAT_BIDS,
  ICTO_ANNOT_FORMAT_SZCORE,
  ICTO_ANNOT_FORMAT_CSV,
} IctoAnnotFormat;

/* "bids", "szcore", "csv" -> format; FALSE for anything else. */
gboolean icto_annot_format_from_string (const char      *name,
                                        IctoAnnotFormat *format);

typedef enum {
  ICTO_IMPORT_ALL_OR_NOTHING,   /* any bad row: import nothing, ICTO_STORE_ERROR_BAD_ROWS */
  ICTO_IMPORT_SKIP_BAD_ROWS,    /* import the good rows; the report lists the skipped ones */
} IctoImportPolicy;

typedef struct {
  guint  line;       /* 1-based line of the file where the row starts (header = 1) */
  char  *message;    /* why the row was refused */
} IctoImportProblem;

typedef struct {
  guint      n_rows;       /* data rows read */
  guint      n_imported;   /* annotations added */
  guint      n_ignored;    /* rows that carry no annotation (SzCORE bckg) */
  GPtrArray *problems;     /* IctoImportProblem, in file order */
} IctoImportReport;

void icto_import_report_free (IctoImportReport *report);
/* "line 3: ...; line 7: ..." (newly allocated), for messages. */
char *icto_import_report_describe (const IctoImportReport *report);

/**
 * icto_store_import_file:
 * @rater: (nullable): rater for rows without one (NULL: the store's default rater)
 * @report: (out) (optional): what was read, imported and refused
 *
 * Reads the whole file first, then adds all accepted rows in one
 * transaction and one undoable action.  A label that is no known code but
 * equals a label's name ignoring case ("Seizure") gets that label; others are
 * added to the vocabulary "imported".  With ICTO_IMPORT_ALL_OR_NOTHING a file
 * with bad rows imports nothing and fails with ICTO_STORE_ERROR_BAD_ROWS
 * (the report lists the rows).  Other errors: ICTO_STORE_ERROR_FILE (cannot
 * read), _FORMAT (no header, missing required column), saving errors.
 */
gboolean icto_store_import_file (IctoStore          *store,
                                 gint64              recording_id,
                                 IctoAnnotFormat     format,
                                 const char         *path,
                                 const char         *rater,
                                 IctoImportPolicy    policy,
                                 IctoImportReport  **report,
                                 GError            **error);

/* One EDF+ annotation (the read-only layer of a file). */
typedef struct {
  gint64      onset;      /* ticks */
  gint64      duration;   /* ticks, -1 when none */
  const char *text;
} IctoStoreEvent;

/**
 * icto_store_import_events:
 * @channel_names: (nullable): the recording's channel labels; a text
 *     "x@@LABEL" with LABEL among them links the annotation to that channel
 *     (EDFbrowser convention); equal onset, duration and text are merged into
 *     one annotation with several channels
 * @rater: (nullable): the rater whose layer receives the copies
 *
 * Copies EDF+ annotations into a rater's layer (one undoable action).  A text
 * equal to a label's code or name (ignoring case) gets that label; a text
 * whose first word (up to a space, ':' or ';') is a label's code or name
 * gets that label with the whole text kept (so "Seizure SOZ=LA1,LA2" is a
 * seizure); a seizure-category label also gets a seizure record (EEC at the
 * onset, offset at the end, SOZ contacts from a "SOZ=A,B" token).  Any other
 * text becomes label "note" with the text kept.  Returns the number added
 * in @n_imported.
 */
gboolean icto_store_import_events (IctoStore             *store,
                                   gint64                 recording_id,
                                   const IctoStoreEvent  *events,
                                   guint                  n_events,
                                   const char * const    *channel_names,
                                   const char            *rater,
                                   guint                 *n_imported,
                                   GError               **error);

typedef struct {
  const char * const *raters;             /* NULL: all raters */
  gint64              recording_duration; /* ticks; -1 unknown (SzCORE writes n/a) */
  GDateTime          *start_time;         /* recording start for SzCORE dateTime; NULL: n/a */
} IctoExportOptions;

/**
 * icto_store_export_file:
 * @options: (nullable): filters and recording facts
 *
 * Writes the annotations of a recording, sorted by onset, atomically (a
 * temporary file renamed over @path).  For BIDS, @path should end in
 * "_events.tsv"; the events.json sidecar describing the columns is written
 * beside it (same name with .json).  Errors: ICTO_STORE_ERROR_FILE and
 * reading errors.
 */
gboolean icto_store_export_file (IctoStore                *store,
                                 gint64                    recording_id,
                                 IctoAnnotFormat           format,
                                 const char               *path,
                                 const IctoExportOptions  *options,
                                 GError                  **error);

/**
 * icto_store_export_training:
 * @rater: the rater whose labels are used
 * @labels: (nullable): label codes to use (NULL: all)
 * @window: window length in ticks (> 0), e.g. 5 s
 * @duration: recording length in ticks (<= 0: the stored one)
 * @min_fraction: a window gets a label when that label covers at least this
 *     fraction of it (0 < f <= 1; 0.5 is usual); the label covering most wins
 * @background: label written for other windows (e.g. "bckg")
 *
 * Writes a TSV with columns onset, duration, label, coverage for the
 * consecutive whole windows from 0 to @duration.  Errors: _INVALID, _FILE.
 */
gboolean icto_store_export_training (IctoStore           *store,
                                     gint64               recording_id,
                                     const char          *path,
                                     const char          *rater,
                                     const char * const  *labels,
                                     gint64               window,
                                     gint64               duration,
                                     double               min_fraction,
                                     const char          *background,
                                     GError             **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (IctoImportReport, icto_import_report_free)

G_END_DECLS
