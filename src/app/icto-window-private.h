/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "app/icto-window.h"
#include "core/icto-job.h"
#include "widgets/icto-overview-strip.h"

G_BEGIN_DECLS

struct _IctoWindow
{
  AdwApplicationWindow  parent_instance;

  /* template children */
  AdwToastOverlay      *toast_overlay;
  AdwWindowTitle       *window_title;
  GtkStack             *stack;
  GtkSpinner           *spinner;
  GtkWidget            *nav_box;
  IctoTraceView        *trace_view;
  IctoOverviewStrip    *overview;
  GtkLabel             *position_label;
  GtkLabel             *readout_label;
  GtkWidget            *status_bar;    /* horizontal box: features may append progress widgets */
  GtkPaned             *side_paned;
  GtkWidget            *side_panel;
  GtkStack             *side_stack;
  GMenu                *recent_section;
  GMenu                *sensitivity_section;
  GMenu                *duration_section;

  IctoSession          *session;
  GSettings            *settings;     /* NULL without an installed schema */
  GCancellable         *open_cancellable;
  IctoJob              *overview_job;
  GtkFileChooserNative *chooser;
  GtkRecentManager     *recent;
  gulong                recent_changed_id;
  char                 *last_toast;
  char                 *filter;       /* "off", "review", "hfo80", "hfo250", "custom" */
  gboolean              ppm_from_settings;
  struct _IctoWindowAnnotations *annotations;   /* icto-window-annotations.c */
  struct _IctoWindowOverlays    *overlays;      /* icto-window-overlays.c */
  struct _IctoWindowTrain       *train;         /* icto-window-train.c */
  struct _IctoWindowMap         *map;           /* icto-window-map.c */
};

/* Adds @child as a page of the side panel (annotations, detections, map...).
 * @name: stable id; @title: translated.  The panel is shown with the
 * win.side-panel action (F9); the page is selected with
 * _icto_window_show_side_page(). */
void _icto_window_add_side_page  (IctoWindow     *self,
                                  GtkWidget      *child,
                                  const char     *name,
                                  const char     *title);
void _icto_window_show_side_page (IctoWindow     *self,
                                  const char     *name);

void _icto_window_class_actions_init (GtkWidgetClass *widget_class);
void _icto_window_actions_update     (IctoWindow     *self);
void _icto_window_apply_filter       (IctoWindow     *self,
                                      const char     *name);

G_END_DECLS
