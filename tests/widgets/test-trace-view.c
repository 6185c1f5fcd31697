/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-trace-view"

#include "config.h"

#include <gtk/gtk.h>
#include <math.h>

#include "icto-test-util.h"
#include "signal/icto-edf-writer.h"
#include "widgets/icto-trace-view.h"
#include "widgets/icto-widgets-init.h"

#define RATE 250
#define N_SIG 6

#define WAIT_FOR(expr) G_STMT_START {                                           \
    gint64 _deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;           \
    while (!(expr) && g_get_monotonic_time () < _deadline)                      \
      if (!g_main_context_iteration (NULL, FALSE))                              \
        g_usleep (2000);                                                        \
    g_assert_true (expr);                                                       \
  } G_STMT_END

static char *
write_edf (void)
{
  const char *labels[N_SIG] = { "LA1", "LA2", "LA3", "RH1", "RH2", "RH3" };
  char *path = g_build_filename (icto_test_tmpdir (), "view.edf", NULL);
  IctoEdfWriterSignal sig[N_SIG];
  IctoEdfWriterOptions opt = { 0 };
  g_autoptr(GError) error = NULL;
  float buf[N_SIG][RATE];
  const float *rows[N_SIG];
  IctoEdfWriter *w;

  for (guint s = 0; s < N_SIG; s++)
    {
      sig[s] = (IctoEdfWriterSignal) { labels[s], NULL, "uV", NULL, -500, 500, RATE };
      rows[s] = buf[s];
    }
  opt.record_duration = ICTO_TICKS_PER_SECOND;
  w = icto_edf_writer_new (path, &opt, sig, N_SIG, &error);
  g_assert_no_error (error);
  for (guint r = 0; r < 30; r++)
    {
      for (guint s = 0; s < N_SIG; s++)
        for (guint i = 0; i < RATE; i++)
          buf[s][i] = (float) (100 * sin (2 * G_PI * (s + 1) * (r + (double) i / RATE)));
      g_assert_true (icto_edf_writer_write_record (w, rows, &error));
    }
  g_assert_true (icto_edf_writer_close (w, &error));
  return path;
}

static void
test_view_pages_and_channels (void)
{
  g_autofree char *path = write_edf ();
  g_autoptr(IctoSession) session = icto_session_new ();
  g_autoptr(GError) error = NULL;
  GtkWidget *window = gtk_window_new ();
  GtkWidget *view = icto_trace_view_new ();
  IctoTracePage *page;

  g_assert_true (icto_session_open (session, path, &error));
  g_assert_no_error (error);
  gtk_window_set_default_size (GTK_WINDOW (window), 900, 500);
  gtk_window_set_child (GTK_WINDOW (window), view);
  icto_trace_view_set_session (ICTO_TRACE_VIEW (view), session);
  gtk_window_present (GTK_WINDOW (window));

  /* the page arrives from the worker, decimated to the trace area's width */
  WAIT_FOR (icto_trace_view_get_page (ICTO_TRACE_VIEW (view)) != NULL &&
            icto_trace_view_get_page (ICTO_TRACE_VIEW (view))->n_columns > 600);
  page = icto_trace_view_get_page (ICTO_TRACE_VIEW (view));
  g_assert_cmpuint (page->n_channels, ==, N_SIG);
  g_assert_cmpuint (page->n_columns, <=, 900 * gtk_widget_get_scale_factor (view));

  /* a quick run of page changes ends on the last one */
  for (int i = 0; i < 5; i++)
    icto_session_page (session, 0.5);
  WAIT_FOR (icto_trace_view_get_page (ICTO_TRACE_VIEW (view))->start == 20 * ICTO_TICKS_PER_SECOND);

  /* the channel menu's actions */
  g_assert_true (gtk_widget_activate_action (view, "trace.hide-channel", "i", 0));
  WAIT_FOR (icto_trace_view_get_page (ICTO_TRACE_VIEW (view))->n_channels == N_SIG - 1);
  g_assert_cmpstr (icto_trace_view_get_page (ICTO_TRACE_VIEW (view))->labels[0], ==, "LA2");
  g_assert_true (gtk_widget_activate_action (view, "trace.toggle-bad", "i", 1));
  WAIT_FOR (icto_trace_view_get_page (ICTO_TRACE_VIEW (view))->bad[0]);
  g_assert_true (gtk_widget_activate_action (view, "trace.move-down", "i", 1));
  WAIT_FOR (g_strcmp0 (icto_trace_view_get_page (ICTO_TRACE_VIEW (view))->labels[1], "LA2") == 0);
  g_assert_cmpstr (icto_trace_view_get_page (ICTO_TRACE_VIEW (view))->labels[0], ==, "LA3");
  g_assert_true (gtk_widget_activate_action (view, "trace.shaft-smaller", "i", 3));
  WAIT_FOR (icto_trace_view_get_page (ICTO_TRACE_VIEW (view))->sensitivity[4] == 1.5 * 50);
  g_assert_cmpfloat (icto_trace_view_get_page (ICTO_TRACE_VIEW (view))->sensitivity[0], ==, 50);
  g_assert_true (gtk_widget_activate_action (view, "trace.reset-channels", NULL));
  WAIT_FOR (icto_trace_view_get_page (ICTO_TRACE_VIEW (view))->n_channels == N_SIG);

  /* synchronous refresh gives the same page the worker gives */
  icto_trace_view_refresh (ICTO_TRACE_VIEW (view));
  g_assert_cmpuint (icto_trace_view_get_page (ICTO_TRACE_VIEW (view))->n_channels, ==, N_SIG);

  gtk_window_destroy (GTK_WINDOW (window));
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

int
main (int    argc,
      char **argv)
{
  g_setenv ("GSK_RENDERER", "cairo", FALSE);
  g_setenv ("GTK_A11Y", "none", FALSE);
  g_test_init (&argc, &argv, NULL);

  if (g_getenv ("DISPLAY") == NULL && g_getenv ("WAYLAND_DISPLAY") == NULL)
    {
      if (g_strcmp0 (g_getenv ("CI"), "true") == 0)
        g_error ("no display under CI: the GUI tests must run under xvfb-run");
      g_test_skip ("no display: run the GUI tests under xvfb-run");
      return g_test_run ();
    }
  gtk_init ();
  icto_widgets_init ();
  g_test_add_func ("/widgets/trace-view/pages-and-channels", test_view_pages_and_channels);
  return g_test_run ();
}
