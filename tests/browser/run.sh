#!/usr/bin/env bash
# The operations page's browser tests (ctest entry ops_page_browser_test): installs playwright-core
# at the version package-lock.json pins (npm ci, into BUILD/browser-tests, outside the source tree),
# then runs ops_page.test.mjs with node's test runner against the built binaries and Debian's
# chromium. Usage: run.sh BUILD_DIR
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
build="$(cd "$1" && pwd)"
work="$build/browser-tests"
mkdir -p "$work"
if ! cmp -s "$here/package-lock.json" "$work/package-lock.json" || [ ! -d "$work/node_modules/playwright-core" ]; then
  cp "$here/package.json" "$here/package-lock.json" "$work/"
  # playwright-core comes from the npm registry. Where the registry cannot be reached (no network,
  # or a TLS-intercepting proxy whose CA this machine lacks) the test cannot run: it fails under CI
  # (CI=true), where the registry must be reachable, and elsewhere reports itself skipped (77),
  # loudly, rather than passing.
  if ! (cd "$work" && npm ci --no-audit --no-fund --loglevel=error); then
    rm -rf "$work/node_modules" "$work/package-lock.json"
    if [ "${CI:-}" = "true" ]; then
      echo "ops_page_browser_test: npm ci of playwright-core failed" >&2
      exit 1
    fi
    echo "ops_page_browser_test: SKIPPED: playwright-core could not be installed from the npm registry (above)" >&2
    exit 77
  fi
fi
cp "$here/ops_page.test.mjs" "$here/gateway_harness.mjs" "$work/"
export RG_GATEWAY="$build/gateway/referral-gateway"
export RG_GATEWAYCTL="$build/tools/gatewayctl"
export RG_REFERRER_SIM="$build/tools/referrer-sim/referrer-sim"
export RG_ARTEFACTS="$build/browser-artefacts"
export RG_SOURCE_DIR="${here%/tests/browser}"
cd "$work"
exec node --test --test-reporter=spec ops_page.test.mjs
