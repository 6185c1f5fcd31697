/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "signal/icto-signal-error.h"

G_BEGIN_DECLS

/*
 * IctoEdfWriter: writes EDF+C or BDF+C files record by record, with an
 * "EDF Annotations" signal holding the time-keeping TAL of every record and
 * the annotations added with icto_edf_writer_add_annotation().
 * Memory use is one data record, whatever the length of the recording.
 * Not thread-safe: one writer per thread.
 */
typedef struct _IctoEdfWriter IctoEdfWriter;

typedef struct {
  const char *label;        /* <= 16 ASCII chars, e.g. "LA1" */
  const char *transducer;   /* e.g. "Depth electrode" (may be NULL) */
  const char *unit;         /* e.g. "uV" */
  const char *prefilter;    /* may be NULL */
  double physical_min;      /* values are clamped to [min, max] */
  double physical_max;
  int    samples_per_record;
} IctoEdfWriterSignal;

typedef struct {
  gboolean    bdf;            /* 24-bit BDF+ instead of 16-bit EDF+ */
  const char *patient;        /* EDF+ patient field, e.g. "X X X X" (NULL: "X X X X") */
  const char *recording;      /* EDF+ recording field after "Startdate dd-MMM-yyyy " (NULL: "X X X") */
  GDateTime  *start_time;     /* NULL: 01.01.85 00:00:00 */
  gint64      record_duration;/* ticks (e.g. ICTO_TICKS_PER_SECOND) */
  int         annotation_bytes_per_record; /* 0: a sensible default */
} IctoEdfWriterOptions;

/* Creates @path (truncating it). Returns NULL with ICTO_SIGNAL_ERROR_IO or _HEADER. */
IctoEdfWriter *icto_edf_writer_new (const char                 *path,
                                    const IctoEdfWriterOptions *options,
                                    const IctoEdfWriterSignal  *signals,
                                    guint                       n_signals,
                                    GError                    **error);

/* Appends one data record: @data[s] points to samples_per_record physical
 * values of signal s (in the signal's unit). */
gboolean icto_edf_writer_write_record (IctoEdfWriter  *self,
                                       const float   *const *data,
                                       GError        **error);

/* Adds an annotation (onset in ticks from the start, duration in ticks or -1
 * for none, UTF-8 text). May be called any time before close; annotations are
 * placed into the annotation signal of the records when the file is closed
 * if they do not fit the records already written. */
gboolean icto_edf_writer_add_annotation (IctoEdfWriter *self,
                                         gint64         onset,
                                         gint64         duration,
                                         const char    *text,
                                         GError       **error);

/* Finishes the file (writes the record count). Frees @self in any case. */
gboolean icto_edf_writer_close (IctoEdfWriter  *self,
                                GError        **error);

G_END_DECLS
