/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "store/icto-store.h"

G_BEGIN_DECLS

/* A time interval [start, end) in ticks; start == end is an instant. */
typedef struct {
  gint64 start;
  gint64 end;
} IctoInterval;

/**
 * IctoAgreement:
 * @n_reference: events of the reference rater
 * @n_hypothesis: events of the other rater
 * @n_detected: reference events overlapped by at least one event of the other
 * @n_false_alarms: events of the other rater overlapping no reference event
 * @sensitivity: n_detected / n_reference; NAN when there is no reference event
 * @false_alarms_per_24h: n_false_alarms * 86400 / (duration in s); NAN when the
 *     duration is not positive
 *
 * Any-overlap agreement of one rater's events against another's, without
 * tolerances, merging or splitting (unlike SzCORE's event scoring).
 */
typedef struct {
  guint  n_reference;
  guint  n_hypothesis;
  guint  n_detected;
  guint  n_false_alarms;
  double sensitivity;
  double false_alarms_per_24h;
} IctoAgreement;

/* TRUE when two intervals overlap: [a) and [b) share time; an instant t
 * overlaps [s, e) when s <= t < e, and another instant when equal. */
gboolean icto_interval_overlaps (const IctoInterval *a,
                                 const IctoInterval *b);

/**
 * icto_agreement_any_overlap:
 * @reference: @n_reference intervals (any order)
 * @hypothesis: @n_hypothesis intervals (any order)
 * @duration: length of the recording in ticks (for false alarms per 24 h)
 * @out: (out caller-allocates): the result
 *
 * Pure function; thread-safe.
 */
void icto_agreement_any_overlap (const IctoInterval *reference,
                                 guint               n_reference,
                                 const IctoInterval *hypothesis,
                                 guint               n_hypothesis,
                                 gint64              duration,
                                 IctoAgreement      *out);

/**
 * icto_store_rater_agreement:
 * @rater_a: the reference rater
 * @rater_b: the rater compared against @rater_a
 * @duration: recording length in ticks; <= 0 to use the one stored for the recording
 *
 * Agreement of @rater_b's seizures (annotations whose label is in the
 * "seizure" category) against @rater_a's on one recording.  Swap the raters
 * for the other direction.  Errors: ICTO_STORE_ERROR_* from reading.
 */
gboolean icto_store_rater_agreement (IctoStore      *store,
                                     gint64          recording_id,
                                     const char     *rater_a,
                                     const char     *rater_b,
                                     gint64          duration,
                                     IctoAgreement  *out,
                                     GError        **error);

G_END_DECLS
