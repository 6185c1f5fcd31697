/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define ICTO_STORE_ERROR (icto_store_error_quark ())

GQuark icto_store_error_quark (void);

G_END_DECLS
