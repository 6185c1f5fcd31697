/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "core/icto-trace-page.h"

G_BEGIN_DECLS

/*
 * IctoPredictionLayer: the model's predicted continuation drawn over the
 * traces, as an overlay child of the trace view (it never takes input:
 * can-target is FALSE).  For each row with a prediction, the 5 s that the
 * model expects after a segment boundary, in the same scale and row layout
 * as the traces of the page (icto-page-painter.h: row i centred at
 * (i + 0.5) * height / n_rows, a value v drawn v / sensitivity[i] *
 * pixels_per_mm device pixels above it), in its own translucent colour
 * (Okabe-Ito reddish purple) so the real trace stays readable beneath.
 * A legend in the top-right corner always says "Model prediction (decoded)"
 * (or, in retrieval mode, "Closest past segment to the model's prediction") whenever
 * the curve is shown, with an optional note (e.g. why some rows have
 * none); with a note and no curve the legend still shows, to say why.  It is a picture of a model's expectation, not data.
 *
 * Main thread only; it only scales prepared data.
 */

#define ICTO_TYPE_PREDICTION_LAYER (icto_prediction_layer_get_type ())
G_DECLARE_FINAL_TYPE (IctoPredictionLayer, icto_prediction_layer, ICTO, PREDICTION_LAYER, GtkWidget)

GtkWidget *icto_prediction_layer_new        (void);

/* The page on screen (layout, time range, sensitivities); referenced. */
void       icto_prediction_layer_set_page   (IctoPredictionLayer *self,
                                             IctoTracePage       *page);

/*
 * icto_prediction_layer_set_prediction:
 * @start_s: time of the first sample, seconds from the first sample of the
 *   recording
 * @rate_hz: samples per second (> 0)
 * @samples: (nullable): [@n_rows * @n_samples], row-major in the page's row
 *   order, in the rows' units (µV); a row whose first sample is NAN has no
 *   prediction.  Copied.  NULL clears.
 */
void       icto_prediction_layer_set_prediction (IctoPredictionLayer *self,
                                                 double               start_s,
                                                 double               rate_hz,
                                                 const float         *samples,
                                                 guint                n_rows,
                                                 guint                n_samples);
/*
 * icto_prediction_layer_set_sources:
 * @source_s: (nullable): [@n_rows] in the page's row order: NULL, the curves
 *   are the decoded prediction (legend "Model prediction (decoded)"); else
 *   retrieval mode: the curves are real past segments of the same channels
 *   (core/icto-prediction.h, ICTO_PREDICTION_RETRIEVE), the legend says
 *   "Closest past segment to the model's prediction" and each drawn row is
 *   labelled at the start of its curve with the segment's source time
 *   (seconds from the first sample, shown as h:mm:ss; NAN: no label).  Copied.
 */
void       icto_prediction_layer_set_sources (IctoPredictionLayer *self,
                                              const double        *source_s,
                                              guint                n_rows);
/* TRUE in retrieval mode (set_sources with non-NULL). */
gboolean   icto_prediction_layer_get_retrieval (IctoPredictionLayer *self);

/* A note under the legend (NULL: none), e.g. that derived montage rows have no prediction. */
void       icto_prediction_layer_set_note   (IctoPredictionLayer *self,
                                             const char          *note);
/* The legend text shown (for tests and screen readers). */
const char *icto_prediction_layer_get_legend (IctoPredictionLayer *self);
/* Number of rows drawn with a prediction on the current page. */
guint      icto_prediction_layer_get_n_drawn (IctoPredictionLayer *self);

/* Draws the curves (not the legend) into (0, 0, @width, @height). */
void       icto_prediction_layer_draw       (IctoPredictionLayer *self,
                                             cairo_t             *cr,
                                             double               width,
                                             double               height);

G_END_DECLS
