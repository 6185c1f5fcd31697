/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "app/icto-window.h"
#include "widgets/icto-electrode-map.h"

G_BEGIN_DECLS

/*
 * The "Map" side page (icto-window-map.c): the electrode layout of the open
 * recording (BIDS electrodes.tsv beside it, else from the labels) coloured
 * by a chosen quantity (icto-map.h) at the end of the page in view,
 * computed off the main thread by icto_map_compute_async; the seizure-onset
 * zone of the recording (channels.tsv `soz`, or the simulator's annotation)
 * outlined; a click on a contact selects it (attention from it) and
 * highlights its trace, a click on a channel label highlights its contact;
 * a play button pages through the recording at a chosen speed with the map
 * following; Export saves the map (alone or beside the page) as PNG, SVG or
 * PDF.  Private to the window and its tests.
 */

typedef struct _IctoWindowMap IctoWindowMap;

void _icto_window_map_class_init (GtkWidgetClass *widget_class);
void _icto_window_map_init       (IctoWindow     *self);
void _icto_window_map_dispose    (IctoWindow     *self);

/* For tests. */
IctoElectrodeMap *_icto_window_map_get_widget      (IctoWindow *self);
/* Computations finished since the window opened. */
guint             _icto_window_map_get_n_computed  (IctoWindow *self);
/* Selects the quantity shown (as the drop-down does). */
void              _icto_window_map_set_quantity    (IctoWindow *self,
                                                    guint       quantity);
/* Starts or stops playing (as the play button does). */
void              _icto_window_map_set_playing     (IctoWindow *self,
                                                    gboolean    playing);
/* Reads the layout from a BIDS electrodes.tsv for the open recording and
 * keeps it in the store for the recording and its patient (as the
 * "Electrodes…" button does).  Errors: icto_layout_new_from_bids()'s and
 * the store's. */
gboolean          _icto_window_map_load_electrodes (IctoWindow  *self,
                                                    const char  *path,
                                                    GError     **error);
/* The layout editor (as the Edit button and the grid-size controls):
 * editing makes drags on the map move groups; set_grid_size makes the
 * selected contact's group a rows x cols grid.  Edits are kept in the
 * store.  Errors: ICTO_SIGNAL_ERROR_LAYOUT. */
void              _icto_window_map_set_editing     (IctoWindow  *self,
                                                    gboolean     editing);
gboolean          _icto_window_map_set_grid_size   (IctoWindow  *self,
                                                    int          rows,
                                                    int          cols,
                                                    GError     **error);
/* Where the layout came from: "store", "electrodes.tsv" or "labels". */
const char       *_icto_window_map_get_layout_source (IctoWindow *self);
/* The last status line (window, probability, SOZ agreement). */
const char       *_icto_window_map_get_status      (IctoWindow *self);

G_END_DECLS
