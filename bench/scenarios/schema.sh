# shellcheck shell=bash
# Scenario: Provisioning with the default project schema vs schema step off vs raw CREATE DATABASE; rollouts.
#
# 1. SCHEMA_CREATES sequential POST /api/v1/projects (after SCHEMA_WARMUPS untimed) on an instance that applies
#    the default project schema, the same on an instance with the schema step disabled (the main instance
#    unless PROJECT_SCHEMA=1; both on the main instance's PostgreSQL), and raw CREATE DATABASE on one open psql
#    session (bench/lib/rawdb.sh); the three alternate (their order rotates every create), so they share the noise.
# 2. ROLLOUT_DATABASES project databases migrated by POST /api/v1/schema-rollouts at each parallelism in
#    PARALLELISMS; each rollout applies one new small migration from a filesystem location.

# schema_create BASE NAME: POST /api/v1/projects; prints "<milliseconds> <id>"; fails unless 201.
schema_create() {
	local out status
	out=$(curl -s -w '\n%{http_code} %{time_total}' -H 'Content-Type: application/json' \
		-d "{\"name\": \"$2\"}" "$1/api/v1/projects")
	status=${out##*$'\n'}
	[[ ${status%% *} == 201 ]] || fail "creating $2 on $1: $out"
	awk -v t="${status#* }" -v id="$(head -n 1 <<<"$out" | jq -r .id)" 'BEGIN { printf "%.1f %s\n", t * 1000, id }'
}

# provisioning_mean_ms PORT OPERATION: mean of registry.provisioning.duration{operation,result=success}.
provisioning_mean_ms() {
	local n s
	read -r n s <<<"$(timer_sum "$1" registry.provisioning.duration "operation:$2" result:success)"
	jq -n "$s * 1000 / ([$n, 1] | max) | . * 10 | round / 10"
}

scenario_schema() {
	main_instance
	local dir=$WORK/schema tag i kind r
	mkdir -p "$dir/migrations"
	tag=$(date +%H%M%S)
	PROJECT_SCHEMA=1 start_instance WITH schema-on "$JAR" "$MAIN_URL" \
		--registry.provisioning.schema.locations="classpath:project-db/migration,filesystem:$dir/migrations"
	if [[ $PROJECT_SCHEMA == 1 ]]; then
		PROJECT_SCHEMA=0 start_instance WITHOUT schema-off "$JAR" "$MAIN_URL"
	else # the main instance already provisions without the schema step: one start-up fewer
		WITHOUT_BASE=$MAIN_BASE WITHOUT_PORT=$MAIN_PORT WITHOUT_PID=
	fi
	mark_load schema
	log "schema: $SCHEMA_WARMUPS warm-up and $SCHEMA_CREATES measured creates per variant"
	raw_session_open "$MAIN_PG"
	for i in $(seq 1 $((SCHEMA_WARMUPS + SCHEMA_CREATES))); do
		# Rotate the order: each variant runs first, second and third equally often.
		for kind in $(printf '%s\n' with without raw with without | tail -n +$((i % 3 + 1)) | head -n 3); do
			case $kind in
			with) r=$(schema_create "$WITH_BASE" "schema-on-$tag-$i") ;;
			without) r=$(schema_create "$WITHOUT_BASE" "schema-off-$tag-$i") ;;
			raw)
				raw_create "bench_schema_raw_${tag}_$i"
				r=$RAW_MS
				;;
			esac
			if ((i > SCHEMA_WARMUPS)); then echo "${r%% *}" >>"$dir/$kind"; fi
		done
	done
	raw_session_close
	local server
	server=$(jq -n --argjson c "$(provisioning_mean_ms "$WITH_PORT" create)" \
		--argjson m "$(provisioning_mean_ms "$WITH_PORT" migrate)" \
		--argjson sec "$(provisioning_mean_ms "$WITH_PORT" secure)" \
		--argjson cb "$(provisioning_mean_ms "$WITHOUT_PORT" create)" \
		'{schema_on_create_database_ms: $c, schema_on_migrate_ms: $m, schema_on_secure_ms: $sec,
		  schema_off_create_database_ms: $cb,
		  note: "means of registry.provisioning.duration{result=success} over every create of the instance, warm-ups included"}')

	log "schema: creating $ROLLOUT_DATABASES project databases for the rollouts"
	local -a ids=()
	for i in $(seq 1 "$ROLLOUT_DATABASES"); do
		r=$(schema_create "$WITH_BASE" "rollout-$tag-$i")
		ids+=("${r#* }")
	done
	local projects rollouts='[]' version=1 p t0 location rollout wall succeeded server_ms
	projects=$(printf '%s\n' "${ids[@]}" | jq -R . | jq -s -c .)
	for p in $PARALLELISMS; do
		version=$((version + 1))
		printf 'ALTER TABLE code_files ADD COLUMN bench_%d text;\nCREATE INDEX ON code_files (bench_%d);\n' "$version" "$version" \
			>"$dir/migrations/V${version}__bench_step.sql"
		t0=$(now_ms)
		location=$(curl -s -D - -o /dev/null -H 'Content-Type: application/json' \
			-d "{\"projects\": $projects, \"parallelism\": $p}" "$WITH_BASE/api/v1/schema-rollouts" |
			tr -d '\r' | sed -n 's/^[Ll]ocation: //p')
		[[ -n $location ]] || fail "rollout at parallelism $p was not accepted"
		while true; do
			rollout=$(curl -s "$WITH_BASE$location?size=1")
			[[ $(jq -r .state <<<"$rollout") == COMPLETED ]] && break
			sleep 0.1
		done
		wall=$(($(now_ms) - t0))
		succeeded=$(jq .counts.succeeded <<<"$rollout")
		((succeeded == ROLLOUT_DATABASES)) || fail "rollout at parallelism $p: $(jq -c .counts <<<"$rollout")"
		# The rollout's own span (createdAt to finishedAt, recorded by PostgreSQL), without polling and HTTP.
		server_ms=$(jq 'def t: (sub("\\.[0-9]+"; "") | fromdateiso8601) + ((capture("\\.(?<f>[0-9]+)").f // "0") | "0." + . | tonumber);
			((.finishedAt | t) - (.createdAt | t)) * 1000 | round' <<<"$rollout")
		rollouts=$(jq -c --argjson p "$p" --argjson n "$succeeded" --argjson wall "$wall" --argjson server "$server_ms" \
			'. + [{parallelism: $p, databases: $n, wall_ms: $wall, server_ms: $server,
			       databases_per_second: ($n * 1000 / ([$server, 1] | max) * 10 | round / 10)}]' <<<"$rollouts")
		log "schema: parallelism $p: $succeeded databases in $server_ms ms ($wall ms seen by the client)"
	done
	log "stopping the schema instances"
	[[ -z $WITHOUT_PID ]] || stop_app "$WITHOUT_PID"
	stop_app "$WITH_PID"
	jq -n --argjson with "$(stats_json "$dir/with")" --argjson without "$(stats_json "$dir/without")" \
		--argjson raw "$(stats_json "$dir/raw")" --argjson server "$server" --argjson rollouts "$rollouts" \
		--argjson n "$SCHEMA_CREATES" "$JQ_LIB"'
		{title: "Provisioning with the default project schema vs schema step disabled vs raw CREATE DATABASE; schema rollouts",
		 creates: $n, provisioning_ms: {with_default_schema: $with, schema_disabled: $without, raw_create_database: $raw,
		   server_means: $server},
		 with_schema_vs_raw: ($with.p50 / $raw.p50 | r(2)), without_schema_vs_raw: ($without.p50 / $raw.p50 | r(2)),
		 rollouts: $rollouts}' >"$RESULTS/schema.json"
}
