/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

/*
 * IctoApplication: the Ictoscope application (G_APPLICATION_HANDLES_OPEN:
 * each file given on the command line opens in a window).  app.quit,
 * app.about; keyboard accelerators of the window actions are set here so
 * menus show them.
 */

#define ICTO_TYPE_APPLICATION (icto_application_get_type ())
G_DECLARE_FINAL_TYPE (IctoApplication, icto_application, ICTO, APPLICATION, AdwApplication)

IctoApplication *icto_application_new (const char        *application_id,
                                       GApplicationFlags  flags);

/* The GSettings of the app when its schema is installed (or compiled in
 * GSETTINGS_SCHEMA_DIR), else NULL: defaults are used then. */
GSettings       *icto_application_get_settings (IctoApplication *self);

G_END_DECLS
