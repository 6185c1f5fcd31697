# SPDX-License-Identifier: GPL-3.0-or-later
"""Helpers for the Python tests in tests/model/ (run by meson).

Exit code 77 tells meson a test was skipped.  Under CI=true a missing
prerequisite (shared test vectors, numpy, torch) is a failure instead:
CI installs everything the tests need.  Imports nothing beyond the
standard library, so it can report a missing numpy itself.
"""

import os
import sys
import unittest

__all__ = ["SKIP", "under_ci", "missing", "shared_case_dir", "require_modules", "run"]

SKIP = 77


def under_ci():
    """True when the environment says we run in CI."""
    return os.environ.get("CI", "").lower() in ("true", "1", "yes")


def missing(what):
    """Report a missing prerequisite and exit: 77 (skip), or 1 under CI."""
    if under_ci():
        print(f"FAIL: {what} (required under CI=true)", file=sys.stderr)
        sys.exit(1)
    print(f"SKIP: {what}")
    sys.exit(SKIP)


def _shared_dir():
    env = os.environ.get("ICTO_SHARED_DIR")
    if env:
        return env
    here = os.path.dirname(os.path.abspath(__file__))
    return os.path.normpath(os.path.join(here, "..", "..", "..", "shared"))


def shared_case_dir(case):
    """Directory of a shared test-vector case ('case-a' ...), or exit via missing()."""
    path = os.path.join(_shared_dir(), "testdata", "mvpformer", case)
    if not os.path.isfile(os.path.join(path, "expected.safetensors")):
        missing(f"shared test vectors not found at {path} (set ICTO_SHARED_DIR)")
    return path


def require_modules(*names):
    """Import each module or exit via missing()."""
    import importlib

    for name in names:
        try:
            importlib.import_module(name)
        except ImportError:
            missing(f"Python module '{name}' is not installed "
                    f"(Debian: python3-{name})")


def run(module_name="__main__"):
    """Run the unittest cases of a module; exit 0 if all pass, 1 otherwise."""
    program = unittest.main(module=module_name, exit=False, verbosity=2)
    result = program.result
    sys.exit(0 if result.wasSuccessful() and result.testsRun > 0 else 1)
