/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "store/icto-result-cache.h"

G_BEGIN_DECLS

/*
 * IctoDetection: one model detection (a run of segments whose seizure
 * probability is at or above the threshold, SzCORE-merged), as an item of
 * IctoDetectionList.  Immutable once made; any thread may read it.
 */

/* A reviewer's verdict: ICTO_DETECTION_ACCEPTED, ICTO_DETECTION_REJECTED
 * (store/icto-result-cache.h) or none yet. */
#define ICTO_DETECTION_UNDECIDED 0

#define ICTO_TYPE_DETECTION (icto_detection_get_type ())
G_DECLARE_FINAL_TYPE (IctoDetection, icto_detection, ICTO, DETECTION, GObject)

/* @start_s < @end_s, seconds from the first sample; @peak: the largest
 * probability inside; @annotation_id: the seizure annotation made when it
 * was accepted (0: none). */
IctoDetection *icto_detection_new (double                start_s,
                                   double                end_s,
                                   float                 peak,
                                   int                   decision,
                                   gint64                annotation_id);

double                icto_detection_get_start_s       (IctoDetection *self);
double                icto_detection_get_end_s         (IctoDetection *self);
float                 icto_detection_get_peak          (IctoDetection *self);
int                   icto_detection_get_decision      (IctoDetection *self);
gint64                icto_detection_get_annotation_id (IctoDetection *self);
/* The start in ticks (100 ns), the key of its decision in the store. */
gint64                icto_detection_get_onset         (IctoDetection *self);
/* The duration in ticks. */
gint64                icto_detection_get_duration      (IctoDetection *self);

G_END_DECLS
