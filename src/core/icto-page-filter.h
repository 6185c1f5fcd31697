/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * Core's small zero-phase display filter, used until the signal library's
 * IctoFilter is linked: second-order Butterworth high-pass and low-pass
 * sections and a notch (Q = 30) at 50 or 60 Hz and its harmonics below
 * Nyquist, each run forward then backward (zero phase).  NAN samples (gaps)
 * are held at zero while filtering and restored after.  A high-pass corner
 * at or above 0.95 x Nyquist leaves a flat (zero) signal; a low-pass or
 * notch there changes nothing.
 */

/* Filters @x (@n samples at @rate Hz) in place; 0 turns a corner off. */
void   icto_page_filter_apply   (float  *x,
                                 gsize   n,
                                 double  rate,
                                 double  highpass,
                                 double  lowpass,
                                 int     notch);

/* Padding (ticks) to read on each side of a page so its edges show no transient. */
gint64 icto_page_filter_padding (double highpass,
                                 double lowpass,
                                 int    notch);

G_END_DECLS
