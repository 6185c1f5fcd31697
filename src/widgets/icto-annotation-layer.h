/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "core/icto-annotation-list.h"
#include "core/icto-trace-page.h"

G_BEGIN_DECLS

/*
 * IctoAnnotationLayer: the annotations of the page drawn over the traces (an
 * overlay child of the trace view, never a pointer target itself).  Each
 * annotation is a translucent band in its label's colour over its duration
 * (clipped to the page, so a band whose onset is off screen still shows),
 * with the label at the top; channel-linked annotations cover only their
 * rows (a bipolar row "A1-A2" belongs to A1 and A2); seizure records show
 * ticks for the clinical onset, EEC, UEO and offset, and mark SOZ rows.
 *
 * Input is taken on the widget given to icto_annotation_layer_attach() (the
 * overlay around the trace area), in the capture phase, and only for a
 * primary-button drag without Ctrl: on an annotation's edge it moves that
 * edge (::edit at the end), elsewhere it creates (::create; with Shift, on
 * the rows the drag spans); a press without motion selects the annotation
 * under the pointer and sets the cursor time, a second one within the
 * double-click time emits ::activate.  Ctrl+drag (panning),
 * the wheel and pointer motion go on to the trace area (panning, paging, the
 * readout).
 *
 * Signals:
 *   ::create (gint64 onset, gint64 duration, GStrv channels or NULL for all)
 *   ::edit (IctoAnnotation *changed): the whole annotation with new times
 *   ::activate (gint64 id)
 *   ::channel-toggled (char *channel): Ctrl+click on a channel label
 *   notify::selected
 */

#define ICTO_TYPE_ANNOTATION_LAYER (icto_annotation_layer_get_type ())
G_DECLARE_FINAL_TYPE (IctoAnnotationLayer, icto_annotation_layer, ICTO, ANNOTATION_LAYER, GtkWidget)

GtkWidget          *icto_annotation_layer_new        (void);

/* Where input is taken (the overlay) and whose cursor shows the edge
 * feedback (the trace area); @labels (nullable): the channel label column,
 * whose ::row-toggled becomes ::channel-toggled. */
void                icto_annotation_layer_attach     (IctoAnnotationLayer *self,
                                                      GtkWidget           *events,
                                                      GtkWidget           *cursor_widget,
                                                      GtkWidget           *labels);

/* The annotations to draw (its filters apply); NULL draws nothing. */
void                icto_annotation_layer_set_list   (IctoAnnotationLayer *self,
                                                      IctoAnnotationList  *list);
IctoAnnotationList *icto_annotation_layer_get_list   (IctoAnnotationLayer *self);
void                icto_annotation_layer_set_page   (IctoAnnotationLayer *self,
                                                      IctoTracePage       *page);
/* Reads the page's annotations and the label colours again. */
void                icto_annotation_layer_reload     (IctoAnnotationLayer *self);

/* Selected annotation id, 0 for none. */
gint64              icto_annotation_layer_get_selected (IctoAnnotationLayer *self);
void                icto_annotation_layer_set_selected (IctoAnnotationLayer *self,
                                                        gint64               id);

/* Time (ticks) under the pointer when it is over the traces, else the time
 * of the last click; -1 when neither is known. */
gint64              icto_annotation_layer_get_cursor   (IctoAnnotationLayer *self);

/* Number of annotations drawn on the current page. */
guint               icto_annotation_layer_get_n_shown  (IctoAnnotationLayer *self);

/* Band of annotation @id on the current page in widget coordinates (the
 * union of its row rectangles); FALSE when it is not on the page. */
gboolean            icto_annotation_layer_get_band     (IctoAnnotationLayer *self,
                                                        gint64               id,
                                                        graphene_rect_t     *band);

/* TRUE when row label @row_label (e.g. "A1" or bipolar "A1-A2") belongs
 * to @channel (ASCII case-insensitive). */
gboolean            icto_annotation_layer_row_matches  (const char          *row_label,
                                                        const char          *channel);

G_END_DECLS
