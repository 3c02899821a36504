# shellcheck shell=bash
# Scenario: CONCURRENT callers get-or-create one new name at once: wall time vs one create, and the invariant.
#
# bench/client/GetOrCreateRace.java releases every caller from one latch (curl processes would spend most of
# the wall time being started). "One create" is the median of RACE_SINGLES sequential auto-creates measured
# just before the race on the same instance. The invariant is checked in PostgreSQL and the answers: every
# caller 200, one project id, one created=true, one row, one database, the row's database in every answer.

scenario_get_or_create_race() {
	main_instance
	local dir=$WORK/race tag race i
	mkdir -p "$dir/answers"
	tag=$(date +%H%M%S)
	race=race-$tag
	mark_load get-or-create-race
	log "get-or-create-race: $RACE_SINGLES sequential auto-creates (after 3 untimed), then $CONCURRENT concurrent of '$race'"
	for i in 1 2 3; do timed_auto_create "$MAIN_BASE" "single-warmup-$tag-$i" "$dir/single.json" >/dev/null; done
	for i in $(seq 1 "$RACE_SINGLES"); do
		timed_auto_create "$MAIN_BASE" "single-$tag-$i" "$dir/single.json" >>"$dir/single_ms"
	done
	local wall
	wall=$(java "$BENCH/client/GetOrCreateRace.java" "$MAIN_BASE" "$race" "$CONCURRENT" "$dir/answers" 2>"$dir/client.log") ||
		fail "race client failed: $(cat "$dir/client.log")"
	awk '{ printf "%.3f\n", $2 * 1000 }' "$dir"/answers/*.code >"$dir/answer_ms"
	local ok ids created answer_db name_part prefix rows dbs row_db
	ok=$(cat "$dir"/answers/*.code | grep -c '^200 ' || true)
	ids=$(cat "$dir"/answers/*.json | jq -r '.project.id // empty' | sort -u | wc -l)
	created=$(cat "$dir"/answers/*.json | jq -r '.created // empty' | grep -c '^true$' || true)
	answer_db=$(cat "$dir"/answers/*.json | jq -r '.databaseName // empty' | sort -u | paste -sd' ')
	name_part=$(printf '%s' "$race" | tr '[:upper:]' '[:lower:]' | sed 's/[^a-z0-9]/_/g' | cut -c1-30)
	prefix=cb_proj_${name_part}_
	rows=$(psql_on "$MAIN_PG" registry -c "SELECT count(*) FROM projects WHERE name_key = lower('$race')")
	dbs=$(psql_on "$MAIN_PG" registry -c "SELECT count(*) FROM pg_database WHERE starts_with(datname, '$prefix')")
	row_db=$(psql_on "$MAIN_PG" registry -c "SELECT database_name FROM projects WHERE name_key = lower('$race')")
	jq -n --argjson wall "$wall" --argjson single "$(stats_json "$dir/single_ms")" --arg name "$race" \
		--argjson n "$CONCURRENT" --argjson ok "$ok" --argjson ids "$ids" --argjson created "$created" \
		--argjson rows "$rows" --argjson dbs "$dbs" --arg prefix "$prefix" --arg row_db "$row_db" \
		--arg answer_db "$answer_db" --argjson answers "$(stats_json "$dir/answer_ms")" "$JQ_LIB"'
		{title: "Concurrent get-or-create of one new name", callers: $n, name: $name, wall_ms: $wall,
		 one_create_ms: $single, wall_vs_one_create: ($wall / $single.p50 | r(2)), answer_ms: $answers,
		 client: "bench/client/GetOrCreateRace.java: one thread per caller, released together by a latch; wall_ms from release to the last answer; one_create_ms: sequential auto-creates just before",
		 invariant: {answers_200: $ok, distinct_project_ids: $ids, created_true: $created, rows_with_name: $rows,
		             databases_with_prefix: $dbs, database_prefix: $prefix, row_database: $row_db, answer_databases: $answer_db},
		 met: ($ok == $n and $ids == 1 and $created == 1 and $rows == 1 and $dbs == 1 and $row_db == $answer_db)}' \
		>"$RESULTS/get-or-create-race.json"
	[[ $(jq -r .met "$RESULTS/get-or-create-race.json") == true ]] ||
		log "WARNING: get-or-create-race invariant not met: $(jq -c .invariant "$RESULTS/get-or-create-race.json")"
}
