# shellcheck shell=bash
# Scenario: Export and import at SEED_ROWS projects: rows per second, memory after, registered and new entries.
#
# Export: GET /api/v1/exports of the whole registry (seeded here when no scenario before did), timed by curl: its
# size, rows and MiB per second, and the service's heap and VmRSS after (the export streams rows from a cursor; it
# must not hold them). Import, twice: TRANSFER_EXISTING registered projects written in the export's format (with
# SQL from the rows: slicing a million-row export with jq would need gigabytes), posted back, so every entry is
# checked and nothing changes; then TRANSFER_NEW new projects, each registered and provisioned with its database.
TRANSFER_EXISTING=${TRANSFER_EXISTING:-10000}
TRANSFER_NEW=${TRANSFER_NEW:-50}

# export_document SQL_FROM: an export document of the rows SQL_FROM selects (a FROM clause naming "p").
export_document() {
	psql_on "$MAIN_PG" registry -c "SELECT json_build_object('format', 'project-registry-export', 'version', 1,
		'exportedAt', now(), 'projects', coalesce(json_agg(json_build_object('id', p.id, 'name', p.name,
		'description', p.description, 'sourcePath', p.source_path, 'metadata', p.metadata, 'indexStatus', p.index_status,
		'databaseName', p.database_name, 'server', p.server) ORDER BY p.name), '[]'::json)) FROM $1"
}

# timed_200 WHAT OUT MAX_SECONDS [curl arguments...]: one request with its answer in OUT; prints its milliseconds;
# fails unless 200 (WHAT names it in the failure).
timed_200() {
	local what=$1 out=$2 max=$3 code seconds
	shift 3
	read -r code seconds <<<"$(http --max-time "$max" -o "$out" -w '%{http_code} %{time_total}' "$@")"
	[[ $code == 200 ]] || fail "$what answered $code: $(head -c 2000 "$out")"
	awk -v s="$seconds" 'BEGIN { printf "%.1f\n", s * 1000 }'
}

# timed_import FILE REPORT: POST FILE to /api/v1/imports; prints its milliseconds; fails unless 200.
timed_import() {
	timed_200 "import of $1" "$2" 900 -X POST -H 'Content-Type: application/json' --data-binary "@$1" \
		"$MAIN_BASE/api/v1/imports"
}

scenario_transfer() {
	main_instance
	local dir=$WORK/transfer tag rows export_ms bytes heap rss
	mkdir -p "$dir"
	mark_load transfer
	ensure_seeded
	tag=$(date +%H%M%S)
	rows=$(psql_on "$MAIN_PG" registry -c "SELECT count(*) FROM projects")
	log "transfer: export of $rows projects"
	export_ms=$(timed_200 export "$dir/export.json" 1800 "$MAIN_BASE/api/v1/exports")
	bytes=$(stat -c %s "$dir/export.json")
	heap=$(metric "$MAIN_PORT" jvm.memory.used area:heap)
	rss=$(awk '/^VmRSS:/ { print $2 }' "/proc/$MAIN_PID/status")
	rm -f "$dir/export.json"

	log "transfer: import of $TRANSFER_EXISTING registered projects, then of $TRANSFER_NEW new ones"
	export_document "(SELECT * FROM projects ORDER BY name_key, id LIMIT $TRANSFER_EXISTING) p" >"$dir/existing.json"
	local existing_ms new_ms unchanged imported
	existing_ms=$(timed_import "$dir/existing.json" "$dir/existing-report.json")
	unchanged=$(jq '.unchanged | length' "$dir/existing-report.json")
	export_document "(SELECT gen_random_uuid() AS id, 'import-$tag-' || g AS name, NULL AS description,
		NULL AS source_path, '{}'::jsonb AS metadata, 'NOT_INDEXED' AS index_status, NULL AS database_name,
		NULL AS server FROM generate_series(1, $TRANSFER_NEW) AS g) p" >"$dir/new.json"
	new_ms=$(timed_import "$dir/new.json" "$dir/new-report.json")
	imported=$(jq '.imported | length' "$dir/new-report.json")
	((unchanged == TRANSFER_EXISTING && imported == TRANSFER_NEW)) ||
		fail "imports reported $unchanged unchanged (of $TRANSFER_EXISTING) and $imported imported (of $TRANSFER_NEW)"

	jq -n --argjson rows "$rows" --argjson export_ms "$export_ms" --argjson bytes "$bytes" --argjson heap "$heap" \
		--argjson rss "$rss" --argjson existing "$TRANSFER_EXISTING" --argjson existing_ms "$existing_ms" \
		--argjson new "$TRANSFER_NEW" --argjson new_ms "$new_ms" --argjson file_bytes "$(stat -c %s "$dir/existing.json")" \
		"$JQ_LIB"'
		($export_ms / 1000) as $s
		| {title: "Export and import at \($rows) projects", rows_in_registry: $rows,
		 export: {ms: $export_ms, bytes: $bytes, rows_per_s: ($rows / $s | r(0)),
		          mib_per_s: ($bytes / 1048576 / $s | r(1)),
		          heap_used_mib_after: ($heap / 1048576 | r(1)), rss_mib_after: ($rss / 1024 | r(1))},
		 import_registered: {entries: $existing, bytes: $file_bytes, ms: $existing_ms,
		                     entries_per_s: ($existing / $existing_ms * 1000 | r(0)),
		                     note: "every entry already registered (same id and name): checked, nothing written"},
		 import_new: {projects: $new, ms: $new_ms, projects_per_s: ($new / $new_ms * 1000 | r(1)),
		              note: "each registered and provisioned with its own database, one after another"}}' \
		>"$RESULTS/transfer.json"
}
