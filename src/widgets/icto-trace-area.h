/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "core/icto-trace-page.h"

G_BEGIN_DECLS

/*
 * IctoTraceArea: the traces of one page.  snapshot() only rasterises the
 * prepared min/max columns (IctoTracePage) into a reused pixel buffer and
 * hands it to GTK as a texture.  It emits ::columns-changed when its width
 * in device pixels changes (the owner then fetches a page with that many
 * columns), ::pointer-moved with the time and row under the pointer, and
 * ::dragged / ::scrolled for navigation.  It never starts threads.
 */

#define ICTO_TYPE_TRACE_AREA (icto_trace_area_get_type ())
G_DECLARE_FINAL_TYPE (IctoTraceArea, icto_trace_area, ICTO, TRACE_AREA, GtkWidget)

GtkWidget     *icto_trace_area_new         (void);
/* Takes a reference on @page (NULL clears). */
void           icto_trace_area_set_page    (IctoTraceArea *self,
                                            IctoTracePage *page);
IctoTracePage *icto_trace_area_get_page    (IctoTraceArea *self);
/* Width of the trace area in device pixels (>= 1). */
guint          icto_trace_area_get_columns (IctoTraceArea *self);

G_END_DECLS
