/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ictoscope"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <locale.h>

#include "app/icto-application.h"
#include "widgets/icto-widgets-init.h"

int
main (int    argc,
      char **argv)
{
  g_autoptr(IctoApplication) app = NULL;
  const char *localedir = LOCALEDIR;

  /* a development build can run from its build directory with the catalogues
   * meson compiled there: ICTO_LOCALEDIR=_build/po LANGUAGE=de ./_build/src/app/ictoscope */
  if (DEVELOPMENT_BUILD && g_getenv ("ICTO_LOCALEDIR") != NULL)
    localedir = g_getenv ("ICTO_LOCALEDIR");

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, localedir);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  icto_widgets_init ();
  app = icto_application_new (APP_ID, G_APPLICATION_HANDLES_OPEN);
  return g_application_run (G_APPLICATION (app), argc, argv);
}
