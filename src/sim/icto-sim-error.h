/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define ICTO_SIM_ERROR (icto_sim_error_quark ())

/**
 * IctoSimError:
 * @ICTO_SIM_ERROR_INVALID: a simulation parameter is out of range
 *     (duration, rate, seizure count, node indices, line frequency)
 * @ICTO_SIM_ERROR_LAYOUT: the electrode layout specification is malformed
 * @ICTO_SIM_ERROR_IO: a sidecar file could not be written
 * @ICTO_SIM_ERROR_CANCELLED: the progress callback asked to stop
 *
 * Error codes of the simulator.
 */
typedef enum {
  ICTO_SIM_ERROR_INVALID,
  ICTO_SIM_ERROR_LAYOUT,
  ICTO_SIM_ERROR_IO,
  ICTO_SIM_ERROR_CANCELLED,
} IctoSimError;

GQuark icto_sim_error_quark (void);

G_END_DECLS
