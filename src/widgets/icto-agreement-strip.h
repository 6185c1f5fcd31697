/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/*
 * IctoAgreementStrip: a narrow heat strip beside the channel labels, one
 * cell per displayed row (rows laid out as in the trace area: row i spans
 * [i, i + 1) * height / n_rows), coloured by the agreement between the
 * model's prediction and the recording for one segment (cosine similarity,
 * the paper's generative measure) with the viridis map (perceptually
 * uniform, readable in grey and by colour-blind readers): 0 or below dark
 * purple, 1 yellow.  A row without a value (NAN: a derived montage row, no
 * result yet) is drawn light grey.  The tooltip names the row, its value
 * and the segment, and explains the map (the legend).
 *
 * Plain data in, no threads.  Main thread only.
 */

#define ICTO_TYPE_AGREEMENT_STRIP (icto_agreement_strip_get_type ())
G_DECLARE_FINAL_TYPE (IctoAgreementStrip, icto_agreement_strip, ICTO, AGREEMENT_STRIP, GtkWidget)

#define ICTO_AGREEMENT_STRIP_WIDTH 10

GtkWidget *icto_agreement_strip_new        (void);

/*
 * icto_agreement_strip_set_values:
 * @values: (nullable): @n_rows agreements (cosine, NAN: none); copied
 * @labels: (nullable): @n_rows row labels for the tooltip; copied
 * @segment_start_s: start of the segment the values belong to (seconds),
 *   NAN when unknown
 *
 * NULL @values clears the strip.
 */
void       icto_agreement_strip_set_values (IctoAgreementStrip *self,
                                            const float        *values,
                                            const char * const *labels,
                                            guint               n_rows,
                                            double              segment_start_s);

/* Per-row contributions to the seizure logit (logit(seizure) - logit(other)
 * splits exactly into per-channel terms), shown in the tooltip; @n_rows
 * must match the values'.  NULL clears.  Copied. */
void       icto_agreement_strip_set_contributions (IctoAgreementStrip *self,
                                                   const float        *contributions,
                                                   guint               n_rows);

/* Viridis colour of @t (clamped to 0..1; NAN gives light grey) into @rgb. */
void       icto_viridis                    (double              t,
                                            double              rgb[3]);

/* Draws the strip into (0, 0, @width, @height) with @cr. */
void       icto_agreement_strip_draw       (IctoAgreementStrip *self,
                                            cairo_t            *cr,
                                            double              width,
                                            double              height);

G_END_DECLS
