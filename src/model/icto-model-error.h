/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define ICTO_MODEL_ERROR (icto_model_error_quark ())

/**
 * IctoModelError:
 * @ICTO_MODEL_ERROR_IO: the file could not be opened, mapped or written (errno in the message)
 * @ICTO_MODEL_ERROR_HEADER_SIZE: the safetensors header length is absurd or reaches past the end of the file
 * @ICTO_MODEL_ERROR_HEADER_SYNTAX: the safetensors header is not the expected JSON
 * @ICTO_MODEL_ERROR_DUPLICATE_TENSOR: a tensor name occurs twice in one header
 * @ICTO_MODEL_ERROR_DTYPE: a tensor has an unknown dtype, or one the model cannot use
 * @ICTO_MODEL_ERROR_OFFSETS: a tensor's byte range lies outside the data section or does not match its shape and dtype
 * @ICTO_MODEL_ERROR_OVERLAP: the byte ranges of two tensors overlap
 * @ICTO_MODEL_ERROR_CONFIG: a configuration key in `__metadata__` is missing, malformed, out of range or inconsistent between files
 * @ICTO_MODEL_ERROR_UNSUPPORTED: the configuration is valid but asks for something this engine does not do (another wavelet, another boundary mode)
 * @ICTO_MODEL_ERROR_UNKNOWN_TENSOR: a tensor name that does not belong in this file
 * @ICTO_MODEL_ERROR_MISSING_TENSOR: a tensor the model needs is absent (also: half of a LoRA pair)
 * @ICTO_MODEL_ERROR_SHAPE: a tensor's shape does not match the configuration
 * @ICTO_MODEL_ERROR_INPUT: the input given to a forward pass does not fit the model (T, C, segment length, non-finite samples)
 * @ICTO_MODEL_ERROR_NO_HEAD: a readout was asked for whose head the model file does not contain
 * @ICTO_MODEL_ERROR_CANCELLED: the abort callback asked to stop
 * @ICTO_MODEL_ERROR_TRAINING_ONE_CLASS: training data hold only one class (no positive or no negative window)
 * @ICTO_MODEL_ERROR_TRAINING_TOO_FEW_POSITIVES: training data hold too few positive windows
 * @ICTO_MODEL_ERROR_TRAINING_TOO_FEW_GROUPS: cross-validation needs positives in at least two groups (seizures or recordings)
 * @ICTO_MODEL_ERROR_TRAINING_NON_FINITE: a training feature is NaN or infinite
 *
 * Error codes of the model library.  The messages name the file, the
 * tensor or key and what was expected.
 */
typedef enum {
  ICTO_MODEL_ERROR_IO,
  ICTO_MODEL_ERROR_HEADER_SIZE,
  ICTO_MODEL_ERROR_HEADER_SYNTAX,
  ICTO_MODEL_ERROR_DUPLICATE_TENSOR,
  ICTO_MODEL_ERROR_DTYPE,
  ICTO_MODEL_ERROR_OFFSETS,
  ICTO_MODEL_ERROR_OVERLAP,
  ICTO_MODEL_ERROR_CONFIG,
  ICTO_MODEL_ERROR_UNSUPPORTED,
  ICTO_MODEL_ERROR_UNKNOWN_TENSOR,
  ICTO_MODEL_ERROR_MISSING_TENSOR,
  ICTO_MODEL_ERROR_SHAPE,
  ICTO_MODEL_ERROR_INPUT,
  ICTO_MODEL_ERROR_NO_HEAD,
  ICTO_MODEL_ERROR_CANCELLED,
  ICTO_MODEL_ERROR_TRAINING_ONE_CLASS,
  ICTO_MODEL_ERROR_TRAINING_TOO_FEW_POSITIVES,
  ICTO_MODEL_ERROR_TRAINING_TOO_FEW_GROUPS,
  ICTO_MODEL_ERROR_TRAINING_NON_FINITE,
} IctoModelError;

GQuark icto_model_error_quark (void);

G_END_DECLS
