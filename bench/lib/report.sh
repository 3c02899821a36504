# shellcheck shell=bash
# The table of a run: one row per figure (scenario, measure, value, compared with, ratio, goal), for the terminal
# or as Markdown (docs/benchmarks.md takes it verbatim). Sourced after bench/lib/common.sh.

# print_table SUMMARY_JSON [md]
print_table() {
	local format=${2:-text}
	jq -r '
		def f(n): (. * pow(10; n) | round / pow(10; n)) | tostring;
		def ms: f(2) + " ms";
		def msx: if . == null then "-" else ms end;
		def yes(b): if b then "met" else "NOT met" end;
		def rounds(x): "per round \(x.per_round | map(f(2)) | join(" ")), worst \(x.worst | f(2))";
		.scenarios as $s |
		["Scenario", "Measure", "Value", "Compared with", "Ratio (median)", "Goal"],
		($s.resolution // empty | (
			["resolution", "Cached tier-1 resolution (req/s)", (.median.resolution_rps | f(0)), "GET /api/v1 \(.median.root_rps | f(0)); \(rounds(.throughput_ratio))", (.throughput_ratio.median | f(2)), ">= 0.9 \(yes(.met))"],
			["resolution", "Cached tier-1 resolution (p99)", (.median.resolution_p99_ms | ms), "GET /api/v1 \(.median.root_p99_ms | ms); \(rounds(.p99_ratio))", (.p99_ratio.median | f(2)), "-"],
			["resolution", "Liveness probe (req/s; p99)", "\(.median.liveness_rps | f(0)); \(.median.liveness_p99_ms | ms)", "GET /api/v1; \(rounds(.liveness_vs_root_throughput))", (.liveness_vs_root_throughput.median | f(2)), "-"])),
		($s["cache-disabled"] // empty | (
			["cache-disabled", "Resolution, cache size 0 (req/s)", (.median.uncached_rps | f(0)), "cached \(.median.cached_rps | f(0)); \(rounds(.uncached_vs_cached_throughput))", (.uncached_vs_cached_throughput.median | f(2)), "-"],
			["cache-disabled", "Resolution, cache size 0 (p99)", (.median.uncached_p99_ms | ms), "cached \(.median.cached_p99_ms | ms); \(rounds(.uncached_vs_cached_p99))", (.uncached_vs_cached_p99.median | f(2)), "-"],
			["cache-disabled", "Lookup query in pgbench (tps; mean; p99~)", "\(.median.pgbench_tps | f(0)); \(.median.pgbench_mean_ms | ms); \(.median.pgbench_p99_ms_approx | ms)", "size 0 / pgbench, \(rounds(.uncached_vs_pgbench_throughput))", (.uncached_vs_pgbench_throughput.median | f(2)), "-"])),
		($s["auto-create"] // empty | (
			["auto-create", "Auto-create via resolution, warm, p50 / p99", "\(.auto_create_ms.p50 | ms) / \(.auto_create_ms.p99 | ms)", "CREATE DATABASE \(.raw_create_database_ms.p50 | ms) / \(.raw_create_database_ms.p99 | ms); per pair median \(.per_pair_ratio.median | f(2)), worst \(.per_pair_ratio.worst | f(2)); in service: resolve \(.service_timers_mean_ms.resolution | ms), its CREATE DATABASE \(.service_timers_mean_ms.create_database | ms) (means)", (.median_ratio | f(2)), "<= 1.5 \(yes(.met))"],
			["auto-create", "Auto-create via resolution, cold, p50 / p99", "\(.cold.auto_create_ms.p50 | ms) / \(.cold.auto_create_ms.p99 | ms)", "CREATE DATABASE \(.cold.raw_create_database_ms.p50 | ms) / \(.cold.raw_create_database_ms.p99 | ms); per pair median \(.cold.per_pair_ratio.median | f(2)), worst \(.cold.per_pair_ratio.worst | f(2))", (.cold.median_ratio | f(2)), "-"])),
		($s["get-or-create-race"] // empty |
			["get-or-create-race", "\(.callers) concurrent get-or-create of a new name (slowest answer, median)", (.wall_ms.p50 | ms), "one create \(.one_create_ms.p50 | ms); same race for an existing name \(.existing_name_wall_ms.p50 | ms); first to last answer \(.first_to_last_answer_ms.p50 | ms); \(rounds(.wall_vs_one_create))", (.wall_vs_one_create.median | f(2)), "<= 3 \(yes(.wall_vs_one_create.median <= 3)); invariant \(yes(.met))"]),
		($s.staleness // empty |
			["staleness", "Cross-replica staleness after the write answered (p50 / p99)", "\(.after_ack_ms.p50 | ms) / \(.after_ack_ms.p99 | ms)", "from sending the write \(.after_send_ms.p50 | ms) / \(.after_send_ms.p99 | ms); max \(.after_ack_ms.max | ms)", "-", "p99 < 100 ms \(yes(.met))"]),
		($s.scale // empty | (
			["scale", "List page of \(.seeded_rows) (p99)", (.list.p99_ms | ms), "p50 \(.list.p50_ms | ms), \(.list.rps | f(0)) req/s; SQL page \(.list.sql_alone_ms.page_query | ms) + count \(.list.sql_alone_ms.count_query | ms)", "-", "-"],
			["scale", "Lookup by name, random (p99)", (.lookup.p99_ms | ms), "p50 \(.lookup.p50_ms | ms), \(.lookup.rps | f(0)) req/s, hits \(.lookup.cache_hit_ratio)", "-", "-"],
			["scale", "Resident memory (VmRSS)", "\(.memory.rss_mib) MiB", "heap used \(.memory.heap_used_mib) MiB, \(.memory.cache_entries) cached", "-", "-"])),
		($s.reconciler // empty |
			["reconciler", "Reconciliation look at \(.rows_in_registry) projects, changed only (median)", (.changed.median_ms | ms), "every project \(.every_project.median_ms | ms) (\(.every_project.projects_checked) checked, heap after \(.every_project.heap_after_mib_median) MiB); changed \(.changed.projects_checked) checked, heap after \(.changed.heap_after_mib_median) MiB", (.ratio_of_medians | f(1)), "-"]),
		($s.transfer // empty | (
			["transfer", "Export of \(.rows_in_registry) projects", (.export.ms | f(0) + " ms"), "\(.export.rows_per_s) rows/s, \(.export.mib_per_s) MiB/s; heap after \(.export.heap_used_mib_after) MiB, VmRSS \(.export.rss_mib_after) MiB", "-", "-"],
			["transfer", "Import of \(.import_registered.entries) registered entries; of \(.import_new.projects) new", "\(.import_registered.entries_per_s) entries/s; \(.import_new.projects_per_s) projects/s", "\(.import_registered.ms | f(0)) ms; \(.import_new.ms | f(0)) ms (each new one provisioned)", "-", "-"])),
		($s.startup // empty |
			["startup", "Start-up to ready, embedded fresh (median of \(.embedded_fresh_ms.n))", (.embedded_fresh_ms.p50 | f(0) + " ms"), "embedded existing \(.embedded_existing_ms.p50 | f(0)) ms, external \(.external_ms.p50 | f(0)) ms (medians)", "-", "-"]),
		($s.schema // empty | (
			["schema", "Create, default schema (p50)", (.provisioning_ms.with_default_schema.p50 | ms), "raw CREATE DATABASE \(.provisioning_ms.raw_create_database.p50 | ms); schema off \(.provisioning_ms.schema_disabled.p50 | ms) (\(.without_schema_vs_raw | f(2))); in service (means): its CREATE DATABASE \(.provisioning_ms.server_means.schema_on_create_database_ms | ms), schema \(.provisioning_ms.server_means.schema_on_migrate_ms | ms), roles and grants \(.provisioning_ms.server_means.schema_on_secure_ms // 0 | ms)", (.with_schema_vs_raw | f(2)), "<= 1.2 \(yes(.with_schema_vs_raw <= 1.2))"],
			(.rollouts[] | ["schema", "Rollout over \(.databases) databases, parallelism \(.parallelism)", "\(.databases_per_second) db/s", "server \(.server_ms) ms, client \(.wall_ms) ms", "-", "-"]))),
		($s.fleet // empty | (
			["fleet", "Create on \(.fleet.servers | length) servers, p50 / p95", "\(.fleet.create_ms.p50 | ms) / \(.fleet.create_ms.p95 | ms)", "one server \(.single.create_ms.p50 | ms) / \(.single.create_ms.p95 | ms); p95 ratio \(.p95_ratio | f(2)); per pair median \(.per_pair_ratio.median | f(2)), worst \(.per_pair_ratio.worst | f(2)); in service (means, fleet / one server): request \(.fleet.service.request_mean_ms | msx) / \(.single.service.request_mean_ms | msx), its CREATE DATABASE \(.fleet.service.create_database_mean_ms | msx) / \(.single.service.create_database_mean_ms | msx)", (.median_ratio | f(2)), "<= 1.1 \(yes(.met))"],
			["fleet", "Placement inside a create on \(.fleet.servers | length) servers, p95", (.fleet.placement.p95.ms // null | if . then ms else "-" end), "bucket \(.fleet.placement.p95.bucket_ms // [] | join("-")) ms, mean \(.fleet.placement.mean_ms // 0 | ms) of \(.fleet.placement.decisions); one server: p95 \(.single.placement.p95.ms // null | if . then ms else "-" end), mean \(.single.placement.mean_ms // 0 | ms)", "-", "-"],
			(.raw_create_database_ms // empty | select(.default.n > 0) |
				["fleet", "Raw CREATE DATABASE on local-1 (p50)", (.["local-1"].p50 | ms), "on the one server (default) \(.default.p50 | ms); \(.default.n) each, blocks alternating", (.local_vs_default | f(2)), "-"]))),
		($s.jmh // empty | .benchmarks[] | ["jmh", .benchmark, "\(.score_ns) ns/op", (if .error_ns then "+- \(.error_ns) ns (99.9%)" else "-" end), "-", "-"])
		| @tsv' "$1" | if [[ $format == md ]]; then
		awk -F '\t' '{ line = "|"; for (i = 1; i <= NF; i++) line = line " " $i " |"; print line
			if (NR == 1) { line = "|"; for (i = 1; i <= NF; i++) line = line " --- |"; print line } }'
	else
		column -t -s $'\t'
	fi
}
