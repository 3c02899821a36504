#!/usr/bin/env bash
# Memory of the Project Registry under load, measured with the JVM's Native Memory Tracking (issue 21). One command:
#
#   bench/memory.sh                        # build, measure the image's JVM settings, print the table
#   SKIP_BUILD=1 DURATION=20s bench/memory.sh
#
# For each variant it starts the packaged jar on a fresh embedded PostgreSQL with -XX:NativeMemoryTracking=summary
# and -XX:MaxRAM=<the container limit> (the JVM sizes itself from MaxRAM as it would from a cgroup limit), seeds a
# project, drives it with wrk (a cached resolution, then the database-backed project list), samples the resident
# set size (RSS) of the JVM every second, and reads `jcmd <pid> VM.native_memory summary` at the end of the load.
# It prints one line per variant: throughput of both loads, RSS (steady = median of the samples of the second
# load, peak = maximum), and the committed memory of each NMT category. The tracking itself holds about 10 MiB
# that a deployed JVM does not: rss-net leaves it out, and NMT=off measures the RSS of a JVM without it.
# docs/benchmarks.md ("Memory") explains the figures. Needs java, jcmd, curl, jq and wrk. Everything it starts is
# stopped on exit.
#
# Settings (environment):
#   DURATION=30s      length of each measured wrk run (a warm-up of the same length runs first)
#   CONNECTIONS=64    wrk connections
#   THREADS=2         wrk threads
#   SKIP_BUILD=0      1 reuses target/project-registry-*.jar
#   VARIANTS          "name|container limit|JVM options" entries separated by ";". By default the previous image
#                     settings in the previous 768Mi limit, and the current ones (read from the Dockerfile's
#                     JAVA_TOOL_OPTIONS) in the chart's limit (resources.limits.memory of helm values.yaml).
#                     Leading NAME=VALUE words of the options are set in the JVM's environment
#                     (e.g. MALLOC_ARENA_MAX=2).
#   ROUNDS=1          rounds over the variants; even rounds run them in reverse order (ABBA), so that neither runs
#                     first (on a colder machine) every time; one line per variant and round
#   NMT=summary       off: the JVM runs without Native Memory Tracking, as deployed; the NMT columns are "-"
set -euo pipefail

# shellcheck source=bench/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
DURATION=${DURATION:-30s}
CONNECTIONS=${CONNECTIONS:-64}
THREADS=${THREADS:-2}
SKIP_BUILD=${SKIP_BUILD:-0}
READY_TIMEOUT=${READY_TIMEOUT:-240}
ROUNDS=${ROUNDS:-1}
NMT=${NMT:-summary}
[[ $NMT == summary || $NMT == off ]] || fail "NMT is summary or off, not $NMT"
tracking_flags=()
[[ $NMT == off ]] || tracking_flags=(-XX:NativeMemoryTracking=summary)

for tool in java jcmd curl jq wrk; do
	command -v "$tool" >/dev/null 2>&1 || fail "$tool is not installed (wrk: apt-get install -y wrk)"
done

# The image's JVM options and the chart's memory limit, so that the default run measures what ships.
IMAGE_OPTS=$(sed -n 's/^ENV JAVA_TOOL_OPTIONS="\([^"]*\)".*/\1/p' "$ROOT/Dockerfile")
[[ -n $IMAGE_OPTS ]] || fail "no ENV JAVA_TOOL_OPTIONS=\"...\" line in the Dockerfile"
CHART_LIMIT=$(awk '/^resources:/ { r = 1 } r && /^ *limits:/ { l = 1 } r && l && /^ *memory:/ { print $2; exit }' \
	"$ROOT/helm/project-registry/values.yaml")
[[ -n $CHART_LIMIT ]] || fail "no resources.limits.memory in helm/project-registry/values.yaml"
VARIANTS=${VARIANTS:-"before|768Mi|-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError;after|$CHART_LIMIT|$IMAGE_OPTS"}

WORK=$(mktemp -d "${TMPDIR:-/tmp}/registry-memory.XXXXXX")
PID=
PG_DIR=
cleanup() {
	local rc=$?
	set +e
	if [[ -n $PID ]] && kill -0 "$PID" 2>/dev/null; then
		kill -TERM "$PID"
		wait "$PID" 2>/dev/null
	fi
	if [[ -n $PG_DIR && -f $PG_DIR/postmaster.pid ]]; then
		local pg
		pg=$(head -n 1 "$PG_DIR/postmaster.pid")
		grep -qF "$PG_DIR" "/proc/$pg/cmdline" 2>/dev/null && kill -TERM "$pg"
	fi
	if ((rc == 0)); then
		rm -rf "$WORK"
	else
		log "logs kept in $WORK"
	fi
	exit "$rc"
}
trap cleanup EXIT

cd "$ROOT"
if [[ $SKIP_BUILD != 1 ]]; then
	log "building the jar (./mvnw -B -q -DskipTests package)"
	./mvnw -B -q -DskipTests package
fi
JAR=$(find "$ROOT/target" -maxdepth 1 -name 'project-registry-*.jar' 2>/dev/null | head -n 1 || true)
[[ -n $JAR ]] || fail "no jar in target/; run without SKIP_BUILD=1"

# "768Mi" -> bytes
bytes_of() {
	local value=${1%Mi}
	[[ $value != "$1" ]] || fail "memory limits are written in Mi here, not $1"
	echo $((value * 1024 * 1024))
}

rss_mib() { awk '/^VmRSS:/ { printf "%d\n", $2 / 1024 }' "/proc/$1/status"; }

# wrk_rps URL: requests per second of one wrk run of DURATION
wrk_rps() {
	wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" "$1" | awk '/^Requests\/sec:/ { printf "%d\n", $2 }'
}

# committed KiB of one NMT category ("Java Heap", "Metaspace", "Class" (class space), "Thread", "Code", "GC",
# "Compiler", "Arena Chunk", "Symbol", "Native Memory Tracking"...); 0 when the summary omits it
nmt_kib() { sed -n "s/^-  *$1 (reserved=[0-9]*KB, committed=\([0-9]*\)KB).*/\1/p" "$2" | awk '{ k += $1 } END { print k + 0 }'; }
nmt() { awk -v k="$(nmt_kib "$1" "$2")" 'BEGIN { printf "%d\n", k / 1024 }'; }

# Columns: rss-net is the steady RSS less NMT's own tracking memory (nmt-self), which a JVM without
# -XX:NativeMemoryTracking (as deployed) does not have; compiler is the JIT compiler's arenas (Compiler + Arena
# Chunk), whose freed peaks glibc may keep resident.
FORMAT='%-8s %-6s %-8s %-6s %-10s %-7s %-8s %-5s %-5s %-6s %-6s %-5s %-4s %-6s %-8s %-8s %-7s %s\n'
# shellcheck disable=SC2059
printf "$FORMAT" variant limit cached/s list/s rss-steady rss-net rss-peak heap meta class thread code gc symbol \
	compiler nmt-self nmt-tot options
IFS=';' read -ra variants <<<"$VARIANTS"
order=()
for round in $(seq 1 "$ROUNDS"); do
	if ((round % 2)); then
		order+=("${variants[@]}")
	else
		for ((k = ${#variants[@]} - 1; k >= 0; k--)); do order+=("${variants[k]}"); done
	fi
done
run=0
for variant in "${order[@]}"; do
	IFS='|' read -r name limit opts <<<"$variant"
	run=$((run + 1))
	port='' pg_port=''
	free_port port
	free_port pg_port
	PG_DIR=$WORK/pg-$run-$name # a fresh data directory for every run of a variant
	log "$name: starting with MaxRAM=$limit and $opts (HTTP $port, PostgreSQL $pg_port)"
	read -ra words <<<"$opts"
	environment=() java_opts=()
	for word in "${words[@]}"; do
		if ((${#java_opts[@]} == 0)) && [[ $word =~ ^[A-Z_][A-Z0-9_]*= ]]; then environment+=("$word"); else java_opts+=("$word"); fi
	done
	env -u SPRING_DATASOURCE_URL -u JAVA_TOOL_OPTIONS "${environment[@]}" java -XX:MaxRAM="$(bytes_of "$limit")" \
		"${tracking_flags[@]}" "${java_opts[@]}" -jar "$JAR" --server.port="$port" \
		--server.address=127.0.0.1 --registry.embedded.data-directory="$PG_DIR" \
		--registry.embedded.port="$pg_port" >"$WORK/$name.log" 2>&1 &
	PID=$!
	deadline=$((SECONDS + READY_TIMEOUT))
	until [[ $(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/actuator/health/readiness") == 200 ]]; do
		kill -0 "$PID" 2>/dev/null || fail "$name exited before it was ready (log $WORK/$name.log)"
		((SECONDS < deadline)) || fail "$name not ready after ${READY_TIMEOUT}s"
		sleep 0.2
	done
	base=http://127.0.0.1:$port
	for i in $(seq 1 20); do
		curl -sf -o /dev/null -X POST -H 'Content-Type: application/json' \
			-d "{\"name\": \"memory-$i\"}" "$base/api/v1/projects" || fail "seeding memory-$i failed"
	done
	cached="$base/api/v1/resolutions?project=memory-1"
	list="$base/api/v1/projects?size=20"
	wrk_rps "$cached" >/dev/null
	wrk_rps "$list" >/dev/null
	cached_rps=$(wrk_rps "$cached")
	: >"$WORK/$name.rss"
	(while kill -0 "$PID" 2>/dev/null; do rss_mib "$PID" >>"$WORK/$name.rss"; sleep 1; done) &
	sampler=$!
	list_rps=$(wrk_rps "$list")
	if [[ $NMT == summary ]]; then jcmd "$PID" VM.native_memory summary >"$WORK/$name.nmt"; fi
	kill "$sampler" 2>/dev/null
	wait "$sampler" 2>/dev/null || true
	steady=$(sort -n "$WORK/$name.rss" | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')
	peak=$(sort -n "$WORK/$name.rss" | tail -n 1)
	if [[ $NMT == summary ]]; then
		total=$(sed -n 's/^Total: reserved=[0-9]*KB, committed=\([0-9]*\)KB.*/\1/p' "$WORK/$name.nmt" | awk '{ printf "%d\n", $1 / 1024 }')
		compiler=$(awk -v a="$(nmt_kib Compiler "$WORK/$name.nmt")" -v b="$(nmt_kib 'Arena Chunk' "$WORK/$name.nmt")" \
			'BEGIN { printf "%d\n", (a + b) / 1024 }')
		tracking=$(nmt 'Native Memory Tracking' "$WORK/$name.nmt")
		columns=("$((steady - tracking))" "$peak" "$(nmt 'Java Heap' "$WORK/$name.nmt")" "$(nmt Metaspace "$WORK/$name.nmt")"
			"$(nmt Class "$WORK/$name.nmt")" "$(nmt Thread "$WORK/$name.nmt")" "$(nmt Code "$WORK/$name.nmt")"
			"$(nmt GC "$WORK/$name.nmt")" "$(nmt Symbol "$WORK/$name.nmt")" "$compiler" "$tracking" "$total")
		cp "$WORK/$name.nmt" "${TMPDIR:-/tmp}/registry-memory-$name.nmt"
	else
		columns=("$steady" "$peak" - - - - - - - - - -)
	fi
	# shellcheck disable=SC2059
	printf "$FORMAT" "$name" "$limit" "$cached_rps" "$list_rps" "$steady" "${columns[@]}" "$opts"
	kill -TERM "$PID"
	wait "$PID" 2>/dev/null || true
	PID=
done
if [[ $NMT == summary ]]; then log "NMT summaries: ${TMPDIR:-/tmp}/registry-memory-<variant>.nmt"; fi
