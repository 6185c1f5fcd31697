/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "core/icto-trace-page.h"

G_BEGIN_DECLS

/* IctoTimeRuler: the wall-clock time ruler above the traces (whole seconds
 * labelled, 200-ms ticks), drawn by the shared page painter. */

#define ICTO_TYPE_TIME_RULER (icto_time_ruler_get_type ())
G_DECLARE_FINAL_TYPE (IctoTimeRuler, icto_time_ruler, ICTO, TIME_RULER, GtkWidget)

GtkWidget *icto_time_ruler_new      (void);
/* Takes a reference on @page (NULL clears). */
void       icto_time_ruler_set_page (IctoTimeRuler *self,
                                     IctoTracePage *page);

G_END_DECLS
