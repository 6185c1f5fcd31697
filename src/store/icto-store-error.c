/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "icto-store"

#include "config.h"

#include "icto-store-error.h"

G_DEFINE_QUARK (icto-store-error-quark, icto_store_error)
