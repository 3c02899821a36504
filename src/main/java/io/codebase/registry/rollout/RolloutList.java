package io.codebase.registry.rollout;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import io.swagger.v3.oas.annotations.media.Schema;

/** One page of rollouts, newest first, and the cursor of the next page. */
@Schema(name = "SchemaRolloutList", description = "A page of schema rollouts, newest first.",
		example = "{\"content\": [], \"next\": null}")
public record RolloutList(
		@Schema(description = "The rollouts on this page.", requiredMode = Schema.RequiredMode.REQUIRED) List<Summary> content,
		@Schema(description = "Opaque cursor of the next page (also in the Link header, rel=\"next\"); null on the last page.",
				example = "MjAyNi0xMS0yM1QxOToyMjowMFp8MDE5NWYzYTQtNWMyZS03ZDEwLTlhM2ItNGYyZThjMWQwYTc3", nullable = true,
				requiredMode = Schema.RequiredMode.REQUIRED) String next) {

	/** A rollout without its items. */
	@Schema(name = "SchemaRolloutSummary", description = "A schema rollout without its items.",
			example = """
					{"id": "0195f3a4-5c2e-7d10-9a3b-4f2e8c1d0a77", "state": "COMPLETED", "reason": null, "currentWave": 3,
					 "createdAt": "2026-11-23T19:22:00Z", "updatedAt": "2026-11-23T19:22:41Z", "finishedAt": "2026-11-23T19:22:41Z",
					 "counts": {"total": 50, "pending": 0, "running": 0, "succeeded": 49, "failed": 1, "skipped": 0}}""")
	public record Summary(
			@Schema(description = "Rollout id.", example = "0195f3a4-5c2e-7d10-9a3b-4f2e8c1d0a77", requiredMode = Schema.RequiredMode.REQUIRED) UUID id,
			@Schema(description = "Its state.", example = "COMPLETED", requiredMode = Schema.RequiredMode.REQUIRED) RolloutState state,
			@Schema(description = "Why it is PAUSED, HALTED or CANCELLED.", example = "null", nullable = true, requiredMode = Schema.RequiredMode.REQUIRED) String reason,
			@Schema(description = "The wave running, or the last one; 0 is the canary.", example = "3", requiredMode = Schema.RequiredMode.REQUIRED) int currentWave,
			@Schema(description = "When it was started.", example = "2026-11-23T19:22:00Z", requiredMode = Schema.RequiredMode.REQUIRED) Instant createdAt,
			@Schema(description = "When its state or wave last changed.", example = "2026-11-23T19:22:41Z", requiredMode = Schema.RequiredMode.REQUIRED) Instant updatedAt,
			@Schema(description = "When it was COMPLETED or CANCELLED.", example = "2026-11-23T19:22:41Z", nullable = true, requiredMode = Schema.RequiredMode.REQUIRED) Instant finishedAt,
			@Schema(description = "Items by state.", requiredMode = Schema.RequiredMode.REQUIRED) Rollout.Counts counts) {
	}

}
