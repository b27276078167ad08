#!/usr/bin/env bash
# One command on a fresh Debian 12 machine: install what is missing, build, run every test
# through ctest. Exits non-zero on any failure.
#   RG_SANITIZE=1 tools/test.sh   also builds with ASan+UBSan (build-asan/) and runs the tests there
#   RG_ASAN_SHUTDOWN=1 tools/test.sh   builds only the gateway with ASan+UBSan (build-asan/) and runs
#                                    the SIGTERM-with-a-slow-receiver test against it (off by
#                                    default: the ASan build would add 10-15 min to CI; RG_SANITIZE=1
#                                    covers it too)
#   RG_FUZZ_SECONDS=60 tools/test.sh   also runs the validator's libFuzzer target that long, and the
#                                    HL7 v2 targets (ER7 parser, MLLP framer) half that each
#                                    (CI does, with 60 s)
#   RG_CRASH_ROUNDS=N tools/test.sh    SIGKILL rounds of the kill tests (default 5)
set -euo pipefail
cd "$(dirname "$0")/.."
tools/install-deps.sh --browser
tools/check-format.sh
tools/build.sh
fuzz_seconds=${RG_FUZZ_SECONDS:-}
if [ -z "$fuzz_seconds" ] && [ "${CI:-}" = "true" ]; then fuzz_seconds=60; fi
if [ -n "$fuzz_seconds" ] && [ "$fuzz_seconds" != "0" ]; then
  tools/install-deps.sh --fuzz
  tests/fuzz/run.sh "$fuzz_seconds" "$PWD/build-fuzz"
  for target in fuzz_er7_parse fuzz_mllp_framing; do
    tests/fuzz/run.sh "$(( fuzz_seconds / 2 > 10 ? fuzz_seconds / 2 : 10 ))" "$PWD/build-fuzz" "$target"
  done
fi
# Every test the hazard log names as a control must still exist and be enabled.
(cd build && ctest --show-only=json-v1) >build/ctest-listing.json
build/tools/hazard-log/hazard-log-check docs/clinical-safety/hazard-log.md build/ctest-listing.json
# The kill tests (crash_test, feedback_test) repeat SIGKILL/restart/verify this many times.
export RG_CRASH_ROUNDS="${RG_CRASH_ROUNDS:-5}"
(cd build && ctest --output-on-failure --timeout 600 -j"$(nproc)")
if [ "${RG_SANITIZE:-0}" != "1" ] && [ "${RG_ASAN_SHUTDOWN:-0}" = "1" ]; then
  # SIGTERM while a slow receiver holds deliveries, once more against a gateway built with
  # AddressSanitizer + UBSan: only that binary is built (build-asan/, shared with RG_SANITIZE=1).
  cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DRG_SANITIZE=ON -DRG_BENCH=OFF >/dev/null
  cmake --build build-asan --target referral-gateway -j"$(nproc)"
  (cd build && RG_ASAN_GATEWAY="$PWD/../build-asan/gateway/referral-gateway" \
    ctest --output-on-failure --timeout 600 -R '^feedback_test\.sigterm_while_a_slow_receiver')
fi
if [ "${RG_SANITIZE:-0}" = "1" ]; then
  BUILD_DIR=build-asan BUILD_TYPE=RelWithDebInfo tools/build.sh -DRG_SANITIZE=ON -DRG_BENCH=OFF
  (cd build-asan && ctest --output-on-failure --timeout 900 -j"$(nproc)")
fi
