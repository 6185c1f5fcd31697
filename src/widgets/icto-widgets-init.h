/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Registers the widget types so GtkBuilder templates can name them. */
void icto_widgets_init (void);

G_END_DECLS
