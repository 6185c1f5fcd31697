/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "app/icto-window.h"
#include "core/icto-detection-list.h"
#include "core/icto-inference-worker.h"

G_BEGIN_DECLS

/*
 * The window's model overlays (icto-window-overlays.c): the background
 * inference worker (core) fed with the open recording, the default model
 * and the page in view; the seizure-probability lane, the overview trend,
 * the agreement strip, the predicted continuation; progress with a pause
 * button in the status bar; the "Detections" side page (triage: Enter shows
 * a detection, A accepts it as a seizure annotation, R rejects it, J and K
 * move; single letters only while the list has the focus; an accepted one
 * opens its seizure annotation for editing) and the "Scoring" side page
 * (SzCORE event scores of the detections against a rater's seizures, and
 * the sensitivity against false alarms per 24 h over thresholds).
 * Private to the window and its tests.
 */

typedef struct _IctoWindowOverlays IctoWindowOverlays;

void _icto_window_overlays_class_init (GtkWidgetClass *widget_class);
void _icto_window_overlays_init       (IctoWindow     *self);
void _icto_window_overlays_dispose    (IctoWindow     *self);

/* For tests: the worker (NULL after dispose), the detection list of the
 * triage page and its selection. */
IctoInferenceWorker *_icto_window_overlays_get_worker     (IctoWindow *self);
IctoDetectionList   *_icto_window_overlays_get_detections (IctoWindow *self);
GtkSingleSelection  *_icto_window_overlays_get_selection  (IctoWindow *self);
/* The triage list view (keys A, R, Enter, N, P act when it has the focus). */
GtkWidget           *_icto_window_overlays_get_list_view  (IctoWindow *self);
/* The text of the scoring page's numbers (updated while the page is mapped). */
const char          *_icto_window_overlays_get_score_text (IctoWindow *self);

G_END_DECLS
