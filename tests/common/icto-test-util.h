/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * icto_test_shared_path:
 * @relative: a path below ../shared (e.g. "data/real/seeg_mne_sample/sample_seeg.edf")
 *
 * Returns the absolute path of a file in the shared test data when it exists.
 * When it does not: under CI (environment CI=true) the test fails with a
 * message; elsewhere the current test is skipped with a clear message and
 * NULL is returned (the caller must then return at once).
 */
char *icto_test_shared_path (const char *relative);

/* A fresh temporary directory for this test, removed at exit. */
const char *icto_test_tmpdir (void);

/* Path of a built program (relative to the build root), e.g. "src/cli/ictoscope-cli". */
char *icto_test_build_path (const char *relative);

/* Path of a file in the source tree (relative to the source root). */
char *icto_test_source_path (const char *relative);

G_END_DECLS
