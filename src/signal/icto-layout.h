/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "signal/icto-signal-error.h"

G_BEGIN_DECLS

/*
 * IctoLayout: where the electrode contacts of a recording are, for drawing
 * them as a map.  Immutable once built, reference counted (boxed type);
 * thread-safe to share.
 *
 * Each contact has a label (the electrode name, trimmed), the data signal it
 * was matched to (or -1), a group (shaft, grid or strip name), a shape, a
 * contact number (the trailing number of the label, or -1), the row and
 * column of a grid contact (from 0), its 3-D position in millimetres when
 * known, and a 2-D position in each of the layout's views.
 *
 * 2-D coordinates are millimetres in the drawing plane, x to the right and
 * y downwards (as drawn on screen).  A layout has one or two views:
 *
 * Projection rule (3-D positions known, see icto_layout_new_from_tsv_data):
 * - Only grids and strips (ECoG) have positions: one view, the best-fitting
 *   plane of all positioned contacts (principal component analysis: the
 *   centroid and the two eigenvectors of the 3x3 covariance with the largest
 *   eigenvalues).  With a grid, the plane is then turned so that the
 *   largest grid's rows are horizontal (the principal axes of a square grid
 *   are arbitrary), x growing with its column and y with its row (mirrored
 *   if needed).  Without a grid, x grows with the contact number and the
 *   second axis is oriented so that the normal e1 x e2 points towards the
 *   origin of the coordinate system.
 * - Otherwise (shafts, or a mix of shafts and grids): two views, 0 = lateral
 *   (x = anterior coordinate y_3d, drawing y = −z_3d, superior up) and
 *   1 = axial (x = x_3d, patient's left on the left as in the neurological
 *   convention, drawing y = −y_3d, anterior up).
 * - Contacts without a 3-D position are placed by the label rule below to
 *   the right of the positioned contacts (15 mm away) in every view.
 *
 * Label rule (no positions): contacts are grouped by the BIDS `group` when
 * given, else by the label's shaft (icto_montage_parse_contact(): "LA" of
 * "LA3", "L'" of "L'12").  A group is a grid when a grid size is given for
 * it, or (its name has no apostrophe) its highest contact number N is above
 * 16 and a multiple of 8, or its name is a grid name (G, GR, GRID, C, or
 * ending in "GRID", case-insensitive) and N >= 9.  Grid size from N: a
 * square N gives sqrt(N) x sqrt(N) (16 -> 4x4, 64 -> 8x8); else a multiple
 * of 8 gives N/8 rows of 8 (32 -> 4x8); else the most square factorisation
 * rows <= cols; for a prime N, ceil(sqrt N) columns.  Contact n (from 1)
 * sits at row (n-1) / cols, column (n-1) % cols; grids are drawn at a 10 mm
 * pitch.  Other groups are lines (shape STRIP when the layout has a grid or
 * the hint is ECOG, else SHAFT): contact n at (n-1) x pitch (10 mm for
 * strips, 5 mm for shafts) on a horizontal line, so missing contacts leave
 * gaps.  Grids go side by side on top, lines below in columns of at most 12.
 * Channels that are not contacts (no trailing number; names starting with
 * ECG, EKG, EMG, EOG, DC, RESP, SPO2, PULSE, TRIG, STI, EVENT, MARK, or
 * flagged in @skip) are left out.
 *
 * Matching electrodes to channels (formats-and-scoring.md §3.7): the exact
 * label after trimming spaces; failing that, the label without an "EEG "
 * prefix or a "-Ref" suffix.  Electrodes matched to no channel are kept
 * (channel -1) and listed by icto_layout_get_unmatched().
 */

typedef enum {
  ICTO_LAYOUT_SHAFT,   /* sEEG depth electrode: a line of contacts */
  ICTO_LAYOUT_GRID,    /* subdural grid: rows x columns */
  ICTO_LAYOUT_STRIP,   /* subdural strip: a short line */
} IctoLayoutShape;

typedef enum {
  ICTO_LAYOUT_HINT_AUTO,   /* lines are strips when there is a grid, else shafts */
  ICTO_LAYOUT_HINT_SEEG,   /* lines are shafts */
  ICTO_LAYOUT_HINT_ECOG,   /* lines are strips */
} IctoLayoutHint;

typedef struct {
  char            *label;
  int              channel;   /* data signal index, -1: none */
  char            *group;     /* never NULL */
  IctoLayoutShape  shape;
  int              number;    /* contact number from the label, -1: none */
  int              row, col;  /* grid contacts, from 0; -1 otherwise */
  gboolean         has_3d;
  double           pos[3];    /* mm, when has_3d */
  double           x[2], y[2];/* 2-D position (mm) in view 0 and 1 */
} IctoContact;

/* A grid size given by the user: group name, rows x columns (1..64 each). */
typedef struct {
  const char *group;
  int         rows;
  int         cols;
} IctoLayoutGridSpec;

typedef struct _IctoLayout IctoLayout;

#define ICTO_TYPE_LAYOUT (icto_layout_get_type ())
GType icto_layout_get_type (void) G_GNUC_CONST;

/* Upper bounds for hostile input. */
#define ICTO_LAYOUT_MAX_CONTACTS 4096
#define ICTO_LAYOUT_MAX_TSV      (16 * 1024 * 1024)

/**
 * icto_layout_new_from_labels:
 * @labels: @n_channels channel labels (any padding is trimmed)
 * @groups: (nullable): per channel a BIDS group, or NULL / "n/a" for none
 * @skip: (nullable): per channel TRUE to leave it out (e.g. not a voltage)
 * @grids: (nullable): @n_grids grid sizes that override the guess
 *
 * The label rule above.  Never fails; the layout may have no contacts.
 * Any thread.
 */
IctoLayout *icto_layout_new_from_labels (const char *const        *labels,
                                         guint                     n_channels,
                                         const char *const        *groups,
                                         const gboolean           *skip,
                                         IctoLayoutHint            hint,
                                         const IctoLayoutGridSpec *grids,
                                         guint                     n_grids);

/**
 * icto_layout_new_from_tsv_data:
 * @text: a BIDS electrodes.tsv (UTF-8, tabs, header row; at most
 *     ICTO_LAYOUT_MAX_TSV bytes and ICTO_LAYOUT_MAX_CONTACTS rows)
 * @unit_to_mm: factor from the file's coordinate unit to mm (1000 for "m";
 *     see icto_layout_read_coordsystem())
 * @labels, @n_channels, @groups, @skip: the recording's channels (may be
 *     NULL, 0): contacts are matched to them, and channels that look like
 *     contacts but are not in the file are added by the label rule
 *
 * Columns read: `name` (required, unique, non-empty), `x`, `y`, `z`
 * (numbers or n/a; a position counts when all three are finite numbers of
 * magnitude below 1e6 after scaling; `z` n/a with x, y given: a 2-D image
 * position, used as a drawing position), `group`, `type` (depth/seeg/shaft,
 * grid, strip; others ignored), `dimension` ("[AxB]", 1..64 each: the grid
 * size of the contact's group, larger number as columns), and our own
 * optional columns `map_x`, `map_y` (drawing position in mm for contacts
 * without a 3-D position, as written by icto_layout_to_tsv), `row`,
 * `column` (grid position from 0).  Other columns are ignored.
 * Errors: ICTO_SIGNAL_ERROR_PARSE (not UTF-8 text, no header or `name`
 * column, a row with another number of cells than the header, a number that
 * does not parse: with the line number), ICTO_SIGNAL_ERROR_LAYOUT (empty or
 * duplicate name, value out of range, too many rows, a dimension or row /
 * column that contradicts the group's).  Any thread.
 */
IctoLayout *icto_layout_new_from_tsv_data (const char         *text,
                                           gssize              length,
                                           double              unit_to_mm,
                                           const char *const  *labels,
                                           guint               n_channels,
                                           const char *const  *groups,
                                           const gboolean     *skip,
                                           GError            **error);

/**
 * icto_layout_read_coordsystem:
 * @path: a BIDS coordsystem.json
 * @unit_to_mm: (out): 1000 for "m", 10 for "cm", 1 for "mm", "pixels" or "n/a"
 * @system: (out) (optional): newly allocated iEEGCoordinateSystem or NULL
 *
 * Errors: ICTO_SIGNAL_ERROR_IO, ICTO_SIGNAL_ERROR_PARSE (not a JSON object
 * of at most 1 MiB), ICTO_SIGNAL_ERROR_LAYOUT (unknown unit).
 */
gboolean icto_layout_read_coordsystem (const char  *path,
                                       double      *unit_to_mm,
                                       char       **system,
                                       GError     **error);

/**
 * icto_layout_new_from_bids:
 * @electrodes_path: an electrodes.tsv
 * @coordsystem_path: (nullable): its coordsystem.json; NULL: the file
 *     "<prefix>_coordsystem.json" beside it when it exists, else mm
 *
 * Reads both files (ICTO_SIGNAL_ERROR_IO when they cannot be read) and
 * builds the layout as icto_layout_new_from_tsv_data().
 */
IctoLayout *icto_layout_new_from_bids (const char         *electrodes_path,
                                       const char         *coordsystem_path,
                                       const char *const  *labels,
                                       guint               n_channels,
                                       const char *const  *groups,
                                       const gboolean     *skip,
                                       GError            **error);

/* The BIDS sidecar path beside a recording: "<base>_electrodes.tsv" for
 * "<base>.edf", with a trailing "_ieeg", "_ecog" or "_seeg" of base
 * dropped first when the plain name does not exist.  NULL when no such file
 * exists.  Newly allocated. */
char *icto_layout_find_sidecar (const char *recording_path,
                                const char *kind);

IctoLayout *icto_layout_ref   (IctoLayout *self);
void        icto_layout_unref (IctoLayout *self);

guint              icto_layout_get_n_contacts (const IctoLayout *self);
const IctoContact *icto_layout_get_contact    (const IctoLayout *self,
                                               guint             index);
/* 1 or 2 (lateral and axial views for sEEG positions). */
guint              icto_layout_get_n_views    (const IctoLayout *self);
/* Translated name of view @view ("Plane", "Lateral", "Axial", "Schematic"). */
const char        *icto_layout_get_view_title (const IctoLayout *self,
                                               guint             view);
/* Whether some contact has a 3-D position. */
gboolean           icto_layout_has_positions  (const IctoLayout *self);
/* Index of the contact matched to data signal @channel, or -1. */
int                icto_layout_find_channel   (const IctoLayout *self,
                                               int               channel);
/* Index of the contact labelled @label (exact), or -1. */
int                icto_layout_find_label     (const IctoLayout *self,
                                               const char       *label);
/* Labels of the electrodes matched to no channel (NULL-terminated, borrowed
 * strings in a new array: g_free the array only). */
const char       **icto_layout_get_unmatched  (const IctoLayout *self,
                                               guint            *n);
/* Rows and columns of grid @group; FALSE when @group is not a grid. */
gboolean           icto_layout_get_grid_size  (const IctoLayout *self,
                                               const char       *group,
                                               int              *rows,
                                               int              *cols);
/* Bounding box of view @view over all contacts (mm); FALSE when empty. */
gboolean           icto_layout_get_bounds     (const IctoLayout *self,
                                               guint             view,
                                               double           *x0,
                                               double           *y0,
                                               double           *x1,
                                               double           *y1);

/* ---- editing (the layout editor): each returns a new layout ---- */

/* A copy with every contact of @group that has no 3-D position moved by
 * (@dx, @dy) mm in both views (positioned contacts stay where their
 * positions put them).  The move survives icto_layout_to_tsv() and reading
 * back for layouts of one view.  NULL for an unknown group. */
IctoLayout *icto_layout_new_moved (const IctoLayout *self,
                                   const char       *group,
                                   double            dx,
                                   double            dy);

/* A copy where @group is a grid of @rows x @cols (1..64 each): contact n at
 * row (n-1) / cols, column (n-1) % cols, and, when it has no 3-D position,
 * drawn at the 10-mm pitch from the group's top-left contact.  Errors:
 * ICTO_SIGNAL_ERROR_LAYOUT (unknown group, size out of range, or a contact
 * number above rows x cols). */
IctoLayout *icto_layout_new_with_grid_size (const IctoLayout  *self,
                                            const char        *group,
                                            int                rows,
                                            int                cols,
                                            GError           **error);

/* "shaft", "grid", "strip". */
const char *icto_layout_shape_to_string (IctoLayoutShape shape);

/**
 * icto_layout_to_tsv:
 *
 * A BIDS electrodes.tsv (units mm): name x y z size group type dimension,
 * then our columns map_x map_y row column; n/a where unknown.  Read back
 * with icto_layout_new_from_tsv_data() (@unit_to_mm 1) it gives the same
 * contacts, groups, shapes, grid positions and 2-D positions (to 1e-3 mm).
 * Newly allocated.
 */
char *icto_layout_to_tsv (const IctoLayout *self);

/* A coordsystem.json for the TSV above (system "Other", units "mm"). */
char *icto_layout_coordsystem_json (void);

/* Writes icto_layout_to_tsv() to @path (ICTO_SIGNAL_ERROR_IO). */
gboolean icto_layout_write_tsv (const IctoLayout  *self,
                                const char        *path,
                                GError           **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (IctoLayout, icto_layout_unref)

G_END_DECLS
