/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "signal/icto-filter.h"
#include "signal/icto-montage.h"
#include "signal/icto-recording.h"

G_BEGIN_DECLS

/*
 * IctoPage: what one screen of traces needs, computed from only the data on
 * screen.  For each requested output channel: read the inputs it uses over
 * [start, start + duration) plus icto_filter_padding() samples on each side
 * (at the input's own rate, by time, so EDF+D gaps give NAN), combine them
 * with the montage, filter (zero phase), drop the padding, and reduce to
 * min/max per pixel column.  Values are µV for voltage signals (the
 * recording's read unit otherwise).
 *
 * Filtered outputs of the same rate go eight at a time through
 * icto_filter_apply_lanes() and icto_decimate_minmax_lanes(); one holding
 * NAN (a gap, or padding beyond the recording) goes alone through
 * icto_filter_apply(), by runs.  An unfiltered single-input output is
 * decimated straight from the read buffer.
 *
 * An IctoPage owns its buffers and reuses them from one call to the next (no
 * allocation once sizes settle).  One IctoPage per thread; different pages
 * may compute from the same recording at once.
 *
 * Inputs of an output with different sample rates are brought to the rate of
 * its first term by linear interpolation.
 */
typedef struct _IctoPage IctoPage;

typedef struct {
  gint64                start;       /* ticks from the first sample */
  gint64                duration;    /* ticks, > 0 */
  IctoMontage          *montage;     /* NULL: referential, outputs = data signals */
  IctoFilterSpec        filter;      /* all zero: no filter */
  const guint          *outputs;     /* montage outputs to compute; NULL: all */
  guint                 n_outputs;   /* ignored when @outputs is NULL */
  guint                 n_columns;   /* > 0, e.g. the widget width in pixels */
} IctoPageRequest;

IctoPage *icto_page_new  (void);
void      icto_page_free (IctoPage *self);

/* Computes the page; on error the previous result is cleared.  Errors:
 * ICTO_SIGNAL_ERROR_RANGE (bad output index, n_columns 0, duration <= 0,
 * filter beyond Nyquist), read errors from the recording. */
gboolean icto_page_compute (IctoPage               *self,
                            IctoRecording          *recording,
                            const IctoPageRequest  *request,
                            GError                **error);

guint        icto_page_get_n_channels (const IctoPage *self);
guint        icto_page_get_n_columns  (const IctoPage *self);
/* Column extremes of the i-th requested output: n_columns floats each, NAN
 * where the column has no data (gap, before or after the recording). */
const float *icto_page_get_min        (const IctoPage *self,
                                       guint           channel);
const float *icto_page_get_max        (const IctoPage *self,
                                       guint           channel);
/* Per column: TRUE when the column's time lies in an EDF+D gap or outside
 * the recording. */
const gboolean *icto_page_get_gap_columns (const IctoPage *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (IctoPage, icto_page_free)

G_END_DECLS
