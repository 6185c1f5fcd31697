/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "store/icto-store.h"

G_BEGIN_DECLS

/*
 * IctoAnnotationItem: one annotation as a GObject, for list widgets.
 * Read-only properties: "id" (gint64), "onset" and "duration" (gint64 ticks),
 * "end" (gint64 ticks), "label" (code), "rater", "channels" (comma-separated,
 * "" for all channels), "text".  Immutable: a changed annotation is a new item.
 */
#define ICTO_TYPE_ANNOTATION_ITEM (icto_annotation_item_get_type ())
G_DECLARE_FINAL_TYPE (IctoAnnotationItem, icto_annotation_item, ICTO, ANNOTATION_ITEM, GObject)

/* Takes a copy of @annotation. */
IctoAnnotationItem   *icto_annotation_item_new            (const IctoAnnotation *annotation);
/* Borrowed; valid as long as the item. */
const IctoAnnotation *icto_annotation_item_get_annotation (IctoAnnotationItem   *self);

/*
 * IctoAnnotationList: a GListModel of IctoAnnotationItem, the annotations of
 * one recording in an IctoStore, filtered by rater(s), label(s) and a search
 * text, sorted by a key (onset by default; ties by onset, then id).
 *
 * It follows the store: after the store's "changed" signal for its
 * recording it reloads from a low-priority idle of the thread-default main
 * context (a burst of changes costs one reload; a change during a reload
 * restarts it), reading the recording in time slices of about 500
 * annotations, about 2 ms of them per main-loop iteration, and then emits
 * "items-changed" for the range that differs only (items whose annotation
 * did not change are kept, so list selections survive edits elsewhere).
 * Changing a filter or calling icto_annotation_list_reload() reads
 * everything at once.  With 100,000 annotations a reload takes about 0.6 s
 * in all, its longest step about 0.1 s (building the items), on a busy
 * 2-core machine (bench/bench-annotations.c).  Drawing uses
 * icto_annotation_list_query() instead, which reads only a time range
 * through the store's interval index (well under 1 ms a page).
 *
 * Main thread only (the store is not thread-safe).
 */
#define ICTO_TYPE_ANNOTATION_LIST (icto_annotation_list_get_type ())
G_DECLARE_FINAL_TYPE (IctoAnnotationList, icto_annotation_list, ICTO, ANNOTATION_LIST, GObject)

typedef enum {
  ICTO_ANNOTATION_SORT_ONSET,
  ICTO_ANNOTATION_SORT_DURATION,
  ICTO_ANNOTATION_SORT_LABEL,
  ICTO_ANNOTATION_SORT_RATER,
} IctoAnnotationSort;

/* A list of no recording (empty) over @store (referenced). */
IctoAnnotationList *icto_annotation_list_new           (IctoStore          *store);
IctoStore          *icto_annotation_list_get_store     (IctoAnnotationList *self);

/* Shows the annotations of @recording_id (0: none) and reloads. */
void                icto_annotation_list_set_recording (IctoAnnotationList *self,
                                                        gint64              recording_id);
gint64              icto_annotation_list_get_recording (IctoAnnotationList *self);

/* Only these raters (NULL-terminated; NULL or empty: all raters).  Reloads. */
void                icto_annotation_list_set_raters    (IctoAnnotationList *self,
                                                        const char * const *raters);
/* Borrowed, NULL for all. */
const char * const *icto_annotation_list_get_raters    (IctoAnnotationList *self);

/* Only these label codes (NULL-terminated; NULL or empty: all).  Reloads. */
void                icto_annotation_list_set_labels    (IctoAnnotationList *self,
                                                        const char * const *labels);

/* Only annotations whose label code, label name, channels, rater or text
 * contain @text ignoring case (NULL or "": no search).  Reloads. */
void                icto_annotation_list_set_search    (IctoAnnotationList *self,
                                                        const char         *text);

/* Sort key and direction; ties by onset then id.  Re-sorts. */
void                icto_annotation_list_set_sort      (IctoAnnotationList *self,
                                                        IctoAnnotationSort  key,
                                                        gboolean            descending);

/* Reads the store again now (the "changed" signal queues this by itself). */
void                icto_annotation_list_reload        (IctoAnnotationList *self);

/* Position of annotation @id in the list, or -1.  Like find_next(), it
 * first runs a reload still queued after store changes (items-changed). */
int                 icto_annotation_list_find          (IctoAnnotationList *self,
                                                        gint64              id);

/**
 * icto_annotation_list_query:
 * @start: ticks
 * @end: ticks (> @start)
 *
 * The annotations of the list (same rater, label and search filter) that
 * overlap [@start, @end), sorted by onset then id, read from the store's
 * interval index: a page costs well under a millisecond whatever the size
 * of the recording.  Returns a new GPtrArray of IctoAnnotation (free function
 * set); empty without a recording; NULL with the store's error.
 */
GPtrArray          *icto_annotation_list_query         (IctoAnnotationList *self,
                                                        gint64              start,
                                                        gint64              end,
                                                        GError            **error);

/**
 * icto_annotation_list_find_next:
 * @time: ticks
 * @direction: > 0 for the first annotation with onset after @time, < 0 for
 *     the last one with onset before @time
 *
 * Among the listed annotations (whatever the sort key), after running a
 * reload still queued after store changes; the annotation is borrowed from
 * the list (valid until it changes), NULL when there is none.
 */
const IctoAnnotation *icto_annotation_list_find_next   (IctoAnnotationList *self,
                                                        gint64              time,
                                                        int                 direction);

G_END_DECLS
