/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * IctoTracePage: one page prepared for drawing.  Each displayed channel is
 * decimated to min/max columns (one per device pixel of the trace area), so
 * drawing costs the same whatever the sample rate.  Values are in the
 * channel's read unit (microvolts for voltages); NAN means "no data" (a gap,
 * or before/after the recording).  Times are 100 ns ticks from the first
 * sample of the recording.  A page is immutable once filled; it is not
 * thread-safe to fill and read at once.
 */

typedef struct {
  gint64  onset;       /* ticks */
  gint64  duration;    /* ticks, -1 for none */
  char   *text;
} IctoPageAnnotation;

typedef struct {
  gint64  start;       /* ticks */
  gint64  duration;    /* ticks */
} IctoPageGap;

typedef struct {
  gint       ref_count;       /* icto_trace_page_ref / _unref */
  gint64     start;           /* first time on the page (ticks) */
  gint64     duration;        /* page duration (ticks) */
  GDateTime *origin;          /* wall-clock time of tick 0, or NULL (elapsed time shown) */

  guint      n_channels;
  guint      n_columns;
  float     *min;             /* n_channels * n_columns, row-major by channel */
  float     *max;
  char     **labels;          /* n_channels */
  char     **units;           /* n_channels, e.g. "uV" */
  guint32   *colors;          /* 0xRRGGBB per channel (trace) */
  guint32   *label_colors;    /* 0xRRGGBB per channel (label: the shaft colour) */
  double    *sensitivity;     /* per channel, units per mm (uV/mm) */
  gboolean  *bad;             /* per channel */

  gsize      capacity;        /* floats allocated in min and max */

  double     pixels_per_mm;   /* device pixels per millimetre of the target */
  double     sensitivity_main;/* the page's headline sensitivity (uV/mm) for the calibration bar */

  guint               n_annotations;
  IctoPageAnnotation *annotations;
  guint               n_gaps;
  IctoPageGap        *gaps;

  char      *title;           /* e.g. the file name (may be NULL) */
  char      *montage;         /* translated montage title (may be NULL) */
  char      *filter;          /* translated filter description (may be NULL) */
  gint64     recording_duration; /* ticks, 0 when unknown */
} IctoTracePage;

/* A page with room for @n_channels x @n_columns columns, all NAN, black,
 * 7 uV/mm, 96 dpi. */
IctoTracePage *icto_trace_page_new   (guint n_channels,
                                      guint n_columns);
/* Pages are reference counted (atomic); free() is an unref. */
IctoTracePage *icto_trace_page_ref   (IctoTracePage *page);
void           icto_trace_page_unref (IctoTracePage *page);
void           icto_trace_page_free  (IctoTracePage *page);

/*
 * icto_trace_page_reset:
 * Makes @page an empty page of @n_channels x @n_columns, keeping its column
 * buffers when they are large enough (no new allocation, no page faults).
 * The columns are left as they were: the caller overwrites all of them.
 * Only for a page nobody else holds (reference count 1).
 */
void icto_trace_page_reset (IctoTracePage *page,
                            guint          n_channels,
                            guint          n_columns);

/* Sets channel @index's label, unit, colours, sensitivity and bad flag. */
void icto_trace_page_set_channel (IctoTracePage *page,
                                  guint          index,
                                  const char    *label,
                                  const char    *unit,
                                  guint32        color,
                                  guint32        label_color,
                                  double         sensitivity,
                                  gboolean       bad);

void icto_trace_page_add_annotation (IctoTracePage *page,
                                     gint64         onset,
                                     gint64         duration,
                                     const char    *text);
void icto_trace_page_add_gap        (IctoTracePage *page,
                                     gint64         start,
                                     gint64         duration);

/* Pointers to channel @index's columns. */
static inline float *
icto_trace_page_min (IctoTracePage *page, guint index)
{
  return page->min + (gsize) index * page->n_columns;
}

static inline float *
icto_trace_page_max (IctoTracePage *page, guint index)
{
  return page->max + (gsize) index * page->n_columns;
}

/* 0xRRGGBB colour for shaft number @index (dark, distinguishable, on white). */
guint32 icto_shaft_color (guint index);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (IctoTracePage, icto_trace_page_free)

G_END_DECLS
