/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-head-train"

#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

#include "core/icto-annotation-export.h"
#include "core/icto-core-error.h"
#include "core/icto-head-train.h"
#include "core/icto-inference-worker.h"
#include "core/icto-job.h"
#include "icto-test-util.h"
#include "model/icto-model.h"
#include "sim/icto-sim.h"
#include "signal/icto-recording.h"
#include "store/icto-store.h"

/*
 * core/icto-head-train on a short simulated recording (8 minutes, 4
 * seizures, one 8-contact shaft; its EDF+ annotations imported): labels by
 * the published rule, seizure-held-out folds, the feature cache (a second
 * run reads every window from the store; --cached-only on another store
 * fails with FEATURES_MISSING), the two-label-set mode, cancellation, the
 * async API with an IctoJob, and the head file.  The CLI test
 * (tests/cli/test-cli-train-head.c) checks that a head generalises.
 */

static char *rec_path;
static char *db_path;
static char *model_path;

static void
setup (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(IctoRecording) rec = NULL;
  g_autoptr(IctoStore) store = NULL;
  IctoSimParams params;
  gint64 id;
  guint n = 0;

  rec_path = g_build_filename (icto_test_tmpdir (), "train.edf", NULL);
  db_path = g_build_filename (icto_test_tmpdir (), "annotations.db", NULL);
  model_path = icto_test_source_path ("models/ictoscope-demo.safetensors");
  icto_sim_params_init (&params);
  params.duration = 480;
  params.n_seizures = 4;
  params.seed = 3;
  params.layout = "LA:8";
  g_assert_true (icto_sim_write (&params, rec_path, NULL, NULL, &error));
  g_assert_no_error (error);

  rec = icto_recording_open (rec_path, &error);
  g_assert_no_error (error);
  store = icto_store_open (db_path, &error);
  g_assert_no_error (error);
  id = icto_store_ensure_recording (store, icto_recording_get_fingerprint (rec), rec_path,
                                    icto_recording_get_duration (rec), &error);
  g_assert_no_error (error);
  g_assert_true (icto_annotation_import_edf (store, rec, id, NULL, &n, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n, >, 4);
}

static void
count_progress (double   fraction,
                gpointer user_data)
{
  double *last = user_data;

  g_assert_cmpfloat (fraction, >=, *last - 1e-12);
  *last = fraction;
}

static void
test_run (void)
{
  const char *recs[] = { rec_path, NULL };
  IctoHeadTrainOptions opt = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(IctoHeadTrainResult) res = NULL;
  g_autoptr(IctoHeadTrainResult) again = NULL;
  g_autoptr(IctoModel) base = NULL;
  g_autoptr(IctoModel) swapped = NULL;
  g_autofree char *head = g_build_filename (icto_test_tmpdir (), "head.safetensors", NULL);
  g_autofree char *summary = NULL;
  const IctoHeadTrainRecording *r;
  double last = 0;
  guint n_pos = 0;

  opt.recordings = recs;
  opt.model_path = model_path;
  opt.store_path = db_path;
  opt.rater = g_get_user_name ();
  opt.n_threads = 1;
  res = icto_head_train_run (&opt, count_progress, &last, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat (last, ==, 1.0);
  g_assert_cmpuint (res->recordings->len, ==, 1);
  r = g_ptr_array_index (res->recordings, 0);
  g_assert_cmpuint (r->n_windows, ==, (480 - 125) / 5 + 1);
  g_assert_cmpuint (r->n_cached, ==, 0);
  g_assert_cmpint (res->folds, ==, ICTO_HEAD_FOLDS_SEIZURES);
  g_assert_cmpuint (res->n_windows, ==, r->n_windows);
  g_assert_cmpint (res->n_embd, ==, 128);
  g_assert_true (res->has_model_head);

  /* labels: exactly the windows whose last segment meets a seizure */
  for (guint w = 0; w < r->n_windows; w++)
    {
      gboolean expect = FALSE;

      for (guint k = 0; k < r->events->len; k++)
        {
          const IctoEvent *e = &g_array_index (r->events, IctoEvent, k);

          expect |= e->end_s >= r->end_s[w] - 5 - 1e-9 && e->start_s <= r->end_s[w] + 1e-9;
        }
      g_assert_cmpuint (r->label[w], ==, expect);
      n_pos += r->label[w];
      g_assert_true (r->cv_prob[w] >= 0 && r->cv_prob[w] <= 1);
      g_assert_true (r->model_prob[w] >= 0 && r->model_prob[w] <= 1);
    }
  g_assert_cmpuint (n_pos, ==, res->n_positive);
  g_assert_cmpuint (n_pos, ==, r->n_positive);
  g_assert_cmpuint (r->events->len, ==, 4);
  g_assert_cmpfloat (res->cv_auroc, >, 0.5);
  g_assert_cmpuint (res->cv_events.n_events, <=, 4);
  /* C is the grid's best by CV AUROC */
  {
    gboolean found = FALSE;

    for (guint c = 0; c < res->n_c; c++)
      {
        g_assert_cmpfloat (res->c_auroc[c], <=, res->cv_auroc);
        found |= res->c_grid[c] == res->C && res->c_auroc[c] == res->cv_auroc;
      }
    g_assert_true (found);
  }

  /* a second run reads every window's features from the store, same result */
  again = icto_head_train_run (&opt, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  r = g_ptr_array_index (again->recordings, 0);
  g_assert_cmpuint (r->n_cached, ==, r->n_windows);
  g_assert_cmpfloat (again->cv_auroc, ==, res->cv_auroc);
  g_assert_cmpfloat (again->C, ==, res->C);
  g_assert_cmpmem (again->weight, sizeof (float) * 2 * 128, res->weight, sizeof (float) * 2 * 128);

  /* the head file: loads over the model, summary in the metadata */
  g_assert_true (icto_head_train_result_write (res, head, &error));
  g_assert_no_error (error);
  base = icto_model_load (model_path, NULL, NULL, &error);
  g_assert_no_error (error);
  swapped = icto_model_new_with_head (base, head, &error);
  g_assert_no_error (error);
  summary = icto_model_read_head_summary (head, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (summary, ==, res->summary_json);
  {
    g_autoptr(JsonParser) p = json_parser_new ();
    JsonObject *o;

    g_assert_true (json_parser_load_from_data (p, summary, -1, &error));
    o = json_node_get_object (json_parser_get_root (p));
    g_assert_cmpint (json_object_get_int_member (o, "windows"), ==, res->n_windows);
    g_assert_cmpint (json_object_get_int_member (o, "positive_windows"), ==, res->n_positive);
    g_assert_cmpstr (json_object_get_string_member (o, "rater"), ==, g_get_user_name ());
    g_assert_cmpfloat (json_object_get_double_member (json_object_get_object_member (o, "cv"), "auroc"),
                       ==, res->cv_auroc);
  }

  /* per-segment probabilities with the head file in place of the model's */
  {
    g_autoptr(IctoRecording) rec = icto_recording_open (rec_path, &error);
    guint n_seg = 0;
    g_autofree char *hash = NULL;
    g_autofree float *probs = icto_head_segment_probabilities (rec, model_path, head, NULL, 0, 1,
                                                               &n_seg, &hash, NULL, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (n_seg, ==, 96);
    g_assert_true (isnan (probs[0]));
    g_assert_false (isnan (probs[24]));
    g_assert_nonnull (strstr (hash, "+head:"));
  }
}

static void
test_errors (void)
{
  const char *recs[] = { rec_path, NULL };
  const char *pos[] = { "spike", NULL };
  const char *bad[] = { "no-such-label", NULL };
  const char *neg_same[] = { "note", NULL };
  const char *pos_note[] = { "note", NULL };
  g_autofree char *empty_db = g_build_filename (icto_test_tmpdir (), "empty.db", NULL);
  IctoHeadTrainOptions opt = { 0 };
  GError *error = NULL;
  IctoHeadTrainResult *res;

  opt.recordings = recs;
  opt.model_path = model_path;
  opt.store_path = db_path;
  opt.n_threads = 1;

  /* features cached only in the other store */
  opt.store_path = empty_db;
  opt.cached_only = TRUE;
  res = icto_head_train_run (&opt, NULL, NULL, NULL, &error);
  g_assert_null (res);
  g_assert_error (error, ICTO_CORE_ERROR, ICTO_CORE_ERROR_FEATURES_MISSING);
  g_clear_error (&error);
  opt.store_path = db_path;
  opt.cached_only = FALSE;

  /* no spike annotation: one class */
  opt.positive_labels = pos;
  res = icto_head_train_run (&opt, NULL, NULL, NULL, &error);
  g_assert_null (res);
  g_assert_error (error, ICTO_MODEL_ERROR, ICTO_MODEL_ERROR_TRAINING_ONE_CLASS);
  g_clear_error (&error);

  /* unknown label, a label in both sets */
  opt.positive_labels = bad;
  res = icto_head_train_run (&opt, NULL, NULL, NULL, &error);
  g_assert_null (res);
  g_assert_error (error, ICTO_CORE_ERROR, ICTO_CORE_ERROR_INVALID);
  g_clear_error (&error);
  opt.positive_labels = pos_note;
  opt.negative_labels = neg_same;
  res = icto_head_train_run (&opt, NULL, NULL, NULL, &error);
  g_assert_null (res);
  g_assert_error (error, ICTO_CORE_ERROR, ICTO_CORE_ERROR_INVALID);
  g_clear_error (&error);
  opt.positive_labels = NULL;
  opt.negative_labels = NULL;

  /* no recording */
  {
    const char *none[] = { NULL };

    opt.recordings = none;
    res = icto_head_train_run (&opt, NULL, NULL, NULL, &error);
    g_assert_null (res);
    g_assert_error (error, ICTO_CORE_ERROR, ICTO_CORE_ERROR_INVALID);
    g_clear_error (&error);
    opt.recordings = recs;
  }

  /* cancelled before it starts */
  {
    g_autoptr(GCancellable) c = g_cancellable_new ();
    g_autofree char *fresh = g_build_filename (icto_test_tmpdir (), "fresh.db", NULL);

    g_cancellable_cancel (c);
    opt.store_path = fresh;
    res = icto_head_train_run (&opt, NULL, NULL, c, &error);
    g_assert_null (res);
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    g_clear_error (&error);
    opt.store_path = db_path;
  }
}

static void
async_done_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  IctoHeadTrainResult **out = user_data;
  g_autoptr(GError) error = NULL;

  *out = icto_head_train_finish (result, &error);
  g_assert_no_error (error);
}

static void
test_async (void)
{
  const char *recs[] = { rec_path, NULL };
  IctoHeadTrainOptions opt = { 0 };
  g_autoptr(IctoJob) job = icto_job_new ("train");
  IctoHeadTrainResult *res = NULL;
  gint64 deadline = g_get_monotonic_time () + 120 * G_USEC_PER_SEC;

  opt.recordings = recs;
  opt.model_path = model_path;
  opt.store_path = db_path;
  opt.n_threads = 1;
  icto_head_train_async (&opt, job, async_done_cb, &res);
  while (res == NULL && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_nonnull (res);
  /* the last progress report reaches the main thread */
  deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
  while (icto_job_get_fraction (job) < 1.0 && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, FALSE);
  g_assert_cmpfloat (icto_job_get_fraction (job), ==, 1.0);
  icto_head_train_result_free (res);
}

/* The worker's head switch (icto_inference_worker_set_head). */
static void
test_worker_head (void)
{
  const char *recs[] = { rec_path, NULL };
  IctoHeadTrainOptions opt = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(IctoHeadTrainResult) res = NULL;
  g_autoptr(IctoInferenceWorker) worker = icto_inference_worker_new (NULL);
  g_autoptr(IctoRecording) rec = icto_recording_open (rec_path, NULL);
  g_autofree char *head = g_build_filename (icto_test_tmpdir (), "worker-head.safetensors", NULL);
  g_autofree char *broken = g_build_filename (icto_test_tmpdir (), "broken.safetensors", NULL);
  g_autofree char *plain = NULL;

  opt.recordings = recs;
  opt.model_path = model_path;
  opt.store_path = db_path;
  opt.n_threads = 1;
  res = icto_head_train_run (&opt, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (icto_head_train_result_write (res, head, &error));
  g_assert_true (g_file_set_contents (broken, "not a safetensors file", -1, NULL));

  /* no model yet */
  g_assert_false (icto_inference_worker_set_head (worker, head, &error));
  g_assert_error (error, ICTO_CORE_ERROR, ICTO_CORE_ERROR_INVALID);
  g_clear_error (&error);

  icto_inference_worker_set_paused (worker, TRUE);
  icto_inference_worker_set_recording (worker, rec);
  g_assert_true (icto_inference_worker_set_model (worker, model_path, &error));
  g_assert_no_error (error);
  plain = g_strdup (icto_inference_worker_get_model_hash (worker));
  g_assert_null (strstr (plain, "+head:"));

  g_assert_true (icto_inference_worker_set_head (worker, head, &error));
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (icto_inference_worker_get_model_hash (worker), plain));
  g_assert_nonnull (strstr (icto_inference_worker_get_model_hash (worker), "+head:"));
  /* the head's weights are the trained ones */
  g_assert_cmpmem (icto_model_get_classification_head (icto_inference_worker_get_model (worker)),
                   sizeof (float) * 2 * 128, res->weight, sizeof (float) * 2 * 128);

  /* a broken head file: an error, the head in use stays */
  g_assert_false (icto_inference_worker_set_head (worker, broken, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_assert_nonnull (strstr (icto_inference_worker_get_model_hash (worker), "+head:"));

  /* back to the model's own head */
  g_assert_true (icto_inference_worker_set_head (worker, NULL, &error));
  g_assert_cmpstr (icto_inference_worker_get_model_hash (worker), ==, plain);
}

int
main (int argc, char **argv)
{
  int ret;

  g_test_init (&argc, &argv, NULL);
  setup ();
  g_test_add_func ("/core/head-train/run", test_run);
  g_test_add_func ("/core/head-train/errors", test_errors);
  g_test_add_func ("/core/head-train/async", test_async);
  g_test_add_func ("/core/head-train/worker-head", test_worker_head);
  ret = g_test_run ();
  g_free (rec_path);
  g_free (db_path);
  g_free (model_path);
  return ret;
}
