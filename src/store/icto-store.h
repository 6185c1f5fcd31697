/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "store/icto-annotation.h"
#include "store/icto-store-error.h"

G_BEGIN_DECLS

/*
 * IctoStore: one connection to the per-user annotation database (SQLite).
 *
 * The database holds the annotations of many recordings, each known by a
 * fingerprint of its file (so a moved or renamed file finds its annotations)
 * and remembering the path it was last opened from.  Journal mode WAL,
 * foreign keys on, synchronous FULL; the schema version is PRAGMA
 * user_version and older databases are migrated on open.
 *
 * Every user action (add, edit, delete, import, undo, redo) is one
 * transaction (BEGIN IMMEDIATE), retried when another process holds the
 * lock (busy timeout 5 s, then up to 8 retries with backoff).  A function
 * that changes the database returns only after its transaction is committed.
 *
 * Undo and redo: every action is written to an append-only history
 * (tables action and change), per recording, so the undo and redo stacks
 * survive restarts and are unlimited.  A new action clears the redo stack.
 *
 * Pending queue: when a change cannot be saved because the database is
 * read-only, full, locked or failing (ICTO_STORE_ERROR_READ_ONLY, _FULL,
 * _BUSY, _IO), the function fails with that code and the change is kept in
 * memory; icto_store_flush_pending() saves it later, and every later change
 * first tries to save the queue (in order).  "n-pending" is notified.
 *
 * Signals: "changed" (gint64 recording_id) after every committed change of
 * that recording's annotations (also for undo, redo, import and flushes).
 *
 * Thread safety: an IctoStore is one SQLite connection and is not
 * thread-safe; open one IctoStore per thread (they may share the file).
 */

#define ICTO_TYPE_STORE (icto_store_get_type ())
G_DECLARE_FINAL_TYPE (IctoStore, icto_store, ICTO, STORE, GObject)

/* Current schema version (PRAGMA user_version after migrations). */
#define ICTO_STORE_SCHEMA_VERSION 2

/* g_get_user_data_dir()/ictoscope/annotations.db (newly allocated). */
char      *icto_store_default_path (void);

/**
 * icto_store_open:
 * @path: database file; created (with its directory) when missing
 * @error: ICTO_STORE_ERROR_OPEN, _CORRUPT, _TOO_NEW, _READ_ONLY (a missing
 *     database that cannot be created), _FAILED
 *
 * Opens (and creates or migrates) the database.  An existing database that
 * cannot be written is opened read-only: reads work, changes fail with
 * ICTO_STORE_ERROR_READ_ONLY and go to the pending queue.
 * The default rater is g_get_user_name().
 */
IctoStore *icto_store_open (const char  *path,
                            GError     **error);

const char *icto_store_get_path       (IctoStore *self);
gboolean    icto_store_is_read_only   (IctoStore *self);
/* Rater used when an annotation has rater NULL.  Not NULL. */
const char *icto_store_get_default_rater (IctoStore *self);
void        icto_store_set_default_rater (IctoStore  *self,
                                          const char *rater);

/**
 * icto_store_ensure_recording:
 * @fingerprint: icto_recording_get_fingerprint() of the file
 * @path: (nullable): where the file is now; remembered as its last path
 * @duration: ticks, or -1 when unknown
 *
 * Returns the id (> 0) of the recording with that fingerprint, adding it
 * when new and updating its last path and duration.  0 on error.
 */
gint64 icto_store_ensure_recording (IctoStore   *self,
                                    const char  *fingerprint,
                                    const char  *path,
                                    gint64       duration,
                                    GError     **error);
/* Id of a known recording, or 0 with ICTO_STORE_ERROR_NOT_FOUND. */
gint64 icto_store_find_recording   (IctoStore   *self,
                                    const char  *fingerprint,
                                    GError     **error);
/* Last path remembered for a recording (newly allocated) or NULL with NOT_FOUND. */
char  *icto_store_get_recording_path (IctoStore   *self,
                                      gint64       recording_id,
                                      GError     **error);

/* Duration stored for a recording (ticks), or -1 when unknown. */
gint64 icto_store_get_recording_duration (IctoStore *self,
                                          gint64     recording_id);

/**
 * icto_store_add:
 * @annotation: (inout): fields to store; on success its id, rater (when it
 *     was NULL), created and modified are filled in
 *
 * Adds one annotation as one undoable action.  Errors: ICTO_STORE_ERROR_INVALID,
 * _UNKNOWN_LABEL, _NOT_FOUND (recording), or a saving error (then queued).
 */
gboolean icto_store_add    (IctoStore       *self,
                            IctoAnnotation  *annotation,
                            GError         **error);

/**
 * icto_store_add_many:
 * @annotations: (element-type IctoAnnotation): annotations of one recording
 * @description: (nullable): shown in the history, e.g. "Import events.tsv"
 *
 * Adds all of them in one transaction and one undoable action (ids filled
 * in).  Nothing is added if any is invalid.  Not queued when saving fails.
 */
gboolean icto_store_add_many (IctoStore   *self,
                              GPtrArray   *annotations,
                              const char  *description,
                              GError     **error);

/* Replaces every field of annotation @annotation->id (created is kept,
 * modified set to now); one undoable action.  NOT_FOUND for an unknown id. */
gboolean icto_store_update (IctoStore            *self,
                            IctoAnnotation       *annotation,
                            GError              **error);

/* Deletes annotation @id; one undoable action.  NOT_FOUND for an unknown id. */
gboolean icto_store_delete (IctoStore  *self,
                            gint64      id,
                            GError    **error);

/* The annotation with @id (newly allocated) or NULL with NOT_FOUND. */
IctoAnnotation *icto_store_get (IctoStore  *self,
                                gint64      id,
                                GError    **error);

/**
 * icto_store_list:
 * @start: ticks; G_MININT64 for no lower bound
 * @end: ticks; G_MAXINT64 for no upper bound
 * @raters: (nullable): only these raters (NULL-terminated); NULL = all
 *
 * Annotations of the recording overlapping [@start, @end) (an annotation
 * [onset, onset+duration) overlaps when onset < end and onset+duration > start;
 * an instant overlaps when start <= onset < end), sorted by onset then id.
 * Uses an interval index (annotations filed by duration level, one index
 * range per level), so a page costs about the same whether the recording
 * holds a hundred or 100,000 annotations (bench/bench-store.c).
 * Returns a GPtrArray of IctoAnnotation (free function set), NULL on error.
 */
GPtrArray *icto_store_list (IctoStore          *self,
                            gint64              recording_id,
                            gint64              start,
                            gint64              end,
                            const char * const *raters,
                            GError            **error);

/* Number of annotations of a recording, -1 on error. */
gint64     icto_store_count (IctoStore  *self,
                             gint64      recording_id,
                             GError    **error);

/**
 * icto_store_undo:
 *
 * Reverts the latest not yet undone action on the recording (which may
 * have been done by an earlier run of the program).  Returns FALSE with
 * ICTO_STORE_ERROR_NOTHING_TO_UNDO when there is none.  When @description
 * is not NULL it receives the description of the undone action.
 */
gboolean icto_store_undo (IctoStore  *self,
                          gint64      recording_id,
                          char      **description,
                          GError    **error);
/* Re-applies the latest undone action; ICTO_STORE_ERROR_NOTHING_TO_REDO if none. */
gboolean icto_store_redo (IctoStore  *self,
                          gint64      recording_id,
                          char      **description,
                          GError    **error);
/* Sizes of the undo and redo stacks of a recording (read from the history). */
gboolean icto_store_get_history_depth (IctoStore  *self,
                                       gint64      recording_id,
                                       guint      *n_undo,
                                       guint      *n_redo,
                                       GError    **error);

/* Rater names known to the database, sorted (NULL-terminated, newly allocated). */
char     **icto_store_list_raters (IctoStore  *self,
                                   GError    **error);
/* Adds a rater by name (no-op if known). */
gboolean   icto_store_add_rater   (IctoStore   *self,
                                   const char  *name,
                                   GError     **error);

/* Labels of a vocabulary ("default" when NULL) in position order; a GPtrArray
 * of IctoLabel, NULL on error.  The default vocabulary is created with the
 * database: seizure, subclinical seizure, spike, sharp wave, HFO, artefact,
 * sleep stages W/N1/N2/N3/REM, stimulation, background, note, in Okabe-Ito colours. */
GPtrArray *icto_store_list_labels (IctoStore   *self,
                                   const char  *vocabulary,
                                   GError     **error);
/* The label with @code (searched in @vocabulary, then in all) or NULL with UNKNOWN_LABEL. */
IctoLabel *icto_store_get_label   (IctoStore   *self,
                                   const char  *vocabulary,
                                   const char  *code,
                                   GError     **error);
/* Adds or replaces a label (matched by vocabulary and code).  Colour "#RRGGBB"
 * or NULL (then the next Okabe-Ito colour); position < 0: append. */
gboolean   icto_store_set_label   (IctoStore        *self,
                                   const IctoLabel  *label,
                                   GError          **error);
/* Removes a label; fails with ICTO_STORE_ERROR_INVALID while annotations use it. */
gboolean   icto_store_remove_label (IctoStore   *self,
                                    const char  *vocabulary,
                                    const char  *code,
                                    GError     **error);
/* The label whose code or name equals @text ignoring case, or NULL. */
IctoLabel *icto_store_match_label (IctoStore   *self,
                                   const char  *text);

/* Pending queue (see above). */
guint      icto_store_get_n_pending (IctoStore *self);
/* The pending annotations (adds and updates; deletes have only the id set), in order. */
GPtrArray *icto_store_get_pending   (IctoStore *self);
/* Tries to save the queue in order; stops at the first failure (returned). */
gboolean   icto_store_flush_pending (IctoStore  *self,
                                     GError    **error);

/* Runs PRAGMA integrity_check; FALSE with ICTO_STORE_ERROR_CORRUPT and the report. */
gboolean   icto_store_check_integrity (IctoStore  *self,
                                       GError    **error);

G_END_DECLS
