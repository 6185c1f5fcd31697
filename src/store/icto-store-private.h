/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "store/icto-store.h"

G_BEGIN_DECLS

/* For tests only: runs @sql on the store's connection (e.g. PRAGMA query_only
 * or max_page_count to emulate a read-only or full database). */
gboolean _icto_store_exec (IctoStore   *self,
                           const char  *sql,
                           GError     **error);

/* Splits a comma-separated channel list (trimming spaces, dropping empties);
 * NULL for NULL, "", "n/a" or "all". */
char   **_icto_store_split_channels (const char *text);
/* Joins channels with commas; NULL for NULL or an empty list. */
char    *_icto_store_join_channels  (char **channels);

/* For the store's other files (icto-result-cache.c): the connection, the
 * write transaction with retries, the error mapping, the statement cache. */
struct sqlite3;
struct sqlite3_stmt;
typedef gboolean (*IctoStoreWriteFunc) (IctoStore  *self,
                                        gpointer    data,
                                        GError    **error);
struct sqlite3      *_icto_store_get_db        (IctoStore           *self);
gboolean             _icto_store_write         (IctoStore           *self,
                                                IctoStoreWriteFunc   func,
                                                gpointer             data,
                                                GError             **error);
void                 _icto_store_set_error     (IctoStore           *self,
                                                GError             **error,
                                                int                  rc,
                                                const char          *context);
/* sqlite3_step then reset: FALSE with a store error unless DONE or ROW. */
gboolean             _icto_store_step_done     (IctoStore           *self,
                                                struct sqlite3_stmt *stmt,
                                                GError             **error);
struct sqlite3_stmt *_icto_store_get_stmt      (IctoStore           *self,
                                                const char          *sql,
                                                GError             **error);
gint64               _icto_store_ensure_rater  (IctoStore           *self,
                                                const char          *name,
                                                GError             **error);

G_END_DECLS
