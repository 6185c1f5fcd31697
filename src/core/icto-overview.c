/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "icto-overview"

#include "config.h"

#include <math.h>
#include <stdlib.h>

#include "core/icto-overview.h"

#define MAX_CHANNELS 64
#define CHUNK_SECONDS 30.0

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

IctoOverview *
icto_overview_build (IctoRecording  *recording,
                     guint           n_bins,
                     IctoJob        *job,
                     GCancellable   *cancellable,
                     GError        **error)
{
  g_autoptr(IctoOverview) self = NULL;
  g_autofree guint *chosen = NULL;
  g_autofree float *lo = NULL;
  g_autofree float *hi = NULL;
  g_autofree float *buf = NULL;
  g_autofree float *column = NULL;
  gsize buf_cap = 0;
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
        if ((guint64) k * MAX_CHANNELS / MAX (n_voltage, 1) >= n_chosen || n_voltage <= MAX_CHANNELS)
          chosen[n_chosen++] = s;
        k++;
      }
  }
  if (n_chosen == 0 || duration <= 0)
    return g_steal_pointer (&self);

  lo = g_new (float, (gsize) n_bins * n_chosen);
  hi = g_new (float, (gsize) n_bins * n_chosen);
  for (gsize i = 0; i < (gsize) n_bins * n_chosen; i++)
    {
      lo[i] = INFINITY;
      hi[i] = -INFINITY;
    }

  for (guint k = 0; k < n_chosen; k++)
    {
      guint s = chosen[k];
      double rate = icto_recording_get_signal (recording, s)->sample_rate;
      gint64 chunk = icto_seconds_to_ticks (CHUNK_SECONDS);

      for (gint64 t = 0; t < duration; t += chunk)
        {
          gsize n = (gsize) ceil (icto_ticks_to_seconds (MIN (chunk, duration - t)) * rate);
          gint64 first_time = t;

          if (g_cancellable_set_error_if_cancelled (cancellable, error))
            return NULL;
          if (n == 0)
            continue;
          if (n > buf_cap)
            {
              g_free (buf);
              buf = g_new (float, n);
              buf_cap = n;
            }
          if (!icto_recording_read_range (recording, s, t, n, buf, &first_time, error))
            return NULL;
          for (gsize i = 0; i < n; i++)
            {
              double time = (double) first_time + (double) i * ICTO_TICKS_PER_SECOND / rate;
              gint64 b = (gint64) (time * n_bins / (double) duration);
              float v = buf[i];
              gsize idx;

              if (isnan (v) || b < 0 || b >= n_bins)
                continue;
              idx = (gsize) b * n_chosen + k;
              if (v < lo[idx])
                lo[idx] = v;
              if (v > hi[idx])
                hi[idx] = v;
            }
          if (job != NULL)
            icto_job_set_fraction (job, (k + (double) (t + chunk) / duration) / n_chosen);
        }
    }

  column = g_new (float, n_chosen);
  for (guint b = 0; b < n_bins; b++)
    {
      guint m = 0;
      for (guint k = 0; k < n_chosen; k++)
        {
          gsize idx = (gsize) b * n_chosen + k;
          if (lo[idx] <= hi[idx])
            column[m++] = hi[idx] - lo[idx];
        }
      if (m == 0)
        continue;
      qsort (column, m, sizeof (float), float_compare);
      self->amplitude[b] = column[m / 2];
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
  guint          n_bins;
} BuildData;

static void
build_data_free (BuildData *data)
{
  g_clear_object (&data->recording);
  g_clear_object (&data->job);
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
  IctoOverview *overview = icto_overview_build (data->recording, data->n_bins, data->job,
                                                cancellable, &error);

  if (overview == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, overview, (GDestroyNotify) icto_overview_free);
}

void
icto_overview_build_async (IctoRecording       *recording,
                           guint                n_bins,
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
