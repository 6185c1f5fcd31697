/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "app/icto-application.h"

G_BEGIN_DECLS

/* Helpers shared by the GUI tests of tests/app (run under Xvfb). */

/* TRUE when a display is available.  Without one the GUI tests cannot run:
 * under CI (CI=true) that is a failure, elsewhere the test is skipped with a
 * message saying to run it under xvfb-run. */
gboolean    icto_gui_test_have_display (void);

/* The application of a GUI test: its cache and data directories point into
 * this test's temporary directory, the widget types are registered, and the
 * application (id APP_ID + @id_suffix, non-unique) is registered. */
IctoApplication *icto_gui_test_app_new (const char *id_suffix);

/* Runs the main loop for about 300 ms (idles, a frame or two). */
void        icto_gui_test_settle     (void);

/* Runs the main loop until @expr holds, 10 s at most, then asserts it. */
#define ICTO_GUI_WAIT_FOR(expr) G_STMT_START {                                  \
    gint64 _deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;           \
    while (!(expr) && g_get_monotonic_time () < _deadline)                      \
      if (!g_main_context_iteration (NULL, FALSE))                              \
        g_usleep (2000);                                                        \
    g_assert_true (expr);                                                       \
  } G_STMT_END

/* Depth-first list of @root and all its descendants (widgets are not
 * referenced; free the array only). */
GPtrArray  *icto_gui_test_collect    (GtkWidget  *root);

/* The first descendant of @root (or @root) of @type, or NULL. */
GtkWidget  *icto_gui_test_find       (GtkWidget  *root,
                                      GType       type);

/* The toplevel window of @type other than @except that is visible, or NULL. */
GtkWindow  *icto_gui_test_find_toplevel (GType      type,
                                         GtkWindow *except);

/* Renders @widget (mapped) to $ICTO_BUILD_ROOT/tests/app/@name; returns the path. */
char       *icto_gui_test_screenshot (GtkWidget  *widget,
                                      const char *name);

G_END_DECLS
