/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "signal/icto-recording.h"

G_BEGIN_DECLS

/*
 * IctoDerivation: one displayed channel as a weighted sum of recorded
 * signals (a montage output).  This is core's small stand-in until the
 * signal library's IctoMontage (signal/icto-montage.h, whose enum is
 * IctoMontageKind) takes over; it covers the montages the viewer offers
 * from its menu.
 */

typedef enum {
  ICTO_MONTAGE_KIND_REFERENTIAL,   /* "referential": as recorded */
  ICTO_MONTAGE_KIND_AVERAGE,       /* "average": common average of good voltage channels */
  ICTO_MONTAGE_KIND_BIPOLAR,       /* "bipolar": adjacent contacts of a shaft, LA1-LA2, LA2-LA3, ... */
  ICTO_MONTAGE_KIND_LOCAL,         /* "local": each contact minus its shaft's average */
} IctoMontageChoice;

/* "referential", "average", "bipolar", "local"; parse returns FALSE for anything else. */
const char *icto_montage_kind_to_string   (IctoMontageChoice  kind);
gboolean    icto_montage_kind_from_string (const char      *str,
                                           IctoMontageChoice *kind);
/* Translated name for menus and the accessible description. */
const char *icto_montage_kind_get_title   (IctoMontageChoice  kind);

typedef struct {
  guint  signal;
  float  weight;
} IctoTerm;

typedef struct {
  char     *label;     /* e.g. "LA1-LA2" */
  char     *group;     /* shaft name, e.g. "LA" (label without its contact number) */
  guint     first;     /* the recorded signal this output belongs to (for bad/hidden flags) */
  guint     n_terms;
  IctoTerm *terms;
  int       reference; /* index into IctoMontageLayout.references subtracted from the sum, or -1 */
} IctoDerivation;

/* A reference: the mean of a set of signals (all at one sample rate). */
typedef struct {
  guint  n_signals;
  guint *signals;
} IctoReference;

typedef struct {
  gint            ref_count;
  IctoMontageChoice kind;
  guint           n_outputs;
  IctoDerivation *outputs;
  guint           n_references;
  IctoReference  *references;
} IctoMontageLayout;

/*
 * icto_label_split:
 * Splits "LA12" into the shaft "LA" (returned, newly allocated) and the
 * contact number 12 (@number; -1 when the label has no trailing number).
 * Spaces and a trailing '-' or '_' before the number are dropped from the shaft.
 */
char *icto_label_split (const char *label,
                        int        *number);

/*
 * icto_montage_layout_new:
 * @bad: (nullable): n_signals booleans, TRUE for channels marked bad
 *   (excluded from averages and from bipolar pairs)
 *
 * Builds the outputs of @kind for @recording.  Only signals with the same
 * sample rate are combined; non-voltage signals are kept as recorded in
 * every montage.  Averages are expressed as references so a page costs one
 * pass per reference, not one per output.  Never fails (a montage that
 * cannot be formed for a channel leaves the channel as recorded).
 */
IctoMontageLayout *icto_montage_layout_new   (IctoRecording   *recording,
                                              IctoMontageChoice  kind,
                                              const gboolean  *bad);
/* Layouts are immutable and reference counted (atomic): a page being
 * fetched in a worker keeps its own reference.  free() is an unref. */
IctoMontageLayout *icto_montage_layout_ref   (IctoMontageLayout *layout);
void               icto_montage_layout_unref (IctoMontageLayout *layout);
void               icto_montage_layout_free  (IctoMontageLayout *layout);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (IctoMontageLayout, icto_montage_layout_free)

G_END_DECLS
