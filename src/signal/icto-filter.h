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
 * Zero-phase filtering.  Each run of finite samples is filtered on its own
 * (NAN samples, e.g. EDF+D gaps, are left NAN and break the run).  Filter
 * state starts in the steady state of the run's first (and, backward, last)
 * sample; to avoid edge transients entirely, pass
 * icto_filter_padding() extra samples on each side and discard them.
 * Errors: ICTO_SIGNAL_ERROR_RANGE when a cut-off is not below Nyquist or the
 * high-pass is not below the low-pass, or the order is outside 0..8.
 * Thread-safe (no shared state).
 */
gboolean icto_filter_apply (const IctoFilterSpec *spec,
                            double                sample_rate,
                            float                *data,
                            gsize                 n,
                            GError              **error);

/* Samples of padding needed on each side of a page so that its edges show
 * no transient (response decayed below ~0.1 %); 0 for the identity filter. */
gsize icto_filter_padding (const IctoFilterSpec *spec,
                           double                sample_rate);

/* Magnitude response |H(f)| of the zero-phase filter (both passes), for
 * tests and the filter dialog. */
double icto_filter_response (const IctoFilterSpec *spec,
                             double                sample_rate,
                             double                frequency_hz);

G_END_DECLS
