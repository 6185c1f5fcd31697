/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "core/icto-overview.h"
#include "core/icto-session.h"

G_BEGIN_DECLS

/* IctoOverviewStrip: the whole recording in one strip: amplitude envelope,
 * gaps, annotation marks and the current page.  A click or drag moves the
 * session's page there.  Key presses Left/Right also move it (it is focusable). */

#define ICTO_TYPE_OVERVIEW_STRIP (icto_overview_strip_get_type ())
G_DECLARE_FINAL_TYPE (IctoOverviewStrip, icto_overview_strip, ICTO, OVERVIEW_STRIP, GtkWidget)

GtkWidget *icto_overview_strip_new          (void);
void       icto_overview_strip_set_session  (IctoOverviewStrip *self,
                                             IctoSession       *session);
/* Takes ownership of @overview (NULL clears: a plain strip without envelope). */
void       icto_overview_strip_set_overview (IctoOverviewStrip *self,
                                             IctoOverview      *overview);

G_END_DECLS
