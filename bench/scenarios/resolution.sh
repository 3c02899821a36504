# shellcheck shell=bash
# Scenario: Tier-1 resolution of a cached project vs the trivial endpoint GET /api/v1, same instance, alternating.
#
# The baseline is the API's root document (a constant record written as JSON by a controller, behind the same
# security filter chain as the resolution, no database, no cache): the cheapest request this application serves
# through Spring MVC. /actuator/health/liveness is measured too, as a third target, because earlier runs used it
# as the baseline: it goes through Actuator's health machinery and is slower than a cached resolution.
# Targets alternate within each round (ABBA over rounds); every per-round ratio is reported with the median and
# the worst. Settings: WARMUP, WARMUP_PASSES, ROUNDS, DURATION, CONNECTIONS, THREADS.

scenario_resolution() {
	main_instance
	local dir=$WORK/resolution round target hits0 misses0
	mkdir -p "$dir"
	local -A url=([root]="$MAIN_BASE/api/v1" [liveness]="$MAIN_BASE/actuator/health/liveness"
		[resolution]="$MAIN_BASE/api/v1/resolutions?project=bench-hot")
	local code
	code=$(http -o "$dir/check.json" -w '%{http_code}' "${url[resolution]}")
	[[ $code == 200 && $(jq -r '.tier' "$dir/check.json") == EXPLICIT ]] ||
		fail "resolution check answered $code: $(cat "$dir/check.json")"
	code=$(http -o "$dir/check.json" -w '%{http_code}' "${url[root]}")
	[[ $code == 200 ]] || fail "GET /api/v1 answered $code"

	log "resolution: warm-up ($WARMUP_PASSES passes of $WARMUP per target)"
	for round in $(seq 1 "$WARMUP_PASSES"); do
		for target in $(round_order "$round" root liveness resolution); do
			run_wrk "$dir/warm$round-$target.json" "${url[$target]}" "" "$WARMUP"
		done
	done
	hits0=$(metric "$MAIN_PORT" cache.gets cache:projects result:hit)
	misses0=$(metric "$MAIN_PORT" cache.gets cache:projects result:miss)
	for round in $(seq 1 "$ROUNDS"); do
		mark_load "resolution-round-$round"
		log "resolution: round $round/$ROUNDS ($(round_order "$round" root liveness resolution | paste -sd' '); $DURATION each)"
		for target in $(round_order "$round" root liveness resolution); do
			run_wrk "$dir/r$round-$target.json" "${url[$target]}"
		done
	done
	local hits misses
	hits=$(jq -n "$(metric "$MAIN_PORT" cache.gets cache:projects result:hit) - $hits0")
	misses=$(jq -n "$(metric "$MAIN_PORT" cache.gets cache:projects result:miss) - $misses0")
	rounds_json "$dir" "$ROUNDS" root liveness resolution |
		jq --argjson hits "$hits" --argjson misses "$misses" \
			--arg load "wrk -t$THREADS -c$CONNECTIONS -d$DURATION --latency" "$JQ_LIB"'
		def med(f): map(f) | median;
		{title: "Tier-1 resolution of a cached project vs the trivial endpoint GET /api/v1, same instance",
		 target: "GET /api/v1/resolutions?project=bench-hot", baseline: "GET /api/v1",
		 also_measured: "GET /actuator/health/liveness (the baseline of earlier runs)",
		 load: $load, order: "targets alternate within each round: root, liveness, resolution in odd rounds, reversed in even rounds",
		 rounds: .,
		 median: {root_rps: (med(.root.rps) | r(1)), liveness_rps: (med(.liveness.rps) | r(1)),
		          resolution_rps: (med(.resolution.rps) | r(1)),
		          root_p99_ms: (med(.root.latency_us.p99) / 1000 | r(3)),
		          liveness_p99_ms: (med(.liveness.latency_us.p99) / 1000 | r(3)),
		          resolution_p99_ms: (med(.resolution.latency_us.p99) / 1000 | r(3))},
		 throughput_ratio: (map(.resolution.rps / .root.rps) | ratios("min")),
		 p99_ratio: (map(.resolution.latency_us.p99 / .root.latency_us.p99) | ratios("max")),
		 liveness_vs_root_throughput: (map(.liveness.rps / .root.rps) | ratios("min")),
		 cache_during_rounds: {hits: $hits, misses: $misses}} as $s
		| $s + {goal: "median of the per-round throughput ratios >= 0.9", met: ($s.throughput_ratio.median >= 0.9)}' \
		>"$RESULTS/resolution.json"
}
