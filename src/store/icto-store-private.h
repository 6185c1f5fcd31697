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

G_END_DECLS
