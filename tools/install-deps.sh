#!/usr/bin/env bash
# Installs the Debian 12 packages the gateway needs to build, run and test. As root it runs
# apt-get; otherwise it prints the one apt-get line to run and fails if anything is missing.
#   tools/install-deps.sh --fuzz   also clang and its libFuzzer runtime (tests/fuzz/run.sh)
#   tools/install-deps.sh --browser   also chromium, node and npm for the operations page's browser
#                                     tests (tests/browser; tools/test.sh asks for them)
set -euo pipefail

packages=(
  g++ cmake ninja-build
  libboost1.81-dev rapidjson-dev libssl-dev libsqlite3-dev libpq-dev
  libgtest-dev libbenchmark-dev
  postgresql-15
  curl openssl ca-certificates clang-format
  libjs-chart.js
)
for option in "$@"; do
  case "$option" in
    --fuzz) packages+=(clang-14 libclang-rt-14-dev) ;;
    --browser)
      packages+=(chromium)
      # Node.js and npm run the browser tests only. A machine that already has both (Debian's
      # packages, or NodeSource's nodejs, which bundles npm and conflicts with Debian's npm) keeps
      # them; Debian's are installed only where a command is missing.
      command -v node >/dev/null 2>&1 || packages+=(nodejs)
      command -v npm >/dev/null 2>&1 || packages+=(npm)
      ;;
    *) echo "install-deps: unknown option $option" >&2; exit 2 ;;
  esac
done

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
  echo "install-deps: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "install-deps: missing packages; run as root:" >&2
  echo "  sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
