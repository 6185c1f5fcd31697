/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define ICTO_MODEL_ERROR (icto_model_error_quark ())

GQuark icto_model_error_quark (void);

G_END_DECLS
