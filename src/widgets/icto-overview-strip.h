/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "core/icto-overview.h"
#include "core/icto-scoring.h"
#include "core/icto-session.h"

G_BEGIN_DECLS

/* IctoOverviewStrip: the whole recording in one strip: amplitude envelope,
 * gaps, annotation marks and the current page.  A click or drag moves the
 * session's page there.  Key presses Left/Right also move it (it is focusable). */

#define ICTO_TYPE_OVERVIEW_STRIP (icto_overview_strip_get_type ())
G_DECLARE_FINAL_TYPE (IctoOverviewStrip, icto_overview_strip, ICTO, OVERVIEW_STRIP, GtkWidget)

GtkWidget *icto_overview_strip_new          (void);
void       icto_overview_strip_set_session  (IctoOverviewStrip *self,
                                             IctoSession       *session);
/* Takes ownership of @overview (NULL clears: a plain strip without envelope). */
void       icto_overview_strip_set_overview (IctoOverviewStrip *self,
                                             IctoOverview      *overview);

/* The model's seizure probability per segment over the whole recording
 * (NAN: none; copied) drawn as a trend along the bottom, coloured by
 * @threshold.  NULL clears. */
void       icto_overview_strip_set_probabilities (IctoOverviewStrip *self,
                                                  const float       *probs,
                                                  guint              n_segments,
                                                  double             segment_s,
                                                  double             threshold);
/* Detections (seconds; copied) marked along the bottom edge.  NULL, 0 clears. */
void       icto_overview_strip_set_detections    (IctoOverviewStrip *self,
                                                  const IctoEvent   *events,
                                                  guint              n_events);

/* One stored annotation on the strip: a band when it has a duration
 * (seizures), a tick otherwise, in colour 0xRRGGBB. */
typedef struct {
  gint64  onset;      /* ticks */
  gint64  duration;   /* ticks */
  guint32 rgb;
} IctoOverviewMark;

/* Replaces the annotation marks (copied). */
void       icto_overview_strip_set_annotation_marks (IctoOverviewStrip      *self,
                                                     const IctoOverviewMark *marks,
                                                     guint                   n_marks);

G_END_DECLS
