# shellcheck shell=bash
# Scenario: what one reconciliation look costs at SEED_ROWS projects: every project, against only the changed ones.
#
# Uses the rows the scale scenario seeds (seeded here when it did not run; no real databases, so a look at every
# project finds each seeded row's MISSING_DATABASE: the worst case of a full run). Times RECONCILER_RUNS reports
# (GET /api/v1/reconciliation, which changes nothing) of each scope alternately, after one untimed pair: every
# project, and ?changedSince=<a minute ago> (the projects changed since and those not READY, which is what the
# scheduled runs between two full runs of registry.reconciliation.full-interval read), with the heap after each.
RECONCILER_RUNS=${RECONCILER_RUNS:-5}

scenario_reconciler() {
	main_instance
	local dir=$WORK/reconciler since code
	mkdir -p "$dir"
	mark_load reconciler
	ensure_seeded
	since=$(date -u -d '1 minute ago' +%Y-%m-%dT%H:%M:%SZ)
	log "reconciler: $RECONCILER_RUNS looks at every project and at changed ones, alternately"
	: >"$dir/looks.jsonl"
	local round scope query ms checked heap
	for round in $(seq 0 "$RECONCILER_RUNS"); do
		for scope in every-project changed; do
			query="kind=ORPHAN_DATABASE"
			[[ $scope == changed ]] && query+="&changedSince=$since"
			ms=$(http --max-time 900 -o "$dir/report.json" -w '%{http_code} %{time_total}' "$MAIN_BASE/api/v1/reconciliation?$query")
			code=${ms%% *}
			[[ $code == 200 ]] || fail "reconciliation report ($scope) answered $code: $(cat "$dir/report.json")"
			checked=$(jq -r .projectsChecked "$dir/report.json")
			heap=$(metric "$MAIN_PORT" jvm.memory.used area:heap)
			((round == 0)) && continue
			jq -nc --arg scope "$scope" --argjson s "${ms#* }" --argjson checked "$checked" --argjson heap "$heap" \
				'{scope: $scope, ms: ($s * 1000), checked: $checked, heap: $heap}' >>"$dir/looks.jsonl"
		done
	done
	local rows
	rows=$(psql_on "$MAIN_PG" registry -c "SELECT count(*) FROM projects")
	jq -s --argjson rows "$rows" --argjson runs "$RECONCILER_RUNS" "$JQ_LIB"'
		def of($s): map(select(.scope == $s));
		{title: "Reconciliation at \($rows) projects: a look at every project against one at the changed ones",
		 rows_in_registry: $rows, runs_each: $runs,
		 every_project: {median_ms: (of("every-project") | map(.ms) | median | r(1)),
		                 projects_checked: (of("every-project") | .[0].checked),
		                 heap_after_mib_median: (of("every-project") | map(.heap / 1048576) | median | r(1))},
		 changed: {median_ms: (of("changed") | map(.ms) | median | r(1)),
		           projects_checked: (of("changed") | .[0].checked),
		           heap_after_mib_median: (of("changed") | map(.heap / 1048576) | median | r(1))},
		 ratio_of_medians: ((of("every-project") | map(.ms) | median) / (of("changed") | map(.ms) | median) | r(1)),
		 note: "GET /api/v1/reconciliation?kind=ORPHAN_DATABASE (a report: the whole look, nothing repaired), end to end with curl; every seeded row has no database, so the full look also lists a MISSING_DATABASE sighting per row"}' \
		"$dir/looks.jsonl" >"$RESULTS/reconciler.json"
}
