/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "core/icto-trace-page.h"

G_BEGIN_DECLS

/* IctoChannelLabels: the label column left of the traces (shaft colours,
 * bad channels struck through).  A click on a
 * label emits ::row-menu (row, x, y) so the owner can offer channel actions;
 * a Ctrl+click emits ::row-toggled (row) instead (seizure-onset-zone contacts). */

#define ICTO_TYPE_CHANNEL_LABELS (icto_channel_labels_get_type ())
G_DECLARE_FINAL_TYPE (IctoChannelLabels, icto_channel_labels, ICTO, CHANNEL_LABELS, GtkWidget)

GtkWidget *icto_channel_labels_new      (void);
/* Takes a reference on @page (NULL clears). */
void       icto_channel_labels_set_page (IctoChannelLabels *self,
                                         IctoTracePage     *page);

G_END_DECLS
