/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-montage"

#include "config.h"

#include <math.h>
#include <string.h>

#include "icto-test-util.h"
#include "signal/icto-montage.h"

static const char *labels[] = { "LA1", "LA2", "LA3", "LA5", "L'1", "L'2", "ECG", "EEG RH1-Ref", "EEG RH2-Ref" };
#define N_LABELS G_N_ELEMENTS (labels)

static void
fill_inputs (float data[][4], const float *ptrs[])
{
  for (guint i = 0; i < N_LABELS; i++)
    {
      for (int k = 0; k < 4; k++)
        data[i][k] = (float) (10 * (i + 1) + k * (i % 3));
      ptrs[i] = data[i];
    }
}

static int
find_output (IctoMontage *m, const char *label)
{
  for (guint i = 0; i < icto_montage_get_n_outputs (m); i++)
    if (strcmp (icto_montage_get_label (m, i), label) == 0)
      return (int) i;
  return -1;
}

static void
test_parse_contact (void)
{
  char *shaft = NULL;
  int n = 0;

  g_assert_true (icto_montage_parse_contact ("LA12", &shaft, &n));
  g_assert_cmpstr (shaft, ==, "LA");
  g_assert_cmpint (n, ==, 12);
  g_free (shaft);
  g_assert_true (icto_montage_parse_contact ("L'3", &shaft, &n));
  g_assert_cmpstr (shaft, ==, "L'");
  g_assert_cmpint (n, ==, 3);
  g_free (shaft);
  g_assert_true (icto_montage_parse_contact ("EEG RH2-Ref", &shaft, &n));
  g_assert_cmpstr (shaft, ==, "RH");
  g_assert_cmpint (n, ==, 2);
  g_free (shaft);
  g_assert_false (icto_montage_parse_contact ("ECG", &shaft, &n));
  g_assert_false (icto_montage_parse_contact ("12", &shaft, &n));
}

static void
test_bipolar (void)
{
  g_autoptr(IctoMontage) m = icto_montage_new (ICTO_MONTAGE_BIPOLAR, labels, N_LABELS, NULL, NULL);
  float data[N_LABELS][4], out[4];
  const float *ptrs[N_LABELS];
  const guint *in;
  const float *w;
  guint n;

  fill_inputs (data, ptrs);
  /* LA1-LA2, LA2-LA3 (not LA3-LA5: LA4 is missing), L'1-L'2, RH1-RH2 */
  g_assert_cmpuint (icto_montage_get_n_outputs (m), ==, 4);
  g_assert_cmpstr (icto_montage_get_label (m, 0), ==, "LA1-LA2");
  g_assert_cmpstr (icto_montage_get_label (m, 1), ==, "LA2-LA3");
  g_assert_cmpstr (icto_montage_get_group (m, 1), ==, "LA");
  g_assert_cmpint (find_output (m, "L'1-L'2"), ==, 2);
  g_assert_cmpstr (icto_montage_get_group (m, 2), ==, "L'");
  g_assert_cmpint (find_output (m, "EEG RH1-Ref-EEG RH2-Ref"), ==, 3);
  g_assert_cmpint (find_output (m, "LA3-LA5"), ==, -1);
  icto_montage_get_terms (m, 1, &in, &w, &n);
  g_assert_cmpuint (n, ==, 2);
  g_assert_cmpuint (in[0], ==, 1);
  g_assert_cmpuint (in[1], ==, 2);
  g_assert_cmpfloat (w[0], ==, 1);
  g_assert_cmpfloat (w[1], ==, -1);
  icto_montage_compute (m, 1, ptrs, 4, out);
  for (int k = 0; k < 4; k++)
    g_assert_cmpfloat (out[k], ==, data[1][k] - data[2][k]);

  /* excluded (bad) LA2: no LA1-LA2 nor LA2-LA3 */
  {
    gboolean bad[N_LABELS] = { FALSE, TRUE };
    g_autoptr(IctoMontage) m2 = icto_montage_new (ICTO_MONTAGE_BIPOLAR, labels, N_LABELS, bad, NULL);
    g_assert_cmpint (find_output (m2, "LA1-LA2"), ==, -1);
    g_assert_cmpint (find_output (m2, "LA2-LA3"), ==, -1);
    g_assert_cmpuint (icto_montage_get_n_outputs (m2), ==, 2);
  }
}

static void
test_grid_rows (void)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(IctoMontage) m = NULL;

  for (int i = 1; i <= 32; i++)
    g_ptr_array_add (names, g_strdup_printf ("G%d", i));
  m = icto_montage_new (ICTO_MONTAGE_BIPOLAR, (const char *const *) names->pdata, 32, NULL, NULL);
  /* 4 rows of 8: 7 pairs each, no G8-G9 */
  g_assert_cmpuint (icto_montage_get_n_outputs (m), ==, 28);
  g_assert_cmpint (find_output (m, "G8-G9"), ==, -1);
  g_assert_cmpint (find_output (m, "G9-G10"), >=, 0);
}

/* A 4x4 grid (16 contacts): rows of 4, so G4-G5 is not formed; a 16-contact
 * depth shaft (apostrophe) stays a line; a layout given by the caller wins. */
static void
test_grid_4x4 (void)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(IctoMontage) m = NULL;
  g_autoptr(IctoMontage) shaft = NULL;
  g_autoptr(IctoMontage) wide = NULL;
  g_autoptr(IctoLayout) layout = NULL;
  const IctoLayoutGridSpec spec = { "G", 2, 8 };

  for (int i = 1; i <= 16; i++)
    g_ptr_array_add (names, g_strdup_printf ("G%d", i));
  for (int i = 1; i <= 16; i++)
    g_ptr_array_add (names, g_strdup_printf ("O'%d", i));
  m = icto_montage_new (ICTO_MONTAGE_BIPOLAR, (const char *const *) names->pdata, 32, NULL, NULL);
  /* grid: 4 rows of 3 pairs; shaft: 15 pairs */
  g_assert_cmpuint (icto_montage_get_n_outputs (m), ==, 12 + 15);
  g_assert_cmpint (find_output (m, "G4-G5"), ==, -1);
  g_assert_cmpint (find_output (m, "G8-G9"), ==, -1);
  g_assert_cmpint (find_output (m, "G12-G13"), ==, -1);
  g_assert_cmpint (find_output (m, "G3-G4"), >=, 0);
  g_assert_cmpint (find_output (m, "G5-G6"), >=, 0);
  g_assert_cmpint (find_output (m, "O'8-O'9"), >=, 0);

  /* the shaft alone, without the grid */
  shaft = icto_montage_new (ICTO_MONTAGE_BIPOLAR, (const char *const *) names->pdata + 16, 16, NULL, NULL);
  g_assert_cmpuint (icto_montage_get_n_outputs (shaft), ==, 15);

  /* the user says the grid is 2 x 8 */
  layout = icto_layout_new_from_labels ((const char *const *) names->pdata, 32, NULL, NULL,
                                        ICTO_LAYOUT_HINT_AUTO, &spec, 1);
  wide = icto_montage_new_with_layout (ICTO_MONTAGE_BIPOLAR, (const char *const *) names->pdata, 32,
                                       NULL, NULL, layout);
  g_assert_cmpuint (icto_montage_get_n_outputs (wide), ==, 14 + 15);
  g_assert_cmpint (find_output (wide, "G4-G5"), >=, 0);
  g_assert_cmpint (find_output (wide, "G8-G9"), ==, -1);
}

static void
test_averages (void)
{
  gboolean excluded[N_LABELS] = { FALSE };
  float data[N_LABELS][4], out[4];
  const float *ptrs[N_LABELS];
  g_autoptr(IctoMontage) car = NULL;
  g_autoptr(IctoMontage) shaft = NULL;
  g_autoptr(IctoMontage) ref = NULL;

  excluded[6] = TRUE;  /* ECG */
  excluded[2] = TRUE;  /* LA3 bad */
  fill_inputs (data, ptrs);
  car = icto_montage_new (ICTO_MONTAGE_COMMON_AVERAGE, labels, N_LABELS, excluded, NULL);
  g_assert_cmpuint (icto_montage_get_n_outputs (car), ==, N_LABELS);
  for (guint o = 0; o < N_LABELS; o++)
    {
      icto_montage_compute (car, o, ptrs, 4, out);
      for (int k = 0; k < 4; k++)
        {
          double mean = 0;
          int cnt = 0;
          for (guint j = 0; j < N_LABELS; j++)
            if (!excluded[j])
              {
                mean += data[j][k];
                cnt++;
              }
          mean /= cnt;
          g_assert_cmpfloat (fabs (out[k] - (data[o][k] - mean)), <, 1e-4);
        }
    }
  /* shaft average: LA1 − mean(LA1, LA2, LA5) (LA3 excluded); ECG as recorded */
  shaft = icto_montage_new (ICTO_MONTAGE_SHAFT_AVERAGE, labels, N_LABELS, excluded, NULL);
  icto_montage_compute (shaft, 0, ptrs, 4, out);
  for (int k = 0; k < 4; k++)
    g_assert_cmpfloat (fabs (out[k] - (data[0][k] - (data[0][k] + data[1][k] + data[3][k]) / 3)), <, 1e-4);
  icto_montage_compute (shaft, 6, ptrs, 4, out);
  for (int k = 0; k < 4; k++)
    g_assert_cmpfloat (out[k], ==, data[6][k]);
  ref = icto_montage_new (ICTO_MONTAGE_REFERENTIAL, labels, N_LABELS, NULL, NULL);
  g_assert_cmpuint (icto_montage_get_n_outputs (ref), ==, N_LABELS);
  g_assert_cmpstr (icto_montage_get_label (ref, 4), ==, "L'1");
}

static void
test_bids_groups (void)
{
  g_autofree char *path = icto_test_shared_path ("data/real/metadata_only/bids_examples_ieeg_epilepsy/sub-01_ses-postimp_task-seizure_run-01_channels.tsv");
  g_auto(GStrv) names = NULL;
  char **groups = NULL;
  g_autofree gboolean *bad = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(IctoMontage) m = NULL;
  guint n;

  if (path == NULL)
    return;
  g_assert_true (icto_montage_read_channels_tsv (path, &names, &groups, &bad, &error));
  g_assert_no_error (error);
  n = g_strv_length (names);
  g_assert_cmpuint (n, >, 10);
  g_assert_cmpstr (names[0], ==, "v'1");
  g_assert_cmpstr (groups[0], ==, "v'");
  g_assert_true (bad[0]);
  g_assert_false (bad[1]);
  m = icto_montage_new (ICTO_MONTAGE_BIPOLAR, (const char *const *) names, n, bad, (const char *const *) groups);
  g_assert_cmpint (find_output (m, "v'1-v'2"), ==, -1);   /* v'1 is bad */
  g_assert_cmpint (find_output (m, "v'2-v'3"), >=, 0);
  g_assert_cmpstr (icto_montage_get_group (m, (guint) find_output (m, "v'2-v'3")), ==, "v'");
  for (guint i = 0; i < n; i++)
    g_free (groups[i]);
  g_free (groups);
}

static void
test_custom (void)
{
  const char *text =
    "# a custom montage\n"
    "\n"
    "LA1-LA2 = LA1 - LA2\n"
    "\"Fancy one\" = 0.5*LA1 + 0.5 * \"L'1\" - 2*\"EEG RH1-Ref\"   [group mixed]\n"
    "  ECG copy = ECG  # trailing comment\n";
  g_autoptr(GError) error = NULL;
  g_autoptr(IctoMontage) m = icto_montage_new_from_data (text, -1, labels, N_LABELS, &error);
  float data[N_LABELS][4], out[4];
  const float *ptrs[N_LABELS];

  g_assert_no_error (error);
  fill_inputs (data, ptrs);
  g_assert_cmpint (icto_montage_get_kind (m), ==, ICTO_MONTAGE_CUSTOM);
  g_assert_cmpuint (icto_montage_get_n_outputs (m), ==, 3);
  g_assert_cmpstr (icto_montage_get_label (m, 1), ==, "Fancy one");
  g_assert_cmpstr (icto_montage_get_group (m, 1), ==, "mixed");
  g_assert_cmpstr (icto_montage_get_group (m, 0), ==, "LA");
  g_assert_cmpstr (icto_montage_get_label (m, 2), ==, "ECG copy");
  icto_montage_compute (m, 1, ptrs, 4, out);
  for (int k = 0; k < 4; k++)
    g_assert_cmpfloat (fabs (out[k] - (0.5 * data[0][k] + 0.5 * data[4][k] - 2 * data[7][k])), <, 1e-4);
  icto_montage_compute (m, 0, ptrs, 4, out);
  for (int k = 0; k < 4; k++)
    g_assert_cmpfloat (out[k], ==, data[0][k] - data[1][k]);
}

static void
test_custom_errors (void)
{
  struct { const char *text; guint line; int code; } cases[] = {
    { "A = LA1 - XX9\n", 1, ICTO_SIGNAL_ERROR_PARSE },
    { "ok = LA1\nbroken LA1 LA2\n", 2, ICTO_SIGNAL_ERROR_PARSE },
    { "\n\nx = \"LA1\n", 3, ICTO_SIGNAL_ERROR_PARSE },
    { "x = LA1 * LA2\n", 1, ICTO_SIGNAL_ERROR_PARSE },
    { "x = \n", 1, ICTO_SIGNAL_ERROR_PARSE },
    { " = LA1\n", 1, ICTO_SIGNAL_ERROR_PARSE },
    { "x = LA1 [grp a]\n", 1, ICTO_SIGNAL_ERROR_PARSE },
    { "x = LA1 LA2\n", 1, ICTO_SIGNAL_ERROR_PARSE },
    { "x = 1e999*LA1\n", 1, ICTO_SIGNAL_ERROR_PARSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(IctoMontage) m = icto_montage_new_from_data (cases[i].text, -1, labels, N_LABELS, &error);
      g_autofree char *want = g_strdup_printf ("line %u", cases[i].line);
      g_assert_null (m);
      g_assert_error (error, ICTO_SIGNAL_ERROR, cases[i].code);
      if (strstr (error->message, want) == NULL)
        g_error ("case %u: “%s” does not name %s", i, error->message, want);
    }
  /* binary junk and a missing file */
  {
    g_autoptr(GError) error = NULL;
    g_assert_null (icto_montage_new_from_data ("a\0b = c", 7, labels, N_LABELS, &error));
    g_assert_error (error, ICTO_SIGNAL_ERROR, ICTO_SIGNAL_ERROR_PARSE);
    g_clear_error (&error);
    g_assert_null (icto_montage_new_from_file ("/nonexistent/montage.txt", labels, N_LABELS, &error));
    g_assert_error (error, ICTO_SIGNAL_ERROR, ICTO_SIGNAL_ERROR_IO);
  }
  /* random bytes: an error or a montage, never a crash */
  for (int round = 0; round < 300; round++)
    {
      char buf[64];
      g_autoptr(GError) error = NULL;
      IctoMontage *m;
      static const char alphabet[] = "LA1'\"=+-*. 0123456789[]group#\n\t\\x";
      for (int k = 0; k < 64; k++)
        buf[k] = alphabet[g_test_rand_int_range (0, (gint32) sizeof alphabet - 1)];
      m = icto_montage_new_from_data (buf, 64, labels, N_LABELS, &error);
      if (m)
        icto_montage_unref (m);
      else
        g_assert_nonnull (error);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/signal/montage/parse-contact", test_parse_contact);
  g_test_add_func ("/signal/montage/bipolar", test_bipolar);
  g_test_add_func ("/signal/montage/grid-rows", test_grid_rows);
  g_test_add_func ("/signal/montage/grid-4x4", test_grid_4x4);
  g_test_add_func ("/signal/montage/averages", test_averages);
  g_test_add_func ("/signal/montage/bids-groups", test_bids_groups);
  g_test_add_func ("/signal/montage/custom", test_custom);
  g_test_add_func ("/signal/montage/custom-errors", test_custom_errors);
  return g_test_run ();
}
