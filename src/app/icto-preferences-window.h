/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define ICTO_TYPE_PREFERENCES_WINDOW (icto_preferences_window_get_type ())

G_DECLARE_FINAL_TYPE (IctoPreferencesWindow, icto_preferences_window, ICTO, PREFERENCES_WINDOW, AdwPreferencesWindow)

/* Creates the preferences window for @settings (the application's schema,
 * io.github.ictoscope.Ictoscope). Every row is bound to its key with
 * g_settings_bind, so edits are written at once; page, sensitivity, filter
 * and montage keys are the defaults of newly opened windows, the colour
 * scheme applies immediately (IctoApplication follows the key).
 * Main thread only. */
IctoPreferencesWindow *icto_preferences_window_new (GtkWindow *parent,
                                                    GSettings *settings);

/* The settings the window edits (never NULL). */
GSettings *icto_preferences_window_get_settings (IctoPreferencesWindow *self);

G_END_DECLS
