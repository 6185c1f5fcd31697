/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "icto-widgets"

#include "config.h"

#include <gtk/gtk.h>

#include "icto-resources.h"
#include "widgets/icto-channel-labels.h"
#include "widgets/icto-overview-strip.h"
#include "widgets/icto-time-ruler.h"
#include "widgets/icto-trace-area.h"
#include "widgets/icto-trace-view.h"
#include "widgets/icto-widgets-init.h"

void
icto_widgets_init (void)
{
  static gsize once = 0;

  if (g_once_init_enter (&once))
    {
      icto_register_resource ();
      g_type_ensure (ICTO_TYPE_CHANNEL_LABELS);
      g_type_ensure (ICTO_TYPE_OVERVIEW_STRIP);
      g_type_ensure (ICTO_TYPE_TIME_RULER);
      g_type_ensure (ICTO_TYPE_TRACE_AREA);
      g_type_ensure (ICTO_TYPE_TRACE_VIEW);
      g_once_init_leave (&once, 1);
    }
}

void
icto_widgets_name_search_entries (GtkWidget  *widget,
                                  const char *label)
{
  g_return_if_fail (GTK_IS_WIDGET (widget));

  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL; c = gtk_widget_get_next_sibling (c))
    {
      if (GTK_IS_SEARCH_ENTRY (c))
        gtk_accessible_update_property (GTK_ACCESSIBLE (c), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
      icto_widgets_name_search_entries (c, label);
    }
}
