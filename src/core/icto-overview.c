/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "icto-overview"

#include "config.h"

#include <math.h>
#include <stdlib.h>

#include <glib/gi18n.h>

#include "core/icto-overview.h"
#include "signal/icto-pyramid.h"

#define MAX_CHANNELS 64

void
icto_overview_free (IctoOverview *overview)
{
  if (overview == NULL)
    return;
  g_free (overview->amplitude);
  g_free (overview);
}

static int
float_compare (const void *a,
               const void *b)
{
  float fa = *(const float *) a;
  float fb = *(const float *) b;

  return (fa > fb) - (fa < fb);
}

static void
pyramid_progress_cb (double   fraction,
                     gpointer user_data)
{
  IctoJob *job = user_data;

  if (job != NULL)
    icto_job_set_fraction (job, fraction);
}

IctoOverview *
icto_overview_build (IctoRecording  *recording,
                     guint           n_bins,
                     const char     *cache_dir,
                     IctoJob        *job,
                     GCancellable   *cancellable,
                     GError        **error)
{
  g_autoptr(IctoOverview) self = NULL;
  g_autoptr(IctoPyramid) pyramid = NULL;
  g_autofree guint *chosen = NULL;
  g_autofree float *lo = NULL;
  g_autofree float *hi = NULL;
  g_autofree float *column = NULL;
  GError *local_error = NULL;
  guint n_signals;
  guint n_chosen = 0;
  guint n_voltage = 0;
  gint64 duration;

  g_return_val_if_fail (ICTO_IS_RECORDING (recording), NULL);
  g_return_val_if_fail (n_bins > 0, NULL);

  duration = icto_recording_get_duration (recording);
  self = g_new0 (IctoOverview, 1);
  self->n_bins = n_bins;
  self->duration = duration;
  self->amplitude = g_new (float, n_bins);
  for (guint b = 0; b < n_bins; b++)
    self->amplitude[b] = NAN;

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;
  n_signals = icto_recording_get_n_signals (recording);
  for (guint s = 0; s < n_signals; s++)
    if (icto_recording_get_signal (recording, s)->is_voltage)
      n_voltage++;
  chosen = g_new (guint, MAX (1, MIN (n_voltage, MAX_CHANNELS)));
  {
    guint k = 0;
    for (guint s = 0; s < n_signals && n_chosen < MAX_CHANNELS; s++)
      {
        if (!icto_recording_get_signal (recording, s)->is_voltage)
          continue;
        /* evenly spread over the voltage channels */
        if (n_voltage <= MAX_CHANNELS || (guint64) k * MAX_CHANNELS / n_voltage >= n_chosen)
          chosen[n_chosen++] = s;
        k++;
      }
  }
  if (n_chosen == 0 || duration <= 0)
    return g_steal_pointer (&self);

  /* the signal library's min/max pyramid: one pass over the file, or its disk cache */
  pyramid = icto_pyramid_build (recording, cache_dir, pyramid_progress_cb, job, cancellable, &local_error);
  if (pyramid == NULL)
    {
      if (g_error_matches (local_error, ICTO_SIGNAL_ERROR, ICTO_SIGNAL_ERROR_CANCELLED) ||
          g_cancellable_is_cancelled (cancellable))
        {
          g_clear_error (&local_error);
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, _("Cancelled"));
        }
      else
        g_propagate_error (error, local_error);
      return NULL;
    }

  lo = g_new (float, n_bins);
  hi = g_new (float, n_bins);
  column = g_new (float, (gsize) n_bins * n_chosen);
  for (guint k = 0; k < n_chosen; k++)
    {
      if (!icto_pyramid_query (pyramid, chosen[k], 0, duration, n_bins, lo, hi))
        {
          for (guint b = 0; b < n_bins; b++)
            column[(gsize) b * n_chosen + k] = NAN;
          continue;
        }
      for (guint b = 0; b < n_bins; b++)
        column[(gsize) b * n_chosen + k] = (isnan (lo[b]) || isnan (hi[b])) ? NAN : hi[b] - lo[b];
    }

  for (guint b = 0; b < n_bins; b++)
    {
      float *row = column + (gsize) b * n_chosen;
      guint m = 0;

      for (guint k = 0; k < n_chosen; k++)
        if (!isnan (row[k]))
          row[m++] = row[k];
      if (m == 0)
        continue;
      qsort (row, m, sizeof (float), float_compare);
      self->amplitude[b] = row[m / 2];
      if (self->amplitude[b] > self->max_amplitude)
        self->max_amplitude = self->amplitude[b];
    }
  if (job != NULL)
    icto_job_set_fraction (job, 1.0);
  return g_steal_pointer (&self);
}

typedef struct {
  IctoRecording *recording;
  IctoJob       *job;
  char          *cache_dir;
  guint          n_bins;
} BuildData;

static void
build_data_free (BuildData *data)
{
  g_clear_object (&data->recording);
  g_clear_object (&data->job);
  g_free (data->cache_dir);
  g_free (data);
}

static void
build_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  BuildData *data = task_data;
  GError *error = NULL;
  IctoOverview *overview = icto_overview_build (data->recording, data->n_bins, data->cache_dir,
                                                data->job, cancellable, &error);

  if (overview == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, overview, (GDestroyNotify) icto_overview_free);
}

void
icto_overview_build_async (IctoRecording       *recording,
                           guint                n_bins,
                           const char          *cache_dir,
                           IctoJob             *job,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  BuildData *data;

  g_return_if_fail (ICTO_IS_RECORDING (recording));
  g_return_if_fail (ICTO_IS_JOB (job));

  data = g_new0 (BuildData, 1);
  data->recording = g_object_ref (recording);
  data->job = g_object_ref (job);
  data->cache_dir = g_strdup (cache_dir);
  data->n_bins = MAX (n_bins, 1);
  task = g_task_new (NULL, icto_job_get_cancellable (job), callback, user_data);
  g_task_set_source_tag (task, icto_overview_build_async);
  g_task_set_task_data (task, data, (GDestroyNotify) build_data_free);
  g_task_run_in_thread (task, build_thread);
}

IctoOverview *
icto_overview_build_finish (GAsyncResult  *result,
                            GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}
