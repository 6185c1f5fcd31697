#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Build the model-loader fuzz target with clang (libFuzzer + ASan + UBSan) and
# run it.  Usage: tools/fuzz-loader.sh [SECONDS] [BUILDDIR]   (default 600 s)
# Needs: clang (Debian package clang), the project's build dependencies.
# Seeds: tests/data/model-broken/*.safetensors and the test-vector weights.
set -eu
seconds=${1:-600}
src=$(cd "$(dirname "$0")/.." && pwd)
out=${2:-$src/_build-fuzz}
mkdir -p "$out/corpus" "$out/artifacts"
cp -n "$src"/tests/data/model-broken/*.safetensors "$out/corpus/" 2>/dev/null || true
for c in a b c; do
  cp -n "$src/tests/data/mvpformer/case-$c/head_cls.safetensors" "$out/corpus/head-$c.safetensors" 2>/dev/null || true
done
cp -n "$src/tests/data/mvpformer/case-c/lora.safetensors" "$out/corpus/lora-c.safetensors" 2>/dev/null || true

cat > "$out/config.h" <<EOC
#pragma once
#define GETTEXT_PACKAGE "ictoscope"
EOC
flags="-g -O1 -std=gnu11 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -D_GNU_SOURCE"
incs="-I$out -I$src/src $(pkg-config --cflags glib-2.0 openblas)"
libs="$(pkg-config --libs glib-2.0 openblas) -lm -lpthread"
# shellcheck disable=SC2086
clang $flags $incs -o "$out/fuzz-loader" \
  "$src/tests/model/fuzz-loader.c" \
  "$src/src/model/icto-model-error.c" "$src/src/model/icto-safetensors.c" \
  "$src/src/model/icto-model.c" "$src/src/model/icto-wavelet.c" \
  $libs
echo "fuzzing for $seconds s: $out/fuzz-loader"
ASAN_OPTIONS=detect_leaks=1 "$out/fuzz-loader" -max_total_time="$seconds" -max_len=65536 -rss_limit_mb=4096 \
  -artifact_prefix="$out/artifacts/" -print_final_stats=1 "$out/corpus"
