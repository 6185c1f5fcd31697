/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-a11y"

#include "config.h"

#include <adwaita.h>
#include <string.h>

#include "app/icto-application.h"
#include "app/icto-window.h"
#include "icto-gui-test.h"
#include "icto-test-util.h"
#include "widgets/icto-widgets-init.h"

/*
 * Accessibility of the real window: every button, menu button and entry has
 * an accessible name, the trace view describes what it shows, and the
 * keyboard reaches every control.  GTK_A11Y=test gives each widget GTK's
 * test AT context, whose public gtk_test_accessible_* functions read what a
 * screen reader would be told.
 */

static IctoApplication *app;

static gboolean
has_nonempty_property (GtkWidget             *widget,
                       GtkAccessibleProperty  property)
{
  g_autofree char *diff = NULL;

  if (!gtk_test_accessible_has_property (GTK_ACCESSIBLE (widget), property))
    return FALSE;
  /* NULL when the value equals the expected one: set, but to "" */
  diff = gtk_test_accessible_check_property (GTK_ACCESSIBLE (widget), property, "");
  return diff != NULL;
}

/* The value of a string property: check_property returns the actual value
 * when it differs from the expected one (and nothing can equal "\001"). */
static char *
accessible_string (GtkWidget             *widget,
                   GtkAccessibleProperty  property)
{
  if (!gtk_test_accessible_has_property (GTK_ACCESSIBLE (widget), property))
    return NULL;
  return gtk_test_accessible_check_property (GTK_ACCESSIBLE (widget), property, "\001");
}

static gboolean
has_visible_text (GtkWidget *widget)
{
  g_autoptr(GPtrArray) all = icto_gui_test_collect (widget);

  for (guint i = 0; i < all->len; i++)
    if (GTK_IS_LABEL (all->pdata[i]) && gtk_label_get_text (all->pdata[i])[0] != '\0')
      return TRUE;
  return FALSE;
}

static gboolean
inside (GtkWidget *widget,
        GType      type)
{
  for (GtkWidget *w = gtk_widget_get_parent (widget); w != NULL; w = gtk_widget_get_parent (w))
    if (G_TYPE_CHECK_INSTANCE_TYPE (w, type))
      return TRUE;
  return FALSE;
}

static char *
describe_widget (GtkWidget *widget)
{
  const char *tooltip = gtk_widget_get_tooltip_text (widget);
  const char *action = GTK_IS_ACTIONABLE (widget) ? gtk_actionable_get_action_name (GTK_ACTIONABLE (widget)) : NULL;

  return g_strdup_printf ("%s (action %s, tooltip %s, in %s)", G_OBJECT_TYPE_NAME (widget),
                          action ? action : "-", tooltip ? tooltip : "-",
                          gtk_widget_get_parent (widget) ? G_OBJECT_TYPE_NAME (gtk_widget_get_parent (widget)) : "-");
}

/* Whether @w, a button, menu button or entry, has an accessible name. */
static gboolean
control_named (GtkWidget *w)
{
  const char *label;

  if (GTK_IS_EDITABLE (w))
    /* the text is content, not a name */
    return has_nonempty_property (w, GTK_ACCESSIBLE_PROPERTY_LABEL) ||
           gtk_test_accessible_has_relation (GTK_ACCESSIBLE (w), GTK_ACCESSIBLE_RELATION_LABELLED_BY);

  label = GTK_IS_MENU_BUTTON (w) ? gtk_menu_button_get_label (GTK_MENU_BUTTON (w))
                                 : gtk_button_get_label (GTK_BUTTON (w));
  /* GTK makes a button "labelled by" its child, so the child must have text */
  return (label != NULL && label[0] != '\0') ||
         has_nonempty_property (w, GTK_ACCESSIBLE_PROPERTY_LABEL) ||
         has_visible_text (w);
}

/* Asserts that each control under @root has a name; returns how many were checked. */
static guint
assert_controls_named (GtkWidget *root)
{
  g_autoptr(GPtrArray) all = icto_gui_test_collect (root);
  g_autoptr(GString) missing = g_string_new (NULL);
  guint checked = 0;

  for (guint i = 0; i < all->len; i++)
    {
      GtkWidget *w = all->pdata[i];

      /* the GtkText inside an entry or spin button is its delegate */
      if (GTK_IS_TEXT (w) && gtk_widget_get_parent (w) != NULL && GTK_IS_EDITABLE (gtk_widget_get_parent (w)))
        continue;
      /* the +/- of a spin button are parts of it (Up/Down keys); GTK 4.8
       * names neither, the spin button itself carries the name */
      if (GTK_IS_BUTTON (w) && inside (w, GTK_TYPE_SPIN_BUTTON))
        continue;
      /* the toggle inside a menu button: the menu button carries the name */
      if (!GTK_IS_EDITABLE (w) && !GTK_IS_MENU_BUTTON (w) && !(GTK_IS_BUTTON (w) && !inside (w, GTK_TYPE_MENU_BUTTON)))
        continue;

      checked++;
      if (!control_named (w))
        {
          g_autofree char *desc = describe_widget (w);
          g_string_append_printf (missing, "\n  %s", desc);
        }
    }
  if (missing->len > 0)
    g_error ("controls without an accessible name:%s", missing->str);
  return checked;
}

static void
open_finished_cb (IctoWindow *window,
                  gboolean    success,
                  gpointer    data)
{
  *(int *) data = success ? 1 : 0;
}

static IctoWindow *
open_window (const char *path)
{
  IctoWindow *window = icto_window_new (app);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  int result = -1;

  gtk_window_set_default_size (GTK_WINDOW (window), 1400, 800);
  gtk_window_present (GTK_WINDOW (window));
  g_signal_connect (window, "open-finished", G_CALLBACK (open_finished_cb), &result);
  icto_window_open (window, file);
  ICTO_GUI_WAIT_FOR (result >= 0);
  g_assert_cmpint (result, ==, 1);
  ICTO_GUI_WAIT_FOR (icto_trace_view_get_page (icto_window_get_trace_view (window)) != NULL);
  icto_gui_test_settle ();
  return window;
}

static void
test_a11y_names (void)
{
  g_autofree char *path = icto_test_shared_path ("data/real/seeg_mne_sample/sample_seeg.edf");
  IctoWindow *window;
  GtkWindow *dialog;
  guint n;

  if (path == NULL)
    return;

  /* the check itself: an icon, or a tooltip alone, is no name; a label or an accessible label is */
  {
    GtkWidget *bare = g_object_ref_sink (gtk_button_new_from_icon_name ("go-next-symbolic"));
    GtkWidget *entry = g_object_ref_sink (gtk_entry_new ());

    gtk_widget_set_tooltip_text (bare, "Next");
    g_assert_false (control_named (bare));
    gtk_accessible_update_property (GTK_ACCESSIBLE (bare), GTK_ACCESSIBLE_PROPERTY_LABEL, "", -1);
    g_assert_false (control_named (bare));
    gtk_accessible_update_property (GTK_ACCESSIBLE (bare), GTK_ACCESSIBLE_PROPERTY_LABEL, "Next page", -1);
    g_assert_true (control_named (bare));
    gtk_editable_set_text (GTK_EDITABLE (entry), "10:32:05");
    g_assert_false (control_named (entry));
    g_object_unref (bare);
    g_object_unref (entry);
  }

  /* the empty window: header bar and the status page's button */
  window = icto_window_new (app);
  gtk_window_present (GTK_WINDOW (window));
  icto_gui_test_settle ();
  n = assert_controls_named (GTK_WIDGET (window));
  g_assert_cmpuint (n, >=, 5);
  gtk_window_destroy (GTK_WINDOW (window));

  /* with a recording: the paging buttons are shown too */
  window = open_window (path);
  n = assert_controls_named (GTK_WIDGET (window));
  g_assert_cmpuint (n, >=, 7);

  /* the dialogs the window opens: Go to Time (an entry), screen calibration (a spin button) */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.go-to-time", NULL));
  dialog = icto_gui_test_find_toplevel (ADW_TYPE_MESSAGE_DIALOG, NULL);
  g_assert_nonnull (dialog);
  g_assert_nonnull (icto_gui_test_find (GTK_WIDGET (dialog), GTK_TYPE_ENTRY));
  assert_controls_named (GTK_WIDGET (dialog));
  gtk_window_destroy (dialog);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.calibrate-screen", NULL));
  dialog = icto_gui_test_find_toplevel (ADW_TYPE_MESSAGE_DIALOG, NULL);
  g_assert_nonnull (dialog);
  assert_controls_named (GTK_WIDGET (dialog));
  gtk_window_destroy (dialog);

  /* the preferences window (rows of spin buttons and combo rows) */
  g_action_group_activate_action (G_ACTION_GROUP (app), "preferences", NULL);
  dialog = icto_gui_test_find_toplevel (ADW_TYPE_PREFERENCES_WINDOW, NULL);
  g_assert_nonnull (dialog);
  icto_gui_test_settle ();
  n = assert_controls_named (GTK_WIDGET (dialog));
  g_assert_cmpuint (n, >=, 6);
  gtk_window_destroy (dialog);

  gtk_window_destroy (GTK_WINDOW (window));
  icto_gui_test_settle ();
}

static void
test_a11y_trace_description (void)
{
  g_autofree char *path = icto_test_shared_path ("data/real/seeg_mne_sample/sample_seeg.edf");
  IctoWindow *window;
  IctoTraceView *view;
  IctoSession *session;
  GtkWidget *area;
  char *desc;

  if (path == NULL)
    return;

  window = open_window (path);
  view = icto_window_get_trace_view (window);
  session = icto_window_get_session (window);
  area = icto_gui_test_find (GTK_WIDGET (view), g_type_from_name ("IctoTraceArea"));
  g_assert_nonnull (area);
  g_assert_true (has_nonempty_property (area, GTK_ACCESSIBLE_PROPERTY_LABEL));

  /* first page: the recording's name, its time range, the montage */
  desc = accessible_string (area, GTK_ACCESSIBLE_PROPERTY_DESCRIPTION);
  g_test_message ("description: %s", desc);
  g_assert_nonnull (strstr (desc, "sample_seeg.edf"));
  g_assert_nonnull (strstr (desc, "0.0 s"));
  g_assert_nonnull (strstr (desc, "10.0 s"));
  g_assert_nonnull (strstr (desc, "As recorded"));
  /* the annotations of the page, as the lane shows them (the sample file has two in its first 10 s) */
  g_assert_nonnull (strstr (desc, "Annotations on this page: test annotation at 5.0 s"));
  g_free (desc);
  /* the view itself carries the same description */
  desc = accessible_string (GTK_WIDGET (view), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION);
  g_assert_nonnull (strstr (desc, "sample_seeg.edf"));
  g_free (desc);

  /* paging updates it */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.page-forward", NULL));
  ICTO_GUI_WAIT_FOR (icto_trace_view_get_page (view)->start == 10 * ICTO_TICKS_PER_SECOND);
  desc = accessible_string (area, GTK_ACCESSIBLE_PROPERTY_DESCRIPTION);
  g_test_message ("description: %s", desc);
  g_assert_nonnull (strstr (desc, "from 10.0 s to 20.0 s"));
  g_assert_null (strstr (desc, "test annotation at 5.0 s"));
  g_free (desc);

  /* and so does the montage */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.montage", "s", "bipolar"));
  g_assert_cmpint (icto_session_get_montage (session), ==, ICTO_MONTAGE_KIND_BIPOLAR);
  ICTO_GUI_WAIT_FOR ((desc = accessible_string (area, GTK_ACCESSIBLE_PROPERTY_DESCRIPTION)) != NULL &&
                     (strstr (desc, "Bipolar") != NULL || (g_free (desc), FALSE)));
  g_free (desc);

  gtk_window_destroy (GTK_WINDOW (window));
  icto_gui_test_settle ();
}

static void
test_a11y_keyboard (void)
{
  g_autofree char *path = icto_test_shared_path ("data/real/seeg_mne_sample/sample_seeg.edf");
  g_autoptr(GHashTable) reached = g_hash_table_new (NULL, NULL);
  g_autoptr(GPtrArray) all = NULL;
  g_autoptr(GString) unreached = g_string_new (NULL);
  IctoWindow *window;
  GType area_type;
  guint n_controls = 0;

  if (path == NULL)
    return;

  window = open_window (path);
  area_type = g_type_from_name ("IctoTraceArea");
  /* after opening, the traces have the focus, so the paging keys work at once */
  g_assert_true (G_TYPE_CHECK_INSTANCE_TYPE (gtk_window_get_focus (GTK_WINDOW (window)), area_type));

  /* Tab through the window twice round */
  for (int i = 0; i < 200; i++)
    {
      GtkWidget *focus;

      if (!gtk_widget_child_focus (GTK_WIDGET (window), GTK_DIR_TAB_FORWARD))
        gtk_widget_child_focus (GTK_WIDGET (window), GTK_DIR_TAB_FORWARD);  /* wrapped round */
      focus = gtk_window_get_focus (GTK_WINDOW (window));
      for (GtkWidget *w = focus; w != NULL; w = gtk_widget_get_parent (w))
        g_hash_table_add (reached, w);
    }

  /* every visible, sensitive button and menu button of the header bar, and the traces */
  all = icto_gui_test_collect (GTK_WIDGET (window));
  for (guint i = 0; i < all->len; i++)
    {
      GtkWidget *w = all->pdata[i];
      gboolean control = GTK_IS_MENU_BUTTON (w) ||
                         (GTK_IS_BUTTON (w) && !inside (w, GTK_TYPE_MENU_BUTTON) && !inside (w, GTK_TYPE_POPOVER)) ||
                         G_TYPE_CHECK_INSTANCE_TYPE (w, area_type);

      /* the window controls are left out of the focus chain by GTK on purpose
       * (Ctrl+W, Super+Up, Super+H do their work from the keyboard) */
      if (!control || !gtk_widget_is_drawable (w) || !gtk_widget_is_sensitive (w) ||
          inside (w, GTK_TYPE_WINDOW_CONTROLS))
        continue;
      n_controls++;
      if (!g_hash_table_contains (reached, w))
        {
          g_autofree char *desc = describe_widget (w);
          g_string_append_printf (unreached, "\n  %s", desc);
        }
    }
  if (unreached->len > 0)
    g_error ("not reachable with Tab:%s", unreached->str);
  /* Open, previous, next, three menu buttons, the traces */
  g_assert_cmpuint (n_controls, >=, 7);

  gtk_window_destroy (GTK_WINDOW (window));
  icto_gui_test_settle ();
}

int
main (int    argc,
      char **argv)
{
  int ret;

  g_setenv ("GSK_RENDERER", "cairo", FALSE);
  g_setenv ("GTK_A11Y", "test", TRUE);
  g_setenv ("NO_AT_BRIDGE", "1", TRUE);
  g_test_init (&argc, &argv, NULL);

  if (!icto_gui_test_have_display ())
    return g_test_run ();

  app = icto_gui_test_app_new (".A11yTest");

  g_test_add_func ("/app/a11y/names", test_a11y_names);
  g_test_add_func ("/app/a11y/trace-description", test_a11y_trace_description);
  g_test_add_func ("/app/a11y/keyboard", test_a11y_keyboard);
  ret = g_test_run ();
  g_clear_object (&app);
  return ret;
}
