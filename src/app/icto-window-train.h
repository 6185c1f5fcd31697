/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "app/icto-window.h"

G_BEGIN_DECLS

/*
 * The window's part of "Train Detector from Annotations…" (issue 9):
 * the win.train-detector action opens an IctoTrainDialog on the open
 * recording and the window's annotation database; when the user chooses a
 * detector, its path is remembered here, the overlays' inference worker
 * switches to it (icto_inference_worker_set_head) and a toast says so.
 */

void        _icto_window_train_class_init (GtkWidgetClass *widget_class);
void        _icto_window_train_init       (IctoWindow     *self);
void        _icto_window_train_dispose    (IctoWindow     *self);
/* The head file last chosen in the dialog, or NULL. */
const char *_icto_window_train_get_head   (IctoWindow     *self);

G_END_DECLS
