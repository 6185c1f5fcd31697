/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "icto-test"

#include "config.h"

#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

#include "core/icto-inference-worker-private.h"
#include "core/icto-inference-worker.h"
#include "core/icto-inference.h"
#include "model/icto-model-state.h"
#include "signal/icto-edf-writer.h"
#include "store/icto-result-cache.h"
#include "icto-test-util.h"

/*
 * The inference worker (core/icto-inference-worker.h): its results equal
 * icto_inference_run's, cancellation within 100 ms, nothing from cancelled
 * work reaches the main thread, the cache survives a restart and a model
 * change invalidates it, pause, focus first, short recordings.  And the
 * per-channel contributions sum to the logit difference.
 */

#define N_CH 4

static char *
model_a (void)
{
  g_autofree char *p = icto_test_source_path ("models/ictoscope-demo.safetensors");

  if (!g_file_test (p, G_FILE_TEST_IS_REGULAR))
    g_error ("bundled model missing: %s", p);
  return g_steal_pointer (&p);
}

/* A copy of the bundled model whose classification head is changed (its
 * first row negated): another file hash and other probabilities. */
static char *
model_b (void)
{
  static char *path;

  if (path == NULL)
    {
      g_autofree char *src = model_a ();
      g_autofree char *data = NULL;
      g_autoptr(JsonParser) parser = json_parser_new ();
      g_autoptr(GError) error = NULL;
      gsize len;
      guint64 hlen;
      JsonObject *root, *t;
      JsonArray *offsets, *shape;
      gint64 begin;
      int D;

      g_assert_true (g_file_get_contents (src, &data, &len, &error));
      memcpy (&hlen, data, 8);
      hlen = GUINT64_FROM_LE (hlen);
      g_assert_cmpuint (hlen + 8, <=, len);
      g_assert_true (json_parser_load_from_data (parser, data + 8, (gssize) hlen, &error));
      root = json_node_get_object (json_parser_get_root (parser));
      t = json_object_get_object_member (root, "cls_head.weight");
      g_assert_nonnull (t);
      g_assert_cmpstr (json_object_get_string_member (t, "dtype"), ==, "F32");
      offsets = json_object_get_array_member (t, "data_offsets");
      shape = json_object_get_array_member (t, "shape");
      begin = json_array_get_int_element (offsets, 0);
      D = (int) json_array_get_int_element (shape, 1);
      for (int i = 0; i < D; i++)
        {
          float *w = (float *) (gpointer) (data + 8 + hlen + begin + (gsize) i * 4);
          float v;

          memcpy (&v, w, 4);
          v = -v;
          memcpy (w, &v, 4);
        }
      path = g_build_filename (icto_test_tmpdir (), "model-b.safetensors", NULL);
      g_assert_true (g_file_set_contents (path, data, (gssize) len, &error));
    }
  return g_strdup (path);
}

/* @seconds of @n_ch channels at 512 Hz: sines of several frequencies, a
 * burst of faster, larger activity in the middle, and noise. */
static char *
make_recording (const char *name,
                double      seconds,
                guint       n_ch)
{
  g_autofree char *path = g_build_filename (icto_test_tmpdir (), name, NULL);
  IctoEdfWriterSignal sig[16];
  IctoEdfWriterOptions opts = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (42);
  IctoEdfWriter *w;
  g_autofree char **labels = g_new0 (char *, n_ch + 1);
  float *rows[16];
  gint64 n_rec = (gint64) seconds;

  g_assert_cmpuint (n_ch, <=, 16);
  opts.record_duration = ICTO_TICKS_PER_SECOND;
  for (guint c = 0; c < n_ch; c++)
    {
      labels[c] = g_strdup_printf ("LA%u", c + 1);
      sig[c] = (IctoEdfWriterSignal) { labels[c], NULL, "uV", NULL, -2000, 2000, 512 };
      rows[c] = g_new (float, 512);
    }
  w = icto_edf_writer_new (path, &opts, sig, n_ch, &error);
  g_assert_no_error (error);
  for (gint64 r = 0; r < n_rec; r++)
    {
      for (guint c = 0; c < n_ch; c++)
        for (int i = 0; i < 512; i++)
          {
            double t = r + i / 512.0;
            double burst = fabs (t - seconds / 2) < 40 ? 1.0 : 0.0;

            rows[c][i] = (float) (60 * sin (2 * G_PI * (3 + c) * t) + 25 * sin (2 * G_PI * 11.5 * t + c)
                                  + burst * 300 * sin (2 * G_PI * 17 * t)
                                  + g_rand_double_range (rand, -20, 20));
          }
      g_assert_true (icto_edf_writer_write_record (w, (const float *const *) rows, &error));
    }
  g_assert_true (icto_edf_writer_close (w, &error));
  g_assert_no_error (error);
  for (guint c = 0; c < n_ch; c++)
    {
      g_free (rows[c]);
      g_free (labels[c]);
    }
  return g_steal_pointer (&path);
}

static IctoRecording *
open_recording (const char *path)
{
  g_autoptr(GError) error = NULL;
  IctoRecording *rec = icto_recording_open (path, &error);

  g_assert_no_error (error);
  return rec;
}

/* Reference values per segment straight from icto_inference_run. */
typedef struct {
  guint  n_seg;
  float *prob;           /* [n_seg] */
  float *agreement;      /* [N_CH * n_seg] */
  float *contribution;
} Reference;

static gboolean
ref_window_cb (const IctoInferenceWindow *w,
               gpointer                   user_data)
{
  Reference *ref = user_data;
  guint k = (guint) llround (w->end_s / 5.0) - 1;

  g_assert_cmpuint (k, <, ref->n_seg);
  ref->prob[k] = w->seizure_prob;
  for (guint c = 0; c < w->n_channels; c++)
    {
      ref->agreement[(gsize) c * ref->n_seg + k] = w->agreement[c];
      ref->contribution[(gsize) c * ref->n_seg + k] = w->contribution[c];
    }
  return TRUE;
}

static void
reference_compute (Reference     *ref,
                   IctoRecording *rec,
                   const char    *model_path)
{
  g_autoptr(IctoModel) model = icto_model_load (model_path, NULL, NULL, NULL);
  g_autoptr(GError) error = NULL;
  IctoInferenceOptions opts = { 0 };

  ref->n_seg = (guint) floor (icto_ticks_to_seconds (icto_recording_get_duration (rec)) / 5.0);
  ref->prob = g_new (float, ref->n_seg);
  ref->agreement = g_new (float, (gsize) N_CH * ref->n_seg);
  ref->contribution = g_new (float, (gsize) N_CH * ref->n_seg);
  for (guint k = 0; k < ref->n_seg; k++)
    ref->prob[k] = NAN;
  for (gsize i = 0; i < (gsize) N_CH * ref->n_seg; i++)
    ref->agreement[i] = ref->contribution[i] = NAN;
  opts.n_threads = 1;
  g_assert_true (icto_inference_run (rec, model, &opts, ref_window_cb, NULL, ref, NULL, &error));
  g_assert_no_error (error);
}

static void
reference_clear (Reference *ref)
{
  g_free (ref->prob);
  g_free (ref->agreement);
  g_free (ref->contribution);
}

static void
assert_same_float (float a,
                   float b)
{
  if (isnan (b))
    g_assert_true (isnan (a));
  else
    g_assert_cmpfloat_with_epsilon (a, b, 1e-5);
}

static void
assert_worker_matches (IctoInferenceWorker *worker,
                       const Reference     *ref)
{
  guint n = icto_inference_worker_get_n_segments (worker);
  g_autofree float *v = g_new (float, n);

  g_assert_cmpuint (n, ==, ref->n_seg);
  icto_inference_worker_get_values (worker, ICTO_RESULT_PROBABILITY, 0, 0, n, v);
  for (guint k = 0; k < n; k++)
    assert_same_float (v[k], ref->prob[k]);
  for (guint c = 0; c < N_CH; c++)
    {
      icto_inference_worker_get_values (worker, ICTO_RESULT_AGREEMENT, c, 0, n, v);
      for (guint k = 0; k < n; k++)
        assert_same_float (v[k], ref->agreement[(gsize) c * n + k]);
      icto_inference_worker_get_values (worker, ICTO_RESULT_CONTRIBUTION, c, 0, n, v);
      for (guint k = 0; k < n; k++)
        assert_same_float (v[k], ref->contribution[(gsize) c * n + k]);
    }
}

static gboolean
timeout_cb (gpointer data)
{
  gboolean *flag = data;

  *flag = TRUE;
  return G_SOURCE_REMOVE;
}

/* Iterates the main context until the worker is DONE (or FAILED). */
static void
wait_done (IctoInferenceWorker *worker,
           double               timeout_s)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add ((guint) (timeout_s * 1000), timeout_cb, &timed_out);

  while (!timed_out &&
         icto_inference_worker_get_state (worker) != ICTO_INFERENCE_DONE &&
         icto_inference_worker_get_state (worker) != ICTO_INFERENCE_FAILED)
    g_main_context_iteration (NULL, TRUE);
  if (!timed_out)
    g_source_remove (id);
  if (icto_inference_worker_get_error (worker) != NULL)
    g_error ("worker failed: %s", icto_inference_worker_get_error (worker)->message);
  g_assert_false (timed_out);
}

static void
spin (double seconds)
{
  gboolean done = FALSE;

  g_timeout_add ((guint) (seconds * 1000), timeout_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

typedef struct {
  guint  n_emissions;
  guint  first_segment;    /* of the first emission carrying results */
  gboolean seen;
} Emissions;

static void
segments_changed_cb (IctoInferenceWorker *worker,
                     guint                first,
                     guint                n,
                     Emissions           *em)
{
  em->n_emissions++;
  if (!em->seen && icto_inference_worker_get_segment_state (worker, first) == ICTO_SEGMENT_DONE)
    {
      em->seen = TRUE;
      em->first_segment = first;
    }
}

static const char *
short_recording (void)
{
  static char *path;

  if (path == NULL)
    path = make_recording ("short.edf", 300, N_CH);
  return path;
}

static const char *
long_recording (void)
{
  static char *path;

  if (path == NULL)
    path = make_recording ("long.edf", 3600, N_CH);
  return path;
}

/* The worker gives exactly icto_inference_run's values, segment by segment;
 * the first 24 segments have no window. */
static void
test_matches_inference (void)
{
  g_autoptr(IctoRecording) rec = open_recording (short_recording ());
  g_autoptr(IctoInferenceWorker) worker = icto_inference_worker_new (NULL);
  g_autofree char *ma = model_a ();
  g_autoptr(GError) error = NULL;
  Reference ref = { 0 };

  reference_compute (&ref, rec, ma);
  icto_inference_worker_set_recording (worker, rec);
  g_assert_cmpint (icto_inference_worker_get_state (worker), ==, ICTO_INFERENCE_IDLE);
  g_assert_true (icto_inference_worker_set_model (worker, ma, &error));
  g_assert_no_error (error);
  g_assert_cmpint (icto_inference_worker_get_state (worker), ==, ICTO_INFERENCE_RUNNING);
  icto_inference_worker_set_focus (worker, 200, 260);
  wait_done (worker, 120);
  g_assert_cmpuint (icto_inference_worker_get_n_segments (worker), ==, 60);
  g_assert_cmpuint (icto_inference_worker_get_n_channels (worker), ==, N_CH);
  for (guint k = 0; k < 24; k++)
    g_assert_cmpint (icto_inference_worker_get_segment_state (worker, k), ==, ICTO_SEGMENT_NO_WINDOW);
  for (guint k = 24; k < 60; k++)
    g_assert_cmpint (icto_inference_worker_get_segment_state (worker, k), ==, ICTO_SEGMENT_DONE);
  g_assert_cmpfloat (icto_inference_worker_get_fraction (worker), ==, 1.0);
  assert_worker_matches (worker, &ref);
  /* the probabilities are real numbers from the head */
  g_assert_false (isnan (ref.prob[30]));
  reference_clear (&ref);
}

/* Cancelling (here: taking the model away) stops the thread within 100 ms
 * and nothing computed before reaches the main thread afterwards. */
static void
test_cancel (void)
{
  g_autoptr(IctoRecording) rec = open_recording (long_recording ());
  g_autoptr(IctoInferenceWorker) worker = icto_inference_worker_new (NULL);
  g_autofree char *ma = model_a ();
  g_autofree float *v = NULL;
  Emissions em = { 0 };
  gint64 t0, t1;
  guint n;

  g_assert_cmpint (_icto_inference_worker_get_busy_threads (), ==, 0);
  icto_inference_worker_set_recording (worker, rec);
  g_assert_true (icto_inference_worker_set_model (worker, ma, NULL));
  g_signal_connect (worker, "segments-changed", G_CALLBACK (segments_changed_cb), &em);
  while (!em.seen)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpint (_icto_inference_worker_get_busy_threads (), ==, 1);
  g_assert_cmpint (icto_inference_worker_get_state (worker), ==, ICTO_INFERENCE_RUNNING);

  /* let it get well into its work, then cancel */
  spin (0.2);
  t0 = g_get_monotonic_time ();
  g_assert_true (icto_inference_worker_set_model (worker, NULL, NULL));
  while (_icto_inference_worker_get_busy_threads () > 0)
    g_usleep (1000);
  t1 = g_get_monotonic_time ();
  g_test_message ("the worker thread stopped %.1f ms after the cancel", (t1 - t0) / 1000.0);
  g_assert_cmpint (t1 - t0, <, 100 * 1000);
  g_assert_cmpint (icto_inference_worker_get_state (worker), ==, ICTO_INFERENCE_IDLE);

  /* whatever the thread queued before it stopped is dropped */
  em.n_emissions = 0;
  spin (0.3);
  g_assert_cmpuint (em.n_emissions, ==, 0);
  n = icto_inference_worker_get_n_segments (worker);
  g_assert_cmpuint (n, ==, 0);
  v = g_new (float, 10);
  icto_inference_worker_get_values (worker, ICTO_RESULT_PROBABILITY, 0, 100, 10, v);
  for (guint i = 0; i < 10; i++)
    g_assert_true (isnan (v[i]));
}

/* Switching models mid-run: every value afterwards is the new model's
 * (a result of the old job that slipped through would stay, since a
 * segment is filled once, and differ from the reference). */
static void
test_switch_model (void)
{
  g_autoptr(IctoRecording) rec = open_recording (short_recording ());
  g_autoptr(IctoInferenceWorker) worker = icto_inference_worker_new (NULL);
  g_autofree char *ma = model_a ();
  g_autofree char *mb = model_b ();
  Emissions em = { 0 };
  Reference ref_b = { 0 };

  reference_compute (&ref_b, rec, mb);
  icto_inference_worker_set_recording (worker, rec);
  g_assert_true (icto_inference_worker_set_model (worker, ma, NULL));
  g_signal_connect (worker, "segments-changed", G_CALLBACK (segments_changed_cb), &em);
  while (!em.seen)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (icto_inference_worker_set_model (worker, mb, NULL));
  wait_done (worker, 120);
  assert_worker_matches (worker, &ref_b);
  reference_clear (&ref_b);
}

/* Results are cached in the store: a new worker on the same store shows them
 * at once (no thread runs); another model file is another key. */
static void
test_cache (void)
{
  g_autoptr(IctoRecording) rec = open_recording (short_recording ());
  g_autofree char *db = g_build_filename (icto_test_tmpdir (), "cache.db", NULL);
  g_autofree char *ma = model_a ();
  g_autofree char *mb = model_b ();
  g_autoptr(GError) error = NULL;
  Reference ref_a = { 0 }, ref_b = { 0 };
  g_autofree float *v = g_new (float, 60);
  gboolean differs = FALSE;

  reference_compute (&ref_a, rec, ma);
  reference_compute (&ref_b, rec, mb);
  {
    g_autoptr(IctoStore) store = icto_store_open (db, &error);
    g_autoptr(IctoInferenceWorker) worker = icto_inference_worker_new (store);

    g_assert_no_error (error);
    icto_inference_worker_set_recording (worker, rec);
    g_assert_true (icto_inference_worker_set_model (worker, ma, NULL));
    wait_done (worker, 120);
    assert_worker_matches (worker, &ref_a);
  }
  /* the thread writes its last batch before it ends */
  while (_icto_inference_worker_get_busy_threads () > 0)
    g_usleep (1000);

  {
    /* "restart": a new store connection and a new worker */
    g_autoptr(IctoStore) store = icto_store_open (db, &error);
    g_autoptr(IctoInferenceWorker) worker = icto_inference_worker_new (store);

    g_assert_no_error (error);
    icto_inference_worker_set_recording (worker, rec);
    g_assert_true (icto_inference_worker_set_model (worker, ma, NULL));
    /* no main-loop iteration: straight from the cache */
    g_assert_cmpint (icto_inference_worker_get_state (worker), ==, ICTO_INFERENCE_DONE);
    g_assert_cmpint (_icto_inference_worker_get_busy_threads (), ==, 0);
    assert_worker_matches (worker, &ref_a);

    /* another model: nothing cached for it */
    g_assert_true (icto_inference_worker_set_model (worker, mb, NULL));
    g_assert_cmpint (icto_inference_worker_get_state (worker), ==, ICTO_INFERENCE_RUNNING);
    icto_inference_worker_get_values (worker, ICTO_RESULT_PROBABILITY, 0, 0, 60, v);
    for (guint k = 0; k < 60; k++)
      g_assert_true (isnan (v[k]));
    wait_done (worker, 120);
    assert_worker_matches (worker, &ref_b);
    for (guint k = 24; k < 60; k++)
      differs |= fabsf (ref_a.prob[k] - ref_b.prob[k]) > 1e-4f;
    g_assert_true (differs);

    /* and back: model A is still cached */
    g_assert_true (icto_inference_worker_set_model (worker, ma, NULL));
    g_assert_cmpint (icto_inference_worker_get_state (worker), ==, ICTO_INFERENCE_DONE);
    assert_worker_matches (worker, &ref_a);
  }
  while (_icto_inference_worker_get_busy_threads () > 0)
    g_usleep (1000);
  reference_clear (&ref_a);
  reference_clear (&ref_b);
}

/* Paused: no progress; resumed: completes.  Focus at the end: the first
 * results are in the focus range. */
static void
test_pause_and_focus (void)
{
  g_autoptr(IctoRecording) rec = open_recording (short_recording ());
  g_autoptr(IctoInferenceWorker) worker = icto_inference_worker_new (NULL);
  g_autofree char *ma = model_a ();
  Emissions em = { 0 };

  icto_inference_worker_set_paused (worker, TRUE);
  icto_inference_worker_set_focus (worker, 250, 280);
  icto_inference_worker_set_recording (worker, rec);
  g_assert_true (icto_inference_worker_set_model (worker, ma, NULL));
  g_assert_cmpint (icto_inference_worker_get_state (worker), ==, ICTO_INFERENCE_PAUSED);
  g_signal_connect (worker, "segments-changed", G_CALLBACK (segments_changed_cb), &em);
  spin (0.4);
  g_assert_cmpuint (em.n_emissions, ==, 0);
  g_assert_cmpfloat (icto_inference_worker_get_fraction (worker), ==, 0.0);

  icto_inference_worker_set_paused (worker, FALSE);
  g_assert_cmpint (icto_inference_worker_get_state (worker), ==, ICTO_INFERENCE_RUNNING);
  wait_done (worker, 120);
  g_assert_true (em.seen);
  /* focus 250..280 s = segments 50..55 */
  g_assert_cmpuint (em.first_segment, >=, 50);
  g_assert_cmpuint (em.first_segment, <=, 55);
  g_assert_cmpfloat (icto_inference_worker_get_fraction (worker), ==, 1.0);
  while (_icto_inference_worker_get_busy_threads () > 0)
    g_usleep (1000);
}

/* A 60-s recording: one window of 12 segments, its result on segment 11,
 * the others never computed; a note says so. */
static void
test_short_recording (void)
{
  g_autofree char *path = make_recording ("60s.edf", 60, N_CH);
  g_autoptr(IctoRecording) rec = open_recording (path);
  g_autoptr(IctoInferenceWorker) worker = icto_inference_worker_new (NULL);
  g_autofree char *ma = model_a ();
  g_autofree char *notes = NULL;
  float p;

  icto_inference_worker_set_recording (worker, rec);
  g_assert_true (icto_inference_worker_set_model (worker, ma, NULL));
  wait_done (worker, 60);
  g_assert_cmpuint (icto_inference_worker_get_n_segments (worker), ==, 12);
  for (guint k = 0; k < 12; k++)
    g_assert_cmpint (icto_inference_worker_get_segment_state (worker, k), ==,
                     k == 11 ? ICTO_SEGMENT_DONE : ICTO_SEGMENT_NO_WINDOW);
  icto_inference_worker_get_values (worker, ICTO_RESULT_PROBABILITY, 0, 11, 1, &p);
  g_assert_false (isnan (p));
  notes = icto_inference_worker_get_notes (worker);
  g_assert_nonnull (notes);
  g_assert_nonnull (strstr (notes, "125"));
  while (_icto_inference_worker_get_busy_threads () > 0)
    g_usleep (1000);
}

/* An EDF+D file: 0-180 s, a gap 180-190 s, data 190-210 s (records of
 * 20 s, the last one shifted by 10 s).  Windows ending at 125 ... 180 s
 * have results (segments 24..35); those reaching into the gap or past it
 * (segments 36..41) are GAP, never computed, and the notes say so. */
static void
test_gap (void)
{
  g_autofree char *path = g_build_filename (icto_test_tmpdir (), "gap.edf", NULL);
  g_autoptr(IctoRecording) rec = NULL;
  g_autoptr(IctoInferenceWorker) worker = icto_inference_worker_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *ma = model_a ();
  g_autofree char *notes = NULL;
  g_autofree char *data = NULL;
  IctoEdfWriterSignal sig[N_CH];
  IctoEdfWriterOptions opts = { 0 };
  g_autoptr(GRand) rand = g_rand_new_with_seed (8);
  float *rows[N_CH];
  IctoEdfWriter *w;
  char *tal;
  gsize len;

  opts.record_duration = 20 * ICTO_TICKS_PER_SECOND;
  for (guint c = 0; c < N_CH; c++)
    {
      sig[c] = (IctoEdfWriterSignal) { c == 0 ? "G1" : c == 1 ? "G2" : c == 2 ? "G3" : "G4", NULL, "uV", NULL,
                                       -1000, 1000, 512 * 20 };
      rows[c] = g_new (float, 512 * 20);
    }
  w = icto_edf_writer_new (path, &opts, sig, N_CH, &error);
  g_assert_no_error (error);
  for (int r = 0; r < 10; r++)
    {
      for (guint c = 0; c < N_CH; c++)
        for (int i = 0; i < 512 * 20; i++)
          rows[c][i] = (float) (50 * sin (2 * G_PI * (4 + c) * (r * 20 + i / 512.0)) + g_rand_double_range (rand, -10, 10));
      g_assert_true (icto_edf_writer_write_record (w, (const float *const *) rows, &error));
    }
  g_assert_true (icto_edf_writer_close (w, &error));
  for (guint c = 0; c < N_CH; c++)
    g_free (rows[c]);

  /* make it EDF+D and move the last record's onset from 180 to 190 s */
  g_assert_true (g_file_get_contents (path, &data, &len, &error));
  g_assert_cmpmem (data + 192, 5, "EDF+C", 5);
  memcpy (data + 192, "EDF+D", 5);
  tal = memmem (data, len, "+180\x14", 5);
  g_assert_nonnull (tal);
  tal[2] = '9';
  g_assert_true (g_file_set_contents (path, data, (gssize) len, &error));

  rec = open_recording (path);
  g_assert_cmpuint (icto_recording_get_n_gaps (rec), ==, 1);
  icto_inference_worker_set_recording (worker, rec);
  g_assert_true (icto_inference_worker_set_model (worker, ma, NULL));
  wait_done (worker, 120);
  g_assert_cmpuint (icto_inference_worker_get_n_segments (worker), ==, 42);
  for (guint k = 0; k < 42; k++)
    {
      IctoSegmentState want = k < 24 ? ICTO_SEGMENT_NO_WINDOW : k < 36 ? ICTO_SEGMENT_DONE : ICTO_SEGMENT_GAP;

      g_assert_cmpint (icto_inference_worker_get_segment_state (worker, k), ==, want);
    }
  g_assert_cmpfloat (icto_inference_worker_get_fraction (worker), ==, 1.0);
  notes = icto_inference_worker_get_notes (worker);
  g_assert_nonnull (notes);
  g_assert_nonnull (strstr (notes, "6 segments"));
  while (_icto_inference_worker_get_busy_threads () > 0)
    g_usleep (1000);
}

/* icto_inference_run with an encoding cache: a later run over a range the
 * cache has seen takes encodings from it (hits) and gives the results of a
 * run without it (to rounding: the encoder's sgemm may round the last bit
 * differently for another batch of segments, as icto-inference's own reuse
 * of the previous window's encodings does). */
static void
test_encoding_cache (void)
{
  g_autoptr(IctoRecording) rec = open_recording (short_recording ());
  g_autofree char *ma = model_a ();
  g_autoptr(IctoModel) model = icto_model_load (ma, NULL, NULL, NULL);
  g_autoptr(IctoEncodingCache) cache = icto_encoding_cache_new (16 << 20);
  g_autoptr(GError) error = NULL;
  IctoInferenceOptions opts = { 0 };
  Reference plain = { 0 }, cached = { 0 };
  guint64 hits = 0, misses = 0;

  reference_compute (&plain, rec, ma);
  cached.n_seg = plain.n_seg;
  cached.prob = g_new (float, cached.n_seg);
  cached.agreement = g_new (float, (gsize) N_CH * cached.n_seg);
  cached.contribution = g_new (float, (gsize) N_CH * cached.n_seg);
  opts.n_threads = 1;
  opts.encodings = cache;
  /* windows ending at 225 .. 300 s, then all of them */
  opts.start_s = 100;
  g_assert_true (icto_inference_run (rec, model, &opts, ref_window_cb, NULL, &cached, NULL, &error));
  icto_encoding_cache_get_stats (cache, &hits, &misses);
  g_assert_cmpuint (hits, ==, 0);
  opts.start_s = 0;
  g_assert_true (icto_inference_run (rec, model, &opts, ref_window_cb, NULL, &cached, NULL, &error));
  g_assert_no_error (error);
  icto_encoding_cache_get_stats (cache, &hits, &misses);
  g_test_message ("encoding cache: %" G_GUINT64_FORMAT " hits, %" G_GUINT64_FORMAT " misses", hits, misses);
  /* the first window of the second run: segments 20..24 (100-125 s) were encoded by the first */
  g_assert_cmpuint (hits, >=, 5 * N_CH);
  for (guint k = 24; k < plain.n_seg; k++)
    {
      assert_same_float (cached.prob[k], plain.prob[k]);
      for (guint c = 0; c < N_CH; c++)
        {
          assert_same_float (cached.agreement[(gsize) c * plain.n_seg + k], plain.agreement[(gsize) c * plain.n_seg + k]);
          assert_same_float (cached.contribution[(gsize) c * plain.n_seg + k],
                             plain.contribution[(gsize) c * plain.n_seg + k]);
        }
    }
  reference_clear (&plain);
  reference_clear (&cached);

  /* a tiny budget keeps nothing, and nothing breaks */
  {
    g_autoptr(IctoEncodingCache) tiny = icto_encoding_cache_new (16);

    opts.encodings = tiny;
    opts.duration_s = 130;
    g_assert_true (icto_inference_run (rec, model, &opts, NULL, NULL, NULL, NULL, &error));
    g_assert_true (icto_inference_run (rec, model, &opts, NULL, NULL, NULL, NULL, &error));
    icto_encoding_cache_get_stats (tiny, &hits, NULL);
    g_assert_cmpuint (hits, ==, 0);
  }
}

/* The classification head is linear on the channel mean of the last time
 * step: the per-channel contributions add up to logit(seizure) -
 * logit(other). */
static void
test_contributions_sum (void)
{
  g_autofree char *ma = model_a ();
  g_autoptr(IctoModel) model = icto_model_load (ma, NULL, NULL, NULL);
  g_autoptr(IctoModelState) st = icto_model_state_new (model, 1);
  g_autoptr(GRand) rand = g_rand_new_with_seed (3);
  const int T = 25, L = 2560;

  for (int C = 1; C <= 9; C += 4)
    for (int flags = 0; flags < 2; flags++)
      {
        g_autofree float *x = g_new (float, (gsize) T * C * L);
        g_autoptr(IctoModelOutput) out = NULL;
        g_autoptr(GError) error = NULL;
        double sum = 0, diff;

        for (gsize i = 0; i < (gsize) T * C * L; i++)
          x[i] = (float) g_rand_double_range (rand, -100, 100);
        out = icto_model_forward (st, x, T, C, L, flags ? ICTO_FORWARD_LAST_STEPS : ICTO_FORWARD_DEFAULT, &error);
        g_assert_no_error (error);
        g_assert_true (out->has_class);
        for (int c = 0; c < C; c++)
          sum += out->contribution[c];
        diff = (double) out->class_logits[1] - out->class_logits[0];
        g_test_message ("C = %d: sum of contributions %.7f, logit difference %.7f", C, sum, diff);
        g_assert_cmpfloat (fabs (sum - diff), <, 1e-5 * MAX (1.0, fabs (diff)));
        /* and the probability is the softmax of those logits */
        g_assert_cmpfloat_with_epsilon (out->class_probs[1], 1.0 / (1.0 + exp (-diff)), 1e-6);
      }
}

/* The model file hash: 64 hex digits, the same for the same bytes at
 * another path, another for one flipped bit anywhere (first, middle, the
 * tail shorter than a block), cached, and a clear error for a missing file. */
static void
test_model_hash (void)
{
  g_autofree char *ma = model_a ();
  g_autofree char *mb = model_b ();
  g_autofree char *ha = icto_model_file_hash (ma, NULL);
  g_autofree char *ha2 = icto_model_file_hash (ma, NULL);
  g_autofree char *hb = icto_model_file_hash (mb, NULL);
  g_autofree char *data = NULL;
  g_autofree char *copy = g_build_filename (icto_test_tmpdir (), "hash-copy.bin", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  gsize len;

  g_assert_cmpuint (strlen (ha), ==, 64);
  g_assert_cmpstr (ha, ==, ha2);
  g_assert_cmpstr (ha, !=, hb);
  g_assert_true (g_file_get_contents (ma, &data, &len, NULL));
  g_assert_cmpuint (len, >, 1000);
  {
    const gsize where[] = { 0, len / 2, len - 1, len - 3 };

    for (guint i = 0; i <= G_N_ELEMENTS (where); i++)
      {
        g_autofree char *path = g_strdup_printf ("%s/hash-%u.bin", icto_test_tmpdir (), i);
        char *h;

        if (i > 0)
          data[where[i - 1]] ^= 0x10;
        g_assert_true (g_file_set_contents (path, data, (gssize) len, NULL));
        h = icto_model_file_hash (path, &error);
        g_assert_no_error (error);
        if (i == 0)
          g_assert_cmpstr (h, ==, ha);
        /* every variant is new */
        g_assert_false (g_hash_table_contains (seen, h));
        g_hash_table_add (seen, h);
        if (i > 0)
          data[where[i - 1]] ^= 0x10;
      }
  }
  /* lengths that are not a multiple of the block */
  for (gsize n = 1; n < 70; n += 7)
    {
      g_autofree char *path = g_strdup_printf ("%s/short-%" G_GSIZE_FORMAT ".bin", icto_test_tmpdir (), n);
      char *h;

      g_assert_true (g_file_set_contents (path, data, (gssize) n, NULL));
      h = icto_model_file_hash (path, NULL);
      g_assert_false (g_hash_table_contains (seen, h));
      g_hash_table_add (seen, h);
    }
  g_assert_null (icto_model_file_hash ("/nonexistent/model.safetensors", &error));
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/inference-worker/matches-inference", test_matches_inference);
  g_test_add_func ("/inference-worker/cancel", test_cancel);
  g_test_add_func ("/inference-worker/switch-model", test_switch_model);
  g_test_add_func ("/inference-worker/cache", test_cache);
  g_test_add_func ("/inference-worker/pause-and-focus", test_pause_and_focus);
  g_test_add_func ("/inference-worker/short-recording", test_short_recording);
  g_test_add_func ("/inference-worker/gap", test_gap);
  g_test_add_func ("/inference-worker/encoding-cache", test_encoding_cache);
  g_test_add_func ("/inference-worker/contributions-sum", test_contributions_sum);
  g_test_add_func ("/inference-worker/model-hash", test_model_hash);
  return g_test_run ();
}
