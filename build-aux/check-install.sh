#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# check-install.sh MESON BUILDDIR PREFIX BINDIR DATADIR LOCALEDIR APP_ID VERSION GUI(true|false)
#
# Installs the build into a temporary DESTDIR (no rebuild) and checks that the
# installed programs run and that every desktop-integration file is where the
# desktop expects it. Run by `meson test --suite install`.
set -euo pipefail

if [ $# -ne 9 ]; then
  echo "usage: $0 MESON BUILDDIR PREFIX BINDIR DATADIR LOCALEDIR APP_ID VERSION GUI" >&2
  exit 2
fi
meson=$1 builddir=$2 prefix=$3 bindir=$4 datadir=$5 localedir=$6 app_id=$7 version=$8 gui=$9
app_id_base=${app_id%.Devel}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/ictoscope-install.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
destdir=$tmp/root

# meson writes its install log into the build dir; --no-rebuild keeps this
# from racing with the build that `meson test` already did.
if ! "$meson" install -C "$builddir" --no-rebuild --destdir "$destdir" >"$tmp/install.log" 2>&1; then
  cat "$tmp/install.log" >&2
  echo "FAIL: meson install" >&2
  exit 1
fi

# Options are relative to the prefix unless absolute.
abs() { case $1 in /*) echo "$1" ;; *) echo "$prefix/$1" ;; esac; }
root=$destdir
bin=$root$(abs "$bindir")
share=$root$(abs "$datadir")
locale=$root$(abs "$localedir")

fail=0
check_file() {
  if [ -s "$1" ]; then echo "ok: ${1#"$root"}"; else echo "FAIL: missing ${1#"$root"}" >&2; fail=1; fi
}

# Programs --------------------------------------------------------------------
check_file "$bin/ictoscope-cli"
if [ "$gui" = true ]; then
  check_file "$bin/ictoscope"
fi
# Run from elsewhere with a clean environment, so nothing of the build tree helps.
if out=$(cd "$tmp" && env -u LD_LIBRARY_PATH "$bin/ictoscope-cli" --version 2>&1); then
  if [ "$out" = "ictoscope-cli $version" ]; then
    echo "ok: installed ictoscope-cli --version: $out"
  else
    echo "FAIL: installed ictoscope-cli --version printed '$out'" >&2; fail=1
  fi
else
  echo "FAIL: installed ictoscope-cli --version failed: $out" >&2; fail=1
fi
if [ "$gui" = true ] && command -v ldd >/dev/null; then
  if ldd "$bin/ictoscope" | grep -q 'not found'; then
    echo "FAIL: installed ictoscope has unresolved libraries:" >&2
    ldd "$bin/ictoscope" | grep 'not found' >&2; fail=1
  else
    echo "ok: installed ictoscope resolves all its libraries"
  fi
fi

# Desktop integration ---------------------------------------------------------
desktop=$share/applications/$app_id.desktop
metainfo=$share/metainfo/$app_id.metainfo.xml
schema=$share/glib-2.0/schemas/$app_id_base.gschema.xml
icon=$share/icons/hicolor/scalable/apps/$app_id.svg
symbolic=$share/icons/hicolor/symbolic/apps/$app_id-symbolic.svg
mime=$share/mime/packages/$app_id.xml
for f in "$desktop" "$metainfo" "$schema" "$icon" "$symbolic" "$mime"; do
  check_file "$f"
done

if [ -s "$desktop" ]; then
  grep -qx "Icon=$app_id" "$desktop" || { echo "FAIL: desktop file Icon is not $app_id" >&2; fail=1; }
  grep -q '^MimeType=.*application/x-edf;' "$desktop" || { echo "FAIL: desktop file lacks the EDF MIME type" >&2; fail=1; }
  command -v desktop-file-validate >/dev/null && { desktop-file-validate "$desktop" || fail=1; }
fi
if [ -s "$metainfo" ]; then
  grep -q "<launchable type=\"desktop-id\">$app_id.desktop</launchable>" "$metainfo" ||
    { echo "FAIL: metainfo launchable does not name $app_id.desktop" >&2; fail=1; }
fi

# The installed schema compiles and gives the defaults the application expects.
if [ -s "$schema" ]; then
  mkdir -p "$tmp/schemas"
  cp "$schema" "$tmp/schemas/"
  if glib-compile-schemas --strict "$tmp/schemas"; then
    got=$(GSETTINGS_SCHEMA_DIR=$tmp/schemas GSETTINGS_BACKEND=memory \
          gsettings get "$app_id_base" page-duration 2>&1 || true)
    if [ "$got" = "10.0" ]; then echo "ok: installed schema: page-duration = $got"
    else echo "FAIL: installed schema page-duration = '$got'" >&2; fail=1; fi
  else
    echo "FAIL: installed schema does not compile" >&2; fail=1
  fi
fi

# Translations: one catalogue per language in po/LINGUAS.
for lang in de fr; do
  check_file "$locale/$lang/LC_MESSAGES/ictoscope.mo"
done

# No file may land outside the prefix.
outside=$(cd "$destdir" && find . -type f | sed 's|^\.||' | grep -v "^$prefix/" || true)
if [ -n "$outside" ]; then
  echo "FAIL: files installed outside the prefix $prefix:" >&2
  echo "$outside" >&2
  fail=1
fi

echo "installed files: $(cd "$destdir" && find . -type f | wc -l)"
exit $fail
