/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "store/icto-store.h"

G_BEGIN_DECLS

/*
 * The model-result cache of the store (schema v2 tables result_run,
 * result_window, feature_window, detection_decision).
 *
 * A run is one configuration of the model over one recording: (recording
 * fingerprint, model file hash, channel labels in model order, preprocessing
 * settings).  Its windows are keyed by their start in ticks; each holds the
 * window's number of segments, the seizure probability (NAN: none, stored as
 * NULL) and per-channel float32 arrays stored as little-endian BLOBs of
 * exactly n_channels (agreement, contribution) or n_channels * D (prediction)
 * values.  A BLOB of another size (a damaged or foreign database) reads as
 * absent (NULL), never out of bounds.
 *
 * Thread safety: these functions use the connection of @store, which belongs
 * to one thread (see IctoStore): a worker thread opens its own IctoStore on
 * the same file.  Every write is one transaction (retried on lock
 * contention); a read-only database fails with ICTO_STORE_ERROR_READ_ONLY
 * (results are not queued: they can be computed again).
 */

/* Channel labels are joined with '\n' in the channels column. */

/**
 * icto_result_cache_ensure_run:
 * @fingerprint: icto_recording_get_fingerprint() (the recording row is added
 *   when the store does not know it yet)
 * @model_hash: e.g. icto_model_file_hash() of the model file
 * @labels: (array length=n_channels): channel labels in model order
 * @settings: preprocessing settings as a stable string (e.g.
 *   "rate=512;segment=5;window=25;montage=none")
 *
 * Returns the run's id (> 0), adding the run when new; 0 on error
 * (ICTO_STORE_ERROR_INVALID for an empty key or a label with '\n', a
 * saving error).
 */
gint64 icto_result_cache_ensure_run (IctoStore          *store,
                                     const char         *fingerprint,
                                     const char         *model_hash,
                                     const char * const *labels,
                                     guint               n_channels,
                                     const char         *settings,
                                     GError            **error);

/* The id of an existing run, or 0 with ICTO_STORE_ERROR_NOT_FOUND.  Read only. */
gint64 icto_result_cache_find_run   (IctoStore          *store,
                                     const char         *fingerprint,
                                     const char         *model_hash,
                                     const char * const *labels,
                                     guint               n_channels,
                                     const char         *settings,
                                     GError            **error);

/* n_channels of a run (0 with NOT_FOUND). */
guint  icto_result_cache_get_run_channels (IctoStore  *store,
                                           gint64      run_id,
                                           GError    **error);

/* Deletes a run with its windows and features (NOT_FOUND when unknown). */
gboolean icto_result_cache_delete_run (IctoStore  *store,
                                       gint64      run_id,
                                       GError    **error);

/*
 * One window's results.  In icto_result_cache_put_windows() the arrays are
 * read only (NULL: not stored); from icto_result_cache_get_windows() they
 * are newly allocated (NULL when not stored) and freed by
 * icto_result_window_free().
 */
typedef struct {
  gint64  start;              /* ticks from the first sample: the window's start */
  int     n_segments;         /* T */
  float   seizure_prob;       /* NAN: none */
  guint   n_channels;
  float  *agreement;          /* [n_channels] or NULL */
  float  *contribution;       /* [n_channels] or NULL */
  guint   prediction_dim;     /* D of prediction, 0 when none */
  float  *prediction;         /* [n_channels * prediction_dim] or NULL */
} IctoResultWindow;

void icto_result_window_free (IctoResultWindow *window);

/**
 * icto_result_cache_put_windows:
 * @windows: (array length=n_windows): windows of run @run_id; each one's
 *   n_channels must be the run's (else ICTO_STORE_ERROR_INVALID)
 *
 * Stores (or replaces) the windows in one transaction.
 */
gboolean icto_result_cache_put_windows (IctoStore              *store,
                                        gint64                  run_id,
                                        const IctoResultWindow *windows,
                                        guint                   n_windows,
                                        GError                **error);

/**
 * icto_result_cache_get_windows:
 * @start, @end: ticks; windows with @start <= window start < @end
 *   (G_MININT64, G_MAXINT64 for all)
 * @with_prediction: also read the prediction BLOBs (large)
 *
 * Returns a GPtrArray of IctoResultWindow sorted by start (free function
 * set), NULL on error.  Read only.
 */
GPtrArray *icto_result_cache_get_windows (IctoStore  *store,
                                          gint64      run_id,
                                          gint64      start,
                                          gint64      end,
                                          gboolean    with_prediction,
                                          GError    **error);

/**
 * icto_result_cache_put_features:
 * @starts: (array length=n): window starts (ticks)
 * @features: [n * dim] float32: window i's feature vector at i * dim
 *
 * Stores (or replaces) window features (e.g. for trained heads) of run
 * @run_id in one transaction.  dim 0: ICTO_STORE_ERROR_INVALID.
 */
gboolean icto_result_cache_put_features (IctoStore     *store,
                                         gint64         run_id,
                                         const gint64  *starts,
                                         const float   *features,
                                         guint          n,
                                         guint          dim,
                                         GError       **error);

/**
 * icto_result_cache_get_features:
 * @start, @end: ticks, as icto_result_cache_get_windows()
 * @dim: the feature size; rows of another size are skipped
 * @starts: (out) (optional): a GArray of gint64, sorted
 * @features: (out) (optional): a GArray of float, [n * dim] in the same order
 *
 * Returns the number of rows read, -1 on error.  Read only.
 */
gint64 icto_result_cache_get_features (IctoStore  *store,
                                       gint64      run_id,
                                       gint64      start,
                                       gint64      end,
                                       guint       dim,
                                       GArray    **starts,
                                       GArray    **features,
                                       GError    **error);

/* Reviewer decisions on model detections (table detection_decision). */
typedef enum {
  ICTO_DETECTION_REJECTED = -1,
  ICTO_DETECTION_ACCEPTED = 1,
} IctoDetectionVerdict;

typedef struct {
  gint64               onset;          /* ticks */
  gint64               duration;       /* ticks, >= 0 */
  IctoDetectionVerdict verdict;
  gint64               annotation_id;  /* accepted: the annotation created; else 0 */
  char                *rater;
  char                *model_hash;
  gint64               time;           /* when decided, microseconds since the epoch (UTC) */
} IctoDetectionDecision;

void icto_detection_decision_free (IctoDetectionDecision *decision);

/**
 * icto_result_cache_set_decision:
 * @recording_id: icto_store_ensure_recording()'s id
 * @rater: (nullable): NULL: the store's default rater
 * @onset, @duration: the detection (ticks), its key is (rater, model, onset)
 * @annotation_id: for ICTO_DETECTION_ACCEPTED, the annotation created (or 0)
 *
 * Records (or replaces) a decision in one transaction.  Errors: INVALID
 * (negative duration, bad verdict), NOT_FOUND (recording), saving errors.
 */
gboolean icto_result_cache_set_decision (IctoStore            *store,
                                         gint64                recording_id,
                                         const char           *rater,
                                         const char           *model_hash,
                                         gint64                onset,
                                         gint64                duration,
                                         IctoDetectionVerdict  verdict,
                                         gint64                annotation_id,
                                         GError              **error);

/* Forgets a decision (undo of accept/reject); NOT_FOUND when there is none. */
gboolean icto_result_cache_clear_decision (IctoStore   *store,
                                           gint64       recording_id,
                                           const char  *rater,
                                           const char  *model_hash,
                                           gint64       onset,
                                           GError     **error);

/**
 * icto_result_cache_list_decisions:
 * @rater: (nullable): only this rater's; NULL: all raters
 * @model_hash: (nullable): only for this model; NULL: all models
 *
 * Returns a GPtrArray of IctoDetectionDecision sorted by onset (free
 * function set), NULL on error.
 */
GPtrArray *icto_result_cache_list_decisions (IctoStore   *store,
                                             gint64       recording_id,
                                             const char  *rater,
                                             const char  *model_hash,
                                             GError     **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (IctoResultWindow, icto_result_window_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (IctoDetectionDecision, icto_detection_decision_free)

G_END_DECLS
