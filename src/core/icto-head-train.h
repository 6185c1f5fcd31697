/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "core/icto-job.h"
#include "core/icto-scoring.h"
#include "signal/icto-recording.h"

G_BEGIN_DECLS

/*
 * Training a seizure head from a rater's annotations (issue 9).
 *
 * Features: for every window of each recording (icto-inference.h: 25
 * segments of 5 s, stride 5 s, every data signal in file order), the vector
 * MVPFormer's classification head reads: the channel mean of the last time
 * step's hidden states (spec §7.1).  They are cached in the store's
 * feature_window table under the same run key as the inference worker's
 * results (fingerprint, model file hash, channel labels, settings), and
 * computed (then cached) for recordings whose cache is incomplete.
 *
 * Labels (spec §3 step 6): a window is positive when a positive annotation
 * [onset, onset + duration] meets its last segment [end - 5 s, end]
 * (inclusive comparisons).  Positive annotations: those of the rater whose
 * label is in @positive_labels, or by default every label of category
 * "seizure" (sz, sz_subclinical, ...) and notes whose text begins with a
 * seizure label's name followed by a space or the end (EDF+ files, the
 * simulator's among them, write "Seizure ..." as free text, which imports
 * as a note).  With @negative_labels, a window that is not positive is
 * negative only when an annotation of those labels meets its last segment;
 * other windows are left out.  Without, every other window is negative.
 *
 * Training: icto-logreg.h, bias-free (the head has no bias, spec §7.1),
 * class-balanced, C by 5-fold cross-validated AUROC; folds hold out whole
 * recordings when at least two recordings have positive windows, else
 * whole seizures (each window belongs to the nearest seizure of its
 * recording).  Metrics from the out-of-fold probabilities at threshold 0.5:
 * AUROC, SzCORE event sensitivity and false alarms per 24 h (icto-scoring.h,
 * per 5-s segment: a window's probability belongs to its last segment),
 * and the same for the model file's own head on the same windows.
 */

typedef struct {
  const char * const *recordings;       /* paths, NULL-terminated, at least one */
  const char         *model_path;       /* NULL: icto_inference_default_model_path() */
  const char         *store_path;       /* NULL: icto_store_default_path() */
  const char         *rater;            /* NULL: every rater's annotations */
  const char * const *positive_labels;  /* NULL: seizure labels (above) */
  const char * const *negative_labels;  /* NULL: every other window */
  gboolean            cached_only;      /* fail with FEATURES_MISSING instead of computing */
  int                 n_threads;        /* <= 0: number of CPUs */
} IctoHeadTrainOptions;

typedef enum {
  ICTO_HEAD_FOLDS_SEIZURES,
  ICTO_HEAD_FOLDS_RECORDINGS,
} IctoHeadFoldKind;

typedef struct {
  char    *path;
  char    *fingerprint;
  double   duration_s;
  guint    n_windows;        /* windows with features */
  guint    n_cached;         /* of which read from the cache */
  double  *end_s;            /* [n_windows] end of each window's last segment */
  guint8  *label;            /* [n_windows] 0, 1, or ICTO_HEAD_LABEL_NONE (left out) */
  float   *cv_prob;          /* [n_windows] out-of-fold P(seizure); NAN when left out */
  float   *model_prob;       /* [n_windows] the model file's head; NAN without one */
  GArray  *events;           /* IctoEvent: the positive annotations (merged), seconds */
  guint    n_positive;
  guint    n_negative;
} IctoHeadTrainRecording;

#define ICTO_HEAD_LABEL_NONE 255

typedef struct {
  double sensitivity;        /* NAN without reference events */
  double fa_per_24h;
  guint  true_positives;
  guint  n_events;
  guint  false_positives;
} IctoHeadEventMetrics;

typedef struct {
  GPtrArray *recordings;     /* IctoHeadTrainRecording */
  int        n_embd;
  guint      n_windows;      /* windows used (labelled) */
  guint      n_positive;
  guint      n_folds;
  IctoHeadFoldKind folds;
  double     C;
  guint      n_c;
  double    *c_grid;         /* [n_c] */
  double    *c_auroc;        /* [n_c] CV AUROC per C */
  double     cv_auroc;
  IctoHeadEventMetrics cv_events;
  gboolean   has_model_head;
  double     model_auroc;    /* NAN without a head */
  IctoHeadEventMetrics model_events;
  float     *weight;         /* [2, n_embd]: the trained cls_head.weight */
  char      *model_path;
  char      *model_hash;
  char      *summary_json;   /* the training summary stored in the head file */
} IctoHeadTrainResult;

void icto_head_train_result_free (IctoHeadTrainResult *result);

/**
 * icto_head_train_run:
 * @progress: (nullable): fractions 0..1 (features up to 0.9, then training),
 *   called on the calling thread
 *
 * Blocking: call from a worker thread in the GUI.  Opens its own store
 * connection and model.  Errors: the recording, model and store errors;
 * ICTO_CORE_ERROR_FEATURES_MISSING (cached_only and a recording's cache is
 * incomplete; or a recording too short or too damaged to give any window);
 * ICTO_CORE_ERROR_INVALID (no recording, an unknown label code);
 * ICTO_MODEL_ERROR_TRAINING_ONE_CLASS, _TOO_FEW_POSITIVES (fewer than 5
 * positive windows), _TOO_FEW_GROUPS (positives from one seizure only),
 * _NON_FINITE; G_IO_ERROR_CANCELLED.
 */
IctoHeadTrainResult *icto_head_train_run (const IctoHeadTrainOptions  *options,
                                          void                       (*progress) (double   fraction,
                                                                                  gpointer user_data),
                                          gpointer                     user_data,
                                          GCancellable                *cancellable,
                                          GError                     **error);

/* The same in a thread (options copied); progress goes to @job, cancel with
 * icto_job_cancel().  The callback runs in the thread-default main context. */
void                 icto_head_train_async  (const IctoHeadTrainOptions  *options,
                                             IctoJob                     *job,
                                             GAsyncReadyCallback          callback,
                                             gpointer                     user_data);
IctoHeadTrainResult *icto_head_train_finish (GAsyncResult                *result,
                                             GError                     **error);

/* Writes the head file (icto_model_write_head() with the summary). */
gboolean icto_head_train_result_write (const IctoHeadTrainResult  *result,
                                       const char                 *path,
                                       GError                    **error);

/**
 * icto_head_segment_probabilities:
 * @channels: (nullable): data signal indices in model order (NULL, 0: all)
 * @n_segments: (out): floor(duration / 5 s)
 * @model_hash: (out) (optional): "<model sha256>+head:<head sha256>"
 *
 * The seizure probability per 5-s segment of the whole recording with the
 * model file @model_path and the head file @head_path in place of its own
 * (icto_model_load()): segment k gets the window whose last segment it is,
 * NAN where no window ends (the first 24 segments, gaps).  Not cached (the
 * worker's cache holds the model's own head).  Blocking.  Errors: those of
 * icto_model_load() and icto_inference_run().  Returns [n_segments] floats.
 */
float *icto_head_segment_probabilities (IctoRecording  *recording,
                                        const char     *model_path,
                                        const char     *head_path,
                                        const guint    *channels,
                                        guint           n_channels,
                                        int             n_threads,
                                        guint          *n_segments,
                                        char          **model_hash,
                                        GCancellable   *cancellable,
                                        GError        **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (IctoHeadTrainResult, icto_head_train_result_free)

G_END_DECLS
