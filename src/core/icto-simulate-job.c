/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "icto-simulate-job"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "core/icto-core-error.h"
#include "core/icto-simulate-job.h"

typedef struct {
  IctoSimParams params;
  char         *layout;
  int          *ez_nodes;
  char         *path;
  IctoJob      *job;
} SimulateData;

static void
simulate_data_free (gpointer data)
{
  SimulateData *d = data;

  g_free (d->layout);
  g_free (d->ez_nodes);
  g_free (d->path);
  g_clear_object (&d->job);
  g_free (d);
}

static gboolean
progress_cb (double   fraction,
             gpointer user_data)
{
  SimulateData *d = user_data;

  icto_job_set_fraction (d->job, fraction);
  return !g_cancellable_is_cancelled (icto_job_get_cancellable (d->job));
}

static void
remove_outputs (const char *path)
{
  static const char *const kinds[] = {
    "channels.tsv", "channels.json", "electrodes.tsv", "coordsystem.json",
    "events.tsv", "simulation.json",
  };

  g_unlink (path);
  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      g_autofree char *side = icto_sim_sidecar_path (path, kinds[i]);
      if (side != NULL)
        g_unlink (side);
    }
}

static void
simulate_thread (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  SimulateData *d = task_data;
  g_autoptr(GError) error = NULL;

  if (!icto_sim_write (&d->params, d->path, progress_cb, d, &error))
    {
      remove_outputs (d->path);
      if (g_error_matches (error, ICTO_SIM_ERROR, ICTO_SIM_ERROR_CANCELLED)
          || g_cancellable_is_cancelled (cancellable))
        g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                 "%s", _("The simulation was cancelled"));
      else
        g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (g_cancellable_is_cancelled (cancellable))
    {
      /* cancelled after the last record: honour it */
      remove_outputs (d->path);
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                               "%s", _("The simulation was cancelled"));
      return;
    }
  g_task_return_boolean (task, TRUE);
}

void
icto_simulate_job_run_async (const IctoSimParams *params,
                             GFile               *file,
                             IctoJob             *job,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  SimulateData *d;

  g_return_if_fail (params != NULL);
  g_return_if_fail (G_IS_FILE (file));
  g_return_if_fail (ICTO_IS_JOB (job));

  task = g_task_new (NULL, icto_job_get_cancellable (job), callback, user_data);
  g_task_set_source_tag (task, icto_simulate_job_run_async);
  g_task_set_check_cancellable (task, FALSE);

  d = g_new0 (SimulateData, 1);
  d->params = *params;
  d->layout = g_strdup (params->layout);
  d->params.layout = d->layout;
  if (params->ez_nodes != NULL && params->n_ez_nodes > 0)
    {
      d->ez_nodes = g_memdup2 (params->ez_nodes, sizeof (int) * (gsize) params->n_ez_nodes);
      d->params.ez_nodes = d->ez_nodes;
    }
  d->path = g_file_get_path (file);
  d->job = g_object_ref (job);
  g_task_set_task_data (task, d, simulate_data_free);

  if (d->path == NULL)
    {
      g_task_return_new_error (task, ICTO_CORE_ERROR, ICTO_CORE_ERROR_OUTPUT,
                               _("The recording can only be saved to a local file"));
      return;
    }
  g_task_run_in_thread (task, simulate_thread);
}

gboolean
icto_simulate_job_run_finish (GAsyncResult *result,
                              GError      **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
