/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * Each subcommand lives in its own file (icto-cli-<name>.c) and has this shape:
 * argv[0] is the subcommand name; it returns the process exit status:
 * 0 on success, 1 on a runtime failure (one line on stderr saying why),
 * 2 on a usage error.
 */
typedef int (*IctoCliCommandFunc) (int argc, char **argv);

int icto_cli_info     (int argc, char **argv);
int icto_cli_render   (int argc, char **argv);
int icto_cli_forward  (int argc, char **argv);
int icto_cli_infer    (int argc, char **argv);
int icto_cli_annot    (int argc, char **argv);
int icto_cli_simulate (int argc, char **argv);
int icto_cli_train_head (int argc, char **argv);
int icto_cli_score    (int argc, char **argv);
int icto_cli_predict  (int argc, char **argv);
int icto_cli_layout   (int argc, char **argv);
int icto_cli_attention (int argc, char **argv);

/* Print "ictoscope-cli: <message>" on stderr; returns @status. */
int icto_cli_fail (int status, const char *format, ...) G_GNUC_PRINTF (2, 3);

/* Print a GError as one line on stderr and return 1. Frees nothing. */
int icto_cli_fail_error (const GError *error);

G_END_DECLS
