#!/usr/bin/env bash
# List pages of GET /api/v1/projects at 100,000 projects, two jars side by side in one run (issue 20).
#
#   bench/list-pages.sh                                   # before: the main branch's jar, after: this checkout's
#   BEFORE_JAR=old.jar AFTER_JAR=new.jar bench/list-pages.sh
#
# Each jar runs on its own fresh embedded PostgreSQL, seeded with the same rows as bench/run.sh's scenario 5
# (names bench-000001..., READY, created_at one second apart) and ANALYZEd. The jars are measured alternately:
# every round runs each target at each connection count on both, and the order of the two flips every round.
# Prints a Markdown table (median of the rounds' p50/p99/req/s; the worst round's p99 too) and writes
# bench/results/list-pages.json. With PLANS=1 it also prints EXPLAIN (ANALYZE, BUFFERS) of the after jar's page
# statements. Needs java, curl, jq, psql and wrk.
#
# Settings (environment):
#   BEFORE_REF=main   commit whose jar is "before" when BEFORE_JAR is not set (built from git archive, tests skipped)
#   BEFORE_JAR=       a jar to use as "before"
#   AFTER_JAR=        a jar to use as "after" (default: target/project-registry-*.jar, built if missing)
#   SEED_ROWS=100000  projects seeded into each instance
#   CONNECTIONS="1 16"  wrk connection counts (threads: 1 for one connection, 2 otherwise)
#   DURATION=10s      each measured wrk run;  WARMUP=15s: one warm-up run per target and jar
#   ROUNDS=3          measured rounds
#   PLANS=0           1 prints the plans of the page statements (after jar)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BEFORE_REF=${BEFORE_REF:-main}
SEED_ROWS=${SEED_ROWS:-100000}
CONNECTIONS=${CONNECTIONS:-1 16}
DURATION=${DURATION:-10s}
WARMUP=${WARMUP:-15s}
ROUNDS=${ROUNDS:-3}
PLANS=${PLANS:-0}
RESULTS=$ROOT/bench/results

log() { printf '[list-pages %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
fail() {
	log "ERROR: $*"
	exit 1
}
for tool in java curl jq psql wrk; do
	command -v "$tool" >/dev/null || fail "$tool is not installed"
done

WORK=$(mktemp -d "${TMPDIR:-/tmp}/list-pages.XXXXXX")
PIDS=()
cleanup() {
	local rc=$?
	set +e
	for pid in "${PIDS[@]+"${PIDS[@]}"}"; do
		kill -TERM "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	done
	if ((rc == 0)); then
		rm -rf "$WORK"
	else
		log "logs kept in $WORK"
	fi
	exit "$rc"
}
trap cleanup EXIT INT TERM

free_port() {
	local port
	while true; do
		port=$((20000 + RANDOM % 40000))
		(exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || {
			echo "$port"
			return
		}
	done
}

# ------------------------------------------------------------------------------------------------ the jars

if [[ -z ${AFTER_JAR:-} ]]; then
	AFTER_JAR=$(find "$ROOT/target" -maxdepth 1 -name 'project-registry-*.jar' 2>/dev/null | head -n 1 || true)
	if [[ -z $AFTER_JAR ]]; then
		log "building this checkout's jar"
		(cd "$ROOT" && ./mvnw -B -q package -DskipTests) >&2
		AFTER_JAR=$(find "$ROOT/target" -maxdepth 1 -name 'project-registry-*.jar' | head -n 1)
	fi
fi
if [[ -z ${BEFORE_JAR:-} ]]; then
	log "building the jar of $BEFORE_REF (git archive, tests skipped)"
	mkdir -p "$WORK/before-src"
	git -C "$ROOT" archive "$BEFORE_REF" | tar -x -C "$WORK/before-src"
	(cd "$WORK/before-src" && ./mvnw -B -q package -DskipTests) >&2
	BEFORE_JAR=$(find "$WORK/before-src/target" -maxdepth 1 -name 'project-registry-*.jar' | head -n 1)
fi

# ------------------------------------------------------------------------------------------------ instances

declare -A HTTP PG
start() { # start NAME JAR
	local name=$1 jar=$2
	HTTP[$name]=$(free_port)
	PG[$name]=$(free_port)
	env -u SPRING_DATASOURCE_URL -u SPRING_DATASOURCE_USERNAME -u SPRING_DATASOURCE_PASSWORD \
		java -jar "$jar" --server.port="${HTTP[$name]}" --server.address=127.0.0.1 \
		--registry.embedded.data-directory="$WORK/pg-$name" --registry.embedded.port="${PG[$name]}" \
		>"$WORK/$name.log" 2>&1 &
	PIDS+=($!)
}
wait_ready() {
	local name=$1
	for _ in $(seq 1 2400); do
		[[ $(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:${HTTP[$name]}/actuator/health/readiness") == 200 ]] && return
		sleep 0.1
	done
	fail "$name not ready; see $WORK/$name.log"
}
psql_of() { local name=$1; shift; psql -X -q -A -t -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "${PG[$name]}" -U postgres -d registry "$@"; }

log "starting before ($BEFORE_JAR) and after ($AFTER_JAR)"
start before "$BEFORE_JAR"
start after "$AFTER_JAR"
wait_ready before
wait_ready after
for name in before after; do
	log "seeding $SEED_ROWS projects into $name"
	# A registry with a fleet (V9) names each project's server; the rows go to the first one.
	server_column='' server_value=''
	if [[ $(psql_of "$name" -c "SELECT count(*) FROM information_schema.columns
			WHERE table_name = 'projects' AND column_name = 'server'") == 1 ]]; then
		server_column=', server' server_value=', (SELECT min(name) FROM database_servers)'
	fi
	# Triggers off for the bulk insert (as a restore does): one change notification per row is not what is
	# measured, and main's per-server count trigger updates one row 100,000 times in one transaction (it ran for
	# over 10 minutes on a loaded machine); the count is set once after.
	recount=''
	[[ -n $server_column ]] && recount="UPDATE database_servers s SET projects = (SELECT count(*) FROM projects p WHERE p.server = s.name);"
	psql_of "$name" <<SQL
SET session_replication_role = replica;
INSERT INTO projects (id, name, description, database_name, state, index_status, created_at, updated_at$server_column)
SELECT gen_random_uuid(), 'bench-' || lpad(g::text, 6, '0'), NULL,
       'cb_proj_bench_' || lpad(g::text, 6, '0') || '_' || substr(md5(g::text), 1, 8),
       'READY', 'NOT_INDEXED', now() - make_interval(secs => g), now() - make_interval(secs => g)$server_value
FROM generate_series(1, $SEED_ROWS) AS g;
RESET session_replication_role;
$recount
ANALYZE projects;
SQL
done

# ------------------------------------------------------------------------------------------------ targets

FILTERED="size=50&state=READY&namePrefix=bench&sort=createdAt,desc"
DEEP_PAGE=$((SEED_ROWS * 9 / 10 / 50))
declare -A URL
URL[first]="/api/v1/projects?size=50"
URL[filtered]="/api/v1/projects?$FILTERED"
# Page 1,800 of 2,000: the offset form on both; the cursor to the same page on the after jar (any page hands one out).
URL[deep-offset]="/api/v1/projects?$FILTERED&page=$DEEP_PAGE"
deep_cursor=$(curl -s "http://127.0.0.1:${HTTP[after]}/api/v1/projects?$FILTERED&page=$((DEEP_PAGE - 1))&count=none" | jq -r .next)
[[ $deep_cursor == /api/* ]] || fail "the after jar gave no next link for page $((DEEP_PAGE - 1))"
URL[deep-cursor]=$deep_cursor
TARGETS=(first filtered deep-offset deep-cursor)
runs_on() { [[ $1 != deep-cursor || $2 == after ]]; }

cat >"$WORK/report.lua" <<'LUA'
done = function(summary, latency, requests)
  local out = assert(io.open(os.getenv("WRK_REPORT"), "w"))
  local e = summary.errors
  out:write(string.format('{"requests":%d,"rps":%.1f,"p50_ms":%.3f,"p99_ms":%.3f,"errors":%d}\n',
    summary.requests, summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000,
    latency:percentile(99) / 1000, e.connect + e.read + e.write + e.status + e.timeout))
  out:close()
end
LUA
measure() { # measure NAME TARGET CONNECTIONS DURATION REPORT
	local threads=2
	(($3 == 1)) && threads=1
	WRK_REPORT=$5 wrk -t"$threads" -c"$3" -d"$4" --latency -s "$WORK/report.lua" \
		"http://127.0.0.1:${HTTP[$1]}${URL[$2]}" >"$5.txt" 2>&1 || fail "wrk failed on $1 $2"
	[[ $(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:${HTTP[$1]}${URL[$2]}") == 200 ]] ||
		fail "$1 $2 did not answer 200"
}

log "warm-up: $WARMUP per target and jar"
for target in "${TARGETS[@]}"; do
	for name in before after; do
		runs_on "$target" "$name" && measure "$name" "$target" 16 "$WARMUP" "$WORK/warm-$name-$target.json"
	done
done
order=(before after)
for round in $(seq 1 "$ROUNDS"); do
	log "round $round of $ROUNDS (${order[*]})"
	for target in "${TARGETS[@]}"; do
		for c in $CONNECTIONS; do
			for name in "${order[@]}"; do
				runs_on "$target" "$name" && measure "$name" "$target" "$c" "$DURATION" "$WORK/r$round-$name-$target-c$c.json"
			done
		done
	done
	order=("${order[1]}" "${order[0]}")
done

# ------------------------------------------------------------------------------------------------ report

mkdir -p "$RESULTS"
for f in "$WORK"/r*-*.json; do
	b=$(basename "$f" .json)
	jq -c --arg run "$b" '. + {round: ($run | capture("^r(?<r>[0-9]+)-(?<jar>before|after)-(?<target>.+)-c(?<c>[0-9]+)$"))}' "$f"
done | jq -s --arg when "$(date -u +%FT%TZ)" --arg cpu "$(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)" \
	--argjson rows "$SEED_ROWS" --arg duration "$DURATION" --arg before "$BEFORE_JAR" --arg after "$AFTER_JAR" \
	--argjson urls "$(for t in "${TARGETS[@]}"; do jq -n --arg t "$t" --arg u "${URL[$t]}" '{($t): $u}'; done | jq -s add)" '
	def median: sort | if length % 2 == 1 then .[length / 2 | floor] else (.[length / 2 - 1] + .[length / 2]) / 2 end;
	{when: $when, machine: $cpu, seeded_rows: $rows, wrk_duration: $duration, before: $before, after: $after, urls: $urls,
	 figures: (group_by([.round.target, .round.c, .round.jar]) | map({
		target: .[0].round.target, connections: (.[0].round.c | tonumber), jar: .[0].round.jar, rounds: length,
		p50_ms: (map(.p50_ms) | median), p99_ms: (map(.p99_ms) | median), worst_p99_ms: (map(.p99_ms) | max),
		rps: (map(.rps) | median), errors: (map(.errors) | add)}))}' >"$RESULTS/list-pages.json"

jq -r '
	"| target | connections | before p99 (worst) | after p99 (worst) | before p50 / after p50 | before / after req/s |",
	"|---|---|---|---|---|---|",
	(.figures | group_by([.target, .connections])[] | (map({(.jar): .}) | add) as $x |
		"| \(.[0].target) | \(.[0].connections) | \($x.before.p99_ms // "–") (\($x.before.worst_p99_ms // "–")) | \($x.after.p99_ms // "–") (\($x.after.worst_p99_ms // "–")) | \($x.before.p50_ms // "–") / \($x.after.p50_ms // "–") | \($x.before.rps // "–") / \($x.after.rps // "–") |")' \
	"$RESULTS/list-pages.json"
jq -r '.urls | to_entries[] | "- \(.key): `GET \(.value)`"' "$RESULTS/list-pages.json"

if [[ $PLANS == 1 ]]; then
	log "plans of the after jar's page statements (the SQL it sends, with the values bound)"
	key=$(psql_of after -c "SELECT to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"') || ' ' || id FROM projects
		WHERE state = 'READY' AND name_key LIKE 'bench%' ORDER BY created_at DESC, id DESC OFFSET $((DEEP_PAGE * 50 - 1)) LIMIT 1")
	for sql in "SELECT * FROM projects ORDER BY name_key ASC, id ASC LIMIT 51" \
		"SELECT * FROM projects WHERE state = 'READY' AND name_key LIKE 'bench%' ESCAPE '\\' ORDER BY created_at DESC, id DESC LIMIT 51" \
		"SELECT * FROM projects WHERE state = 'READY' AND name_key LIKE 'bench%' ESCAPE '\\' AND (created_at, id) < ('${key% *}', '${key#* }') ORDER BY created_at DESC, id DESC LIMIT 51" \
		"SELECT count(*) FROM projects WHERE state = 'READY' AND name_key LIKE 'bench%' ESCAPE '\\'"; do
		echo
		echo "$sql"
		psql_of after -c "EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) $sql"
	done
fi
