#!/usr/bin/env bash
# Benchmark of project database schemas (issue 9). One command:
#
#   bench/schema.sh
#   SKIP_BUILD=1 CREATES=20 ROLLOUT_DATABASES=50 bench/schema.sh
#
# 1. Provisioning: CREATES sequential POST /api/v1/projects on an instance that applies the default project schema,
#    the same on a second instance (same PostgreSQL) with the schema step disabled, and raw CREATE DATABASE on
#    an open psql session; the three alternate, so they share the machine's noise.
# 2. Rollout throughput: ROLLOUT_DATABASES project databases migrated by POST /api/v1/schema-rollouts at each
#    parallelism in PARALLELISMS; each round rolls out one new small migration from a filesystem location.
#
# Everything runs on a fresh embedded PostgreSQL in a temporary directory and is stopped on exit. Prints a
# table and writes bench/results/schema.json. Needs java, curl, jq and psql.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
RESULTS=$ROOT/bench/results
CREATES=${CREATES:-30}
WARMUPS=${WARMUPS:-3}
ROLLOUT_DATABASES=${ROLLOUT_DATABASES:-50}
PARALLELISMS=${PARALLELISMS:-1 2 4}
SKIP_BUILD=${SKIP_BUILD:-0}
READY_TIMEOUT=${READY_TIMEOUT:-240}

log() { printf '[schema-bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
fail() { log "ERROR: $*"; exit 1; }
now_ms() { echo $(($(date +%s%N) / 1000000)); }

free_port() { # free_port VAR
	local candidate
	for _ in $(seq 1 200); do
		candidate=$((20000 + RANDOM % 40000))
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$candidate") 2>/dev/null && [[ " ${PORTS:-} " != *" $candidate "* ]]; then
			PORTS="${PORTS:-} $candidate"
			printf -v "$1" '%s' "$candidate"
			return 0
		fi
	done
	fail "no free TCP port"
}

# Median, mean, min and max of a file with one number per line, as JSON.
stats() {
	sort -g "$1" | awk '{ v[NR] = $1; s += $1 } END {
		m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
		printf "{\"n\":%d,\"p50\":%.1f,\"mean\":%.1f,\"min\":%.1f,\"max\":%.1f}\n", NR, m, s / NR, v[1], v[NR] }'
}

PIDS=()
cleanup() {
	local rc=$?
	set +e
	for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do
		kill -TERM "${PIDS[i]}" 2>/dev/null
		for _ in $(seq 1 300); do kill -0 "${PIDS[i]}" 2>/dev/null || break; sleep 0.1; done
		kill -KILL "${PIDS[i]}" 2>/dev/null
		wait "${PIDS[i]}" 2>/dev/null
	done
	if ((rc == 0)); then rm -rf "$WORK"; else log "logs kept in $WORK"; fi
	exit "$rc"
}

start() { # start NAME PORT [env...] -- [args...]
	local name=$1 port=$2
	shift 2
	local -a env=()
	while [[ $# -gt 0 && $1 != -- ]]; do env+=("$1"); shift; done
	shift
	env -u SPRING_DATASOURCE_URL "${env[@]}" java -jar "$JAR" --server.port="$port" --server.address=127.0.0.1 \
		--registry.sessions.allowed-roots="$WORK" "$@" >"$WORK/$name.log" 2>&1 &
	PIDS+=($!)
	local pid=$! deadline=$(($(now_ms) + READY_TIMEOUT * 1000))
	until [[ $(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/actuator/health/readiness") == 200 ]]; do
		kill -0 "$pid" 2>/dev/null || { tail -n 30 "$WORK/$name.log" >&2; fail "$name exited"; }
		(($(now_ms) < deadline)) || fail "$name not ready after ${READY_TIMEOUT}s"
		sleep 0.1
	done
}

create() { # create PORT NAME: prints "<milliseconds> <id>"; fails unless 201
	local out
	out=$(curl -s -w '\n%{http_code} %{time_total}' -H 'Content-Type: application/json' \
		-d "{\"name\": \"$2\"}" "http://127.0.0.1:$1/api/v1/projects")
	local status=${out##*$'\n'}
	[[ ${status%% *} == 201 ]] || fail "creating $2 on $1: $out"
	awk -v t="${status#* }" -v id="$(head -n 1 <<<"$out" | jq -r .id)" 'BEGIN { printf "%.1f %s\n", t * 1000, id }'
}

timer_mean_ms() { # timer_mean_ms PORT OPERATION: mean of registry.provisioning.duration{operation,result=success}
	curl -s "http://127.0.0.1:$1/actuator/metrics/registry.provisioning.duration?tag=operation:$2&tag=result:success" |
		jq '([.measurements[] | select(.statistic == "TOTAL_TIME") | .value][0] // 0) * 1000
		    / ([.measurements[] | select(.statistic == "COUNT") | .value][0] // 1) | . * 10 | round / 10'
}

WORK=$(mktemp -d "${TMPDIR:-/tmp}/schema-bench.XXXXXX")
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
log "load before: $(uptime)"

cd "$ROOT"
if [[ $SKIP_BUILD != 1 ]]; then
	log "building the jar"
	./mvnw -B -q -DskipTests package
fi
JAR=$(ls "$ROOT"/target/project-registry-*.jar | grep -v '\.original$' | head -n 1)

free_port PG
free_port A
free_port B
mkdir -p "$WORK/migrations"
log "instance A (default schema, embedded PostgreSQL on $PG) on $A"
start a "$A" -- --registry.embedded.data-directory="$WORK/pg" --registry.embedded.port="$PG" \
	--registry.provisioning.schema.locations="classpath:project-db/migration,filesystem:$WORK/migrations"
log "instance B (schema step disabled, same PostgreSQL) on $B"
start b "$B" SPRING_DATASOURCE_URL="jdbc:postgresql://127.0.0.1:$PG/registry" SPRING_DATASOURCE_USERNAME=postgres \
	SPRING_DATASOURCE_PASSWORD= -- --registry.provisioning.schema.enabled=false

# ------------------------------------------------------------------------------------ 1. provisioning time

log "provisioning: $WARMUPS warm-up and $CREATES measured creates per variant"
PSQL=(psql -X -q -h 127.0.0.1 -p "$PG" -U postgres -d postgres)
for i in $(seq 1 $((WARMUPS + CREATES))); do
	a=$(create "$A" "schema-$i")
	b=$(create "$B" "plain-$i")
	raw=$("${PSQL[@]}" -c '\timing on' -c "CREATE DATABASE bench_raw_$i" | sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p')
	if ((i > WARMUPS)); then
		echo "${a%% *}" >>"$WORK/with-schema"
		echo "${b%% *}" >>"$WORK/without-schema"
		echo "$raw" >>"$WORK/raw"
	fi
done
WITH=$(stats "$WORK/with-schema")
WITHOUT=$(stats "$WORK/without-schema")
RAW=$(stats "$WORK/raw")
SERVER=$(jq -n --argjson c "$(timer_mean_ms "$A" create)" --argjson m "$(timer_mean_ms "$A" migrate)" \
	--argjson cb "$(timer_mean_ms "$B" create)" '{a_create_ms: $c, a_migrate_ms: $m, b_create_ms: $cb}')

# ------------------------------------------------------------------------------------ 2. rollout throughput

log "rollouts: creating $ROLLOUT_DATABASES project databases on A"
IDS=()
for i in $(seq 1 "$ROLLOUT_DATABASES"); do
	r=$(create "$A" "rollout-$i")
	IDS+=("${r#* }")
done
PROJECTS=$(printf '%s\n' "${IDS[@]}" | jq -R . | jq -s -c .)
ROLLOUTS='[]'
version=1
for p in $PARALLELISMS; do
	version=$((version + 1))
	printf 'ALTER TABLE code_files ADD COLUMN bench_%d text;\nCREATE INDEX ON code_files (bench_%d);\n' "$version" "$version" \
		>"$WORK/migrations/V${version}__bench_step.sql"
	t0=$(now_ms)
	location=$(curl -s -D - -o /dev/null -H 'Content-Type: application/json' \
		-d "{\"projects\": $PROJECTS, \"parallelism\": $p}" "http://127.0.0.1:$A/api/v1/schema-rollouts" |
		tr -d '\r' | sed -n 's/^[Ll]ocation: //p')
	[[ -n $location ]] || fail "rollout at parallelism $p was not accepted"
	while true; do
		rollout=$(curl -s "http://127.0.0.1:$A$location?size=1")
		[[ $(jq -r .state <<<"$rollout") == COMPLETED ]] && break
		sleep 0.1
	done
	wall=$(($(now_ms) - t0))
	succeeded=$(jq .counts.succeeded <<<"$rollout")
	((succeeded == ROLLOUT_DATABASES)) || fail "rollout at parallelism $p: $(jq -c .counts <<<"$rollout")"
	# The rollout's own span (createdAt to finishedAt, recorded by PostgreSQL), without polling and HTTP.
	server_ms=$(jq 'def t: (sub("\\.[0-9]+"; "") | fromdateiso8601) + ((capture("\\.(?<f>[0-9]+)").f // "0") | "0." + . | tonumber);
		((.finishedAt | t) - (.createdAt | t)) * 1000 | round' <<<"$rollout")
	ROLLOUTS=$(jq -c --argjson p "$p" --argjson n "$succeeded" --argjson wall "$wall" --argjson server "$server_ms" \
		'. + [{parallelism: $p, databases: $n, wall_ms: $wall, server_ms: $server,
		       databases_per_second: ($n * 1000 / $server * 10 | round / 10)}]' <<<"$ROLLOUTS")
	log "parallelism $p: $succeeded databases in $server_ms ms ($wall ms seen by the client)"
done

mkdir -p "$RESULTS"
jq -n --argjson with "$WITH" --argjson without "$WITHOUT" --argjson raw "$RAW" --argjson server "$SERVER" \
	--argjson rollouts "$ROLLOUTS" --arg load "$(uptime)" --arg cpus "$(nproc)" \
	'{provisioning_ms: {with_default_schema: $with, schema_disabled: $without, raw_create_database: $raw,
	  server_means: $server}, rollouts: $rollouts, load_after: $load, cpus: $cpus}' >"$RESULTS/schema.json"

printf '\nProvisioning, client-side ms per project (%s each, after %s warm-ups)\n' "$CREATES" "$WARMUPS"
printf '%-34s %8s %8s %8s %8s\n' variant p50 mean min max
for v in "POST, default schema:$WITH" "POST, schema step disabled:$WITHOUT" "raw CREATE DATABASE (psql):$RAW"; do
	jq -r --arg name "${v%%:*}" '"\($name)|\(.p50)|\(.mean)|\(.min)|\(.max)"' <<<"${v#*:}" |
		awk -F'|' '{ printf "%-34s %8s %8s %8s %8s\n", $1, $2, $3, $4, $5 }'
done
jq -r '"server-side means: CREATE DATABASE \(.a_create_ms) ms + schema \(.a_migrate_ms) ms (A); CREATE DATABASE \(.b_create_ms) ms (B)"' <<<"$SERVER"
printf '\nRollout of one small migration over %s databases\n' "$ROLLOUT_DATABASES"
printf '%-12s %10s %10s %14s\n' parallelism server_ms wall_ms databases/s
jq -r '.[] | "\(.parallelism) \(.server_ms) \(.wall_ms) \(.databases_per_second)"' <<<"$ROLLOUTS" |
	awk '{ printf "%-12s %10s %10s %14s\n", $1, $2, $3, $4 }'
log "load after: $(uptime); results in $RESULTS/schema.json"
