package io.codebase.registry.rollout;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.swagger.v3.oas.annotations.media.Schema;

/** The outcome of one project database in a rollout. */
@Schema(name = "SchemaRolloutItem", description = "One project database of a rollout and its outcome.", example = """
		{"projectId": "3f6c1a52-8f0e-4d4e-9c55-2b7f7a0c9e11", "projectName": "Payments Service",
		 "databaseName": "cb_proj_payments_service_3f6c1a52", "server": "default", "wave": 1, "state": "SUCCEEDED",
		 "fromVersion": "1", "toVersion": "2", "applied": ["2"], "attempts": 1, "durationMs": 84, "error": null,
		 "startedAt": "2026-11-23T19:22:03.036Z", "finishedAt": "2026-11-23T19:22:03.120Z"}""")
public record RolloutItem(
		@Schema(description = "Project id.", example = "3f6c1a52-8f0e-4d4e-9c55-2b7f7a0c9e11", requiredMode = Schema.RequiredMode.REQUIRED) UUID projectId,
		@Schema(description = "Project name when the rollout started.", example = "Payments Service", requiredMode = Schema.RequiredMode.REQUIRED) String projectName,
		@Schema(description = "The project's database.", example = "cb_proj_payments_service_3f6c1a52", requiredMode = Schema.RequiredMode.REQUIRED) String databaseName,
		@Schema(description = "The database server that holds it.", example = "default", requiredMode = Schema.RequiredMode.REQUIRED) String server,
		@Schema(description = "Its wave: 0 is the canary, then 1, 2, ...", example = "1", requiredMode = Schema.RequiredMode.REQUIRED) int wave,
		@Schema(description = "PENDING, RUNNING, SUCCEEDED, FAILED or SKIPPED.", example = "SUCCEEDED", requiredMode = Schema.RequiredMode.REQUIRED) ItemState state,
		@Schema(description = "Schema version before the migration.", example = "1", nullable = true, requiredMode = Schema.RequiredMode.REQUIRED) String fromVersion,
		@Schema(description = "Schema version after a successful migration.", example = "2", nullable = true, requiredMode = Schema.RequiredMode.REQUIRED) String toVersion,
		@Schema(description = "Versions of the migrations this rollout applied, in order.", example = "[\"2\"]", requiredMode = Schema.RequiredMode.REQUIRED) List<String> applied,
		@Schema(description = "How often it was started (a resume after a halt starts a failed one again).", example = "1", requiredMode = Schema.RequiredMode.REQUIRED) int attempts,
		@Schema(description = "How long its last attempt took, in milliseconds; absent until it has an outcome.", example = "84") @JsonInclude(JsonInclude.Include.NON_NULL) Long durationMs,
		@Schema(description = "Why it failed or was skipped.", example = "Migrating the schema of database cb_proj_payments_service_3f6c1a52 on default failed: ...", nullable = true, requiredMode = Schema.RequiredMode.REQUIRED) String error,
		@Schema(description = "When its last attempt started.", example = "2026-11-23T19:22:03.036Z", nullable = true, requiredMode = Schema.RequiredMode.REQUIRED) Instant startedAt,
		@Schema(description = "When it got its outcome.", example = "2026-11-23T19:22:03.120Z", nullable = true, requiredMode = Schema.RequiredMode.REQUIRED) Instant finishedAt) {
}
