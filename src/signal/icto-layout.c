/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "icto-layout"

#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <glib/gi18n.h>

#include "signal/icto-layout.h"
#include "signal/icto-montage.h"

#define GRID_PITCH   10.0
#define STRIP_PITCH  10.0
#define SHAFT_PITCH  5.0
#define GROUP_GAP    20.0
#define LINE_GAP     10.0
#define LABEL_ROOM   30.0
#define LINES_PER_COLUMN 12
#define MAX_NAME     256
#define MAX_COORD    1e6
#define MAX_GRID_DIM 64

typedef struct {
  char *name;
  IctoLayoutShape shape;
  int   rows, cols;       /* grids */
} Group;

struct _IctoLayout
{
  gatomicrefcount  ref;
  GArray          *contacts;   /* IctoContact */
  GArray          *groups;     /* Group */
  guint            n_views;
  gboolean         has_positions;
  gboolean         schematic;  /* no contact has a 3-D position */
};

G_DEFINE_BOXED_TYPE (IctoLayout, icto_layout, icto_layout_ref, icto_layout_unref)

/* One electrode while building. */
typedef struct {
  char    *label;
  int      channel;
  char    *group;       /* NULL: from the label */
  int      number;
  int      type;        /* -1 unknown, else IctoLayoutShape */
  int      dim_a, dim_b;/* from `dimension`, 0 unknown */
  int      row, col;    /* explicit, -1 */
  gboolean has_3d;
  double   pos[3];
  gboolean has_map;
  double   map[2];
} Entry;

static void
clear_entry (gpointer p)
{
  Entry *e = p;
  g_free (e->label);
  g_free (e->group);
}

static void
clear_contact (gpointer p)
{
  IctoContact *c = p;
  g_free (c->label);
  g_free (c->group);
}

static void
clear_group (gpointer p)
{
  Group *g = p;
  g_free (g->name);
}

static gboolean
set_error (GError **error, int code, const char *format, ...) G_GNUC_PRINTF (3, 4);

static gboolean
set_error (GError **error, int code, const char *format, ...)
{
  va_list ap;
  char *msg;

  va_start (ap, format);
  msg = g_strdup_vprintf (format, ap);
  va_end (ap);
  g_set_error_literal (error, ICTO_SIGNAL_ERROR, code, msg);
  g_free (msg);
  return FALSE;
}

/* ------------------------------------------------------------ label rule */

static const char *const non_contact_prefixes[] = {
  "ECG", "EKG", "EMG", "EOG", "DC", "RESP", "SPO2", "PULSE", "TRIG", "STI", "EVENT", "MARK",
};

static gboolean
is_non_contact (const char *label)
{
  const char *l = label;

  if (g_ascii_strncasecmp (l, "EEG ", 4) == 0)
    l += 4;
  for (guint i = 0; i < G_N_ELEMENTS (non_contact_prefixes); i++)
    if (g_ascii_strncasecmp (l, non_contact_prefixes[i], strlen (non_contact_prefixes[i])) == 0)
      return TRUE;
  return FALSE;
}

static gboolean
is_grid_name (const char *name)
{
  gsize len = strlen (name);

  return g_ascii_strcasecmp (name, "G") == 0 || g_ascii_strcasecmp (name, "GR") == 0 ||
         g_ascii_strcasecmp (name, "GRID") == 0 || g_ascii_strcasecmp (name, "C") == 0 ||
         (len > 4 && g_ascii_strcasecmp (name + len - 4, "GRID") == 0);
}

static void
grid_size_for (int n, int *rows, int *cols)
{
  int s = (int) floor (sqrt ((double) n) + 1e-9);

  if (s * s == n)
    {
      *rows = *cols = s;
      return;
    }
  if (n % 8 == 0)
    {
      *rows = n / 8;
      *cols = 8;
      return;
    }
  for (int d = s; d >= 2; d--)
    if (n % d == 0)
      {
        *rows = d;
        *cols = n / d;
        return;
      }
  *cols = (int) ceil (sqrt ((double) n));
  *rows = (n + *cols - 1) / *cols;
}

/* The label rule: is group @name with highest contact @max_number a grid? */
static gboolean
guess_grid (const char *name, int max_number, int *rows, int *cols)
{
  if (strchr (name, '\'') != NULL || max_number < 2)
    return FALSE;
  if ((max_number > 16 && max_number % 8 == 0) || (is_grid_name (name) && max_number >= 9))
    {
      grid_size_for (max_number, rows, cols);
      return TRUE;
    }
  return FALSE;
}

/* ------------------------------------------------------------ matching */

static char *
normalise_label (const char *label)
{
  char *l = g_strstrip (g_strdup (label));
  gsize len;

  if (g_ascii_strncasecmp (l, "EEG ", 4) == 0)
    memmove (l, l + 4, strlen (l + 4) + 1);
  len = strlen (l);
  if (len > 4 && g_ascii_strcasecmp (l + len - 4, "-Ref") == 0)
    l[len - 4] = '\0';
  return l;
}

typedef struct {
  GHashTable *exact;      /* trimmed label -> index + 1 */
  GHashTable *loose;      /* normalised label -> index + 1 */
} Matcher;

static void
matcher_init (Matcher *m, const char *const *labels, guint n)
{
  m->exact = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  m->loose = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (guint i = 0; i < n; i++)
    {
      char *t = g_strstrip (g_strdup (labels[i] ? labels[i] : ""));
      char *l = normalise_label (labels[i] ? labels[i] : "");

      if (!g_hash_table_contains (m->exact, t))
        g_hash_table_insert (m->exact, t, GUINT_TO_POINTER (i + 1));
      else
        g_free (t);
      if (!g_hash_table_contains (m->loose, l))
        g_hash_table_insert (m->loose, l, GUINT_TO_POINTER (i + 1));
      else
        g_free (l);
    }
}

static void
matcher_clear (Matcher *m)
{
  g_hash_table_unref (m->exact);
  g_hash_table_unref (m->loose);
}

static int
matcher_find (Matcher *m, const char *label)
{
  guint v = GPOINTER_TO_UINT (g_hash_table_lookup (m->exact, label));
  g_autofree char *l = NULL;

  if (v > 0)
    return (int) v - 1;
  l = normalise_label (label);
  v = GPOINTER_TO_UINT (g_hash_table_lookup (m->loose, l));
  return v > 0 ? (int) v - 1 : -1;
}

/* ------------------------------------------------------------ geometry */

/* Eigen-decomposition of a symmetric 3x3 matrix (cyclic Jacobi).  Columns of
 * @v are the eigenvectors of @w, sorted by decreasing eigenvalue. */
static void
eigen_sym3 (double a[3][3], double w[3], double v[3][3])
{
  for (int i = 0; i < 3; i++)
    for (int j = 0; j < 3; j++)
      v[i][j] = i == j ? 1.0 : 0.0;
  for (int sweep = 0; sweep < 50; sweep++)
    {
      double off = fabs (a[0][1]) + fabs (a[0][2]) + fabs (a[1][2]);
      if (off < 1e-15 * (fabs (a[0][0]) + fabs (a[1][1]) + fabs (a[2][2]) + 1e-300))
        break;
      for (int p = 0; p < 2; p++)
        for (int q = p + 1; q < 3; q++)
          {
            double theta, t, c, s;
            if (fabs (a[p][q]) < 1e-300)
              continue;
            theta = (a[q][q] - a[p][p]) / (2.0 * a[p][q]);
            t = (theta >= 0 ? 1.0 : -1.0) / (fabs (theta) + sqrt (theta * theta + 1.0));
            c = 1.0 / sqrt (t * t + 1.0);
            s = t * c;
            for (int k = 0; k < 3; k++)
              {
                double akp = a[k][p], akq = a[k][q];
                a[k][p] = c * akp - s * akq;
                a[k][q] = s * akp + c * akq;
              }
            for (int k = 0; k < 3; k++)
              {
                double apk = a[p][k], aqk = a[q][k];
                a[p][k] = c * apk - s * aqk;
                a[q][k] = s * apk + c * aqk;
              }
            for (int k = 0; k < 3; k++)
              {
                double vkp = v[k][p], vkq = v[k][q];
                v[k][p] = c * vkp - s * vkq;
                v[k][q] = s * vkp + c * vkq;
              }
          }
    }
  for (int i = 0; i < 3; i++)
    w[i] = a[i][i];
  /* sort by decreasing eigenvalue */
  for (int i = 0; i < 2; i++)
    for (int j = i + 1; j < 3; j++)
      if (w[j] > w[i])
        {
          double t = w[i];
          w[i] = w[j];
          w[j] = t;
          for (int k = 0; k < 3; k++)
            {
              t = v[k][i];
              v[k][i] = v[k][j];
              v[k][j] = t;
            }
        }
}

/* ------------------------------------------------------------ building */

static int
find_group (GArray *groups, const char *name)
{
  for (guint i = 0; i < groups->len; i++)
    if (strcmp (g_array_index (groups, Group, i).name, name) == 0)
      return (int) i;
  return -1;
}

static const IctoLayoutGridSpec *
find_spec (const IctoLayoutGridSpec *grids, guint n_grids, const char *name)
{
  for (guint i = 0; grids != NULL && i < n_grids; i++)
    if (grids[i].group != NULL && strcmp (grids[i].group, name) == 0 &&
        grids[i].rows >= 1 && grids[i].cols >= 1 && grids[i].rows <= MAX_GRID_DIM && grids[i].cols <= MAX_GRID_DIM)
      return &grids[i];
  return NULL;
}

static void
place_schematic (IctoLayout *self, const gboolean *placed, double ox, double oy)
{
  double x = 0, shelf_h = 0, lines_y;
  guint n_lines = 0;
  g_autofree double *group_len = g_new0 (double, self->groups->len + 1);
  g_autofree gboolean *group_used = g_new0 (gboolean, self->groups->len + 1);
  g_autofree int *group_seq = g_new0 (int, self->groups->len + 1);
  g_autofree double *gx = g_new0 (double, self->groups->len + 1);
  g_autofree double *gy = g_new0 (double, self->groups->len + 1);
  g_autofree int *next_index = g_new0 (int, self->groups->len + 1);
  guint col = 0, in_col = 0;
  double col_x = 0, col_w = 0;

  /* groups that have unplaced contacts, and their extent */
  for (guint i = 0; i < self->contacts->len; i++)
    {
      const IctoContact *c = &g_array_index (self->contacts, IctoContact, i);
      int g = find_group (self->groups, c->group);
      if (placed[i] || g < 0)
        continue;
      group_used[g] = TRUE;
    }
  for (guint g = 0; g < self->groups->len; g++)
    {
      const Group *gr = &g_array_index (self->groups, Group, g);
      if (!group_used[g] || gr->shape != ICTO_LAYOUT_GRID)
        continue;
      gx[g] = x;
      gy[g] = 0;
      x += (gr->cols - 1) * GRID_PITCH + GROUP_GAP;
      shelf_h = MAX (shelf_h, (gr->rows - 1) * GRID_PITCH);
    }
  lines_y = x > 0 ? shelf_h + GROUP_GAP : 0;

  /* line lengths: highest contact number (or count) in the group */
  for (guint i = 0; i < self->contacts->len; i++)
    {
      const IctoContact *c = &g_array_index (self->contacts, IctoContact, i);
      int g = find_group (self->groups, c->group);
      const Group *gr;
      int k;
      if (placed[i] || g < 0)
        continue;
      gr = &g_array_index (self->groups, Group, g);
      if (gr->shape == ICTO_LAYOUT_GRID)
        continue;
      k = c->number > 0 ? c->number : ++group_seq[g];
      group_len[g] = MAX (group_len[g], (k - 1) * (gr->shape == ICTO_LAYOUT_SHAFT ? SHAFT_PITCH : STRIP_PITCH));
    }
  for (guint g = 0; g < self->groups->len; g++)
    if (group_used[g] && g_array_index (self->groups, Group, g).shape != ICTO_LAYOUT_GRID)
      n_lines++;
  for (guint g = 0; g < self->groups->len; g++)
    {
      const Group *gr = &g_array_index (self->groups, Group, g);
      if (!group_used[g] || gr->shape == ICTO_LAYOUT_GRID)
        continue;
      if (in_col == LINES_PER_COLUMN)
        {
          col++;
          in_col = 0;
          col_x += col_w + LABEL_ROOM;
          col_w = 0;
        }
      gx[g] = col_x;
      gy[g] = lines_y + in_col * LINE_GAP;
      col_w = MAX (col_w, group_len[g]);
      in_col++;
    }
  (void) col;
  (void) n_lines;

  for (guint i = 0; i < self->contacts->len; i++)
    {
      IctoContact *c = &g_array_index (self->contacts, IctoContact, i);
      int g = find_group (self->groups, c->group);
      const Group *gr;
      double px, py;
      if (placed[i] || g < 0)
        continue;
      gr = &g_array_index (self->groups, Group, g);
      if (gr->shape == ICTO_LAYOUT_GRID)
        {
          px = gx[g] + c->col * GRID_PITCH;
          py = gy[g] + c->row * GRID_PITCH;
        }
      else
        {
          int k = c->number > 0 ? c->number : ++next_index[g];
          px = gx[g] + (k - 1) * (gr->shape == ICTO_LAYOUT_SHAFT ? SHAFT_PITCH : STRIP_PITCH);
          py = gy[g];
        }
      for (guint v = 0; v < 2; v++)
        {
          c->x[v] = ox + px;
          c->y[v] = oy + py;
        }
    }
}

static void
project (IctoLayout *self, gboolean *placed)
{
  guint n = 0;
  double centroid[3] = { 0, 0, 0 };
  gboolean any_line = FALSE, any_plane = FALSE;

  for (guint i = 0; i < self->contacts->len; i++)
    {
      const IctoContact *c = &g_array_index (self->contacts, IctoContact, i);
      if (!c->has_3d)
        continue;
      n++;
      for (int d = 0; d < 3; d++)
        centroid[d] += c->pos[d];
      if (c->shape == ICTO_LAYOUT_SHAFT)
        any_line = TRUE;
      else
        any_plane = TRUE;
    }
  if (n == 0)
    return;
  for (int d = 0; d < 3; d++)
    centroid[d] /= n;

  if (any_line || !any_plane)
    {
      /* two views of the brain: lateral and axial */
      self->n_views = 2;
      for (guint i = 0; i < self->contacts->len; i++)
        {
          IctoContact *c = &g_array_index (self->contacts, IctoContact, i);
          if (!c->has_3d)
            continue;
          c->x[0] = c->pos[1];
          c->y[0] = -c->pos[2];
          c->x[1] = c->pos[0];
          c->y[1] = -c->pos[1];
          placed[i] = TRUE;
        }
      return;
    }

  {
    double cov[3][3] = { { 0 } }, w[3], v[3][3], e1[3], e2[3];
    double su = 0, sv = 0;
    int best = -1, best_n = 0;

    for (guint i = 0; i < self->contacts->len; i++)
      {
        const IctoContact *c = &g_array_index (self->contacts, IctoContact, i);
        if (!c->has_3d)
          continue;
        for (int a = 0; a < 3; a++)
          for (int b = 0; b < 3; b++)
            cov[a][b] += (c->pos[a] - centroid[a]) * (c->pos[b] - centroid[b]);
      }
    eigen_sym3 (cov, w, v);
    for (int d = 0; d < 3; d++)
      {
        e1[d] = v[d][0];
        e2[d] = v[d][1];
      }
    /* the largest positioned grid orients the axes */
    for (guint g = 0; g < self->groups->len; g++)
      {
        const Group *gr = &g_array_index (self->groups, Group, g);
        int count = 0;
        if (gr->shape != ICTO_LAYOUT_GRID)
          continue;
        for (guint i = 0; i < self->contacts->len; i++)
          {
            const IctoContact *c = &g_array_index (self->contacts, IctoContact, i);
            count += c->has_3d && strcmp (c->group, gr->name) == 0;
          }
        if (count > best_n)
          {
            best_n = count;
            best = (int) g;
          }
      }
    for (guint i = 0; i < self->contacts->len; i++)
      {
        const IctoContact *c = &g_array_index (self->contacts, IctoContact, i);
        double p[3], u = 0, vv = 0;
        if (!c->has_3d)
          continue;
        for (int d = 0; d < 3; d++)
          {
            p[d] = c->pos[d] - centroid[d];
            u += p[d] * e1[d];
            vv += p[d] * e2[d];
          }
        if (best >= 0 && strcmp (c->group, g_array_index (self->groups, Group, best).name) == 0)
          {
            const Group *gr = &g_array_index (self->groups, Group, best);
            su += (c->col - (gr->cols - 1) / 2.0) * u;
            sv += (c->row - (gr->rows - 1) / 2.0) * vv;
          }
        else if (best < 0 && c->number > 0)
          su += c->number * u;
      }
    if (su < 0)
      for (int d = 0; d < 3; d++)
        e1[d] = -e1[d];
    if (best >= 0)
      {
        if (sv < 0)
          for (int d = 0; d < 3; d++)
            e2[d] = -e2[d];
      }
    else
      {
        double nrm[3] = {
          e1[1] * e2[2] - e1[2] * e2[1],
          e1[2] * e2[0] - e1[0] * e2[2],
          e1[0] * e2[1] - e1[1] * e2[0],
        };
        if (nrm[0] * centroid[0] + nrm[1] * centroid[1] + nrm[2] * centroid[2] > 0)
          for (int d = 0; d < 3; d++)
            e2[d] = -e2[d];
      }
    self->n_views = 1;
    for (guint i = 0; i < self->contacts->len; i++)
      {
        IctoContact *c = &g_array_index (self->contacts, IctoContact, i);
        double u = 0, vv = 0;
        if (!c->has_3d)
          continue;
        for (int d = 0; d < 3; d++)
          {
            u += (c->pos[d] - centroid[d]) * e1[d];
            vv += (c->pos[d] - centroid[d]) * e2[d];
          }
        c->x[0] = c->x[1] = u;
        c->y[0] = c->y[1] = vv;
        placed[i] = TRUE;
      }
    /* in the plane, turn the largest grid so that its rows are horizontal
     * (the principal axes of a square grid are arbitrary) */
    if (best >= 0)
      {
        const char *name = g_array_index (self->groups, Group, best).name;
        double du = 0, dv = 0, ru = 0, rv = 0, a, ca, sa;
        for (guint i = 0; i < self->contacts->len; i++)
          for (guint j = 0; j < self->contacts->len; j++)
            {
              const IctoContact *ci = &g_array_index (self->contacts, IctoContact, i);
              const IctoContact *cj = &g_array_index (self->contacts, IctoContact, j);
              if (!ci->has_3d || !cj->has_3d || strcmp (ci->group, name) != 0 || strcmp (cj->group, name) != 0)
                continue;
              if (ci->row == cj->row && cj->col == ci->col + 1)
                {
                  du += cj->x[0] - ci->x[0];
                  dv += cj->y[0] - ci->y[0];
                }
              if (ci->col == cj->col && cj->row == ci->row + 1)
                {
                  ru += cj->x[0] - ci->x[0];
                  rv += cj->y[0] - ci->y[0];
                }
            }
        a = (du != 0 || dv != 0) ? atan2 (dv, du) : (ru != 0 || rv != 0) ? atan2 (rv, ru) - G_PI / 2 : 0;
        ca = cos (a);
        sa = sin (a);
        /* after turning by -a, rows run along +x; columns must run along +y */
        if (-sa * ru + ca * rv < 0)
          for (guint i = 0; i < self->contacts->len; i++)
            {
              IctoContact *c = &g_array_index (self->contacts, IctoContact, i);
              if (c->has_3d)
                c->y[0] = c->y[1] = -c->y[0];
            }
        if (-sa * ru + ca * rv < 0)
          {
            /* mirrored: recompute the angle in the mirrored plane */
            a = -a;
            ca = cos (a);
            sa = sin (a);
          }
        for (guint i = 0; i < self->contacts->len; i++)
          {
            IctoContact *c = &g_array_index (self->contacts, IctoContact, i);
            double x, y;
            if (!c->has_3d)
              continue;
            x = ca * c->x[0] + sa * c->y[0];
            y = -sa * c->x[0] + ca * c->y[0];
            c->x[0] = c->x[1] = x;
            c->y[0] = c->y[1] = y;
          }
      }
  }
}

/* Builds the layout from entries (takes them). */
static IctoLayout *
build (GArray                   *entries,
       IctoLayoutHint            hint,
       const IctoLayoutGridSpec *grids,
       guint                     n_grids,
       GError                  **error)
{
  g_autoptr(IctoLayout) self = g_new0 (IctoLayout, 1);
  g_autofree int *max_number = NULL;
  g_autofree gboolean *placed = NULL;
  gboolean any_grid = FALSE;

  g_atomic_ref_count_init (&self->ref);
  self->contacts = g_array_new (FALSE, TRUE, sizeof (IctoContact));
  g_array_set_clear_func (self->contacts, clear_contact);
  self->groups = g_array_new (FALSE, TRUE, sizeof (Group));
  g_array_set_clear_func (self->groups, clear_group);
  self->n_views = 1;

  /* groups in order of first appearance */
  for (guint i = 0; i < entries->len; i++)
    {
      Entry *e = &g_array_index (entries, Entry, i);
      g_autofree char *shaft = NULL;
      int number = -1;

      if (icto_montage_parse_contact (e->label, &shaft, &number))
        e->number = number;
      else
        e->number = -1;
      if (e->group == NULL)
        e->group = shaft ? g_steal_pointer (&shaft) : g_strdup (e->label);
      if (find_group (self->groups, e->group) < 0)
        {
          Group g = { g_strdup (e->group), ICTO_LAYOUT_SHAFT, 0, 0 };
          g_array_append_val (self->groups, g);
        }
    }

  /* shapes and grid sizes */
  max_number = g_new0 (int, self->groups->len + 1);
  for (guint i = 0; i < entries->len; i++)
    {
      const Entry *e = &g_array_index (entries, Entry, i);
      int g = find_group (self->groups, e->group);
      max_number[g] = MAX (max_number[g], e->number);
    }
  for (guint g = 0; g < self->groups->len; g++)
    {
      Group *gr = &g_array_index (self->groups, Group, g);
      const IctoLayoutGridSpec *spec = find_spec (grids, n_grids, gr->name);
      int type = -1, da = 0, db = 0, max_row = -1, max_col = -1;

      for (guint i = 0; i < entries->len; i++)
        {
          const Entry *e = &g_array_index (entries, Entry, i);
          if (strcmp (e->group, gr->name) != 0)
            continue;
          if (e->type >= 0)
            type = e->type;
          if (e->dim_a > 0)
            {
              if (da > 0 && (da != e->dim_a || db != e->dim_b))
                return set_error (error, ICTO_SIGNAL_ERROR_LAYOUT,
                                  _("The electrodes of group “%s” give different dimensions"), gr->name), NULL;
              da = e->dim_a;
              db = e->dim_b;
            }
          max_row = MAX (max_row, e->row);
          max_col = MAX (max_col, e->col);
        }
      if (spec != NULL)
        {
          gr->shape = ICTO_LAYOUT_GRID;
          gr->rows = spec->rows;
          gr->cols = spec->cols;
        }
      else if (type == ICTO_LAYOUT_GRID || (type < 0 && da >= 2))
        {
          gr->shape = ICTO_LAYOUT_GRID;
          if (da >= 1)
            {
              /* smallest first per BIDS; swap when the rows given need it */
              gr->rows = da;
              gr->cols = db;
              if (max_row >= gr->rows || max_col >= gr->cols)
                {
                  gr->rows = db;
                  gr->cols = da;
                }
            }
          else if (max_row >= 0 && max_col >= 0)
            {
              gr->rows = max_row + 1;
              gr->cols = max_col + 1;
            }
          else if (max_number[g] >= 1)
            grid_size_for (max_number[g], &gr->rows, &gr->cols);
          else
            {
              guint count = 0;
              for (guint i = 0; i < entries->len; i++)
                count += strcmp (g_array_index (entries, Entry, i).group, gr->name) == 0;
              grid_size_for ((int) count, &gr->rows, &gr->cols);
            }
        }
      else if (type < 0 && da == 0 && guess_grid (gr->name, max_number[g], &gr->rows, &gr->cols))
        gr->shape = ICTO_LAYOUT_GRID;
      else
        gr->shape = type == ICTO_LAYOUT_STRIP ? ICTO_LAYOUT_STRIP : ICTO_LAYOUT_SHAFT;
      if (gr->shape == ICTO_LAYOUT_GRID)
        {
          any_grid = TRUE;
          if (max_row >= gr->rows || max_col >= gr->cols)
            return set_error (error, ICTO_SIGNAL_ERROR_LAYOUT,
                              _("A contact of grid “%s” lies outside its %d × %d size"),
                              gr->name, gr->rows, gr->cols), NULL;
        }
      /* keep the type of lines given in the file; else from the hint */
      if (gr->shape != ICTO_LAYOUT_GRID && type < 0)
        gr->shape = hint == ICTO_LAYOUT_HINT_ECOG ? ICTO_LAYOUT_STRIP : ICTO_LAYOUT_SHAFT;
    }
  if (hint == ICTO_LAYOUT_HINT_AUTO && any_grid)
    for (guint i = 0; i < entries->len; i++)
      {
        const Entry *e = &g_array_index (entries, Entry, i);
        Group *gr = &g_array_index (self->groups, Group, find_group (self->groups, e->group));
        if (gr->shape == ICTO_LAYOUT_SHAFT && e->type < 0)
          gr->shape = ICTO_LAYOUT_STRIP;
      }

  /* contacts */
  for (guint i = 0; i < entries->len; i++)
    {
      Entry *e = &g_array_index (entries, Entry, i);
      const Group *gr = &g_array_index (self->groups, Group, find_group (self->groups, e->group));
      IctoContact c = { 0 };

      c.label = g_steal_pointer (&e->label);
      c.group = g_strdup (e->group);
      c.channel = e->channel;
      c.shape = gr->shape;
      c.number = e->number;
      c.row = c.col = -1;
      if (gr->shape == ICTO_LAYOUT_GRID)
        {
          if (e->row >= 0 && e->col >= 0)
            {
              c.row = e->row;
              c.col = e->col;
            }
          else if (e->number >= 1 && e->number <= gr->rows * gr->cols)
            {
              c.row = (e->number - 1) / gr->cols;
              c.col = (e->number - 1) % gr->cols;
            }
          else
            {
              /* outside the grid's numbering: its own extra row */
              int k = MAX (e->number, 1) - 1;
              c.row = gr->rows;
              c.col = k % gr->cols;
            }
        }
      c.has_3d = e->has_3d;
      memcpy (c.pos, e->pos, sizeof c.pos);
      if (c.has_3d)
        self->has_positions = TRUE;
      g_array_append_val (self->contacts, c);
    }
  /* extra rows used by out-of-range numbers grow the grid */
  for (guint i = 0; i < self->contacts->len; i++)
    {
      const IctoContact *c = &g_array_index (self->contacts, IctoContact, i);
      if (c->shape == ICTO_LAYOUT_GRID)
        {
          Group *gr = &g_array_index (self->groups, Group, find_group (self->groups, c->group));
          gr->rows = MAX (gr->rows, c->row + 1);
        }
    }

  placed = g_new0 (gboolean, self->contacts->len + 1);
  project (self, placed);
  self->schematic = !self->has_positions;
  if (self->n_views == 1)
    for (guint i = 0; i < self->contacts->len; i++)
      {
        IctoContact *c = &g_array_index (self->contacts, IctoContact, i);
        const Entry *e = &g_array_index (entries, Entry, i);
        if (!placed[i] && e->has_map)
          {
            c->x[0] = c->x[1] = e->map[0];
            c->y[0] = c->y[1] = e->map[1];
            placed[i] = TRUE;
          }
      }
  {
    double ox[2] = { 0, 0 }, oy[2] = { 0, 0 };
    gboolean any_placed = FALSE, any_left = FALSE;

    for (guint i = 0; i < self->contacts->len; i++)
      {
        any_placed |= placed[i];
        any_left |= !placed[i];
      }
    if (any_left && any_placed)
      for (guint v = 0; v < self->n_views; v++)
        {
          double x0 = G_MAXDOUBLE, y0 = G_MAXDOUBLE, x1 = -G_MAXDOUBLE;
          for (guint i = 0; i < self->contacts->len; i++)
            {
              const IctoContact *c = &g_array_index (self->contacts, IctoContact, i);
              if (!placed[i])
                continue;
              x0 = MIN (x0, c->x[v]);
              x1 = MAX (x1, c->x[v]);
              y0 = MIN (y0, c->y[v]);
            }
          ox[v] = x1 + 15.0;
          oy[v] = y0;
        }
    if (any_left)
      {
        /* one schematic placement, shifted per view */
        place_schematic (self, placed, 0, 0);
        for (guint i = 0; i < self->contacts->len; i++)
          {
            IctoContact *c = &g_array_index (self->contacts, IctoContact, i);
            if (placed[i])
              continue;
            for (guint v = 0; v < 2; v++)
              {
                guint w = MIN (v, self->n_views - 1);
                c->x[v] = c->x[0] + ox[w];
                c->y[v] = c->y[0] + oy[w];
              }
          }
      }
  }
  return g_steal_pointer (&self);
}

IctoLayout *
icto_layout_new_from_labels (const char *const        *labels,
                             guint                     n_channels,
                             const char *const        *groups,
                             const gboolean           *skip,
                             IctoLayoutHint            hint,
                             const IctoLayoutGridSpec *grids,
                             guint                     n_grids)
{
  g_autoptr(GArray) entries = g_array_new (FALSE, TRUE, sizeof (Entry));
  IctoLayout *self;

  g_return_val_if_fail (labels != NULL || n_channels == 0, NULL);
  g_array_set_clear_func (entries, clear_entry);
  for (guint i = 0; i < n_channels && entries->len < ICTO_LAYOUT_MAX_CONTACTS; i++)
    {
      g_autofree char *shaft = NULL;
      int number;
      Entry e = { 0 };
      const char *group = groups ? groups[i] : NULL;
      g_autofree char *t = NULL;

      if ((skip && skip[i]) || labels[i] == NULL)
        continue;
      t = g_strstrip (g_strdup (labels[i]));
      if (is_non_contact (t) || !icto_montage_parse_contact (t, &shaft, &number))
        continue;
      e.label = g_steal_pointer (&t);
      e.channel = (int) i;
      e.group = group && *group && g_ascii_strcasecmp (group, "n/a") != 0 ? g_strdup (group) : NULL;
      e.type = -1;
      e.row = e.col = -1;
      g_array_append_val (entries, e);
    }
  self = build (entries, hint, grids, n_grids, NULL);
  g_assert (self != NULL);
  return self;
}

/* ------------------------------------------------------------ TSV */

static gboolean
parse_number (const char *cell, double *value, gboolean *present)
{
  char *end = NULL;
  double v;

  if (*cell == '\0' || g_ascii_strcasecmp (cell, "n/a") == 0)
    {
      *present = FALSE;
      *value = NAN;
      return TRUE;
    }
  v = g_ascii_strtod (cell, &end);
  if (end == cell || *end != '\0')
    return FALSE;
  *present = TRUE;
  *value = v;
  return TRUE;
}

static gboolean
parse_int_cell (const char *cell, int lo, int hi, int *value, gboolean *present)
{
  char *end = NULL;
  gint64 v;

  if (*cell == '\0' || g_ascii_strcasecmp (cell, "n/a") == 0)
    {
      *present = FALSE;
      return TRUE;
    }
  v = g_ascii_strtoll (cell, &end, 10);
  if (end == cell || *end != '\0' || v < lo || v > hi)
    return FALSE;
  *present = TRUE;
  *value = (int) v;
  return TRUE;
}

static int
parse_type (const char *cell)
{
  if (g_ascii_strcasecmp (cell, "depth") == 0 || g_ascii_strcasecmp (cell, "seeg") == 0 ||
      g_ascii_strcasecmp (cell, "shaft") == 0)
    return ICTO_LAYOUT_SHAFT;
  if (g_ascii_strcasecmp (cell, "grid") == 0)
    return ICTO_LAYOUT_GRID;
  if (g_ascii_strcasecmp (cell, "strip") == 0)
    return ICTO_LAYOUT_STRIP;
  return -1;
}

/* "[AxB]" -> a <= b */
static gboolean
parse_dimension (const char *cell, int *a, int *b)
{
  const char *p = cell;
  char *end = NULL;
  gint64 x, y;

  if (*p == '[')
    p++;
  x = g_ascii_strtoll (p, &end, 10);
  if (end == p || (*end != 'x' && *end != 'X'))
    return FALSE;
  p = end + 1;
  y = g_ascii_strtoll (p, &end, 10);
  if (end == p)
    return FALSE;
  if (*end == ']')
    end++;
  if (*end != '\0' || x < 1 || y < 1 || x > MAX_GRID_DIM || y > MAX_GRID_DIM)
    return FALSE;
  *a = (int) MIN (x, y);
  *b = (int) MAX (x, y);
  return TRUE;
}

IctoLayout *
icto_layout_new_from_tsv_data (const char         *text,
                               gssize              length,
                               double              unit_to_mm,
                               const char *const  *labels,
                               guint               n_channels,
                               const char *const  *groups,
                               const gboolean     *skip,
                               GError            **error)
{
  g_autoptr(GArray) entries = NULL;
  g_autofree char *copy = NULL;
  g_auto(GStrv) lines = NULL;
  g_auto(GStrv) header = NULL;
  g_autoptr(GHashTable) names = NULL;
  g_autofree gboolean *channel_used = NULL;
  enum { C_NAME, C_X, C_Y, C_Z, C_GROUP, C_TYPE, C_DIM, C_MAPX, C_MAPY, C_ROW, C_COL, N_COLS };
  static const char *const col_names[N_COLS] = {
    "name", "x", "y", "z", "group", "type", "dimension", "map_x", "map_y", "row", "column",
  };
  int col[N_COLS];
  guint n_header;
  Matcher matcher;
  gboolean has_type = FALSE;

  g_return_val_if_fail (text != NULL || length == 0, NULL);
  g_return_val_if_fail (labels != NULL || n_channels == 0, NULL);

  if (text == NULL)
    text = "";
  if (length < 0)
    length = (gssize) strlen (text);
  if ((gsize) length > ICTO_LAYOUT_MAX_TSV)
    return set_error (error, ICTO_SIGNAL_ERROR_LAYOUT, _("The electrode table is larger than 16 MiB")), NULL;
  if (memchr (text, 0, (gsize) length) != NULL || !g_utf8_validate (text, length, NULL))
    return set_error (error, ICTO_SIGNAL_ERROR_PARSE, _("Electrode table line 1: not UTF-8 text")), NULL;
  if (!(unit_to_mm > 0 && isfinite (unit_to_mm)))
    return set_error (error, ICTO_SIGNAL_ERROR_LAYOUT, _("The coordinate unit of the electrodes is not valid")), NULL;

  copy = g_strndup (text, (gsize) length);
  lines = g_strsplit (copy, "\n", -1);
  if (lines[0] == NULL || *g_strchomp (lines[0]) == '\0')
    return set_error (error, ICTO_SIGNAL_ERROR_PARSE, _("Electrode table line 1: the header row is missing")), NULL;
  /* a byte-order mark is tolerated */
  header = g_strsplit (g_str_has_prefix (lines[0], "\xEF\xBB\xBF") ? lines[0] + 3 : lines[0], "\t", -1);
  n_header = g_strv_length (header);
  for (int k = 0; k < N_COLS; k++)
    col[k] = -1;
  for (guint i = 0; i < n_header; i++)
    {
      g_strstrip (header[i]);
      if (header[i][0] == '\0')
        return set_error (error, ICTO_SIGNAL_ERROR_PARSE, _("Electrode table line 1: column %u has no name"), i + 1), NULL;
      for (guint j = 0; j < i; j++)
        if (strcmp (header[i], header[j]) == 0)
          return set_error (error, ICTO_SIGNAL_ERROR_PARSE,
                            _("Electrode table line 1: the column “%s” appears twice"), header[i]), NULL;
      for (int k = 0; k < N_COLS; k++)
        if (strcmp (header[i], col_names[k]) == 0)
          col[k] = (int) i;
    }
  if (col[C_NAME] < 0)
    return set_error (error, ICTO_SIGNAL_ERROR_PARSE, _("Electrode table line 1: there is no “name” column")), NULL;

  entries = g_array_new (FALSE, TRUE, sizeof (Entry));
  g_array_set_clear_func (entries, clear_entry);
  names = g_hash_table_new (g_str_hash, g_str_equal);
  matcher_init (&matcher, labels, n_channels);
  channel_used = g_new0 (gboolean, n_channels + 1);

  for (guint l = 1; lines[l] != NULL; l++)
    {
      g_auto(GStrv) cells = NULL;
      Entry e = { 0 };
      double v[3], m[2];
      gboolean have[3], have_m[2], present;
      const char *name;

      g_strchomp (lines[l]);
      if (lines[l][0] == '\0')
        continue;
      cells = g_strsplit (lines[l], "\t", -1);
      if (g_strv_length (cells) != n_header)
        {
          matcher_clear (&matcher);
          return set_error (error, ICTO_SIGNAL_ERROR_PARSE,
                            _("Electrode table line %u: %u cells where the header has %u"),
                            l + 1, g_strv_length (cells), n_header), NULL;
        }
      if (entries->len >= ICTO_LAYOUT_MAX_CONTACTS)
        {
          matcher_clear (&matcher);
          return set_error (error, ICTO_SIGNAL_ERROR_LAYOUT,
                            _("The electrode table has more than %d electrodes"), ICTO_LAYOUT_MAX_CONTACTS), NULL;
        }
      for (guint i = 0; i < n_header; i++)
        g_strstrip (cells[i]);
      name = cells[col[C_NAME]];
      if (*name == '\0' || g_ascii_strcasecmp (name, "n/a") == 0 || strlen (name) > MAX_NAME)
        {
          matcher_clear (&matcher);
          return set_error (error, ICTO_SIGNAL_ERROR_LAYOUT,
                            _("Electrode table line %u: the electrode has no valid name"), l + 1), NULL;
        }
      if (g_hash_table_contains (names, name))
        {
          matcher_clear (&matcher);
          return set_error (error, ICTO_SIGNAL_ERROR_LAYOUT,
                            _("Electrode table line %u: the electrode “%s” is listed twice"), l + 1, name), NULL;
        }
      for (int d = 0; d < 3; d++)
        {
          const int cc = d == 0 ? C_X : d == 1 ? C_Y : C_Z;
          have[d] = FALSE;
          v[d] = NAN;
          if (col[cc] >= 0 && !parse_number (cells[col[cc]], &v[d], &have[d]))
            {
              matcher_clear (&matcher);
              return set_error (error, ICTO_SIGNAL_ERROR_PARSE,
                                _("Electrode table line %u: “%s” is not a number"), l + 1, cells[col[cc]]), NULL;
            }
          if (have[d])
            {
              v[d] *= unit_to_mm;
              if (!isfinite (v[d]) || fabs (v[d]) >= MAX_COORD)
                {
                  matcher_clear (&matcher);
                  return set_error (error, ICTO_SIGNAL_ERROR_LAYOUT,
                                    _("Electrode table line %u: a coordinate is out of range"), l + 1), NULL;
                }
            }
        }
      for (int d = 0; d < 2; d++)
        {
          const int cc = d == 0 ? C_MAPX : C_MAPY;
          have_m[d] = FALSE;
          m[d] = NAN;
          if (col[cc] >= 0 && !parse_number (cells[col[cc]], &m[d], &have_m[d]))
            {
              matcher_clear (&matcher);
              return set_error (error, ICTO_SIGNAL_ERROR_PARSE,
                                _("Electrode table line %u: “%s” is not a number"), l + 1, cells[col[cc]]), NULL;
            }
          if (have_m[d] && (!isfinite (m[d]) || fabs (m[d]) >= MAX_COORD))
            {
              matcher_clear (&matcher);
              return set_error (error, ICTO_SIGNAL_ERROR_LAYOUT,
                                _("Electrode table line %u: a map position is out of range"), l + 1), NULL;
            }
        }
      e.label = g_strdup (name);
      e.type = -1;
      e.row = e.col = -1;
      e.has_3d = have[0] && have[1] && have[2];
      if (e.has_3d)
        memcpy (e.pos, v, sizeof e.pos);
      if (have_m[0] && have_m[1])
        {
          e.has_map = TRUE;
          e.map[0] = m[0];
          e.map[1] = m[1];
        }
      else if (have[0] && have[1] && !have[2])
        {
          /* a 2-D image position (row down) */
          e.has_map = TRUE;
          e.map[0] = v[0];
          e.map[1] = v[1];
        }
      if (col[C_GROUP] >= 0)
        {
          const char *g = cells[col[C_GROUP]];
          if (strlen (g) > MAX_NAME)
            {
              clear_entry (&e);
              matcher_clear (&matcher);
              return set_error (error, ICTO_SIGNAL_ERROR_LAYOUT,
                                _("Electrode table line %u: the group name is too long"), l + 1), NULL;
            }
          if (*g != '\0' && g_ascii_strcasecmp (g, "n/a") != 0)
            e.group = g_strdup (g);
        }
      if (col[C_TYPE] >= 0)
        {
          e.type = parse_type (cells[col[C_TYPE]]);
          has_type |= e.type >= 0;
        }
      if (col[C_DIM] >= 0 && *cells[col[C_DIM]] != '\0' && g_ascii_strcasecmp (cells[col[C_DIM]], "n/a") != 0 &&
          !parse_dimension (cells[col[C_DIM]], &e.dim_a, &e.dim_b))
        {
          clear_entry (&e);
          matcher_clear (&matcher);
          return set_error (error, ICTO_SIGNAL_ERROR_LAYOUT,
                            _("Electrode table line %u: the dimension “%s” is not of the form [AxB] with 1 to 64"),
                            l + 1, cells[col[C_DIM]]), NULL;
        }
      if ((col[C_ROW] >= 0 && !parse_int_cell (cells[col[C_ROW]], 0, MAX_GRID_DIM - 1, &e.row, &present)) ||
          (col[C_COL] >= 0 && !parse_int_cell (cells[col[C_COL]], 0, MAX_GRID_DIM - 1, &e.col, &present)))
        {
          clear_entry (&e);
          matcher_clear (&matcher);
          return set_error (error, ICTO_SIGNAL_ERROR_LAYOUT,
                            _("Electrode table line %u: a row or column is not a number from 0 to 63"), l + 1), NULL;
        }
      if ((e.row >= 0) != (e.col >= 0))
        e.row = e.col = -1;
      e.channel = matcher_find (&matcher, name);
      if (e.channel >= 0)
        {
          if (channel_used[e.channel])
            e.channel = -1;
          else
            channel_used[e.channel] = TRUE;
        }
      g_array_append_val (entries, e);
      g_hash_table_add (names, g_array_index (entries, Entry, entries->len - 1).label);
    }
  matcher_clear (&matcher);

  /* channels that look like contacts but are not in the table */
  for (guint i = 0; i < n_channels && entries->len < ICTO_LAYOUT_MAX_CONTACTS; i++)
    {
      g_autofree char *shaft = NULL;
      g_autofree char *t = NULL;
      int number;
      Entry e = { 0 };
      const char *group = groups ? groups[i] : NULL;

      if (channel_used[i] || (skip && skip[i]) || labels[i] == NULL)
        continue;
      t = g_strstrip (g_strdup (labels[i]));
      if (is_non_contact (t) || !icto_montage_parse_contact (t, &shaft, &number) ||
          g_hash_table_contains (names, t))
        continue;
      e.label = g_steal_pointer (&t);
      e.channel = (int) i;
      e.group = group && *group && g_ascii_strcasecmp (group, "n/a") != 0 ? g_strdup (group) : NULL;
      e.type = -1;
      e.row = e.col = -1;
      g_array_append_val (entries, e);
    }
  (void) has_type;
  return build (entries, ICTO_LAYOUT_HINT_AUTO, NULL, 0, error);
}

gboolean
icto_layout_read_coordsystem (const char  *path,
                              double      *unit_to_mm,
                              char       **system,
                              GError     **error)
{
  g_autofree char *contents = NULL;
  g_autoptr(GError) local = NULL;
  g_autofree char *unit = NULL;
  g_autofree char *sys = NULL;
  gsize len;
  const char *keys[2] = { "\"iEEGCoordinateUnits\"", "\"iEEGCoordinateSystem\"" };
  char **values[2] = { &unit, &sys };

  g_return_val_if_fail (path != NULL && unit_to_mm != NULL, FALSE);
  if (!g_file_get_contents (path, &contents, &len, &local))
    return set_error (error, ICTO_SIGNAL_ERROR_IO, _("Could not read “%s”: %s"), path, local->message);
  if (len > 1024 * 1024 || memchr (contents, 0, len) != NULL || !g_utf8_validate (contents, len, NULL))
    return set_error (error, ICTO_SIGNAL_ERROR_PARSE, _("“%s” is not a JSON text of at most 1 MiB"), path);
  {
    const char *p = contents;
    while (g_ascii_isspace (*p))
      p++;
    if (*p != '{')
      return set_error (error, ICTO_SIGNAL_ERROR_PARSE, _("“%s” is not a JSON object"), path);
  }
  /* only two string members are needed: a small scanner, not a JSON library */
  for (int k = 0; k < 2; k++)
    {
      const char *p = strstr (contents, keys[k]);
      const char *start;
      if (p == NULL)
        continue;
      p += strlen (keys[k]);
      while (g_ascii_isspace (*p))
        p++;
      if (*p != ':')
        return set_error (error, ICTO_SIGNAL_ERROR_PARSE, _("“%s”: “:” expected after %s"), path, keys[k]);
      p++;
      while (g_ascii_isspace (*p))
        p++;
      if (*p != '"')
        return set_error (error, ICTO_SIGNAL_ERROR_PARSE, _("“%s”: %s is not a string"), path, keys[k]);
      start = ++p;
      while (*p && *p != '"' && *p != '\\')
        p++;
      if (*p != '"' || p - start > MAX_NAME)
        return set_error (error, ICTO_SIGNAL_ERROR_PARSE, _("“%s”: %s is not a plain string"), path, keys[k]);
      *values[k] = g_strndup (start, p - start);
    }
  if (unit == NULL || g_ascii_strcasecmp (unit, "mm") == 0 || g_ascii_strcasecmp (unit, "pixels") == 0 ||
      g_ascii_strcasecmp (unit, "n/a") == 0)
    *unit_to_mm = 1.0;
  else if (strcmp (unit, "m") == 0)
    *unit_to_mm = 1000.0;
  else if (strcmp (unit, "cm") == 0)
    *unit_to_mm = 10.0;
  else
    return set_error (error, ICTO_SIGNAL_ERROR_LAYOUT, _("“%s”: unknown coordinate unit “%s” (m, cm, mm or pixels)"),
                      path, unit);
  if (system != NULL)
    *system = g_steal_pointer (&sys);
  return TRUE;
}

static char *
base_of (const char *path)
{
  gsize len = strlen (path);
  const char *dot = strrchr (path, '.');
  const char *slash = strrchr (path, G_DIR_SEPARATOR);

  if (dot != NULL && (slash == NULL || dot > slash))
    len = dot - path;
  return g_strndup (path, len);
}

char *
icto_layout_find_sidecar (const char *recording_path,
                          const char *kind)
{
  g_autofree char *base = NULL;
  static const char *const suffixes[] = { "_ieeg", "_ecog", "_seeg" };
  char *candidate;

  g_return_val_if_fail (recording_path != NULL && kind != NULL, NULL);
  base = base_of (recording_path);
  candidate = g_strdup_printf ("%s_%s", base, kind);
  if (g_file_test (candidate, G_FILE_TEST_IS_REGULAR))
    return candidate;
  g_free (candidate);
  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    if (g_str_has_suffix (base, suffixes[i]))
      {
        candidate = g_strdup_printf ("%.*s_%s", (int) (strlen (base) - strlen (suffixes[i])), base, kind);
        if (g_file_test (candidate, G_FILE_TEST_IS_REGULAR))
          return candidate;
        g_free (candidate);
      }
  return NULL;
}

IctoLayout *
icto_layout_new_from_bids (const char         *electrodes_path,
                           const char         *coordsystem_path,
                           const char *const  *labels,
                           guint               n_channels,
                           const char *const  *groups,
                           const gboolean     *skip,
                           GError            **error)
{
  g_autofree char *contents = NULL;
  g_autofree char *coords = NULL;
  g_autoptr(GError) local = NULL;
  double unit = 1.0;
  gsize len;

  g_return_val_if_fail (electrodes_path != NULL, NULL);
  if (!g_file_get_contents (electrodes_path, &contents, &len, &local))
    return set_error (error, ICTO_SIGNAL_ERROR_IO, _("Could not read “%s”: %s"), electrodes_path, local->message), NULL;
  if (coordsystem_path != NULL)
    coords = g_strdup (coordsystem_path);
  else
    {
      /* sub-01_ses-x_space-Y_electrodes.tsv -> sub-01_ses-x_space-Y_coordsystem.json */
      if (g_str_has_suffix (electrodes_path, "_electrodes.tsv"))
        {
          g_autofree char *prefix = g_strndup (electrodes_path, strlen (electrodes_path) - strlen ("_electrodes.tsv"));
          coords = g_strdup_printf ("%s_coordsystem.json", prefix);
          if (!g_file_test (coords, G_FILE_TEST_IS_REGULAR))
            g_clear_pointer (&coords, g_free);
        }
    }
  if (coords != NULL && !icto_layout_read_coordsystem (coords, &unit, NULL, error))
    return NULL;
  if (len > ICTO_LAYOUT_MAX_TSV)
    return set_error (error, ICTO_SIGNAL_ERROR_LAYOUT, _("“%s” is larger than 16 MiB"), electrodes_path), NULL;
  return icto_layout_new_from_tsv_data (contents, (gssize) len, unit, labels, n_channels, groups, skip, error);
}

/* ------------------------------------------------------------ editing */

static IctoLayout *
layout_copy (const IctoLayout *self)
{
  IctoLayout *copy = g_new0 (IctoLayout, 1);

  g_atomic_ref_count_init (&copy->ref);
  copy->contacts = g_array_new (FALSE, TRUE, sizeof (IctoContact));
  g_array_set_clear_func (copy->contacts, clear_contact);
  copy->groups = g_array_new (FALSE, TRUE, sizeof (Group));
  g_array_set_clear_func (copy->groups, clear_group);
  for (guint i = 0; i < self->contacts->len; i++)
    {
      IctoContact c = g_array_index (self->contacts, IctoContact, i);
      c.label = g_strdup (c.label);
      c.group = g_strdup (c.group);
      g_array_append_val (copy->contacts, c);
    }
  for (guint i = 0; i < self->groups->len; i++)
    {
      Group g = g_array_index (self->groups, Group, i);
      g.name = g_strdup (g.name);
      g_array_append_val (copy->groups, g);
    }
  copy->n_views = self->n_views;
  copy->has_positions = self->has_positions;
  copy->schematic = self->schematic;
  return copy;
}

IctoLayout *
icto_layout_new_moved (const IctoLayout *self,
                       const char       *group,
                       double            dx,
                       double            dy)
{
  IctoLayout *copy;

  g_return_val_if_fail (self != NULL && group != NULL, NULL);
  if (find_group (self->groups, group) < 0 || !isfinite (dx) || !isfinite (dy))
    return NULL;
  copy = layout_copy (self);
  for (guint i = 0; i < copy->contacts->len; i++)
    {
      IctoContact *c = &g_array_index (copy->contacts, IctoContact, i);
      if (c->has_3d || strcmp (c->group, group) != 0)
        continue;
      for (guint v = 0; v < 2; v++)
        {
          c->x[v] += dx;
          c->y[v] += dy;
        }
    }
  return copy;
}

IctoLayout *
icto_layout_new_with_grid_size (const IctoLayout  *self,
                                const char        *group,
                                int                rows,
                                int                cols,
                                GError           **error)
{
  IctoLayout *copy;
  Group *gr;
  int g;
  double x0[2] = { G_MAXDOUBLE, G_MAXDOUBLE }, y0[2] = { G_MAXDOUBLE, G_MAXDOUBLE };

  g_return_val_if_fail (self != NULL && group != NULL, NULL);
  g = find_group (self->groups, group);
  if (g < 0)
    return set_error (error, ICTO_SIGNAL_ERROR_LAYOUT, _("There is no group “%s”"), group), NULL;
  if (rows < 1 || cols < 1 || rows > MAX_GRID_DIM || cols > MAX_GRID_DIM)
    return set_error (error, ICTO_SIGNAL_ERROR_LAYOUT, _("A grid has 1 to 64 rows and columns")), NULL;
  for (guint i = 0; i < self->contacts->len; i++)
    {
      const IctoContact *c = &g_array_index (self->contacts, IctoContact, i);
      if (strcmp (c->group, group) != 0)
        continue;
      if (c->number > rows * cols)
        return set_error (error, ICTO_SIGNAL_ERROR_LAYOUT,
                          _("Contact %s does not fit a %d × %d grid"), c->label, rows, cols), NULL;
      for (guint v = 0; v < 2; v++)
        {
          x0[v] = MIN (x0[v], c->x[v]);
          y0[v] = MIN (y0[v], c->y[v]);
        }
    }
  copy = layout_copy (self);
  gr = &g_array_index (copy->groups, Group, g);
  gr->shape = ICTO_LAYOUT_GRID;
  gr->rows = rows;
  gr->cols = cols;
  for (guint i = 0, k = 0; i < copy->contacts->len; i++)
    {
      IctoContact *c = &g_array_index (copy->contacts, IctoContact, i);
      int n;
      if (strcmp (c->group, group) != 0)
        continue;
      n = c->number >= 1 ? c->number : (int) ++k;
      c->shape = ICTO_LAYOUT_GRID;
      c->row = (n - 1) / cols;
      c->col = (n - 1) % cols;
      if (!c->has_3d)
        for (guint v = 0; v < 2; v++)
          {
            c->x[v] = x0[v] + c->col * GRID_PITCH;
            c->y[v] = y0[v] + c->row * GRID_PITCH;
          }
    }
  return copy;
}

/* ------------------------------------------------------------ accessors */

IctoLayout *
icto_layout_ref (IctoLayout *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_atomic_ref_count_inc (&self->ref);
  return self;
}

void
icto_layout_unref (IctoLayout *self)
{
  g_return_if_fail (self != NULL);
  if (g_atomic_ref_count_dec (&self->ref))
    {
      g_clear_pointer (&self->contacts, g_array_unref);
      g_clear_pointer (&self->groups, g_array_unref);
      g_free (self);
    }
}

guint
icto_layout_get_n_contacts (const IctoLayout *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->contacts->len;
}

const IctoContact *
icto_layout_get_contact (const IctoLayout *self,
                         guint             index)
{
  g_return_val_if_fail (self != NULL && index < self->contacts->len, NULL);
  return &g_array_index (self->contacts, IctoContact, index);
}

guint
icto_layout_get_n_views (const IctoLayout *self)
{
  g_return_val_if_fail (self != NULL, 1);
  return self->n_views;
}

const char *
icto_layout_get_view_title (const IctoLayout *self,
                            guint             view)
{
  g_return_val_if_fail (self != NULL, NULL);
  if (self->schematic)
    return _("Schematic");
  if (self->n_views == 1)
    return _("Plane");
  return view == 0 ? _("Lateral") : _("Axial");
}

gboolean
icto_layout_has_positions (const IctoLayout *self)
{
  g_return_val_if_fail (self != NULL, FALSE);
  return self->has_positions;
}

int
icto_layout_find_channel (const IctoLayout *self,
                          int               channel)
{
  g_return_val_if_fail (self != NULL, -1);
  if (channel < 0)
    return -1;
  for (guint i = 0; i < self->contacts->len; i++)
    if (g_array_index (self->contacts, IctoContact, i).channel == channel)
      return (int) i;
  return -1;
}

int
icto_layout_find_label (const IctoLayout *self,
                        const char       *label)
{
  g_return_val_if_fail (self != NULL && label != NULL, -1);
  for (guint i = 0; i < self->contacts->len; i++)
    if (strcmp (g_array_index (self->contacts, IctoContact, i).label, label) == 0)
      return (int) i;
  return -1;
}

const char **
icto_layout_get_unmatched (const IctoLayout *self,
                           guint            *n)
{
  GPtrArray *a = g_ptr_array_new ();

  g_return_val_if_fail (self != NULL, NULL);
  for (guint i = 0; i < self->contacts->len; i++)
    {
      const IctoContact *c = &g_array_index (self->contacts, IctoContact, i);
      if (c->channel < 0)
        g_ptr_array_add (a, c->label);
    }
  if (n)
    *n = a->len;
  g_ptr_array_add (a, NULL);
  return (const char **) g_ptr_array_free (a, FALSE);
}

gboolean
icto_layout_get_grid_size (const IctoLayout *self,
                           const char       *group,
                           int              *rows,
                           int              *cols)
{
  int g;

  g_return_val_if_fail (self != NULL && group != NULL, FALSE);
  g = find_group (self->groups, group);
  if (g < 0 || g_array_index (self->groups, Group, g).shape != ICTO_LAYOUT_GRID)
    return FALSE;
  if (rows)
    *rows = g_array_index (self->groups, Group, g).rows;
  if (cols)
    *cols = g_array_index (self->groups, Group, g).cols;
  return TRUE;
}

gboolean
icto_layout_get_bounds (const IctoLayout *self,
                        guint             view,
                        double           *x0,
                        double           *y0,
                        double           *x1,
                        double           *y1)
{
  double a = G_MAXDOUBLE, b = G_MAXDOUBLE, c = -G_MAXDOUBLE, d = -G_MAXDOUBLE;

  g_return_val_if_fail (self != NULL && view < 2, FALSE);
  if (self->contacts->len == 0)
    return FALSE;
  for (guint i = 0; i < self->contacts->len; i++)
    {
      const IctoContact *k = &g_array_index (self->contacts, IctoContact, i);
      a = MIN (a, k->x[view]);
      b = MIN (b, k->y[view]);
      c = MAX (c, k->x[view]);
      d = MAX (d, k->y[view]);
    }
  *x0 = a;
  *y0 = b;
  *x1 = c;
  *y1 = d;
  return TRUE;
}

const char *
icto_layout_shape_to_string (IctoLayoutShape shape)
{
  switch (shape)
    {
    case ICTO_LAYOUT_GRID: return "grid";
    case ICTO_LAYOUT_STRIP: return "strip";
    case ICTO_LAYOUT_SHAFT:
    default: return "shaft";
    }
}

static void
append_num (GString *s, double v)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  if (!isfinite (v))
    g_string_append (s, "n/a");
  else
    g_string_append (s, g_ascii_formatd (buf, sizeof buf, "%.4f", v));
}

char *
icto_layout_to_tsv (const IctoLayout *self)
{
  GString *s = g_string_new ("name\tx\ty\tz\tsize\tgroup\ttype\tdimension\tmap_x\tmap_y\trow\tcolumn\n");

  g_return_val_if_fail (self != NULL, NULL);
  for (guint i = 0; i < self->contacts->len; i++)
    {
      const IctoContact *c = &g_array_index (self->contacts, IctoContact, i);
      int rows = 0, cols = 0;

      g_string_append_printf (s, "%s\t", c->label);
      for (int d = 0; d < 3; d++)
        {
          append_num (s, c->has_3d ? c->pos[d] : NAN);
          g_string_append_c (s, '\t');
        }
      g_string_append_printf (s, "n/a\t%s\t%s\t", c->group,
                              c->shape == ICTO_LAYOUT_SHAFT ? "depth" : icto_layout_shape_to_string (c->shape));
      if (c->shape == ICTO_LAYOUT_GRID && icto_layout_get_grid_size (self, c->group, &rows, &cols))
        g_string_append_printf (s, "[%dx%d]", MIN (rows, cols), MAX (rows, cols));
      else
        g_string_append (s, "n/a");
      g_string_append_c (s, '\t');
      append_num (s, c->x[0]);
      g_string_append_c (s, '\t');
      append_num (s, c->y[0]);
      if (c->row >= 0)
        g_string_append_printf (s, "\t%d\t%d\n", c->row, c->col);
      else
        g_string_append (s, "\tn/a\tn/a\n");
    }
  return g_string_free (s, FALSE);
}

char *
icto_layout_coordsystem_json (void)
{
  return g_strdup ("{\n"
                   "  \"iEEGCoordinateSystem\": \"Other\",\n"
                   "  \"iEEGCoordinateUnits\": \"mm\",\n"
                   "  \"iEEGCoordinateSystemDescription\": \"Written by Ictoscope: the positions of the source layout, in mm; map_x and map_y are the 2-D drawing positions (mm, y down).\"\n"
                   "}\n");
}

gboolean
icto_layout_write_tsv (const IctoLayout  *self,
                       const char        *path,
                       GError           **error)
{
  g_autofree char *text = icto_layout_to_tsv (self);
  g_autoptr(GError) local = NULL;

  if (!g_file_set_contents (path, text, -1, &local))
    return set_error (error, ICTO_SIGNAL_ERROR_IO, _("Could not write “%s”: %s"), path, local->message);
  return TRUE;
}
