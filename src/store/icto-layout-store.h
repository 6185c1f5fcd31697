/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "store/icto-store.h"

G_BEGIN_DECLS

/*
 * Electrode layouts in the store (table `layout` of schema v2).
 *
 * A layout belongs to a recording (its id from icto_store_ensure_recording)
 * and/or to a patient (a free name, e.g. the EDF patient field), so that the
 * layout drawn for one recording can be reused for the patient's other
 * recordings.  The electrodes are kept as text: a BIDS-like electrodes.tsv
 * (icto_layout_to_tsv() of the signal library), which the store does not
 * interpret.  Each save is one transaction (retried when another process
 * holds the lock); saves are not undoable actions and not queued when the
 * database cannot be written (the error is returned).
 *
 * Thread safety: as IctoStore (one connection per thread).
 */

typedef struct {
  gint64  id;
  gint64  recording_id;  /* 0: none */
  char   *patient;       /* NULL: none */
  char   *name;
  char   *electrodes;    /* TSV text */
  gint64  modified;      /* µs since the epoch, UTC */
} IctoStoredLayout;

void icto_stored_layout_free (IctoStoredLayout *layout);

/* Limits (ICTO_STORE_ERROR_INVALID beyond them). */
#define ICTO_STORE_LAYOUT_MAX_TEXT (16 * 1024 * 1024)
#define ICTO_STORE_LAYOUT_MAX_NAME 256

/**
 * icto_store_save_layout:
 * @recording_id: a recording id, or 0 for a layout of the patient only
 * @patient: (nullable): the patient; at least one of @recording_id and
 *     @patient must be given
 * @name: a non-empty name (at most 256 bytes), e.g. "Implantation"
 * @electrodes: the TSV text (UTF-8, at most 16 MiB, non-empty)
 *
 * Saves the layout, replacing the one with the same recording (or none),
 * patient and name.  Returns its id (> 0), or 0 with
 * ICTO_STORE_ERROR_INVALID (arguments), _NOT_FOUND (unknown recording),
 * _READ_ONLY, _FULL, _BUSY, _IO, _FAILED.
 */
gint64 icto_store_save_layout (IctoStore   *self,
                               gint64       recording_id,
                               const char  *patient,
                               const char  *name,
                               const char  *electrodes,
                               GError     **error);

/**
 * icto_store_load_layout:
 * @recording_id: a recording id or 0
 * @patient: (nullable): a patient name
 *
 * The most recently saved layout of the recording when it has one, else the
 * most recently saved layout of @patient (from any recording), else NULL
 * with ICTO_STORE_ERROR_NOT_FOUND.  Free with icto_stored_layout_free().
 */
IctoStoredLayout *icto_store_load_layout (IctoStore   *self,
                                          gint64       recording_id,
                                          const char  *patient,
                                          GError     **error);

/* Every layout of the recording or the patient (IctoStoredLayout, newest
 * first); an empty array when none; NULL with an error. */
GPtrArray *icto_store_list_layouts (IctoStore   *self,
                                    gint64       recording_id,
                                    const char  *patient,
                                    GError     **error);

/* Deletes layout @id; ICTO_STORE_ERROR_NOT_FOUND when there is none. */
gboolean icto_store_delete_layout (IctoStore   *self,
                                   gint64       id,
                                   GError     **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (IctoStoredLayout, icto_stored_layout_free)

G_END_DECLS
