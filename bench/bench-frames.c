/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bench-frames"

/*
 * Frame times of the real window while the model worker runs (issue 7):
 * opens a recording in an IctoWindow (with a fresh result cache, so the
 * worker computes), pages forward half a page every 100 ms, and records for
 * every frame of the window's frame clock the main-thread time from the
 * frame's "update" to its "after-paint" (frame cost) and the interval
 * between frames.  First with the worker running, then with it paused.
 * Prints p50, p95, p99 and max in milliseconds, and the worker's windows/s.
 *
 *   xvfb-run -a ./bench/bench-frames [RECORDING] [SECONDS]
 *
 * RECORDING defaults to models/demo.edf (run from the build directory).
 * Needs a display (Xvfb is fine: its frame clock runs at 60 Hz).
 */

#include "config.h"

#include <adwaita.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "app/icto-application.h"
#include "app/icto-window-overlays.h"
#include "app/icto-window.h"
#include "core/icto-inference.h"
#include "widgets/icto-widgets-init.h"

typedef struct {
  GArray  *cost_ms;      /* double */
  GArray  *interval_ms;  /* double */
  GArray  *cpu_ms;       /* double: main-thread CPU time of the frame */
  gint64   frame_start;
  double   cpu_start;
  gint64   last_end;
  gboolean recording;
} Frames;

static double
thread_cpu_ms (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void
update_cb (GdkFrameClock *clock,
           Frames        *f)
{
  f->frame_start = g_get_monotonic_time ();
  f->cpu_start = thread_cpu_ms ();
}

static void
after_paint_cb (GdkFrameClock *clock,
                Frames        *f)
{
  gint64 now = g_get_monotonic_time ();

  if (f->recording && f->frame_start > 0)
    {
      double cost = (now - f->frame_start) / 1000.0;
      double cpu = thread_cpu_ms () - f->cpu_start;
      g_array_append_val (f->cost_ms, cost);
      g_array_append_val (f->cpu_ms, cpu);
      if (f->last_end > 0)
        {
          double interval = (now - f->last_end) / 1000.0;
          g_array_append_val (f->interval_ms, interval);
        }
    }
  f->last_end = now;
  f->frame_start = 0;
}

static int
compare_double (gconstpointer a,
                gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static double
percentile (GArray *v,
            double  p)
{
  if (v->len == 0)
    return NAN;
  return g_array_index (v, double, (guint) MIN (v->len - 1, floor (p / 100.0 * v->len)));
}

static void
report (const char *name,
        GArray     *v)
{
  g_array_sort (v, compare_double);
  printf ("  %-22s n=%4u  p50 %6.2f  p95 %6.2f  p99 %6.2f  max %6.2f ms\n", name, v->len,
          percentile (v, 50), percentile (v, 95), percentile (v, 99),
          v->len ? g_array_index (v, double, v->len - 1) : NAN);
}

static gboolean
tick_cb (GtkWidget     *widget,
         GdkFrameClock *clock,
         gpointer       data)
{
  /* keeps the frame clock running every frame, as during an animation */
  gtk_widget_queue_draw (widget);
  return G_SOURCE_CONTINUE;
}

static gboolean
page_cb (gpointer data)
{
  IctoWindow *window = data;
  IctoSession *session = icto_window_get_session (window);
  IctoRecording *rec = icto_session_get_recording (session);
  gint64 before = icto_session_get_start (session);

  icto_session_page (session, 0.5);
  if (icto_session_get_start (session) == before && rec != NULL)
    icto_session_set_start (session, 0);
  return G_SOURCE_CONTINUE;
}

static void
open_finished_cb (IctoWindow *window,
                  gboolean    success,
                  int        *result)
{
  *result = success ? 1 : 0;
}

static void
run_phase (IctoWindow *window,
           Frames     *f,
           double      seconds,
           gboolean    until_idle)
{
  IctoInferenceWorker *worker = _icto_window_overlays_get_worker (window);
  gint64 end = g_get_monotonic_time () + (gint64) (seconds * G_USEC_PER_SEC);
  guint page_id = g_timeout_add (100, page_cb, window);

  f->recording = TRUE;
  f->last_end = 0;
  while (g_get_monotonic_time () < end)
    {
      g_main_context_iteration (NULL, TRUE);
      if (until_idle && icto_inference_worker_get_state (worker) != ICTO_INFERENCE_RUNNING)
        break;
    }
  f->recording = FALSE;
  g_source_remove (page_id);
}

int
main (int    argc,
      char **argv)
{
  const char *path = argc > 1 ? argv[1] : "models/demo.edf";
  double seconds = argc > 2 ? g_ascii_strtod (argv[2], NULL) : 15.0;
  g_autofree char *tmp = g_dir_make_tmp ("bench-frames-XXXXXX", NULL);
  g_autofree char *id = g_strconcat (APP_ID, ".BenchFrames", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(IctoApplication) app = NULL;
  IctoInferenceWorker *worker;
  IctoWindow *window;
  GdkFrameClock *clock;
  Frames running = { 0 }, paused = { 0 };
  int result = -1;
  double fraction0, fraction1, windows_per_s = NAN;
  gint64 t0, t1;

  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      fprintf (stderr, "usage: bench-frames [RECORDING] [SECONDS]  (%s not found)\n", path);
      return 1;
    }
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  /* a fresh result cache: the worker computes instead of reading results */
  g_setenv ("XDG_DATA_HOME", tmp, TRUE);
  g_setenv ("XDG_CACHE_HOME", tmp, TRUE);
  gtk_init ();
  adw_init ();
  icto_widgets_init ();
  app = icto_application_new (id, G_APPLICATION_NON_UNIQUE);
  g_application_register (G_APPLICATION (app), NULL, NULL);

  window = icto_window_new (app);
  gtk_window_set_default_size (GTK_WINDOW (window), 1600, 900);
  gtk_window_present (GTK_WINDOW (window));
  g_signal_connect (window, "open-finished", G_CALLBACK (open_finished_cb), &result);
  icto_window_open (window, file);
  while (result < 0)
    g_main_context_iteration (NULL, TRUE);
  if (result != 1)
    {
      fprintf (stderr, "could not open %s\n", path);
      return 1;
    }
  worker = _icto_window_overlays_get_worker (window);
  if (worker == NULL || icto_inference_worker_get_model (worker) == NULL)
    {
      fprintf (stderr, "no model: set ICTO_MODEL_PATH\n");
      return 1;
    }

  running.cost_ms = g_array_new (FALSE, FALSE, sizeof (double));
  running.interval_ms = g_array_new (FALSE, FALSE, sizeof (double));
  running.cpu_ms = g_array_new (FALSE, FALSE, sizeof (double));
  paused.cost_ms = g_array_new (FALSE, FALSE, sizeof (double));
  paused.interval_ms = g_array_new (FALSE, FALSE, sizeof (double));
  paused.cpu_ms = g_array_new (FALSE, FALSE, sizeof (double));
  gtk_widget_add_tick_callback (GTK_WIDGET (window), tick_cb, NULL, NULL);
  clock = gtk_widget_get_frame_clock (GTK_WIDGET (window));
  g_signal_connect (clock, "update", G_CALLBACK (update_cb), &running);
  g_signal_connect (clock, "after-paint", G_CALLBACK (after_paint_cb), &running);

  printf ("bench-frames: %s, 1600x900 window, paging half a page every 100 ms\n", path);
  t0 = g_get_monotonic_time ();
  fraction0 = icto_inference_worker_get_fraction (worker);
  run_phase (window, &running, seconds, TRUE);
  t1 = g_get_monotonic_time ();
  fraction1 = icto_inference_worker_get_fraction (worker);
  windows_per_s = icto_inference_worker_get_windows_per_s (worker);
  {
    IctoRecording *rec = icto_session_get_recording (icto_window_get_session (window));
    guint n_windows = icto_inference_count_windows (icto_recording_get_duration (rec) / 1e7);

    printf ("worker running (%.1f s, fraction %.2f -> %.2f of %u windows: %.1f windows/s; "
            "the worker's last rate %.1f):\n",
            (t1 - t0) / 1e6, fraction0, fraction1, n_windows,
            (fraction1 - fraction0) * n_windows / ((t1 - t0) / 1e6), windows_per_s);
  }
  report ("frame cost", running.cost_ms);
  report ("frame main-thread CPU", running.cpu_ms);
  report ("frame interval", running.interval_ms);

  g_signal_handlers_disconnect_by_data (clock, &running);
  g_signal_connect (clock, "update", G_CALLBACK (update_cb), &paused);
  g_signal_connect (clock, "after-paint", G_CALLBACK (after_paint_cb), &paused);
  icto_inference_worker_set_paused (worker, TRUE);
  run_phase (window, &paused, MIN (seconds, 8.0), FALSE);
  printf ("worker paused (or done):\n");
  report ("frame cost", paused.cost_ms);
  report ("frame main-thread CPU", paused.cpu_ms);
  report ("frame interval", paused.interval_ms);
  g_signal_handlers_disconnect_by_data (clock, &paused);

  /* the same without the model overlays: what they cost */
  g_array_set_size (paused.cost_ms, 0);
  g_array_set_size (paused.interval_ms, 0);
  g_array_set_size (paused.cpu_ms, 0);
  g_action_group_change_action_state (G_ACTION_GROUP (window), "show-probability", g_variant_new_boolean (FALSE));
  g_action_group_change_action_state (G_ACTION_GROUP (window), "show-agreement", g_variant_new_boolean (FALSE));
  g_signal_connect (clock, "update", G_CALLBACK (update_cb), &paused);
  g_signal_connect (clock, "after-paint", G_CALLBACK (after_paint_cb), &paused);
  run_phase (window, &paused, MIN (seconds, 8.0), FALSE);
  printf ("worker paused, overlays hidden:\n");
  report ("frame cost", paused.cost_ms);
  report ("frame main-thread CPU", paused.cpu_ms);
  report ("frame interval", paused.interval_ms);
  g_signal_handlers_disconnect_by_data (clock, &paused);

  gtk_window_destroy (GTK_WINDOW (window));
  /* the worker's thread is detached: give it time to see the cancellation
   * before the process exits */
  {
    gint64 end = g_get_monotonic_time () + G_USEC_PER_SEC;
    while (g_get_monotonic_time () < end)
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (5000);
  }
  g_array_unref (running.cost_ms);
  g_array_unref (running.interval_ms);
  g_array_unref (paused.cost_ms);
  g_array_unref (paused.interval_ms);
  g_array_unref (running.cpu_ms);
  g_array_unref (paused.cpu_ms);
  {
    /* the temporary result cache and pyramids */
    const char *rm[] = { "rm", "-rf", tmp, NULL };
    g_spawn_sync (NULL, (char **) rm, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL, NULL);
  }
  return 0;
}
