/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "core/icto-map-painter.h"
#include "signal/icto-layout.h"

G_BEGIN_DECLS

/*
 * IctoElectrodeMap: draws an electrode layout coloured by one value per
 * channel with the shared map painter (icto-map-painter.h); snapshot()
 * only draws what it was given (values are computed in core).  A tooltip
 * names the contact under the pointer and its value; a click on a contact
 * emits ::contact-activated (int contact index) and selects it.  When
 * editable, dragging a contact that has no 3-D position emits ::group-moved
 * (string group, double dx_mm, double dy_mm) with the move in layout
 * millimetres (the owner makes the new layout).
 */

#define ICTO_TYPE_ELECTRODE_MAP (icto_electrode_map_get_type ())
G_DECLARE_FINAL_TYPE (IctoElectrodeMap, icto_electrode_map, ICTO, ELECTRODE_MAP, GtkWidget)

GtkWidget        *icto_electrode_map_new             (void);
/* Takes a reference; NULL: nothing to draw. */
void              icto_electrode_map_set_layout      (IctoElectrodeMap   *self,
                                                      IctoLayout         *layout);
IctoLayout       *icto_electrode_map_get_layout      (IctoElectrodeMap   *self);
/* One value per data signal (copied; NULL: none), with the legend's title
 * and unit. */
void              icto_electrode_map_set_values      (IctoElectrodeMap   *self,
                                                      const float        *values,
                                                      guint               n_values,
                                                      const char         *title,
                                                      const char         *unit);
gboolean          icto_electrode_map_has_values      (IctoElectrodeMap   *self);
void              icto_electrode_map_set_colormap    (IctoElectrodeMap   *self,
                                                      IctoColormap        map);
/* Per data signal (copied; NULL: none). */
void              icto_electrode_map_set_bad         (IctoElectrodeMap   *self,
                                                      const gboolean     *bad,
                                                      guint               n);
/* Contact labels to outline (copied; NULL: none). */
void              icto_electrode_map_set_soz         (IctoElectrodeMap   *self,
                                                      const char *const  *soz);
/* Contact indices, -1 for none. */
void              icto_electrode_map_set_selected    (IctoElectrodeMap   *self,
                                                      int                 contact);
int               icto_electrode_map_get_selected    (IctoElectrodeMap   *self);
void              icto_electrode_map_set_highlighted (IctoElectrodeMap   *self,
                                                      int                 contact);
int               icto_electrode_map_get_highlighted (IctoElectrodeMap   *self);
void              icto_electrode_map_set_editable    (IctoElectrodeMap   *self,
                                                      gboolean            editable);
gboolean          icto_electrode_map_get_editable    (IctoElectrodeMap   *self);
/* The paint description of what is drawn (valid until the next change). */
const IctoMapPaint *icto_electrode_map_get_paint     (IctoElectrodeMap   *self);

G_END_DECLS
