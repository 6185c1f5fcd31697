/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define ICTO_SIGNAL_ERROR (icto_signal_error_quark ())

/**
 * IctoSignalError:
 * @ICTO_SIGNAL_ERROR_IO: the file could not be opened or read (errno in the message)
 * @ICTO_SIGNAL_ERROR_NOT_EDF: the file is not EDF, EDF+ or BDF
 * @ICTO_SIGNAL_ERROR_TRUNCATED: the file is shorter than its header says
 * @ICTO_SIGNAL_ERROR_HEADER: a header field is malformed or inconsistent
 * @ICTO_SIGNAL_ERROR_UNSUPPORTED: valid but uses something we do not read
 * @ICTO_SIGNAL_ERROR_RANGE: a requested channel or time range is outside the recording
 * @ICTO_SIGNAL_ERROR_CANCELLED: the operation was cancelled
 * @ICTO_SIGNAL_ERROR_PARSE: a montage, channels.tsv or other text file is malformed
 * @ICTO_SIGNAL_ERROR_LAYOUT: an electrode layout (electrodes.tsv, coordsystem.json)
 *     is well formed but its content is invalid (duplicate or empty name, value
 *     out of range, contradictory grid size, unknown unit, too many contacts)
 *
 * Error codes of the signal library.  Messages are written for clinicians:
 * they say what is wrong with which file and what can be done.
 */
typedef enum {
  ICTO_SIGNAL_ERROR_IO,
  ICTO_SIGNAL_ERROR_NOT_EDF,
  ICTO_SIGNAL_ERROR_TRUNCATED,
  ICTO_SIGNAL_ERROR_HEADER,
  ICTO_SIGNAL_ERROR_UNSUPPORTED,
  ICTO_SIGNAL_ERROR_RANGE,
  ICTO_SIGNAL_ERROR_CANCELLED,
  ICTO_SIGNAL_ERROR_PARSE,
  ICTO_SIGNAL_ERROR_LAYOUT,
} IctoSignalError;

GQuark icto_signal_error_quark (void);

/* Time inside the program is an integer count of 100 ns ticks, as in EDFlib. */
#define ICTO_TICKS_PER_SECOND G_GINT64_CONSTANT (10000000)

static inline double
icto_ticks_to_seconds (gint64 ticks)
{
  return (double) ticks / (double) ICTO_TICKS_PER_SECOND;
}

static inline gint64
icto_seconds_to_ticks (double seconds)
{
  /* round to nearest tick */
  return (gint64) (seconds * (double) ICTO_TICKS_PER_SECOND + (seconds >= 0 ? 0.5 : -0.5));
}

G_END_DECLS
