#!/bin/sh
# Builds the libFuzzer target with clang and runs it for a number of seconds (default 60).
# Usage: tests/fuzz/run.sh [seconds] [build-dir]
# Seeds: the FHIR corpus and test fixtures; crashes are written to the build directory.
set -eu
seconds="${1:-60}"
repo="$(cd "$(dirname "$0")/../.." && pwd)"
build="${2:-$repo/../build-fuzz}"
cmake -S "$repo" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_COMPILER=clang++-14 -DRG_FUZZ=ON -DRG_BENCH=OFF \
  -DCMAKE_CXX_FLAGS="-fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer" >/dev/null
cmake --build "$build" --target fuzz_fhir_validate -j2
corpus="$build/fuzz-corpus"
mkdir -p "$corpus"
cp "$repo"/tests/data/fhir/corpus/*.json "$repo"/tests/data/fhir/*.json "$corpus"/
cd "$build"
exec ./tests/fuzz/fuzz_fhir_validate -max_total_time="$seconds" -max_len=65536 -rss_limit_mb=2048 \
  -print_final_stats=1 "$corpus"
