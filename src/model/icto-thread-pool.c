/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "icto-model"

#include "config.h"

#include "model/icto-thread-pool.h"

struct _IctoThreadPool {
  int              n_threads;
  GThread        **threads;
  GMutex           lock;
  GCond            start_cond;
  GCond            done_cond;
  guint64          generation;   /* incremented per run */
  gboolean         quit;
  /* current job */
  IctoParallelFunc func;
  gpointer         data;
  int              n_items;
  gint             next;         /* atomic */
  int              busy;         /* workers still in the current job */
};

typedef struct {
  IctoThreadPool *pool;
  int             id;
} WorkerArg;

static void
run_items (IctoThreadPool *pool,
           int             worker)
{
  for (;;)
    {
      int i = g_atomic_int_add (&pool->next, 1);

      if (i >= pool->n_items)
        break;
      pool->func (pool->data, i, worker);
    }
}

static gpointer
worker_main (gpointer p)
{
  WorkerArg *arg = p;
  IctoThreadPool *pool = arg->pool;
  int id = arg->id;
  guint64 seen = 0;

  g_free (arg);
  g_mutex_lock (&pool->lock);
  for (;;)
    {
      while (!pool->quit && pool->generation == seen)
        g_cond_wait (&pool->start_cond, &pool->lock);
      if (pool->quit)
        break;
      seen = pool->generation;
      g_mutex_unlock (&pool->lock);

      run_items (pool, id);

      g_mutex_lock (&pool->lock);
      if (--pool->busy == 0)
        g_cond_signal (&pool->done_cond);
    }
  g_mutex_unlock (&pool->lock);
  return NULL;
}

IctoThreadPool *
_icto_thread_pool_new (int n_threads)
{
  IctoThreadPool *pool = g_new0 (IctoThreadPool, 1);

  pool->n_threads = MAX (1, n_threads);
  g_mutex_init (&pool->lock);
  g_cond_init (&pool->start_cond);
  g_cond_init (&pool->done_cond);
  pool->threads = g_new0 (GThread *, pool->n_threads);
  for (int i = 1; i < pool->n_threads; i++)
    {
      WorkerArg *arg = g_new (WorkerArg, 1);

      arg->pool = pool;
      arg->id = i;
      pool->threads[i] = g_thread_new ("icto-model", worker_main, arg);
    }
  return pool;
}

void
_icto_thread_pool_free (IctoThreadPool *pool)
{
  if (pool == NULL)
    return;
  g_mutex_lock (&pool->lock);
  pool->quit = TRUE;
  g_cond_broadcast (&pool->start_cond);
  g_mutex_unlock (&pool->lock);
  for (int i = 1; i < pool->n_threads; i++)
    g_thread_join (pool->threads[i]);
  g_free (pool->threads);
  g_mutex_clear (&pool->lock);
  g_cond_clear (&pool->start_cond);
  g_cond_clear (&pool->done_cond);
  g_free (pool);
}

int
_icto_thread_pool_get_n_threads (IctoThreadPool *pool)
{
  return pool->n_threads;
}

void
_icto_thread_pool_run (IctoThreadPool  *pool,
                       int              n_items,
                       IctoParallelFunc func,
                       gpointer         data)
{
  if (n_items <= 0)
    return;
  if (pool->n_threads == 1 || n_items == 1)
    {
      for (int i = 0; i < n_items; i++)
        func (data, i, 0);
      return;
    }
  g_mutex_lock (&pool->lock);
  pool->func = func;
  pool->data = data;
  pool->n_items = n_items;
  g_atomic_int_set (&pool->next, 0);
  pool->busy = pool->n_threads - 1;
  pool->generation++;
  g_cond_broadcast (&pool->start_cond);
  g_mutex_unlock (&pool->lock);

  run_items (pool, 0);

  g_mutex_lock (&pool->lock);
  while (pool->busy > 0)
    g_cond_wait (&pool->done_cond, &pool->lock);
  g_mutex_unlock (&pool->lock);
}
