# shellcheck shell=bash
# Scenario: CONCURRENT callers get-or-create one new name at once vs one create, round by round; the invariant.
#
# Each of RACE_ROUNDS rounds runs, in alternating order, one sequential auto-create (the "one create") and a race:
# CONCURRENT callers POST the same inline config for a new name from one curl process (--parallel-immediate opens
# every connection at once; a JVM client spent about 300 ms of its own on 50 connections, and 50 curl processes
# more still). A third step, the same race for a name that exists, is the floor: what 50 simultaneous requests
# cost with nothing to create. Both sides are curl's time_total, so the ratio compares like with like: the race's
# slowest answer over the one create. The invariant is checked in PostgreSQL and the answers after every race:
# every caller 200, one project id, one created=true, one row, one database, the row's database in every answer.

# race_once NAME DIR: CONCURRENT callers of NAME at once; DIR/<i>.json holds the answers, DIR/codes one "status
# seconds" line per caller; prints the whole curl process's milliseconds (its start and exit included).
race_once() {
	local name=$1 dir=$2 i t0
	local -a transfers=()
	mkdir -p "$dir"
	for i in $(seq 1 "$CONCURRENT"); do
		((i > 1)) && transfers+=(--next)
		transfers+=(-o "$dir/$i.json" -w '%{http_code} %{time_total}\n' --max-time 60 -X POST
			-H 'Content-Type: application/json'
			-d "{\"config\": {\"version\": \"1.0\", \"project\": {\"name\": \"$name\"}}}" "$MAIN_BASE/api/v1/resolutions")
	done
	t0=$(date +%s%N)
	curl -s --no-progress-meter --parallel --parallel-immediate --parallel-max "$CONCURRENT" "${transfers[@]}" >"$dir/codes"
	awk -v t0="$t0" -v t1="$(date +%s%N)" 'BEGIN { printf "%.3f\n", (t1 - t0) / 1e6 }'
}

# race_invariant NAME DIR: the invariant of one race as JSON (met: true when it held).
race_invariant() {
	local name=$1 dir=$2 ok ids created answer_db name_part prefix rows dbs row_db
	ok=$(grep -c '^200 ' "$dir/codes" || true)
	ids=$(cat "$dir"/*.json | jq -r '.project.id // empty' | sort -u | wc -l)
	created=$(cat "$dir"/*.json | jq -r '.created // empty' | grep -c '^true$' || true)
	answer_db=$(cat "$dir"/*.json | jq -r '.databaseName // empty' | sort -u | paste -sd' ')
	name_part=$(printf '%s' "$name" | tr '[:upper:]' '[:lower:]' | sed 's/[^a-z0-9]/_/g' | cut -c1-30)
	prefix=cb_proj_${name_part}_
	rows=$(psql_on "$MAIN_PG" registry -c "SELECT count(*) FROM projects WHERE name_key = lower('$name')")
	dbs=$(psql_on "$MAIN_PG" registry -c "SELECT count(*) FROM pg_database WHERE starts_with(datname, '$prefix')")
	row_db=$(psql_on "$MAIN_PG" registry -c "SELECT database_name FROM projects WHERE name_key = lower('$name')")
	jq -n --argjson n "$CONCURRENT" --argjson ok "$ok" --argjson ids "$ids" --argjson created "$created" \
		--argjson rows "$rows" --argjson dbs "$dbs" --arg prefix "$prefix" --arg row_db "$row_db" \
		--arg answer_db "$answer_db" '
		{answers_200: $ok, distinct_project_ids: $ids, created_true: $created, rows_with_name: $rows,
		 databases_with_prefix: $dbs, database_prefix: $prefix, row_database: $row_db, answer_databases: $answer_db,
		 met: ($ok == $n and $ids == 1 and $created == 1 and $rows == 1 and $dbs == 1 and $row_db == $answer_db)}'
}

scenario_get_or_create_race() {
	main_instance
	local dir=$WORK/race tag round race side single slowest spread
	mkdir -p "$dir"
	: >"$dir/single_ms"
	: >"$dir/race_ms"
	: >"$dir/floor_ms"
	: >"$dir/process_ms"
	: >"$dir/spread_ms"
	: >"$dir/ratios"
	: >"$dir/invariants"
	tag=$(date +%H%M%S)
	mark_load get-or-create-race
	log "get-or-create-race: $RACE_ROUNDS rounds of one auto-create and $CONCURRENT concurrent callers of a new name"
	for round in 1 2 3; do timed_auto_create "$MAIN_BASE" "single-warmup-$tag-$round" "$dir/single.json" >/dev/null; done
	race_once "race-warmup-$tag" "$dir/warmup" >/dev/null
	for round in $(seq 1 "$RACE_ROUNDS"); do
		race=race-$tag-$round
		for side in $(round_order "$round" single race); do
			if [[ $side == single ]]; then
				single=$(timed_auto_create "$MAIN_BASE" "single-$tag-$round" "$dir/single.json")
				echo "$single" >>"$dir/single_ms"
			else
				race_once "$race" "$dir/$race" >>"$dir/process_ms"
				race_invariant "$race" "$dir/$race" >>"$dir/invariants"
			fi
		done
		race_once "$race" "$dir/floor-$round" >/dev/null
		awk '{ printf "%.3f\n", $2 * 1000 }' "$dir/$race/codes" | sort -g >"$dir/answers-$round"
		slowest=$(tail -n 1 "$dir/answers-$round")
		spread=$(awk 'NR == 1 { first = $1 } { last = $1 } END { printf "%.3f\n", last - first }' "$dir/answers-$round")
		echo "$slowest" >>"$dir/race_ms"
		echo "$spread" >>"$dir/spread_ms"
		awk '{ printf "%.3f\n", $2 * 1000 }' "$dir/floor-$round/codes" | sort -g | tail -n 1 >>"$dir/floor_ms"
		awk -v r="$slowest" -v s="$single" 'BEGIN { printf "%.4f\n", r / s }' >>"$dir/ratios"
	done
	cat "$dir"/answers-* >"$dir/answer_ms"
	jq -n --argjson n "$CONCURRENT" --arg name "race-$tag-<round>" \
		--argjson single "$(stats_json "$dir/single_ms")" --argjson race "$(stats_json "$dir/race_ms")" \
		--argjson floor "$(stats_json "$dir/floor_ms")" --argjson process "$(stats_json "$dir/process_ms")" \
		--argjson spread "$(stats_json "$dir/spread_ms")" --argjson answers "$(stats_json "$dir/answer_ms")" \
		--argjson ratios "$(jq -s . "$dir/ratios")" --argjson invariants "$(jq -s . "$dir/invariants")" "$JQ_LIB"'
		{title: "Concurrent get-or-create of one new name", callers: $n, names: $name, rounds: ($ratios | length),
		 wall_ms: $race, one_create_ms: $single, wall_vs_one_create: ($ratios | ratios("max")),
		 existing_name_wall_ms: $floor, curl_process_ms: $process, first_to_last_answer_ms: $spread,
		 answer_ms: $answers,
		 client: "one curl process per race (--parallel --parallel-immediate), alternating with one sequential auto-create each round; wall_ms: the slowest answer of a race (curl time_total); existing_name_wall_ms: the same race for a name that exists (the floor); curl_process_ms: the whole curl process; first_to_last_answer_ms: how long after the first answer the last came",
		 invariant: $invariants, met: ($invariants | all(.met))}' \
		>"$RESULTS/get-or-create-race.json"
	[[ $(jq -r .met "$RESULTS/get-or-create-race.json") == true ]] ||
		log "WARNING: get-or-create-race invariant not met: $(jq -c '[.invariant[] | select(.met | not)]' "$RESULTS/get-or-create-race.json")"
}
