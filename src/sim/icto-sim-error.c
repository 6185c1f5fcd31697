/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "icto-sim"

#include "config.h"

#include "icto-sim-error.h"

G_DEFINE_QUARK (icto-sim-error-quark, icto_sim_error)
