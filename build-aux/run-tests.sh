#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Runs the whole test suite of an already configured build directory and
# prints one closing line "N passed, N failed".  Called by ictoscope-dev.sh test.
set -uo pipefail

builddir=$1
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$here"

status=0
logs=()

run_suite() {
  local label=$1; shift
  echo "=== $label ==="
  if ! "$@"; then status=1; fi
}

# 1. library and CLI tests, headless
run_suite "library tests" meson test -C "$builddir" --no-suite gui --print-errorlogs --num-processes 2
cp "$builddir/meson-logs/testlog.json" "$builddir/meson-logs/testlog-lib.json" 2>/dev/null && logs+=("$builddir/meson-logs/testlog-lib.json")

# 2. GUI tests under Xvfb (the real window, Cairo renderer)
if meson test -C "$builddir" --list --suite gui >/dev/null 2>&1 && [ -n "$(meson test -C "$builddir" --list --suite gui 2>/dev/null)" ]; then
  run_suite "GUI tests (Xvfb)" env GSK_RENDERER=cairo xvfb-run -a -s "-screen 0 1920x1080x24" \
    meson test -C "$builddir" --suite gui --print-errorlogs --num-processes 1
  cp "$builddir/meson-logs/testlog.json" "$builddir/meson-logs/testlog-gui.json" 2>/dev/null && logs+=("$builddir/meson-logs/testlog-gui.json")
fi

# 3. the library tests again under AddressSanitizer and UndefinedBehaviorSanitizer
asandir="$builddir-asan"
if [ "${ICTO_SKIP_ASAN:-0}" != 1 ]; then
  if [ ! -f "$asandir/build.ninja" ]; then
    meson setup "$asandir" -Db_sanitize=address,undefined -Db_lundef=false -Dgui=disabled -Dbuildtype=debug >/dev/null
  fi
  if meson compile -C "$asandir" >/dev/null; then
    run_suite "library tests (ASan+UBSan)" env ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
      UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
      meson test -C "$asandir" --suite signal --suite model --suite store --suite sim --suite core --suite cli \
      --no-suite slow --no-suite python --print-errorlogs --num-processes 2 --timeout-multiplier 4
    cp "$asandir/meson-logs/testlog.json" "$asandir/meson-logs/testlog-asan.json" 2>/dev/null && logs+=("$asandir/meson-logs/testlog-asan.json")
  else
    echo "ASan build failed"; status=1
  fi
fi

python3 - "${logs[@]}" <<'PY'
import json, sys
passed = failed = skipped = 0
for path in sys.argv[1:]:
    with open(path) as f:
        for line in f:
            line = line.strip()
            if not line:
                continue
            r = json.loads(line)
            res = r.get("result")
            if res in ("OK", "EXPECTEDFAIL"):
                passed += 1
            elif res == "SKIP":
                skipped += 1
            else:
                failed += 1
print(f"{passed} passed, {failed} failed, {skipped} skipped")
PY
exit $status
