/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "icto-model"

#include "config.h"

#include "icto-model-error.h"

G_DEFINE_QUARK (icto-model-error-quark, icto_model_error)
