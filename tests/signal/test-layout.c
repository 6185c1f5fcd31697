/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "icto-test"

#include "config.h"

#include <math.h>
#include <string.h>

#include "signal/icto-layout.h"
#include "signal/icto-recording.h"
#include "icto-test-util.h"

typedef struct {
  IctoRecording *rec;
  GPtrArray     *labels;
} Channels;

static gboolean
open_channels (const char *relative, Channels *ch)
{
  g_autofree char *path = icto_test_shared_path (relative);
  g_autoptr(GError) error = NULL;

  if (path == NULL)
    return FALSE;
  ch->rec = icto_recording_open (path, &error);
  g_assert_no_error (error);
  ch->labels = g_ptr_array_new ();
  for (guint i = 0; i < icto_recording_get_n_signals (ch->rec); i++)
    g_ptr_array_add (ch->labels, icto_recording_get_signal (ch->rec, i)->label);
  return TRUE;
}

static void
close_channels (Channels *ch)
{
  g_clear_object (&ch->rec);
  g_clear_pointer (&ch->labels, g_ptr_array_unref);
}

static int
signal_index (Channels *ch, const char *label)
{
  for (guint i = 0; i < ch->labels->len; i++)
    if (strcmp (ch->labels->pdata[i], label) == 0)
      return (int) i;
  return -1;
}

static const IctoContact *
contact (IctoLayout *layout, const char *label)
{
  int i = icto_layout_find_label (layout, label);

  g_assert_cmpint (i, >=, 0);
  return icto_layout_get_contact (layout, (guint) i);
}

static double
dist (const IctoContact *a, const IctoContact *b, guint view)
{
  return hypot (a->x[view] - b->x[view], a->y[view] - b->y[view]);
}

/* Every contact of grid @group: its nearest other contact in the drawing
 * is a grid neighbour, and grid neighbours are closer than 1.6 x the median
 * neighbour distance. */
static void
assert_grid_neighbours (IctoLayout *layout, const char *group, guint view)
{
  g_autoptr(GArray) d = g_array_new (FALSE, FALSE, sizeof (double));
  double median;
  guint n = icto_layout_get_n_contacts (layout), checked = 0;

  for (guint i = 0; i < n; i++)
    for (guint j = 0; j < n; j++)
      {
        const IctoContact *a = icto_layout_get_contact (layout, i);
        const IctoContact *b = icto_layout_get_contact (layout, j);
        if (i != j && strcmp (a->group, group) == 0 && strcmp (b->group, group) == 0 &&
            abs (a->row - b->row) + abs (a->col - b->col) == 1)
          {
            double x = dist (a, b, view);
            g_array_append_val (d, x);
          }
      }
  g_assert_cmpuint (d->len, >, 0);
  {
    /* median by selection */
    double *v = (double *) d->data;
    for (guint i = 0; i < d->len; i++)
      for (guint j = i + 1; j < d->len; j++)
        if (v[j] < v[i])
          {
            double t = v[i];
            v[i] = v[j];
            v[j] = t;
          }
    median = v[d->len / 2];
  }
  for (guint i = 0; i < n; i++)
    {
      const IctoContact *a = icto_layout_get_contact (layout, i);
      double best = G_MAXDOUBLE;
      int best_j = -1;
      if (strcmp (a->group, group) != 0)
        continue;
      for (guint j = 0; j < n; j++)
        {
          const IctoContact *b = icto_layout_get_contact (layout, j);
          if (i == j || strcmp (b->group, group) != 0)
            continue;
          if (dist (a, b, view) < best)
            {
              best = dist (a, b, view);
              best_j = (int) j;
            }
          if (abs (a->row - b->row) + abs (a->col - b->col) == 1)
            g_assert_cmpfloat (dist (a, b, view), <, 1.6 * median);
        }
      g_assert_cmpint (best_j, >=, 0);
      {
        const IctoContact *b = icto_layout_get_contact (layout, (guint) best_j);
        g_assert_cmpint (abs (a->row - b->row) + abs (a->col - b->col), ==, 1);
      }
      checked++;
    }
  g_assert_cmpuint (checked, >, 1);
}

/* ------------------------------------------------------------ real data */

static void
test_seeg_sample (void)
{
  Channels ch = { 0 };
  g_autofree char *tsv = NULL;
  g_autoptr(IctoLayout) layout = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree const char **unmatched = NULL;
  const IctoContact *c;
  guint n_unmatched = 99;
  const char *shafts[] = { "L'", "N'", "F'", "O'", "G'", "X'" };
  const int counts[] = { 14, 12, 14, 16, 16, 16 };

  if (!open_channels ("data/real/seeg_mne_sample/sample_seeg.edf", &ch))
    return;
  tsv = icto_layout_find_sidecar (icto_recording_get_path (ch.rec), "electrodes.tsv");
  g_assert_nonnull (tsv);
  layout = icto_layout_new_from_bids (tsv, NULL, (const char *const *) ch.labels->pdata, ch.labels->len,
                                      NULL, NULL, &error);
  g_assert_no_error (error);
  /* 88 depth contacts; DC01-DC08 and EKG1/2 are not contacts */
  g_assert_cmpuint (icto_layout_get_n_contacts (layout), ==, 88);
  g_assert_cmpuint (icto_layout_get_n_views (layout), ==, 2);
  g_assert_true (icto_layout_has_positions (layout));
  unmatched = icto_layout_get_unmatched (layout, &n_unmatched);
  g_assert_cmpuint (n_unmatched, ==, 0);
  for (guint s = 0; s < G_N_ELEMENTS (shafts); s++)
    {
      guint n = 0;
      for (guint i = 0; i < 88; i++)
        {
          c = icto_layout_get_contact (layout, i);
          if (strcmp (c->group, shafts[s]) == 0)
            {
              n++;
              g_assert_cmpint (c->shape, ==, ICTO_LAYOUT_SHAFT);
              g_assert_true (c->has_3d);
              g_assert_cmpint (c->row, ==, -1);
              g_assert_cmpint (c->channel, >=, 0);
              g_assert_cmpstr (ch.labels->pdata[c->channel], ==, c->label);
            }
        }
      g_assert_cmpuint (n, ==, (guint) counts[s]);
    }
  g_assert_cmpint (icto_layout_find_label (layout, "DC01"), ==, -1);
  /* L'1 at MNI (-2.501, 49.138, 50.471) mm: lateral (y, -z), axial (x, -y) */
  c = contact (layout, "L'1");
  g_assert_cmpfloat_with_epsilon (c->x[0], 49.138, 1e-9);
  g_assert_cmpfloat_with_epsilon (c->y[0], -50.471, 1e-9);
  g_assert_cmpfloat_with_epsilon (c->x[1], -2.501, 1e-9);
  g_assert_cmpfloat_with_epsilon (c->y[1], -49.138, 1e-9);
  g_assert_cmpint (c->number, ==, 1);
  /* file order is not label order: L'9 comes after N'7 */
  g_assert_cmpint (contact (layout, "L'9")->channel, ==, signal_index (&ch, "L'9"));
  g_assert_cmpint (contact (layout, "L'9")->channel, >, signal_index (&ch, "N'7"));
  /* neighbouring contacts of a shaft are a few mm apart in 3-D */
  g_assert_cmpfloat (dist (contact (layout, "L'1"), contact (layout, "L'2"), 1), <, 5.0);
  close_channels (&ch);
}

static void
test_ecog_sample (void)
{
  Channels ch = { 0 };
  g_autofree char *tsv = NULL;
  g_autoptr(IctoLayout) layout = NULL;
  g_autoptr(GError) error = NULL;
  int rows = 0, cols = 0;
  guint n_grid = 0, n_strip = 0;

  if (!open_channels ("data/real/ecog_mne_sample/sample_ecog.edf", &ch))
    return;
  tsv = icto_layout_find_sidecar (icto_recording_get_path (ch.rec), "electrodes.tsv");
  g_assert_nonnull (tsv);
  layout = icto_layout_new_from_bids (tsv, NULL, (const char *const *) ch.labels->pdata, ch.labels->len,
                                      NULL, NULL, &error);
  g_assert_no_error (error);
  /* 64 grid contacts with positions (metres), 12 strip contacts without; no EKG */
  g_assert_cmpuint (icto_layout_get_n_contacts (layout), ==, 76);
  g_assert_cmpuint (icto_layout_get_n_views (layout), ==, 1);
  g_assert_true (icto_layout_get_grid_size (layout, "C", &rows, &cols));
  g_assert_cmpint (rows, ==, 8);
  g_assert_cmpint (cols, ==, 8);
  g_assert_false (icto_layout_get_grid_size (layout, "BTM", NULL, NULL));
  for (guint i = 0; i < 76; i++)
    {
      const IctoContact *c = icto_layout_get_contact (layout, i);
      g_assert_cmpint (c->channel, >=, 0);
      if (c->shape == ICTO_LAYOUT_GRID)
        {
          n_grid++;
          g_assert_true (c->has_3d);
          g_assert_cmpint (c->row, ==, (c->number - 1) / 8);
          g_assert_cmpint (c->col, ==, (c->number - 1) % 8);
        }
      else
        {
          n_strip++;
          g_assert_cmpint (c->shape, ==, ICTO_LAYOUT_STRIP);
          g_assert_false (c->has_3d);
        }
    }
  g_assert_cmpuint (n_grid, ==, 64);
  g_assert_cmpuint (n_strip, ==, 12);
  /* C1 at (-0.0132, -0.0654, 0.0702) m is read in mm */
  g_assert_cmpfloat_with_epsilon (contact (layout, "C1")->pos[0], -13.2, 1e-9);
  /* the best-fitting plane keeps grid neighbours neighbours, about 10 mm apart */
  assert_grid_neighbours (layout, "C", 0);
  {
    double d = dist (contact (layout, "C1"), contact (layout, "C2"), 0);
    g_assert_cmpfloat (d, >, 4.0);
    g_assert_cmpfloat (d, <, 15.0);
  }
  /* x grows with the column and y with the row: rows are turned horizontal */
  g_assert_cmpfloat (contact (layout, "C8")->x[0], >, contact (layout, "C1")->x[0]);
  g_assert_cmpfloat (contact (layout, "C57")->y[0], >, contact (layout, "C1")->y[0]);
  g_assert_cmpfloat (fabs (contact (layout, "C8")->y[0] - contact (layout, "C1")->y[0]), <,
                     0.2 * (contact (layout, "C8")->x[0] - contact (layout, "C1")->x[0]));
  g_assert_cmpfloat (fabs (contact (layout, "C57")->x[0] - contact (layout, "C1")->x[0]), <,
                     0.3 * (contact (layout, "C57")->y[0] - contact (layout, "C1")->y[0]));
  /* the strips are drawn beside the grid, not on it */
  {
    double x0, y0, x1, y1;
    double gx1 = -G_MAXDOUBLE;
    g_assert_true (icto_layout_get_bounds (layout, 0, &x0, &y0, &x1, &y1));
    for (guint i = 0; i < 76; i++)
      if (icto_layout_get_contact (layout, i)->shape == ICTO_LAYOUT_GRID)
        gx1 = MAX (gx1, icto_layout_get_contact (layout, i)->x[0]);
    g_assert_cmpfloat (contact (layout, "BTM1")->x[0], >, gx1);
  }
  close_channels (&ch);
}

static void
test_pt01 (void)
{
  Channels ch = { 0 };
  g_autoptr(IctoLayout) layout = NULL;
  int rows = 0, cols = 0;
  const char *strips[] = { "ATT", "PLT", "AST", "PST", "AD", "PD", "SF", "IF", "ILT", "MLT", "SLT" };

  if (!open_channels ("data/real/ecog_pt01_seizure1/pt01_seizure1_ecog.edf", &ch))
    return;
  /* no electrodes.tsv: the label rule */
  g_assert_null (icto_layout_find_sidecar (icto_recording_get_path (ch.rec), "electrodes.tsv"));
  layout = icto_layout_new_from_labels ((const char *const *) ch.labels->pdata, ch.labels->len, NULL, NULL,
                                        ICTO_LAYOUT_HINT_AUTO, NULL, 0);
  g_assert_cmpuint (icto_layout_get_n_contacts (layout), ==, 84);
  g_assert_false (icto_layout_has_positions (layout));
  g_assert_cmpstr (icto_layout_get_view_title (layout, 0), ==, "Schematic");
  /* G1..G32 (G5, G6, G11, G12 absent): 4 x 8 */
  g_assert_true (icto_layout_get_grid_size (layout, "G", &rows, &cols));
  g_assert_cmpint (rows, ==, 4);
  g_assert_cmpint (cols, ==, 8);
  g_assert_cmpint (icto_layout_find_label (layout, "G5"), ==, -1);
  g_assert_cmpint (contact (layout, "G13")->row, ==, 1);
  g_assert_cmpint (contact (layout, "G13")->col, ==, 4);
  /* channel order unlike label order: matched by label */
  g_assert_cmpint (contact (layout, "G13")->channel, ==, signal_index (&ch, "G13"));
  g_assert_cmpint (contact (layout, "G11")->channel, ==, signal_index (&ch, "G11"));
  g_assert_cmpint (signal_index (&ch, "G11"), >, signal_index (&ch, "G23"));
  for (guint s = 0; s < G_N_ELEMENTS (strips); s++)
    {
      g_autofree char *l = g_strdup_printf ("%s1", strips[s]);
      g_assert_cmpint (contact (layout, l)->shape, ==, ICTO_LAYOUT_STRIP);
      g_assert_false (icto_layout_get_grid_size (layout, strips[s], NULL, NULL));
    }
  assert_grid_neighbours (layout, "G", 0);
  /* strips are short lines at a 10 mm pitch */
  g_assert_cmpfloat_with_epsilon (dist (contact (layout, "ATT1"), contact (layout, "ATT2"), 0), 10.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (contact (layout, "ATT1")->y[0], contact (layout, "ATT8")->y[0], 1e-9);
  close_channels (&ch);
}

/* ------------------------------------------------------------ synthetic */

static GPtrArray *
make_labels (const char *first, ...)
{
  GPtrArray *a = g_ptr_array_new_with_free_func (g_free);
  va_list ap;
  const char *prefix = first;

  va_start (ap, first);
  while (prefix != NULL)
    {
      int n = va_arg (ap, int);
      if (n == 0)
        g_ptr_array_add (a, g_strdup (prefix));
      for (int i = 1; i <= n; i++)
        g_ptr_array_add (a, g_strdup_printf ("%s%d", prefix, i));
      prefix = va_arg (ap, const char *);
    }
  va_end (ap);
  return a;
}

static void
test_shaft_labels (void)
{
  g_autoptr(GPtrArray) l = make_labels ("LA", 12, NULL);
  g_autoptr(IctoLayout) layout = icto_layout_new_from_labels ((const char *const *) l->pdata, l->len, NULL, NULL,
                                                              ICTO_LAYOUT_HINT_AUTO, NULL, 0);

  g_assert_cmpuint (icto_layout_get_n_contacts (layout), ==, 12);
  for (guint i = 0; i < 12; i++)
    {
      const IctoContact *c = icto_layout_get_contact (layout, i);
      g_assert_cmpstr (c->group, ==, "LA");
      g_assert_cmpint (c->shape, ==, ICTO_LAYOUT_SHAFT);
      g_assert_cmpint (c->number, ==, (int) i + 1);
      g_assert_cmpint (c->channel, ==, (int) i);
      /* a straight line, 5 mm pitch */
      g_assert_cmpfloat_with_epsilon (c->x[0], 5.0 * i, 1e-9);
      g_assert_cmpfloat_with_epsilon (c->y[0], 0.0, 1e-9);
    }
}

static void
test_grid_labels (void)
{
  g_autoptr(GPtrArray) l = make_labels ("G", 64, NULL);
  g_autoptr(IctoLayout) layout = icto_layout_new_from_labels ((const char *const *) l->pdata, l->len, NULL, NULL,
                                                              ICTO_LAYOUT_HINT_AUTO, NULL, 0);
  g_autoptr(GPtrArray) c16 = make_labels ("C", 16, NULL);
  g_autoptr(IctoLayout) small = icto_layout_new_from_labels ((const char *const *) c16->pdata, c16->len, NULL,
                                                             NULL, ICTO_LAYOUT_HINT_AUTO, NULL, 0);
  const IctoLayoutGridSpec spec = { "G", 4, 16 };
  g_autoptr(IctoLayout) given = icto_layout_new_from_labels ((const char *const *) l->pdata, l->len, NULL, NULL,
                                                             ICTO_LAYOUT_HINT_AUTO, &spec, 1);
  int rows, cols;

  g_assert_true (icto_layout_get_grid_size (layout, "G", &rows, &cols));
  g_assert_cmpint (rows, ==, 8);
  g_assert_cmpint (cols, ==, 8);
  g_assert_cmpint (contact (layout, "G9")->row, ==, 1);
  g_assert_cmpint (contact (layout, "G9")->col, ==, 0);
  g_assert_cmpfloat_with_epsilon (contact (layout, "G9")->y[0] - contact (layout, "G1")->y[0], 10.0, 1e-9);
  assert_grid_neighbours (layout, "G", 0);
  /* C1..C16: 4 x 4 */
  g_assert_true (icto_layout_get_grid_size (small, "C", &rows, &cols));
  g_assert_cmpint (rows, ==, 4);
  g_assert_cmpint (cols, ==, 4);
  /* a size given by the user */
  g_assert_true (icto_layout_get_grid_size (given, "G", &rows, &cols));
  g_assert_cmpint (rows, ==, 4);
  g_assert_cmpint (cols, ==, 16);
  g_assert_cmpint (contact (given, "G17")->row, ==, 1);
  assert_grid_neighbours (given, "G", 0);
}

static void
test_mixed_labels (void)
{
  g_autoptr(GPtrArray) l = make_labels ("LA", 12, "ECG", 0, "L'", 14, "G", 64, "EKG", 2, "DC", 4,
                                        "Photic", 0, "BTM", 6, NULL);
  g_autoptr(IctoLayout) autol = icto_layout_new_from_labels ((const char *const *) l->pdata, l->len, NULL, NULL,
                                                             ICTO_LAYOUT_HINT_AUTO, NULL, 0);
  g_autoptr(IctoLayout) seeg = icto_layout_new_from_labels ((const char *const *) l->pdata, l->len, NULL, NULL,
                                                            ICTO_LAYOUT_HINT_SEEG, NULL, 0);
  gboolean skip[256] = { FALSE };
  g_autoptr(IctoLayout) skipped = NULL;
  const char *groups[256] = { NULL };
  g_autoptr(IctoLayout) grouped = NULL;

  /* ECG, EKG, DC and a label without a number are not contacts */
  g_assert_cmpuint (icto_layout_get_n_contacts (autol), ==, 12 + 14 + 64 + 6);
  g_assert_cmpint (icto_layout_find_label (autol, "EKG1"), ==, -1);
  g_assert_cmpint (icto_layout_find_label (autol, "DC1"), ==, -1);
  /* with a grid present, lines are strips; told sEEG, shafts */
  g_assert_cmpint (contact (autol, "LA1")->shape, ==, ICTO_LAYOUT_STRIP);
  g_assert_cmpint (contact (seeg, "LA1")->shape, ==, ICTO_LAYOUT_SHAFT);
  g_assert_cmpint (contact (seeg, "L'3")->shape, ==, ICTO_LAYOUT_SHAFT);
  g_assert_cmpint (contact (seeg, "G3")->shape, ==, ICTO_LAYOUT_GRID);
  g_assert_cmpint (contact (autol, "G64")->channel, ==, 12 + 1 + 14 + 63);
  /* lines do not overlap the grid or each other */
  for (guint i = 0; i < icto_layout_get_n_contacts (autol); i++)
    for (guint j = i + 1; j < icto_layout_get_n_contacts (autol); j++)
      g_assert_cmpfloat (dist (icto_layout_get_contact (autol, i), icto_layout_get_contact (autol, j), 0), >, 4.9);

  /* skip and BIDS groups */
  g_assert_cmpuint (l->len, <, 256);
  for (guint i = 0; i < 12; i++)
    skip[i] = TRUE;
  skipped = icto_layout_new_from_labels ((const char *const *) l->pdata, l->len, NULL, skip,
                                         ICTO_LAYOUT_HINT_AUTO, NULL, 0);
  g_assert_cmpint (icto_layout_find_label (skipped, "LA1"), ==, -1);
  for (guint i = 13; i < 27; i++)
    groups[i] = "Lprime";
  grouped = icto_layout_new_from_labels ((const char *const *) l->pdata, l->len, groups, NULL,
                                         ICTO_LAYOUT_HINT_SEEG, NULL, 0);
  g_assert_cmpstr (contact (grouped, "L'2")->group, ==, "Lprime");
}

/* ------------------------------------------------------------ BIDS round trip */

static void
assert_same_layout (IctoLayout *a, IctoLayout *b)
{
  g_assert_cmpuint (icto_layout_get_n_contacts (a), ==, icto_layout_get_n_contacts (b));
  g_assert_cmpuint (icto_layout_get_n_views (a), ==, icto_layout_get_n_views (b));
  for (guint i = 0; i < icto_layout_get_n_contacts (a); i++)
    {
      const IctoContact *x = icto_layout_get_contact (a, i);
      const IctoContact *y = icto_layout_get_contact (b, i);
      g_assert_cmpstr (x->label, ==, y->label);
      g_assert_cmpstr (x->group, ==, y->group);
      g_assert_cmpint (x->channel, ==, y->channel);
      g_assert_cmpint (x->shape, ==, y->shape);
      g_assert_cmpint (x->number, ==, y->number);
      g_assert_cmpint (x->row, ==, y->row);
      g_assert_cmpint (x->col, ==, y->col);
      g_assert_cmpint (x->has_3d, ==, y->has_3d);
      for (int d = 0; d < 3 && x->has_3d; d++)
        g_assert_cmpfloat_with_epsilon (x->pos[d], y->pos[d], 1e-3);
      for (guint v = 0; v < icto_layout_get_n_views (a); v++)
        {
          g_assert_cmpfloat_with_epsilon (x->x[v], y->x[v], 1e-3);
          g_assert_cmpfloat_with_epsilon (x->y[v], y->y[v], 1e-3);
        }
    }
}

static void
round_trip (IctoLayout *layout, Channels *ch, GPtrArray *labels)
{
  g_autofree char *text = icto_layout_to_tsv (layout);
  g_autoptr(GError) error = NULL;
  g_autoptr(IctoLayout) back = NULL;
  g_autofree char *path = g_build_filename (icto_test_tmpdir (), "rt_electrodes.tsv", NULL);
  g_autofree char *json_path = g_build_filename (icto_test_tmpdir (), "rt_coordsystem.json", NULL);
  g_autofree char *json = icto_layout_coordsystem_json ();
  g_autoptr(IctoLayout) from_file = NULL;
  GPtrArray *l = ch ? ch->labels : labels;

  g_assert_true (g_str_has_prefix (text, "name\tx\ty\tz\tsize\t"));
  back = icto_layout_new_from_tsv_data (text, -1, 1.0, (const char *const *) l->pdata, l->len, NULL, NULL, &error);
  g_assert_no_error (error);
  assert_same_layout (layout, back);

  g_assert_true (icto_layout_write_tsv (layout, path, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_set_contents (json_path, json, -1, NULL));
  from_file = icto_layout_new_from_bids (path, NULL, (const char *const *) l->pdata, l->len, NULL, NULL, &error);
  g_assert_no_error (error);
  assert_same_layout (layout, from_file);
}

static void
test_round_trip (void)
{
  const char *files[] = {
    "data/real/seeg_mne_sample/sample_seeg.edf",
    "data/real/ecog_mne_sample/sample_ecog.edf",
  };
  g_autoptr(GPtrArray) l = make_labels ("LA", 12, "G", 16, "L'", 14, "C", 64, NULL);
  g_autoptr(IctoLayout) synth = icto_layout_new_from_labels ((const char *const *) l->pdata, l->len, NULL, NULL,
                                                             ICTO_LAYOUT_HINT_AUTO, NULL, 0);
  const IctoLayoutGridSpec spec = { "C", 8, 8 };
  g_autoptr(IctoLayout) spec_layout = NULL;
  g_autoptr(GPtrArray) c = make_labels ("C", 32, NULL);

  round_trip (synth, NULL, l);
  /* a user-given 8 x 8 grid with only 32 contacts keeps its size */
  spec_layout = icto_layout_new_from_labels ((const char *const *) c->pdata, c->len, NULL, NULL,
                                             ICTO_LAYOUT_HINT_AUTO, &spec, 1);
  round_trip (spec_layout, NULL, c);
  for (guint f = 0; f < G_N_ELEMENTS (files); f++)
    {
      Channels ch = { 0 };
      g_autofree char *tsv = NULL;
      g_autoptr(IctoLayout) layout = NULL;
      g_autoptr(GError) error = NULL;

      if (!open_channels (files[f], &ch))
        return;
      tsv = icto_layout_find_sidecar (icto_recording_get_path (ch.rec), "electrodes.tsv");
      layout = icto_layout_new_from_bids (tsv, NULL, (const char *const *) ch.labels->pdata, ch.labels->len,
                                          NULL, NULL, &error);
      g_assert_no_error (error);
      round_trip (layout, &ch, NULL);
      close_channels (&ch);
    }
}


/* The editor's operations: move a group, set a grid's size; both survive the
 * TSV round trip of a schematic layout. */
static void
test_edit (void)
{
  g_autoptr(GPtrArray) l = make_labels ("G", 32, "LA", 12, NULL);
  g_autoptr(IctoLayout) layout = icto_layout_new_from_labels ((const char *const *) l->pdata, l->len, NULL, NULL,
                                                              ICTO_LAYOUT_HINT_AUTO, NULL, 0);
  g_autoptr(IctoLayout) moved = NULL;
  g_autoptr(IctoLayout) resized = NULL;
  g_autoptr(IctoLayout) back = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *tsv = NULL;
  int rows, cols;

  moved = icto_layout_new_moved (layout, "LA", 12.5, -40);
  g_assert_nonnull (moved);
  g_assert_null (icto_layout_new_moved (layout, "nope", 1, 1));
  g_assert_cmpfloat_with_epsilon (contact (moved, "LA3")->x[0], contact (layout, "LA3")->x[0] + 12.5, 1e-9);
  g_assert_cmpfloat_with_epsilon (contact (moved, "LA3")->y[0], contact (layout, "LA3")->y[0] - 40, 1e-9);
  g_assert_cmpfloat (contact (moved, "G3")->x[0], ==, contact (layout, "G3")->x[0]);
  /* the original is unchanged */
  g_assert_cmpfloat (contact (layout, "LA3")->y[0], !=, contact (moved, "LA3")->y[0]);

  resized = icto_layout_new_with_grid_size (moved, "G", 2, 16, &error);
  g_assert_no_error (error);
  g_assert_true (icto_layout_get_grid_size (resized, "G", &rows, &cols));
  g_assert_cmpint (rows, ==, 2);
  g_assert_cmpint (cols, ==, 16);
  g_assert_cmpint (contact (resized, "G17")->row, ==, 1);
  g_assert_cmpint (contact (resized, "G17")->col, ==, 0);
  assert_grid_neighbours (resized, "G", 0);
  /* the shaft made a grid */
  {
    g_autoptr(IctoLayout) la = icto_layout_new_with_grid_size (resized, "LA", 2, 6, &error);
    g_assert_no_error (error);
    g_assert_cmpint (contact (la, "LA7")->row, ==, 1);
    g_assert_cmpint (contact (la, "LA7")->shape, ==, ICTO_LAYOUT_GRID);
  }
  g_assert_null (icto_layout_new_with_grid_size (moved, "G", 2, 8, &error));
  g_assert_error (error, ICTO_SIGNAL_ERROR, ICTO_SIGNAL_ERROR_LAYOUT);
  g_clear_error (&error);
  g_assert_null (icto_layout_new_with_grid_size (moved, "G", 0, 8, &error));
  g_assert_error (error, ICTO_SIGNAL_ERROR, ICTO_SIGNAL_ERROR_LAYOUT);
  g_clear_error (&error);
  g_assert_null (icto_layout_new_with_grid_size (moved, "nope", 2, 8, &error));
  g_assert_error (error, ICTO_SIGNAL_ERROR, ICTO_SIGNAL_ERROR_LAYOUT);
  g_clear_error (&error);

  tsv = icto_layout_to_tsv (resized);
  back = icto_layout_new_from_tsv_data (tsv, -1, 1.0, (const char *const *) l->pdata, l->len, NULL, NULL, &error);
  g_assert_no_error (error);
  assert_same_layout (resized, back);
}

static void
test_unmatched (void)
{
  const char *tsv = "name\tx\ty\tz\tsize\n"
                    "A1\t1\t2\t3\tn/a\n"
                    "A2\t1\t3\t3\tn/a\n"
                    "Z9\t0\t0\t0\t4.2\n";
  const char *labels[] = { "EEG A1-Ref", "A2 ", "ECG" };
  g_autoptr(GError) error = NULL;
  g_autoptr(IctoLayout) layout = icto_layout_new_from_tsv_data (tsv, -1, 1.0, labels, 3, NULL, NULL, &error);
  g_autofree const char **unmatched = NULL;
  guint n = 0;

  g_assert_no_error (error);
  g_assert_cmpuint (icto_layout_get_n_contacts (layout), ==, 3);
  g_assert_cmpint (contact (layout, "A1")->channel, ==, 0);
  g_assert_cmpint (contact (layout, "A2")->channel, ==, 1);
  g_assert_cmpint (icto_layout_find_channel (layout, 1), ==, icto_layout_find_label (layout, "A2"));
  unmatched = icto_layout_get_unmatched (layout, &n);
  g_assert_cmpuint (n, ==, 1);
  g_assert_cmpstr (unmatched[0], ==, "Z9");
  g_assert_null (unmatched[1]);
}

/* ------------------------------------------------------------ hostile input */

typedef struct {
  const char *name;
  const char *text;
  gssize      length;
  int         code;
} BadCase;

static void
test_hostile (void)
{
  static const BadCase cases[] = {
    { "empty", "", 0, ICTO_SIGNAL_ERROR_PARSE },
    { "no-name-column", "label\tx\ty\tz\nA1\t1\t2\t3\n", -1, ICTO_SIGNAL_ERROR_PARSE },
    { "blank-header", "name\t\ty\nA1\t1\t2\n", -1, ICTO_SIGNAL_ERROR_PARSE },
    { "duplicate-column", "name\tx\tx\nA1\t1\t2\n", -1, ICTO_SIGNAL_ERROR_PARSE },
    { "short-row", "name\tx\ty\tz\nA1\t1\t2\n", -1, ICTO_SIGNAL_ERROR_PARSE },
    { "long-row", "name\tx\ty\tz\nA1\t1\t2\t3\t4\n", -1, ICTO_SIGNAL_ERROR_PARSE },
    { "not-a-number", "name\tx\ty\tz\nA1\t1\tabc\t3\n", -1, ICTO_SIGNAL_ERROR_PARSE },
    { "trailing-junk", "name\tx\ty\tz\nA1\t1\t2mm\t3\n", -1, ICTO_SIGNAL_ERROR_PARSE },
    { "nul-byte", "name\tx\ny\0\t1\n", 13, ICTO_SIGNAL_ERROR_PARSE },
    { "bad-utf8", "name\tx\n\xff\xfe\t1\n", -1, ICTO_SIGNAL_ERROR_PARSE },
    { "empty-name", "name\tx\ty\tz\n\t1\t2\t3\n", -1, ICTO_SIGNAL_ERROR_LAYOUT },
    { "na-name", "name\tx\ty\tz\nn/a\t1\t2\t3\n", -1, ICTO_SIGNAL_ERROR_LAYOUT },
    { "duplicate-name", "name\tx\ty\tz\nA1\t1\t2\t3\nA1\t1\t2\t3\n", -1, ICTO_SIGNAL_ERROR_LAYOUT },
    { "huge", "name\tx\ty\tz\nA1\t1e300\t2\t3\n", -1, ICTO_SIGNAL_ERROR_LAYOUT },
    { "infinite", "name\tx\ty\tz\nA1\tinf\t2\t3\n", -1, ICTO_SIGNAL_ERROR_LAYOUT },
    { "nan", "name\tx\ty\tz\nA1\tnan\t2\t3\n", -1, ICTO_SIGNAL_ERROR_LAYOUT },
    { "bad-dimension", "name\tdimension\nG1\t[8y8]\n", -1, ICTO_SIGNAL_ERROR_LAYOUT },
    { "zero-dimension", "name\tdimension\nG1\t[0x8]\n", -1, ICTO_SIGNAL_ERROR_LAYOUT },
    { "huge-dimension", "name\tdimension\nG1\t[8x100000]\n", -1, ICTO_SIGNAL_ERROR_LAYOUT },
    { "dimensions-differ", "name\tgroup\tdimension\nG1\tG\t[4x8]\nG2\tG\t[8x8]\n", -1, ICTO_SIGNAL_ERROR_LAYOUT },
    { "row-range", "name\trow\tcolumn\nG1\t64\t0\n", -1, ICTO_SIGNAL_ERROR_LAYOUT },
    { "row-negative", "name\trow\tcolumn\nG1\t-1\t0\n", -1, ICTO_SIGNAL_ERROR_LAYOUT },
    { "row-outside-grid", "name\ttype\tdimension\trow\tcolumn\nG1\tgrid\t[2x2]\t5\t0\n", -1, ICTO_SIGNAL_ERROR_LAYOUT },
    { "map-range", "name\tmap_x\tmap_y\nA1\t1e9\t0\n", -1, ICTO_SIGNAL_ERROR_LAYOUT },
    { "group-too-long", NULL, -1, ICTO_SIGNAL_ERROR_LAYOUT },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(IctoLayout) layout = NULL;
      g_autofree char *text = NULL;

      if (cases[i].text == NULL)
        text = g_strdup_printf ("name\tgroup\nA1\t%0300d\n", 7);
      else
        text = g_memdup2 (cases[i].text, cases[i].length >= 0 ? (gsize) cases[i].length : strlen (cases[i].text) + 1);
      g_test_message ("case %s", cases[i].name);
      layout = icto_layout_new_from_tsv_data (text, cases[i].length >= 0 ? cases[i].length : (gssize) strlen (text),
                                              1.0, NULL, 0, NULL, NULL, &error);
      g_assert_null (layout);
      g_assert_error (error, ICTO_SIGNAL_ERROR, cases[i].code);
      g_assert_nonnull (error->message);
    }

  /* too many rows */
  {
    GString *s = g_string_new ("name\tx\ty\tz\n");
    g_autoptr(GError) error = NULL;
    g_autoptr(IctoLayout) layout = NULL;
    for (int i = 0; i <= ICTO_LAYOUT_MAX_CONTACTS; i++)
      g_string_append_printf (s, "E%d\t1\t2\t3\n", i);
    layout = icto_layout_new_from_tsv_data (s->str, (gssize) s->len, 1.0, NULL, 0, NULL, NULL, &error);
    g_assert_null (layout);
    g_assert_error (error, ICTO_SIGNAL_ERROR, ICTO_SIGNAL_ERROR_LAYOUT);
    g_string_free (s, TRUE);
  }
  /* a bad unit factor */
  {
    g_autoptr(GError) error = NULL;
    g_assert_null (icto_layout_new_from_tsv_data ("name\nA1\n", -1, 0.0, NULL, 0, NULL, NULL, &error));
    g_assert_error (error, ICTO_SIGNAL_ERROR, ICTO_SIGNAL_ERROR_LAYOUT);
  }
  /* tolerated: CRLF, BOM, blank lines, n/a cells, a 2-D image position */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(IctoLayout) layout = icto_layout_new_from_tsv_data (
        "\xEF\xBB\xBFname\tx\ty\tz\r\nA1\t10\t20\tn/a\r\n\r\nA2\tn/a\tn/a\tn/a\r\n", -1, 1.0, NULL, 0, NULL, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (icto_layout_get_n_contacts (layout), ==, 2);
    g_assert_false (contact (layout, "A1")->has_3d);
    g_assert_cmpfloat_with_epsilon (contact (layout, "A1")->x[0], 10.0, 1e-9);
    g_assert_cmpfloat_with_epsilon (contact (layout, "A1")->y[0], 20.0, 1e-9);
    g_assert_cmpint (contact (layout, "A2")->channel, ==, -1);
  }
}

static void
test_coordsystem (void)
{
  struct { const char *json; int code; double unit; } cases[] = {
    { "{ \"iEEGCoordinateSystem\": \"Other\", \"iEEGCoordinateUnits\": \"m\" }", -1, 1000 },
    { "{\"iEEGCoordinateUnits\":\"cm\"}", -1, 10 },
    { "{\"iEEGCoordinateUnits\": \"mm\"}", -1, 1 },
    { "{\"iEEGCoordinateUnits\": \"pixels\"}", -1, 1 },
    { "{}", -1, 1 },
    { "{\"iEEGCoordinateUnits\": \"furlong\"}", ICTO_SIGNAL_ERROR_LAYOUT, 0 },
    { "[1, 2]", ICTO_SIGNAL_ERROR_PARSE, 0 },
    { "{\"iEEGCoordinateUnits\": 5}", ICTO_SIGNAL_ERROR_PARSE, 0 },
    { "{\"iEEGCoordinateUnits\": \"m", ICTO_SIGNAL_ERROR_PARSE, 0 },
  };
  g_autofree char *path = g_build_filename (icto_test_tmpdir (), "x_coordsystem.json", NULL);
  g_autofree char *missing = g_build_filename (icto_test_tmpdir (), "missing.json", NULL);
  g_autoptr(GError) io = NULL;
  double unit;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *system = NULL;
      gboolean ok;

      g_assert_true (g_file_set_contents (path, cases[i].json, -1, NULL));
      unit = -1;
      ok = icto_layout_read_coordsystem (path, &unit, &system, &error);
      if (cases[i].code < 0)
        {
          g_assert_no_error (error);
          g_assert_true (ok);
          g_assert_cmpfloat (unit, ==, cases[i].unit);
        }
      else
        {
          g_assert_false (ok);
          g_assert_error (error, ICTO_SIGNAL_ERROR, cases[i].code);
        }
      if (i == 0)
        g_assert_cmpstr (system, ==, "Other");
    }
  g_assert_false (icto_layout_read_coordsystem (missing, &unit, NULL, &io));
  g_assert_error (io, ICTO_SIGNAL_ERROR, ICTO_SIGNAL_ERROR_IO);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/signal/layout/seeg-sample", test_seeg_sample);
  g_test_add_func ("/signal/layout/ecog-sample", test_ecog_sample);
  g_test_add_func ("/signal/layout/pt01", test_pt01);
  g_test_add_func ("/signal/layout/shaft-labels", test_shaft_labels);
  g_test_add_func ("/signal/layout/grid-labels", test_grid_labels);
  g_test_add_func ("/signal/layout/mixed-labels", test_mixed_labels);
  g_test_add_func ("/signal/layout/round-trip", test_round_trip);
  g_test_add_func ("/signal/layout/unmatched", test_unmatched);
  g_test_add_func ("/signal/layout/edit", test_edit);
  g_test_add_func ("/signal/layout/hostile", test_hostile);
  g_test_add_func ("/signal/layout/coordsystem", test_coordsystem);
  return g_test_run ();
}
