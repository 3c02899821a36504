# shellcheck shell=bash
# Scenario: SEED_ROWS projects: a filtered, sorted list page, lookups of random names, resident memory.
#
# Seeds SEED_ROWS READY rows with SQL (bench/lib/app.sh seed_projects; no real databases) into the main
# instance's registry, once per run. Measures GET /api/v1/projects?size=50&state=READY&namePrefix=bench&
# sort=createdAt,desc and GET /api/v1/projects/bench-NNNNNN with names uniform over the seeded rows
# (bench/wrk/lookup-random.lua), each after a WARMUP run, and what PostgreSQL alone spends on the page's two
# queries. Then the VmRSS and heap of the service.

LIST_PATH="/api/v1/projects?size=50&state=READY&namePrefix=bench&sort=createdAt,desc"

# sql_ms SQL: psql \timing of one query on one session, median of the last three of five runs. (EXPLAIN ANALYZE
# is not used: its per-row instrumentation made the count look four times slower, 60 ms against 15 ms.)
sql_ms() {
	{
		printf '%s\n' '\timing on'
		for _ in 1 2 3 4 5; do echo "$1;"; done
	} | psql -X -q -h 127.0.0.1 -p "$MAIN_PG" -U postgres -d registry -o /dev/null 2>&1 |
		sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p' | tail -n 3 | sort -g | sed -n 2p
}

scenario_scale() {
	main_instance
	local dir=$WORK/scale code
	mkdir -p "$dir"
	mark_load scale
	ensure_seeded
	local rows list_total page_ms count_ms
	rows=$(psql_on "$MAIN_PG" registry -c "SELECT count(*) FROM projects")
	code=$(http -o "$dir/list.json" -w '%{http_code}' "$MAIN_BASE$LIST_PATH")
	[[ $code == 200 ]] || fail "list answered $code: $(cat "$dir/list.json")"
	list_total=$(jq -r '.totalElements // empty' "$dir/list.json")
	local where="state = 'READY' AND name_key LIKE 'bench%' ESCAPE '\\'"
	page_ms=$(sql_ms "SELECT * FROM projects WHERE $where ORDER BY created_at DESC, id DESC LIMIT 50")
	count_ms=$(sql_ms "SELECT count(id) FROM projects WHERE $where")
	code=$(http -o "$dir/lookup.json" -w '%{http_code}' "$MAIN_BASE/api/v1/projects/bench-000001")
	[[ $code == 200 ]] || fail "lookup answered $code: $(cat "$dir/lookup.json")"

	log "scale: list page and random-name lookup ($WARMUP warm-up, $DURATION each)"
	run_wrk "$dir/warm-list.json" "$MAIN_BASE$LIST_PATH" "" "$WARMUP"
	run_wrk "$dir/list.json" "$MAIN_BASE$LIST_PATH"
	run_wrk "$dir/warm-lookup.json" "$MAIN_BASE" "$BENCH/wrk/lookup-random.lua" "$WARMUP"
	local hits0 misses0 hits misses cache_size heap rss
	hits0=$(metric "$MAIN_PORT" cache.gets cache:projects result:hit)
	misses0=$(metric "$MAIN_PORT" cache.gets cache:projects result:miss)
	run_wrk "$dir/lookup.json" "$MAIN_BASE" "$BENCH/wrk/lookup-random.lua"
	hits=$(jq -n "$(metric "$MAIN_PORT" cache.gets cache:projects result:hit) - $hits0")
	misses=$(jq -n "$(metric "$MAIN_PORT" cache.gets cache:projects result:miss) - $misses0")
	cache_size=$(metric "$MAIN_PORT" cache.size cache:projects)
	heap=$(metric "$MAIN_PORT" jvm.memory.used area:heap)
	rss=$(awk '/^VmRSS:/ { print $2 }' "/proc/$MAIN_PID/status")
	jq -n --slurpfile list "$dir/list.json" --slurpfile lookup "$dir/lookup.json" \
		--argjson rows "$rows" --argjson seeded "$SEED_ROWS" --argjson seed_ms "$SEED_MS" \
		--arg list_path "$LIST_PATH" --arg list_total "$list_total" --argjson hits "$hits" --argjson misses "$misses" \
		--argjson cache_size "$cache_size" --argjson heap "$heap" --argjson rss "$rss" \
		--argjson page_ms "$page_ms" --argjson count_ms "$count_ms" "$JQ_LIB"'
		{title: "\($seeded) projects: list page, lookup by name, resident memory",
		 seeded_rows: $seeded, rows_in_registry: $rows, seed_ms: $seed_ms,
		 list: {request: "GET \($list_path)", matching_rows: ($list_total | tonumber? // null),
		        rps: ($list[0].rps | r(1)), p50_ms: ($list[0].latency_us.p50 / 1000 | r(3)),
		        p99_ms: ($list[0].latency_us.p99 / 1000 | r(3)),
		        sql_alone_ms: {page_query: ($page_ms | r(3)), count_query: ($count_ms | r(3)),
		                       note: "psql \\timing, median of the last 3 of 5 runs, one query at a time"},
		        wrk: $list[0]},
		 lookup: {request: "GET /api/v1/projects/bench-NNNNNN, names uniform at random over all seeded rows",
		          rps: ($lookup[0].rps | r(1)), p50_ms: ($lookup[0].latency_us.p50 / 1000 | r(3)),
		          p99_ms: ($lookup[0].latency_us.p99 / 1000 | r(3)),
		          cache_hit_ratio: (if ($hits + $misses) > 0 then ($hits / ($hits + $misses) | r(3)) else null end),
		          wrk: $lookup[0]},
		 memory: {rss_mib: ($rss / 1024 | r(1)), heap_used_mib: ($heap / 1048576 | r(1)), cache_entries: $cache_size,
		          note: "VmRSS of the service JVM after the lookup run, with cache_entries cached; JVM options: JAVA_OPTS (none: default heap sizing)"}}' \
		>"$RESULTS/scale.json"
}
