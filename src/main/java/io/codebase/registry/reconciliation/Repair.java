package io.codebase.registry.reconciliation;

import java.util.UUID;

import io.swagger.v3.oas.annotations.media.Schema;

/** What the reconciler did about one drift. */
@Schema(description = "One repair the reconciler attempted, and how it ended.",
		example = """
				{"kind": "STUCK_PROVISIONING", "projectId": "3f6c1a52-8f0e-4d4e-9c55-2b7f7a0c9e11",
				 "databaseName": "cb_proj_payments_service_3f6c1a52", "outcome": "REPAIRED",
				 "detail": "provisioned: the project is READY"}""")
public record Repair(
		@Schema(description = "The kind of drift repaired.", example = "STUCK_PROVISIONING", requiredMode = Schema.RequiredMode.REQUIRED) DriftKind kind,
		@Schema(description = "The project concerned, if any.", example = "3f6c1a52-8f0e-4d4e-9c55-2b7f7a0c9e11",
				nullable = true, requiredMode = Schema.RequiredMode.REQUIRED) UUID projectId,
		@Schema(description = "The database concerned, if any.", example = "cb_proj_payments_service_3f6c1a52",
				nullable = true, requiredMode = Schema.RequiredMode.REQUIRED) String databaseName,
		@Schema(description = "REPAIRED: the drift is gone; FAILED: it is not, see detail.", example = "REPAIRED", requiredMode = Schema.RequiredMode.REQUIRED) Outcome outcome,
		@Schema(description = "What was done, or why it failed.", example = "provisioned: the project is READY", requiredMode = Schema.RequiredMode.REQUIRED) String detail) {

	public enum Outcome {

		REPAIRED, FAILED

	}

}
