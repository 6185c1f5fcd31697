/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-detection-list"

#include "config.h"

#include <math.h>

#include "core/icto-detection-list.h"
#include "icto-test-util.h"

#define N_SEG 60

/* 5-s segments: a run at 10..20 s (0.9), one segment at 50..55 s (0.7),
 * 30 s after the first: merged (SzCORE, < 90 s); a run at 200..210 s (0.95),
 * 145 s after: separate.  NAN segments (no value) count as negative. */
static void
fill (float probs[N_SEG])
{
  for (guint k = 0; k < N_SEG; k++)
    probs[k] = k % 7 == 0 ? NAN : 0.1f;
  probs[2] = 0.9f;
  probs[3] = 0.85f;
  probs[10] = 0.7f;
  probs[40] = 0.95f;
  probs[41] = 0.6f;
  probs[42] = NAN;
  probs[43] = 0.2f;
}

typedef struct {
  guint position, removed, added, calls;
} Change;

static void
items_changed_cb (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  Change     *change)
{
  change->position = position;
  change->removed = removed;
  change->added = added;
  change->calls++;
}

static IctoDetection *
item (IctoDetectionList *list,
      guint              i)
{
  IctoDetection *d = g_list_model_get_item (G_LIST_MODEL (list), i);

  g_assert_nonnull (d);
  g_object_unref (d);   /* the list keeps its own reference */
  return d;
}

static void
test_detections_from_probabilities (void)
{
  g_autoptr(IctoDetectionList) list = icto_detection_list_new ();
  float probs[N_SEG];
  Change change = { 0 };

  g_assert_true (g_list_model_get_item_type (G_LIST_MODEL (list)) == ICTO_TYPE_DETECTION);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 0);
  g_signal_connect (list, "items-changed", G_CALLBACK (items_changed_cb), &change);

  fill (probs);
  icto_detection_list_set_probabilities (list, probs, N_SEG, 5.0);
  g_assert_cmpuint (change.calls, ==, 1);
  g_assert_cmpuint (change.position, ==, 0);
  g_assert_cmpuint (change.removed, ==, 0);
  g_assert_cmpuint (change.added, ==, 2);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 2);

  g_assert_cmpfloat (icto_detection_get_start_s (item (list, 0)), ==, 10.0);
  g_assert_cmpfloat (icto_detection_get_end_s (item (list, 0)), ==, 55.0);
  g_assert_cmpfloat (icto_detection_get_peak (item (list, 0)), ==, 0.9f);
  g_assert_cmpint (icto_detection_get_onset (item (list, 0)), ==, G_GINT64_CONSTANT (100000000));
  g_assert_cmpint (icto_detection_get_duration (item (list, 0)), ==, G_GINT64_CONSTANT (450000000));
  g_assert_cmpfloat (icto_detection_get_start_s (item (list, 1)), ==, 200.0);
  g_assert_cmpfloat (icto_detection_get_end_s (item (list, 1)), ==, 210.0);
  g_assert_cmpfloat (icto_detection_get_peak (item (list, 1)), ==, 0.95f);
  g_assert_null (g_list_model_get_item (G_LIST_MODEL (list), 2));

  /* the same values again: no change signalled, same objects */
  {
    IctoDetection *first = item (list, 0);
    icto_detection_list_set_probabilities (list, probs, N_SEG, 5.0);
    g_assert_cmpuint (change.calls, ==, 1);
    g_assert_true (item (list, 0) == first);
  }

  /* a new value far from the first detection: only the tail changes */
  {
    IctoDetection *first = item (list, 0);
    probs[50] = 0.99f;   /* 250..255 s: 40 s after 210 s, merges with the second */
    icto_detection_list_set_probabilities (list, probs, N_SEG, 5.0);
    g_assert_cmpuint (change.calls, ==, 2);
    g_assert_cmpuint (change.position, ==, 1);
    g_assert_cmpuint (change.removed, ==, 1);
    g_assert_cmpuint (change.added, ==, 1);
    g_assert_true (item (list, 0) == first);
    g_assert_cmpfloat (icto_detection_get_end_s (item (list, 1)), ==, 255.0);
    g_assert_cmpfloat (icto_detection_get_peak (item (list, 1)), ==, 0.99f);
  }

  /* threshold 0.8: the 0.7 segment drops out, the first detection is 10..20 s;
   * the second (0.95 at 200 s, 0.99 at 250 s) stays merged */
  icto_detection_list_set_threshold (list, 0.8);
  g_assert_cmpfloat (icto_detection_list_get_threshold (list), ==, 0.8);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 2);
  g_assert_cmpfloat (icto_detection_get_end_s (item (list, 0)), ==, 20.0);
  g_assert_cmpfloat (icto_detection_get_start_s (item (list, 1)), ==, 200.0);
  g_assert_cmpfloat (icto_detection_get_end_s (item (list, 1)), ==, 205.0 + 50.0);

  /* threshold above everything: empty */
  icto_detection_list_set_threshold (list, 1.0);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 0);
  {
    g_autoptr(GArray) events = icto_detection_list_get_events (list);
    g_assert_cmpuint (events->len, ==, 0);
  }

  /* no probabilities: empty */
  icto_detection_list_set_threshold (list, 0.5);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 2);
  icto_detection_list_set_probabilities (list, NULL, 0, 5.0);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 0);
}

static void
test_detections_sorting (void)
{
  g_autoptr(IctoDetectionList) list = icto_detection_list_new ();
  float probs[N_SEG];

  for (guint k = 0; k < N_SEG; k++)
    probs[k] = 0;
  probs[1] = 0.6f;     /* 5..10 s */
  probs[30] = 0.9f;    /* 150..155 s */
  probs[59] = 0.75f;   /* 295..300 s */
  icto_detection_list_set_probabilities (list, probs, N_SEG, 5.0);
  g_assert_cmpint (icto_detection_list_get_sort (list), ==, ICTO_DETECTION_SORT_TIME);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 3);
  g_assert_cmpfloat (icto_detection_get_start_s (item (list, 0)), ==, 5.0);
  g_assert_cmpfloat (icto_detection_get_start_s (item (list, 1)), ==, 150.0);
  g_assert_cmpfloat (icto_detection_get_start_s (item (list, 2)), ==, 295.0);
  g_assert_cmpuint (icto_detection_list_find (list, 152.0), ==, 1);
  g_assert_cmpuint (icto_detection_list_find (list, 100.0), ==, 1);
  g_assert_cmpuint (icto_detection_list_find (list, 299.0), ==, 2);
  g_assert_cmpuint (icto_detection_list_find (list, 300.0), ==, G_MAXUINT);

  icto_detection_list_set_sort (list, ICTO_DETECTION_SORT_PROBABILITY);
  g_assert_cmpfloat (icto_detection_get_peak (item (list, 0)), ==, 0.9f);
  g_assert_cmpfloat (icto_detection_get_peak (item (list, 1)), ==, 0.75f);
  g_assert_cmpfloat (icto_detection_get_peak (item (list, 2)), ==, 0.6f);
  g_assert_cmpuint (icto_detection_list_find (list, 7.0), ==, 2);

  /* equal peaks: earlier first */
  probs[59] = 0.9f;
  icto_detection_list_set_probabilities (list, probs, N_SEG, 5.0);
  g_assert_cmpfloat (icto_detection_get_start_s (item (list, 0)), ==, 150.0);
  g_assert_cmpfloat (icto_detection_get_start_s (item (list, 1)), ==, 295.0);

  /* events for the lanes stay by time */
  {
    g_autoptr(GArray) events = icto_detection_list_get_events (list);
    g_assert_cmpuint (events->len, ==, 3);
    g_assert_cmpfloat (g_array_index (events, IctoEvent, 0).start_s, ==, 5.0);
    g_assert_cmpfloat (g_array_index (events, IctoEvent, 2).start_s, ==, 295.0);
  }
}

static void
test_detections_decisions (void)
{
  g_autoptr(IctoDetectionList) list = icto_detection_list_new ();
  float probs[N_SEG];
  Change change = { 0 };

  for (guint k = 0; k < N_SEG; k++)
    probs[k] = 0;
  probs[1] = 0.6f;     /* 5..10 s */
  probs[30] = 0.9f;    /* 150..155 s */
  probs[59] = 0.75f;   /* 295..300 s */
  icto_detection_list_set_probabilities (list, probs, N_SEG, 5.0);
  g_signal_connect (list, "items-changed", G_CALLBACK (items_changed_cb), &change);

  /* reject the middle one: hidden */
  icto_detection_list_set_decision (list, G_GINT64_CONSTANT (1500000000), ICTO_DETECTION_REJECTED, 0);
  g_assert_cmpuint (change.calls, ==, 1);
  g_assert_cmpuint (change.position, ==, 1);
  g_assert_cmpuint (change.removed, ==, 1);
  g_assert_cmpuint (change.added, ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 2);
  g_assert_cmpfloat (icto_detection_get_start_s (item (list, 1)), ==, 295.0);
  /* ... but still a mark for the lanes */
  {
    g_autoptr(GArray) events = icto_detection_list_get_events (list);
    g_assert_cmpuint (events->len, ==, 3);
  }

  /* accept the first, linked to its annotation */
  icto_detection_list_set_decision (list, G_GINT64_CONSTANT (50000000), ICTO_DETECTION_ACCEPTED, 42);
  g_assert_cmpint (icto_detection_get_decision (item (list, 0)), ==, ICTO_DETECTION_ACCEPTED);
  g_assert_cmpint (icto_detection_get_annotation_id (item (list, 0)), ==, 42);
  g_assert_cmpint (icto_detection_get_decision (item (list, 1)), ==, ICTO_DETECTION_UNDECIDED);

  /* decisions survive recomputation: a new value elsewhere keeps both */
  probs[58] = 0.8f;    /* the last one now starts at 290 s */
  icto_detection_list_set_probabilities (list, probs, N_SEG, 5.0);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 2);
  g_assert_cmpint (icto_detection_get_annotation_id (item (list, 0)), ==, 42);
  g_assert_cmpfloat (icto_detection_get_start_s (item (list, 1)), ==, 290.0);

  /* rejected ones shown, marked */
  icto_detection_list_set_show_rejected (list, TRUE);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 3);
  g_assert_cmpint (icto_detection_get_decision (item (list, 1)), ==, ICTO_DETECTION_REJECTED);
  icto_detection_list_set_show_rejected (list, FALSE);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 2);

  /* undecided again: back in the list */
  icto_detection_list_set_decision (list, G_GINT64_CONSTANT (1500000000), ICTO_DETECTION_UNDECIDED, 0);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 3);
  icto_detection_list_clear_decisions (list);
  g_assert_cmpint (icto_detection_get_decision (item (list, 0)), ==, ICTO_DETECTION_UNDECIDED);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/core/detection-list/from-probabilities", test_detections_from_probabilities);
  g_test_add_func ("/core/detection-list/sorting", test_detections_sorting);
  g_test_add_func ("/core/detection-list/decisions", test_detections_decisions);
  return g_test_run ();
}
