/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "signal/icto-recording.h"
#include "store/icto-store.h"

G_BEGIN_DECLS

/*
 * Annotation import and export that need the recording itself (the EDF+
 * annotation signal), shared by the window and `ictoscope-cli annot`.
 * Formats that need only the store (BIDS, SzCORE, CSV) are in
 * store/icto-store-io.h.
 *
 * Thread safety: as IctoStore (one per thread); @recording may be shared.
 */

/**
 * icto_annotation_export_edf:
 * @recording: the open recording the annotations belong to
 * @recording_id: its id in @store
 * @raters: (nullable): only these raters' annotations (NULL-terminated); NULL = all
 * @out: path of the new file; must differ from the recording's path
 *
 * Writes a copy of the recording (signals in their original unit and range,
 * start time, patient, the file's own annotations) with the stored
 * annotations added to its EDF+ (BDF+ for BDF) annotation signal: one TAL per
 * annotation with the label's name (a note's free text), or "text@@CHANNEL"
 * per channel for channel-linked ones.  The original file is never written;
 * a failed export removes the partial output.
 * Errors: ICTO_STORE_ERROR_FILE (output is the recording itself, EDF+D input),
 * signal errors from reading or writing, store errors from listing.
 */
gboolean icto_annotation_export_edf (IctoStore           *store,
                                     IctoRecording       *recording,
                                     gint64               recording_id,
                                     const char * const  *raters,
                                     const char          *out,
                                     GError             **error);

/**
 * icto_annotation_import_edf:
 * @rater: (nullable): the rater whose layer receives the copies (NULL: the
 *     store's default rater)
 * @n_imported: (out) (optional): annotations added
 *
 * Copies the recording's own EDF+ annotations into a rater's layer, as one
 * undoable action (see icto_store_import_events(): "text@@CHANNEL" links to a
 * channel of the recording).  Errors: as icto_store_import_events().
 */
gboolean icto_annotation_import_edf (IctoStore      *store,
                                     IctoRecording  *recording,
                                     gint64          recording_id,
                                     const char     *rater,
                                     guint          *n_imported,
                                     GError        **error);

G_END_DECLS
