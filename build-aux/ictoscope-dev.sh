#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# One entry point for a fresh Debian 12 machine:
#   build-aux/ictoscope-dev.sh run    install what is missing, build, start Ictoscope
#                                     on the bundled demo recording with the bundled model
#   build-aux/ictoscope-dev.sh test   install what is missing, build, run every test
#                                     (library tests headless, GUI tests under Xvfb,
#                                     library tests again under ASan+UBSan)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$here"

mode=${1:-}
case "$mode" in
  run|test|build) ;;
  *) echo "usage: $0 run|test|build" >&2; exit 2 ;;
esac

# Debian packages the project needs (build, run, test).
packages=(
  build-essential meson ninja-build pkg-config gettext
  libglib2.0-dev libglib2.0-dev-bin libgtk-4-dev libadwaita-1-dev
  libedf-dev libopenblas-dev libsqlite3-dev libjson-glib-dev libcairo2-dev libpango1.0-dev
  desktop-file-utils appstream shared-mime-info libglib2.0-bin
  python3 python3-numpy
)
if [ "$mode" = test ]; then
  packages+=(xvfb xauth valgrind)
  packages+=(python3-torch)  # tests/model/test_pyref_{torch,convert}.py
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing missing packages: ${missing[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo=sudo
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -q
  $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

builddir=${ICTO_BUILDDIR:-_build}
if [ ! -f "$builddir/build.ninja" ]; then
  meson setup "$builddir" --prefix="$here/_install" -Ddevelopment=true
fi
meson compile -C "$builddir"

case "$mode" in
  build)
    exit 0
    ;;
  run)
    demo="$builddir/models/demo.edf"
    exec "$builddir/src/app/ictoscope" "$demo"
    ;;
  test)
    exec bash "$here/build-aux/run-tests.sh" "$builddir"
    ;;
esac
