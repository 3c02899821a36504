#!/usr/bin/env bash
# Benchmark harness of the Project Registry (issue 8). One command:
#
#   bench/run.sh                      # build, run every scenario, print the table
#   SKIP_BUILD=1 DURATION=5s bench/run.sh
#   bench/run.sh --table [SUMMARY]     # print the table of the last run again (--markdown: as Markdown)
#
# It builds the jar, starts it on a fresh embedded PostgreSQL (free ports, temporary data directory), seeds
# projects, runs the scenarios side by side, prints one table and writes bench/results/<scenario>.json and
# bench/results/summary.json. Everything it starts is stopped on exit. docs/benchmarks.md explains the
# figures and their limits. Needs java, curl, jq, psql, pgbench and wrk.
#
# Settings (environment):
#   DURATION=10s      length of each measured wrk / pgbench run
#   WARMUP=10s        one wrk warm-up run per HTTP target (not measured; its req/s is kept in the s1 file)
#   WARMUP_PASSES=2   warm-up passes over the three targets of scenarios 1 and 2 (the JIT ramps up slowly on
#                     2 busy cores: one endpoint on a fresh JVM took about 80 s to reach its plateau)
#   ROUNDS=3          measured rounds of scenarios 1 and 2; the targets alternate within a round
#   CONNECTIONS=64    wrk connections and pgbench clients
#   THREADS=2         wrk threads and pgbench jobs
#   CREATES=30        sequential auto-creates (and raw CREATE DATABASE) in scenario 3
#   CREATE_WARMUPS=1  untimed pairs before the cold phase of scenario 3 (a fresh service's first creates)
#   WARM_CREATES=300  untimed auto-creates between the cold and the warm phase (the JIT compiles the create path
#                     only after a few hundred creates; the goal is judged on the warm phase, both are reported)
#   CONCURRENT=50     parallel get-or-create callers in scenario 4
#   STALENESS_WRITES=500  writes on instance 1 whose arrival on a second instance scenario 7 times
#   SEED_ROWS=100000  rows seeded for scenario 5 (at most 999999)
#   STARTUP_RUNS=1    extra start-ups per variant in scenario 6 (instances 1 and 2 are samples too)
#   JMH=1             run the JMH benchmarks (0 skips them); JMH_OPTS overrides their options
#   SKIP_BUILD=0      1 reuses target/*.jar and target/bench (the JMH build)
#   JAVA_OPTS=        extra JVM options for every service instance
#   PROJECT_SCHEMA=0  1 applies the default project schema to every project database; 0 (default) measures
#                     provisioning as the targets define it (row + CREATE DATABASE); bench/schema.sh measures
#                     the schema step itself
#   KEEP_WORK=0       1 keeps the temporary directory (logs, raw reports) after a successful run
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BENCH=$ROOT/bench
RESULTS=$BENCH/results

DURATION=${DURATION:-10s}
WARMUP=${WARMUP:-10s}
WARMUP_PASSES=${WARMUP_PASSES:-2}
ROUNDS=${ROUNDS:-3}
CONNECTIONS=${CONNECTIONS:-64}
THREADS=${THREADS:-2}
CREATES=${CREATES:-30}
CREATE_WARMUPS=${CREATE_WARMUPS:-1}
WARM_CREATES=${WARM_CREATES:-300}
CONCURRENT=${CONCURRENT:-50}
STALENESS_WRITES=${STALENESS_WRITES:-500}
SEED_ROWS=${SEED_ROWS:-100000}
STARTUP_RUNS=${STARTUP_RUNS:-1}
JMH=${JMH:-1}
JMH_OPTS=${JMH_OPTS:--f 1 -wi 8 -w 1s -i 8 -r 1s}
SKIP_BUILD=${SKIP_BUILD:-0}
JAVA_OPTS=${JAVA_OPTS:-}
PROJECT_SCHEMA=${PROJECT_SCHEMA:-0}
KEEP_WORK=${KEEP_WORK:-0}
READY_TIMEOUT=${READY_TIMEOUT:-240}

# ---------------------------------------------------------------------------------------------- helpers

log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

fail() {
	log "ERROR: $*"
	exit 1
}

now_ms() { echo $(($(date +%s%N) / 1000000)); }

# "10s", "2m" or "10" as whole seconds (pgbench -T wants seconds).
seconds_of() {
	case $1 in
	*s) echo "${1%s}" ;;
	*m) echo $((${1%m} * 60)) ;;
	*) echo "$1" ;;
	esac
}

require() {
	local tool=$1 hint=$2
	command -v "$tool" >/dev/null 2>&1 || fail "$tool is not installed. Install it with: $hint"
}

USED_PORTS=" "
# free_port VAR: sets VAR to a TCP port nothing listens on that this run has not handed out yet.
free_port() {
	local candidate
	for _ in $(seq 1 200); do
		candidate=$((20000 + RANDOM % 40000))
		[[ $USED_PORTS == *" $candidate "* ]] && continue
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$candidate") 2>/dev/null; then
			USED_PORTS+="$candidate "
			printf -v "$1" '%s' "$candidate"
			return 0
		fi
	done
	fail "no free TCP port found"
}

# Statistics of a file with one number per line: n, min, p50 (median), p90, p99 (nearest rank), max, mean.
stats_json() {
	sort -g "$1" | awk '
		{ v[NR] = $1; sum += $1 }
		function rank(p,   k) { k = p * NR; if (k > int(k)) k = int(k) + 1; if (k < 1) k = 1; return v[k] }
		END {
			if (NR == 0) { print "{\"n\":0}"; exit }
			median = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
			printf "{\"n\":%d,\"min\":%.3f,\"p50\":%.3f,\"p90\":%.3f,\"p99\":%.3f,\"max\":%.3f,\"mean\":%.3f}\n",
				NR, v[1], median, rank(0.90), rank(0.99), v[NR], sum / NR
		}'
}

APP_PIDS=()
DATA_DIRS=()
LAST_PID=

# start_app LOG_NAME HTTP_PORT DATASOURCE_URL [application arguments...]
# An empty DATASOURCE_URL starts the embedded PostgreSQL (pass --registry.embedded.* in the arguments).
start_app() {
	local name=$1 port=$2 url=$3
	shift 3
	local -a launch=(env -u SPRING_DATASOURCE_URL -u SPRING_DATASOURCE_USERNAME -u SPRING_DATASOURCE_PASSWORD)
	if [[ -n $url ]]; then
		launch+=(SPRING_DATASOURCE_URL="$url" SPRING_DATASOURCE_USERNAME=postgres SPRING_DATASOURCE_PASSWORD=)
	fi
	local -a java_opts=()
	read -ra java_opts <<<"$JAVA_OPTS"
	local schema=false
	[[ $PROJECT_SCHEMA == 1 ]] && schema=true
	"${launch[@]}" java "${java_opts[@]}" -jar "$JAR" --server.port="$port" --server.address=127.0.0.1 \
		--registry.provisioning.schema.enabled="$schema" "$@" \
		>"$WORK/$name.log" 2>&1 &
	LAST_PID=$!
	APP_PIDS+=("$LAST_PID")
}

# wait_ready HTTP_PORT PID LOG_NAME: until /actuator/health/readiness answers 200 (polled every 50 ms).
wait_ready() {
	local port=$1 pid=$2 name=$3 code
	local deadline=$(($(now_ms) + READY_TIMEOUT * 1000))
	while true; do
		code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:$port/actuator/health/readiness" || true)
		[[ $code == 200 ]] && return 0
		if ! kill -0 "$pid" 2>/dev/null; then
			tail -n 30 "$WORK/$name.log" >&2 || true
			fail "$name (pid $pid) exited before it was ready; log: $WORK/$name.log"
		fi
		(($(now_ms) < deadline)) || fail "$name not ready after ${READY_TIMEOUT}s; log: $WORK/$name.log"
		sleep 0.05
	done
}

# The JVM's own view of a start-up: "process running for" in the log's "Started ..." line (seconds).
jvm_started_s() {
	sed -n 's/.*Started ProjectRegistryApplication in [0-9.]* seconds (process running for \([0-9.]*\)).*/\1/p' \
		"$WORK/$1.log" | head -n 1
}

# Stops one service instance we started: SIGTERM (graceful, up to 20 s in flight), SIGKILL after 45 s.
stop_app() {
	local pid=$1 remaining=()
	if kill -0 "$pid" 2>/dev/null; then
		kill -TERM "$pid" 2>/dev/null || true
		for _ in $(seq 1 450); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
		if kill -0 "$pid" 2>/dev/null; then
			log "pid $pid did not stop in 45 s; killing it"
			kill -KILL "$pid" 2>/dev/null || true
		fi
	fi
	wait "$pid" 2>/dev/null || true
	for p in "${APP_PIDS[@]}"; do [[ $p != "$pid" ]] && remaining+=("$p"); done
	APP_PIDS=("${remaining[@]+"${remaining[@]}"}")
}

# An embedded PostgreSQL outlives its JVM only if the JVM was killed; stop it by the pid in its own lock file.
stop_orphan_postgres() {
	local dir=$1 pid
	[[ -f $dir/postmaster.pid ]] || return 0
	pid=$(head -n 1 "$dir/postmaster.pid" 2>/dev/null || true)
	if [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null && grep -qF "$dir" "/proc/$pid/cmdline" 2>/dev/null; then
		log "stopping embedded PostgreSQL $pid left in $dir"
		kill -TERM "$pid" 2>/dev/null || true
		for _ in $(seq 1 100); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
	fi
}

cleanup() {
	local rc=$?
	set +e
	trap - EXIT INT TERM
	[[ -n ${RAW_PSQL_PID:-} ]] && kill -TERM "$RAW_PSQL_PID" 2>/dev/null
	local -a apps=("${APP_PIDS[@]+"${APP_PIDS[@]}"}")
	for ((i = ${#apps[@]} - 1; i >= 0; i--)); do
		[[ -n ${apps[i]} ]] && stop_app "${apps[i]}"
	done
	for dir in "${DATA_DIRS[@]+"${DATA_DIRS[@]}"}"; do stop_orphan_postgres "$dir"; done
	if [[ -n ${WORK:-} && -d $WORK ]]; then
		if ((rc != 0)) || [[ $KEEP_WORK == 1 ]]; then
			rm -rf "$WORK"/pg-*
			log "logs and raw reports kept in $WORK"
		else
			rm -rf "$WORK"
		fi
	fi
	exit "$rc"
}

http() { curl -s --max-time 60 "$@"; }

metric() { # metric PORT NAME [TAG...]: the first measurement of an actuator metric (0 if absent)
	local port=$1 name=$2 query="" tag
	shift 2
	for tag in "$@"; do query+="${query:+&}tag=$tag"; done
	http "http://127.0.0.1:$port/actuator/metrics/$name${query:+?$query}" | jq -r '.measurements[0].value // 0' 2>/dev/null || echo 0
}

# timer_sum PORT NAME [TAG...]: "count total_seconds" of an actuator timer (0 0 if absent).
timer_sum() {
	local port=$1 name=$2 query="" tag
	shift 2
	for tag in "$@"; do query+="${query:+&}tag=$tag"; done
	http "http://127.0.0.1:$port/actuator/metrics/$name${query:+?$query}" |
		jq -r '[(.measurements[] | select(.statistic == "COUNT") | .value), (.measurements[] | select(.statistic == "TOTAL_TIME") | .value)] | "\(.[0] // 0) \(.[1] // 0)"' \
		2>/dev/null || echo "0 0"
}

# run_wrk REPORT URL [SCRIPT] [DURATION]: wrk with the shared connection settings; REPORT gets report.lua's JSON.
run_wrk() {
	local report=$1 url=$2 script=${3:-$BENCH/wrk/report.lua} duration=${4:-$DURATION}
	if ! WRK_REPORT=$report SEED_ROWS=$SEED_ROWS wrk -t"$THREADS" -c"$CONNECTIONS" -d"$duration" --latency \
		--timeout 10s -s "$script" "$url" >"$report.txt" 2>&1; then
		cat "$report.txt" >&2
		fail "wrk failed on $url"
	fi
	[[ -s $report ]] || fail "wrk wrote no report for $url (see $report.txt)"
	local non2xx
	non2xx=$(jq '.errors.status + .errors.connect + .errors.read + .errors.write + .errors.timeout' "$report")
	((non2xx == 0)) || log "WARNING: $non2xx errors or non-2xx answers from $url (see $report)"
}

# run_pgbench REPORT TAG: the lookup query straight on PostgreSQL, same clients and duration as wrk.
run_pgbench() {
	local report=$1 dir=$WORK/pgbench-$2 tps
	mkdir -p "$dir"
	if ! (cd "$dir" && pgbench -n -M prepared -c "$CONNECTIONS" -j "$THREADS" -T "$(seconds_of "$DURATION")" \
		-f "$WORK/lookup.sql" -l --log-prefix="$dir/tx" -h 127.0.0.1 -p "$PG_PORT" -U postgres registry) \
		>"$report.txt" 2>&1; then
		cat "$report.txt" >&2
		fail "pgbench failed"
	fi
	tps=$(sed -n 's/^tps = \([0-9.]*\) (without initial connection time).*/\1/p' "$report.txt")
	average_ms=$(sed -n 's/^latency average = \([0-9.]*\) ms.*/\1/p' "$report.txt")
	[[ -n $tps && -n $average_ms ]] || fail "no tps in pgbench output ($report.txt); is DURATION long enough to open $CONNECTIONS connections?"
	# pgbench 15 prints no percentiles. Its per-transaction log has them, but coarsely: it reuses a cached clock
	# reading while it handles several clients' results, so many short transactions are logged as 0 us. The
	# log's p99 is kept as an approximation; pgbench's own average is exact (clients / tps).
	cat "$dir"/tx.* | awk '{ print $3 }' >"$dir/latency_us"
	jq -n --argjson tps "$tps" --argjson average_ms "$average_ms" --argjson latency "$(stats_json "$dir/latency_us")" \
		'{rps: $tps, latency_us: {mean: ($average_ms * 1000), p99_from_log: $latency.p99, p90_from_log: $latency.p90,
		  max_from_log: $latency.max}, transactions: $latency.n}' \
		>"$report"
	rm -rf "$dir"
}

psql_registry() { psql -X -q -A -t -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" -U postgres -d registry "$@"; }

# Load averages and the three busiest processes (CPU over half a second) as each step starts: other builds may
# share the machine. A busy process (over 25% of a core) that this script did not start, directly or through
# its children, is marked "foreign"; summary.json keeps everything and the table ends with a warning.
LOAD_LOG=
mark_load() {
	local busiest ours
	# This script's process tree: the service JVMs, their embedded PostgreSQL and its backends, wrk, pgbench, psql.
	ours=" $(ps -eo pid=,ppid= | awk -v root=$$ '{ parent[$1] = $2 } END {
		for (p in parent) { q = p; while (q in parent && q != root && q > 1) q = parent[q]; if (q == root) printf "%s ", p } }')"
	busiest=$(top -b -c -n 2 -d 0.5 -o %CPU -w 250 2>/dev/null | awk -v ours="$ours" '/^top -/ { frame++ }
		frame == 2 && /^ *[0-9]+ / { cmd = ""; for (i = 12; i <= NF; i++) cmd = cmd " " $i
			tag = (index(ours, " " $1 " ") == 0 && $9 + 0 > 25) ? "FOREIGN " : ""
			printf "%s%s%s%%%s", (n ? " |" : ""), tag, $9, substr(cmd, 1, 100); if (++n == 3) exit }' || true)
	LOAD_LOG+="$1"$'\t'"$(cut -d' ' -f1-3 /proc/loadavg)"$'\t'"$busiest"$'\n'
}

machine_json() {
	jq -n --arg when "$(date -u +%Y-%m-%dT%H:%M:%SZ)" --arg cores "$(nproc)" \
		--arg cpu "$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)" \
		--arg mem "$(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)" \
		--arg java "$(java -version 2>&1 | head -n 1)" --arg wrk "$(wrk -v 2>&1 | head -n 1 | cut -d' ' -f1-2)" \
		--arg pgbench "$(pgbench --version)" --arg before "$LOAD_BEFORE" --arg after "${LOAD_AFTER:-}" \
		--arg steps "$LOAD_LOG" \
		'{when: $when, cores: ($cores | tonumber), cpu: $cpu, memory: $mem, java: $java, wrk: $wrk, pgbench: $pgbench,
		  uptime_before: $before, uptime_after: $after,
		  loadavg_at_step: ($steps | split("\n") | map(select(length > 0) | split("\t") | {step: .[0], loadavg: .[1], busiest: .[2]}))}'
}

# print_table SUMMARY_JSON [md]: one table of every figure (scenario, measure, value, compared with, ratio, goal),
# aligned for the terminal, or as a Markdown table (for docs/benchmarks.md).
print_table() {
	local format=${2:-text}
	jq -r '
		def f(n): (. * pow(10; n) | round / pow(10; n)) | tostring;
		def ms: f(2) + " ms";
		def yes(b): if b then "met" else "NOT met" end;
		["#", "Measure", "Value", "Compared with", "Ratio", "Goal"],
		["1", "Tier-1 resolution, cached (req/s)", (.s1.median.resolution_rps | f(0)), "liveness \(.s1.median.baseline_rps | f(0)); per round \(.s1.throughput_ratio_per_round | map(f(2)) | join(" "))", (.s1.throughput_ratio | f(2)), ">= 0.9 \(yes(.s1.met))"],
		["1", "Tier-1 resolution, cached (p99)", (.s1.median.resolution_p99_ms | ms), "liveness \(.s1.median.baseline_p99_ms | ms)", (.s1.p99_ratio | f(2)), "-"],
		["2", "Resolution, cache size 0 (req/s)", (.s2.median.uncached_rps | f(0)), "cached \(.s2.median.cached_rps | f(0)); per round \(.s2.uncached_vs_cached_throughput_per_round | map(f(2)) | join(" ")); size-0 hits \(.s2.uncached_instance_cache.hit_ratio)", (.s2.uncached_vs_cached_throughput | f(2)), "-"],
		["2", "Resolution, cache size 0 (p99)", (.s2.median.uncached_p99_ms | ms), "cached \(.s2.median.cached_p99_ms | ms)", (.s2.uncached_vs_cached_p99 | f(2)), "-"],
		["2", "Lookup query in pgbench (tps)", (.s2.median.pgbench_tps | f(0)), "size 0 \(.s2.median.uncached_rps | f(0)) req/s", (.s2.uncached_vs_pgbench_throughput | f(2)), "-"],
		["2", "Lookup query in pgbench (mean; p99~)", "\(.s2.median.pgbench_mean_ms | ms); \(.s2.median.pgbench_p99_ms_approx | ms)", "size 0 \(.s2.median.uncached_mean_ms | ms); \(.s2.median.uncached_p99_ms | ms)", "-", "-"],
		["3", "Auto-create via resolution, warm, p50 / p99", "\(.s3.auto_create_ms.p50 | ms) / \(.s3.auto_create_ms.p99 | ms)", "CREATE DATABASE \(.s3.raw_create_database_ms.p50 | ms) / \(.s3.raw_create_database_ms.p99 | ms); in service: resolve \(.s3.service_timers_mean_ms.resolution | ms), its CREATE DATABASE \(.s3.service_timers_mean_ms.create_database | ms) (means)", (.s3.median_ratio | f(2)), "<= 1.5 \(yes(.s3.met))"],
		["3", "Auto-create via resolution, cold, p50 / p99", "\(.s3.cold.auto_create_ms.p50 | ms) / \(.s3.cold.auto_create_ms.p99 | ms)", "CREATE DATABASE \(.s3.cold.raw_create_database_ms.p50 | ms) / \(.s3.cold.raw_create_database_ms.p99 | ms); first \(.s3.creates) creates of the service", (.s3.cold.median_ratio | f(2)), "-"],
		["4", "\(.s4.callers) concurrent get-or-create (wall)", (.s4.wall_ms | f(0) + " ms"), "one create \(.s4.one_create_p50_ms | ms); slowest answer \(.s4.answer_ms.max | ms)", (.s4.wall_vs_one_create | f(2)), "invariant \(yes(.s4.met))"],
		["5", "List page of \(.s5.seeded_rows) (p99)", (.s5.list.p99_ms | ms), "p50 \(.s5.list.p50_ms | ms), \(.s5.list.rps | f(0)) req/s; SQL page \(.s5.list.sql_alone_ms.page_query | ms) + count \(.s5.list.sql_alone_ms.count_query | ms)", "-", "-"],
		["5", "Lookup by name, random (p99)", (.s5.lookup.p99_ms | ms), "p50 \(.s5.lookup.p50_ms | ms), \(.s5.lookup.rps | f(0)) req/s, hits \(.s5.lookup.cache_hit_ratio)", "-", "-"],
		["5", "Resident memory (VmRSS)", "\(.s5.memory.rss_mib) MiB", "heap used \(.s5.memory.heap_used_mib) MiB, \(.s5.memory.cache_entries) cached", "-", "-"],
		["6", "Start-up to ready, embedded (fresh; median of \(.s6.embedded_fresh_ms.n))", (.s6.embedded_fresh_ms.p50 | f(0) + " ms"), "external \(.s6.external_ms.p50 | f(0)) ms", (.s6.embedded_vs_external_median | f(2)), "-"],
		(if .s7 then ["7", "Cross-replica staleness after the write answered (p50 / p99)", "\(.s7.after_ack_ms.p50 | ms) / \(.s7.after_ack_ms.p99 | ms)", "from sending the write \(.s7.after_send_ms.p50 | ms) / \(.s7.after_send_ms.p99 | ms); max \(.s7.after_ack_ms.max | ms)", "-", "p99 < 100 ms \(yes(.s7.met))"] else empty end),
		(.jmh[] | ["JMH", .benchmark, "\(.score_ns) ns/op", (if .error_ns then "+- \(.error_ns) ns (99.9%)" else "-" end), "-", "-"])
		| @tsv' "$1" | if [[ $format == md ]]; then
		awk -F '\t' '{ line = "|"; for (i = 1; i <= NF; i++) line = line " " $i " |"; print line
			if (NR == 1) { line = "|"; for (i = 1; i <= NF; i++) line = line " --- |"; print line } }'
	else
		column -t -s $'\t'
	fi
}

# ---------------------------------------------------------------------------------------------- checks

if [[ ${1:-} == --table || ${1:-} == --markdown ]]; then # reprint the table of the last run
	print_table "${2:-$RESULTS/summary.json}" "$([[ $1 == --markdown ]] && echo md || echo text)"
	exit 0
fi


require java "a JDK 17 or newer (apt-get install -y openjdk-17-jdk)"
require curl "apt-get install -y curl"
require jq "apt-get install -y jq"
require psql "apt-get install -y postgresql-client"
require pgbench "apt-get install -y postgresql-contrib (Debian: pgbench is in postgresql-client)"
require wrk "apt-get update && apt-get install -y wrk   (macOS: brew install wrk)"
((SEED_ROWS >= 1 && SEED_ROWS <= 999999)) || fail "SEED_ROWS must be between 1 and 999999"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/registry-bench.XXXXXX")
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
mkdir -p "$RESULTS"
rm -f "$RESULTS"/*.json
LOAD_BEFORE=$(uptime)
RUN_STARTED=$(now_ms)
log "load before: $LOAD_BEFORE"
log "work directory: $WORK"

# ---------------------------------------------------------------------------------------------- build

cd "$ROOT"
if [[ $SKIP_BUILD != 1 ]]; then
	mark_load build
	log "building the jar (./mvnw -B -q -DskipTests package)"
	./mvnw -B -q -DskipTests package
	if [[ $JMH != 0 ]]; then
		log "building the JMH benchmarks (profile bench, into target/bench)"
		./mvnw -B -q -Pbench -DskipTests test-compile dependency:build-classpath \
			-Dmdep.includeScope=test -Dmdep.outputFile=target/bench/jmh.classpath
	fi
fi
JAR=$(ls "$ROOT"/target/project-registry-*.jar 2>/dev/null | head -n 1 || true)
[[ -n $JAR ]] || fail "no jar in target/; run without SKIP_BUILD=1"

# ---------------------------------------------------------------------------------------------- instance 1

free_port PG_PORT
free_port P1
PG_DIR=$WORK/pg-main
DATA_DIRS+=("$PG_DIR")
mark_load start-instances
log "starting instance 1 (embedded PostgreSQL on $PG_PORT, HTTP on $P1)"
t0=$(now_ms)
start_app app1 "$P1" "" --registry.embedded.data-directory="$PG_DIR" --registry.embedded.port="$PG_PORT"
PID1=$LAST_PID
wait_ready "$P1" "$PID1" app1
APP1_STARTUP_MS=$(($(now_ms) - t0))
log "instance 1 ready in ${APP1_STARTUP_MS} ms"
BASE1=http://127.0.0.1:$P1
EXTERNAL_URL="jdbc:postgresql://127.0.0.1:$PG_PORT/registry"

HOT=bench-hot
code=$(http -o "$WORK/seed.json" -w '%{http_code}' -X POST -H 'Content-Type: application/json' \
	-d "{\"name\": \"$HOT\", \"description\": \"resolution target of scenarios 1 and 2\"}" "$BASE1/api/v1/projects")
[[ $code == 201 ]] || fail "seeding $HOT answered $code: $(cat "$WORK/seed.json")"
RESOLVE_PATH="/api/v1/resolutions?project=$HOT"
BASELINE_PATH="/actuator/health/liveness"
printf "SELECT * FROM projects WHERE name_key = lower('%s');\n" "$HOT" >"$WORK/lookup.sql"

# ---------------------------------------------------------------------------------------------- instance 2

free_port P2
log "starting instance 2 (cache disabled, on instance 1's PostgreSQL, HTTP on $P2)"
t0=$(now_ms)
start_app app2 "$P2" "$EXTERNAL_URL" --registry.cache.maximum-size=0
PID2=$LAST_PID
wait_ready "$P2" "$PID2" app2
APP2_STARTUP_MS=$(($(now_ms) - t0))
log "instance 2 ready in ${APP2_STARTUP_MS} ms"
BASE2=http://127.0.0.1:$P2

for base in "$BASE1" "$BASE2"; do
	code=$(http -o "$WORK/check.json" -w '%{http_code}' "$base$RESOLVE_PATH")
	[[ $code == 200 && $(jq -r '.tier' "$WORK/check.json") == EXPLICIT ]] ||
		fail "resolution check on $base answered $code: $(cat "$WORK/check.json")"
done

# ---------------------------------------------------------------------------------------------- scenarios 1 and 2

log "scenarios 1+2: warm-up ($WARMUP_PASSES passes of $WARMUP per target)"
for pass in $(seq 1 "$WARMUP_PASSES"); do
	run_wrk "$WORK/warm$pass-liveness.json" "$BASE1$BASELINE_PATH" "" "$WARMUP"
	run_wrk "$WORK/warm$pass-cached.json" "$BASE1$RESOLVE_PATH" "" "$WARMUP"
	run_wrk "$WORK/warm$pass-uncached.json" "$BASE2$RESOLVE_PATH" "" "$WARMUP"
done
WARMUP_RPS=$(for pass in $(seq 1 "$WARMUP_PASSES"); do
	for name in liveness cached uncached; do
		jq -c --arg name "$name" --argjson pass "$pass" '{pass: $pass, target: $name, rps: .rps}' "$WORK/warm$pass-$name.json"
	done
done | jq -s -c .)

hits_before=$(metric "$P1" cache.gets cache:projects result:hit)
misses_before=$(metric "$P1" cache.gets cache:projects result:miss)
misses2_before=$(metric "$P2" cache.gets cache:projects result:miss)
hits2_before=$(metric "$P2" cache.gets cache:projects result:hit)
for round in $(seq 1 "$ROUNDS"); do
	mark_load "s1+s2-round-$round"
	log "scenarios 1+2: round $round/$ROUNDS (liveness, cached resolution, uncached resolution, pgbench; $DURATION each)"
	run_wrk "$WORK/r$round-liveness.json" "$BASE1$BASELINE_PATH"
	run_wrk "$WORK/r$round-cached.json" "$BASE1$RESOLVE_PATH"
	run_wrk "$WORK/r$round-uncached.json" "$BASE2$RESOLVE_PATH"
	run_pgbench "$WORK/r$round-pgbench.json" "r$round"
done
hits=$(jq -n "$(metric "$P1" cache.gets cache:projects result:hit) - $hits_before")
misses=$(jq -n "$(metric "$P1" cache.gets cache:projects result:miss) - $misses_before")
misses2=$(jq -n "$(metric "$P2" cache.gets cache:projects result:miss) - $misses2_before")
hits2=$(jq -n "$(metric "$P2" cache.gets cache:projects result:hit) - $hits2_before")

rounds_json() { # rounds_json NAME...: [{name: report, ...} per round]
	local round name
	for round in $(seq 1 "$ROUNDS"); do
		local args=() filter="{"
		for name in "$@"; do
			args+=(--slurpfile "$name" "$WORK/r$round-$name.json")
			filter+="\"$name\": \$$name[0],"
		done
		jq -n "${args[@]}" "${filter%,}}"
	done | jq -s .
}
JQ_LIB='def median: sort | if length == 0 then null elif length % 2 == 1 then .[length / 2 | floor]
	else (.[length / 2 - 1] + .[length / 2]) / 2 end;
	def r(n): . * pow(10; n) | round / pow(10; n);'

rounds_json liveness cached | jq --arg baseline "GET $BASELINE_PATH" --arg target "GET $RESOLVE_PATH" \
	--argjson warmup "$WARMUP_RPS" \
	--argjson hits "$hits" --argjson misses "$misses" --arg c "$CONNECTIONS" --arg t "$THREADS" --arg d "$DURATION" \
	"$JQ_LIB"'
	{scenario: 1, title: "Tier-1 resolution of a cached project vs a trivial endpoint, same instance",
	 target: $target, baseline: $baseline, load: "wrk -t\($t) -c\($c) -d\($d) --latency", rounds: .,
	 median: {
	   baseline_rps: (map(.liveness.rps) | median | r(1)), resolution_rps: (map(.cached.rps) | median | r(1)),
	   baseline_p50_ms: (map(.liveness.latency_us.p50) | median / 1000 | r(3)),
	   resolution_p50_ms: (map(.cached.latency_us.p50) | median / 1000 | r(3)),
	   baseline_p99_ms: (map(.liveness.latency_us.p99) | median / 1000 | r(3)),
	   resolution_p99_ms: (map(.cached.latency_us.p99) | median / 1000 | r(3))},
	 cache_during_rounds: {hits: $hits, misses: $misses}, warmup_rps: $warmup} as $s
	| $s + {throughput_ratio: ($s.median.resolution_rps / $s.median.baseline_rps | r(3)),
	        throughput_ratio_per_round: ($s.rounds | map(.cached.rps / .liveness.rps | r(3))),
	        p99_ratio: ($s.median.resolution_p99_ms / $s.median.baseline_p99_ms | r(3)),
	        goal: "throughput_ratio >= 0.9", met: ($s.median.resolution_rps / $s.median.baseline_rps >= 0.9)}' \
	>"$RESULTS/s1-resolution-vs-liveness.json"

rounds_json cached uncached pgbench | jq --arg target "GET $RESOLVE_PATH" --argjson misses2 "$misses2" --argjson hits2 "$hits2" \
	--arg sql "$(cat "$WORK/lookup.sql")" --arg c "$CONNECTIONS" --arg t "$THREADS" --arg d "$DURATION" \
	"$JQ_LIB"'
	{scenario: 2, title: "The same resolution with the cache disabled (second instance, same PostgreSQL) vs cached vs pgbench",
	 target: $target, uncached_instance: "--registry.cache.maximum-size=0, SPRING_DATASOURCE_URL = instance 1 embedded server",
	 pgbench: "pgbench -n -M prepared -c\($c) -j\($t) -T \($d) -f lookup.sql  (\($sql))", rounds: .,
	 median: {
	   cached_rps: (map(.cached.rps) | median | r(1)), uncached_rps: (map(.uncached.rps) | median | r(1)),
	   pgbench_tps: (map(.pgbench.rps) | median | r(1)),
	   cached_p99_ms: (map(.cached.latency_us.p99) | median / 1000 | r(3)),
	   uncached_p99_ms: (map(.uncached.latency_us.p99) | median / 1000 | r(3)),
	   pgbench_p99_ms_approx: (map(.pgbench.latency_us.p99_from_log) | median / 1000 | r(3)),
	   cached_mean_ms: (map(.cached.latency_us.mean) | median / 1000 | r(3)),
	   uncached_mean_ms: (map(.uncached.latency_us.mean) | median / 1000 | r(3)),
	   pgbench_mean_ms: (map(.pgbench.latency_us.mean) | median / 1000 | r(3))},
	 uncached_instance_cache: {hits: $hits2, misses: $misses2,
	   hit_ratio: (if ($hits2 + $misses2) > 0 then ($hits2 / ($hits2 + $misses2) | r(3)) else null end),
	   note: "maximum-size=0 evicts after each load, asynchronously: concurrent readers can still hit the entry"}} as $s
	| $s + {uncached_vs_cached_throughput: ($s.median.uncached_rps / $s.median.cached_rps | r(3)),
	        uncached_vs_cached_throughput_per_round: ($s.rounds | map(.uncached.rps / .cached.rps | r(3))),
	        uncached_vs_pgbench_throughput: ($s.median.uncached_rps / $s.median.pgbench_tps | r(3)),
	        uncached_vs_cached_p99: ($s.median.uncached_p99_ms / $s.median.cached_p99_ms | r(3))}' \
	>"$RESULTS/s2-cache-disabled.json"

log "stopping instance 2"
stop_app "$PID2"

# ---------------------------------------------------------------------------------------------- scenario 3

mark_load s3
log "scenario 3: $CREATES auto-creates through resolution, interleaved with raw CREATE DATABASE, cold and warm"
mkdir -p "$WORK/s3"
RUN_TAG=$(date +%H%M%S)
auto_create() { # auto_create NAME OUTPUT: POST an inline config; prints "code seconds"
	http -o "$2" -w '%{http_code} %{time_total}' -X POST -H 'Content-Type: application/json' \
		-d "{\"config\": {\"version\": \"1.0\", \"project\": {\"name\": \"$1\"}}}" "$BASE1/api/v1/resolutions"
}
# The raw side runs on one psql session that stays open, as the service's pooled connections do: the first
# statements of a new backend are much slower (about 75 ms against 45 ms for CREATE DATABASE here).
coproc RAW_PSQL { exec stdbuf -oL psql -X -q -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres 2>&1; }
echo '\timing on' >&"${RAW_PSQL[1]}"
RAW_MS=
raw_create() { # raw_create DATABASE: CREATE DATABASE on the open session; sets RAW_MS to psql's \timing
	local line
	RAW_MS=
	echo "CREATE DATABASE $1;" >&"${RAW_PSQL[1]}"
	while IFS= read -r -t 120 line <&"${RAW_PSQL[0]}"; do
		case $line in
		"Time: "*)
			RAW_MS=$(sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p' <<<"$line")
			return 0
			;;
		*ERROR*) fail "raw CREATE DATABASE $1: $line" ;;
		esac
	done
	fail "no answer from psql to CREATE DATABASE $1"
}
untimed_auto_create() { # untimed_auto_create NAME
	local code
	read -r code _ <<<"$(auto_create "$1" "$WORK/s3/untimed.json")"
	[[ $code == 200 ]] || fail "untimed auto-create answered $code: $(cat "$WORK/s3/untimed.json")"
}
# measure_pairs PHASE: $CREATES pairs in alternating order, so neither side always follows the other's CREATE
# DATABASE; writes the phase's JSON, with the service's own timers (the whole resolution, its CREATE DATABASE).
measure_pairs() {
	local phase=$1 i code seconds
	: >"$WORK/s3/$phase-api_ms"
	: >"$WORK/s3/$phase-raw_ms"
	read -r resolve_n0 resolve_s0 <<<"$(timer_sum "$P1" registry.resolution.duration tier:SESSION_CONFIG)"
	read -r createdb_n0 createdb_s0 <<<"$(timer_sum "$P1" registry.provisioning.duration operation:create result:success)"
	for i in $(seq 1 "$CREATES"); do
		for side in $( ((i % 2)) && echo api raw || echo raw api); do
			if [[ $side == api ]]; then
				read -r code seconds <<<"$(auto_create "s3-$phase-$RUN_TAG-$i" "$WORK/s3/$phase-$i.json")"
				[[ $code == 200 && $(jq -r '.created' "$WORK/s3/$phase-$i.json") == true ]] ||
					fail "auto-create $phase $i answered $code: $(cat "$WORK/s3/$phase-$i.json")"
				awk -v s="$seconds" 'BEGIN { printf "%.3f\n", s * 1000 }' >>"$WORK/s3/$phase-api_ms"
			else
				raw_create "bench_raw_${phase}_$i"
				[[ -n $RAW_MS ]] || fail "raw CREATE DATABASE $phase $i gave no timing"
				echo "$RAW_MS" >>"$WORK/s3/$phase-raw_ms"
			fi
		done
	done
	read -r resolve_n1 resolve_s1 <<<"$(timer_sum "$P1" registry.resolution.duration tier:SESSION_CONFIG)"
	read -r createdb_n1 createdb_s1 <<<"$(timer_sum "$P1" registry.provisioning.duration operation:create result:success)"
	jq -n --argjson api "$(stats_json "$WORK/s3/$phase-api_ms")" --argjson raw "$(stats_json "$WORK/s3/$phase-raw_ms")" \
		--argjson resolve_ms "$(jq -n "($resolve_s1 - $resolve_s0) / ([($resolve_n1 - $resolve_n0), 1] | max) * 1000")" \
		--argjson createdb_ms "$(jq -n "($createdb_s1 - $createdb_s0) / ([($createdb_n1 - $createdb_n0), 1] | max) * 1000")" \
		"$JQ_LIB"'
		{auto_create_ms: $api, raw_create_database_ms: $raw,
		 median_ratio: ($api.p50 / $raw.p50 | r(3)), p99_ratio: ($api.p99 / $raw.p99 | r(3)),
		 service_timers_mean_ms: {resolution: ($resolve_ms | r(3)), create_database: ($createdb_ms | r(3))}}' \
		>"$WORK/s3/$phase.json"
}
# Cold: the first creates of a service that has served only the reads of scenarios 1 and 2.
for i in $(seq 1 "$CREATE_WARMUPS"); do
	untimed_auto_create "s3-warmup-$RUN_TAG-$i"
	raw_create "bench_raw_warmup_$i"
done
measure_pairs cold
# Warm: after enough creates for the JIT to compile the create path, as on a service that has been running.
log "scenario 3: $WARM_CREATES untimed auto-creates to warm the create path"
for i in $(seq 1 "$WARM_CREATES"); do
	untimed_auto_create "s3-untimed-$RUN_TAG-$i"
done
measure_pairs warm
echo '\q' >&"${RAW_PSQL[1]}"
wait "$RAW_PSQL_PID" 2>/dev/null || true
RAW_PSQL_PID=
jq -n --slurpfile cold "$WORK/s3/cold.json" --slurpfile warm "$WORK/s3/warm.json" \
	--arg n "$CREATES" --arg w "$CREATE_WARMUPS" --arg warming "$WARM_CREATES" '
	$warm[0] + {scenario: 3, title: "Auto-create through resolution vs raw CREATE DATABASE, same server, interleaved in alternating order",
	 request: "POST /api/v1/resolutions {\"config\": {\"version\": \"1.0\", \"project\": {\"name\": <unique>}}} (curl time_total)",
	 baseline: "CREATE DATABASE on the same server (psql \\timing on one session kept open for all creates)",
	 creates: ($n | tonumber), untimed_warmup_pairs: ($w | tonumber), untimed_creates_before_warm: ($warming | tonumber),
	 note: "top-level figures are the warm phase; service_timers_mean_ms are means of registry.resolution.duration{tier=SESSION_CONFIG} and registry.provisioning.duration{operation=create} over the timed creates",
	 cold: $cold[0],
	 goal: "warm median_ratio <= 1.5", met: ($warm[0].median_ratio <= 1.5)}' >"$RESULTS/s3-auto-create.json"

# ---------------------------------------------------------------------------------------------- scenario 4

RACE=s4-race-$RUN_TAG
mark_load s4
log "scenario 4: $CONCURRENT concurrent get-or-create of '$RACE'"
mkdir -p "$WORK/s4"
# A small Java client (bench/client) releases all callers at once from one latch; curl processes would spend
# most of the wall time being started.
RACE_WALL_MS=$(java "$BENCH/client/GetOrCreateRace.java" "$BASE1" "$RACE" "$CONCURRENT" "$WORK/s4" 2>"$WORK/s4-client.log") ||
	fail "race client failed: $(cat "$WORK/s4-client.log")"
answers_200=$(cat "$WORK"/s4/*.code | grep -c '^200 ' || true)
awk '{ printf "%.3f\n", $2 * 1000 }' "$WORK"/s4/*.code >"$WORK/s4/answer_ms"
distinct_ids=$(cat "$WORK"/s4/*.json | jq -r '.project.id // empty' | sort -u | wc -l)
created_true=$(cat "$WORK"/s4/*.json | jq -r '.created // empty' | grep -c '^true$' || true)
race_db=$(cat "$WORK"/s4/*.json | jq -r '.databaseName // empty' | sort -u | head -n 1)
name_part=$(printf '%s' "$RACE" | tr '[:upper:]' '[:lower:]' | sed 's/[^a-z0-9]/_/g' | cut -c1-30)
db_prefix=cb_proj_${name_part}_
rows=$(psql_registry -c "SELECT count(*) FROM projects WHERE name_key = lower('$RACE')")
databases=$(psql_registry -c "SELECT count(*) FROM pg_database WHERE starts_with(datname, '$db_prefix')")
row_db=$(psql_registry -c "SELECT database_name FROM projects WHERE name_key = lower('$RACE')")
jq -n --argjson wall "$RACE_WALL_MS" --slurpfile s3 "$RESULTS/s3-auto-create.json" --arg name "$RACE" \
	--argjson n "$CONCURRENT" --argjson ok "$answers_200" --argjson ids "$distinct_ids" \
	--argjson created "$created_true" --argjson rows "$rows" --argjson dbs "$databases" \
	--arg prefix "$db_prefix" --arg row_db "$row_db" --arg answer_db "$race_db" \
	--argjson answers "$(stats_json "$WORK/s4/answer_ms")" "$JQ_LIB"'
	{scenario: 4, title: "Concurrent get-or-create of one new name",
	 callers: $n, name: $name, wall_ms: $wall, one_create_p50_ms: $s3[0].auto_create_ms.p50,
	 wall_vs_one_create: ($wall / $s3[0].auto_create_ms.p50 | r(2)),
	 answer_ms: $answers, client: "bench/client/GetOrCreateRace.java: one thread per caller, released together by a latch; wall_ms from release to the last answer",
	 invariant: {answers_200: $ok, distinct_project_ids: $ids, created_true: $created, rows_with_name: $rows,
	             databases_with_prefix: $dbs, database_prefix: $prefix, row_database: $row_db, answer_database: $answer_db},
	 met: ($ok == $n and $ids == 1 and $created == 1 and $rows == 1 and $dbs == 1 and $row_db == $answer_db)}' \
	>"$RESULTS/s4-concurrent-get-or-create.json"
[[ $(jq -r .met "$RESULTS/s4-concurrent-get-or-create.json") == true ]] ||
	log "WARNING: scenario 4 invariant not met: $(jq -c .invariant "$RESULTS/s4-concurrent-get-or-create.json")"

# ---------------------------------------------------------------------------------------------- scenario 7
# Cross-replica staleness, run here while the registry holds few rows: a second instance with the cache on, on
# instance 1's PostgreSQL, learns of instance 1's writes only through the change notifications.

free_port P3
mark_load s7
log "scenario 7: starting instance 3 (cache on, on instance 1's PostgreSQL, HTTP on $P3)"
start_app app3 "$P3" "$EXTERNAL_URL"
PID3=$LAST_PID
wait_ready "$P3" "$PID3" app3
BASE3=http://127.0.0.1:$P3
log "scenario 7: $STALENESS_WRITES writes on instance 1, each polled on instance 3 until it answers the new value"
mkdir -p "$WORK/s7"
java "$BENCH/client/CoherenceStaleness.java" "$BASE1" "$BASE3" "s7-staleness-$RUN_TAG" "$STALENESS_WRITES" "$WORK/s7" \
	>"$WORK/s7-client.json" 2>"$WORK/s7-client.log" || fail "staleness client failed: $(cat "$WORK/s7-client.log")"
notifications3=$(metric "$P3" registry.coherence.notifications)
reconnects3=$(metric "$P3" registry.coherence.reconnects)
log "stopping instance 3"
stop_app "$PID3"
jq -n --argjson n "$STALENESS_WRITES" --argjson ack "$(stats_json "$WORK/s7/after_ack_ms")" \
	--argjson send "$(stats_json "$WORK/s7/after_send_ms")" --argjson stale "$(cat "$WORK/s7/stale_polls")" \
	--argjson notifications "$notifications3" --argjson reconnects "$reconnects3" "$JQ_LIB"'
	{scenario: 7, title: "Cross-replica staleness: write committed through instance 1 until instance 3 (cache on, same PostgreSQL) answers the new value",
	 writes: $n, after_ack_ms: $ack, after_send_ms: $send, stale_answers_after_ack: $stale,
	 instance3: {notifications: $notifications, reconnects: $reconnects},
	 client: "bench/client/CoherenceStaleness.java: after 100 untimed writes, per write, resolve on instance 3 (cached), PATCH on instance 1, poll instance 3 back to back; after_ack from the PATCH 200 (a lower bound), after_send from sending it (an upper bound)",
	 goal_p99_ms: 100, met: ($ack.p99 < 100)}' >"$RESULTS/s7-coherence-staleness.json"

# ---------------------------------------------------------------------------------------------- scenario 5

mark_load s5
log "scenario 5: seeding $SEED_ROWS projects with SQL"
t0=$(now_ms)
psql_registry >/dev/null <<SQL
INSERT INTO projects (id, name, description, database_name, state, index_status, created_at, updated_at)
SELECT gen_random_uuid(), 'bench-' || lpad(g::text, 6, '0'), NULL,
       'cb_proj_bench_' || lpad(g::text, 6, '0') || '_' || substr(md5(g::text), 1, 8),
       'READY', 'NOT_INDEXED', now() - make_interval(secs => g), now() - make_interval(secs => g)
FROM generate_series(1, $SEED_ROWS) AS g;
ANALYZE projects;
SQL
SEED_MS=$(($(now_ms) - t0))
total_rows=$(psql_registry -c "SELECT count(*) FROM projects")
LIST_PATH="/api/v1/projects?size=50&state=READY&namePrefix=bench&sort=createdAt,desc"
code=$(http -o "$WORK/list.json" -w '%{http_code}' "$BASE1$LIST_PATH")
[[ $code == 200 ]] || fail "list answered $code: $(cat "$WORK/list.json")"
list_total=$(jq -r '.totalElements // empty' "$WORK/list.json")
# What PostgreSQL alone spends on the two queries of a list page (the same SQL as the service sends, with
# literals instead of parameters), one at a time: the page itself and the count behind totalElements. psql's
# \timing on one session, median of the last three of five runs. (EXPLAIN ANALYZE is not used: its per-row
# instrumentation made the count look four times slower, 60 ms against 15 ms.)
sql_ms() {
	{
		echo '\timing on'
		for _ in 1 2 3 4 5; do echo "$1;"; done
	} | psql -X -q -h 127.0.0.1 -p "$PG_PORT" -U postgres -d registry -o /dev/null 2>&1 |
		sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p' | tail -n 3 | sort -g | sed -n 2p
}
LIST_WHERE="state = 'READY' AND name_key LIKE 'bench%' ESCAPE '\\'"
page_sql_ms=$(sql_ms "SELECT * FROM projects WHERE $LIST_WHERE ORDER BY created_at DESC, id DESC LIMIT 50")
count_sql_ms=$(sql_ms "SELECT count(id) FROM projects WHERE $LIST_WHERE")
code=$(http -o "$WORK/lookup.json" -w '%{http_code}' "$BASE1/api/v1/projects/bench-000001")
[[ $code == 200 ]] || fail "lookup answered $code: $(cat "$WORK/lookup.json")"

log "scenario 5: list page and random-name lookup ($WARMUP warm-up, $DURATION each)"
run_wrk "$WORK/warm-list.json" "$BASE1$LIST_PATH" "" "$WARMUP"
run_wrk "$WORK/s5-list.json" "$BASE1$LIST_PATH"
run_wrk "$WORK/warm-lookup.json" "$BASE1" "$BENCH/wrk/lookup-random.lua" "$WARMUP"
hits_before=$(metric "$P1" cache.gets cache:projects result:hit)
misses_before=$(metric "$P1" cache.gets cache:projects result:miss)
run_wrk "$WORK/s5-lookup.json" "$BASE1" "$BENCH/wrk/lookup-random.lua"
hits=$(jq -n "$(metric "$P1" cache.gets cache:projects result:hit) - $hits_before")
misses=$(jq -n "$(metric "$P1" cache.gets cache:projects result:miss) - $misses_before")
cache_size=$(metric "$P1" cache.size cache:projects)
heap_used=$(metric "$P1" jvm.memory.used area:heap)
rss_kb=$(awk '/^VmRSS:/ { print $2 }' "/proc/$PID1/status")
jq -n --slurpfile list "$WORK/s5-list.json" --slurpfile lookup "$WORK/s5-lookup.json" \
	--argjson rows "$total_rows" --argjson seeded "$SEED_ROWS" --argjson seed_ms "$SEED_MS" \
	--arg list_path "$LIST_PATH" --arg list_total "$list_total" --argjson hits "$hits" --argjson misses "$misses" \
	--argjson cache_size "$cache_size" --argjson heap "$heap_used" --argjson rss "$rss_kb" \
	--argjson page_sql_ms "$page_sql_ms" --argjson count_sql_ms "$count_sql_ms" "$JQ_LIB"'
	{scenario: 5, title: "100,000 projects: list page, lookup by name, resident memory",
	 seeded_rows: $seeded, rows_in_registry: $rows, seed_ms: $seed_ms,
	 list: {request: "GET \($list_path)", matching_rows: ($list_total | tonumber? // null),
	        rps: ($list[0].rps | r(1)), p50_ms: ($list[0].latency_us.p50 / 1000 | r(3)),
	        p99_ms: ($list[0].latency_us.p99 / 1000 | r(3)),
	        sql_alone_ms: {page_query: ($page_sql_ms | r(3)), count_query: ($count_sql_ms | r(3)),
	                       note: "psql \\timing, median of the last 3 of 5 runs, one query at a time"},
	        wrk: $list[0]},
	 lookup: {request: "GET /api/v1/projects/bench-NNNNNN, names uniform at random over all seeded rows",
	          rps: ($lookup[0].rps | r(1)), p50_ms: ($lookup[0].latency_us.p50 / 1000 | r(3)),
	          p99_ms: ($lookup[0].latency_us.p99 / 1000 | r(3)),
	          cache_hit_ratio: (if ($hits + $misses) > 0 then ($hits / ($hits + $misses) | r(3)) else null end),
	          wrk: $lookup[0]},
	 memory: {rss_mib: ($rss / 1024 | r(1)), heap_used_mib: ($heap / 1048576 | r(1)), cache_entries: $cache_size,
	          note: "VmRSS of the service JVM after the lookup run (cache full), default heap settings"}}' \
	>"$RESULTS/s5-100k-projects.json"

# ---------------------------------------------------------------------------------------------- scenario 6

mark_load s6
log "scenario 6: start-up to readiness, $STARTUP_RUNS more run(s) each with a fresh embedded and with the external PostgreSQL"
# Instances 1 and 2 were started the same way (fresh embedded; external), so their start-ups are samples too.
echo "$APP1_STARTUP_MS" >"$WORK/startup_embedded_ms"
echo "$APP2_STARTUP_MS" >"$WORK/startup_external_ms"
jvm_started_s app1 >"$WORK/startup_embedded_jvm_s"
jvm_started_s app2 >"$WORK/startup_external_jvm_s"
for run in $(seq 1 "$STARTUP_RUNS"); do
	dir=$WORK/pg-startup-$run
	DATA_DIRS+=("$dir")
	free_port port
	free_port pg_port
	t0=$(now_ms)
	start_app "startup-embedded-$run" "$port" "" --registry.embedded.data-directory="$dir" \
		--registry.embedded.port="$pg_port"
	wait_ready "$port" "$LAST_PID" "startup-embedded-$run"
	echo $(($(now_ms) - t0)) >>"$WORK/startup_embedded_ms"
	jvm_started_s "startup-embedded-$run" >>"$WORK/startup_embedded_jvm_s"
	stop_app "$LAST_PID"
	rm -rf "$dir"

	free_port port
	t0=$(now_ms)
	start_app "startup-external-$run" "$port" "$EXTERNAL_URL"
	wait_ready "$port" "$LAST_PID" "startup-external-$run"
	echo $(($(now_ms) - t0)) >>"$WORK/startup_external_ms"
	jvm_started_s "startup-external-$run" >>"$WORK/startup_external_jvm_s"
	stop_app "$LAST_PID"
done
jq -n --argjson embedded "$(stats_json "$WORK/startup_embedded_ms")" \
	--argjson external "$(stats_json "$WORK/startup_external_ms")" \
	--argjson embedded_jvm "$(stats_json "$WORK/startup_embedded_jvm_s")" \
	--argjson external_jvm "$(stats_json "$WORK/startup_external_jvm_s")" "$JQ_LIB"'
	{scenario: 6, title: "Start-up to readiness 200 (process start to first 200 of /actuator/health/readiness)",
	 samples: "instance 1 (embedded) and instance 2 (external, cache off) of this run, then STARTUP_RUNS more of each",
	 embedded_fresh_ms: $embedded, external_ms: $external,
	 jvm_reported_started_s: {embedded_fresh: $embedded_jvm, external: $external_jvm,
	                          note: "process running for, from the Started line of each log (before the ApplicationRunner and the first readiness poll)"},
	 embedded_vs_external_median: ($embedded.p50 / $external.p50 | r(2)),
	 external: "SPRING_DATASOURCE_URL = the running embedded server of instance 1 (already migrated)"}' \
	>"$RESULTS/s6-startup.json"

log "stopping instance 1"
stop_app "$PID1"

# ---------------------------------------------------------------------------------------------- JMH

if [[ $JMH != 0 ]]; then
	[[ -f $ROOT/target/bench/jmh.classpath ]] || fail "no JMH build in target/bench; run without SKIP_BUILD=1"
	mark_load jmh
	log "JMH: in-process lookup path ($JMH_OPTS)"
	read -ra jmh_opts <<<"$JMH_OPTS"
	java -cp "$ROOT/target/bench/test-classes:$ROOT/target/bench/classes:$(cat "$ROOT/target/bench/jmh.classpath")" \
		org.openjdk.jmh.Main "${jmh_opts[@]}" -rf json -rff "$RESULTS/jmh.json" 'io.codebase.registry.bench.*' \
		>"$WORK/jmh.log" 2>&1 || { tail -n 40 "$WORK/jmh.log" >&2; fail "JMH failed; log: $WORK/jmh.log"; }
fi

# ---------------------------------------------------------------------------------------------- summary

mark_load end
LOAD_AFTER=$(uptime)
log "load after: $LOAD_AFTER"
jmh_file=$RESULTS/jmh.json
[[ -f $jmh_file ]] || echo '[]' >"$WORK/jmh-empty.json"
jq -n --argjson machine "$(machine_json)" --argjson elapsed "$(($(now_ms) - RUN_STARTED))" \
	--slurpfile s1 "$RESULTS/s1-resolution-vs-liveness.json" --slurpfile s2 "$RESULTS/s2-cache-disabled.json" \
	--slurpfile s3 "$RESULTS/s3-auto-create.json" --slurpfile s4 "$RESULTS/s4-concurrent-get-or-create.json" \
	--slurpfile s5 "$RESULTS/s5-100k-projects.json" --slurpfile s6 "$RESULTS/s6-startup.json" \
	--slurpfile s7 "$RESULTS/s7-coherence-staleness.json" \
	--slurpfile jmh "$([[ -f $jmh_file ]] && echo "$jmh_file" || echo "$WORK/jmh-empty.json")" \
	--arg settings "DURATION=$DURATION WARMUP=$WARMUP WARMUP_PASSES=$WARMUP_PASSES ROUNDS=$ROUNDS CONNECTIONS=$CONNECTIONS THREADS=$THREADS CREATES=$CREATES CREATE_WARMUPS=$CREATE_WARMUPS WARM_CREATES=$WARM_CREATES PROJECT_SCHEMA=$PROJECT_SCHEMA CONCURRENT=$CONCURRENT STALENESS_WRITES=$STALENESS_WRITES SEED_ROWS=$SEED_ROWS STARTUP_RUNS=$STARTUP_RUNS JMH_OPTS=\"$JMH_OPTS\"" \
	'{machine: $machine, settings: $settings, elapsed_s: ($elapsed / 1000 | floor),
	  s1: $s1[0], s2: $s2[0], s3: $s3[0], s4: $s4[0], s5: $s5[0], s6: $s6[0], s7: $s7[0],
	  jmh: ($jmh[0] | map({benchmark: (.benchmark | split(".") | last), mode: .mode,
	        score_ns: (.primaryMetric.score * 10 | round / 10),
	        error_ns: (.primaryMetric.scoreError | if type == "number" then . * 10 | round / 10 else null end),
	        unit: .primaryMetric.scoreUnit}))}' >"$RESULTS/summary.json"

print_table "$RESULTS/summary.json"
jq -r '.machine.loadavg_at_step[] | select(.busiest | test("FOREIGN")) |
	"WARNING: a process this run did not start was busy at step \(.step): \(.busiest | split(" |") | map(select(test("FOREIGN"))) | join(";"))"' \
	"$RESULTS/summary.json"
echo
echo "load before: $LOAD_BEFORE"
echo "load after:  $LOAD_AFTER"
echo "results: $RESULTS/*.json ($(($(now_ms) - RUN_STARTED)) ms in all)"
