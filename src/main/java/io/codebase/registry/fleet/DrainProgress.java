package io.codebase.registry.fleet;

import java.time.Instant;

import io.swagger.v3.oas.annotations.media.Schema;

/**
 * How the drain of a server goes: shown on the server's resource. Drains belong to the moves module; the fleet only
 * shows them ({@link DrainProgressSource}).
 */
@Schema(name = "DrainProgress", description = "The drain of a server: it is cordoned, and its projects are moved to "
		+ "other servers a few at a time.", example = """
				{"state": "RUNNING", "remaining": 12, "moving": 2, "moved": 6, "failed": 0, "parallelism": 2,
				 "startedAt": "2026-11-29T04:20:00Z", "finishedAt": null, "error": null}""")
public record DrainProgress(
		@Schema(description = "RUNNING until the server holds no project; COMPLETED then; STOPPED when the projects "
				+ "left could not be moved (see error).", example = "RUNNING", requiredMode = Schema.RequiredMode.REQUIRED) String state,
		@Schema(description = "Projects still on the server.", example = "12", requiredMode = Schema.RequiredMode.REQUIRED) long remaining,
		@Schema(description = "Moves off the server running now.", example = "2", requiredMode = Schema.RequiredMode.REQUIRED) long moving,
		@Schema(description = "Projects moved off by this drain.", example = "6", requiredMode = Schema.RequiredMode.REQUIRED) long moved,
		@Schema(description = "Moves of this drain that failed (and were rolled back).", example = "0", requiredMode = Schema.RequiredMode.REQUIRED) long failed,
		@Schema(description = "Moves at a time (registry.moves.drain-parallelism).", example = "2", requiredMode = Schema.RequiredMode.REQUIRED) int parallelism,
		@Schema(description = "When the drain began.", example = "2026-11-29T04:20:00Z", requiredMode = Schema.RequiredMode.REQUIRED) Instant startedAt,
		@Schema(description = "When it completed or stopped.", example = "null", nullable = true, requiredMode = Schema.RequiredMode.REQUIRED) Instant finishedAt,
		@Schema(description = "Why it stopped.", example = "null", nullable = true, requiredMode = Schema.RequiredMode.REQUIRED) String error) {
}
