/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "core/icto-detection.h"
#include "core/icto-scoring.h"

G_BEGIN_DECLS

/*
 * IctoDetectionList: a GListModel of IctoDetection for the triage page.
 *
 * Detections are computed from per-segment seizure probabilities (NAN: no
 * value) and a threshold with icto_detect_events(): runs of segments with
 * p >= threshold, merged when less than 90 s apart (SzCORE).  Reviewer
 * decisions are keyed by the detection's onset in ticks (the key of the
 * store's detection_decision table) and survive recomputation: a detection
 * that starts where a decided one started keeps its decision.  Rejected
 * detections are hidden unless :show-rejected is set.
 *
 * Sorted by time (ascending start) or probability (descending peak, then
 * time).  Recomputing emits ::items-changed only for the positions that
 * changed (the common head and tail stay), so a selection in a list view
 * survives while the worker adds values elsewhere.
 *
 * Main-thread object (not thread-safe).
 */

typedef enum {
  ICTO_DETECTION_SORT_TIME,
  ICTO_DETECTION_SORT_PROBABILITY,
} IctoDetectionSort;

#define ICTO_DETECTION_MERGE_GAP_S 90.0

#define ICTO_TYPE_DETECTION_LIST (icto_detection_list_get_type ())
G_DECLARE_FINAL_TYPE (IctoDetectionList, icto_detection_list, ICTO, DETECTION_LIST, GObject)

IctoDetectionList *icto_detection_list_new (void);

/* Copies @n_segments probabilities (segment k covers [k, k+1) * @segment_s
 * seconds) and recomputes.  NULL, 0: no detections. */
void              icto_detection_list_set_probabilities (IctoDetectionList *self,
                                                         const float       *probs,
                                                         guint              n_segments,
                                                         double             segment_s);
/* 0..1; recomputes. */
void              icto_detection_list_set_threshold     (IctoDetectionList *self,
                                                         double             threshold);
double            icto_detection_list_get_threshold     (IctoDetectionList *self);
void              icto_detection_list_set_sort          (IctoDetectionList *self,
                                                         IctoDetectionSort  sort);
IctoDetectionSort icto_detection_list_get_sort          (IctoDetectionList *self);
void              icto_detection_list_set_show_rejected (IctoDetectionList *self,
                                                         gboolean           show);

/* Records a decision for the detection starting at @onset ticks (UNDECIDED
 * removes it); @annotation_id: the accepted seizure's annotation (0: none). */
void              icto_detection_list_set_decision      (IctoDetectionList    *self,
                                                         gint64                onset,
                                                         int                   decision,
                                                         gint64                annotation_id);
void              icto_detection_list_clear_decisions   (IctoDetectionList    *self);

/* Every detection (rejected ones too), by start time, as a GArray of
 * IctoEvent (new reference) for lanes and marks. */
GArray           *icto_detection_list_get_events        (IctoDetectionList *self);

/* Position of the item containing @time_s, else of the first starting
 * after it (in the current order); G_MAXUINT when none. */
guint             icto_detection_list_find              (IctoDetectionList *self,
                                                         double             time_s);

G_END_DECLS
