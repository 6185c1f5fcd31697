/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "signal/icto-recording.h"

G_BEGIN_DECLS

/* Private API of IctoRecording, for the signal library itself and its tests. */

typedef enum {
  _ICTO_RECORDING_OPEN_DEFAULT = 0,
  /* Do not ask EDFlib to validate the header. */
  _ICTO_RECORDING_OPEN_OWN_READER = 1 << 0,
} _IctoRecordingOpenFlags;

IctoRecording *_icto_recording_open_full (const char               *path,
                                          _IctoRecordingOpenFlags   flags,
                                          GError                  **error);

/* TRUE when EDFlib accepted the file (its header checks passed). */
gboolean _icto_recording_used_edflib (IctoRecording *self);

/* Byte budget of the decoded-block cache (default 96 MiB). */
void _icto_recording_set_cache_budget (IctoRecording *self,
                                       gsize          bytes);

/* Number of records decoded together as one cache block. */
gint64 _icto_recording_get_records_per_block (IctoRecording *self);

/*
 * Reads and decodes @n_records whole data records starting at @first_record
 * straight from the file, bypassing the cache (for sequential passes such as
 * the overview pyramid).  @raw must hold n_records * record_bytes bytes
 * (see _icto_recording_get_record_bytes).  @out[s] receives
 * n_records * samples_per_record(s) floats (µV for voltage signals) for each
 * data signal s.  Thread-safe.
 */
gsize    _icto_recording_get_record_bytes (IctoRecording *self);
gboolean _icto_recording_decode_records   (IctoRecording  *self,
                                           gint64          first_record,
                                           gint64          n_records,
                                           guint8         *raw,
                                           float         **out,
                                           GError        **error);

/* Layout of data signal @signal inside a data record, for code that works on
 * raw records (the pyramid): physical µV = (clamp(d, dmin, dmax) + offset) * scale. */
typedef struct {
  gsize  byte_offset;
  int    samples_per_record;
  int    bytes_per_sample;   /* 2 (EDF) or 3 (BDF) */
  int    digital_min;
  int    digital_max;
  double scale;
  double offset;
} _IctoRawLayout;

void     _icto_recording_get_layout (IctoRecording  *self,
                                     guint           signal,
                                     _IctoRawLayout *layout);
/* Reads whole raw records (n_records * record_bytes bytes) into @raw. */
gboolean _icto_recording_read_raw   (IctoRecording  *self,
                                     gint64          first_record,
                                     gint64          n_records,
                                     guint8         *raw,
                                     GError        **error);
/* Header size in bytes (offset of the first data record). */
gint64   _icto_recording_get_header_bytes (IctoRecording *self);
int      _icto_recording_get_fd (IctoRecording *self);

G_END_DECLS
