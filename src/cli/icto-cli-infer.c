/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "icto-cli"

#include "config.h"

#include <glib/gi18n.h>

#include "icto-cli.h"

/* PLACEHOLDER: replaced by the real command. */
int
icto_cli_infer (int argc, char **argv)
{
  return icto_cli_fail (1, _("the “%s” command is not available in this build yet"), argv[0]);
}
