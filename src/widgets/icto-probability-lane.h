/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "core/icto-inference-worker.h"
#include "core/icto-scoring.h"

G_BEGIN_DECLS

/*
 * IctoProbabilityLane: the model's seizure probability under the traces,
 * one value per 5-s segment, for the time range of the page in view (set
 * with icto_probability_lane_set_range(), the same range as the trace area
 * above it so that times line up column for column).
 *
 * Drawing (icto_probability_lane_draw(), also used by snapshot()):
 *  - a segment with a value: a filled step from the bottom (p = 0) up to p;
 *    blue below the threshold, vermillion at or above it (Okabe-Ito, safe
 *    for colour-blind readers), with a dark outline along the top;
 *  - a segment not yet computed (ICTO_SEGMENT_PENDING): grey hatching over
 *    the full height;
 *  - a segment that never gets a value (no window ends there, a gap, the
 *    end of data, or a value of NAN): plain background (a gap in the curve);
 *  - detections: a translucent vermillion band over the full height with a
 *    solid bar along the top;
 *  - the threshold: a dashed horizontal line.  Dragging it (pointer within
 *    6 px) changes :threshold, which notifies.
 *
 * It only scales prepared data (plain arrays, copied in); it never starts
 * threads.  Main thread only.
 */

#define ICTO_TYPE_PROBABILITY_LANE (icto_probability_lane_get_type ())
G_DECLARE_FINAL_TYPE (IctoProbabilityLane, icto_probability_lane, ICTO, PROBABILITY_LANE, GtkWidget)

/* Vertical padding of the plot inside the lane, pixels. */
#define ICTO_PROBABILITY_LANE_PAD 3.0

GtkWidget *icto_probability_lane_new (void);

/*
 * icto_probability_lane_set_values:
 * @values: (nullable): @n_segments probabilities 0..1 of the whole
 *   recording, NAN where there is none; copied
 * @states: (nullable): @n_segments IctoSegmentState values (as guint8);
 *   NULL: a NAN value is "no window", a number is "done"
 * @segment_s: segment duration in seconds (> 0; 5 for MVPFormer)
 */
void   icto_probability_lane_set_values     (IctoProbabilityLane *self,
                                             const float         *values,
                                             const guint8        *states,
                                             guint                n_segments,
                                             double               segment_s);
/* The time range shown: ticks from the first sample (100 ns). */
void   icto_probability_lane_set_range      (IctoProbabilityLane *self,
                                             gint64               start,
                                             gint64               duration);
/* Detections to highlight (IctoEvent, seconds); copied.  NULL, 0: none. */
void   icto_probability_lane_set_detections (IctoProbabilityLane *self,
                                             const IctoEvent     *events,
                                             guint                n_events);
/* 0..1 (clamped). */
double icto_probability_lane_get_threshold  (IctoProbabilityLane *self);
void   icto_probability_lane_set_threshold  (IctoProbabilityLane *self,
                                             double               threshold);

/* y (pixels from the top) of probability @p in a lane @height pixels high. */
double icto_probability_lane_value_to_y     (double               height,
                                             double               p);
/* Inverse of the above, clamped to 0..1. */
double icto_probability_lane_y_to_value     (double               height,
                                             double               y);
/* x (pixels) of time @seconds in the current range for a lane @width wide;
 * NAN when no range is set. */
double icto_probability_lane_time_to_x      (IctoProbabilityLane *self,
                                             double               width,
                                             double               seconds);

/* Draws the lane (background included) with @cr into (0, 0, @width, @height). */
void   icto_probability_lane_draw           (IctoProbabilityLane *self,
                                             cairo_t             *cr,
                                             double               width,
                                             double               height);

G_END_DECLS
