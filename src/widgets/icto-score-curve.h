/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/*
 * IctoScoreCurve: sensitivity against false alarms per 24 h over detection
 * thresholds (SzCORE event scoring), drawn with Cairo: one point per
 * threshold joined by a line, the current threshold marked.  The x axis
 * runs from 0 to the largest false-alarm rate (at least 1/24 h), the y axis
 * from 0 to 1.  Plain data in; main thread only.
 */

#define ICTO_TYPE_SCORE_CURVE (icto_score_curve_get_type ())
G_DECLARE_FINAL_TYPE (IctoScoreCurve, icto_score_curve, ICTO, SCORE_CURVE, GtkWidget)

typedef struct {
  double threshold;
  double sensitivity;          /* 0..1, NAN when there is no reference event */
  double false_alarms_per_24h;
} IctoScorePoint;

GtkWidget *icto_score_curve_new        (void);
/* Copies @n points (any order; drawn sorted by false alarms); @current:
 * the threshold to mark (NAN: none). */
void       icto_score_curve_set_points (IctoScoreCurve       *self,
                                        const IctoScorePoint *points,
                                        guint                 n,
                                        double                current);
/* Pixel position of a point in a curve @width x @height (the plot's frame). */
void       icto_score_curve_to_pixel   (IctoScoreCurve       *self,
                                        double                width,
                                        double                height,
                                        double                false_alarms_per_24h,
                                        double                sensitivity,
                                        double               *x,
                                        double               *y);
/* Draws into (0, 0, @width, @height) with @cr. */
void       icto_score_curve_draw       (IctoScoreCurve       *self,
                                        cairo_t              *cr,
                                        double                width,
                                        double                height);

G_END_DECLS
