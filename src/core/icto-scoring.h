/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * Seizure detections and their scoring in SzCORE event terms
 * (formats-and-scoring.md §4.2, timescoring 0.0.7): events are half-open
 * [start, end) in seconds from the first sample.
 */

typedef struct {
  double start_s;
  double end_s;
  float  peak_prob;   /* detections: the largest probability inside; events: NAN */
} IctoEvent;

/**
 * icto_detect_events:
 * @probs: per 5-s segment probability (NAN: no value), segment k covering
 *   [k * @segment_s, (k + 1) * @segment_s)
 * @threshold: a segment is positive when probs[k] >= threshold
 * @merge_gap_s: runs closer than this (end to start, strictly less) merge
 *   into one detection (SzCORE: 90 s); 0: no merging
 *
 * Runs of positive segments as detections, sorted by start.  NAN segments
 * are negative.  Returns a GArray of IctoEvent (never NULL).
 */
GArray *icto_detect_events (const float *probs,
                            guint        n_segments,
                            double       segment_s,
                            float        threshold,
                            double       merge_gap_s);

typedef struct {
  double tolerance_start_s;   /* 30 */
  double tolerance_end_s;     /* 60 */
  double min_gap_s;           /* 90: merge events closer than this */
  double max_event_s;         /* 300: split longer events */
} IctoScoringParams;

/* The SzCORE defaults above. */
void icto_scoring_params_init (IctoScoringParams *params);

typedef struct {
  guint  n_ref;               /* reference events after merge and split */
  guint  n_hyp;               /* hypothesis events after merge and split */
  guint  true_positives;      /* reference events detected */
  guint  false_positives;     /* hypothesis events overlapping no extended reference */
  double sensitivity;         /* NAN when n_ref == 0 */
  double precision;           /* NAN when n_hyp == 0 */
  double f1;                  /* NAN when undefined */
  double false_alarms_per_24h;
} IctoEventScore;

/**
 * icto_score_events:
 * @ref, @hyp: GArrays of IctoEvent, any order (sorted and united here)
 * @duration_s: the recording's duration (tolerance windows clipped to it)
 *
 * SzCORE event scoring: merge, split, any overlap with the reference
 * extended by the tolerances.  Pure; any thread.
 */
void icto_score_events (const GArray            *ref,
                        const GArray            *hyp,
                        double                   duration_s,
                        const IctoScoringParams *params,
                        IctoEventScore          *score);

G_END_DECLS
