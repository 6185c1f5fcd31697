/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * A small fixed pool of worker threads for data-parallel loops.  The calling
 * thread takes part as worker 0; workers 1 .. n_threads-1 are persistent.
 * Items are handed out dynamically (atomic counter), in increasing order.
 * Not reentrant: one icto_thread_pool_run() at a time per pool.
 */
typedef struct _IctoThreadPool IctoThreadPool;

typedef void (*IctoParallelFunc) (gpointer data,
                                  int      item,
                                  int      worker);

IctoThreadPool *_icto_thread_pool_new  (int n_threads);
void            _icto_thread_pool_free (IctoThreadPool *pool);
int             _icto_thread_pool_get_n_threads (IctoThreadPool *pool);

/* Calls func(data, i, worker) for i = 0 .. n_items-1 and returns when all are done. */
void _icto_thread_pool_run (IctoThreadPool  *pool,
                            int              n_items,
                            IctoParallelFunc func,
                            gpointer         data);

G_END_DECLS
