#!/bin/sh
# Builds the libFuzzer targets with clang and runs them: the FHIR validator for a number of
# seconds (default 60), then the HL7 v2 ER7 parser and the MLLP framer for half that each.
# Usage: tests/fuzz/run.sh [seconds] [build-dir]
# Seeds: the FHIR and HL7 v2 corpora and test fixtures; crashes are written to the build directory.
set -eu
seconds="${1:-60}"
v2_seconds=$(( seconds / 2 > 10 ? seconds / 2 : 10 ))
repo="$(cd "$(dirname "$0")/../.." && pwd)"
build="${2:-$repo/../build-fuzz}"
cmake -S "$repo" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_COMPILER=clang++-14 -DRG_FUZZ=ON -DRG_BENCH=OFF \
  -DCMAKE_CXX_FLAGS="-fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer" >/dev/null
cmake --build "$build" --target fuzz_fhir_validate fuzz_er7_parse fuzz_mllp_framing -j2
corpus="$build/fuzz-corpus"
mkdir -p "$corpus"
cp "$repo"/tests/data/fhir/corpus/*.json "$repo"/tests/data/fhir/*.json "$corpus"/
v2_corpus="$build/fuzz-corpus-hl7v2"
mkdir -p "$v2_corpus"
cp "$repo"/tests/data/hl7v2/*.hl7 "$repo"/tests/data/hl7v2/corpus/*.hl7 "$v2_corpus"/
cd "$build"
./tests/fuzz/fuzz_fhir_validate -max_total_time="$seconds" -max_len=65536 -rss_limit_mb=2048 \
  -print_final_stats=1 "$corpus"
./tests/fuzz/fuzz_er7_parse -max_total_time="$v2_seconds" -max_len=65536 -rss_limit_mb=2048 \
  -print_final_stats=1 "$v2_corpus"
exec ./tests/fuzz/fuzz_mllp_framing -max_total_time="$v2_seconds" -max_len=16384 -rss_limit_mb=2048 \
  -print_final_stats=1 "$v2_corpus"
