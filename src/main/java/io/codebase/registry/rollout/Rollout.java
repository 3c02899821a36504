package io.codebase.registry.rollout;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.swagger.v3.oas.annotations.media.Schema;

/** A schema rollout, its progress per wave and one page of its items (failures first). */
@Schema(name = "SchemaRollout", description = "A fleet rollout of the project schema: waves, progress and per-project outcomes.",
		example = """
				{"id": "0195f3a4-5c2e-7d10-9a3b-4f2e8c1d0a77", "state": "HALTED",
				 "reason": "wave 0 (canary): 1 of 5 databases failed, over the failure budget (count 0)",
				 "currentWave": 0, "parallelism": 4, "maxPerServer": 2, "failureBudget": {"count": 0},
				 "pauseBetweenWaves": false, "locations": ["classpath:project-db/migration"],
				 "createdAt": "2026-11-23T19:22:00Z", "updatedAt": "2026-11-23T19:22:04Z", "finishedAt": null,
				 "counts": {"total": 50, "pending": 45, "running": 0, "succeeded": 4, "failed": 1, "skipped": 0},
				 "waves": [{"wave": 0, "name": "canary", "counts": {"total": 5, "pending": 0, "running": 0, "succeeded": 4, "failed": 1, "skipped": 0}}],
				 "items": {"content": [], "page": 0, "size": 20, "totalElements": 50, "totalPages": 3}}""")
public record Rollout(
		@Schema(description = "Rollout id.", example = "0195f3a4-5c2e-7d10-9a3b-4f2e8c1d0a77", requiredMode = Schema.RequiredMode.REQUIRED) UUID id,
		@Schema(description = "RUNNING, PAUSED (between waves), HALTED (a wave exceeded its failure budget), CANCELLED or COMPLETED.", example = "RUNNING", requiredMode = Schema.RequiredMode.REQUIRED) RolloutState state,
		@Schema(description = "Why it is PAUSED, HALTED or CANCELLED.", example = "wave 0 (canary): 1 of 5 databases failed, over the failure budget (count 0)", nullable = true, requiredMode = Schema.RequiredMode.REQUIRED) String reason,
		@Schema(description = "The wave running, or the one that halted; 0 is the canary.", example = "1", requiredMode = Schema.RequiredMode.REQUIRED) int currentWave,
		@Schema(description = "Databases migrated at once.", example = "4", requiredMode = Schema.RequiredMode.REQUIRED) int parallelism,
		@Schema(description = "Databases migrated at once on one database server.", example = "2", requiredMode = Schema.RequiredMode.REQUIRED) int maxPerServer,
		@Schema(description = "Failures a wave may have; absent: every database is tried.") @JsonInclude(JsonInclude.Include.NON_NULL) Budget failureBudget,
		@Schema(description = "Whether it pauses after each wave that passed.", example = "false", requiredMode = Schema.RequiredMode.REQUIRED) boolean pauseBetweenWaves,
		@Schema(description = "Project-schema locations of the replica that started it.", example = "[\"classpath:project-db/migration\"]", requiredMode = Schema.RequiredMode.REQUIRED) List<String> locations,
		@Schema(description = "When it was started.", example = "2026-11-23T19:22:00Z", requiredMode = Schema.RequiredMode.REQUIRED) Instant createdAt,
		@Schema(description = "When its state or wave last changed.", example = "2026-11-23T19:22:04Z", requiredMode = Schema.RequiredMode.REQUIRED) Instant updatedAt,
		@Schema(description = "When it was COMPLETED or CANCELLED.", example = "2026-11-23T19:22:41Z", nullable = true, requiredMode = Schema.RequiredMode.REQUIRED) Instant finishedAt,
		@Schema(description = "Items by state.", requiredMode = Schema.RequiredMode.REQUIRED) Counts counts,
		@Schema(description = "The waves in order, each with its items by state.", requiredMode = Schema.RequiredMode.REQUIRED) List<Wave> waves,
		@Schema(description = "A page of items: FAILED first, then by wave and project name.", requiredMode = Schema.RequiredMode.REQUIRED) Items items) {

	/** Items by state. */
	@Schema(name = "SchemaRolloutCounts", description = "How many project databases are in each state.",
			example = "{\"total\": 50, \"pending\": 20, \"running\": 2, \"succeeded\": 27, \"failed\": 1, \"skipped\": 0}")
	public record Counts(
			@Schema(description = "Project databases.", example = "50", requiredMode = Schema.RequiredMode.REQUIRED) long total,
			@Schema(description = "Not started.", example = "20", requiredMode = Schema.RequiredMode.REQUIRED) long pending,
			@Schema(description = "Being migrated.", example = "2", requiredMode = Schema.RequiredMode.REQUIRED) long running,
			@Schema(description = "Migrated.", example = "27", requiredMode = Schema.RequiredMode.REQUIRED) long succeeded,
			@Schema(description = "Failed; see the items.", example = "1", requiredMode = Schema.RequiredMode.REQUIRED) long failed,
			@Schema(description = "Deleted, no longer READY, or cancelled.", example = "0", requiredMode = Schema.RequiredMode.REQUIRED) long skipped) {
	}

	/** The failure budget of each wave, as the rollout was started with it. */
	@Schema(name = "SchemaRolloutBudget", description = "Failures a wave may have: more than count, or a larger share than percent, halts the rollout.",
			example = "{\"count\": 0, \"percent\": 5}")
	public record Budget(
			@Schema(description = "Failed databases a wave may have; absent: no count limit.", example = "0") @JsonInclude(JsonInclude.Include.NON_NULL) Integer count,
			@Schema(description = "Share of a wave's databases that may fail; absent: no share limit.", example = "5") @JsonInclude(JsonInclude.Include.NON_NULL) BigDecimal percent) {

		static Budget of(RolloutRequest.FailureBudget budget) {
			return (budget != null) ? new Budget(budget.count(), budget.percent()) : null;
		}

	}

	/** One wave and its items by state. */
	@Schema(name = "SchemaRolloutWave", description = "One wave of a rollout.",
			example = "{\"wave\": 0, \"name\": \"canary\", \"counts\": {\"total\": 5, \"pending\": 0, \"running\": 0, \"succeeded\": 5, \"failed\": 0, \"skipped\": 0}}")
	public record Wave(
			@Schema(description = "Its number: 0 is the canary, then 1, 2, ...", example = "0", requiredMode = Schema.RequiredMode.REQUIRED) int wave,
			@Schema(description = "canary, or the cumulative percentage it reaches, such as 50%.", example = "canary", requiredMode = Schema.RequiredMode.REQUIRED) String name,
			@Schema(description = "Its items by state.", requiredMode = Schema.RequiredMode.REQUIRED) Counts counts) {
	}

	/** One page of items. */
	@Schema(name = "SchemaRolloutItems", description = "A page of rollout items with totals.",
			example = "{\"content\": [], \"page\": 0, \"size\": 20, \"totalElements\": 50, \"totalPages\": 3}")
	public record Items(
			@Schema(description = "The items on this page.", requiredMode = Schema.RequiredMode.REQUIRED) List<RolloutItem> content,
			@Schema(description = "Zero-based page number.", example = "0", requiredMode = Schema.RequiredMode.REQUIRED) int page,
			@Schema(description = "Requested page size.", example = "20", requiredMode = Schema.RequiredMode.REQUIRED) int size,
			@Schema(description = "Items matching the filter, on all pages.", example = "50", requiredMode = Schema.RequiredMode.REQUIRED) long totalElements,
			@Schema(description = "Number of pages.", example = "3", requiredMode = Schema.RequiredMode.REQUIRED) int totalPages) {
	}

}
