# shellcheck shell=bash
# Scenario: Auto-create through resolution vs raw CREATE DATABASE on the same server, interleaved, cold and warm.
#
# CREATES pairs per phase, in alternating order (neither side always follows the other's CREATE DATABASE). Cold:
# after CREATE_WARMUPS untimed pairs, the first creates of the service. Warm: after WARM_CREATES untimed
# auto-creates (the JIT compiles the create path only after a few hundred). The raw side runs on one open psql
# session (bench/lib/rawdb.sh). The service's own timers split its time. Provisioning is row + CREATE DATABASE
# unless PROJECT_SCHEMA=1; the schema scenario measures the schema step. auto_create and timed_auto_create are in
# bench/lib/app.sh: the get-or-create-race scenario uses them too.

# auto_create_phase DIR PHASE TAG: CREATES timed pairs; writes DIR/PHASE.json.
auto_create_phase() {
	local dir=$1 phase=$2 tag=$3 i side n0 s0 cn0 cs0 n1 s1 cn1 cs1
	: >"$dir/$phase-api_ms"
	: >"$dir/$phase-raw_ms"
	read -r n0 s0 <<<"$(timer_sum "$MAIN_PORT" registry.resolution.duration tier:SESSION_CONFIG)"
	read -r cn0 cs0 <<<"$(timer_sum "$MAIN_PORT" registry.provisioning.duration operation:create result:success)"
	for i in $(seq 1 "$CREATES"); do
		for side in $(round_order "$i" api raw); do
			if [[ $side == api ]]; then
				timed_auto_create "$MAIN_BASE" "ac-$phase-$tag-$i" "$dir/$phase-$i.json" >>"$dir/$phase-api_ms"
			else
				raw_create "bench_raw_${phase}_${tag}_$i"
				echo "$RAW_MS" >>"$dir/$phase-raw_ms"
			fi
		done
	done
	read -r n1 s1 <<<"$(timer_sum "$MAIN_PORT" registry.resolution.duration tier:SESSION_CONFIG)"
	read -r cn1 cs1 <<<"$(timer_sum "$MAIN_PORT" registry.provisioning.duration operation:create result:success)"
	paste -d' ' "$dir/$phase-api_ms" "$dir/$phase-raw_ms" | awk '{ printf "%.4f\n", $1 / $2 }' >"$dir/$phase-pair_ratio"
	jq -n --argjson api "$(stats_json "$dir/$phase-api_ms")" --argjson raw "$(stats_json "$dir/$phase-raw_ms")" \
		--argjson pairs "$(stats_json "$dir/$phase-pair_ratio")" \
		--argjson resolve_ms "$(jq -n "($s1 - $s0) / ([($n1 - $n0), 1] | max) * 1000")" \
		--argjson createdb_ms "$(jq -n "($cs1 - $cs0) / ([($cn1 - $cn0), 1] | max) * 1000")" "$JQ_LIB"'
		{auto_create_ms: $api, raw_create_database_ms: $raw,
		 median_ratio: ($api.p50 / $raw.p50 | r(3)), p99_ratio: ($api.p99 / $raw.p99 | r(3)),
		 per_pair_ratio: {median: ($pairs.p50 | r(3)), worst: ($pairs.max | r(3)), best: ($pairs.min | r(3))},
		 service_timers_mean_ms: {resolution: ($resolve_ms | r(3)), create_database: ($createdb_ms | r(3))}}' \
		>"$dir/$phase.json"
}

scenario_auto_create() {
	main_instance
	local dir=$WORK/auto-create tag i
	mkdir -p "$dir"
	tag=$(date +%H%M%S)
	mark_load auto-create
	log "auto-create: $CREATES auto-creates interleaved with raw CREATE DATABASE, cold and warm"
	raw_session_open "$MAIN_PG"
	for i in $(seq 1 "$CREATE_WARMUPS"); do
		timed_auto_create "$MAIN_BASE" "ac-warmup-$tag-$i" "$dir/untimed.json" >/dev/null
		raw_create "bench_raw_warmup_${tag}_$i"
	done
	auto_create_phase "$dir" cold "$tag"
	log "auto-create: $WARM_CREATES untimed auto-creates to warm the create path"
	for i in $(seq 1 "$WARM_CREATES"); do
		timed_auto_create "$MAIN_BASE" "ac-untimed-$tag-$i" "$dir/untimed.json" >/dev/null
	done
	auto_create_phase "$dir" warm "$tag"
	raw_session_close
	jq -n --slurpfile cold "$dir/cold.json" --slurpfile warm "$dir/warm.json" --argjson n "$CREATES" \
		--argjson w "$CREATE_WARMUPS" --argjson warming "$WARM_CREATES" --arg schema "$PROJECT_SCHEMA" '
		$warm[0] + {title: "Auto-create through resolution vs raw CREATE DATABASE, same server, interleaved in alternating order",
		 request: "POST /api/v1/resolutions {\"config\": {\"version\": \"1.0\", \"project\": {\"name\": <unique>}}} (curl time_total)",
		 baseline: "CREATE DATABASE on the same server (psql \\timing on one session kept open for all creates)",
		 project_schema: ($schema == "1"), creates: $n, untimed_warmup_pairs: $w, untimed_creates_before_warm: $warming,
		 note: "top-level figures are the warm phase; per_pair_ratio is each pair (auto-create / its CREATE DATABASE); service_timers_mean_ms are means of registry.resolution.duration{tier=SESSION_CONFIG} and registry.provisioning.duration{operation=create} over the timed creates",
		 cold: $cold[0], goal: "warm median_ratio <= 1.5", met: ($warm[0].median_ratio <= 1.5)}' >"$RESULTS/auto-create.json"
}
