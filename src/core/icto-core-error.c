/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "icto-core"

#include "config.h"

#include "icto-core-error.h"

G_DEFINE_QUARK (icto-core-error-quark, icto_core_error)
