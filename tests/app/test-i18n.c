/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-i18n"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <locale.h>
#include <string.h>

#include "app/icto-application.h"
#include "app/icto-window.h"
#include "icto-gui-test.h"
#include "icto-test-util.h"
#include "widgets/icto-widgets-init.h"

/*
 * The application under LANGUAGE=de (and fr) shows translated menus.  The
 * catalogues are the ones meson compiled into the build tree
 * ($ICTO_BUILD_ROOT/po/<lang>/LC_MESSAGES/ictoscope.mo), bound as main.c does
 * with ICTO_LOCALEDIR.  LC_ALL=C.UTF-8 is enough: glibc ignores LANGUAGE only
 * for the "C" locale itself, so no de_DE locale needs to be generated.
 */

/* glibc caches translations; GNU gettext's documented way to make it read
 * LANGUAGE again is to bump this counter after changing the variable. */
extern int _nl_msg_cat_cntr;

static IctoApplication *app;

typedef struct {
  const char *action;
  const char *target;   /* NULL: any */
  const char *label;
} MenuExpectation;

/* The label of the item with @action (and @target, if not NULL) in @model and its sections and submenus. */
static char *
menu_label (GMenuModel *model,
            const char *action,
            const char *target)
{
  for (int i = 0; i < g_menu_model_get_n_items (model); i++)
    {
      g_autofree char *item_action = NULL;
      g_autofree char *item_target = NULL;
      g_autoptr(GMenuLinkIter) links = NULL;
      GMenuModel *link;

      if (g_menu_model_get_item_attribute (model, i, G_MENU_ATTRIBUTE_ACTION, "s", &item_action) &&
          g_str_equal (item_action, action) &&
          (target == NULL ||
           (g_menu_model_get_item_attribute (model, i, G_MENU_ATTRIBUTE_TARGET, "s", &item_target) &&
            g_str_equal (item_target, target))))
        {
          char *label = NULL;

          g_menu_model_get_item_attribute (model, i, G_MENU_ATTRIBUTE_LABEL, "s", &label);
          return label;
        }
      links = g_menu_model_iterate_item_links (model, i);
      while (g_menu_link_iter_get_next (links, NULL, &link))
        {
          char *label = menu_label (link, action, target);

          g_object_unref (link);
          if (label != NULL)
            return label;
        }
    }
  return NULL;
}

static GtkMenuButton *
find_menu_button (IctoWindow *window,
                  const char *action)
{
  g_autoptr(GPtrArray) all = icto_gui_test_collect (GTK_WIDGET (window));

  for (guint i = 0; i < all->len; i++)
    {
      g_autofree char *label = NULL;
      GMenuModel *model;

      if (!GTK_IS_MENU_BUTTON (all->pdata[i]))
        continue;
      model = gtk_menu_button_get_menu_model (all->pdata[i]);
      if (model != NULL && (label = menu_label (model, action, NULL)) != NULL)
        return all->pdata[i];
    }
  g_error ("no menu button with a %s item", action);
  return NULL;
}

static void
check_language (const char *language,
                const MenuExpectation *items,
                guint n_items,
                const char *display_label,
                const char *montage_tooltip)
{
  IctoWindow *window;
  GtkMenuButton *display;
  GtkMenuButton *montage;

  g_setenv ("LANGUAGE", language, TRUE);
  ++_nl_msg_cat_cntr;
  window = icto_window_new (app);
  gtk_window_present (GTK_WINDOW (window));
  icto_gui_test_settle ();

  /* the menu buttons of the header bar */
  display = find_menu_button (window, "win.sensitivity-increase");
  montage = find_menu_button (window, "win.montage");
  g_assert_cmpstr (gtk_menu_button_get_label (display), ==, display_label);
  g_assert_cmpstr (gtk_widget_get_tooltip_text (GTK_WIDGET (montage)), ==, montage_tooltip);

  /* the menus' items */
  for (guint i = 0; i < n_items; i++)
    {
      GtkMenuButton *button = find_menu_button (window, items[i].action);
      g_autofree char *label = menu_label (gtk_menu_button_get_menu_model (button), items[i].action, items[i].target);

      g_assert_cmpstr (label, ==, items[i].label);
    }

  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, "Ictoscope");
  {
    g_autofree char *name = g_strdup_printf ("screenshot-%s.png", language);
    g_autofree char *shot = NULL;

    gtk_menu_button_popup (montage);
    ICTO_GUI_WAIT_FOR (gtk_widget_get_mapped (GTK_WIDGET (gtk_menu_button_get_popover (montage))));
    shot = icto_gui_test_screenshot (GTK_WIDGET (gtk_menu_button_get_popover (montage)), name);
    gtk_menu_button_popdown (montage);
  }
  gtk_window_destroy (GTK_WINDOW (window));
  icto_gui_test_settle ();
}

static void
test_i18n_german (void)
{
  static const MenuExpectation items[] = {
    { "win.open", NULL, "Ö_ffnen…" },
    { "app.preferences", NULL, "_Einstellungen" },
    { "app.about", NULL, "_Info zu Ictoscope" },
    { "app.quit", NULL, "_Beenden" },
    { "win.montage", "referential", "_Wie aufgezeichnet" },
    { "win.montage", "bipolar", "_Bipolar" },
    { "win.filter", "off", "_Kein Filter" },
    { "win.sensitivity-increase", NULL, "_Größere Kurven" },
    { "win.page-forward", NULL, "_Nächste Seite" },
  };

  check_language ("de", items, G_N_ELEMENTS (items), "_Anzeige", "Montage und Filter");
  /* strings made in code follow too */
  g_assert_cmpstr (_("No Recent Recordings"), ==, "Keine zuletzt geöffneten Aufzeichnungen");
  g_assert_cmpstr (g_dngettext (GETTEXT_PACKAGE, "%g second", "%g seconds", 5), ==, "%g Sekunden");
}

static void
test_i18n_french (void)
{
  static const MenuExpectation items[] = {
    { "app.preferences", NULL, "_Préférences" },
    { "win.montage", "average", "Moyenne _commune" },
    { "win.sensitivity-decrease", NULL, "Tracés plus _petits" },
  };

  check_language ("fr", items, G_N_ELEMENTS (items), "_Affichage", "Montage et filtres");
}

static void
test_i18n_untranslated (void)
{
  static const MenuExpectation items[] = {
    { "app.about", NULL, "_About Ictoscope" },
  };

  /* a language without a catalogue falls back to the English source strings */
  check_language ("xx", items, G_N_ELEMENTS (items), "_Display", "Montage and filters");
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *localedir = NULL;
  int ret;

  g_setenv ("GSK_RENDERER", "cairo", FALSE);
  g_setenv ("GTK_A11Y", "none", FALSE);
  g_setenv ("NO_AT_BRIDGE", "1", TRUE);
  g_setenv ("LANGUAGE", "de", TRUE);
  g_setenv ("LC_ALL", "C.UTF-8", TRUE);
  g_test_init (&argc, &argv, NULL);

  if (!icto_gui_test_have_display ())
    return g_test_run ();

  localedir = icto_test_build_path ("po");
  {
    g_autofree char *mo = g_build_filename (localedir, "de", "LC_MESSAGES", GETTEXT_PACKAGE ".mo", NULL);
    g_assert_true (g_file_test (mo, G_FILE_TEST_EXISTS));
  }
  g_assert_nonnull (setlocale (LC_ALL, ""));
  bindtextdomain (GETTEXT_PACKAGE, localedir);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  app = icto_gui_test_app_new (".I18nTest");

  g_test_add_func ("/app/i18n/german", test_i18n_german);
  g_test_add_func ("/app/i18n/french", test_i18n_french);
  g_test_add_func ("/app/i18n/untranslated", test_i18n_untranslated);
  ret = g_test_run ();
  g_clear_object (&app);
  return ret;
}
