/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "model/icto-model.h"
#include "signal/icto-layout.h"
#include "signal/icto-recording.h"
#include "store/icto-store.h"

G_BEGIN_DECLS

/*
 * The quantities drawn on the electrode map, per channel, at a time t.
 *
 * Model quantities come from one MVPFormer window that ends at t: the
 * window's last 5-s segment is [t - 5 s, t), it has T = min(25, floor(t / 5 s))
 * segments (t is clamped to [5 s, duration]), each channel read from
 * int(start * fs) and resampled as a whole to T x 2560 samples as in
 * icto-inference.h; more channels than the model's n_channels are split into
 * groups of consecutive channels run apart (attention between groups is 0).
 *
 * - ATTENTION_FROM (selected contact s): row s of the channel-by-channel
 *   attention of the last time step (IctoModelOutput.channel_attn: the query
 *   token of channel s at step T-1, its probabilities summed over every key
 *   time step of each channel, averaged over heads; rows sum to 1), of one
 *   layer, averaged over the layers, or by attention rollout (below).
 * - ATTENTION_RECEIVED: column sums of that matrix divided by C (the mean
 *   attention a channel receives from all queries; they sum to 1).
 * - CONTRIBUTION: the channel's share of logit(seizure) - logit(other)
 *   (signed; they sum to the logit difference).  NAN without a head.
 * - AGREEMENT: cosine between the model's prediction of the last segment
 *   (from segment T-2) and its encoding (1 = as expected).  NAN without a
 *   generative head.
 * - LINE_LENGTH: mean |x[i+1] - x[i]| x fs over the last segment [t - 5 s, t)
 *   in µV/s (as recorded, no filter).
 * - HIGH_GAMMA: mean square of the 70-150 Hz band-pass (Butterworth order 4,
 *   zero phase, 1 s of padding read around the segment where the recording
 *   has it) over [t - 5 s, t), in µV².  NAN when fs < 330 Hz.
 *
 * Attention rollout (after Abnar & Zuidema 2020, on channel matrices): with
 * A_l the layer-l matrix above, R = Â_L ··· Â_2 Â_1 where Â_l =
 * (A_l + I) / 2 (the residual path); rows of R sum to 1.  Row s of R is how
 * much of channel s's last-layer representation flows, through the layers,
 * from each channel.  It approximates the token-level rollout: each layer's
 * matrix is that of the last time step's queries, summed over key steps.
 */

typedef enum {
  ICTO_MAP_ATTENTION_FROM,
  ICTO_MAP_ATTENTION_RECEIVED,
  ICTO_MAP_CONTRIBUTION,
  ICTO_MAP_AGREEMENT,
  ICTO_MAP_LINE_LENGTH,
  ICTO_MAP_HIGH_GAMMA,
  ICTO_MAP_N_QUANTITIES
} IctoMapQuantity;

/* Layer selection for the attention quantities: a layer index from 0, or: */
#define ICTO_MAP_LAYERS_MEAN    (-1)
#define ICTO_MAP_LAYERS_ROLLOUT (-2)

/* "attention-from", "attention-received", "contribution", "agreement",
 * "line-length", "high-gamma"; parse returns FALSE for anything else. */
const char *icto_map_quantity_to_string   (IctoMapQuantity  quantity);
gboolean    icto_map_quantity_from_string (const char      *text,
                                           IctoMapQuantity *quantity);
/* Translated title ("Attention from contact", ...) and unit ("µV/s", "" ...). */
const char *icto_map_quantity_get_title   (IctoMapQuantity  quantity);
const char *icto_map_quantity_get_unit    (IctoMapQuantity  quantity);
/* TRUE for signed quantities drawn with a diverging colour map (contribution). */
gboolean    icto_map_quantity_is_signed   (IctoMapQuantity  quantity);
/* TRUE for the quantities that need the model. */
gboolean    icto_map_quantity_needs_model (IctoMapQuantity  quantity);

/**
 * icto_map_attention_matrix:
 * @channel_attn: [n_layer, C, C] as in IctoModelOutput
 * @layer: 0..n_layer-1, ICTO_MAP_LAYERS_MEAN or ICTO_MAP_LAYERS_ROLLOUT
 *
 * Returns a new [C, C] matrix (g_free): the layer's, the mean over layers,
 * or the rollout.  NULL for a bad @layer.  Pure; any thread.
 */
float *icto_map_attention_matrix   (const float *channel_attn,
                                    int          n_layer,
                                    int          C,
                                    int          layer);
/* @out[j] = sum_i matrix[i, j] / C.  Pure. */
void   icto_map_attention_received (const float *matrix,
                                    int          C,
                                    float       *out);

/**
 * icto_map_signal_power:
 * @channels: @n data signal indices
 * @start, @end: ticks from the first sample (end > start)
 * @line_length, @high_gamma: (out caller-allocates) (nullable): @n values
 *
 * The two signal quantities above over [@start, @end).  A channel with a
 * non-finite sample (gap) gets NAN.  Errors: ICTO_CORE_ERROR_INVALID (range,
 * channel), the signal layer's read errors.  Any thread.
 */
gboolean icto_map_signal_power (IctoRecording  *recording,
                                const guint    *channels,
                                guint           n,
                                gint64          start,
                                gint64          end,
                                float          *line_length,
                                float          *high_gamma,
                                GError        **error);

/* The result of one map computation. */
typedef struct {
  gint64  time;            /* the time asked for (ticks) */
  guint   n_channels;      /* C */
  guint  *channels;        /* [C] data signal indices */
  char  **labels;          /* [C] (NULL-terminated) */
  double  window_start_s;  /* model window; both 0 without model results */
  double  window_end_s;
  int     n_segments;      /* T */
  int     n_layer;         /* 0 without model results */
  float  *channel_attn;    /* [n_layer, C, C] (NULL without model) */
  float  *contribution;    /* [C] (NULL without model; NAN without a head) */
  float  *agreement;       /* [C] (NULL without model) */
  float   seizure_prob;    /* NAN when unknown */
  double  signal_start_s;  /* the segment of the signal quantities */
  double  signal_end_s;
  float  *line_length;     /* [C] */
  float  *high_gamma;      /* [C] */
} IctoMapResult;

void icto_map_result_free (IctoMapResult *result);

/**
 * icto_map_result_get_values:
 * @selected: for ATTENTION_FROM, the index (into @result's channels) of the
 *     selected contact
 * @out: (out caller-allocates): n_channels values (NAN where unknown)
 *
 * FALSE (and @out all NAN) when @result has no values for @quantity (no
 * model, recording shorter than 5 s, bad @layer or @selected).
 */
gboolean icto_map_result_get_values (const IctoMapResult *result,
                                     IctoMapQuantity      quantity,
                                     int                  layer,
                                     int                  selected,
                                     float               *out);

/**
 * icto_map_compute:
 * @model: (nullable): without it only the signal quantities are computed
 * @channels: (nullable): data signal indices (at most 4096); NULL: every
 *     voltage signal
 * @time: ticks from the first sample
 * @n_threads: <= 0: number of CPUs
 *
 * Blocking; call from a worker thread in the GUI (polls @cancellable
 * between channel groups and the model's layers).  A recording shorter
 * than one 5-s segment gives signal quantities over what there is and no
 * model results (not an error).  Errors: ICTO_CORE_ERROR_INVALID (channel,
 * no channels), read errors, ICTO_MODEL_ERROR_*, G_IO_ERROR_CANCELLED.
 */
IctoMapResult *icto_map_compute (IctoRecording  *recording,
                                 IctoModel      *model,
                                 const guint    *channels,
                                 guint           n_channels,
                                 gint64          time,
                                 int             n_threads,
                                 GCancellable   *cancellable,
                                 GError        **error);

/* icto_map_compute() in a GTask worker thread; the callback runs in the
 * caller's main context.  @channels is copied. */
void           icto_map_compute_async  (IctoRecording       *recording,
                                        IctoModel           *model,
                                        const guint         *channels,
                                        guint                n_channels,
                                        gint64               time,
                                        int                  n_threads,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data);
IctoMapResult *icto_map_compute_finish (GAsyncResult        *result,
                                        GError             **error);

/*
 * Agreement with the clinical seizure-onset zone (our definition; there is
 * no standard).  Given one score per channel (NAN: not scored), channels are
 * ranked by decreasing score, ties by channel order, unscored last; rank 1
 * is the largest.  With S = the SOZ contacts found among the channels and
 * k = |S|, the top k channels are the predicted onset zone:
 *   precision = |top k ∩ S| / k, recall = |top k ∩ S| / |S|
 * (equal, since k = |S|; both are given so that a different k can be used),
 * and the rank of every SOZ contact.
 */
typedef struct {
  guint    n_soz;        /* |S|: SOZ labels matched to a channel */
  guint    k;
  guint    hits;         /* |top k ∩ S| */
  double   precision;    /* NAN when k = 0 */
  double   recall;       /* NAN when |S| = 0 */
  double   mean_rank;    /* of the SOZ contacts; NAN when |S| = 0 */
  char   **soz;          /* [n_soz] labels found (NULL-terminated) */
  guint   *ranks;        /* [n_soz] their ranks (1 = largest score) */
  char   **top;          /* [k] labels of the top k (NULL-terminated) */
  char   **missing;      /* SOZ labels not among the channels (NULL-terminated) */
} IctoSozAgreement;

void icto_soz_agreement_free (IctoSozAgreement *agreement);

/**
 * icto_map_soz_agreement:
 * @k: the size of the predicted zone; 0: |S|
 *
 * As defined above; labels are compared after trimming, case-sensitively.
 * Pure; any thread.
 */
IctoSozAgreement *icto_map_soz_agreement (const float        *scores,
                                          const char *const  *labels,
                                          guint               n,
                                          const char *const  *soz,
                                          guint               k);

/**
 * icto_map_soz_agreement_for_seizure:
 * @quantity: the score: CONTRIBUTION, ATTENTION_RECEIVED (mean over layers),
 *     LINE_LENGTH or HIGH_GAMMA
 * @eec: the seizure's earliest electrographic change (ticks)
 *
 * The score of each channel in the first 10 s after EEC: the mean of the
 * maps at EEC + 5 s and EEC + 10 s (each over the 5 s before it; times past
 * the end of the recording are clamped to it, so a record ending before
 * EEC + 5 s gives one map over its last 5 s), then
 * icto_map_soz_agreement() with k = |S|.  @result_out (optional) receives
 * the averaged scores ([n_channels], g_free).  Errors as icto_map_compute(),
 * plus ICTO_CORE_ERROR_INVALID for a model quantity without @model.
 */
IctoSozAgreement *icto_map_soz_agreement_for_seizure (IctoRecording      *recording,
                                                      IctoModel          *model,
                                                      const guint        *channels,
                                                      guint               n_channels,
                                                      gint64              eec,
                                                      const char *const  *soz,
                                                      IctoMapQuantity     quantity,
                                                      int                 n_threads,
                                                      float             **scores_out,
                                                      GCancellable       *cancellable,
                                                      GError            **error);

/* icto_map_soz_agreement_for_seizure() in a GTask worker thread (@channels
 * and @soz are copied); the scores are not returned. */
void              icto_map_soz_agreement_async  (IctoRecording       *recording,
                                                 IctoModel           *model,
                                                 const guint         *channels,
                                                 guint                n_channels,
                                                 gint64               eec,
                                                 const char *const   *soz,
                                                 IctoMapQuantity      quantity,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data);
IctoSozAgreement *icto_map_soz_agreement_finish (GAsyncResult        *result,
                                                 GError             **error);

/**
 * icto_map_find_soz:
 * @onset: (out) (optional): the seizure's EEC in ticks, or -1
 *
 * The seizure-onset-zone contacts known for a recording: the channels whose
 * `soz` column is "true" in the BIDS channels.tsv beside it, else the list
 * after "SOZ=" in the first annotation that has one (the simulator's
 * "Seizure SOZ=LA1,LA2"), else NULL.  @onset: the first annotation "EEC",
 * else the first whose text contains "onset", "sz start" or "seizure"
 * (case-insensitive), else -1.  Newly allocated (g_strfreev).
 */
char **icto_map_find_soz (IctoRecording *recording,
                          gint64        *onset);

/**
 * icto_map_layout_for_recording:
 * @electrodes_path: (nullable): an electrodes.tsv chosen by the user
 *
 * The layout of a recording: from @electrodes_path when given, else from
 * the BIDS "<base>_electrodes.tsv" beside it (icto_layout_find_sidecar),
 * else from its channel labels (groups from "<base>_channels.tsv" when it
 * exists).  Non-voltage signals are left out.  Errors: those of
 * icto_layout_new_from_bids() (for a sidecar that cannot be read the label
 * layout is returned with a warning instead).
 */
IctoLayout *icto_map_layout_for_recording (IctoRecording  *recording,
                                           const char     *electrodes_path,
                                           GError        **error);

/**
 * icto_map_layout_save:
 * @patient: (nullable): also reusable for this patient's other recordings
 *
 * Saves @layout for @recording in @store (as its electrodes.tsv text,
 * icto-layout-store.h), adding the recording to the store when new.
 * Errors: the store's.
 */
gboolean    icto_map_layout_save   (IctoStore         *store,
                                    IctoRecording     *recording,
                                    const char        *patient,
                                    const char        *name,
                                    const IctoLayout  *layout,
                                    GError           **error);

/**
 * icto_map_layout_load:
 * @patient: (nullable)
 *
 * The layout saved for @recording, else for @patient, matched to the
 * recording's channels; NULL with ICTO_STORE_ERROR_NOT_FOUND when there is
 * none, or the parse errors of icto_layout_new_from_tsv_data().
 */
IctoLayout *icto_map_layout_load   (IctoStore         *store,
                                    IctoRecording     *recording,
                                    const char        *patient,
                                    GError           **error);

/* Per data signal, TRUE when the BIDS channels.tsv beside the recording
 * says status "bad" (all FALSE without one).  Newly allocated (g_free). */
gboolean *icto_map_read_bad_channels (IctoRecording *recording);

/* The data signals of @layout's matched contacts, in contact order
 * (g_free); *n set. */
guint *icto_map_layout_channels (const IctoLayout *layout,
                                 guint            *n);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (IctoMapResult, icto_map_result_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (IctoSozAgreement, icto_soz_agreement_free)

G_END_DECLS
