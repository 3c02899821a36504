# shellcheck shell=bash
# Scenario: The same resolution on an instance with cache size 0 (same PostgreSQL) vs cached vs pgbench.
#
# Instance "nocache" runs with --registry.cache.maximum-size=0 on the main instance's PostgreSQL, so every
# lookup reads the database; pgbench runs the lookup query itself with the same clients. The three targets
# alternate within each round. Settings: as the resolution scenario.

scenario_cache_disabled() {
	main_instance
	local dir=$WORK/cache-disabled round target
	mkdir -p "$dir"
	start_instance NOCACHE nocache "$JAR" "$MAIN_URL" --registry.cache.maximum-size=0
	local path="/api/v1/resolutions?project=bench-hot"
	local -A url=([cached]="$MAIN_BASE$path" [uncached]="$NOCACHE_BASE$path")
	printf "SELECT * FROM projects WHERE name_key = lower('bench-hot');\n" >"$dir/lookup.sql"

	log "cache-disabled: warm-up ($WARMUP_PASSES passes of $WARMUP per target)"
	for round in $(seq 1 "$WARMUP_PASSES"); do
		for target in $(round_order "$round" cached uncached); do
			run_wrk "$dir/warm$round-$target.json" "${url[$target]}" "" "$WARMUP"
		done
	done
	local hits0 misses0 hits misses
	hits0=$(metric "$NOCACHE_PORT" cache.gets cache:projects result:hit)
	misses0=$(metric "$NOCACHE_PORT" cache.gets cache:projects result:miss)
	for round in $(seq 1 "$ROUNDS"); do
		mark_load "cache-disabled-round-$round"
		log "cache-disabled: round $round/$ROUNDS ($(round_order "$round" cached uncached pgbench | paste -sd' '); $DURATION each)"
		for target in $(round_order "$round" cached uncached pgbench); do
			if [[ $target == pgbench ]]; then
				run_pgbench "$dir/r$round-pgbench.json" "$dir/lookup.sql" "$MAIN_PG"
			else
				run_wrk "$dir/r$round-$target.json" "${url[$target]}"
			fi
		done
	done
	hits=$(jq -n "$(metric "$NOCACHE_PORT" cache.gets cache:projects result:hit) - $hits0")
	misses=$(jq -n "$(metric "$NOCACHE_PORT" cache.gets cache:projects result:miss) - $misses0")
	log "stopping nocache"
	stop_app "$NOCACHE_PID"
	rounds_json "$dir" "$ROUNDS" cached uncached pgbench |
		jq --argjson hits "$hits" --argjson misses "$misses" --arg sql "$(cat "$dir/lookup.sql")" \
			--arg pgbench "pgbench -n -M prepared -c$CONNECTIONS -j$THREADS -T $(seconds_of "$DURATION")" "$JQ_LIB"'
		def med(f): map(f) | median;
		{title: "The same resolution with cache size 0 (second instance, same PostgreSQL) vs cached vs pgbench",
		 target: "GET /api/v1/resolutions?project=bench-hot",
		 uncached_instance: "--registry.cache.maximum-size=0 on the main instance PostgreSQL",
		 pgbench: "\($pgbench) (\($sql))", rounds: .,
		 median: {cached_rps: (med(.cached.rps) | r(1)), uncached_rps: (med(.uncached.rps) | r(1)),
		          pgbench_tps: (med(.pgbench.rps) | r(1)),
		          cached_p99_ms: (med(.cached.latency_us.p99) / 1000 | r(3)),
		          uncached_p99_ms: (med(.uncached.latency_us.p99) / 1000 | r(3)),
		          pgbench_p99_ms_approx: (med(.pgbench.latency_us.p99_from_log) / 1000 | r(3)),
		          uncached_mean_ms: (med(.uncached.latency_us.mean) / 1000 | r(3)),
		          pgbench_mean_ms: (med(.pgbench.latency_us.mean) / 1000 | r(3))},
		 uncached_vs_cached_throughput: (map(.uncached.rps / .cached.rps) | ratios("min")),
		 uncached_vs_cached_p99: (map(.uncached.latency_us.p99 / .cached.latency_us.p99) | ratios("max")),
		 uncached_vs_pgbench_throughput: (map(.uncached.rps / .pgbench.rps) | ratios("min")),
		 uncached_instance_cache: {hits: $hits, misses: $misses}}' >"$RESULTS/cache-disabled.json"
}
