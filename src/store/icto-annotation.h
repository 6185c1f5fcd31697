/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/*
 * Annotations as plain boxed structs, shared by the store, import/export,
 * the CLI and (later) the list models of core.
 *
 * Times are gint64 ticks of 100 ns from the first sample of the recording
 * (the same clock as IctoRecording; 10,000,000 ticks per second).
 * Wall-clock times (created, modified) are microseconds since the Unix epoch, UTC.
 */

#define ICTO_STORE_TICKS_PER_SECOND G_GINT64_CONSTANT (10000000)
/* A seizure time that was not marked. */
#define ICTO_STORE_TIME_NONE G_MININT64

/**
 * IctoSeizureInfo:
 * @clinical_onset: first clinical sign (ticks) or ICTO_STORE_TIME_NONE
 * @eec: earliest electrographic change (ticks) or ICTO_STORE_TIME_NONE
 * @ueo: unequivocal electrographic onset (ticks) or ICTO_STORE_TIME_NONE
 * @offset: electrographic offset (ticks) or ICTO_STORE_TIME_NONE
 * @soz: (nullable): seizure-onset-zone contacts, NULL-terminated
 * @early_spread: (nullable): early-spread contacts, NULL-terminated
 * @onset_pattern: (nullable): a code of icto_onset_pattern_codes(), e.g. "lvfa"
 * @seizure_type: (nullable): ILAE 2017 type as a SzCORE code, e.g. "sz_foc_ia_m"
 *
 * The structured part of a seizure annotation; the rater and confidence are
 * those of the annotation that holds it.
 */
typedef struct {
  gint64  clinical_onset;
  gint64  eec;
  gint64  ueo;
  gint64  offset;
  char  **soz;
  char  **early_spread;
  char   *onset_pattern;
  char   *seizure_type;
} IctoSeizureInfo;

/**
 * IctoAnnotation:
 * @id: database id (> 0), 0 while not yet stored
 * @recording_id: id from icto_store_ensure_recording()
 * @onset: ticks (may be negative: before the first sample)
 * @duration: ticks, >= 0 (0 = an instant)
 * @label: code of a vocabulary label (e.g. "sz", "spike")
 * @channels: (nullable): channel labels, NULL-terminated; NULL or empty = all channels.
 *     Names may not contain commas, tabs or line breaks.
 * @rater: name of the rater (NULL when adding: the default rater of the store)
 * @confidence: 0..1, or NAN when not given
 * @text: (nullable): free text
 * @created: µs since the epoch, set by the store
 * @modified: µs since the epoch, set by the store
 * @seizure: (nullable): the seizure record, for seizures marked in detail
 */
typedef struct {
  gint64            id;
  gint64            recording_id;
  gint64            onset;
  gint64            duration;
  char             *label;
  char            **channels;
  char             *rater;
  double            confidence;
  char             *text;
  gint64            created;
  gint64            modified;
  IctoSeizureInfo  *seizure;
} IctoAnnotation;

#define ICTO_TYPE_ANNOTATION   (icto_annotation_get_type ())
#define ICTO_TYPE_SEIZURE_INFO (icto_seizure_info_get_type ())
#define ICTO_TYPE_LABEL        (icto_label_get_type ())

GType icto_annotation_get_type   (void) G_GNUC_CONST;
GType icto_seizure_info_get_type (void) G_GNUC_CONST;
GType icto_label_get_type        (void) G_GNUC_CONST;

/* A new annotation with id 0, confidence NAN, everything else empty. */
IctoAnnotation  *icto_annotation_new   (void);
IctoAnnotation  *icto_annotation_copy  (const IctoAnnotation *annotation);
void             icto_annotation_free  (IctoAnnotation *annotation);
/* Field-by-field comparison; @compare_ids and @compare_times select whether
 * id/recording_id and created/modified take part.  Empty channel lists equal NULL. */
gboolean         icto_annotation_equal (const IctoAnnotation *a,
                                        const IctoAnnotation *b,
                                        gboolean              compare_ids,
                                        gboolean              compare_times);
gint64           icto_annotation_get_end (const IctoAnnotation *annotation);

/* All times ICTO_STORE_TIME_NONE, everything else empty. */
IctoSeizureInfo *icto_seizure_info_new  (void);
IctoSeizureInfo *icto_seizure_info_copy (const IctoSeizureInfo *info);
void             icto_seizure_info_free (IctoSeizureInfo *info);

/**
 * IctoLabel:
 * @vocabulary: name of the vocabulary ("default" for the built-in one)
 * @code: short stable code stored in annotations, e.g. "sz"
 * @name: name shown to the user (translated for built-in labels)
 * @colour: "#RRGGBB"
 * @category: "seizure", "interictal", "artefact", "sleep", "stimulation",
 *     "background" or "other"; agreement uses the "seizure" category
 * @hed: (nullable): HED-SCORE tag where one exists
 * @szcore: (nullable): SzCORE eventType written on export ("sz", "bckg")
 * @position: order in the vocabulary (keys 1-9 apply positions 1-9)
 */
typedef struct {
  char *vocabulary;
  char *code;
  char *name;
  char *colour;
  char *category;
  char *hed;
  char *szcore;
  int   position;
} IctoLabel;

IctoLabel *icto_label_copy (const IctoLabel *label);
void       icto_label_free (IctoLabel *label);

/* NULL-terminated list of onset-pattern codes ("lvfa", "periodic_spikes",
 * "sharp_alpha_theta", "spike_wave", "polyspike_burst", "burst_suppression",
 * "delta_brush", "other"). */
const char *const *icto_onset_pattern_codes (void);

/**
 * icto_store_format_seconds:
 * @ticks: a time in 100 ns ticks
 *
 * Formats @ticks as seconds with up to 7 decimals and no trailing zeros
 * ("12.5", "-0.0000001", "3"): exact, parse it back with
 * icto_store_parse_seconds() to get the same ticks.
 */
char    *icto_store_format_seconds (gint64 ticks);

/**
 * icto_store_parse_seconds:
 * @text: a decimal number of seconds ("12.5", "-3", "1e-3", " 4.25 ")
 * @ticks: (out): the time in ticks, rounded half away from zero to 100 ns
 *
 * Returns FALSE (and leaves @ticks alone) when @text is not a finite number
 * or is out of range.  Plain decimals are converted exactly (no floating point).
 */
gboolean icto_store_parse_seconds  (const char *text,
                                    gint64     *ticks);

/* The shortest decimal text ("0.8", "1e-05") that reads back as exactly @value. */
char    *icto_store_format_double  (double value);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (IctoAnnotation, icto_annotation_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (IctoSeizureInfo, icto_seizure_info_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (IctoLabel, icto_label_free)

G_END_DECLS
