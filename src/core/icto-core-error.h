/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define ICTO_CORE_ERROR (icto_core_error_quark ())

GQuark icto_core_error_quark (void);

G_END_DECLS
