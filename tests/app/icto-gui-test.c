/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "icto-gui-test"

#include "config.h"

#include "icto-gui-test.h"
#include "icto-test-util.h"
#include "widgets/icto-widgets-init.h"

gboolean
icto_gui_test_have_display (void)
{
  if (g_getenv ("DISPLAY") != NULL || g_getenv ("WAYLAND_DISPLAY") != NULL)
    return TRUE;
  if (g_strcmp0 (g_getenv ("CI"), "true") == 0)
    g_error ("no display under CI: the GUI tests must run under xvfb-run");
  g_test_skip ("no display: run the GUI tests under xvfb-run");
  return FALSE;
}

IctoApplication *
icto_gui_test_app_new (const char *id_suffix)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *id = g_strconcat (APP_ID, id_suffix, NULL);
  IctoApplication *app;

  g_setenv ("XDG_CACHE_HOME", icto_test_tmpdir (), TRUE);
  g_setenv ("XDG_DATA_HOME", icto_test_tmpdir (), TRUE);
  icto_widgets_init ();
  app = icto_application_new (id, G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);
  return app;
}

void
icto_gui_test_settle (void)
{
  gint64 deadline = g_get_monotonic_time () + 300 * 1000;

  while (g_get_monotonic_time () < deadline)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (2000);
}

static void
collect (GtkWidget *widget,
         GPtrArray *out)
{
  g_ptr_array_add (out, widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect (child, out);
}

GPtrArray *
icto_gui_test_collect (GtkWidget *root)
{
  GPtrArray *out = g_ptr_array_new ();

  collect (root, out);
  return out;
}

GtkWidget *
icto_gui_test_find (GtkWidget *root,
                    GType      type)
{
  g_autoptr(GPtrArray) all = icto_gui_test_collect (root);

  for (guint i = 0; i < all->len; i++)
    if (G_TYPE_CHECK_INSTANCE_TYPE (all->pdata[i], type))
      return all->pdata[i];
  return NULL;
}

GtkWindow *
icto_gui_test_find_toplevel (GType      type,
                             GtkWindow *except)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) w = g_list_model_get_item (toplevels, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (w, type) && GTK_WINDOW (w) != except &&
          gtk_widget_get_visible (GTK_WIDGET (w)))
        return GTK_WINDOW (w);
    }
  return NULL;
}

char *
icto_gui_test_screenshot (GtkWidget  *widget,
                          const char *name)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  const char *root = g_getenv ("ICTO_BUILD_ROOT");
  g_autofree char *dir = g_build_filename (root ? root : ".", "tests", "app", NULL);
  char *path = g_build_filename (dir, name, NULL);
  GskRenderer *renderer;
  int w = 0;
  int h = 0;

  for (int tries = 0; tries < 50 && node == NULL; tries++)
    {
      GtkSnapshot *snapshot;

      icto_gui_test_settle ();
      if (!gtk_widget_get_mapped (widget))
        continue;
      w = gtk_widget_get_width (widget);
      h = gtk_widget_get_height (widget);
      snapshot = gtk_snapshot_new ();
      gdk_paintable_snapshot (paintable, snapshot, w, h);
      node = gtk_snapshot_free_to_node (snapshot);
    }
  g_assert_nonnull (node);
  g_assert_cmpint (w, >, 0);
  g_assert_cmpint (h, >, 0);
  renderer = gtk_native_get_renderer (gtk_widget_get_native (widget));
  texture = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, w, h));
  g_mkdir_with_parents (dir, 0755);
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("screenshot: %s (%d x %d)", path, w, h);
  return path;
}
