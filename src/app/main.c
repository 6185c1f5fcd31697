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

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  icto_widgets_init ();
  app = icto_application_new (APP_ID, G_APPLICATION_HANDLES_OPEN);
  return g_application_run (G_APPLICATION (app), argc, argv);
}
