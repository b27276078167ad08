# bench.sh scale (issue 16): sourced by tools/bench/bench.sh, whose helpers (start_gateway,
# intake_load, metric, median, cpu_report, ...) and options it uses.
#
# A store preloaded with --referrals N synthetic referrals (gatewayctl preload: the store's bulk
# path), made once and kept in BUILD_DIR/scale-cache keyed by the preload code's content, N and B,
# then for each run a copy of it (one run of 500,000 or more uses the cached store up instead of
# copying it; gateways run with retention.outbox_delivered_days=730, so no
# purge of the year's delivered messages runs during the measurements):
#   1. backlog drain: the newest --backlog B referrals' triage events are pending; a gateway starts
#      on the copy and the time until all B are delivered (events sink) is split in tenths, so a
#      fetch that slows with the backlog shows as later tenths taking longer;
#   2. start-up: the gateway restarted on the drained copy, launch to "listening" and to /readyz 200;
#   3. reads (4 connections, GET, each search audited like any): practice-a's
#      ServiceRequest?status=active&_count=50 first page and the next page (its link "next"), and the
#      platform's Task?status=requested&_sort=priority work queue;
#   4. intake on the preloaded store; then a fresh gateway on an empty store takes the same intake
#      load and the same reads over what it stored (a small store: the baseline of the same run).
# Every load also gives the gateway's CPU per request (robust to a busy machine, unlike latency).
# Prints each run, the medians and the database bytes per referral; appends them to the log.

scale_cache=$build/scale-cache
# The cache key: the content of the code that decides what a preloaded store holds.
preload_rev=$(cd "$root" && cat adapters/sqlite/schema.cpp adapters/sqlite/bulk_loader.cpp adapters/sqlite/commit_job.cpp \
  tools/preload/*.cpp tools/gatewayctl/preload_command.cpp | sha1sum | cut -c1-12)
backlog=${backlog:-$((referrals < 100000 ? referrals : 100000))}
cached=$scale_cache/preload-$preload_rev-$referrals-$backlog.db
command_line="tools/bench/bench.sh scale --referrals $referrals --backlog $backlog --runs $runs --connections $connections --duration-s $duration --warmup-s $warmup --client-threads $client_threads --io-threads $io_threads$gateway_set_text"
echo "# $command_line"
echo "# $(machine)"
storage_text="storage $store_base: a 4 KB O_DSYNC write takes $(sync_ms "$store_base") ms"
echo "# $storage_text"
: >"$work/results"
mkdir -p "$scale_cache"
if [[ ! -f $cached ]]; then
  rm -f "$scale_cache"/preload-*.db  # one cached store at a time: a million referrals is ~25 GB
  echo "## preloading $referrals referrals into $cached"
  "$ctl_bin" preload --db "$cached.part" --referrals "$referrals" --pending "$backlog" \
    --platform-org PLT01 --event-source urn:referral-gateway:dev | tee "$work/preload.out"
  mv "$cached.part" "$cached"
  grep -o '[0-9]* referrals/s' "$work/preload.out" | awk '{print "result label=preload rate=" $1}' >>"$work/results"
fi
db_bytes=$(stat -c %s "$cached")
echo "# preloaded store: $cached, $db_bytes bytes, $((db_bytes / referrals)) bytes per referral"

# ready_ms OPS_PORT T0_NS: ms from T0 until /readyz answers 200.
ready_ms() {
  local fd
  for _ in $(seq 1 3000); do
    exec {fd}<>"/dev/tcp/127.0.0.1/$1"
    printf 'GET /readyz HTTP/1.0\r\nHost: localhost\r\n\r\n' >&"$fd"
    if head -1 <&"$fd" | grep -q ' 200'; then exec {fd}>&-; break; fi
    exec {fd}>&-
    sleep 0.01
  done
  echo $((($(date +%s%N) - $2) / 1000000))
}

# query_load LABEL CLIENT PATHS_FILE: GETs of the listed URLs on 4 connections.
query_load() {
  "$bench_bin" load --label "$1" --port "$started_port" --certs "$certs" --client "$2" --method GET --paths "$3" \
    --connections 4 --threads "$client_threads" --warmup-s "$warmup" --duration-s "$duration"
}

# next_page CLIENT PATH: the path of the "next" link of the page at PATH.
next_page() {
  curl -s --cacert "$certs/ca.crt" --cert "$certs/client-$1.crt" --key "$certs/client-$1.key" \
    "https://localhost:$started_port$2" | tr -d ' \n' | grep -o '"relation":"next","url":"[^"]*"' | head -1 |
    sed 's/.*"url":"https:\/\/[^/]*//; s/"$//'
}

# The preload spreads a year of referrals; with the default outbox retention (30 days) the gateway
# would spend its first minutes purging the older delivered messages, inside every measurement.
# Kept for two years here: the store holds the whole year's outbox history (the larger store).
gateway_sets+=(--set retention.outbox_delivered_days=730)
# measured LABEL CMD...: runs the load CMD against the gateway $pid, then its CPU per 2xx answer.
measured() {
  local label=$1
  shift
  thread_ticks "$pid" >"$work/ticks"
  "$@" | tee -a "$work/results"
  cpu_report "$pid" "$work/ticks" "$label" "$(ok_all "$label")"
}

# reads SUFFIX: the three read loads against the gateway on $started_port, labelled *-SUFFIX.
reads() {
  local first='/fhir/ServiceRequest?status=active&_count=50'
  echo "$first" >"$work/sr-first"
  next_page practice-a "$first" >"$work/sr-next"
  [[ -s $work/sr-next ]] || { echo "bench.sh: the first page has no next link" >&2; exit 1; }
  echo '/fhir/Task?status=requested&_sort=priority' >"$work/queue"
  measured "sr-first-$1" query_load "sr-first-$1" practice-a "$work/sr-first"
  measured "sr-next-$1" query_load "sr-next-$1" practice-a "$work/sr-next"
  measured "work-queue-$1" query_load "work-queue-$1" platform "$work/queue"
}

for run in $(seq 1 "$runs"); do
  store=$store_base/scale-$run
  mkdir -p "$store"
  if [[ $runs == 1 && $referrals -ge 500000 ]]; then
    mv "$cached" "$store/gateway.db"  # one run at scale: the cached store is used up, not copied (~25 GB)
  else
    cp --reflink=auto "$cached" "$store/gateway.db"
  fi

  # 1. The backlog drains.
  t0=$(date +%s%N)
  start_gateway "drain-$run" "scale-$run"
  pid=$started_pid ops=$started_ops
  thread_ticks "$pid" >"$work/ticks"
  echo "## scale, run $run (load $(cut -d' ' -f1 /proc/loadavg)): draining $backlog pending triage events"
  delivered='gateway_outbox_deliveries_total{channel="events",result="delivered"}'
  marks=() tenth=$(((backlog + 9) / 10)) next=$tenth
  while :; do
    now=$(metric "$ops" "$delivered")
    while [[ $now -ge $next && ${#marks[@]} -lt 10 ]]; do marks+=("$(date +%s%N)"); next=$((next + tenth)); done
    [[ $now -ge $backlog || ${#marks[@]} -ge 10 ]] && break
    kill -0 "$pid" 2>/dev/null || { echo "bench.sh: the gateway stopped while draining" >&2; exit 1; }
    sleep 0.05
  done
  cpu_report "$pid" "$work/ticks" "drain-$run" "$backlog"
  awk -v t0="$t0" -v n="$backlog" -v marks="${marks[*]}" -v label="drain" 'BEGIN {
      k = split(marks, m, " "); prev = t0; s = ""
      for (i = 1; i <= k; i++) { d[i] = (m[i] - prev) / 1e9; prev = m[i]; s = s sprintf(" %.2f", d[i]) }
      total = (m[k] - t0) / 1e9
      printf "  seconds per tenth of the backlog (from launch):%s\n", s
      printf "result label=%s seconds=%.2f messages_per_s=%.0f first_tenth_s=%.2f last_tenth_s=%.2f last_over_second=%.2f\n",
        label, total, n / total, d[1], d[k], (d[2] > 0 ? d[k] / d[2] : 0) }' | tee -a "$work/results"
  stop "$pid"

  # 2. Start-up on the drained store.
  t0=$(date +%s%N)
  start_gateway "scale-$run" "scale-$run"
  listen_ms=$((($(date +%s%N) - t0) / 1000000))
  echo "result label=startup listening_ms=$listen_ms ready_ms=$(ready_ms "$started_ops" "$t0")" | tee -a "$work/results"
  pid=$started_pid

  # 3. Reads, then 4. intake.
  reads preloaded
  measured intake-preloaded intake_load intake-preloaded "$started_port"
  stop "$pid"
  # The same on a fresh store: intake first, then the reads over what it stored (a small store).
  start_gateway "empty-$run"
  pid=$started_pid
  measured intake-empty intake_load intake-empty "$started_port"
  reads empty
  stop "$pid"
  rm -rf "$store"
done

head_sha=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)
q_row() {
  printf '| %s | %s | %s | %s | %s | %s |' "$2" "$(median "$1" rps)" "$(median "$1" p50_ms)" "$(median "$1" p99_ms)" \
    "$(median "$1" max_ms)" "$(median "$1-cpu" cpu_ms)"
}
summary=$(cat <<TABLE

### scale $(date -u +%Y-%m-%dT%H:%M:%SZ) (commit $head_sha), medians of $runs runs
\`$command_line\`
$(machine | sed 's/load before/load after/'); $storage_text
Preloaded store: $referrals referrals, $db_bytes bytes, $((db_bytes / referrals)) bytes per referral$(grep -q '^result label=preload' "$work/results" && echo "; preloaded at $(median preload rate) referrals/s")

| measure | requests/s | p50 ms | p99 ms | max ms | gateway CPU ms per request |
|---|---|---|---|---|---|
$(q_row sr-first-preloaded "practice-a ServiceRequest?status=active&_count=50, first page, preloaded store")
$(q_row sr-first-empty "the same, on the store the empty gateway's intake made")
$(q_row sr-next-preloaded "practice-a, next page, preloaded store")
$(q_row sr-next-empty "the same, small store")
$(q_row work-queue-preloaded "platform Task?status=requested&_sort=priority, preloaded store")
$(q_row work-queue-empty "the same, small store")
$(q_row intake-preloaded "intake ($connections connections), preloaded store")
$(q_row intake-empty "intake, empty store")

Intake preloaded / empty: throughput $(awk -v a="$(median intake-preloaded rps)" -v b="$(median intake-empty rps)" 'BEGIN {printf "%.2f", (b > 0 ? a / b : 0)}'), p99 $(awk -v a="$(median intake-preloaded p99_ms)" -v b="$(median intake-empty p99_ms)" 'BEGIN {printf "%.2f", (b > 0 ? a / b : 0)}'), CPU per referral $(awk -v a="$(median intake-preloaded-cpu cpu_ms)" -v b="$(median intake-empty-cpu cpu_ms)" 'BEGIN {printf "%.2f", (b > 0 ? a / b : 0)}').
Start-up: listening after $(median startup listening_ms) ms, ready after $(median startup ready_ms) ms.
Backlog of $backlog: drained in $(median drain seconds) s ($(median drain messages_per_s) messages/s, $(median drain-$runs-cpu cpu_ms) ms gateway CPU per message in the last run); last tenth / second tenth $(median drain last_over_second).
TABLE
)
echo "$summary"
{ echo "$summary"; echo; echo '```'; cat "$work/results"; echo '```'; } >>"$log"
echo "(appended to $log)"
