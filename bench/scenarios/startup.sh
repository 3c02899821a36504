# shellcheck shell=bash
# Scenario: Start-up to readiness (fresh data directory, existing one, external PostgreSQL), alternating.
#
# STARTUP_RUNS rounds of three kinds of start, in alternating order: "fresh" (embedded PostgreSQL in a new data
# directory, so initdb runs), "existing" (embedded, on the data directory a fresh start of this scenario left)
# and "external" (SPRING_DATASOURCE_URL = the main instance's PostgreSQL, already migrated). Each instance is
# stopped before the next starts. Also the JVM's own "process running for" from each log's Started line.

# startup_once KIND ROUND: one start of KIND, appended to WORK/startup/KIND_ms and KIND_jvm_s.
startup_once() {
	local kind=$1 round=$2 dir=$WORK/startup name=startup-$1-$2 port pg t0
	free_port port
	local -a args=()
	local url=
	case $kind in
	fresh | existing)
		[[ $kind == fresh ]] && rm -rf "$dir/pg"
		free_port pg
		args=(--registry.embedded.data-directory="$dir/pg" --registry.embedded.port="$pg")
		;;
	external) url=$MAIN_URL ;;
	esac
	t0=$(now_ms)
	start_app "$name" "$JAR" "$port" "$url" "${args[@]+"${args[@]}"}"
	wait_ready "$port" "$LAST_PID" "$name"
	echo $(($(now_ms) - t0)) >>"$dir/${kind}_ms"
	jvm_started_s "$name" >>"$dir/${kind}_jvm_s"
	stop_app "$LAST_PID"
}

scenario_startup() {
	main_instance
	local dir=$WORK/startup round kind
	mkdir -p "$dir"
	DATA_DIRS+=("$dir/pg")
	mark_load startup
	log "startup: $STARTUP_RUNS round(s) of fresh embedded, existing embedded, external"
	# "existing" needs a data directory a fresh start made, so the fresh start leads in every round.
	startup_once fresh 0
	for round in $(seq 1 "$STARTUP_RUNS"); do
		for kind in $(round_order "$round" existing external); do
			startup_once "$kind" "$round"
		done
		if ((round < STARTUP_RUNS)); then startup_once fresh "$round"; fi
	done
	rm -rf "$dir/pg"
	jq -n --argjson fresh "$(stats_json "$dir/fresh_ms")" --argjson existing "$(stats_json "$dir/existing_ms")" \
		--argjson external "$(stats_json "$dir/external_ms")" --argjson fresh_jvm "$(stats_json "$dir/fresh_jvm_s")" \
		--argjson existing_jvm "$(stats_json "$dir/existing_jvm_s")" \
		--argjson external_jvm "$(stats_json "$dir/external_jvm_s")" --arg opts "$JAVA_OPTS" "$JQ_LIB"'
		{title: "Start-up to readiness 200 (process start to first 200 of /actuator/health/readiness, polled every 50 ms)",
		 java_opts: $opts, embedded_fresh_ms: $fresh, embedded_existing_ms: $existing, external_ms: $external,
		 jvm_reported_started_s: {embedded_fresh: $fresh_jvm, embedded_existing: $existing_jvm, external: $external_jvm,
		   note: "process running for, from the Started line of each log"},
		 external: "SPRING_DATASOURCE_URL = the main instance PostgreSQL (already migrated)"}' >"$RESULTS/startup.json"
}
