/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define ICTO_SIM_ERROR (icto_sim_error_quark ())

GQuark icto_sim_error_quark (void);

G_END_DECLS
