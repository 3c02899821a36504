package io.codebase.registry.reconciliation;

import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import io.swagger.v3.oas.annotations.media.Schema;

/** The drift found by one reconciliation run, and the repairs made if it was allowed to repair. */
@Schema(description = "The drift between the registry and the world, found by one run, and the repairs made.",
		example = """
				{"startedAt": "2026-11-23T20:00:00Z", "finishedAt": "2026-11-23T20:00:01.250Z", "repairing": true,
				 "found": {"ORPHAN_DATABASE": 0, "MISSING_DATABASE": 0, "STUCK_PROVISIONING": 1, "LEFTOVER_DELETING": 0,
				   "FAILED": 0, "EXPIRED_SESSIONS": 3, "MISSING_SOURCE_PATH": 0},
				 "remaining": {"ORPHAN_DATABASE": 0, "MISSING_DATABASE": 0, "STUCK_PROVISIONING": 0, "LEFTOVER_DELETING": 0,
				   "FAILED": 0, "EXPIRED_SESSIONS": 0, "MISSING_SOURCE_PATH": 0},
				 "drifts": [{"kind": "STUCK_PROVISIONING", "projectId": "3f6c1a52-8f0e-4d4e-9c55-2b7f7a0c9e11",
				   "projectName": "Payments Service", "databaseName": "cb_proj_payments_service_3f6c1a52", "server": "default",
				   "detail": "provisioning since 2026-11-23T19:20:14Z", "since": "2026-11-23T19:20:14Z",
				   "action": "finish provisioning: CREATE DATABASE, then READY (FAILED if that fails)"}],
				 "repairs": [{"kind": "STUCK_PROVISIONING", "projectId": "3f6c1a52-8f0e-4d4e-9c55-2b7f7a0c9e11",
				   "databaseName": "cb_proj_payments_service_3f6c1a52", "outcome": "REPAIRED",
				   "detail": "provisioned: the project is READY"}],
				 "truncated": false, "projectsChecked": 1250, "changedSince": null}""")
public record ReconciliationReport(
		@Schema(description = "When the run started.", example = "2026-11-23T20:00:00Z", requiredMode = Schema.RequiredMode.REQUIRED) Instant startedAt,
		@Schema(description = "When it finished.", example = "2026-11-23T20:00:01.250Z", requiredMode = Schema.RequiredMode.REQUIRED) Instant finishedAt,
		@Schema(description = "False for a report (GET), true for a run that repaired (POST, or the schedule).",
				example = "true", requiredMode = Schema.RequiredMode.REQUIRED) boolean repairing,
		@Schema(description = "Drift found, per kind (sessions for EXPIRED_SESSIONS, otherwise projects or databases).",
				example = "{\"STUCK_PROVISIONING\": 1, \"EXPIRED_SESSIONS\": 3}", requiredMode = Schema.RequiredMode.REQUIRED) Map<DriftKind, Long> found,
		@Schema(description = "Drift left after the repairs, per kind; equal to found for a report.",
				example = "{\"STUCK_PROVISIONING\": 0, \"EXPIRED_SESSIONS\": 0}", requiredMode = Schema.RequiredMode.REQUIRED) Map<DriftKind, Long> remaining,
		@Schema(description = "The drift found, at most " + MAX_LISTED + " per kind.", requiredMode = Schema.RequiredMode.REQUIRED) List<Drift> drifts,
		@Schema(description = "The repairs attempted, at most " + MAX_LISTED + " per kind.", requiredMode = Schema.RequiredMode.REQUIRED) List<Repair> repairs,
		@Schema(description = "True when drifts or repairs were left out of the lists; found and remaining still count them all.",
				example = "false", requiredMode = Schema.RequiredMode.REQUIRED) boolean truncated,
		@Schema(description = "Projects the run read and checked.", example = "1250", requiredMode = Schema.RequiredMode.REQUIRED) long projectsChecked,
		@Schema(description = "Null when the run looked at every project; otherwise it looked only at the projects whose row "
				+ "changed at or after this instant and those not READY (databases, sessions, credentials and moves in full "
				+ "either way), so it cannot have found a settled project's MISSING_DATABASE, MISSING_SOURCE_PATH, "
				+ "SERVER_UNAVAILABLE or MISSING_ACCESS_ROLES.", example = "null", nullable = true,
				requiredMode = Schema.RequiredMode.REQUIRED) Instant changedSince) {

	/** Drifts and repairs listed per kind; the counts always cover all of them. */
	static final int MAX_LISTED = 100;

	/** The report of a run that finishes now, listing at most {@link #MAX_LISTED} drifts and repairs per kind. */
	static ReconciliationReport of(Instant startedAt, DriftDetector.Detection detection, boolean repairing,
			Map<DriftKind, Long> found, Map<DriftKind, Long> remaining, List<Drift> drifts, List<Repair> repairs) {
		List<Drift> listedDrifts = limited(drifts, Drift::kind);
		List<Repair> listedRepairs = limited(repairs, Repair::kind);
		return new ReconciliationReport(startedAt, Instant.now(), repairing, found, remaining, listedDrifts,
				listedRepairs, listedDrifts.size() < drifts.size() || listedRepairs.size() < repairs.size(),
				detection.projectsLooked(), detection.scope().changedSince());
	}

	private static <T> List<T> limited(List<T> items, Function<T, DriftKind> kindOf) {
		Map<DriftKind, Integer> listed = new EnumMap<>(DriftKind.class);
		return items.stream().filter(item -> listed.merge(kindOf.apply(item), 1, Integer::sum) <= MAX_LISTED).toList();
	}

}
