/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "app/icto-application.h"
#include "core/icto-session.h"
#include "widgets/icto-trace-view.h"

G_BEGIN_DECLS

/*
 * IctoWindow: one recording under review: header bar with the menus, the
 * trace view, the overview strip and a status line.  Opening happens off
 * the main thread (core); errors are shown as toasts in the window.
 * ::open-finished (gboolean success) is emitted when an open completes.
 */

#define ICTO_TYPE_WINDOW (icto_window_get_type ())
G_DECLARE_FINAL_TYPE (IctoWindow, icto_window, ICTO, WINDOW, AdwApplicationWindow)

IctoWindow    *icto_window_new            (IctoApplication *application);
void           icto_window_open           (IctoWindow      *self,
                                           GFile           *file);
IctoSession   *icto_window_get_session    (IctoWindow      *self);
IctoTraceView *icto_window_get_trace_view (IctoWindow      *self);
/* Shows @error's message in a toast (and logs it). */
void           icto_window_show_error     (IctoWindow      *self,
                                           const GError    *error);
/* The text of the last toast shown (tests). */
const char    *icto_window_get_last_toast (IctoWindow      *self);

G_END_DECLS
