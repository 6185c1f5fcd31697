/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "icto-widgets"

#include "config.h"

#include <gtk/gtk.h>

#include "icto-widgets-init.h"

void
icto_widgets_init (void)
{
}
