/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-cli-attention"

#include "config.h"

#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>
#include <sys/wait.h>

#include "icto-test-util.h"

static int
run_cli (const char *const *args, char **out, char **err)
{
  const char *env = g_getenv ("ICTO_CLI");
  g_autofree char *cli = env ? g_strdup (env) : icto_test_build_path ("src/cli/ictoscope-cli");
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  int status = 0;

  g_ptr_array_add (argv, cli);
  for (guint i = 0; args[i]; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);
  g_assert_true (g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                               out, err, &status, &error));
  g_assert_no_error (error);
  if (!WIFEXITED (status))
    g_test_message ("ictoscope-cli %s died (signal %d); its stderr: %s", args[0],
                    WIFSIGNALED (status) ? WTERMSIG (status) : 0, err != NULL && *err != NULL ? *err : "");
  return WIFEXITED (status) ? WEXITSTATUS (status) : -1;
}

static JsonObject *
attention (JsonParser *parser, const char *path, const char *extra)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  const char *args[] = { "attention", path, "--at", "15", "--threads", "2", "--json", extra, NULL };
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (run_cli (args, &out, &err), ==, 0);
  g_assert_true (json_parser_load_from_data (parser, out, -1, &error));
  g_assert_no_error (error);
  return json_node_get_object (json_parser_get_root (parser));
}

static void
check (JsonObject *root, guint C)
{
  JsonArray *labels = json_object_get_array_member (root, "labels");
  JsonArray *m = json_object_get_array_member (root, "matrix");
  JsonArray *received = json_object_get_array_member (root, "received");
  JsonArray *contrib = json_object_get_array_member (root, "contributions");
  double rsum = 0, csum = 0, prob = json_object_get_double_member (root, "seizure_prob");

  g_assert_cmpuint (json_array_get_length (labels), ==, C);
  g_assert_cmpuint (json_array_get_length (m), ==, C);
  for (guint i = 0; i < C; i++)
    {
      JsonArray *row = json_array_get_array_element (m, i);
      double s = 0;
      g_assert_cmpuint (json_array_get_length (row), ==, C);
      for (guint j = 0; j < C; j++)
        s += json_array_get_double_element (row, j);
      g_assert_cmpfloat_with_epsilon (s, 1.0, 1e-4);
      /* received = column mean */
      {
        double col = 0;
        for (guint k = 0; k < C; k++)
          col += json_array_get_double_element (json_array_get_array_element (m, k), i);
        g_assert_cmpfloat_with_epsilon (json_array_get_double_element (received, i), col / C, 1e-5);
      }
      rsum += json_array_get_double_element (received, i);
      csum += json_array_get_double_element (contrib, i);
    }
  g_assert_cmpfloat_with_epsilon (rsum, 1.0, 1e-4);
  /* contributions add up to the logit of the probability */
  g_assert_cmpfloat_with_epsilon (1.0 / (1.0 + exp (-csum)), prob, 1e-3);
}

static void
test_seeg (void)
{
  g_autofree char *path = icto_test_shared_path ("data/real/seeg_mne_sample/sample_seeg.edf");
  g_autoptr(JsonParser) p1 = json_parser_new ();
  g_autoptr(JsonParser) p2 = json_parser_new ();
  g_autoptr(JsonParser) p3 = json_parser_new ();
  g_autoptr(JsonParser) p4 = json_parser_new ();
  JsonObject *mean, *rollout, *layer0, *all;

  if (path == NULL)
    return;
  mean = attention (p1, path, NULL);
  check (mean, 88);
  g_assert_cmpstr (json_object_get_string_member (mean, "layer"), ==, "mean");
  g_assert_cmpfloat (json_object_get_double_member (mean, "window_end_s"), ==, 15.0);
  g_assert_cmpint (json_object_get_int_member (mean, "n_segments"), ==, 3);
  g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (mean, "labels"), 0), ==, "L'1");
  rollout = attention (p2, path, "--rollout");
  check (rollout, 88);
  g_assert_cmpstr (json_object_get_string_member (rollout, "layer"), ==, "rollout");
  layer0 = attention (p3, path, "--layer=0");
  check (layer0, 88);
  g_assert_cmpint (json_object_get_int_member (layer0, "layer"), ==, 0);
  /* the three matrices differ */
  g_assert_cmpfloat (json_array_get_double_element (json_array_get_array_element (json_object_get_array_member (layer0, "matrix"), 0), 0), !=,
                     json_array_get_double_element (json_array_get_array_element (json_object_get_array_member (rollout, "matrix"), 0), 0));
  /* every voltage signal: 88 contacts, 8 DC channels, 2 EKG */
  all = attention (p4, path, "--all-channels");
  check (all, 98);
}

static void
test_errors (void)
{
  g_autofree char *path = icto_test_shared_path ("data/real/seeg_mne_sample/sample_seeg.edf");
  g_autofree char *pt01 = icto_test_shared_path ("data/real/ecog_pt01_seizure1/pt01_seizure1_ecog.edf");
  struct { const char *a1, *a2, *a3; int status; } cases[] = {
    { "--layer=1", "--rollout", NULL, 2 },   /* both */
    { "--layer=9", NULL, NULL, 2 },          /* beyond the model's layers */
    { "--layer=-1", NULL, NULL, 2 },
    { "--model", "/nonexistent.safetensors", NULL, 1 },
  };

  if (path == NULL)
    return;
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *out = NULL;
      g_autofree char *err = NULL;
      const char *args[] = { "attention", path, "--at", "10", cases[i].a1, cases[i].a2, cases[i].a3, NULL };
      g_assert_cmpint (run_cli (args, &out, &err), ==, cases[i].status);
      g_assert_cmpuint (strlen (err), >, 0);
    }
  {
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;
    const char *args[] = { "attention", path, NULL };   /* no --at */
    g_assert_cmpint (run_cli (args, &out, &err), ==, 2);
  }
  {
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;
    const char *args[] = { "attention", path, "--at", "99", NULL };   /* after the end */
    g_assert_cmpint (run_cli (args, &out, &err), ==, 2);
  }
  {
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;
    const char *args[] = { "attention", pt01, "--at", "2", NULL };   /* 3 s: too short */
    g_assert_cmpint (run_cli (args, &out, &err), ==, 1);
  }
}

/* render --map: the map beside the page and alone, in the three formats */
static void
test_render_map (void)
{
  g_autofree char *path = icto_test_shared_path ("data/real/ecog_pt01_seizure1/pt01_seizure1_ecog.edf");
  const char *exts[] = { "png", "svg", "pdf" };

  if (path == NULL)
    return;
  for (guint e = 0; e < G_N_ELEMENTS (exts); e++)
    {
      g_autofree char *name = g_strdup_printf ("pt01-map.%s", exts[e]);
      g_autofree char *file = g_build_filename (icto_test_tmpdir (), name, NULL);
      g_autofree char *out = NULL;
      g_autofree char *err = NULL;
      g_autofree char *contents = NULL;
      gsize len = 0;
      const char *args[] = { "render", path, "--duration", "2", "--map", "line-length", "--soz", "AD1,AD2",
                             "-W", "900", "-H", "600", "-o", file, e == 0 ? NULL : "--map-only", NULL };
      g_assert_cmpint (run_cli (args, &out, &err), ==, 0);
      g_assert_true (g_file_get_contents (file, &contents, &len, NULL));
      g_assert_cmpuint (len, >, 2000);
    }
  {
    g_autofree char *file = g_build_filename (icto_test_tmpdir (), "x.png", NULL);
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;
    const char *args[] = { "render", path, "--map", "loudness", "-o", file, NULL };
    g_assert_cmpint (run_cli (args, &out, &err), ==, 2);
  }
  {
    /* the model quantities need 5 s */
    g_autofree char *file = g_build_filename (icto_test_tmpdir (), "y.png", NULL);
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;
    const char *args[] = { "render", path, "--duration", "2", "--map", "attention-received", "-o", file, NULL };
    g_assert_cmpint (run_cli (args, &out, &err), ==, 1);
  }
}


/* score: the seizure-onset-zone agreement of a rater's seizure with SOZ
 * contacts (a short simulated recording, the seizure marked by hand) */
static void
test_score_soz (void)
{
  g_autofree char *edf = g_build_filename (icto_test_tmpdir (), "soz.edf", NULL);
  g_autofree char *db = g_build_filename (icto_test_tmpdir (), "soz.db", NULL);
  g_autofree char *report = g_build_filename (icto_test_tmpdir (), "soz.json", NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonArray *agreements;
  JsonObject *first, *by;

  {
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;
    const char *args[] = { "simulate", "--duration", "60", "--seizures", "0", "--quiet", "-o", edf, NULL };
    g_assert_cmpint (run_cli (args, &out, &err), ==, 0);
  }
  {
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;
    const char *args[] = { "annot", "add", edf, "--db", db, "--onset", "20", "--duration", "10", "--label", "sz",
                           "--rater", "alice", "--eec", "21", "--soz", "LA1,LA2,NOPE", NULL };
    g_assert_cmpint (run_cli (args, &out, &err), ==, 0);
  }
  {
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;
    const char *args[] = { "score", edf, "--db", db, "--rater", "alice", "--threads", "2", "--out", report, NULL };
    g_assert_cmpint (run_cli (args, &out, &err), ==, 0);
  }
  g_assert_true (json_parser_load_from_file (parser, report, &error));
  g_assert_no_error (error);
  agreements = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)), "soz_agreement");
  g_assert_cmpuint (json_array_get_length (agreements), ==, 1);
  first = json_array_get_object_element (agreements, 0);
  g_assert_cmpfloat (json_object_get_double_member (first, "eec_s"), ==, 21.0);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (first, "soz")), ==, 3);
  g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (first, "missing"), 0), ==, "NOPE");
  by = json_object_get_object_member (first, "by");
  {
    const char *names[] = { "contribution", "attention_received", "line_length", "high_gamma" };
    for (guint i = 0; i < G_N_ELEMENTS (names); i++)
      {
        JsonObject *q = json_object_get_object_member (by, names[i]);
        JsonObject *ranks = json_object_get_object_member (q, "ranks");
        double p = json_object_get_double_member (q, "precision");
        g_assert_cmpint (json_object_get_int_member (q, "k"), ==, 2);
        g_assert_cmpfloat (p, ==, json_object_get_int_member (q, "hits") / 2.0);
        g_assert_cmpuint (json_object_get_size (ranks), ==, 2);
        g_assert_cmpint (json_object_get_int_member (ranks, "LA1"), >=, 1);
        g_assert_cmpuint (json_array_get_length (json_object_get_array_member (q, "top")), ==, 2);
      }
  }
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/cli/attention/seeg", test_seeg);
  g_test_add_func ("/cli/attention/errors", test_errors);
  g_test_add_func ("/cli/attention/render-map", test_render_map);
  g_test_add_func ("/cli/attention/score-soz", test_score_soz);
  return g_test_run ();
}
