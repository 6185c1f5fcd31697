/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "signal/icto-signal-error.h"

G_BEGIN_DECLS

/*
 * Zero-phase display filters: Butterworth high-pass and low-pass and notch
 * filters (second-order sections), run forward then backward so that they
 * shift no feature in time.
 *
 * @highpass_hz: cut-off of the high-pass, <= 0 for none
 * @lowpass_hz:  cut-off of the low-pass, <= 0 (or >= Nyquist) for none
 * @notch_hz:    0 (none), 50 or 60: notch at this frequency and each of its
 *               harmonics below Nyquist, or below 1.2 × the low-pass
 *               cut-off when there is one (quality factor 30 per notch)
 * @order:       Butterworth order of one pass (1..8); 0 means 4.  The
 *               forward-backward run doubles the order; a cut-off is the
 *               −3 dB point of one pass, so −6 dB of the zero-phase result.
 */
typedef struct {
  double highpass_hz;
  double lowpass_hz;
  int    notch_hz;
  int    order;
} IctoFilterSpec;

typedef enum {
  ICTO_FILTER_PRESET_NONE,
  ICTO_FILTER_PRESET_REVIEW,      /* 1–70 Hz */
  ICTO_FILTER_PRESET_HFO_80,      /* high-pass 80 Hz (ripples) */
  ICTO_FILTER_PRESET_HFO_250,     /* high-pass 250 Hz (fast ripples) */
} IctoFilterPreset;

IctoFilterSpec icto_filter_preset (IctoFilterPreset preset);

/* TRUE when @spec (may be NULL) changes nothing at @sample_rate. */
gboolean icto_filter_is_identity (const IctoFilterSpec *spec,
                                  double                sample_rate);

/**
 * icto_filter_apply:
 * @data: @n samples, filtered in place
 *
 * Zero-phase filtering.  The filter, designed by the bilinear transform
 * with each section's frequency pre-warped (so the −3 dB points fall exactly
 * on the cut-offs), is a cascade of second-order sections in transposed
 * direct form II, double precision:
 *  - high-pass: Butterworth of order N = @order (0 → 4): N/2 second-order
 *    sections (pole pair k with Q = 1 / (2 sin(π (2k+1) / 2N))) plus one
 *    first-order section when N is odd;
 *  - low-pass: the same, at @lowpass_hz (ignored at or above Nyquist);
 *  - notch (50 or 60 Hz): one second-order notch section with Q = 30 at
 *    the mains frequency and at each harmonic h·f below 0.98 × Nyquist,
 *    or, when there is a low-pass, below min(0.98 × Nyquist, 1.2 × the
 *    low-pass cut-off) (above that the low-pass already removes them).
 * The cascade runs forward, then backward over the result (stored as float
 * in between), so the magnitude is |H|² and the phase zero; each cut-off
 * is −3 dB per pass, −6 dB overall.  The review preset with the notch at
 * 1024 Hz is 5 sections; HFO 80 Hz is 2.
 *
 * Each run of finite samples is filtered on its own (NAN samples, e.g.
 * EDF+D gaps, are left NAN and break the run).  Filter state starts in the
 * steady state of the run's first (and, backward, last) sample, so a
 * constant or slowly varying signal has no edge transient; to avoid edge
 * transients entirely, pass icto_filter_padding() extra samples on each
 * side and discard them (see there for the rule).
 *
 * For many channels at once use icto_filter_apply_lanes(): same result to
 * float rounding, several times faster.  This function is the
 * straightforward one-sample-at-a-time loop that tests compare it with.
 * Errors: ICTO_SIGNAL_ERROR_RANGE when a cut-off is not below Nyquist or the
 * high-pass is not below the low-pass, the order is outside 0..8, or the
 * notch is not 0, 50 or 60.
 * Thread-safe (no shared state).
 */
gboolean icto_filter_apply (const IctoFilterSpec *spec,
                            double                sample_rate,
                            float                *data,
                            gsize                 n,
                            GError              **error);

/* Channels filtered together by icto_filter_apply_lanes(). */
#define ICTO_FILTER_LANES 8

/**
 * icto_filter_apply_lanes:
 * @data: @n × ICTO_FILTER_LANES floats, interleaved (sample i of lane l at
 *        data[i * ICTO_FILTER_LANES + l]), aligned to 32 bytes; filtered in
 *        place
 *
 * The same filtering as icto_filter_apply() on each lane, several times
 * faster: the lanes go through vector registers together, in double
 * precision like the single-channel path (results agree to float rounding;
 * multiply-adds may be fused).  Every lane must be finite: a lane holding
 * NAN or infinity gets unspecified values (in that lane only), so filter
 * such a channel with icto_filter_apply().  Fill unused lanes with zeros.
 * Allocates nothing.  Errors as for icto_filter_apply().  Thread-safe (no
 * shared state).
 */
gboolean icto_filter_apply_lanes (const IctoFilterSpec *spec,
                                  double                sample_rate,
                                  float                *data,
                                  gsize                 n,
                                  GError              **error);

/* Samples of padding needed on each side of a page so that its edges show
 * no transient; 0 for the identity filter.  Rule: 7 time constants of the
 * slowest decaying pole, i.e. the largest of 7 / (2π fc sin(π / 2N)) for
 * each Butterworth cut-off fc (order N) and 7 Q / (π f) = 7 × 30 / (π f)
 * for the notch, in seconds, times the sample rate, rounded up.  With it, a
 * unit step placed just outside the padding changes the page by less than
 * 0.1 % of the step (measured worst case: 6.75 time constants for
 * Butterworth orders 1–8, 5.5 for the notch; checked by the test
 * /signal/filter/padding-step).  Review preset at 1024 Hz: 2982 samples
 * (2.9 s, set by the 1-Hz high-pass); HFO 80 Hz: 38 samples. */
gsize icto_filter_padding (const IctoFilterSpec *spec,
                           double                sample_rate);

/* Magnitude response |H(f)| of the zero-phase filter (both passes), for
 * tests and the filter dialog. */
double icto_filter_response (const IctoFilterSpec *spec,
                             double                sample_rate,
                             double                frequency_hz);

G_END_DECLS
