/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "core/icto-trace-page.h"
#include "signal/icto-filter.h"
#include "signal/icto-montage.h"
#include "signal/icto-recording.h"

G_BEGIN_DECLS

/*
 * IctoMontageChoice: the montage the user picks from the menu; each maps to
 * an IctoMontage of the signal library (signal/icto-montage.h), built by the
 * session from the recording's labels, the bad channels and the BIDS
 * channels.tsv groups beside the file.
 */
typedef enum {
  ICTO_MONTAGE_KIND_REFERENTIAL,   /* "referential": as recorded */
  ICTO_MONTAGE_KIND_AVERAGE,       /* "average": common average of good voltage channels */
  ICTO_MONTAGE_KIND_BIPOLAR,       /* "bipolar": adjacent contacts of a shaft, LA1-LA2, LA2-LA3, ... */
  ICTO_MONTAGE_KIND_LOCAL,         /* "local": each contact minus its shaft's average */
  ICTO_MONTAGE_KIND_CUSTOM,        /* "custom": loaded with icto_session_load_montage() */
} IctoMontageChoice;

/* "referential", "average", "bipolar", "local", "custom"; parse returns FALSE for anything else. */
const char *icto_montage_kind_to_string   (IctoMontageChoice  kind);
gboolean    icto_montage_kind_from_string (const char        *str,
                                           IctoMontageChoice *kind);
/* Translated name for menus and the accessible description. */
const char *icto_montage_kind_get_title   (IctoMontageChoice  kind);

/*
 * IctoSession: one open recording and how it is being reviewed: the page
 * (start, duration), sensitivity, montage, filter and per-channel state
 * (hidden, bad, gain, order).  The model and the annotation store join it
 * later.  Main-thread object: properties notify on the main thread; only
 * icto_session_open_async() and icto_session_fetch_page_async() run work in
 * other threads (on copies of the settings).
 */

#define ICTO_TYPE_SESSION (icto_session_get_type ())
G_DECLARE_FINAL_TYPE (IctoSession, icto_session, ICTO, SESSION, GObject)

/* Page durations offered, seconds (1..60). */
#define ICTO_SESSION_MIN_PAGE_DURATION 1.0
#define ICTO_SESSION_MAX_PAGE_DURATION 60.0
#define ICTO_SESSION_DEFAULT_PAGE_DURATION 10.0
#define ICTO_SESSION_DEFAULT_SENSITIVITY 50.0

/* The sensitivity presets, uV/mm, ascending (1 .. 1000). */
const double *icto_sensitivity_presets (guint *n);
/* The preset @steps steps above (positive: less gain) or below @current. */
double        icto_sensitivity_step    (double current,
                                        int    steps);

IctoSession   *icto_session_new            (void);

/*
 * icto_session_open_async:
 * Opens @file in a worker thread; on success the session switches to the
 * new recording (page at 0, channel state reset) before @callback runs.
 * Errors: those of icto_recording_open() (ICTO_SIGNAL_ERROR_*), or
 * G_IO_ERROR_CANCELLED.
 */
void           icto_session_open_async     (IctoSession         *self,
                                            GFile               *file,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data);
gboolean       icto_session_open_finish    (IctoSession         *self,
                                            GAsyncResult        *result,
                                            GError             **error);
/* Synchronous variant (CLI, tests). */
gboolean       icto_session_open           (IctoSession         *self,
                                            const char          *path,
                                            GError             **error);
void           icto_session_set_recording  (IctoSession         *self,
                                            IctoRecording       *recording);
IctoRecording *icto_session_get_recording  (IctoSession         *self);

/* Page start, ticks from the first sample; clamped to the recording. */
gint64         icto_session_get_start      (IctoSession *self);
void           icto_session_set_start      (IctoSession *self,
                                            gint64       start);
/* Moves by @pages pages (fractions allowed: 0.5 = half a page). */
void           icto_session_page           (IctoSession *self,
                                            double       pages);
gint64         icto_session_get_page_ticks (IctoSession *self);

/* Seconds, clamped to 1..60. */
double         icto_session_get_page_duration (IctoSession *self);
void           icto_session_set_page_duration (IctoSession *self,
                                               double       seconds);

/* uV/mm, clamped to 0.1..10000. */
double         icto_session_get_sensitivity   (IctoSession *self);
void           icto_session_set_sensitivity   (IctoSession *self,
                                               double       uv_per_mm);

/* Device pixels per millimetre (for real millimetres on screen). */
double         icto_session_get_pixels_per_mm (IctoSession *self);
void           icto_session_set_pixels_per_mm (IctoSession *self,
                                               double       ppm);

IctoMontageChoice icto_session_get_montage   (IctoSession       *self);
/* ICTO_MONTAGE_KIND_CUSTOM is accepted only after a custom montage was
 * loaded for the current recording (ignored otherwise). */
void              icto_session_set_montage   (IctoSession       *self,
                                              IctoMontageChoice  kind);

/*
 * icto_session_load_montage:
 * Reads a custom montage (the text format of icto_montage_new_from_data())
 * for the open recording and switches to it (ICTO_MONTAGE_KIND_CUSTOM).
 * Errors: ICTO_CORE_ERROR_NO_RECORDING; ICTO_SIGNAL_ERROR_IO or
 * ICTO_SIGNAL_ERROR_PARSE from icto_montage_new_from_file().  The montage
 * is dropped when another recording is opened.  Main thread.
 */
gboolean          icto_session_load_montage  (IctoSession       *self,
                                              const char        *path,
                                              GError           **error);
/* Translated title of the current montage (the file name for a custom one). */
const char       *icto_session_get_montage_title (IctoSession   *self);

/* Filter corners in Hz (0 = off) and the notch (0, 50 or 60 Hz). */
void           icto_session_set_filter        (IctoSession *self,
                                               double       highpass,
                                               double       lowpass,
                                               int          notch);
void           icto_session_get_filter        (IctoSession *self,
                                               double      *highpass,
                                               double      *lowpass,
                                               int         *notch);
/* Translated, e.g. "1–70 Hz, notch 50 Hz", or "No filter". */
char          *icto_session_describe_filter   (IctoSession *self);

gboolean       icto_session_get_color_by_shaft (IctoSession *self);
void           icto_session_set_color_by_shaft (IctoSession *self,
                                                gboolean     color);

/* Per recorded signal.  Changing them emits ::changed. */
gboolean       icto_session_get_channel_hidden (IctoSession *self, guint signal);
void           icto_session_set_channel_hidden (IctoSession *self, guint signal, gboolean hidden);
gboolean       icto_session_get_channel_bad    (IctoSession *self, guint signal);
void           icto_session_set_channel_bad    (IctoSession *self, guint signal, gboolean bad);
/* Gain factor on the sensitivity (2 = half the amplitude on screen). */
double         icto_session_get_channel_gain   (IctoSession *self, guint signal);
void           icto_session_set_channel_gain   (IctoSession *self, guint signal, double factor);
/* Sets the gain factor of every signal on the shaft @group. */
void           icto_session_set_shaft_gain     (IctoSession *self, const char *group, double factor);
/* Moves @signal by @delta places in the display order. */
void           icto_session_move_channel       (IctoSession *self, guint signal, int delta);
/* Shows every channel again and restores the file order. */
void           icto_session_reset_channels     (IctoSession *self);

/* The shaft (or BIDS channels.tsv group) of recorded signal @signal, e.g.
 * "LA"; the label itself for a channel without a contact number.  Valid
 * until the recording changes. */
const char    *icto_session_get_channel_group (IctoSession *self,
                                               guint        signal);
/* The current montage (signal library), or NULL for as recorded.  Valid
 * until the montage, the bad channels or the recording change. */
IctoMontage   *icto_session_get_montage_object (IctoSession *self);
/* Number of displayed outputs (montage outputs not hidden). */
guint          icto_session_get_n_visible     (IctoSession *self);
/* The recorded signal of displayed row @row (for per-channel actions), or -1. */
int            icto_session_get_row_signal    (IctoSession *self,
                                               guint        row);

/*
 * icto_session_fetch_page:
 * @n_columns: min/max columns wanted (device pixels of the trace area)
 *
 * Reads, filters, re-references and decimates the current page.  Scratch
 * buffers are kept and reused between calls.  Returns NULL with @error
 * (ICTO_SIGNAL_ERROR_*) on a read failure or when no recording is open
 * (ICTO_CORE_ERROR_NO_RECORDING).  Main thread (or one thread at a time).
 */
IctoTracePage *icto_session_fetch_page (IctoSession  *self,
                                        guint         n_columns,
                                        GError      **error);

/*
 * icto_session_fetch_page_async:
 * The same in a worker thread: the page's settings (start, montage,
 * filter, channel state) are taken now, on the main thread, so later
 * changes do not affect this fetch.  The result is a new reference
 * (icto_trace_page_unref) or NULL with the errors above or
 * G_IO_ERROR_CANCELLED.
 */
void           icto_session_fetch_page_async  (IctoSession         *self,
                                               guint                n_columns,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
IctoTracePage *icto_session_fetch_page_finish (IctoSession         *self,
                                               GAsyncResult        *result,
                                               GError             **error);

/*
 * icto_session_parse_time:
 * Understands "HH:MM:SS[.fff]" as a wall-clock time on the recording's
 * time line (the first occurrence at or after its start; needs a start
 * time, else it is read as elapsed time), "MM:SS" and plain seconds
 * ("125.5") as time from the first sample.  Returns the time in ticks in
 * @ticks; ICTO_CORE_ERROR_INVALID when the text is not a time or falls
 * outside the recording, ICTO_CORE_ERROR_NO_RECORDING without a recording.
 */
gboolean       icto_session_parse_time (IctoSession  *self,
                                        const char   *text,
                                        gint64       *ticks,
                                        GError      **error);

/* Translated one-line description for the trace view's accessible description. */
char          *icto_session_describe   (IctoSession *self);

G_END_DECLS
