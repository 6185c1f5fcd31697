/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Registers the UI resources (templates, menus, shortcuts, CSS) and the
 * widget types so GtkBuilder templates can name them.  Idempotent. */
void icto_widgets_init (void);

G_END_DECLS
