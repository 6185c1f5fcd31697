/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "core/icto-session.h"
#include "widgets/icto-agreement-strip.h"
#include "widgets/icto-annotation-layer.h"
#include "widgets/icto-prediction-layer.h"
#include "widgets/icto-probability-lane.h"

G_BEGIN_DECLS

/*
 * IctoTraceView: the clinical page view.  Layers, each its own widget as in
 * Sysprof: the time ruler (top), the channel label column (left) and the
 * trace area.  It fetches the session's page (core, buffers reused) when the
 * session changes or the trace area is resized, at most once per main-loop
 * iteration, and hands the prepared page to the layers.  :readout holds
 * the time, channel and value under the pointer.  Fetch errors are emitted
 * as ::error so the window can show them; ::page-changed follows each new page.
 */

#define ICTO_TYPE_TRACE_VIEW (icto_trace_view_get_type ())
G_DECLARE_FINAL_TYPE (IctoTraceView, icto_trace_view, ICTO, TRACE_VIEW, GtkWidget)

GtkWidget     *icto_trace_view_new         (void);
IctoSession   *icto_trace_view_get_session (IctoTraceView *self);
void           icto_trace_view_set_session (IctoTraceView *self,
                                            IctoSession   *session);
/* The page on screen (NULL before the first fetch); borrowed. */
IctoTracePage *icto_trace_view_get_page    (IctoTraceView *self);
const char    *icto_trace_view_get_readout (IctoTraceView *self);
/* Fetches synchronously now instead of in a worker (tests, export). */
void           icto_trace_view_refresh     (IctoTraceView *self);

/* The model overlays (filled by the window; hidden until shown). */
IctoProbabilityLane *icto_trace_view_get_probability_lane (IctoTraceView *self);
IctoAgreementStrip  *icto_trace_view_get_agreement_strip  (IctoTraceView *self);
IctoPredictionLayer *icto_trace_view_get_prediction_layer (IctoTraceView *self);
/* Shows or hides the probability lane row (lane and its label). */
void                 icto_trace_view_set_model_lanes_visible (IctoTraceView *self,
                                                              gboolean       visible);

/* The annotation layer over the traces (the window gives it its list). */
IctoAnnotationLayer *icto_trace_view_get_annotation_layer (IctoTraceView *self);

/* The recorded signal whose row is highlighted (a band over the traces), or
 * -1; the electrode map sets it when a contact is clicked, and a click on a
 * channel label sets it too (property "highlighted-signal", notified). */
void icto_trace_view_set_highlighted_signal (IctoTraceView *self,
                                             int            signal);
int  icto_trace_view_get_highlighted_signal (IctoTraceView *self);

G_END_DECLS
