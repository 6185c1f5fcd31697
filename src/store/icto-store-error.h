/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define ICTO_STORE_ERROR (icto_store_error_quark ())

/**
 * IctoStoreError:
 * @ICTO_STORE_ERROR_FAILED: an unexpected SQLite error (its message is included)
 * @ICTO_STORE_ERROR_OPEN: the database file could not be opened or created
 * @ICTO_STORE_ERROR_CORRUPT: the file is not an annotation database or is damaged
 * @ICTO_STORE_ERROR_TOO_NEW: the database was written by a newer Ictoscope
 * @ICTO_STORE_ERROR_READ_ONLY: the database cannot be written (read-only file,
 *     directory or medium); the change is kept in the pending queue
 * @ICTO_STORE_ERROR_FULL: the disk (or the database's size limit) is full; the
 *     change is kept in the pending queue
 * @ICTO_STORE_ERROR_BUSY: another program held the database locked for longer
 *     than the busy timeout and all retries; the change is kept in the pending queue
 * @ICTO_STORE_ERROR_IO: a read or write of the database file failed; the change
 *     is kept in the pending queue
 * @ICTO_STORE_ERROR_NOT_FOUND: no annotation, recording or label with that id or name
 * @ICTO_STORE_ERROR_INVALID: a field is out of range (negative duration,
 *     confidence outside 0..1, empty label, channel name with a comma, ...)
 * @ICTO_STORE_ERROR_UNKNOWN_LABEL: the label is in no vocabulary
 * @ICTO_STORE_ERROR_NOTHING_TO_UNDO: the undo stack of the recording is empty
 * @ICTO_STORE_ERROR_NOTHING_TO_REDO: the redo stack of the recording is empty
 * @ICTO_STORE_ERROR_BAD_ROWS: an import file has rows that cannot be read
 *     (the IctoImportReport lists them); nothing was imported
 * @ICTO_STORE_ERROR_FORMAT: an import file is not of the expected format
 *     (missing header or required column)
 * @ICTO_STORE_ERROR_FILE: an import or export file could not be read or written
 *
 * Error codes of the annotation store.  The messages are meant for the user.
 */
typedef enum {
  ICTO_STORE_ERROR_FAILED,
  ICTO_STORE_ERROR_OPEN,
  ICTO_STORE_ERROR_CORRUPT,
  ICTO_STORE_ERROR_TOO_NEW,
  ICTO_STORE_ERROR_READ_ONLY,
  ICTO_STORE_ERROR_FULL,
  ICTO_STORE_ERROR_BUSY,
  ICTO_STORE_ERROR_IO,
  ICTO_STORE_ERROR_NOT_FOUND,
  ICTO_STORE_ERROR_INVALID,
  ICTO_STORE_ERROR_UNKNOWN_LABEL,
  ICTO_STORE_ERROR_NOTHING_TO_UNDO,
  ICTO_STORE_ERROR_NOTHING_TO_REDO,
  ICTO_STORE_ERROR_BAD_ROWS,
  ICTO_STORE_ERROR_FORMAT,
  ICTO_STORE_ERROR_FILE,
} IctoStoreError;

GQuark icto_store_error_quark (void);

G_END_DECLS
