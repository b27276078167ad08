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
#       the gateway used, in total and on its busiest thread (the SQLite writer).
#       --engine postgres [--instances N]: each run measures the SQLite gateway, then N gateways
#       (default 1) sharing one PostgreSQL 15 database (a cluster this script starts with initdb in
#       its temporary folder, fsync and synchronous_commit on; a fresh database per run), the load
#       spread over them, then the ceiling: all three in the same run.
#   tools/bench/bench.sh mllp    [--runs 3] [--connections 64] [--duration-s 10] [--warmup-s 2] [--no-build]
#       HL7 v2 intake: for each run, a fresh gateway with its MLLP listener on (TLS, the same
#       certificates) takes REF^I12 referrals from msk-clinic (rg-bench mllp: each ACK awaited; a
#       unique MSH-10 and RF1-6 per message; AA counted as accepted), then a fresh gateway takes the
#       same load as FHIR over HTTPS (POST /fhir/ServiceRequest as practice-a), then the ceiling
#       (bench-ceiling --mllp-port: the same MLLP/TLS listener answering AA to everything): all in
#       the same run. Prints each run and the medians; appends them to the log.
#   tools/bench/bench.sh memory  [--connections 1000]
#       Resident memory of a fresh gateway before and with N idle TLS connections (each made one
#       GET /fhir/metadata first).
#   tools/bench/bench.sh delivery [--count 5000] [--connections 16]
#       Feedback delivery to referrer-sim over mTLS keep-alive. First a backlog: a gateway whose
#       practice-a endpoint refuses connections, with delivery.max_attempts=1, gets --count new
#       referrals whose Tasks the platform moves to received (one status-update message each,
#       parked dead at its first attempt). Then a gateway on the same storage pointing at
#       referrer-sim (--no-fsync) requeues them all (gatewayctl outbox retry --all-dead) and the
#       time until the last is delivered gives messages/s.
#   --gateway-set K=V (any mode, repeatable) adds a --set to every gateway started.
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
runs=3 connections="" duration=10 warmup=2 client_threads=1 io_threads=$(nproc) do_build=1 log="" perf_out="" storage_dir="" count=5000 gateway_sets=() gateway_set_text="" engine=sqlite instances=1
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
    --gateway-set) gateway_sets+=(--set "$2") gateway_set_text+=" --gateway-set $2"; shift 2 ;;
    --engine) engine=$2; shift 2 ;;
    --instances) instances=$2; shift 2 ;;
    *) echo "bench.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
case $mode in
  intake) connections=${connections:-64} ;;
  mllp) connections=${connections:-64} ;;
  memory) connections=${connections:-1000} ;;
  profile) connections=${connections:-64} ;;
  delivery) connections=${connections:-16} ;;
  *) awk 'NR > 1 && /^#/ {print; next} NR > 1 {exit}' "$0" >&2; exit 2 ;;
esac
log=${log:-$build/bench-results.md}

if [[ $do_build == 1 ]]; then
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DRG_BENCH=ON >/dev/null
  cmake --build "$build" --target referral-gateway gatewayctl rg-bench bench-ceiling referrer-sim >/dev/null
fi
gateway_bin=$build/gateway/referral-gateway
ctl_bin=$build/tools/gatewayctl
bench_bin=$build/tools/bench/rg-bench
ceiling_bin=$build/tools/bench/bench-ceiling
sim_bin=$build/tools/referrer-sim/referrer-sim

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
start_gateway() {
  local name=$1 store=$1
  shift
  if [[ $# -gt 0 && $1 != --set ]]; then
    store=$1
    shift
  fi
  local dir=$store_base/$store
  mkdir -p "$dir"
  start "$name" "$gateway_bin" --config "$root/config/gateway.json" \
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

# cpu_report PID BEFORE_FILE: CPU seconds since BEFORE_FILE, in total and on the busiest thread.
cpu_report() {
  local hz
  hz=$(getconf CLK_TCK)
  thread_ticks "$1" | join "$2" - | awk -v hz="$hz" '{d = $3 - $2; t += d; if (d > m) m = d}
    END {printf "  gateway CPU during the load: %.1f s in total, %.1f s on its busiest thread (in intake: the store writer)\n", t / hz, m / hz}'
}

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

case $mode in
intake)
  engine_text=""
  [[ $engine == postgres ]] && engine_text=" --engine postgres --instances $instances"
  command_line="tools/bench/bench.sh intake$engine_text${storage_dir:+ --storage-dir $storage_dir} --runs $runs --connections $connections --duration-s $duration --warmup-s $warmup --client-threads $client_threads --io-threads $io_threads$gateway_set_text"
  echo "# $command_line"
  echo "# $(machine)"
  [[ $engine == postgres ]] && pg_start
  start ceiling "$ceiling_bin" --cert "$certs/server.crt" --key "$certs/server.key" --client-ca "$certs/ca.crt" \
    --io-threads "$io_threads"
  ceiling_pid=$started_pid ceiling_port=$started_port
  : >"$work/results"
  for run in $(seq 1 "$runs"); do
    start_gateway "gateway-$run"
    gateway_pid=$started_pid
    echo "## run $run (load $(cut -d' ' -f1 /proc/loadavg))"
    thread_ticks "$gateway_pid" >"$work/ticks"
    intake_load gateway "$started_port" | tee -a "$work/results"
    cpu_report "$gateway_pid" "$work/ticks"
    batch_report "$started_ops"
    echo "  gateway resident memory after the run: $(( $(rss_kib "$gateway_pid") / 1024 )) MiB"
    stop "$gateway_pid"
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
  g_rps=$(median gateway rps) c_rps=$(median ceiling rps)
  ratio=$(awk -v g="$g_rps" -v c="$c_rps" 'BEGIN {printf (c > 0 ? "%.2f" : "n/a"), (c > 0 ? g / c : 0)}')
  summary=$(cat <<TABLE

### intake $(date -u +%Y-%m-%dT%H:%M:%SZ) (commit $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)), medians of $runs runs
\`$command_line\`
$(machine | sed 's/load before/load after/')

| server | requests/s | p50 ms | p90 ms | p99 ms | max ms |
|---|---|---|---|---|---|
| referral-gateway$([[ $engine == postgres ]] && echo " (SQLite)") | $g_rps | $(median gateway p50_ms) | $(median gateway p90_ms) | $(median gateway p99_ms) | $(median gateway max_ms) |$([[ $engine == postgres ]] && printf '\n| referral-gateway x%s (PostgreSQL) | %s | %s | %s | %s | %s |' "$instances" "$(median postgres rps)" "$(median postgres p50_ms)" "$(median postgres p90_ms)" "$(median postgres p99_ms)" "$(median postgres max_ms)")
| bench-ceiling | $c_rps | $(median ceiling p50_ms) | $(median ceiling p90_ms) | $(median ceiling p99_ms) | $(median ceiling max_ms) |

gateway / ceiling: $ratio$([[ $engine == postgres ]] && awk -v g="$(median postgres rps)" -v c="$c_rps" 'BEGIN {printf "; PostgreSQL x'"$instances"' / ceiling: %.2f", (c > 0 ? g / c : 0)}')
TABLE
)
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
memory)
  start_gateway gateway
  gateway_pid=$started_pid gateway_port=$started_port
  sleep 1
  before=$(rss_kib "$gateway_pid")
  "$bench_bin" idle --port "$gateway_port" --certs "$certs" --client practice-a --connections "$connections" \
    --threads "$client_threads" --hold-s 60 --first-get /fhir/metadata >"$work/idle.out" 2>"$work/idle.err" &
  idle_pid=$!
  pids+=("$idle_pid")
  for _ in $(seq 1 600); do
    grep -q '^idle opened=' "$work/idle.out" && break
    sleep 0.1
  done
  sleep 1
  opened=$(cat "$work/idle.out")
  with=$(rss_kib "$gateway_pid")
  hwm=$(awk '/^VmHWM/ {print $2}' "/proc/$gateway_pid/status")
  stop "$idle_pid"
  text="memory $(date -u +%Y-%m-%dT%H:%M:%SZ): gateway resident $((before / 1024)) MiB idle, $((with / 1024)) MiB with $connections TLS connections ($opened), peak $((hwm / 1024)) MiB; $(( (with - before) / connections )) KiB per connection"
  echo "$text"
  echo "$text" >>"$log"
  ;;
delivery)
  command_line="tools/bench/bench.sh delivery --count $count --connections $connections --client-threads $client_threads --io-threads $io_threads$gateway_set_text"
  echo "# $command_line"
  echo "# $(machine)"
  delivery_sets=(--set referrers.0.delivery=fhir-message --set "delivery.client_cert=$certs/client-gateway.crt"
    --set "delivery.client_key=$certs/client-gateway.key" --set "delivery.server_ca=$certs/ca.crt")
  # The backlog: practice-a's endpoint refuses connections and one attempt is all an item gets.
  start_gateway backlog store "${delivery_sets[@]}" --set delivery.max_attempts=1 \
    --set 'referrers.0.endpoint=https://localhost:1/fhir/$process-message'
  backlog_pid=$started_pid
  "$bench_bin" feedback --port "$started_port" --certs "$certs" --client practice-a --connections "$connections" \
    --threads "$client_threads" --count "$count" --body "$root/tests/data/core/servicerequest-contained.json" \
    --marker REF-2024-0001
  wait_metric "$started_ops" 'gateway_outbox_items{state="dead"}' "$count" 300
  stop "$backlog_pid"
  start sim "$sim_bin" --cert "$certs/server.crt" --key "$certs/server.key" --client-ca "$certs/ca.crt" \
    --out "$work/sim.jsonl" --no-fsync
  sim_pid=$started_pid
  start_gateway deliver store "${delivery_sets[@]}" \
    --set "referrers.0.endpoint=https://localhost:$started_port/fhir/\$process-message"
  gateway_pid=$started_pid
  thread_ticks "$gateway_pid" >"$work/ticks"
  started=$(date +%s.%N)
  "$ctl_bin" outbox retry --all-dead --url "https://localhost:$started_https" --certs "$certs"
  wait_metric "$started_ops" 'gateway_outbox_deliveries_total{channel="feedback",result="delivered"}' "$count" 600
  finished=$(date +%s.%N)
  cpu_report "$gateway_pid" "$work/ticks"
  stop "$gateway_pid"
  stop "$sim_pid"
  received=$(wc -l <"$work/sim.jsonl")
  text=$(awk -v n="$count" -v a="$started" -v b="$finished" -v r="$received" -v cmd="$command_line" -v m="$(machine)" \
    'BEGIN {printf "delivery %s: %d status-update messages delivered to referrer-sim in %.2f s = %.0f messages/s (referrer-sim recorded %d)\n`%s`; %s\n", strftime("%Y-%m-%dT%H:%M:%SZ", systime(), 1), n, b - a, n / (b - a), r, cmd, m}')
  echo "$text"
  echo "$text" >>"$log"
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
