/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/*
 * IctoRowHighlight: a translucent band over one channel row of the trace
 * area (an overlay child of the trace view; takes no input).  Row i of n
 * spans y = i * height / n .. (i + 1) * height / n, as the page painter
 * lays rows out.
 */

#define ICTO_TYPE_ROW_HIGHLIGHT (icto_row_highlight_get_type ())
G_DECLARE_FINAL_TYPE (IctoRowHighlight, icto_row_highlight, ICTO, ROW_HIGHLIGHT, GtkWidget)

GtkWidget *icto_row_highlight_new      (void);
/* @row < 0: nothing highlighted. */
void       icto_row_highlight_set_row  (IctoRowHighlight *self,
                                        int               row,
                                        guint             n_rows);
int        icto_row_highlight_get_row  (IctoRowHighlight *self);

G_END_DECLS
