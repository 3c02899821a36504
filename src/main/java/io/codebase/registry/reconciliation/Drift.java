package io.codebase.registry.reconciliation;

import java.time.Instant;
import java.util.UUID;

import io.swagger.v3.oas.annotations.media.Schema;

/** One disagreement between the registry and the world, and what the reconciler does about it. */
@Schema(description = "One drift: a project, database or set of sessions that disagrees with the registry.",
		example = """
				{"kind": "STUCK_PROVISIONING", "projectId": "3f6c1a52-8f0e-4d4e-9c55-2b7f7a0c9e11",
				 "projectName": "Payments Service", "databaseName": "cb_proj_payments_service_3f6c1a52", "server": "default",
				 "detail": "provisioning since 2026-11-23T19:20:14Z", "since": "2026-11-23T19:20:14Z",
				 "action": "finish provisioning: CREATE DATABASE, then READY (FAILED if that fails)"}""")
public record Drift(
		@Schema(description = "What kind of drift.", example = "STUCK_PROVISIONING", requiredMode = Schema.RequiredMode.REQUIRED) DriftKind kind,
		@Schema(description = "The project concerned; null for orphan databases and expired sessions.",
				example = "3f6c1a52-8f0e-4d4e-9c55-2b7f7a0c9e11", nullable = true, requiredMode = Schema.RequiredMode.REQUIRED) UUID projectId,
		@Schema(description = "Its name.", example = "Payments Service", nullable = true, requiredMode = Schema.RequiredMode.REQUIRED) String projectName,
		@Schema(description = "The database concerned, if any.", example = "cb_proj_payments_service_3f6c1a52",
				nullable = true, requiredMode = Schema.RequiredMode.REQUIRED) String databaseName,
		@Schema(description = "The database server concerned, if any.", example = "default", nullable = true,
				requiredMode = Schema.RequiredMode.REQUIRED) String server,
		@Schema(description = "The specifics.", example = "provisioning since 2026-11-23T19:20:14Z", requiredMode = Schema.RequiredMode.REQUIRED) String detail,
		@Schema(description = "Since when: the last change of the project row, or when an orphan database was first seen.",
				example = "2026-11-23T19:20:14Z", nullable = true, requiredMode = Schema.RequiredMode.REQUIRED) Instant since,
		@Schema(description = "What POST /api/v1/reconciliation does about it with the current settings, or, when "
				+ "it does nothing, how to fix it by hand.",
				example = "finish provisioning: CREATE DATABASE, then READY (FAILED if that fails)", requiredMode = Schema.RequiredMode.REQUIRED) String action) {
}
