/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "signal/icto-signal-error.h"

G_BEGIN_DECLS

/*
 * IctoRecording: an open EDF, EDF+ (C or D) or BDF(+) recording.
 *
 * Times are gint64 ticks of 100 ns (ICTO_TICKS_PER_SECOND) counted from the
 * first sample of the file (not from the header's whole-second start time: a
 * sub-second start offset is already folded in).  In EDF+D files time runs
 * across gaps: a time that falls in a gap has no samples.
 *
 * Thread safety: an IctoRecording is immutable after open; all getters and
 * the read functions may be called from any thread at once (data reads use
 * pread on a private descriptor and an internally locked block cache).
 */

#define ICTO_TYPE_RECORDING (icto_recording_get_type ())
G_DECLARE_FINAL_TYPE (IctoRecording, icto_recording, ICTO, RECORDING, GObject)

typedef enum {
  ICTO_FORMAT_EDF,
  ICTO_FORMAT_EDF_PLUS_C,
  ICTO_FORMAT_EDF_PLUS_D,
  ICTO_FORMAT_BDF,
  ICTO_FORMAT_BDF_PLUS_C,
  ICTO_FORMAT_BDF_PLUS_D,
} IctoFormat;

/* "EDF", "EDF+C", "EDF+D", "BDF", "BDF+C", "BDF+D" */
const char *icto_format_to_string (IctoFormat format);

typedef struct {
  char   *label;            /* trimmed, UTF-8 (invalid bytes replaced) */
  char   *transducer;       /* trimmed */
  char   *unit;             /* physical dimension as in the file, trimmed */
  char   *prefilter;        /* trimmed */
  double  sample_rate;      /* Hz = samples_per_record / record duration */
  double  physical_min;
  double  physical_max;
  int     digital_min;
  int     digital_max;
  int     samples_per_record;
  gboolean is_voltage;      /* unit is V, mV, uV/µV or nV (case as usual in EDF) */
  double  to_microvolts;    /* factor applied by the read functions: 1e6, 1e3, 1, 1e-3; 1 if !is_voltage */
  const char *read_unit;    /* unit of the values returned by reads: "uV" for voltages, else @unit */
} IctoSignalInfo;

typedef struct {
  gint64  onset;            /* ticks from the first sample (may be negative) */
  gint64  duration;         /* ticks; -1 when the annotation has no duration */
  char   *text;             /* UTF-8 */
} IctoEdfAnnotation;

typedef struct {
  gint64  start;            /* ticks from the first sample: end of the data before the gap */
  gint64  duration;         /* ticks */
} IctoGap;

/**
 * icto_recording_open:
 * @path: file name
 * @error: ICTO_SIGNAL_ERROR_* on failure (IO, NOT_EDF, TRUNCATED, HEADER, UNSUPPORTED)
 *
 * Opens and validates the file: every size and offset in the header is
 * checked against the file size before use.  Reads the header and all
 * EDF+ annotations (TALs) and record start times; sample data are read on
 * demand.  Returns a new recording or NULL with @error set.
 *
 * EDFlib validates the header when it accepts the file; files it refuses
 * but that we can read safely (EDF+D, a non-blank prefilter field of the
 * annotation signal, text after "EDF+C", non-ASCII header bytes, …) are
 * read by our own parser.  Annotations and record times always come from our
 * TAL reader (EDFlib's takes ~80 µs per data record); the tests check it
 * against EDFlib's annotations on every shared file EDFlib opens.  Sample
 * data: whole data records by pread, decoded in blocks kept in an LRU
 * cache (96 MiB by default).
 *
 * Tolerated: labels and fields in Latin-1 or UTF-8 (decoded to UTF-8), a
 * record count of −1 when the file holds whole records, "," as decimal
 * separator in physical ranges.  Refused with ICTO_SIGNAL_ERROR_HEADER:
 * control characters in labels, empty digital or physical ranges, absurd
 * counts, a file longer than announced; ICTO_SIGNAL_ERROR_TRUNCATED when it
 * is shorter; ICTO_SIGNAL_ERROR_NOT_EDF when the version field is wrong.
 */
IctoRecording *icto_recording_open (const char  *path,
                                    GError     **error);

const char   *icto_recording_get_path            (IctoRecording *self);
IctoFormat    icto_recording_get_format          (IctoRecording *self);
const char   *icto_recording_get_patient         (IctoRecording *self);   /* trimmed header field */
const char   *icto_recording_get_recording_field (IctoRecording *self);   /* trimmed header field */
/* Start of the first sample, with sub-second part; local time of the site, returned as UTC. */
GDateTime    *icto_recording_get_start_time      (IctoRecording *self);
/* From the first sample to the end of the last data record, gaps included. */
gint64        icto_recording_get_duration        (IctoRecording *self);
gint64        icto_recording_get_record_duration (IctoRecording *self);
gint64        icto_recording_get_n_records       (IctoRecording *self);
/* Onset of data record @record (ticks from the first sample). */
gint64        icto_recording_get_record_onset    (IctoRecording *self,
                                                  gint64         record);

/* Data signals only: annotation signals are not counted and not readable. */
guint                 icto_recording_get_n_signals (IctoRecording *self);
const IctoSignalInfo *icto_recording_get_signal    (IctoRecording *self,
                                                    guint          index);
/* Index of the signal whose trimmed label equals @label, or -1. */
int                   icto_recording_find_signal   (IctoRecording *self,
                                                    const char    *label);

/* The file's own annotations (read-only layer), sorted by onset. */
guint                    icto_recording_get_n_annotations (IctoRecording *self);
const IctoEdfAnnotation *icto_recording_get_annotation    (IctoRecording *self,
                                                           guint          index);

/* Gaps between data records (EDF+D only; none for continuous files). */
guint          icto_recording_get_n_gaps (IctoRecording *self);
const IctoGap *icto_recording_get_gap    (IctoRecording *self,
                                          guint          index);

/* Total number of stored samples of @signal (n_records * samples_per_record). */
gint64 icto_recording_get_n_samples (IctoRecording *self,
                                     guint          signal);

/**
 * icto_recording_read_samples:
 * @signal: data signal index
 * @first: index of the first stored sample (0 .. n_samples-1)
 * @n: number of samples
 * @out: (out caller-allocates): @n floats
 *
 * Reads stored samples (across record boundaries; in EDF+D, stored samples
 * are contiguous in the file even where time has gaps) converted to physical
 * units and then to microvolts for voltage signals (IctoSignalInfo.to_microvolts).
 * A range reaching past the end is an ICTO_SIGNAL_ERROR_RANGE error; nothing
 * is ever read outside the file.  Thread-safe.
 */
gboolean icto_recording_read_samples (IctoRecording  *self,
                                      guint           signal,
                                      gint64          first,
                                      gsize           n,
                                      float          *out,
                                      GError        **error);

/**
 * icto_recording_read_range:
 * @signal: data signal index
 * @start: ticks from the first sample
 * @n: number of output samples at the signal's own rate, starting at the
 *     sample whose time is the first >= @start
 * @out: (out caller-allocates): @n floats; samples that fall in a gap or
 *     outside the recording are NAN
 *
 * Reads by time, honouring EDF+D record onsets.  Returns the time (ticks)
 * of out[0] in @first_time when not NULL.  Thread-safe.
 */
gboolean icto_recording_read_range (IctoRecording  *self,
                                    guint           signal,
                                    gint64          start,
                                    gsize           n,
                                    float          *out,
                                    gint64         *first_time,
                                    GError        **error);

/*
 * A stable identity of the file for caches and the annotation store:
 * size + a hash of the header and of sampled data blocks (not the path).
 * Hex string, computed once and cached.
 */
const char *icto_recording_get_fingerprint (IctoRecording *self);

G_END_DECLS
