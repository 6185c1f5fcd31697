/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "sim/icto-sim-error.h"

G_BEGIN_DECLS

/*
 * IctoSim: a simulated intracranial EEG recording with seizures whose ground
 * truth is known (../shared/docs/seizure-simulator.md).
 *
 * A network of Epileptor nodes (Jirsa et al., Brain 2014;137:2210) placed in
 * an ellipsoidal "brain", coupled by permittivity coupling (Proix et al.,
 * J Neurosci 2014;34:15009) so that seizures triggered in the epileptogenic
 * zone (EZ) recruit the propagation zone (PZ), seen through depth shafts,
 * grids and strips by a softened inverse-square lead field (as in
 * tvb-epilepsy / the Virtual Epileptic Patient, Jirsa et al., NeuroImage
 * 2017;145:377), plus 1/f background with alpha/beta rhythms, line noise,
 * bad channels, movement artefacts and interictal spikes.
 *
 * Generation is streaming: one data record (1 s) at a time, memory
 * independent of the duration.  Deterministic for a seed: every random
 * stream has its own xoshiro256** generator (icto-sim-rng.h).
 * Not thread-safe: one IctoSim per thread.
 */

typedef enum {
  ICTO_SIM_PATTERN_MIXED,   /* alternate LVFA and periodic spikes (default) */
  ICTO_SIM_PATTERN_LVFA,    /* low-voltage fast activity */
  ICTO_SIM_PATTERN_SPIKES,  /* low-frequency high-amplitude periodic spikes */
  ICTO_SIM_PATTERN_NATIVE,  /* the Epileptor's own onset (DC shift, sharp activity) */
} IctoSimPattern;

/* "mixed", "lvfa", "spikes", "native"; parse returns FALSE for unknown names. */
const char *icto_sim_pattern_to_string (IctoSimPattern pattern);
gboolean    icto_sim_pattern_from_string (const char     *name,
                                          IctoSimPattern *pattern);

#define ICTO_SIM_DEFAULT_LAYOUT "LA:12,LH:12,RH:8,G:4x4"

typedef struct {
  double         duration;       /* seconds, 60 .. 86400 */
  int            sample_rate;    /* Hz, integer, 256 .. 2048 */
  int            n_seizures;     /* >= 0; needs duration >= 100 + 90 n s */
  IctoSimPattern pattern;
  guint64        seed;
  const char    *layout;         /* spec or preset name (icto_sim_parse_layout); NULL: default */
  int            n_nodes;        /* 10 .. 200; 0: 40 */
  const int     *ez_nodes;       /* epileptogenic node indices; NULL: the node nearest a
                                  * left mesial-temporal point and its nearest neighbour */
  int            n_ez_nodes;     /* 1 .. 8 when ez_nodes is set */
  double         line_frequency; /* 50 or 60 Hz; 0: 50; < 0: no line noise */
  gboolean       artefacts;      /* one flat + one noisy channel, movement artefacts */
} IctoSimParams;

/* Defaults: 600 s, 512 Hz, 2 seizures, mixed patterns, seed 1, default
 * layout, 40 nodes, 50 Hz, artefacts on. */
void icto_sim_params_init (IctoSimParams *params);

/* Checks every field; ICTO_SIM_ERROR_INVALID or _LAYOUT with a message
 * naming the parameter. */
gboolean icto_sim_params_validate (const IctoSimParams *params,
                                   GError             **error);

typedef enum {
  ICTO_SIM_GROUP_DEPTH,
  ICTO_SIM_GROUP_GRID,
  ICTO_SIM_GROUP_STRIP,
} IctoSimGroupKind;

typedef struct {
  char            *name;        /* "LA", "G" */
  IctoSimGroupKind kind;
  int              rows, cols;  /* depth: rows = 1, cols = contacts */
} IctoSimGroup;

/*
 * Layout specification: comma-separated groups NAME:N (a depth shaft of N
 * contacts, 4..18, named NAME1..NAMEN with 1 the deepest) or NAME:RxC (a
 * grid, or a strip when R or C is 1; 1..64 contacts, named NAME1..NAME<R*C>
 * row by row).  NAME is 1..6 letters, unique.  At most 256 contacts.
 * Presets: "default" (= ICTO_SIM_DEFAULT_LAYOUT), "seeg" (8 shafts of 12),
 * "ecog" (an 8x8 grid and two 1x6 strips), "mixed" (= default).
 * Returns an array of IctoSimGroup (free with g_array_unref) or NULL with
 * ICTO_SIM_ERROR_LAYOUT.
 */
GArray *icto_sim_parse_layout (const char *spec,
                               GError    **error);

typedef enum {
  ICTO_SIM_NODE_HEALTHY,
  ICTO_SIM_NODE_PZ,
  ICTO_SIM_NODE_EZ,
} IctoSimNodeClass;

typedef struct {
  double           pos[3];       /* mm */
  IctoSimNodeClass klass;
  double           epileptogenicity;
  double           x0;
} IctoSimNode;

typedef enum {
  ICTO_SIM_STATUS_GOOD,
  ICTO_SIM_STATUS_FLAT,
  ICTO_SIM_STATUS_NOISY,
} IctoSimStatus;

typedef struct {
  char            *label;        /* "LA1" */
  const char      *group;        /* "LA" */
  IctoSimGroupKind kind;
  double           pos[3];       /* mm */
  double           sigma;        /* background RMS, uV */
  double           soz_fraction; /* p_c: share of squared gain from the EZ */
  gboolean         soz;          /* ground-truth seizure-onset-zone contact */
  IctoSimStatus    status;
} IctoSimChannel;

typedef struct {
  int            index;          /* 0-based */
  IctoSimPattern pattern;        /* LVFA, SPIKES or NATIVE */
  double         trigger;        /* s: start of the EZ x0 ramp */
  double         eec;            /* s: earliest electrographic change; < 0 if none */
  double         ueo;            /* s: unequivocal electrographic onset; < 0 if none */
  double         offset;         /* s; < 0 if none */
  double         end_max;        /* s: latest node end (t_end) */
  double        *node_onset;     /* n_nodes entries, s; < 0: not recruited */
  double        *channel_onset;  /* n_channels entries, s; < 0: none */
} IctoSimSeizure;

typedef struct {
  double onset;                  /* s */
  double duration;               /* s */
  char  *description;            /* "movement" */
  char  *channels;               /* affected group names, comma-separated */
} IctoSimArtefact;

typedef struct _IctoSim IctoSim;

/* Builds the network, electrodes and schedule.  NULL with ICTO_SIM_ERROR_*. */
IctoSim *icto_sim_new  (const IctoSimParams *params,
                        GError             **error);
void     icto_sim_free (IctoSim *self);

const IctoSimParams  *icto_sim_get_params     (IctoSim *self);   /* layout/ez_nodes point into @self */
guint                 icto_sim_get_n_nodes    (IctoSim *self);
const IctoSimNode    *icto_sim_get_node       (IctoSim *self, guint index);
guint                 icto_sim_get_n_channels (IctoSim *self);
const IctoSimChannel *icto_sim_get_channel    (IctoSim *self, guint index);
/* Gain (dimensionless, <= 1) from node @node to channel @channel. */
double                icto_sim_get_gain       (IctoSim *self, guint channel, guint node);
/* Interictal spikes of node @node so far (population-2 events, x2 crossing
 * 0 upward, outside the node's seizures, including pre-ictal periodic
 * spikes). */
guint                 icto_sim_get_node_spike_count (IctoSim *self, guint node);
/* Number of 1-s data records (ceil of the duration). */
gint64                icto_sim_get_n_records  (IctoSim *self);
gint64                icto_sim_get_records_done (IctoSim *self);

/*
 * Generates the next 1-s data record: @data[c] receives sample_rate values
 * (uV) of channel c.  Returns FALSE when the recording is complete.
 */
gboolean icto_sim_next_record (IctoSim *self,
                               float  *const *data);

/* Seizures: the schedule is fixed at creation; times become final once
 * the record containing the seizure's offset (+ a few seconds) is done,
 * and are all final when icto_sim_next_record() has returned FALSE. */
guint                 icto_sim_get_n_seizures  (IctoSim *self);
const IctoSimSeizure *icto_sim_get_seizure     (IctoSim *self, guint index);
guint                 icto_sim_get_n_artefacts (IctoSim *self);
const IctoSimArtefact*icto_sim_get_artefact    (IctoSim *self, guint index);

/* "LA1,LA2,G5": the SOZ contacts, newly allocated. */
char *icto_sim_dup_soz_labels (IctoSim *self);

/* Returns FALSE to cancel.  @fraction in [0, 1]. */
typedef gboolean (*IctoSimProgressFunc) (double   fraction,
                                         gpointer user_data);

/*
 * Names of the sidecar files written beside @edf_path: for "<base>.edf",
 * "<base>_channels.tsv", "<base>_channels.json", "<base>_electrodes.tsv",
 * "<base>_coordsystem.json", "<base>_events.tsv" and "<base>_simulation.json"
 * (nodes, seizure times, parameters); when base ends in "_ieeg"
 * (BIDS, e.g. "sub-01_task-sim_ieeg.edf") that suffix is dropped first
 * ("sub-01_task-sim_channels.tsv").  @kind: "channels.tsv", ...
 */
char *icto_sim_sidecar_path (const char *edf_path,
                             const char *kind);

/*
 * Runs a whole simulation into an EDF+C file (16-bit, +-10 mV, 1-s records,
 * labels as the channels, unit uV) with the annotations of every seizure:
 * "Seizure SOZ=<labels>" from EEC to offset (with duration), and points
 * "EEC", "UEO", "Offset"; movement artefacts as "Movement artefact" with
 * duration.  Then writes the BIDS sidecars (icto_sim_sidecar_path).
 * Errors: ICTO_SIM_ERROR_INVALID/_LAYOUT (parameters), ICTO_SIGNAL_ERROR_*
 * (EDF writer), ICTO_SIM_ERROR_IO (sidecars), ICTO_SIM_ERROR_CANCELLED.
 */
gboolean icto_sim_write (const IctoSimParams *params,
                         const char          *edf_path,
                         IctoSimProgressFunc  progress,
                         gpointer             user_data,
                         GError             **error);

/* Writes the sidecars of a finished simulation (after the last record). */
gboolean icto_sim_write_sidecars (IctoSim    *self,
                                  const char *edf_path,
                                  GError    **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (IctoSim, icto_sim_free)

G_END_DECLS
