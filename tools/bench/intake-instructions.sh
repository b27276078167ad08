#!/usr/bin/env bash
# Instructions per durable referral, repeatable on a loaded machine (issue 16; BENCHMARKS.md).
#
#   tools/bench/intake-instructions.sh [--rev REV] [--connections 16] [--duration-s 20]
#
# Runs one gateway (HEAD's from BUILD_DIR, default build-bench; with --rev, REV's as bench.sh
# --compare builds it in build-rev-SHA) under valgrind --tool=callgrind, storage on /dev/shm,
# instrumented only while rg-bench sends the intake load (the same request as bench.sh intake).
# Valgrind runs the threads one at a time, so the figures do not depend on the machine's load;
# the number of referrals does. Prints per referral: user-space instructions (Ir) of the whole
# gateway without the TLS handshakes (one per connection, amortised over far more requests in a
# real run), of the store writer thread, and of the I/O threads; and the bytes the gateway passed
# to write/pwrite (WAL, checkpoints, events file: /proc/PID/io wchar). Keeps the callgrind file
# in BUILD_DIR.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${BUILD_DIR:-$root/build-bench}
rev="" connections=16 duration=20
while [[ $# -gt 0 ]]; do
  case $1 in
    --rev) rev=$2; shift 2 ;;
    --connections) connections=$2; shift 2 ;;
    --duration-s) duration=$2; shift 2 ;;
    *) awk 'NR > 1 && /^#/ {print; next} NR > 1 {exit}' "$0" >&2; exit 2 ;;
  esac
done
bin=$build/gateway/referral-gateway config=$root/config/gateway.json label=HEAD
if [[ -n $rev ]]; then
  sha=$(git -C "$root" rev-parse --short "$rev^{commit}")
  bin=$root/build-rev-$sha/src/build-bench/gateway/referral-gateway config=$root/build-rev-$sha/src/config/gateway.json
  label=$sha
  [[ -x $bin ]] || { echo "intake-instructions.sh: build $rev first (tools/bench/bench.sh intake --compare $rev)" >&2; exit 1; }
fi
work=$(mktemp -d /dev/shm/rg-instructions.XXXXXX)
gpid=""
trap '[[ -n $gpid ]] && kill -TERM "$gpid" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"' EXIT
"$build/tools/gatewayctl" certs init --dir "$work/certs" >/dev/null
certs=$work/certs
valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file="$work/callgrind.out" \
  "$bin" --config "$config" --set "revocation.crl_files.0=$certs/ca.crl" --set listen.port=0 --set ops.port=0 \
  --set "listen.tls.cert=$certs/server.crt" --set "listen.tls.key=$certs/server.key" \
  --set "listen.tls.client_ca=$certs/ca.crt" --set "storage.path=$work/gateway.db" \
  --set "platform.events_jsonl=$work/events.jsonl" --set runtime.io_threads=2 >"$work/out" 2>"$work/err" &
gpid=$!
for _ in $(seq 1 1200); do grep -q '"event":"listening"' "$work/out" 2>/dev/null && break; sleep 0.1; done
port=$(grep -o '"https":[0-9]*' "$work/out" | head -1 | cut -d: -f2)
[[ -n $port ]] || { echo "intake-instructions.sh: the gateway did not start" >&2; cat "$work/err" >&2; exit 1; }
callgrind_control -i on "$gpid" >/dev/null 2>&1
wchar() { awk '/^wchar/ {print $2}' "/proc/$gpid/io"; }
w0=$(wchar)
"$build/tools/bench/rg-bench" load --label "$label" --port "$port" --certs "$certs" --client practice-a \
  --connections "$connections" --threads 1 --warmup-s 1 --duration-s "$duration" \
  --body "$root/tests/data/core/servicerequest-contained.json" --marker REF-2024-0001 --path /fhir/ServiceRequest \
  >"$work/load" 2>&1
w1=$(wchar)
callgrind_control -i off "$gpid" >/dev/null 2>&1
n=$(grep -o 'ok_all=[0-9]*' "$work/load" | cut -d= -f2)
kill -TERM "$gpid"
wait "$gpid" 2>/dev/null || true
gpid=""
out=$build/callgrind-intake-$label.out
cp "$work/callgrind.out" "$out"
inclusive() { callgrind_annotate --inclusive=yes "$out" 2>/dev/null | awk -v f="$1" '!found && index($0, f) {gsub(",", "", $1); print $1; found = 1}'; }
total=$(awk '/^totals:/ {print $2}' "$out")
handshake=$(inclusive "???:SSL_do_handshake ")
writer=$(inclusive "gateway::sqlite::writer::run()")
io=$(inclusive "boost::asio::detail::scheduler::run(")
awk -v l="$label" -v n="$n" -v t="$total" -v h="${handshake:-0}" -v w="${writer:-0}" -v io="${io:-0}" -v b=$((w1 - w0)) 'BEGIN {
  printf "%s: %d referrals (%s connections); per referral: %.0f Ir without TLS handshakes (%.0f with), writer %.0f Ir, I/O threads %.0f Ir without handshakes; %.0f bytes written\n",
    l, n, "'"$connections"'", (t - h) / n, t / n, w / n, (io - h) / n, b / n }'
echo "(callgrind file: $out; callgrind_annotate --inclusive=yes $out)"
