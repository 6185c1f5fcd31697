/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "signal/icto-layout.h"
#include "signal/icto-signal-error.h"

G_BEGIN_DECLS

/*
 * IctoMontage: a set of output channels, each a weighted sum of input
 * channels (the data signals of a recording, by index).  Immutable and
 * reference counted (boxed type); thread-safe to share.
 *
 * Contacts are recognised from labels of the form <shaft><number>, e.g.
 * "LA1", "L'12", "G27" (an "EEG " prefix and a "-Ref"/"-REF" suffix are
 * ignored): shaft "LA", "L'", "G".  A BIDS channels.tsv `group` given for a
 * channel overrides the shaft from its label.
 *
 * Kinds:
 * - REFERENTIAL: output i = input i, for every input.
 * - COMMON_AVERAGE: output i = input i − mean of the inputs not excluded
 *   (excluded: bad channels and channels of non-voltage or non-EEG type the
 *   caller marks); excluded inputs still get an output.
 * - BIPOLAR: for each shaft, contacts n and n+1 that both exist and are not
 *   excluded give "<a>-<b>" = a − b (e.g. LA1-LA2, LA2-LA3, ...).  A grid
 *   is read in rows: G8-G9 is not formed on a grid of 8 columns, G4-G5 not
 *   on a 4x4 grid.  Grids and their sizes come from the layout given to
 *   icto_montage_new_with_layout(), else from the label rule of
 *   icto-layout.h (e.g. a group of more than 16 contacts whose highest
 *   number is a multiple of 8 has rows of 8; G1..G16 is 4x4).  Inputs
 *   without a contact number are left out.
 * - SHAFT_AVERAGE: output i = input i − mean of the non-excluded inputs of
 *   the same shaft (inputs without a shaft: as recorded).
 * - CUSTOM: from our text format (icto_montage_new_from_data):
 *
 *     # comment; blank lines are ignored
 *     LA1-LA2 = LA1 - LA2
 *     "Fp1 avg" = "EEG Fp1-Ref" - 0.5*"EEG F3-Ref" - 0.5 * "EEG F4-Ref"
 *     G1 CAR = G1 - 0.25*G2 - 0.25*G3 - 0.25*G4 - 0.25*G5   [group G]
 *
 *   One output per line: <output label> "=" <term> { ("+"|"-") <term> },
 *   with <term> = [<number> "*"] <channel>.  A channel or output label is a
 *   bare word (letters, digits, ' _ . and -, not starting with - ) or a
 *   double-quoted string (\" and \\ escapes).  An optional trailing
 *   "[group NAME]" sets the output's group (default: the shaft of the first
 *   term's channel).  Errors: ICTO_SIGNAL_ERROR_PARSE with the line number
 *   (syntax, unknown channel, empty expression, more than 4096 outputs or a
 *   line longer than 4096 bytes).
 */

typedef enum {
  ICTO_MONTAGE_REFERENTIAL,
  ICTO_MONTAGE_COMMON_AVERAGE,
  ICTO_MONTAGE_BIPOLAR,
  ICTO_MONTAGE_SHAFT_AVERAGE,
  ICTO_MONTAGE_CUSTOM,
} IctoMontageKind;

typedef struct _IctoMontage IctoMontage;

#define ICTO_TYPE_MONTAGE (icto_montage_get_type ())
GType icto_montage_get_type (void) G_GNUC_CONST;

/**
 * icto_montage_new:
 * @labels: the @n_inputs input labels (trimmed)
 * @excluded: (nullable): per input, TRUE to leave it out of averages and
 *     bipolar pairs (bad channels)
 * @groups: (nullable): per input, a BIDS `group` or NULL to infer from the label
 *
 * Builds a montage of @kind (not CUSTOM).  Never fails; a montage may have 0
 * outputs (e.g. bipolar without numbered contacts).
 */
IctoMontage *icto_montage_new (IctoMontageKind    kind,
                               const char *const *labels,
                               guint              n_inputs,
                               const gboolean    *excluded,
                               const char *const *groups);

/* As icto_montage_new(); @layout (nullable) gives the grids and their
 * sizes (its groups are matched by the shaft names of the inputs). */
IctoMontage *icto_montage_new_with_layout (IctoMontageKind    kind,
                                           const char *const *labels,
                                           guint              n_inputs,
                                           const gboolean    *excluded,
                                           const char *const *groups,
                                           const IctoLayout  *layout);

IctoMontage *icto_montage_new_from_data (const char         *text,
                                         gssize              length,
                                         const char *const  *labels,
                                         guint               n_inputs,
                                         GError            **error);

/* Reads @path (at most 1 MiB) and parses it as above; ICTO_SIGNAL_ERROR_IO
 * when it cannot be read. */
IctoMontage *icto_montage_new_from_file (const char         *path,
                                         const char *const  *labels,
                                         guint               n_inputs,
                                         GError            **error);

IctoMontage *icto_montage_ref   (IctoMontage *self);
void         icto_montage_unref (IctoMontage *self);

IctoMontageKind icto_montage_get_kind      (const IctoMontage *self);
guint           icto_montage_get_n_inputs  (const IctoMontage *self);
guint           icto_montage_get_n_outputs (const IctoMontage *self);
const char     *icto_montage_get_label     (const IctoMontage *self,
                                            guint              output);
/* Shaft or group of the output (for colouring); "" when none. */
const char     *icto_montage_get_group     (const IctoMontage *self,
                                            guint              output);
/* Input indices and weights of output @output; valid as long as @self. */
void            icto_montage_get_terms     (const IctoMontage *self,
                                            guint              output,
                                            const guint      **inputs,
                                            const float      **weights,
                                            guint             *n_terms);

/**
 * icto_montage_compute:
 * @inputs: per input index, a pointer to @n samples, or NULL for inputs the
 *     output does not use
 * @out: (out caller-allocates): @n samples
 *
 * out = Σ weight·input over the terms of @output (NAN propagates).
 */
void icto_montage_compute (const IctoMontage  *self,
                           guint               output,
                           const float *const *inputs,
                           gsize               n,
                           float              *out);

/* Parses a contact label into shaft and number; FALSE when it has no
 * trailing number.  @shaft is newly allocated. */
gboolean icto_montage_parse_contact (const char  *label,
                                     char       **shaft,
                                     int         *number);

/* Reads the `name`, `group` and `status` columns of a BIDS channels.tsv.
 * @names is NULL-terminated (free with g_strfreev); @groups and @bad have one
 * entry per name (a group is NULL for "n/a" or a missing column: free each
 * entry up to the count of @names, then the array; g_free @bad).  FALSE with
 * ICTO_SIGNAL_ERROR_PARSE (line number) or _IO. */
gboolean icto_montage_read_channels_tsv (const char   *path,
                                         char       ***names,
                                         char       ***groups,
                                         gboolean    **bad,
                                         GError      **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (IctoMontage, icto_montage_unref)

G_END_DECLS
