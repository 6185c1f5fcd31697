/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <math.h>

#include "icto-test-util.h"
#include "signal/icto-edf-writer.h"

/* Writes a test EDF+ file into the test tmpdir: @n_signals signals at @rate
 * Hz (1-s records), labels LA1.., signal s sample k = a deterministic mix of
 * sines and spikes.  Returns the path. */
static inline double
test_signal_value (guint s, gint64 k, int rate)
{
  double t = (double) k / rate;
  return 400 * sin (2 * G_PI * (3 + s) * t) + 100 * sin (2 * G_PI * 50 * t) +
         (k % 997 == 13 * (s + 1) ? 900 : 0) + 20 * s;
}

static inline char *
test_write_edf (const char *name, guint n_signals, int rate, gint64 n_records)
{
  char *path = g_build_filename (icto_test_tmpdir (), name, NULL);
  g_autofree IctoEdfWriterSignal *sigs = g_new0 (IctoEdfWriterSignal, n_signals);
  g_autofree float **data = g_new (float *, n_signals);
  g_autoptr(GPtrArray) labels = g_ptr_array_new_with_free_func (g_free);
  IctoEdfWriterOptions opts = { FALSE, NULL, NULL, NULL, ICTO_TICKS_PER_SECOND, 0 };
  g_autoptr(GError) error = NULL;
  IctoEdfWriter *w;

  for (guint s = 0; s < n_signals; s++)
    {
      g_ptr_array_add (labels, g_strdup_printf ("LA%u", s + 1));
      sigs[s].label = labels->pdata[s];
      sigs[s].unit = "uV";
      sigs[s].physical_min = -2000;
      sigs[s].physical_max = 2000;
      sigs[s].samples_per_record = rate;
      data[s] = g_new (float, rate);
    }
  w = icto_edf_writer_new (path, &opts, sigs, n_signals, &error);
  g_assert_no_error (error);
  for (gint64 r = 0; r < n_records; r++)
    {
      for (guint s = 0; s < n_signals; s++)
        for (int j = 0; j < rate; j++)
          data[s][j] = (float) test_signal_value (s, r * rate + j, rate);
      g_assert_true (icto_edf_writer_write_record (w, (const float *const *) data, &error));
    }
  g_assert_true (icto_edf_writer_close (w, &error));
  g_assert_no_error (error);
  for (guint s = 0; s < n_signals; s++)
    g_free (data[s]);
  return path;
}
