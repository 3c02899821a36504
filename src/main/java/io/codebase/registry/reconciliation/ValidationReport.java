package io.codebase.registry.reconciliation;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import io.codebase.registry.project.ProjectState;
import io.swagger.v3.oas.annotations.media.Schema;

/** What is wrong with a project, if anything, and what to do about it. */
@Schema(description = "The checks of one project: its source path, its database and its lifecycle.",
		example = """
				{"projectId": "3f6c1a52-8f0e-4d4e-9c55-2b7f7a0c9e11", "name": "Payments Service", "state": "READY",
				 "valid": false, "checkedAt": "2026-11-23T20:00:00Z",
				 "issues": [{"kind": "SOURCE_PATH_MISSING", "detail": "/home/dev/src/payments does not exist",
				   "suggestedAction": "PATCH sourcePath to where the code now lives, or DELETE the project"}]}""")
public record ValidationReport(
		@Schema(description = "The project.", example = "3f6c1a52-8f0e-4d4e-9c55-2b7f7a0c9e11", requiredMode = Schema.RequiredMode.REQUIRED) UUID projectId,
		@Schema(description = "Its name.", example = "Payments Service", requiredMode = Schema.RequiredMode.REQUIRED) String name,
		@Schema(description = "Its provisioning state.", example = "READY", requiredMode = Schema.RequiredMode.REQUIRED) ProjectState state,
		@Schema(description = "True when there is no issue.", example = "false", requiredMode = Schema.RequiredMode.REQUIRED) boolean valid,
		@Schema(description = "When the checks ran.", example = "2026-11-23T20:00:00Z", requiredMode = Schema.RequiredMode.REQUIRED) Instant checkedAt,
		@Schema(description = "The issues found.", requiredMode = Schema.RequiredMode.REQUIRED) List<Issue> issues) {

	@Schema(description = "One issue and the action that fixes it.",
			example = "{\"kind\": \"DATABASE_MISSING\", \"detail\": \"database cb_proj_x_3f6c1a52 does not exist\", \"suggestedAction\": \"POST /api/v1/projects/3f6c1a52-8f0e-4d4e-9c55-2b7f7a0c9e11/provision\"}")
	public record Issue(
			@Schema(description = "What kind of issue.", example = "DATABASE_MISSING", requiredMode = Schema.RequiredMode.REQUIRED) Kind kind,
			@Schema(description = "The specifics.", example = "database cb_proj_x_3f6c1a52 does not exist", requiredMode = Schema.RequiredMode.REQUIRED) String detail,
			@Schema(description = "What to do about it.", example = "POST /api/v1/projects/3f6c1a52-8f0e-4d4e-9c55-2b7f7a0c9e11/provision", requiredMode = Schema.RequiredMode.REQUIRED) String suggestedAction) {
	}

	/**
	 * The names this report gives to the conditions of {@link DriftKind}, which says which name is whose; only
	 * {@link #SOURCE_PATH_NOT_CHECKED} names no condition: it says a check was not made.
	 */
	public enum Kind {

		/** The source path does not exist (the old registry's orphan check). */
		SOURCE_PATH_MISSING,
		/** The source path exists but is not a directory. */
		SOURCE_PATH_NOT_DIRECTORY,
		/** The source path lies outside the allowed roots, so the service does not look at it. */
		SOURCE_PATH_NOT_CHECKED,
		/** The project is READY but its database is gone. */
		DATABASE_MISSING,
		/** Provisioning failed; the reason is in lastError. */
		PROVISIONING_FAILED,
		/** PROVISIONING for longer than registry.projects.stuck-after: abandoned by a crash. */
		STUCK_PROVISIONING,
		/** DELETING for longer than registry.projects.stuck-after: the drop did not finish. */
		STUCK_DELETING,
		/** The project's database server is down or not configured, so its database was not checked. */
		SERVER_UNAVAILABLE

	}

}
