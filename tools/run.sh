#!/usr/bin/env bash
# One command on a fresh Debian 12 machine: install what is missing, build (Release), make
# development certificates if there are none, and run the gateway in the foreground on the
# embedded default configuration (config/gateway.json). Extra arguments go to the gateway,
# e.g. tools/run.sh --set listen.port=9443
set -euo pipefail
cd "$(dirname "$0")/.."
tools/install-deps.sh
tools/build.sh
# Certificates are made once (a set made before CRLs gets its ca.crl); `build/tools/gatewayctl
# certs init --dir certs/dev --force` renews them.
[ -f certs/dev/ca.crl ] || build/tools/gatewayctl certs init --dir certs/dev
# var/ holds the database and the events file (patient data): the owner's only.
mkdir -p -m 0700 var

cat >&2 <<'MSG'

referral-gateway: FHIR base https://localhost:8443/fhir  (operations: http://127.0.0.1:9464/metrics)
Try, from this folder:
  curl --cacert certs/dev/ca.crt --cert certs/dev/client-practice-a.crt --key certs/dev/client-practice-a.key https://localhost:8443/fhir/metadata

MSG
exec build/gateway/referral-gateway --config config/gateway.json "$@"
