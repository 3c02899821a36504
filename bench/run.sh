#!/usr/bin/env bash
# Benchmark harness of the Project Registry. The scenarios are in bench/scenarios (one file each), the shared
# helpers in bench/lib; docs/benchmarks.md explains the figures and their limits.
#
#   bench/run.sh list                    # the scenarios, in the order "all" runs them
#   bench/run.sh all                     # build the jar, run every scenario, print the table
#   bench/run.sh resolution scale        # only these scenarios (in the order given), on one shared instance
#   bench/run.sh compare A B             # two jars or two git revisions side by side, ABBA rounds, ratios B/A
#   bench/run.sh --table [SUMMARY]       # print the table of the last run again (--markdown: as Markdown)
#   SMOKE=1 bench/run.sh all             # every scenario with tiny sizes (a check of the harness, not figures)
#
# Every instance runs on free ports, on an embedded PostgreSQL in a temporary data directory (or on another
# instance's server); everything started is stopped on exit. Results: bench/results/<scenario>.json and
# summary.json (machine, settings, load at each step), or with SMOKE=1 in the temporary directory only.
# Needs java, curl, jq, psql, pgbench, stdbuf and wrk.
#
# Settings (environment); SMOKE=1 changes the defaults to the values in brackets:
#   DURATION=10s [1s]       length of each measured wrk / pgbench run
#   WARMUP=10s [1s]         length of each unmeasured wrk warm-up run
#   WARMUP_PASSES=2 [1]     warm-up passes over a scenario's targets (the JIT ramps up slowly on 2 busy cores)
#   ROUNDS=3 [2]            measured rounds where targets alternate (resolution, cache-disabled, compare)
#   CONNECTIONS=64 [4]      wrk connections and pgbench clients;  THREADS=2 [1]  wrk threads and pgbench jobs
#   CREATES=30 [2]          timed pairs in each phase of auto-create;  CREATE_WARMUPS=1  untimed pairs first
#   WARM_CREATES=300 [2]    untimed auto-creates between auto-create's cold and warm phase
#   RACE_ROUNDS=5 [1]       rounds of get-or-create-race (one create, a race of a new name, a race of an existing one)
#   CONCURRENT=50 [4]       callers of get-or-create-race
#   STALENESS_WRITES=500 [5]  timed writes of staleness;  STALENESS_UNTIMED=100 [2]  untimed writes first
#   SEED_ROWS=100000 [1000] rows seeded by scale, reconciler and transfer (and by compare for lookup/list)
#   RECONCILER_RUNS=5 [1] timed reconciliation reports of each scope
#   TRANSFER_EXISTING=10000 [20], TRANSFER_NEW=50 [2]  transfer: registered entries imported again, new projects imported
#   STARTUP_RUNS=2 [1]      rounds of start-ups (fresh, existing, external) in startup
#   SCHEMA_CREATES=30 [2], SCHEMA_WARMUPS=3 [1], ROLLOUT_DATABASES=50 [2], PARALLELISMS="1 2 4" ["2"]  schema
#   FLEET_CREATES=60 [2], FLEET_WARMUPS=20*FLEET_SERVERS [1], FLEET_SERVERS=3  fleet (timed and untimed create
#                           pairs; embedded servers); the warm-ups give every fleet server 20 creates before timing
#   FLEET_RAW_ROUNDS=4 [1]  fleet: blocks of five raw CREATE DATABASE on each of default and local-1
#   JMH_OPTS="-f 1 -wi 8 -w 1s -i 8 -r 1s" ["-f 1 -wi 1 -w 1s -i 1 -r 1s"]  options of the jmh scenario
#   COMPARE_TARGETS="root resolution lookup list"  compare's targets (also liveness, startup); see bench/lib/compare.sh
#   JAR=                    the jar to measure (default: target/project-registry-*.jar, built unless SKIP_BUILD=1)
#   SKIP_BUILD=0            1 reuses target/ (the jar and target/bench, the JMH build)
#   JAVA_OPTS=              extra JVM options for every service instance
#   PROJECT_SCHEMA=0        1 applies the default project schema to every new project database; 0 provisions as
#                           the targets define it (row + CREATE DATABASE); the schema scenario measures the step
#   KEEP_WORK=0             1 keeps the temporary directory (logs, raw reports) after a successful run
#   READY_TIMEOUT=240       seconds an instance may take to become ready
set -euo pipefail

LIB=$(cd "$(dirname "${BASH_SOURCE[0]}")/lib" && pwd)
# shellcheck source=bench/lib/common.sh
source "$LIB/common.sh"
# shellcheck source=bench/lib/app.sh
source "$LIB/app.sh"
# shellcheck source=bench/lib/load.sh
source "$LIB/load.sh"
# shellcheck source=bench/lib/rawdb.sh
source "$LIB/rawdb.sh"
# shellcheck source=bench/lib/report.sh
source "$LIB/report.sh"
# shellcheck source=bench/lib/compare.sh
source "$LIB/compare.sh"

# The order "all" runs the scenarios in: staleness before scale (it measures a registry with few rows), startup
# after scale (the external start-up then meets a large registry), jmh last (it starts its own application).
ORDER=(resolution cache-disabled auto-create get-or-create-race staleness scale reconciler transfer startup schema fleet jmh)

SMOKE=${SMOKE:-0}
if [[ $SMOKE == 1 ]]; then
	: "${DURATION:=1s}" "${WARMUP:=1s}" "${WARMUP_PASSES:=1}" "${ROUNDS:=2}" "${CONNECTIONS:=4}" "${THREADS:=1}"
	: "${CREATES:=2}" "${WARM_CREATES:=2}" "${RACE_ROUNDS:=1}" "${CONCURRENT:=4}" "${STALENESS_WRITES:=5}"
	: "${STALENESS_UNTIMED:=2}" "${SEED_ROWS:=1000}" "${RECONCILER_RUNS:=1}" "${TRANSFER_EXISTING:=20}" "${TRANSFER_NEW:=2}" "${STARTUP_RUNS:=1}" "${SCHEMA_CREATES:=2}" "${SCHEMA_WARMUPS:=1}"
	: "${ROLLOUT_DATABASES:=2}" "${PARALLELISMS:=2}" "${JMH_OPTS:=-f 1 -wi 1 -w 1s -i 1 -r 1s}"
	: "${FLEET_CREATES:=2}" "${FLEET_WARMUPS:=1}" "${FLEET_RAW_ROUNDS:=1}"
fi
DURATION=${DURATION:-10s}
WARMUP=${WARMUP:-10s}
WARMUP_PASSES=${WARMUP_PASSES:-2}
ROUNDS=${ROUNDS:-3}
CONNECTIONS=${CONNECTIONS:-64}
THREADS=${THREADS:-2}
CREATES=${CREATES:-30}
CREATE_WARMUPS=${CREATE_WARMUPS:-1}
WARM_CREATES=${WARM_CREATES:-300}
RACE_ROUNDS=${RACE_ROUNDS:-5}
CONCURRENT=${CONCURRENT:-50}
STALENESS_WRITES=${STALENESS_WRITES:-500}
STALENESS_UNTIMED=${STALENESS_UNTIMED:-100}
SEED_ROWS=${SEED_ROWS:-100000}
STARTUP_RUNS=${STARTUP_RUNS:-2}
SCHEMA_CREATES=${SCHEMA_CREATES:-30}
SCHEMA_WARMUPS=${SCHEMA_WARMUPS:-3}
ROLLOUT_DATABASES=${ROLLOUT_DATABASES:-50}
PARALLELISMS=${PARALLELISMS:-1 2 4}
FLEET_CREATES=${FLEET_CREATES:-60}
FLEET_SERVERS=${FLEET_SERVERS:-3}
# A fresh embedded server's first creates are slower; the fleet's servers share the warm-up pairs, so they scale.
FLEET_WARMUPS=${FLEET_WARMUPS:-$((20 * FLEET_SERVERS))}
JMH_OPTS=${JMH_OPTS:--f 1 -wi 8 -w 1s -i 8 -r 1s}
COMPARE_TARGETS=${COMPARE_TARGETS:-root resolution lookup list}
SKIP_BUILD=${SKIP_BUILD:-0}
SETTINGS="DURATION=$DURATION WARMUP=$WARMUP WARMUP_PASSES=$WARMUP_PASSES ROUNDS=$ROUNDS CONNECTIONS=$CONNECTIONS THREADS=$THREADS CREATES=$CREATES CREATE_WARMUPS=$CREATE_WARMUPS WARM_CREATES=$WARM_CREATES RACE_ROUNDS=$RACE_ROUNDS CONCURRENT=$CONCURRENT STALENESS_WRITES=$STALENESS_WRITES STALENESS_UNTIMED=$STALENESS_UNTIMED SEED_ROWS=$SEED_ROWS STARTUP_RUNS=$STARTUP_RUNS SCHEMA_CREATES=$SCHEMA_CREATES SCHEMA_WARMUPS=$SCHEMA_WARMUPS ROLLOUT_DATABASES=$ROLLOUT_DATABASES PARALLELISMS=\"$PARALLELISMS\" FLEET_CREATES=$FLEET_CREATES FLEET_WARMUPS=$FLEET_WARMUPS FLEET_SERVERS=$FLEET_SERVERS PROJECT_SCHEMA=$PROJECT_SCHEMA JAVA_OPTS=\"$JAVA_OPTS\" JMH_OPTS=\"$JMH_OPTS\""

usage() {
	sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//' >&2
	exit 2
}

# list: every scenario with the first line of its header; fails if a file in bench/scenarios is not in ORDER.
list_scenarios() {
	local name file
	for name in "${ORDER[@]}"; do
		file=$BENCH/scenarios/$name.sh
		[[ -f $file ]] || fail "scenario $name in ORDER has no file $file"
		printf '%-20s %s\n' "$name" "$(sed -n 's/^# Scenario: //p' "$file" | head -n 1)"
	done
	for file in "$BENCH"/scenarios/*.sh; do
		name=$(basename "$file" .sh)
		[[ " ${ORDER[*]} " == *" $name "* ]] || fail "bench/scenarios/$name.sh is not in run.sh's ORDER"
	done
}

case ${1:-} in
"" | -h | --help) usage ;;
list)
	list_scenarios
	exit 0
	;;
--table | --markdown)
	print_table "${2:-$BENCH/results/summary.json}" "$([[ $1 == --markdown ]] && echo md || echo text)"
	exit 0
	;;
esac

require java "a JDK 17 or newer (apt-get install -y openjdk-17-jdk)"
require curl "apt-get install -y curl"
require jq "apt-get install -y jq"
require psql "apt-get install -y postgresql-client"
require pgbench "apt-get install -y postgresql-client (Debian's has pgbench)"
require stdbuf "apt-get install -y coreutils"
require wrk "apt-get update && apt-get install -y wrk   (macOS: brew install wrk)"

new_work_dir
if [[ $SMOKE == 1 ]]; then
	RESULTS=${RESULTS:-$WORK/results}
else
	RESULTS=${RESULTS:-$BENCH/results}
fi
mkdir -p "$RESULTS"
LOAD_BEFORE=$(uptime)
RUN_STARTED=$(now_ms)
log "load before: $LOAD_BEFORE"
log "work directory: $WORK"

if [[ $1 == compare ]]; then
	(($# == 3)) || usage
	compare_run "$2" "$3"
	print_compare "$RESULTS/compare.json"
	log "load after: $(uptime); $RESULTS/compare.json ($(($(now_ms) - RUN_STARTED)) ms in all)"
	exit 0
fi

SCENARIOS=("$@")
[[ $1 == all ]] && SCENARIOS=("${ORDER[@]}")
for name in "${SCENARIOS[@]}"; do
	[[ " ${ORDER[*]} " == *" $name "* ]] || fail "unknown scenario $name (bench/run.sh list)"
	# shellcheck source=/dev/null
	source "$BENCH/scenarios/$name.sh"
done

if [[ -z ${JAR:-} ]]; then
	if [[ $SKIP_BUILD != 1 ]]; then
		mark_load build
		log "building the jar (./mvnw -B -q -DskipTests package)"
		(cd "$ROOT" && ./mvnw -B -q -DskipTests package)
	fi
	JAR=$(packaged_jar "$ROOT") || fail "no jar in target/; run without SKIP_BUILD=1"
fi
[[ -f $JAR ]] || fail "no jar $JAR"
log "jar: $JAR"

for name in "${SCENARIOS[@]}"; do # each scenario records the load at its own steps
	log "scenario $name"
	"scenario_${name//-/_}"
done

mark_load end
LOAD_AFTER=$(uptime)
log "load after: $LOAD_AFTER"
for name in "${SCENARIOS[@]}"; do printf '{"%s": %s}\n' "$name" "$(cat "$RESULTS/$name.json")"; done |
	jq -s --argjson machine "$(machine_json)" --argjson elapsed "$(($(now_ms) - RUN_STARTED))" \
		--arg settings "$SETTINGS" --arg command "bench/run.sh $*" --arg jar "$JAR" --arg smoke "$SMOKE" \
		'{command: $command, smoke: ($smoke == "1"), jar: $jar, machine: $machine, settings: $settings,
		  elapsed_s: ($elapsed / 1000 | floor), scenarios: add}' >"$RESULTS/summary.json"
print_table "$RESULTS/summary.json"
jq -r '.machine.loadavg_at_step[] | select(.busiest | test("FOREIGN")) |
	"WARNING: a process this run did not start was busy at step \(.step): \(.busiest | split(" |") | map(select(test("FOREIGN"))) | join(";"))"' \
	"$RESULTS/summary.json"
echo
echo "load before: $LOAD_BEFORE"
echo "load after:  $LOAD_AFTER"
echo "results: $RESULTS/*.json ($(($(now_ms) - RUN_STARTED)) ms in all)"
