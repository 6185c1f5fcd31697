/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-simulate-job"

#include "config.h"

#include <gio/gio.h>

#include "core/icto-core-error.h"
#include "core/icto-job.h"
#include "core/icto-simulate-job.h"
#include "icto-test-util.h"
#include "signal/icto-recording.h"

/* The simulator as a background job: writes a recording with its sidecars,
 * reports progress through IctoJob, and stops and cleans up when cancelled. */

typedef struct {
  GAsyncResult *result;
  GArray       *fractions;    /* double: every :fraction notification */
  IctoJob      *cancel_job;   /* cancel at the first progress report */
  gint64        cancel_time;  /* monotonic us of that cancel */
} Run;

static void
fraction_cb (IctoJob    *job,
             GParamSpec *pspec,
             Run        *run)
{
  double f = icto_job_get_fraction (job);

  g_array_append_val (run->fractions, f);
  if (run->cancel_job != NULL && run->cancel_time == 0 && f > 0)
    {
      run->cancel_time = g_get_monotonic_time ();
      icto_job_cancel (run->cancel_job);
    }
}

static void
done_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  Run *run = user_data;

  run->result = g_object_ref (result);
}

/* Runs the job to its end (30 s at most) in the default main context. */
static gboolean
run_job (const IctoSimParams *params,
         GFile               *file,
         gboolean             cancel_early,
         Run                 *run,
         GError             **error)
{
  g_autoptr(IctoJob) job = icto_job_new ("Simulating");
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  gboolean ok;

  run->fractions = g_array_new (FALSE, FALSE, sizeof (double));
  run->cancel_job = cancel_early ? job : NULL;
  g_signal_connect (job, "notify::fraction", G_CALLBACK (fraction_cb), run);
  icto_simulate_job_run_async (params, file, job, done_cb, run);
  while (run->result == NULL && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_nonnull (run->result);
  ok = icto_simulate_job_run_finish (run->result, error);
  g_clear_object (&run->result);
  /* no notification may arrive after the end */
  g_signal_handlers_disconnect_by_data (job, run);
  return ok;
}

static void
test_simulate_job_writes (void)
{
  g_autofree char *path = g_build_filename (icto_test_tmpdir (), "sim-job.edf", NULL);
  g_autofree char *channels = icto_sim_sidecar_path (path, "channels.tsv");
  g_autofree char *events = icto_sim_sidecar_path (path, "events.tsv");
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  g_autoptr(IctoRecording) rec = NULL;
  IctoSimParams params;
  Run run = { 0 };
  gboolean seizure = FALSE;

  icto_sim_params_init (&params);
  params.duration = 200;
  params.sample_rate = 256;
  params.n_seizures = 1;
  params.seed = 7;
  params.layout = "ecog";
  g_assert_true (run_job (&params, file, FALSE, &run, &error));
  g_assert_no_error (error);

  /* progress: at least one report, never decreasing, ending at 1 */
  g_assert_cmpuint (run.fractions->len, >=, 1);
  for (guint i = 1; i < run.fractions->len; i++)
    g_assert_cmpfloat (g_array_index (run.fractions, double, i), >=,
                       g_array_index (run.fractions, double, i - 1));
  g_assert_cmpfloat_with_epsilon (g_array_index (run.fractions, double, run.fractions->len - 1), 1.0, 1e-9);
  g_array_unref (run.fractions);

  g_assert_true (g_file_test (channels, G_FILE_TEST_IS_REGULAR));
  g_assert_true (g_file_test (events, G_FILE_TEST_IS_REGULAR));
  rec = icto_recording_open (path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (icto_recording_get_duration (rec), ==, 200 * ICTO_TICKS_PER_SECOND);
  /* ecog preset: an 8x8 grid and two 1x6 strips */
  g_assert_cmpuint (icto_recording_get_n_signals (rec), ==, 64 + 12);
  for (guint i = 0; i < icto_recording_get_n_annotations (rec); i++)
    {
      const IctoEdfAnnotation *a = icto_recording_get_annotation (rec, i);
      seizure |= g_str_has_prefix (a->text, "Seizure");
    }
  g_assert_true (seizure);
}

static void
test_simulate_job_cancel (void)
{
  g_autofree char *path = g_build_filename (icto_test_tmpdir (), "sim-job-cancel.edf", NULL);
  g_autofree char *channels = icto_sim_sidecar_path (path, "channels.tsv");
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  IctoSimParams params;
  Run run = { 0 };
  gint64 stopped;

  icto_sim_params_init (&params);
  params.duration = 86400;          /* a day: minutes of work if not stopped */
  params.sample_rate = 2048;
  g_assert_false (run_job (&params, file, TRUE, &run, &error));
  stopped = g_get_monotonic_time ();
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (run.cancel_time, >, 0);
  /* stops after the current 1-s record */
  g_assert_cmpint (stopped - run.cancel_time, <, 5 * G_USEC_PER_SEC);
  g_assert_cmpfloat (g_array_index (run.fractions, double, run.fractions->len - 1), <, 0.5);
  g_array_unref (run.fractions);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (channels, G_FILE_TEST_EXISTS));
}

static void
test_simulate_job_invalid (void)
{
  g_autofree char *path = g_build_filename (icto_test_tmpdir (), "sim-job-invalid.edf", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  IctoSimParams params;
  Run run = { 0 };

  icto_sim_params_init (&params);
  params.duration = 120;            /* too short for one seizure (needs 190 s) */
  params.n_seizures = 1;
  g_assert_false (run_job (&params, file, FALSE, &run, &error));
  g_assert_error (error, ICTO_SIM_ERROR, ICTO_SIM_ERROR_INVALID);
  g_array_unref (run.fractions);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/core/simulate-job/writes", test_simulate_job_writes);
  g_test_add_func ("/core/simulate-job/cancel", test_simulate_job_cancel);
  g_test_add_func ("/core/simulate-job/invalid", test_simulate_job_invalid);
  return g_test_run ();
}
