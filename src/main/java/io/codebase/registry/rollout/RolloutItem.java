package io.codebase.registry.rollout;

import java.time.Instant;
import java.util.UUID;

import io.swagger.v3.oas.annotations.media.Schema;

/** The outcome of one project database in a rollout. */
@Schema(name = "SchemaRolloutItem", description = "One project database of a rollout and its outcome.", example = """
		{"projectId": "3f6c1a52-8f0e-4d4e-9c55-2b7f7a0c9e11", "projectName": "Payments Service",
		 "databaseName": "cb_proj_payments_service_3f6c1a52", "state": "SUCCEEDED", "fromVersion": "1", "toVersion": "2",
		 "error": null, "finishedAt": "2026-11-23T19:22:03.120Z"}""")
public record RolloutItem(
		@Schema(description = "Project id.", example = "3f6c1a52-8f0e-4d4e-9c55-2b7f7a0c9e11", requiredMode = Schema.RequiredMode.REQUIRED) UUID projectId,
		@Schema(description = "Project name when the rollout started.", example = "Payments Service", requiredMode = Schema.RequiredMode.REQUIRED) String projectName,
		@Schema(description = "The project's database.", example = "cb_proj_payments_service_3f6c1a52", requiredMode = Schema.RequiredMode.REQUIRED) String databaseName,
		@Schema(description = "PENDING, SUCCEEDED, FAILED or SKIPPED.", example = "FAILED", requiredMode = Schema.RequiredMode.REQUIRED) ItemState state,
		@Schema(description = "Schema version before the migration.", example = "1", nullable = true, requiredMode = Schema.RequiredMode.REQUIRED) String fromVersion,
		@Schema(description = "Schema version after a successful migration.", example = "2", nullable = true, requiredMode = Schema.RequiredMode.REQUIRED) String toVersion,
		@Schema(description = "Why it failed or was skipped.", example = "Migrating the schema of database cb_proj_payments_service_3f6c1a52 failed: ...", nullable = true, requiredMode = Schema.RequiredMode.REQUIRED) String error,
		@Schema(description = "When it got its outcome.", example = "2026-11-23T19:22:03.120Z", nullable = true, requiredMode = Schema.RequiredMode.REQUIRED) Instant finishedAt) {
}
