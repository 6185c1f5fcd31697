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

/* Refinements (worker helper): */

/* The SzCORE preprocessing of one list (sort and unite overlapping events,
 * merge gaps < min_gap_s, split events longer than max_event_s).  Returns a
 * new GArray of IctoEvent. */
GArray *icto_scoring_merge_split (const GArray            *events,
                                  const IctoScoringParams *params);

/* One point of a threshold sweep: detections (icto_detect_events with
 * merge_gap_s = params->min_gap_s) at @threshold scored against the reference. */
typedef struct {
  float          threshold;
  IctoEventScore score;
} IctoSweepPoint;

/**
 * icto_score_sweep:
 * @thresholds: (nullable): ascending thresholds; NULL: 0.01, 0.02 ... 0.99
 *
 * Sensitivity against false alarms per 24 h over thresholds.  Returns a
 * GArray of IctoSweepPoint in threshold order.  Pure; any thread.
 */
GArray *icto_score_sweep (const float             *probs,
                          guint                    n_segments,
                          double                   segment_s,
                          const GArray            *ref,
                          double                   duration_s,
                          const IctoScoringParams *params,
                          const float             *thresholds,
                          guint                    n_thresholds);

/* Detection latency of one reference seizure. */
typedef struct {
  double   ref_start_s;       /* the reference event as given (its start is the EEC) */
  double   ref_end_s;
  gboolean detected;
  double   detection_s;       /* start of the first hypothesis event (after merge and
                                 split) overlapping the extended reference; NAN if none */
  double   latency_eec_s;     /* detection_s - ref_start_s (negative: before the EEC,
                                 within the 30-s tolerance); NAN if not detected */
  double   latency_ueo_s;     /* detection_s - UEO; NAN if not detected or no UEO */
} IctoEventLatency;

/**
 * icto_score_latencies:
 * @ref: reference events as given (not merged: one latency per seizure)
 * @ueo_s: (nullable) (array length=ref->len): UEO time of each reference
 *   event, NAN when unknown; NULL: none known
 *
 * Returns a GArray of IctoEventLatency in the order of @ref.  Pure; any thread.
 */
GArray *icto_score_latencies (const GArray            *ref,
                              const double            *ueo_s,
                              const GArray            *hyp,
                              double                   duration_s,
                              const IctoScoringParams *params);

G_END_DECLS
