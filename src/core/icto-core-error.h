/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define ICTO_CORE_ERROR (icto_core_error_quark ())

/**
 * IctoCoreError:
 * @ICTO_CORE_ERROR_NO_RECORDING: an operation needs an open recording
 * @ICTO_CORE_ERROR_INVALID: an argument (time, montage name, filter, size) is not valid
 * @ICTO_CORE_ERROR_OUTPUT: an output file could not be written
 * @ICTO_CORE_ERROR_FEATURES_MISSING: model features (for training a head) are missing for part of a recording
 */
typedef enum {
  ICTO_CORE_ERROR_NO_RECORDING,
  ICTO_CORE_ERROR_INVALID,
  ICTO_CORE_ERROR_OUTPUT,
  ICTO_CORE_ERROR_FEATURES_MISSING,
} IctoCoreError;

GQuark icto_core_error_quark (void);

G_END_DECLS
