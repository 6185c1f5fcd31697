/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "icto-test"

#include "config.h"

#include <glib/gstdio.h>
#include <gio/gio.h>
#include <stdlib.h>

#include "icto-test-util.h"

static char *tmpdir;

char *
icto_test_shared_path (const char *relative)
{
  const char *shared = g_getenv ("ICTO_SHARED_DIR");
  g_autofree char *path = NULL;

  if (shared == NULL)
    shared = SOURCE_ROOT "/../shared";
  path = g_build_filename (shared, relative, NULL);
  if (g_file_test (path, G_FILE_TEST_EXISTS))
    return g_steal_pointer (&path);

  if (g_strcmp0 (g_getenv ("CI"), "true") == 0)
    {
      g_test_message ("shared test data missing under CI: %s", path);
      g_error ("shared test data missing: %s (CI=true, so this is a failure)", path);
    }
  g_test_skip_printf ("shared test data not found at %s; put ../shared beside the checkout", path);
  return NULL;
}

static void
remove_tree (const char *path)
{
  GDir *dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir != NULL)
    {
      while ((name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);
          if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
            remove_tree (child);
          else
            g_unlink (child);
        }
      g_dir_close (dir);
    }
  g_rmdir (path);
}

static void
cleanup_tmpdir (void)
{
  if (tmpdir != NULL && g_getenv ("ICTO_KEEP_TMP") == NULL)
    remove_tree (tmpdir);
  g_clear_pointer (&tmpdir, g_free);
}

const char *
icto_test_tmpdir (void)
{
  if (tmpdir == NULL)
    {
      g_autoptr(GError) error = NULL;
      tmpdir = g_dir_make_tmp ("icto-test-XXXXXX", &error);
      g_assert_no_error (error);
      atexit (cleanup_tmpdir);
    }
  return tmpdir;
}

char *
icto_test_build_path (const char *relative)
{
  const char *root = g_getenv ("ICTO_BUILD_ROOT");
  return g_build_filename (root ? root : BUILD_ROOT, relative, NULL);
}

char *
icto_test_source_path (const char *relative)
{
  const char *root = g_getenv ("ICTO_SOURCE_ROOT");
  return g_build_filename (root ? root : SOURCE_ROOT, relative, NULL);
}
