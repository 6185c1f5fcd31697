#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# check-mime.sh MIME_XML [SHARED_DIR]
# Builds a MIME database from MIME_XML (plus the system's) in a temporary
# directory and checks that GIO recognises EDF and BDF files by name and by
# content, and does not claim unrelated files (BDF fonts, text). With
# SHARED_DIR (the ../shared reference data), the headers of real recordings
# are checked too.
set -euo pipefail

xml=${1:?usage: check-mime.sh MIME_XML [SHARED_DIR]}
shared=${2:-}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

mkdir -p "$tmp/share/mime/packages" "$tmp/home" "$tmp/files"
cp "$xml" "$tmp/share/mime/packages/ictoscope.xml"
export XDG_DATA_HOME="$tmp/home"
export XDG_DATA_DIRS="$tmp/share:/usr/share"
export GIO_USE_VFS=local
update-mime-database "$tmp/share/mime"
for f in magic globs2; do
  [ -s "$tmp/share/mime/$f" ] || { echo "update-mime-database wrote no $f" >&2; exit 1; }
done

# A 256-byte EDF header start: version "0" padded to 8 bytes, then patient field.
edf_header() { printf '0       %-80s' 'X X X X'; }
bdf_header() { printf '\377BIOSEMI%-80s' 'X X X X'; }

edf_header > "$tmp/files/rec.edf"
edf_header > "$tmp/files/REC.EDF"
edf_header > "$tmp/files/edf-no-extension"
bdf_header > "$tmp/files/rec.bdf"
bdf_header > "$tmp/files/REC.BDF"
bdf_header > "$tmp/files/bdf-no-extension"
printf 'hello, not a recording\n' > "$tmp/files/text-no-extension"
printf 'STARTFONT 2.1\nFONT -misc-fixed\n' > "$tmp/files/font.bdf"
printf '1       not version zero\n' > "$tmp/files/almost-edf"

fail=0
expect() {
  local file=$1 want=$2 got
  got=$(gio info -a standard::content-type "$tmp/files/$file" |
        sed -n 's/^ *standard::content-type: //p')
  if [ "$got" = "$want" ]; then
    echo "ok: $file -> $got"
  else
    echo "FAIL: $file -> '$got', expected '$want'" >&2
    fail=1
  fi
}
expect rec.edf application/x-edf
expect REC.EDF application/x-edf
expect edf-no-extension application/x-edf
expect rec.bdf application/x-bdf
expect REC.BDF application/x-bdf
expect bdf-no-extension application/x-bdf
expect text-no-extension text/plain
expect almost-edf text/plain
expect font.bdf application/x-font-bdf

# Real recordings: only their first 4 KiB, without the extension (content sniffing).
if [ -n "$shared" ] && [ -d "$shared/data/real" ]; then
  real=$shared/data/real
  head -c 4096 "$real/seeg_mne_sample/sample_seeg.edf" > "$tmp/files/real-edf"
  head -c 4096 "$real/edge_cases/MB0400FU.EDF" > "$tmp/files/real-edf-2"
  head -c 4096 "$real/edge_cases/test_bdf_stim_channel.bdf" > "$tmp/files/real-bdf"
  expect real-edf application/x-edf
  expect real-edf-2 application/x-edf
  expect real-bdf application/x-bdf
else
  echo "note: no shared reference data, real recordings not checked"
fi
exit $fail
