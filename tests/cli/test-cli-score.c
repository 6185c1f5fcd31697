/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "icto-test"

#include "config.h"

#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>
#include <sys/wait.h>

#include "core/icto-inference.h"
#include "core/icto-scoring.h"
#include "signal/icto-edf-writer.h"
#include "signal/icto-recording.h"
#include "store/icto-store.h"
#include "icto-test-util.h"

/*
 * ictoscope-cli score: SzCORE scores of the model's detections (and of a
 * second rater) against a rater's seizure annotations in the store.
 */

#define N_CH 4
#define SECONDS 300

static char *model_path;
static char *edf_path;
static char *db_path;

static char *
make_edf (const char *name,
          int         seconds)
{
  char *path = g_build_filename (icto_test_tmpdir (), name, NULL);
  IctoEdfWriterSignal sigs[N_CH];
  IctoEdfWriterOptions opts = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (9);
  IctoEdfWriter *w;
  float *data[N_CH];
  char labels[N_CH][8];

  for (int c = 0; c < N_CH; c++)
    {
      g_snprintf (labels[c], sizeof labels[c], "LH%d", c + 1);
      sigs[c] = (IctoEdfWriterSignal) { labels[c], "Depth electrode", "uV", NULL, -2000, 2000, 512 };
      data[c] = g_new (float, 512);
    }
  opts.record_duration = ICTO_TICKS_PER_SECOND;
  w = icto_edf_writer_new (path, &opts, sigs, N_CH, &error);
  g_assert_no_error (error);
  for (int r = 0; r < seconds; r++)
    {
      for (int c = 0; c < N_CH; c++)
        for (int i = 0; i < 512; i++)
          {
            double t = r + i / 512.0;
            double burst = t >= 180 && t < 230 ? 1.0 : 0.0;

            data[c][i] = (float) (40 * sin (2 * G_PI * (5 + c) * t) + burst * 400 * sin (2 * G_PI * 3 * t)
                                  + g_rand_double_range (rand, -25, 25));
          }
      g_assert_true (icto_edf_writer_write_record (w, (const float * const *) data, &error));
    }
  g_assert_true (icto_edf_writer_close (w, &error));
  for (int c = 0; c < N_CH; c++)
    g_free (data[c]);
  return path;
}

static void
add_seizure (IctoStore  *store,
             gint64      rec_id,
             const char *rater,
             double      onset,
             double      duration,
             double      ueo)
{
  g_autoptr(GError) error = NULL;
  IctoAnnotation a = { 0 };
  IctoSeizureInfo info = { ICTO_STORE_TIME_NONE, ICTO_STORE_TIME_NONE, ICTO_STORE_TIME_NONE, ICTO_STORE_TIME_NONE,
                           NULL, NULL, NULL, NULL };

  a.recording_id = rec_id;
  a.onset = icto_seconds_to_ticks (onset);
  a.duration = icto_seconds_to_ticks (duration);
  a.label = (char *) "sz";
  a.rater = (char *) rater;
  a.confidence = NAN;
  if (!isnan (ueo))
    {
      info.ueo = icto_seconds_to_ticks (ueo);
      a.seizure = &info;
    }
  g_assert_true (icto_store_add (store, &a, &error));
  g_assert_no_error (error);
}

/* alice: seizures (130,150) with UEO 135, and (10,20); a spike (not a
 * seizure) at 50.  bob: (132,140). */
static void
make_db (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(IctoRecording) rec = icto_recording_open (edf_path, &error);
  g_autoptr(IctoStore) store = NULL;
  IctoAnnotation spike = { 0 };
  gint64 id;

  db_path = g_build_filename (icto_test_tmpdir (), "score.db", NULL);
  store = icto_store_open (db_path, &error);
  g_assert_no_error (error);
  id = icto_store_ensure_recording (store, icto_recording_get_fingerprint (rec), edf_path,
                                    icto_recording_get_duration (rec), &error);
  g_assert_cmpint (id, >, 0);
  add_seizure (store, id, "alice", 130, 20, 135);
  add_seizure (store, id, "alice", 10, 10, NAN);
  add_seizure (store, id, "bob", 132, 8, NAN);
  spike.recording_id = id;
  spike.onset = icto_seconds_to_ticks (50);
  spike.label = (char *) "spike";
  spike.rater = (char *) "alice";
  spike.confidence = NAN;
  g_assert_true (icto_store_add (store, &spike, &error));
}

static int
run_cli (const char * const *args,
         char              **err_out)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  int status = 0;

  g_ptr_array_add (argv, (char *) g_getenv ("ICTO_CLI"));
  for (int i = 0; args[i]; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);
  g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL, NULL, err_out, &status, &error);
  g_assert_no_error (error);
  g_assert_true (WIFEXITED (status));
  return WEXITSTATUS (status);
}

static JsonObject *
load_report (JsonParser *parser,
             const char *path)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (json_parser_load_from_file (parser, path, &error));
  g_assert_no_error (error);
  return json_node_get_object (json_parser_get_root (parser));
}

static void
assert_member (JsonObject *o,
               const char *name,
               double      expected)
{
  JsonNode *n = json_object_get_member (o, name);

  g_assert_nonnull (n);
  if (isnan (expected))
    g_assert_true (JSON_NODE_HOLDS_NULL (n));
  else
    g_assert_cmpfloat_with_epsilon (json_node_get_double (n), expected, 1e-6);
}

/* Threshold 0: every segment with a value is positive, so the detection is
 * [120, 300) whatever the model says (segments 0..23 have no window).
 * Against alice: (130,150) detected, (10,20) (window [0,80)) not: TP 1,
 * FN 1, FP 0 -> sensitivity 0.5, precision 1, F1 2/3, FA 0.  Latency of
 * (130,150): detection 120 - EEC 130 = -10, - UEO 135 = -15. */
static void
test_score_threshold_zero (void)
{
  g_autofree char *out = g_build_filename (icto_test_tmpdir (), "zero.json", NULL);
  g_autofree char *err = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  const char *args[] = { "score", edf_path, "--model", model_path, "--db", db_path, "--rater", "alice",
                         "--threshold", "0", "--out", out, NULL };
  JsonObject *root, *score, *lat;
  JsonArray *det, *lats;

  g_assert_cmpint (run_cli (args, &err), ==, 0);
  root = load_report (parser, out);
  g_assert_cmpstr (json_object_get_string_member (root, "hypothesis"), ==, "model");
  g_assert_cmpuint (strlen (json_object_get_string_member (root, "model_hash")), ==, 64);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (root, "reference")), ==, 2);
  det = json_object_get_array_member (root, "detections");
  g_assert_cmpuint (json_array_get_length (det), ==, 1);
  assert_member (json_array_get_object_element (det, 0), "start_s", 120);
  assert_member (json_array_get_object_element (det, 0), "end_s", 300);
  score = json_object_get_object_member (root, "score");
  g_assert_cmpint (json_object_get_int_member (score, "true_positives"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (score, "false_positives"), ==, 0);
  g_assert_cmpint (json_object_get_int_member (score, "n_ref"), ==, 2);
  assert_member (score, "sensitivity", 0.5);
  assert_member (score, "precision", 1);
  assert_member (score, "f1", 2.0 / 3);
  assert_member (score, "false_alarms_per_24h", 0);
  lats = json_object_get_array_member (root, "latencies");
  g_assert_cmpuint (json_array_get_length (lats), ==, 2);
  /* reference order: by onset (10,20) first */
  lat = json_array_get_object_element (lats, 0);
  g_assert_false (json_object_get_boolean_member (lat, "detected"));
  assert_member (lat, "latency_eec_s", NAN);
  lat = json_array_get_object_element (lats, 1);
  g_assert_true (json_object_get_boolean_member (lat, "detected"));
  assert_member (lat, "latency_eec_s", -10);
  assert_member (lat, "latency_ueo_s", -15);
  g_assert_false (json_object_has_member (root, "sweep"));
}

/* the probability of each window on its last segment */
static gboolean
prob_cb (const IctoInferenceWindow *w,
         gpointer                   data)
{
  GArray *probs = data;

  g_array_index (probs, float, (guint) llround (w->end_s / 5) - 1) = w->seizure_prob;
  return TRUE;
}

/* At 0.5 the CLI's numbers are the library's on icto_inference_run's
 * probabilities; the sweep's sensitivity never grows with the threshold;
 * a second run reads the cache and says the same. */
static void
test_score_matches_library (void)
{
  g_autofree char *out = g_build_filename (icto_test_tmpdir (), "half.json", NULL);
  g_autofree char *out2 = g_build_filename (icto_test_tmpdir (), "half2.json", NULL);
  g_autofree char *err = NULL;
  g_autofree char *c1 = NULL, *c2 = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(IctoRecording) rec = icto_recording_open (edf_path, &error);
  g_autoptr(IctoModel) model = icto_model_load (model_path, NULL, NULL, &error);
  g_autoptr(GArray) probs = g_array_new (FALSE, FALSE, sizeof (float));
  g_autoptr(GArray) ref = g_array_new (FALSE, FALSE, sizeof (IctoEvent));
  g_autoptr(GArray) hyp = NULL;
  const char *args[] = { "score", edf_path, "--model", model_path, "--db", db_path, "--rater", "alice",
                         "--sweep", "--out", out, NULL };
  const char *args2[] = { "score", edf_path, "--model", model_path, "--db", db_path, "--rater", "alice",
                          "--sweep", "--out", out2, NULL };
  IctoInferenceOptions opts = { 0 };
  IctoScoringParams params;
  IctoEventScore s;
  IctoEvent e1 = { 10, 20, NAN }, e2 = { 130, 150, NAN };
  JsonObject *root, *score;
  JsonArray *sweep;
  double prev_sens = 1.0;

  g_assert_cmpint (run_cli (args, &err), ==, 0);
  root = load_report (parser, out);

  g_array_set_size (probs, SECONDS / 5);
  for (guint k = 0; k < probs->len; k++)
    g_array_index (probs, float, k) = NAN;
  opts.n_threads = 1;
  g_assert_true (icto_inference_run (rec, model, &opts, prob_cb, NULL, probs, NULL, &error));
  g_assert_no_error (error);
  g_array_append_val (ref, e1);
  g_array_append_val (ref, e2);
  icto_scoring_params_init (&params);
  hyp = icto_detect_events ((const float *) (gpointer) probs->data, probs->len, 5.0, 0.5f, 90);
  icto_score_events (ref, hyp, SECONDS, &params, &s);
  g_test_message ("library: %u detections, TP %u, FP %u", hyp->len, s.true_positives, s.false_positives);

  score = json_object_get_object_member (root, "score");
  g_assert_cmpint (json_object_get_int_member (score, "n_hyp"), ==, s.n_hyp);
  g_assert_cmpint (json_object_get_int_member (score, "true_positives"), ==, s.true_positives);
  g_assert_cmpint (json_object_get_int_member (score, "false_positives"), ==, s.false_positives);
  assert_member (score, "sensitivity", s.sensitivity);
  assert_member (score, "false_alarms_per_24h", s.false_alarms_per_24h);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (root, "detections")), ==, hyp->len);

  sweep = json_object_get_array_member (root, "sweep");
  g_assert_cmpuint (json_array_get_length (sweep), ==, 99);
  for (guint i = 0; i < 99; i++)
    {
      JsonObject *p = json_array_get_object_element (sweep, i);
      double sens = json_object_get_double_member (p, "sensitivity");

      assert_member (p, "threshold", (float) (i + 1) / 100.0f);
      g_assert_cmpfloat (sens, <=, prev_sens);
      prev_sens = sens;
    }

  /* from the cache: the same report */
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_cli (args2, &err), ==, 0);
  g_assert_true (g_file_get_contents (out, &c1, NULL, NULL));
  g_assert_true (g_file_get_contents (out2, &c2, NULL, NULL));
  g_assert_cmpstr (c1, ==, c2);
}

/* bob against alice: (132,140) detects (130,150), nothing near (10,20):
 * TP 1, FN 1, FP 0 -> 0.5 / 1 / 2/3 / 0; no model runs. */
static void
test_score_two_raters (void)
{
  g_autofree char *out = g_build_filename (icto_test_tmpdir (), "raters.json", NULL);
  g_autofree char *err = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  const char *args[] = { "score", edf_path, "--db", db_path, "--rater", "alice", "--against-rater", "bob",
                         "--model", "/nonexistent.safetensors", "--out", out, NULL };
  JsonObject *root, *score;

  g_assert_cmpint (run_cli (args, &err), ==, 0);
  root = load_report (parser, out);
  g_assert_cmpstr (json_object_get_string_member (root, "hypothesis"), ==, "rater");
  score = json_object_get_object_member (root, "score");
  assert_member (score, "sensitivity", 0.5);
  assert_member (score, "precision", 1);
  assert_member (score, "f1", 2.0 / 3);
  assert_member (score, "false_alarms_per_24h", 0);
}

static void
test_score_errors (void)
{
  g_autofree char *out = g_build_filename (icto_test_tmpdir (), "bad.json", NULL);
  g_autofree char *other_db = g_build_filename (icto_test_tmpdir (), "empty.db", NULL);
  const char *no_db[] = { "score", edf_path, "--rater", "alice", "--out", out, NULL };
  const char *bad_thr[] = { "score", edf_path, "--db", db_path, "--rater", "alice", "--threshold", "2", "--out", out, NULL };
  const char *unknown[] = { "score", edf_path, "--db", other_db, "--rater", "alice", "--out", out, NULL };
  g_autofree char *e1 = NULL, *e2 = NULL, *e3 = NULL;

  g_assert_cmpint (run_cli (no_db, &e1), ==, 2);
  g_assert_cmpint (run_cli (bad_thr, &e2), ==, 2);
  g_assert_cmpint (run_cli (unknown, &e3), ==, 1);
  g_assert_nonnull (strstr (e3, "no annotations"));
  g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
}

int
main (int    argc,
      char **argv)
{
  int ret;

  g_test_init (&argc, &argv, NULL);
  model_path = icto_test_source_path ("models/ictoscope-demo.safetensors");
  edf_path = make_edf ("rec.edf", SECONDS);
  make_db ();
  g_test_add_func ("/cli/score/threshold-zero", test_score_threshold_zero);
  g_test_add_func ("/cli/score/matches-library", test_score_matches_library);
  g_test_add_func ("/cli/score/two-raters", test_score_two_raters);
  g_test_add_func ("/cli/score/errors", test_score_errors);
  ret = g_test_run ();
  g_free (model_path);
  g_free (edf_path);
  g_free (db_path);
  return ret;
}
