# shellcheck shell=bash
# Scenario: Project create on a fleet of embedded servers vs on one server, side by side; placement's own p95.
#
# Two instances of the jar, each on an embedded PostgreSQL of its own: "single" with no fleet (its projects go to
# the server named default, the registry's own) and "fleet" with --registry.fleet.embedded-servers=FLEET_SERVERS
# (that many extra embedded servers, local-1.., which then hold every project: the registry's own server is not
# one of them; GET /api/v1/database-servers is checked to list exactly these, all ACTIVE and UP). After
# FLEET_WARMUPS untimed pairs, FLEET_CREATES sequential POST /api/v1/projects pairs alternate in order (ABBA).
# Placement is measured inside the service by registry.fleet.placement.duration, read from /actuator/prometheus
# before and after the timed creates: its count and sum give the exact mean, its buckets (a third of a power of
# four apart, 0.1 ms to 1 s) the p50, p95 and p99 as histogram_quantile computes them, and the bucket they fall in.
# Then the statement alone, without the registry: FLEET_RAW_ROUNDS blocks of five raw CREATE DATABASE (after one
# untimed) on one psql session to the single instance's server and to local-1, alternating block by block, which
# tells the servers' share of a difference from the registry's.
FLEET_RAW_ROUNDS=${FLEET_RAW_ROUNDS:-4}

# fleet_raw_block PG_PORT TAG FILE: one untimed and five timed raw CREATE DATABASE on one new session; appends the
# five times (ms) to FILE.
fleet_raw_block() {
	local k
	raw_session_open "$1"
	raw_create "bench_fleet_raw_$2_0"
	for k in 1 2 3 4 5; do
		raw_create "bench_fleet_raw_$2_$k"
		echo "$RAW_MS" >>"$3"
	done
	raw_session_close
}

# fleet_create BASE NAME: POST /api/v1/projects; prints "<milliseconds> <server>"; fails unless 201.
fleet_create() {
	local out status
	out=$(curl -s --max-time 60 -w '\n%{http_code} %{time_total}' -H 'Content-Type: application/json' \
		-d "{\"name\": \"$2\"}" "$1/api/v1/projects")
	status=${out##*$'\n'}
	[[ ${status%% *} == 201 ]] || fail "creating $2 on $1: $out"
	awk -v t="${status#* }" -v server="$(head -n 1 <<<"$out" | jq -r .server)" \
		'BEGIN { printf "%.3f %s\n", t * 1000, server }'
}

# placement_scrape PORT FILE: keeps /actuator/prometheus in FILE; prints the placement timer as JSON: count,
# sum_s and buckets {le_seconds: cumulative count}.
placement_scrape() {
	http "http://127.0.0.1:$1/actuator/prometheus" >"$2"
	awk '/^registry_fleet_placement_duration_seconds_(count|sum|bucket)[{ ]/ {
			value = $NF; name = $1; sub(/\{.*/, "", name)
			if (name ~ /_count$/) count = value
			else if (name ~ /_sum$/) sum = value
			else if (match($1, /le="[^"]*"/)) buckets = buckets (buckets ? "," : "") "\"" substr($1, RSTART + 4, RLENGTH - 5) "\":" value
		}
		END { printf "{\"count\":%s,\"sum_s\":%s,\"buckets\":{%s}}\n", count + 0, sum + 0, buckets }' "$2"
}

# placement_json BEFORE AFTER: the decisions between two scrapes: their number, mean, and quantiles interpolated
# linearly inside their bucket as Prometheus's histogram_quantile does, with that bucket's bounds.
placement_json() {
	jq -n --argjson a "$1" --argjson b "$2" "$JQ_LIB"'
		($b.count - $a.count) as $n
		| [$b.buckets | to_entries[] | select(.key != "+Inf")
			| {le: (.key | tonumber * 1000), n: (.value - ($a.buckets[.key] // 0))}] | sort_by(.le) as $buckets
		| def quantile(q): (q * $n) as $rank | [range(0; $buckets | length) | select($buckets[.].n >= $rank)][0] as $i
			| if $n == 0 or $i == null then null else
				(if $i == 0 then {le: 0, n: 0} else $buckets[$i - 1] end) as $low | $buckets[$i] as $high
				| {ms: ($low.le + ($high.le - $low.le) * (($rank - $low.n) / ([$high.n - $low.n, 1] | max)) | r(3)),
				   bucket_ms: [($low.le | r(3)), ($high.le | r(3))]} end;
		{decisions: $n, mean_ms: (if $n > 0 then ($b.sum_s - $a.sum_s) / $n * 1000 | r(3) else null end),
		 p50: quantile(0.5), p95: quantile(0.95), p99: quantile(0.99)}'
}

# service_timers PORT: "count seconds" of the service's own timers of a create, one per line: the whole request
# (http.server.requests of POST /api/v1/projects answered 201), and its CREATE DATABASE.
service_timers() {
	timer_sum "$1" http.server.requests uri:/api/v1/projects method:POST status:201
	timer_sum "$1" registry.provisioning.duration operation:create result:success
}

# service_means_json BEFORE AFTER: the means of service_timers between two readings, in milliseconds.
service_means_json() {
	paste -d' ' <(echo "$1") <(echo "$2") | jq -R -s "$JQ_LIB"'
		[split("\n")[] | select(length > 0) | split(" ") | map(tonumber)
		 | if .[2] > .[0] then (.[3] - .[1]) / (.[2] - .[0]) * 1000 | r(3) else null end]
		| {request_mean_ms: .[0], create_database_mean_ms: .[1]}'
}

# fleet_servers BASE: GET /api/v1/database-servers as [{name, state, health}].
fleet_servers() {
	http "$1/api/v1/database-servers" | jq -c '[.[] | {name, state, health: .health.status, projects: .usage.projects}]'
}

scenario_fleet() {
	local dir=$WORK/fleet-figures tag i side r servers single_servers expected before_s before_f after_s after_f
	local timers_s0 timers_f0 timers_s1 timers_f1
	mkdir -p "$dir"
	tag=$(date +%H%M%S)
	start_instance SINGLE fleet-single "$JAR" ""
	start_instance FLEET fleet-fleet "$JAR" "" --registry.fleet.embedded-servers="$FLEET_SERVERS"
	# The local fleet's data directories are siblings of the registry's own: stopped with it, or as orphans.
	for i in $(seq 1 "$FLEET_SERVERS"); do DATA_DIRS+=("$WORK/fleet/local-$i"); done
	single_servers=$(fleet_servers "$SINGLE_BASE")
	[[ $(jq -c 'map(.name)' <<<"$single_servers") == '["default"]' ]] ||
		fail "the single instance should have one server, default: $single_servers"
	# Placement chooses among the configured servers that are ACTIVE and UP; wait for the first health checks.
	expected=$(seq 1 "$FLEET_SERVERS" | jq -R '"local-" + .' | jq -s -c .)
	for i in $(seq 1 300); do
		servers=$(fleet_servers "$FLEET_BASE")
		[[ $(jq -c '[.[] | select(.state == "ACTIVE" and .health == "UP") | .name] | sort' <<<"$servers") == "$expected" ]] &&
			break
		((i < 300)) || fail "the fleet instance should list $expected, all ACTIVE and UP: $servers"
		sleep 0.1
	done
	log "fleet: single instance on $(jq -r 'map(.name) | join(", ")' <<<"$single_servers"); fleet instance places among $(jq -r 'map(.name) | join(", ")' <<<"$servers")"

	mark_load fleet
	log "fleet: $FLEET_WARMUPS untimed and $FLEET_CREATES timed create pairs, alternating order"
	: >"$dir/single"
	: >"$dir/fleet"
	: >"$dir/fleet-servers"
	for i in $(seq 1 $((FLEET_WARMUPS + FLEET_CREATES))); do
		if ((i == FLEET_WARMUPS + 1)); then
			before_s=$(placement_scrape "$SINGLE_PORT" "$dir/single-before.prom")
			before_f=$(placement_scrape "$FLEET_PORT" "$dir/fleet-before.prom")
			timers_s0=$(service_timers "$SINGLE_PORT")
			timers_f0=$(service_timers "$FLEET_PORT")
		fi
		for side in $(round_order "$i" single fleet); do
			if [[ $side == single ]]; then
				r=$(fleet_create "$SINGLE_BASE" "fleet-single-$tag-$i")
			else
				r=$(fleet_create "$FLEET_BASE" "fleet-fleet-$tag-$i")
			fi
			if ((i > FLEET_WARMUPS)); then
				echo "${r%% *}" >>"$dir/$side"
				if [[ $side == fleet ]]; then echo "${r#* }" >>"$dir/fleet-servers"; fi
			fi
		done
	done
	after_s=$(placement_scrape "$SINGLE_PORT" "$dir/single-after.prom")
	after_f=$(placement_scrape "$FLEET_PORT" "$dir/fleet-after.prom")
	timers_s1=$(service_timers "$SINGLE_PORT")
	timers_f1=$(service_timers "$FLEET_PORT")
	servers=$(fleet_servers "$FLEET_BASE")
	local local_port
	local_port=$(http "$FLEET_BASE/api/v1/database-servers" | jq -r '.[] | select(.name == "local-1") | .port')
	log "fleet: raw CREATE DATABASE on default (port $SINGLE_PG) and local-1 (port $local_port), $FLEET_RAW_ROUNDS blocks each"
	: >"$dir/raw-default"
	: >"$dir/raw-local"
	for i in $(seq 1 "$FLEET_RAW_ROUNDS"); do
		for side in $(round_order "$i" default local); do
			if [[ $side == default ]]; then
				fleet_raw_block "$SINGLE_PG" "d${tag}_$i" "$dir/raw-default"
			else
				fleet_raw_block "$local_port" "l${tag}_$i" "$dir/raw-local"
			fi
		done
	done
	log "stopping the fleet instances"
	stop_app "$FLEET_PID"
	stop_app "$SINGLE_PID"
	rm -rf "$WORK/fleet" "$WORK/pg-fleet-single" "$WORK/pg-fleet-fleet"

	paste -d' ' "$dir/fleet" "$dir/single" | awk '{ printf "%.4f\n", $1 / $2 }' >"$dir/pair_ratio"
	jq -n --argjson single "$(stats_json "$dir/single")" --argjson fleet "$(stats_json "$dir/fleet")" \
		--argjson pairs "$(stats_json "$dir/pair_ratio")" \
		--argjson placement_single "$(placement_json "$before_s" "$after_s")" \
		--argjson placement_fleet "$(placement_json "$before_f" "$after_f")" \
		--argjson service_single "$(service_means_json "$timers_s0" "$timers_s1")" \
		--argjson service_fleet "$(service_means_json "$timers_f0" "$timers_f1")" \
		--argjson spread "$(sort "$dir/fleet-servers" | uniq -c | awk '{ printf "{\"%s\":%d}\n", $2, $1 }' | jq -s -c 'add // {}')" \
		--argjson servers "$servers" --argjson single_servers "$single_servers" \
		--argjson raw_default "$(stats_json "$dir/raw-default")" --argjson raw_local "$(stats_json "$dir/raw-local")" \
		--argjson n "$FLEET_CREATES" --argjson w "$FLEET_WARMUPS" --argjson extra "$FLEET_SERVERS" "$JQ_LIB"'
		{title: "POST /api/v1/projects on a fleet of \($extra) embedded servers vs on one server, interleaved in alternating order",
		 request: "POST /api/v1/projects {\"name\": <unique>} (curl time_total), sequential",
		 single: {configuration: "no fleet: the server default (the registry'"'"'s own embedded PostgreSQL)", servers: $single_servers,
		          create_ms: $single, placement: $placement_single, service: $service_single},
		 fleet: {configuration: "--registry.fleet.embedded-servers=\($extra) (placement chooses among these; the registry'"'"'s own server holds no project)",
		         servers: $servers, timed_creates_per_server: $spread,
		         create_ms: $fleet, placement: $placement_fleet, service: $service_fleet},
		 creates: $n, untimed_warmup_pairs: $w,
		 raw_create_database_ms: {default: $raw_default, "local-1": $raw_local,
		   local_vs_default: (if $raw_default.n > 0 then ($raw_local.p50 / $raw_default.p50 | r(3)) else null end),
		   note: "psql \\timing of CREATE DATABASE on one open session per block of five, blocks alternating between the servers"},
		 median_ratio: ($fleet.p50 / $single.p50 | r(3)), p95_ratio: ($fleet.p95 / $single.p95 | r(3)),
		 per_pair_ratio: {median: ($pairs.p50 | r(3)), worst: ($pairs.max | r(3)), best: ($pairs.min | r(3))},
		 note: "ratios are fleet / single; placement covers exactly the timed creates (registry.fleet.placement.duration count, sum and buckets scraped before and after; quantiles interpolated in their bucket as histogram_quantile does, bucket_ms its bounds); service.request_mean_ms is http.server.requests{uri=/api/v1/projects,method=POST,status=201} and service.create_database_mean_ms registry.provisioning.duration{operation=create,result=success}, means over the timed creates",
		 goal: "median_ratio <= 1.1", met: ($fleet.p50 / $single.p50 <= 1.1)}' >"$RESULTS/fleet.json"
}
