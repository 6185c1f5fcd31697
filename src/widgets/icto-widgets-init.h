/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Registers the UI resources (templates, menus, shortcuts, CSS) and the
 * widget types so GtkBuilder templates can name them.  Idempotent. */
void icto_widgets_init (void);

/* GTK 4.8's GtkDropDown keeps a search entry without an accessible name in
 * its popover: gives every search entry under @widget the name @label
 * (translated). */
void icto_widgets_name_search_entries (GtkWidget  *widget,
                                       const char *label);

G_END_DECLS
