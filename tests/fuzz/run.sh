#!/bin/sh
# Builds a libFuzzer target with clang and runs it for a number of seconds (default 60), on one core.
# Usage: tests/fuzz/run.sh [seconds] [build-dir] [target]
# Targets (one per parser), each with its seed directories; crashes are written to the build
# directory:
#   fuzz_fhir_validate  JSON parser, R4 validator, referral profile, FHIRPath compile + evaluate
#   fuzz_er7_parse      HL7 v2 ER7 parser, ACKs, the REF^I12 mapping
#   fuzz_mllp_framing   the MLLP framing state machine (whole, byte by byte and chunked feeds agree)
set -eu
seconds="${1:-60}"
repo="$(cd "$(dirname "$0")/../.." && pwd)"
build="${2:-$repo/../build-fuzz}"
target="${3:-fuzz_fhir_validate}"
case "$target" in
  fuzz_fhir_validate)
    seeds="tests/data/fhir/corpus tests/data/fhir tests/data/fhir/fuzz-seeds" ;;
  fuzz_er7_parse | fuzz_mllp_framing)
    seeds="tests/data/hl7v2 tests/data/hl7v2/corpus" ;;
  *)
    echo "run.sh: unknown fuzz target $target" >&2
    exit 2 ;;
esac
cmake -S "$repo" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_COMPILER=clang++-14 -DRG_FUZZ=ON -DRG_BENCH=OFF \
  -DCMAKE_CXX_FLAGS="-fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer" >/dev/null
cmake --build "$build" --target "$target" -j2
corpus="$build/fuzz-corpus-$target"
mkdir -p "$corpus"
for d in $seeds; do
  find "$repo/$d" -maxdepth 1 -type f \( -name '*.json' -o -name '*.txt' -o -name '*.hl7' \) -exec cp {} "$corpus"/ \;
done
cd "$build"
exec "./tests/fuzz/$target" -max_total_time="$seconds" -max_len=65536 -rss_limit_mb=2048 \
  -print_final_stats=1 "$corpus"
