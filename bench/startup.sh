#!/usr/bin/env bash
# Start-up to readiness of the packaged service (issue 20). One command; it builds nothing:
#
#   bench/startup.sh target/project-registry-0.1.0-SNAPSHOT.jar
#   RUNS=7 bench/startup.sh 'plain|java -jar app/project-registry.jar' \
#                           'cds|java -XX:SharedArchiveFile=app/app.jsa -jar app/project-registry.jar'
#   bench/startup.sh --timeline target/project-registry-0.1.0-SNAPSHOT.jar   # where the time goes
#
# Each argument is a variant: a jar path (run as `java -jar JAR`), or LABEL|COMMAND, where COMMAND is the java
# command line up to and including the jar; the script appends the application's own arguments (free HTTP port,
# free embedded PostgreSQL port, data directory). Every round runs every variant, in turn, twice:
#   fresh     a new, empty data directory: the embedded PostgreSQL runs initdb, Flyway migrates from nothing
#   existing  the data directory the fresh start just left behind (initialised, migrated, default workspace there)
# The figure is the wall time from starting the process to the first 200 from /actuator/health/readiness, polled
# every 50 ms. Also reported: the CPU time the JVM used until then (user + system, from /proc; PostgreSQL's own
# processes not included), which a busy shared machine disturbs far less than the wall time, and the JVM's own
# "process running for" figure. Variants alternate within each round so a change of machine load hits all of them.
#
# --timeline DIR: one fresh and one existing start per variant with Spring Boot's BufferingApplicationStartup
# (-Dstartup.timeline=true), /actuator/startup saved to DIR/<label>-<kind>.json and summarised: the slowest steps
# by their own time (children subtracted). Not timed: recording costs time of its own.
#
# Settings (environment): RUNS=5 rounds; READY_TIMEOUT=180 seconds; KEEP_WORK=0 (1 keeps logs and data directories).
# Prints one table (medians, with min and max) and writes the raw samples to bench/results/startup.json.
# Needs java, curl and jq.
set -euo pipefail

# shellcheck source=bench/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
RESULTS=$ROOT/bench/results
RUNS=${RUNS:-5}
READY_TIMEOUT=${READY_TIMEOUT:-180}
KEEP_WORK=${KEEP_WORK:-0}
TIMELINE=

usage() {
	sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//' >&2
	exit 2
}

while [[ $# -gt 0 ]]; do
	case $1 in
	--timeline) TIMELINE=$(realpath -m "$2"); shift 2 ;;
	-h | --help) usage ;;
	--) shift; break ;;
	-*) echo "unknown option $1" >&2; usage ;;
	*) break ;;
	esac
done
[[ $# -gt 0 ]] || usage
for tool in java curl jq; do
	command -v "$tool" >/dev/null || { echo "startup.sh needs $tool" >&2; exit 1; }
done

LABELS=()
COMMANDS=()
for variant in "$@"; do
	if [[ $variant == *'|'* ]]; then
		LABELS+=("${variant%%|*}")
		COMMANDS+=("${variant#*|}")
	else
		[[ -f $variant ]] || { echo "no such jar: $variant" >&2; exit 1; }
		LABELS+=("$(basename "$variant" .jar)")
		COMMANDS+=("java -jar $variant")
	fi
done

WORK=$(mktemp -d "${TMPDIR:-/tmp}/registry-startup.XXXXXX")
APP_PID=
PORT=
cleanup() {
	local status=$?
	stop_app
	if [[ $KEEP_WORK == 1 || $status != 0 ]]; then
		echo "work directory kept: $WORK" >&2
	else
		rm -rf "$WORK"
	fi
}
trap cleanup EXIT

# CPU seconds (user + system) the process has used so far.
cpu_seconds() {
	local stat ticks
	stat=$(cat "/proc/$1/stat")
	stat=${stat##*) } # the fields after the command name, which may hold spaces
	read -r -a fields <<<"$stat"
	ticks=$(getconf CLK_TCK)
	# utime and stime are fields 14 and 15 of the line, 12 and 13 after "pid (comm) ".
	echo "scale=2; (${fields[11]} + ${fields[12]}) / $ticks" | bc
}

stop_app() {
	[[ -n $APP_PID ]] || return 0
	if kill -0 "$APP_PID" 2>/dev/null; then
		kill -TERM "$APP_PID" 2>/dev/null || true
		for _ in $(seq 1 600); do
			kill -0 "$APP_PID" 2>/dev/null || break
			sleep 0.1
		done
		kill -KILL "$APP_PID" 2>/dev/null || true
	fi
	wait "$APP_PID" 2>/dev/null || true
	APP_PID=
}

# run_once INDEX KIND DATA_DIR LOG [EXTRA_JVM_OPTION...]: starts the variant, waits for readiness, sets WALL (ms),
# CPU (s) and JVM (s) and leaves the process running (APP_PID, PORT). Not to be called in a subshell: the EXIT trap
# must see APP_PID.
run_once() {
	local index=$1 kind=$2 dir=$3 log=$4
	shift 4
	local -a command
	read -r -a command <<<"${COMMANDS[$index]}"
	# JVM options go right after the java executable.
	command=("${command[0]}" "$@" "${command[@]:1}")
	free_port PORT
	local t0 code deadline
	t0=$(now_ms)
	"${command[@]}" --server.port="$PORT" --registry.embedded.port=0 --registry.embedded.data-directory="$dir" \
		${TIMELINE:+--management.endpoints.web.exposure.include=health,startup} >"$log" 2>&1 &
	APP_PID=$!
	deadline=$((t0 + READY_TIMEOUT * 1000))
	while true; do
		code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:$PORT/actuator/health/readiness" || true)
		[[ $code == 200 ]] && break
		if ! kill -0 "$APP_PID" 2>/dev/null; then
			tail -n 30 "$log" >&2
			echo "${LABELS[$index]} ($kind) exited before it was ready; log: $log" >&2
			exit 1
		fi
		if (($(now_ms) > deadline)); then
			echo "${LABELS[$index]} ($kind) not ready after ${READY_TIMEOUT}s; log: $log" >&2
			exit 1
		fi
		sleep 0.05
	done
	WALL=$(($(now_ms) - t0))
	CPU=$(cpu_seconds "$APP_PID")
	JVM=$(sed -n 's/.*(process running for \([0-9.]*\)).*/\1/p' "$log" | head -n 1)
	JVM=${JVM:-null}
}

# The slowest steps of a saved /actuator/startup timeline, by their own time (their children's subtracted).
summarise_timeline() {
	jq -r '
		def seconds: capture("PT((?<m>[0-9]+)M)?((?<s>[0-9.]+)S)?") | ((.m // "0") | tonumber) * 60 + ((.s // "0") | tonumber);
		def detail: [.startupStep.tags[]? | select(.key == "beanName" or .key == "beanType" or .key == "configClass"
			or .key == "postProcessor" or .key == "listener" or .key == "event") | .value] | first // "";
		[.timeline.events[] | {id: .startupStep.id, parent: .startupStep.parentId, name: .startupStep.name,
			detail: detail, total: (.duration | seconds)}] as $steps
		| ($steps | group_by(.parent) | map({key: (.[0].parent | tostring), value: (map(.total) | add)}) | from_entries) as $children
		| ($steps | map(.total) | max) as $longest
		| "longest step: \($longest * 1000 | round) ms; steps recorded: \($steps | length)",
		  "self ms  total ms  step",
		  ($steps | map(. + {self: (.total - ($children[.id | tostring] // 0))}) | sort_by(-.self) | .[:30][]
			| "\(.self * 1000 | round | tostring | (" " * (7 - length)) + .)  \(.total * 1000 | round | tostring | (" " * (8 - length)) + .)  \(.name) \(.detail)")
	' "$1"
}

median() { sort -n | awk '{ v[NR] = $1 } END { if (NR == 0) print "null"; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

SAMPLES=$WORK/samples.tsv
: >"$SAMPLES"
machine="$(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg) at start, $(java -version 2>&1 | head -n 1)"
echo "machine: $machine" >&2

if [[ -n $TIMELINE ]]; then
	mkdir -p "$TIMELINE"
	for i in "${!LABELS[@]}"; do
		dir=$WORK/data-${LABELS[$i]}-timeline
		for kind in fresh existing; do
			run_once "$i" "$kind" "$dir" "$WORK/${LABELS[$i]}-$kind-timeline.log" -Dstartup.timeline=true
			out=$TIMELINE/${LABELS[$i]}-$kind.json
			curl -sf "http://127.0.0.1:$PORT/actuator/startup" >"$out"
			stop_app
			echo "== ${LABELS[$i]} $kind (recorded; ready after $WALL ms): $out"
			summarise_timeline "$out"
		done
	done
	exit 0
fi

for round in $(seq 1 "$RUNS"); do
	for i in "${!LABELS[@]}"; do
		dir=$WORK/data-${LABELS[$i]}-$round
		for kind in fresh existing; do
			log=$WORK/${LABELS[$i]}-$kind-$round.log
			run_once "$i" "$kind" "$dir" "$log"
			stop_app
			printf '%s\t%s\t%s\t%s\t%s\t%s\n' "${LABELS[$i]}" "$kind" "$round" "$WALL" "$CPU" "$JVM" >>"$SAMPLES"
			echo "round $round/$RUNS ${LABELS[$i]} $kind: ready after $WALL ms, JVM CPU $CPU s, process running for $JVM s" >&2
		done
		[[ $KEEP_WORK == 1 ]] || rm -rf "$dir"
	done
done

mkdir -p "$RESULTS"
printf '\n%-24s %-9s %22s %22s %16s\n' variant kind "ready ms (min-max)" "JVM CPU s (min-max)" "JVM running s"
for i in "${!LABELS[@]}"; do
	for kind in fresh existing; do
		rows=$(awk -F'\t' -v l="${LABELS[$i]}" -v k="$kind" '$1 == l && $2 == k' "$SAMPLES")
		wall=$(cut -f4 <<<"$rows" | median)
		cpu=$(cut -f5 <<<"$rows" | median)
		jvm=$(cut -f6 <<<"$rows" | grep -v null | median)
		range_wall="$(cut -f4 <<<"$rows" | sort -n | head -n 1)-$(cut -f4 <<<"$rows" | sort -n | tail -n 1)"
		range_cpu="$(cut -f5 <<<"$rows" | sort -n | head -n 1)-$(cut -f5 <<<"$rows" | sort -n | tail -n 1)"
		printf '%-24s %-9s %22s %22s %16s\n' "${LABELS[$i]}" "$kind" "$wall ($range_wall)" "$cpu ($range_cpu)" "$jvm"
	done
done
jq -R -s --arg machine "$machine" --argjson runs "$RUNS" \
	--argjson variants "$(for i in "${!LABELS[@]}"; do jq -n --arg l "${LABELS[$i]}" --arg c "${COMMANDS[$i]}" '{label: $l, command: $c}'; done | jq -s .)" '
	{machine: $machine, rounds: $runs, variants: $variants,
	 samples: [split("\n")[] | select(length > 0) | split("\t")
		| {variant: .[0], kind: .[1], round: (.[2] | tonumber), ready_ms: (.[3] | tonumber), jvm_cpu_s: (.[4] | tonumber),
		   jvm_running_s: (.[5] | if . == "null" then null else tonumber end)}]}' "$SAMPLES" >"$RESULTS/startup.json"
echo "raw samples: $RESULTS/startup.json" >&2
