/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "icto-signal"

#include "config.h"

#include "icto-signal-error.h"

G_DEFINE_QUARK (icto-signal-error-quark, icto_signal_error)
