#!/usr/bin/env bash
# The project's benchmarks against the real binaries on loopback (DESIGN.md §5).
#
#   tools/bench/bench.sh intake  [--runs 3] [--connections 64] [--duration-s 10] [--warmup-s 2]
#                                [--client-threads 1] [--io-threads N] [--no-build]
#       Builds Release, makes certificates with gatewayctl in a temporary directory, starts the
#       bare-Beast ceiling (bench-ceiling) and, for each run, a fresh referral-gateway (port 0,
#       temporary storage, runtime.io_threads = cores), and runs rg-bench against the gateway and
#       then the ceiling: validated, durable POST /fhir/ServiceRequest as practice-a, a unique
#       referral identifier per request. Prints each run and the medians; appends them to the
#       log (--log FILE, default BUILD_DIR/bench-results.md).
#       --storage-dir DIR puts the gateway's database there (e.g. /dev/shm, to see what the disk
#       costs; not durable, a diagnostic only). After each gateway run it prints the CPU seconds
#       the gateway used, in total and on its busiest thread (the SQLite writer), and both per
#       referral (CPU over the whole run / the 2xx answers over the whole run, warm-up included).
#       The header gives the storage's 4 KB O_DSYNC write time (the floor of one durable commit).
#       --engine postgres [--instances N]: each run measures the SQLite gateway, then N gateways
#       (default 1) sharing one PostgreSQL 15 database (a cluster this script starts with initdb in
#       its temporary folder, fsync and synchronous_commit on; a fresh database per run), the load
#       spread over them, then the ceiling: all three in the same run.
#   tools/bench/bench.sh bars    [--runs 3] [--connections 64] [--duration-s 10] [--warmup-s 2] [...]
#       BaRS referrals beside REST intake, same sitting: for each run a fresh gateway takes the intake
#       load (POST /fhir/ServiceRequest), then another fresh gateway the same load as BaRS messages
#       (POST /fhir/$process-message: the published BaRS example referral, its NHS number made valid
#       and its sender practice-a, a new ServiceRequest UUID per request, with X-Request-ID,
#       X-Correlation-ID and NHSD-Target-Identifier), then the bare-Beast ceiling under the intake
#       load. Prints the three, medians with p90/p99 (BaRS asks for 90 % under 2.1 s) and the ratios.
#   tools/bench/bench.sh mllp    [--runs 3] [--connections 64] [--duration-s 10] [--warmup-s 2] [--no-build]
#       HL7 v2 intake: for each run, a fresh gateway with its MLLP listener on (TLS, the same
#       certificates) takes REF^I12 referrals from msk-clinic (rg-bench mllp: each ACK awaited; a
#       unique MSH-10 and RF1-6 per message; AA counted as accepted), then a fresh gateway takes the
#       same load as FHIR over HTTPS (POST /fhir/ServiceRequest as practice-a), then the ceiling
#       (bench-ceiling --mllp-port: the same MLLP/TLS listener answering AA to everything): all in
#       the same run. Prints each run and the medians; appends them to the log.
#   tools/bench/bench.sh memory  [--connections 1000] [--runs 3] [--compare REV]
#       Resident memory of a fresh gateway before and with N idle TLS connections (each made one
#       GET /fhir/metadata first); medians of the runs.
#   --compare REV (intake, memory, delivery): also measures REV's referral-gateway (built from git archive in
#       build-rev-SHA/src; every other program is HEAD's), the two taking turns in each run, and
#       prints both and their ratio (throughput, and gateway CPU per referral from /proc).
#   tools/bench/bench.sh delivery [--count 5000] [--destinations 1] [--runs 3] [--connections 16] [--compare REV]
#       Feedback delivery to referrer-sim over mTLS keep-alive, at the configured per-destination
#       limit. First a backlog: a gateway whose referrers' endpoints refuse connections, with
#       delivery.max_attempts=1, gets --count new referrals whose Tasks the platform moves to
#       received (one status-update message each, parked dead at its first attempt). Then a gateway
#       on the same storage pointing at referrer-sim (--no-fsync) requeues them all (gatewayctl
#       outbox retry --all-dead) and the time until the last is delivered gives messages/s; also
#       the gateway CPU per message, the store's units of work (fetches and recorded results) per
#       message and the receiver's CPU per message (one referrer-sim thread: on a loaded machine it
#       can be the limit). --perf-out FILE: perf record -g of the delivering gateway (the last run's). --destinations N (N > 1):
#       N referrers (client certificates ref-01.. made with openssl from the development CA,
#       organisations Z0001..; callers and referrers added to a copy of the config), --count / N
#       referrals each (all referrers at once, one connection each, so their messages interleave),
#       and one referrer-sim listening on N ports, one endpoint per referrer.
#   --gateway-set K=V (any mode, repeatable) adds a --set to every gateway started.
#   tools/bench/bench.sh scale [--referrals 1000000] [--backlog 100000] [--runs 3] [...]
#       The store at scale (issue 16): a preloaded store (gatewayctl preload, cached in
#       BUILD_DIR/scale-cache), its backlog drain, start-up to ready, a referrer's search pages and
#       the platform's work queue, and intake beside an empty store. See tools/bench/bench_scale.sh.
#   tools/bench/bench.sh profile [--duration-s 10] [--perf-out FILE]
#       perf record -g on the gateway under the intake load; prints the top symbols.
#
# BUILD_DIR (default build-bench in the repository) is the Release build tree used. The load generator shares
# the machine's cores with the server: read the figures as "gateway + client on N cores".
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
mode=${1:-}
[[ $# -gt 0 ]] && shift
build=${BUILD_DIR:-$root/build-bench}
runs=3 connections="" duration=10 warmup=2 client_threads=1 io_threads=$(nproc) do_build=1 log="" perf_out="" storage_dir="" count=5000 destinations=1 gateway_sets=() gateway_set_text="" engine=sqlite instances=1 compare= referrals=1000000 backlog=
while [[ $# -gt 0 ]]; do
  case $1 in
    --runs) runs=$2; shift 2 ;;
    --connections) connections=$2; shift 2 ;;
    --duration-s) duration=$2; shift 2 ;;
    --warmup-s) warmup=$2; shift 2 ;;
    --client-threads) client_threads=$2; shift 2 ;;
    --io-threads) io_threads=$2; shift 2 ;;
    --no-build) do_build=0; shift ;;
    --log) log=$2; shift 2 ;;
    --perf-out) perf_out=$2; shift 2 ;;
    --storage-dir) storage_dir=$2; shift 2 ;;
    --count) count=$2; shift 2 ;;
    --destinations) destinations=$2; shift 2 ;;
    --gateway-set) gateway_sets+=(--set "$2") gateway_set_text+=" --gateway-set $2"; shift 2 ;;
    --engine) engine=$2; shift 2 ;;
    --instances) instances=$2; shift 2 ;;
    --compare) compare=$2; shift 2 ;;
    --referrals) referrals=$2; shift 2 ;;
    --backlog) backlog=$2; shift 2 ;;
    *) echo "bench.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
case $mode in
  intake) connections=${connections:-64} ;;
  bars) connections=${connections:-64} ;;
  mllp) connections=${connections:-64} ;;
  memory) connections=${connections:-1000} ;;
  profile) connections=${connections:-64} ;;
  delivery) connections=${connections:-16} ;;
  scale) connections=${connections:-64} ;;
  *) awk 'NR > 1 && /^#/ {print; next} NR > 1 {exit}' "$0" >&2; exit 2 ;;
esac
log=${log:-$build/bench-results.md}
if [[ -n $compare && ( $engine != sqlite || $mode == profile ) ]]; then
  echo "bench.sh: --compare is for intake, memory and delivery on SQLite" >&2
  exit 2
fi

if [[ $do_build == 1 ]]; then
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DRG_BENCH=ON >/dev/null
  cmake --build "$build" --target referral-gateway gatewayctl rg-bench bench-ceiling referrer-sim >/dev/null
fi
gateway_bin=$build/gateway/referral-gateway
gateway_config=$root/config/gateway.json
ctl_bin=$build/tools/gatewayctl
bench_bin=$build/tools/bench/rg-bench
ceiling_bin=$build/tools/bench/bench-ceiling
sim_bin=$build/tools/referrer-sim/referrer-sim

# --compare REV: REV's own referral-gateway (and its config/gateway.json, which its build knows),
# built from `git archive REV` in $root/build-rev-SHA/src (ccache makes this cheap after the first
# time). Every other program (load generator, ceiling, certificates) is HEAD's, for both.
rev_gateway_bin="" rev_config="" rev_name=""
if [[ -n $compare ]]; then
  rev_sha=$(git -C "$root" rev-parse --short "$compare^{commit}")
  rev_name="$compare ($rev_sha)"
  rev_src=$root/build-rev-$rev_sha/src
  if [[ ! -f $rev_src/CMakeLists.txt ]]; then
    mkdir -p "$rev_src"
    git -C "$root" archive "$rev_sha" | tar -x -C "$rev_src"
  fi
  cmake -S "$rev_src" -B "$rev_src/build-bench" -G Ninja -DCMAKE_BUILD_TYPE=Release -DRG_BENCH=OFF -DRG_TESTS=OFF >/dev/null
  cmake --build "$rev_src/build-bench" --target referral-gateway >/dev/null
  rev_gateway_bin=$rev_src/build-bench/gateway/referral-gateway rev_config=$rev_src/config/gateway.json
fi

ulimit -n 8192 2>/dev/null || ulimit -n "$(ulimit -Hn)"
work=$(mktemp -d "${TMPDIR:-/tmp}/rg-bench.XXXXXX")
pids=() store_dirs=() pg_pid=""
cleanup() {
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [[ -n $pg_pid ]]; then kill -INT "$pg_pid" 2>/dev/null || true; wait "$pg_pid" 2>/dev/null || true; fi
  rm -rf "$work" "${store_dirs[@]}"
}
trap cleanup EXIT
store_base=$work
if [[ -n $storage_dir ]]; then
  store_base=$(mktemp -d "$storage_dir/rg-bench-store.XXXXXX")
  store_dirs+=("$store_base")
fi
"$ctl_bin" certs init --dir "$work/certs" >/dev/null
certs=$work/certs

# start NAME CMD...: runs CMD in the background, waits for its {"event":"listening",...} line,
# sets $started_pid and $started_port (the "https" port).
start() {
  local name=$1
  shift
  "$@" >"$work/$name.out" 2>"$work/$name.err" &
  started_pid=$!
  pids+=("$started_pid")
  for _ in $(seq 1 300); do
    if grep -q '"event":"listening"' "$work/$name.out" 2>/dev/null; then
      started_port=$(grep -o '"https":[0-9]*' "$work/$name.out" | head -1 | cut -d: -f2)
      return 0
    fi
    kill -0 "$started_pid" 2>/dev/null || break
    sleep 0.1
  done
  echo "bench.sh: $name did not start:" >&2
  cat "$work/$name.err" >&2
  exit 1
}

stop() {
  kill -TERM "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}

# start_gateway NAME [STORE] [--set K=V ...]: a gateway keeping its database in STORE (default:
# NAME) under the storage directory; a second gateway with the same STORE reopens that database.
# use_bin / use_config (when set) start another build (--compare).
start_gateway() {
  local name=$1 store=$1
  shift
  if [[ $# -gt 0 && $1 != --set ]]; then
    store=$1
    shift
  fi
  local dir=$store_base/$store crl=()
  mkdir -p "$dir"
  # The CA's revocation list from this run's certificates (builds before issue 10 have no such key).
  grep -q '"crl_files"' "${use_config:-$gateway_config}" && crl=(--set "revocation.crl_files.0=$certs/ca.crl")
  start "$name" "${use_bin:-$gateway_bin}" --config "${use_config:-$gateway_config}" "${crl[@]}" \
    --set listen.port=0 --set ops.port=0 \
    --set "listen.tls.cert=$certs/server.crt" --set "listen.tls.key=$certs/server.key" \
    --set "listen.tls.client_ca=$certs/ca.crt" \
    --set "revocation.crl_files=[\"$certs/ca.crl\"]" \
    --set "storage.path=$dir/gateway.db" --set "platform.events_jsonl=$dir/events.jsonl" \
    --set "runtime.io_threads=$io_threads" "${gateway_sets[@]}" "$@"
  started_ops=$(grep -o '"ops":[0-9]*' "$work/$name.out" | head -1 | cut -d: -f2)
  started_https=$(grep -o '"https":[0-9]*' "$work/$name.out" | head -1 | cut -d: -f2)
}

# PostgreSQL for --engine postgres: initdb and the server as the unprivileged `postgres` user when
# run as root (it refuses root), on a free loopback port; stopped by cleanup.
pg_bin=/usr/lib/postgresql/15/bin
pg_start() {
  local dir as=()
  dir=$(mktemp -d "${TMPDIR:-/tmp}/rg-bench-pg.XXXXXX")  # not in $work: the server's user must reach it
  store_dirs+=("$dir")
  if [[ $(id -u) == 0 ]]; then chown postgres: "$dir"; as=(setpriv --reuid=postgres --regid=postgres --clear-groups); fi
  if ! "${as[@]}" "$pg_bin/initdb" -D "$dir/data" -U rg --auth=trust -E UTF8 --locale=C --no-sync >"$work/initdb.log" 2>&1; then
    echo "bench.sh: initdb failed:" >&2
    cat "$work/initdb.log" >&2
    exit 1
  fi
  pg_port=$((20000 + RANDOM % 40000))
  while (echo >"/dev/tcp/127.0.0.1/$pg_port") 2>/dev/null; do pg_port=$((20000 + RANDOM % 40000)); done
  "${as[@]}" "$pg_bin/postgres" -D "$dir/data" -p "$pg_port" -k "$dir" -c listen_addresses=127.0.0.1 \
    -c fsync=on -c synchronous_commit=on -c shared_buffers=128MB -c max_connections=100 >"$work/postgres.log" 2>&1 &
  pg_pid=$!
  for _ in $(seq 1 300); do "$pg_bin/pg_isready" -q -h 127.0.0.1 -p "$pg_port" && return 0; sleep 0.1; done
  echo "bench.sh: PostgreSQL did not start:" >&2
  cat "$work/postgres.log" >&2
  exit 1
}

# pg_ticks: CPU clock ticks used so far by the PostgreSQL server and its backends.
pg_ticks() {
  local p total=0
  for p in "$pg_pid" $(grep -l "^PPid:[[:space:]]*$pg_pid\$" /proc/[0-9]*/status 2>/dev/null | cut -d/ -f3); do
    total=$((total + $(awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null || echo 0)))
  done
  echo "$total"
}

intake_load() {  # intake_load LABEL PORT [MORE_PORT...]
  local label=$1 port=$2 more=()
  shift 2
  for p in "$@"; do more+=(--more-port "$p"); done
  "$bench_bin" load --label "$label" --port "$port" "${more[@]}" --certs "$certs" --client practice-a \
    --connections "$connections" --threads "$client_threads" --warmup-s "$warmup" --duration-s "$duration" \
    --body "$root/tests/data/core/servicerequest-contained.json" --marker REF-2024-0001 \
    --path /fhir/ServiceRequest
}

# thread_ticks PID: "TID TICKS" per thread (user + system clock ticks).
thread_ticks() { for t in /proc/"$1"/task/*; do echo "${t##*/} $(awk '{print $14 + $15}' "$t/stat")"; done | sort; }

# cpu_report PID BEFORE_FILE [LABEL REQUESTS]: CPU seconds since BEFORE_FILE, in total and on the
# busiest thread. With LABEL and REQUESTS (the 2xx answers over the same time), also the CPU per
# request, printed and added to the results as "result label=LABEL-cpu ..." for the medians.
cpu_report() {
  local hz
  hz=$(getconf CLK_TCK)
  thread_ticks "$1" | join "$2" - | awk -v hz="$hz" -v label="${3:-}" -v n="${4:-0}" '{d = $3 - $2; t += d; if (d > m) m = d}
    END {printf "  gateway CPU during the load: %.1f s in total, %.1f s on its busiest thread (in intake: the store writer)\n", t / hz, m / hz
         if (label != "" && n > 0) {
           printf "  per 2xx answer (%d over the whole run): %.3f ms of gateway CPU, %.3f ms on the busiest thread\n", n, 1000 * t / hz / n, 1000 * m / hz / n
           printf "result label=%s-cpu cpu_ms=%.4f busiest_ms=%.4f\n", label, 1000 * t / hz / n, 1000 * m / hz / n >> "'"$work/results"'"
         }}'
}

# ok_all LABEL: the 2xx answers over the whole run of the last load with that label.
ok_all() { grep "^result label=$1 " "$work/results" | tail -1 | grep -o 'ok_all=[0-9]*' | cut -d= -f2; }

rss_kib() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }

# batch_report OPS_PORT: units committed and transactions (group commit: units per fsync).
batch_report() {
  local units tx
  units=$(metric "$1" gateway_store_units_committed_total) tx=$(metric "$1" gateway_store_transactions_total)
  awk -v u="$units" -v t="$tx" 'BEGIN {printf "  store: %d units in %d transactions (%.1f per commit)\n", u, t, (t > 0 ? u / t : 0)}'
}

# median LABEL FIELD: the median of FIELD over the result lines of LABEL in $work/results.
median() {
  grep "^result label=$1 " "$work/results" | tr ' ' '\n' | grep "^$2=" | cut -d= -f2 | sort -g |
    awk '{v[NR]=$1} END {if (NR==0) print "n/a"; else if (NR%2) print v[(NR+1)/2]; else print (v[NR/2]+v[NR/2+1])/2}'
}

# metric OPS_PORT LINE_PREFIX: the value of the first /metrics line starting with LINE_PREFIX (0 if none).
metric() {
  local fd text
  exec {fd}<>"/dev/tcp/127.0.0.1/$1"
  printf 'GET /metrics HTTP/1.0\r\nHost: localhost\r\n\r\n' >&"$fd"
  text=$(cat <&"$fd")
  exec {fd}>&-
  awk -v p="$2 " 'index($0, p) == 1 {print $2; found = 1; exit} END {if (!found) print 0}' <<<"$text"
}

# wait_metric OPS_PORT LINE_PREFIX TARGET SECONDS: polls until the metric reaches TARGET.
wait_metric() {
  local deadline=$((SECONDS + $4))
  while (( SECONDS < deadline )); do
    [[ $(metric "$1" "$2") -ge $3 ]] && return 0
    sleep 0.02
  done
  echo "bench.sh: $2 did not reach $3 within $4 s (now $(metric "$1" "$2"))" >&2
  return 1
}

# mllp_load LABEL PORT: REF^I12 referrals over MLLP/TLS as msk-clinic (the template's MSH-10 and
# RF1-6 carry the marker).
mllp_load() {
  "$bench_bin" mllp --label "$1" --port "$2" --certs "$certs" --client msk-clinic \
    --connections "$connections" --threads "$client_threads" --warmup-s "$warmup" --duration-s "$duration" \
    --body "$work/ref-i12-template.hl7" --marker RXX01-0001
}

machine() {
  echo "$(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')), load before: $(cut -d' ' -f1-3 /proc/loadavg)"
}

# sync_ms DIR: mean time of a 4 KB O_DSYNC write in DIR (100 of them), in ms: what one fsync'd
# commit costs at least on that storage.
sync_ms() {
  local probe=$1/.rg-sync-probe.$$ t0 t1
  t0=$(date +%s%N)
  dd if=/dev/zero of="$probe" bs=4k count=100 oflag=dsync status=none
  t1=$(date +%s%N)
  rm -f "$probe"
  awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.2f", (b - a) / 1e6 / 100}'
}

# make_referrer_certs N: client certificates ref-01..ref-N (organisations Z0001..ZN) signed by the
# development CA that `gatewayctl certs init` made, for the many-destinations delivery benchmark.
make_referrer_certs() {
  local i name
  printf 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\n' >"$work/client.ext"
  for i in $(seq 1 "$1"); do
    name=$(printf 'ref-%02d' "$i")
    openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$certs/client-$name.key" \
      -subj "/O=Referral Gateway (development)/OU=$(printf 'Z%04d' "$i")/CN=$name" -out "$work/$name.csr" 2>/dev/null
    openssl x509 -req -in "$work/$name.csr" -CA "$certs/ca.crt" -CAkey "$certs/ca.key" -set_serial "$((1000 + i))" \
      -days 2 -sha256 -extfile "$work/client.ext" -out "$certs/client-$name.crt" 2>/dev/null
  done
}

# many_referrers_config BASE OUT N ENDPOINT...: BASE (a gateway.json) with N more callers and
# referrers (ref-NN, organisation ZNNNN, delivery fhir-message to the Nth ENDPOINT, or the last
# one given). The issuer is named only where BASE's callers name one (older builds, --compare).
many_referrers_config() {
  local base=$1 out=$2 n=$3
  shift 3
  local issuer=0
  grep -q '"issuer"' "$base" && issuer=1
  grep -q '^  "callers": \[$' "$base" && grep -q '^  "referrers": \[$' "$base" || {
    echo "bench.sh: $base has no '  \"callers\": [' and '  \"referrers\": [' lines to add referrers after" >&2
    exit 1
  }
  awk -v n="$n" -v issuer="$issuer" -v endpoints="$*" '
    BEGIN { m = split(endpoints, ep, " ") }
    /^  "callers": \[$/ {
      print
      for (i = 1; i <= n; i++)
        printf "    {\"name\": \"ref-%02d\", \"subject\": \"CN=ref-%02d,OU=Z%04d,O=Referral Gateway (development)\",%s \"role\": \"referrer\", \"organization\": \"Z%04d\"},\n",
          i, i, i, (issuer ? " \"issuer\": \"CN=Referral Gateway Development CA,O=Referral Gateway (development)\"," : ""), i
      next
    }
    /^  "referrers": \[$/ {
      print
      for (i = 1; i <= n; i++)
        printf "    {\"organization\": \"Z%04d\", \"name\": \"Referrer %d\", \"delivery\": \"fhir-message\", \"endpoint\": \"%s\", \"service_request\": \"reference\"},\n",
          i, i, ep[i <= m ? i : m]
      next
    }
    { print }' "$base" >"$out"
}

# measure_delivery LABEL NAME [BIN CONFIG]: a backlog of --count status-update messages made by
# that build, then the time that build takes to deliver them all to referrer-sim.
measure_delivery() {
  local label=$1 name=$2 bin=${3:-$gateway_bin} config=${4:-$gateway_config}
  local sets=(--set "delivery.client_cert=$certs/client-gateway.crt" --set "delivery.client_key=$certs/client-gateway.key"
    --set "delivery.server_ca=$certs/ca.crt")
  local refused='https://localhost:1/fhir/$process-message' per i
  # The backlog: the endpoints refuse connections and one attempt is all an item gets.
  use_bin=$bin
  if [[ $destinations -gt 1 ]]; then
    many_referrers_config "$config" "$work/$name-backlog.json" "$destinations" "$refused"
    use_config=$work/$name-backlog.json start_gateway "$name-backlog" "$name" "${sets[@]}" --set delivery.max_attempts=1
  else
    use_config=$config start_gateway "$name-backlog" "$name" "${sets[@]}" --set delivery.max_attempts=1 \
      --set referrers.0.delivery=fhir-message --set "referrers.0.endpoint=$refused"
  fi
  local backlog_pid=$started_pid backlog_ops=$started_ops backlog_port=$started_port
  if [[ $destinations -gt 1 ]]; then
    # All referrers at once (one connection each), so that their messages interleave in the
    # outbox as they would in service, rather than one referrer's backlog after another's.
    per=$((count / destinations))
    local feeders=()
    for i in $(seq 1 "$destinations"); do
      sed "s/A81001/$(printf 'Z%04d' "$i")/" "$root/tests/data/core/servicerequest-contained.json" >"$work/body-$i.json"
      "$bench_bin" feedback --port "$backlog_port" --certs "$certs" --client "$(printf 'ref-%02d' "$i")" \
        --connections 1 --threads 1 --count "$per" --body "$work/body-$i.json" \
        --marker REF-2024-0001 >"$work/feedback-$i.out" &
      feeders+=($!)
    done
    for i in "${feeders[@]}"; do wait "$i"; done
  else
    per=$count
    "$bench_bin" feedback --port "$backlog_port" --certs "$certs" --client practice-a --connections "$connections" \
      --threads "$client_threads" --count "$count" --body "$root/tests/data/core/servicerequest-contained.json" \
      --marker REF-2024-0001 >"$work/feedback.out"
  fi
  local total=$((per * destinations))
  wait_metric "$backlog_ops" 'gateway_outbox_items{state="dead"}' "$total" 300
  stop "$backlog_pid"
  # The receiver: one referrer-sim with one listening port per destination.
  start "sim-$name" "$sim_bin" --cert "$certs/server.crt" --key "$certs/server.key" --client-ca "$certs/ca.crt" \
    --out "$work/sim-$name.jsonl" --no-fsync --listeners "$destinations"
  local sim_pid=$started_pid endpoints=() p
  for p in $(grep -o '"ports":\[[0-9,]*' "$work/sim-$name.out" | cut -d[ -f2 | tr ',' ' '); do
    endpoints+=("https://localhost:$p/fhir/\$process-message")
  done
  if [[ $destinations -gt 1 ]]; then
    many_referrers_config "$config" "$work/$name-deliver.json" "$destinations" "${endpoints[@]}"
    use_config=$work/$name-deliver.json start_gateway "$name-deliver" "$name" "${sets[@]}"
  else
    use_config=$config start_gateway "$name-deliver" "$name" "${sets[@]}" \
      --set referrers.0.delivery=fhir-message --set "referrers.0.endpoint=${endpoints[0]}"
  fi
  use_bin=""
  local pid=$started_pid ops=$started_ops https=$started_https units0 tx0
  units0=$(metric "$ops" gateway_store_units_committed_total) tx0=$(metric "$ops" gateway_store_transactions_total)
  echo "## $label, run $run (load $(cut -d' ' -f1 /proc/loadavg)): delivering $total to $destinations destination(s)"
  thread_ticks "$pid" >"$work/ticks"
  local t0 t1 sim_ticks0
  sim_ticks0=$(awk '{print $14 + $15}' "/proc/$sim_pid/stat")
  local perf_pid=""
  if [[ -n $perf_out ]]; then
    perf record -g -o "$perf_out" -p "$pid" 2>"$work/perf.err" &
    perf_pid=$!
  fi
  t0=$(date +%s.%N)
  "$ctl_bin" outbox retry --all-dead --url "https://localhost:$https" --certs "$certs" >/dev/null
  wait_metric "$ops" 'gateway_outbox_deliveries_total{channel="feedback",result="delivered"}' "$total" 600
  t1=$(date +%s.%N)
  if [[ -n $perf_pid ]]; then
    kill -INT "$perf_pid"
    wait "$perf_pid" || true
  fi
  local units tx
  units=$(( $(metric "$ops" gateway_store_units_committed_total) - units0 ))
  tx=$(( $(metric "$ops" gateway_store_transactions_total) - tx0 ))
  cpu_report "$pid" "$work/ticks" "$label-cpu-raw" "$total"
  local sim_ms
  sim_ms=$(awk -v a="$sim_ticks0" -v hz="$(getconf CLK_TCK)" -v n="$total" '{printf "%.4f", 1000 * ($14 + $15 - a) / hz / n}' "/proc/$sim_pid/stat")
  stop "$pid"
  stop "$sim_pid"
  local received
  received=$(wc -l <"$work/sim-$name.jsonl")
  awk -v label="$label" -v n="$total" -v a="$t0" -v b="$t1" -v r="$received" -v u="$units" -v t="$tx" \
    -v sim="$sim_ms" -v cpu="$(grep "^result label=$label-cpu-raw-cpu " "$work/results" | tail -1)" 'BEGIN {
      split(cpu, f, " "); c = ""; m = ""
      for (k in f) { if (f[k] ~ /^cpu_ms=/) c = substr(f[k], 8); if (f[k] ~ /^busiest_ms=/) m = substr(f[k], 12) }
      printf "result label=%s messages=%d seconds=%.2f messages_per_s=%.0f received=%d cpu_ms=%s busiest_ms=%s units=%d commits=%d units_per_message=%.3f sim_ms=%s\n",
        label, n, b - a, n / (b - a), r, c, m, u, t, u / n, sim }' | tee -a "$work/results"
}

case $mode in
intake)
  engine_text=""
  [[ $engine == postgres ]] && engine_text=" --engine postgres --instances $instances"
  command_line="tools/bench/bench.sh intake$engine_text${compare:+ --compare $compare}${storage_dir:+ --storage-dir $storage_dir} --runs $runs --connections $connections --duration-s $duration --warmup-s $warmup --client-threads $client_threads --io-threads $io_threads$gateway_set_text"
  echo "# $command_line"
  echo "# $(machine)"
  storage_text="storage ${storage_dir:-$store_base}: a 4 KB O_DSYNC write takes $(sync_ms "$store_base") ms"
  echo "# $storage_text"
  [[ $engine == postgres ]] && pg_start
  start ceiling "$ceiling_bin" --cert "$certs/server.crt" --key "$certs/server.key" --client-ca "$certs/ca.crt" \
    --io-threads "$io_threads"
  ceiling_pid=$started_pid ceiling_port=$started_port
  : >"$work/results"
  # measure_gateway LABEL NAME [BIN CONFIG]: a fresh gateway (HEAD's, or BIN with CONFIG) under the
  # intake load, then its CPU per referral.
  measure_gateway() {
    use_bin=${3:-} use_config=${4:-}
    start_gateway "$2"
    use_bin="" use_config=""
    local pid=$started_pid
    echo "## $1, run $run (load $(cut -d' ' -f1 /proc/loadavg))"
    thread_ticks "$pid" >"$work/ticks"
    intake_load "$1" "$started_port" | tee -a "$work/results"
    cpu_report "$pid" "$work/ticks" "$1" "$(ok_all "$1")"
    batch_report "$started_ops"
    echo "  gateway resident memory after the run: $(( $(rss_kib "$pid") / 1024 )) MiB"
    stop "$pid"
  }
  for run in $(seq 1 "$runs"); do
    # With --compare the two builds take turns going first.
    if [[ -n $compare && $((run % 2)) == 1 ]]; then
      measure_gateway rev "rev-$run" "$rev_gateway_bin" "$rev_config"
      measure_gateway gateway "gateway-$run"
    elif [[ -n $compare ]]; then
      measure_gateway gateway "gateway-$run"
      measure_gateway rev "rev-$run" "$rev_gateway_bin" "$rev_config"
    else
      measure_gateway gateway "gateway-$run"
    fi
    if [[ $engine == postgres ]]; then
      "$pg_bin/createdb" -h 127.0.0.1 -p "$pg_port" -U rg "bench$run"
      ports=() gw_pids=() ops_ports=()
      for i in $(seq 1 "$instances"); do
        start_gateway "pg-$run-$i" --set storage.engine=postgres \
          --set "storage.dsn=host=127.0.0.1 port=$pg_port user=rg dbname=bench$run" --set "storage.instance=gw-$i"
        ports+=("$started_port") gw_pids+=("$started_pid") ops_ports+=("$started_ops")
        thread_ticks "$started_pid" >"$work/ticks-$i"
      done
      pg_before=$(pg_ticks)
      intake_load postgres "${ports[@]}" | tee -a "$work/results"
      awk -v t="$(( $(pg_ticks) - pg_before ))" -v hz="$(getconf CLK_TCK)" \
        'BEGIN {printf "  PostgreSQL server CPU during the load: %.1f s\n", t / hz}'
      for i in $(seq 1 "$instances"); do
        echo "  instance $i:"
        cpu_report "${gw_pids[$((i - 1))]}" "$work/ticks-$i"
        batch_report "${ops_ports[$((i - 1))]}"
        stop "${gw_pids[$((i - 1))]}"
      done
    fi
    intake_load ceiling "$ceiling_port" | tee -a "$work/results"
  done
  stop "$ceiling_pid"
  c_rps=$(median ceiling rps)
  # row LABEL NAME: a table row of the medians for LABEL, with the CPU per referral if measured.
  row() {
    printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s |' "$2" "$(median "$1" rps)" "$(median "$1" p50_ms)" \
      "$(median "$1" p90_ms)" "$(median "$1" p99_ms)" "$(median "$1" max_ms)" \
      "$(awk -v g="$(median "$1" rps)" -v c="$c_rps" 'BEGIN {printf (c > 0 ? "%.3f" : "n/a"), (c > 0 ? g / c : 0)}')" \
      "$(median "$1-cpu" cpu_ms)" "$(median "$1-cpu" busiest_ms)"
  }
  head_sha=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)
  summary=$(cat <<TABLE

### intake $(date -u +%Y-%m-%dT%H:%M:%SZ) (commit $head_sha), medians of $runs runs
\`$command_line\`
$(machine | sed 's/load before/load after/'); $storage_text

| server | requests/s | p50 ms | p90 ms | p99 ms | max ms | / ceiling | gateway CPU ms per referral | busiest thread ms per referral |
|---|---|---|---|---|---|---|---|---|
$(row gateway "referral-gateway $head_sha$([[ $engine == postgres ]] && echo " (SQLite)")")$([[ -n $compare ]] && printf '\n%s' "$(row rev "referral-gateway $rev_name")")$([[ $engine == postgres ]] && printf '\n%s' "$(row postgres "referral-gateway x$instances (PostgreSQL)")")
$(row ceiling bench-ceiling)
TABLE
)
  if [[ -n $compare ]]; then
    summary+=$(awk -v hr="$(median gateway rps)" -v rr="$(median rev rps)" -v hc="$(median gateway-cpu cpu_ms)" \
      -v rc="$(median rev-cpu cpu_ms)" -v name="$rev_name" 'BEGIN {
        printf "\n\nHEAD / %s: throughput %.2fx, gateway CPU per referral %.2fx (HEAD uses %.0f%% of its CPU per referral)", name,
          (rr > 0 ? hr / rr : 0), (rc > 0 ? hc / rc : 0), (rc > 0 ? 100 * hc / rc : 0) }')
  fi
  echo "$summary"
  { echo "$summary"; echo; echo '```'; cat "$work/results"; echo '```'; } >>"$log"
  echo "(appended to $log)"
  ;;
mllp)
  command_line="tools/bench/bench.sh mllp --runs $runs --connections $connections --duration-s $duration --warmup-s $warmup --client-threads $client_threads --io-threads $io_threads$gateway_set_text"
  echo "# $command_line"
  echo "# $(machine)"
  sed 's/REF-V2-0001/RXX01-0001/' "$root/tests/data/hl7v2/ref-i12-msk-clinic.hl7" >"$work/ref-i12-template.hl7"
  start ceiling "$ceiling_bin" --cert "$certs/server.crt" --key "$certs/server.key" --client-ca "$certs/ca.crt" \
    --io-threads "$io_threads" --mllp-port 0
  ceiling_pid=$started_pid
  ceiling_mllp=$(grep -o '"mllp":[0-9]*' "$work/ceiling.out" | head -1 | cut -d: -f2)
  : >"$work/results"
  for run in $(seq 1 "$runs"); do
    echo "## run $run (load $(cut -d' ' -f1 /proc/loadavg))"
    start_gateway "v2-$run" --set mllp.enabled=true --set mllp.port=0 --set mllp.tls=true
    gateway_pid=$started_pid
    gateway_mllp=$(grep -o '"mllp":[0-9]*' "$work/v2-$run.out" | head -1 | cut -d: -f2)
    thread_ticks "$gateway_pid" >"$work/ticks"
    mllp_load gateway-mllp "$gateway_mllp" | tee -a "$work/results"
    cpu_report "$gateway_pid" "$work/ticks"
    batch_report "$started_ops"
    stop "$gateway_pid"
    start_gateway "fhir-$run"
    intake_load gateway-https "$started_port" | tee -a "$work/results"
    stop "$started_pid"
    mllp_load ceiling-mllp "$ceiling_mllp" | tee -a "$work/results"
  done
  stop "$ceiling_pid"
  v_rps=$(median gateway-mllp rps) h_rps=$(median gateway-https rps) c_rps=$(median ceiling-mllp rps)
  summary=$(cat <<TABLE

### mllp $(date -u +%Y-%m-%dT%H:%M:%SZ) (commit $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)), medians of $runs runs
\`$command_line\`
$(machine | sed 's/load before/load after/')

| server | referrals/s | p50 ms | p90 ms | p99 ms | max ms |
|---|---|---|---|---|---|
| referral-gateway, REF^I12 over MLLP/TLS | $v_rps | $(median gateway-mllp p50_ms) | $(median gateway-mllp p90_ms) | $(median gateway-mllp p99_ms) | $(median gateway-mllp max_ms) |
| referral-gateway, FHIR over HTTPS | $h_rps | $(median gateway-https p50_ms) | $(median gateway-https p90_ms) | $(median gateway-https p99_ms) | $(median gateway-https max_ms) |
| bench-ceiling, MLLP/TLS answering AA | $c_rps | $(median ceiling-mllp p50_ms) | $(median ceiling-mllp p90_ms) | $(median ceiling-mllp p99_ms) | $(median ceiling-mllp max_ms) |

MLLP / HTTPS: $(awk -v a="$v_rps" -v b="$h_rps" 'BEGIN {printf (b > 0 ? "%.2f" : "n/a"), (b > 0 ? a / b : 0)}'); MLLP / ceiling: $(awk -v a="$v_rps" -v b="$c_rps" 'BEGIN {printf (b > 0 ? "%.2f" : "n/a"), (b > 0 ? a / b : 0)}')
TABLE
)
  echo "$summary"
  { echo "$summary"; echo; echo '```'; cat "$work/results"; echo '```'; } >>"$log"
  echo "(appended to $log)"
  ;;
bars)
  command_line="tools/bench/bench.sh bars --runs $runs --connections $connections --duration-s $duration --warmup-s $warmup --client-threads $client_threads --io-threads $io_threads$gateway_set_text"
  echo "# $command_line"
  echo "# $(machine)"
  # The published example as practice-a would send it; its ServiceRequest UUID is the marker.
  sed -e 's/3478526985/9434765919/' -e 's/"RND"/"A81001"/' \
    "$root/tests/data/fhir/corpus/bars-api-v1.4.0-servicerequest-request-validation-message-bundle.json" \
    >"$work/bars-referral.json"
  target=$(printf '{"system":"https://fhir.nhs.uk/Id/dos-service-id","value":"111111111"}' | base64 -w0)
  start ceiling "$ceiling_bin" --cert "$certs/server.crt" --key "$certs/server.key" --client-ca "$certs/ca.crt" \
    --io-threads "$io_threads"
  ceiling_pid=$started_pid ceiling_port=$started_port
  : >"$work/results"
  for run in $(seq 1 "$runs"); do
    echo "## run $run (load $(cut -d' ' -f1 /proc/loadavg))"
    start_gateway "rest-$run"
    intake_load rest "$started_port" | tee -a "$work/results"
    stop "$started_pid"
    start_gateway "bars-$run"
    "$bench_bin" load --label bars --port "$started_port" --certs "$certs" --client practice-a \
      --connections "$connections" --threads "$client_threads" --warmup-s "$warmup" --duration-s "$duration" \
      --body "$work/bars-referral.json" --marker 236bb75d-90ef-461f-b71e-fde7f899802c --marker-uuid \
      --path '/fhir/$process-message' --header "X-Request-ID: 6f1c2b3a-4d5e-4f60-8a7b-9c0d1e2f3a4b" \
      --header "X-Correlation-ID: 9562466f-c982-4bd5-bb0e-255e9f5e6689" --header "NHSD-Target-Identifier: $target" |
      tee -a "$work/results"
    stop "$started_pid"
    intake_load ceiling "$ceiling_port" | tee -a "$work/results"
  done
  stop "$ceiling_pid"
  ratio() { awk -v a="$(median "$1" rps)" -v b="$(median "$2" rps)" 'BEGIN {printf (b > 0 ? "%.3f" : "n/a"), (b > 0 ? a / b : 0)}'; }
  summary=$(cat <<TABLE

### bars $(date -u +%Y-%m-%dT%H:%M:%SZ) (commit $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)), medians of $runs runs
\`$command_line\`
$(machine | sed 's/load before/load after/')

| front door | referrals/s | p50 ms | p90 ms | p99 ms | max ms | / ceiling |
|---|---|---|---|---|---|---|
| REST \`POST /fhir/ServiceRequest\` | $(median rest rps) | $(median rest p50_ms) | $(median rest p90_ms) | $(median rest p99_ms) | $(median rest max_ms) | $(ratio rest ceiling) |
| BaRS \`POST /fhir/\$process-message\` | $(median bars rps) | $(median bars p50_ms) | $(median bars p90_ms) | $(median bars p99_ms) | $(median bars max_ms) | $(ratio bars ceiling) |
| bench-ceiling (bare Beast answering 201) | $(median ceiling rps) | $(median ceiling p50_ms) | $(median ceiling p90_ms) | $(median ceiling p99_ms) | $(median ceiling max_ms) | 1 |

BaRS / REST: $(ratio bars rest)
TABLE
)
  echo "$summary"
  { echo "$summary"; echo; echo '```'; cat "$work/results"; echo '```'; } >>"$log"
  echo "(appended to $log)"
  ;;
memory)
  command_line="tools/bench/bench.sh memory${compare:+ --compare $compare} --runs $runs --connections $connections --io-threads $io_threads$gateway_set_text"
  echo "# $command_line"
  echo "# $(machine)"
  : >"$work/results"
  # measure_memory LABEL NAME [BIN CONFIG]: a fresh gateway's resident memory before and with the
  # idle connections (each made one GET /fhir/metadata first).
  measure_memory() {
    use_bin=${3:-} use_config=${4:-}
    start_gateway "$2"
    use_bin="" use_config=""
    local pid=$started_pid port=$started_port before with hwm opened
    sleep 1
    before=$(rss_kib "$pid")
    "$bench_bin" idle --port "$port" --certs "$certs" --client practice-a --connections "$connections" \
      --threads "$client_threads" --hold-s 60 --first-get /fhir/metadata >"$work/idle.out" 2>"$work/idle.err" &
    local idle_pid=$!
    pids+=("$idle_pid")
    for _ in $(seq 1 600); do
      grep -q '^idle opened=' "$work/idle.out" && break
      sleep 0.1
    done
    sleep 1
    opened=$(grep -o '^idle opened=[0-9]*' "$work/idle.out" | cut -d= -f2)
    with=$(rss_kib "$pid")
    hwm=$(awk '/^VmHWM/ {print $2}' "/proc/$pid/status")
    stop "$idle_pid"
    stop "$pid"
    grep '^idle failure' "$work/idle.out" || true
    echo "result label=$1 idle_mib=$((before / 1024)) with_mib=$((with / 1024)) peak_mib=$((hwm / 1024)) opened=${opened:-0} per_connection_kib=$(( (with - before) / ${opened:-1} ))" |
      tee -a "$work/results"
  }
  for run in $(seq 1 "$runs"); do
    [[ -n $compare ]] && measure_memory rev "rev-$run" "$rev_gateway_bin" "$rev_config"
    measure_memory gateway "gateway-$run"
  done
  mem_row() {
    printf '| %s | %s | %s | %s | %s | %s |' "$2" "$(median "$1" idle_mib)" "$(median "$1" with_mib)" \
      "$(median "$1" peak_mib)" "$(median "$1" opened)" "$(median "$1" per_connection_kib)"
  }
  summary=$(cat <<TABLE

### memory $(date -u +%Y-%m-%dT%H:%M:%SZ) (commit $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)), medians of $runs runs
\`$command_line\`
$(machine | sed 's/load before/load after/')

| gateway | resident idle MiB | with $connections idle mTLS connections MiB | peak MiB | connections opened | KiB per connection |
|---|---|---|---|---|---|
$(mem_row gateway HEAD)$([[ -n $compare ]] && printf '\n%s' "$(mem_row rev "$rev_name")")
TABLE
)
  echo "$summary"
  { echo "$summary"; echo; echo '```'; cat "$work/results"; echo '```'; } >>"$log"
  ;;
delivery)
  command_line="tools/bench/bench.sh delivery${compare:+ --compare $compare} --count $count --destinations $destinations --runs $runs --connections $connections --client-threads $client_threads --io-threads $io_threads$gateway_set_text"
  echo "# $command_line"
  echo "# $(machine)"
  : >"$work/results"
  [[ $destinations -gt 1 ]] && make_referrer_certs "$destinations"
  for run in $(seq 1 "$runs"); do
    if [[ -n $compare && $((run % 2)) == 1 ]]; then
      measure_delivery rev "rev-$run" "$rev_gateway_bin" "$rev_config"
      measure_delivery gateway "gateway-$run"
    elif [[ -n $compare ]]; then
      measure_delivery gateway "gateway-$run"
      measure_delivery rev "rev-$run" "$rev_gateway_bin" "$rev_config"
    else
      measure_delivery gateway "gateway-$run"
    fi
  done
  delivery_row() {
    printf '| %s | %s | %s | %s | %s | %s |' "$2" "$(median "$1" messages_per_s)" "$(median "$1" cpu_ms)" \
      "$(median "$1" busiest_ms)" "$(median "$1" units_per_message)" "$(median "$1" sim_ms)"
  }
  summary=$(cat <<TABLE

### delivery $(date -u +%Y-%m-%dT%H:%M:%SZ) (commit $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)), medians of $runs runs
\`$command_line\`
$(machine | sed 's/load before/load after/')

| gateway | messages/s ($count to $destinations destination(s)) | gateway CPU ms per message | busiest thread ms per message | store units per message | referrer-sim CPU ms per message |
|---|---|---|---|---|---|
$(delivery_row gateway HEAD)$([[ -n $compare ]] && printf '\n%s' "$(delivery_row rev "$rev_name")")
TABLE
)
  if [[ -n $compare ]]; then
    summary+=$(awk -v h="$(median gateway messages_per_s)" -v r="$(median rev messages_per_s)" -v hc="$(median gateway cpu_ms)" \
      -v rc="$(median rev cpu_ms)" -v name="$rev_name" 'BEGIN {
        printf "\n\nHEAD / %s: messages/s %.2fx, gateway CPU per message %.2fx", name, (r > 0 ? h / r : 0), (rc > 0 ? hc / rc : 0) }')
  fi
  echo "$summary"
  { echo "$summary"; echo; echo '```'; cat "$work/results"; echo '```'; } >>"$log"
  echo "(appended to $log)"
  ;;
scale)
  source "$root/tools/bench/bench_scale.sh"
  ;;
profile)
  start_gateway gateway
  gateway_pid=$started_pid
  perf_out=${perf_out:-$work/perf.data}
  perf record -g -o "$perf_out" -p "$gateway_pid" -- sleep "$((warmup + duration))" 2>"$work/perf.err" &
  perf_pid=$!
  intake_load gateway "$started_port"
  wait "$perf_pid" || true
  echo "samples per thread (the busiest is the store writer):"
  perf report -i "$perf_out" --no-children --sort pid -g none --stdio 2>/dev/null | grep "%" | head -8
  echo "top symbols:"
  perf report -i "$perf_out" --no-children --sort dso,symbol -g none --stdio 2>/dev/null | grep "%" | head -40 | cut -c1-160
  echo "(perf data: $perf_out)"
  ;;
esac
