#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Runs the build commands of the Flatpak manifest's dependency modules (EDFlib,
# OpenBLAS) on this machine, outside flatpak, into a temporary prefix that
# stands in for /app, then checks what they installed: the shared libraries
# export what Ictoscope calls, a small program links and runs against them,
# and (unless --no-app) ictoscope-cli configures and builds against that
# prefix alone.
#
# usage: flatpak/build-modules-here.sh [--edflib-src DIR] [--openblas-src DIR]
#                                      [--quick] [--no-app] [--keep]
#
# Sources: a directory given on the command line (an unpacked release
# tarball), otherwise Debian's source package of the same library, fetched with
# apt-get source through a private apt configuration in a temporary directory
# (the system's apt sources are not modified). Debian's versions differ from
# the manifest's pinned releases (OpenBLAS 0.3.21+ds vs 0.3.28); the build
# commands are the ones under test.
#   --quick   drop DYNAMIC_ARCH=1 from OpenBLAS: only the baseline TARGET's
#             kernels (minutes instead of most of an hour on two cores)
#   --no-app  do not build ictoscope-cli against the prefix
#   --keep    keep the temporary directory and print its path
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
manifest=$here/io.github.ictoscope.Ictoscope.json

edflib_src="" openblas_src="" quick=0 app=1 keep=0
while [ $# -gt 0 ]; do
  case $1 in
    --edflib-src) edflib_src=$(cd "$2" && pwd); shift 2 ;;
    --openblas-src) openblas_src=$(cd "$2" && pwd); shift 2 ;;
    --quick) quick=1; shift ;;
    --no-app) app=0; shift ;;
    --keep) keep=1; shift ;;
    -h|--help) sed -n '3,25p' "$0"; exit 0 ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done

work=$(mktemp -d "${TMPDIR:-/tmp}/ictoscope-modules.XXXXXX")
if [ $keep = 1 ]; then echo "work dir: $work"; else trap 'rm -rf "$work"' EXIT; fi
prefix=$work/app
mkdir -p "$prefix"

# Module build commands and per-arch environment, straight from the manifest.
module_commands() {
  python3 - "$manifest" "$1" "$(uname -m)" <<'PY'
import json, shlex, sys
manifest, name, arch = sys.argv[1:]
for m in json.load(open(manifest))["modules"]:
    if isinstance(m, dict) and m.get("name") == name:
        env = dict(m.get("build-options", {}).get("env", {}))
        env.update(m.get("build-options", {}).get("arch", {}).get(arch, {}).get("env", {}))
        for k, v in env.items():
            print(f"export {k}={shlex.quote(v)}")
        for c in m.get("build-commands", []):
            print(c)
        break
else:
    sys.exit(f"no module {name} in {manifest}")
PY
}

# Debian source package into $work/debian-src/<name> (unpacked, patches not applied).
debian_source() {
  local pkg=$1 apt=$work/apt
  mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial" "$work/debian-src"
  # the machine's own Debian sources, as deb-src, in a private apt configuration
  sed -n 's/^Types: deb$/Types: deb-src/p; /^URIs:/p; /^Suites:/p; /^Components:/p; /^Signed-By:/p; /^$/p' \
    /etc/apt/sources.list.d/*.sources > "$apt/sources.list.d.sources" 2>/dev/null || true
  mkdir -p "$apt/parts"; mv -f "$apt/sources.list.d.sources" "$apt/parts/debian.sources"
  local opts=(-o Dir::Etc::SourceList=/dev/null -o Dir::Etc::SourceParts="$apt/parts"
              -o Dir::State::Lists="$apt/lists" -o Dir::Cache="$apt/cache" -o APT::Sandbox::User=root)
  if [ ! -f "$apt/updated" ]; then
    apt-get "${opts[@]}" -qq update >&2 && touch "$apt/updated"
  fi
  (cd "$work/debian-src" && apt-get "${opts[@]}" -qq source --download-only "$pkg" >&2) || return 1
  local orig
  orig=$(ls "$work/debian-src/${pkg}_"*.orig.tar.* 2>/dev/null | head -n 1)
  [ -n "$orig" ] || return 1
  mkdir -p "$work/debian-src/$pkg"
  tar -xf "$orig" -C "$work/debian-src/$pkg" --strip-components=1
  echo "$work/debian-src/$pkg"
}

run_module() {
  local name=$1 src=$2
  local script=$work/$name-build.sh
  {
    echo "set -euo pipefail"
    echo "export FLATPAK_DEST=$(printf %q "$prefix") FLATPAK_BUILDER_N_JOBS=$(nproc)"
    echo "export CFLAGS='-O2 -g' LDFLAGS=''"
    module_commands "$name"
  } > "$script"
  if [ $quick = 1 ] && [ "$name" = openblas ]; then
    sed -i 's/ DYNAMIC_ARCH=1//g' "$script"
  fi
  echo "== $name: building in $src"
  sed -n '/^set/!p' "$script" | sed 's/^/   /'
  local start=$SECONDS
  (cd "$src" && bash "$script") > "$work/$name.log" 2>&1 || {
    tail -n 40 "$work/$name.log" >&2; echo "FAIL: $name build commands" >&2; return 1; }
  echo "== $name: built and installed in $((SECONDS - start)) s"
}

fail=0
if [ -z "$edflib_src" ]; then
  edflib_src=$(debian_source edflib) || edflib_src=""
fi
if [ -n "$edflib_src" ]; then
  run_module edflib "$edflib_src" || fail=1
else
  echo "SKIP: edflib: no source (Debian's edflib source package could not be fetched; pass --edflib-src DIR)"
fi
if [ -z "$openblas_src" ]; then
  openblas_src=$(debian_source openblas) || openblas_src=""
fi
if [ -n "$openblas_src" ]; then
  run_module openblas "$openblas_src" || fail=1
else
  echo "SKIP: openblas: no source (pass --openblas-src DIR)"
fi

# What the modules installed -------------------------------------------------
check() { if eval "$2"; then echo "ok: $1"; else echo "FAIL: $1" >&2; fail=1; fi; }
if [ -e "$prefix/lib/libedf.so.1" ] || [ -n "$edflib_src" ]; then
  check "edflib: include/edflib.h" "[ -s '$prefix/include/edflib.h' ]"
  check "edflib: lib/libedf.so -> libedf.so.1" "[ -e '$prefix/lib/libedf.so' ] && [ -e '$prefix/lib/libedf.so.1' ]"
  check "edflib: exports edfopen_file_readonly" \
    "nm -D --defined-only '$prefix/lib/libedf.so.1' | grep -w edfopen_file_readonly >/dev/null"
fi
if [ -n "$openblas_src" ]; then
  check "openblas: include/cblas.h" "[ -s '$prefix/include/cblas.h' ]"
  check "openblas: lib/pkgconfig/openblas.pc" "[ -s '$prefix/lib/pkgconfig/openblas.pc' ]"
  check "openblas: exports cblas_sgemm" \
    "nm -D --defined-only '$prefix/lib/libopenblas.so' | grep -w cblas_sgemm >/dev/null"
  cat > "$work/sgemm.c" <<'C'
#include <cblas.h>
#include <stdio.h>
int main (void) {
  float a[4] = { 1, 2, 3, 4 }, b[4] = { 5, 6, 7, 8 }, c[4] = { 0 };
  cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, 2, 2, 2, 1.0f, a, 2, b, 2, 0.0f, c, 2);
  printf ("%g %g %g %g\n", c[0], c[1], c[2], c[3]);
  return !(c[0] == 19 && c[1] == 22 && c[2] == 43 && c[3] == 50);
}
C
  check "openblas: a program using cblas_sgemm links and computes [[19,22],[43,50]]" \
    "[ -e '$prefix/lib/libopenblas.so' ] && cc -I'$prefix/include' '$work/sgemm.c' '$prefix/lib/libopenblas.so' -Wl,-rpath,'$prefix/lib' -o '$work/sgemm' && '$work/sgemm'"
fi

# Ictoscope against this prefix -----------------------------------------------
if [ $app = 1 ] && [ -e "$prefix/lib/libopenblas.so" ]; then
  echo "== ictoscope-cli against $prefix"
  if PKG_CONFIG_PATH=$prefix/lib/pkgconfig LIBRARY_PATH=$prefix/lib CPATH=$prefix/include \
     meson setup "$work/build" "$root" -Dtests=false -Dgui=disabled --prefix="$prefix" > "$work/app.log" 2>&1 &&
     LIBRARY_PATH=$prefix/lib CPATH=$prefix/include ninja -C "$work/build" src/cli/ictoscope-cli >> "$work/app.log" 2>&1; then
    libs=$(LD_LIBRARY_PATH=$prefix/lib ldd "$work/build/src/cli/ictoscope-cli")
    check "ictoscope-cli uses libopenblas from the prefix" "grep -q '$prefix/lib/libopenblas' <<< \"\$libs\""
    if [ -e "$prefix/lib/libedf.so" ]; then
      check "ictoscope-cli uses libedf from the prefix" "grep -q '$prefix/lib/libedf' <<< \"\$libs\""
    else
      echo "note: libedf comes from the system (the edflib module was not built)"
    fi
    check "ictoscope-cli --version runs" "LD_LIBRARY_PATH='$prefix/lib' '$work/build/src/cli/ictoscope-cli' --version"
  else
    tail -n 30 "$work/app.log" >&2; echo "FAIL: ictoscope-cli does not build against $prefix" >&2; fail=1
  fi
elif [ $app = 1 ]; then
  echo "SKIP: ictoscope-cli against the prefix: the openblas module was not built"
fi

exit $fail
