# shellcheck shell=bash
# Starting and stopping service instances for the benchmarks: each on free ports, on an embedded PostgreSQL in a
# data directory of its own or on a given JDBC URL; readiness with a deadline; seeding; the cleanup trap that
# stops everything a run started. Sourced after bench/lib/common.sh. Needs WORK (the run's temporary directory).

READY_TIMEOUT=${READY_TIMEOUT:-240}
JAVA_OPTS=${JAVA_OPTS:-}
PROJECT_SCHEMA=${PROJECT_SCHEMA:-0}
KEEP_WORK=${KEEP_WORK:-0}

APP_PIDS=()
DATA_DIRS=()
EXTRA_PIDS=()
LAST_PID=

# start_app LOG_NAME JAR HTTP_PORT DATASOURCE_URL [application arguments...]: starts one instance in the
# background (LAST_PID). An empty DATASOURCE_URL starts the embedded PostgreSQL (pass --registry.embedded.*).
# JAVA_OPTS are extra JVM options; PROJECT_SCHEMA=1 applies the default project schema to new project databases.
start_app() {
	local name=$1 jar=$2 port=$3 url=$4
	shift 4
	local -a launch=(env -u SPRING_DATASOURCE_URL -u SPRING_DATASOURCE_USERNAME -u SPRING_DATASOURCE_PASSWORD)
	if [[ -n $url ]]; then
		launch+=(SPRING_DATASOURCE_URL="$url" SPRING_DATASOURCE_USERNAME=postgres SPRING_DATASOURCE_PASSWORD=)
	fi
	local -a java_opts=()
	read -ra java_opts <<<"$JAVA_OPTS"
	local schema=false
	[[ $PROJECT_SCHEMA == 1 ]] && schema=true
	"${launch[@]}" java "${java_opts[@]}" -jar "$jar" --server.port="$port" --server.address=127.0.0.1 \
		--registry.provisioning.schema.enabled="$schema" --registry.sessions.allowed-roots="$WORK" "$@" \
		>"$WORK/$name.log" 2>&1 &
	LAST_PID=$!
	APP_PIDS+=("$LAST_PID")
}

# wait_ready HTTP_PORT PID LOG_NAME: until /actuator/health/readiness answers 200 (polled every 50 ms), at most
# READY_TIMEOUT seconds; fails with the log's tail if the process exits first.
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

# start_instance PREFIX LOG_NAME JAR DATASOURCE_URL [application arguments...]: starts an instance on a free
# port and waits until it is ready. An empty DATASOURCE_URL gives it an embedded PostgreSQL in a new data
# directory of its own. Sets PREFIX_PORT, PREFIX_BASE, PREFIX_PID, PREFIX_READY_MS (process start to ready)
# and, when embedded, PREFIX_PG (the PostgreSQL port) and PREFIX_URL (its JDBC URL, for further instances).
start_instance() {
	local prefix=$1 name=$2 jar=$3 url=$4 port pg t0
	shift 4
	free_port port
	local -a args=("$@")
	if [[ -z $url ]]; then
		free_port pg
		DATA_DIRS+=("$WORK/pg-$name")
		args+=(--registry.embedded.data-directory="$WORK/pg-$name" --registry.embedded.port="$pg")
		printf -v "${prefix}_PG" '%s' "$pg"
		printf -v "${prefix}_URL" '%s' "jdbc:postgresql://127.0.0.1:$pg/registry"
	fi
	log "starting $name ($(basename "$jar"), HTTP on $port${pg:+, embedded PostgreSQL on $pg}${url:+, on $url})"
	t0=$(now_ms)
	start_app "$name" "$jar" "$port" "$url" "${args[@]}"
	wait_ready "$port" "$LAST_PID" "$name"
	printf -v "${prefix}_READY_MS" '%s' $(($(now_ms) - t0))
	printf -v "${prefix}_PORT" '%s' "$port"
	printf -v "${prefix}_BASE" '%s' "http://127.0.0.1:$port"
	printf -v "${prefix}_PID" '%s' "$LAST_PID"
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

# The EXIT trap: stops helper processes (EXTRA_PIDS), then every instance (newest first), then any orphaned
# embedded PostgreSQL; deletes the work directory, or keeps its logs after a failure or with KEEP_WORK=1.
cleanup() {
	local rc=$?
	set +e
	trap - EXIT INT TERM
	for pid in "${EXTRA_PIDS[@]+"${EXTRA_PIDS[@]}"}"; do kill -TERM "$pid" 2>/dev/null; done
	local -a apps=("${APP_PIDS[@]+"${APP_PIDS[@]}"}")
	for ((i = ${#apps[@]} - 1; i >= 0; i--)); do
		[[ -n ${apps[i]} ]] && stop_app "${apps[i]}"
	done
	for dir in "${DATA_DIRS[@]+"${DATA_DIRS[@]}"}"; do stop_orphan_postgres "$dir"; done
	if [[ -n ${WORK:-} && -d $WORK ]]; then
		if ((rc != 0)) || [[ $KEEP_WORK == 1 ]]; then
			rm -rf "$WORK"/pg-* "$WORK"/fleet # data directories (the fleet scenario's local servers)
			log "logs and raw reports kept in $WORK"
		else
			rm -rf "$WORK"
		fi
	fi
	exit "$rc"
}

# new_work_dir: the run's temporary directory (WORK) and the traps that clean up after it.
new_work_dir() {
	WORK=$(mktemp -d "${TMPDIR:-/tmp}/registry-bench.XXXXXX")
	trap cleanup EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
}

# seed_projects PG_PORT ROWS: ROWS READY projects bench-000001.. (no real databases), one INSERT ... SELECT
# generate_series and ANALYZE; created_at one second apart. A registry with a fleet (projects.server) gets them
# on its first server; an older one (compare mode) has no such column. Prints the milliseconds it took.
seed_projects() {
	local port=$1 rows=$2 t0 server_column='' server_value=''
	((rows >= 1 && rows <= 999999)) || fail "seed rows must be between 1 and 999999, not $rows"
	t0=$(now_ms)
	if [[ $(psql_on "$port" registry -c "SELECT count(*) FROM information_schema.columns
			WHERE table_name = 'projects' AND column_name = 'server'") == 1 ]]; then
		server_column=', server' server_value=', (SELECT min(name) FROM database_servers)'
	fi
	psql_on "$port" registry >/dev/null <<SQL
INSERT INTO projects (id, name, description, database_name, state, index_status, created_at, updated_at$server_column)
SELECT gen_random_uuid(), 'bench-' || lpad(g::text, 6, '0'), NULL,
       'cb_proj_bench_' || lpad(g::text, 6, '0') || '_' || substr(md5(g::text), 1, 8),
       'READY', 'NOT_INDEXED', now() - make_interval(secs => g), now() - make_interval(secs => g)$server_value
FROM generate_series(1, $rows) AS g;
ANALYZE projects;
SQL
	echo $(($(now_ms) - t0))
}

# auto_create BASE NAME OUTPUT: POST an inline config to /api/v1/resolutions; prints "code seconds".
auto_create() {
	http -o "$3" -w '%{http_code} %{time_total}' -X POST -H 'Content-Type: application/json' \
		-d "{\"config\": {\"version\": \"1.0\", \"project\": {\"name\": \"$2\"}}}" "$1/api/v1/resolutions"
}

# timed_auto_create BASE NAME OUTPUT: an auto-create that must create (the auto-create and
# get-or-create-race scenarios); prints its milliseconds (curl time_total).
timed_auto_create() {
	local code seconds
	read -r code seconds <<<"$(auto_create "$@")"
	[[ $code == 200 && $(jq -r '.created' "$3") == true ]] || fail "auto-create of $2 answered $code: $(cat "$3")"
	awk -v s="$seconds" 'BEGIN { printf "%.3f\n", s * 1000 }'
}

# create_project BASE NAME: POST /api/v1/projects; fails unless 201.
create_project() {
	local code
	code=$(http -o "$WORK/create-$2.json" -w '%{http_code}' -X POST -H 'Content-Type: application/json' \
		-d "{\"name\": \"$2\"}" "$1/api/v1/projects")
	[[ $code == 201 ]] || fail "creating $2 on $1 answered $code: $(cat "$WORK/create-$2.json")"
}

# ensure_seeded: the main instance's SEED_ROWS projects, seeded once per run by the first scenario that needs them
# (scale, reconciler, transfer); SEED_MS is what seeding took in this call (0 when an earlier scenario seeded).
ensure_seeded() {
	SEED_MS=0
	[[ -n ${SEEDED:-} ]] && return 0
	log "seeding $SEED_ROWS projects with SQL"
	# shellcheck disable=SC2034,SC2153 # SEED_MS is read by the scenarios; main_instance sets MAIN_PG
	SEED_MS=$(seed_projects "$MAIN_PG" "$SEED_ROWS")
	SEEDED=1
}

# main_instance: the instance the scenarios of one run share (started on first use, with JAR on a fresh
# embedded PostgreSQL, with the project bench-hot): MAIN_PORT, MAIN_BASE, MAIN_PID, MAIN_PG, MAIN_URL.
# Scenarios run in the order given, so each finds the registry as the scenarios before it left it.
main_instance() {
	[[ -n ${MAIN_PID:-} ]] && return 0
	start_instance MAIN main "$JAR" ""
	log "main instance ready in $MAIN_READY_MS ms"
	create_project "$MAIN_BASE" bench-hot
}
