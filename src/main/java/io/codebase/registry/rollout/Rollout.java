package io.codebase.registry.rollout;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import io.swagger.v3.oas.annotations.media.Schema;

/** A schema rollout, its progress and one page of its items (failures first). */
@Schema(name = "SchemaRollout", description = "A fleet rollout of the project schema: progress and per-project outcomes.",
		example = """
				{"id": "0195f3a4-5c2e-7d10-9a3b-4f2e8c1d0a77", "state": "RUNNING", "parallelism": 4,
				 "locations": ["classpath:project-db/migration"], "createdAt": "2026-11-23T19:22:00Z", "finishedAt": null,
				 "counts": {"total": 50, "pending": 20, "succeeded": 29, "failed": 1, "skipped": 0},
				 "items": {"content": [], "page": 0, "size": 20, "totalElements": 50, "totalPages": 3}}""")
public record Rollout(
		@Schema(description = "Rollout id.", example = "0195f3a4-5c2e-7d10-9a3b-4f2e8c1d0a77", requiredMode = Schema.RequiredMode.REQUIRED) UUID id,
		@Schema(description = "RUNNING until every item has an outcome, then COMPLETED.", example = "RUNNING", requiredMode = Schema.RequiredMode.REQUIRED) RolloutState state,
		@Schema(description = "Databases migrated at once.", example = "4", requiredMode = Schema.RequiredMode.REQUIRED) int parallelism,
		@Schema(description = "Project-schema locations of the replica that started it.", example = "[\"classpath:project-db/migration\"]", requiredMode = Schema.RequiredMode.REQUIRED) List<String> locations,
		@Schema(description = "When it was started.", example = "2026-11-23T19:22:00Z", requiredMode = Schema.RequiredMode.REQUIRED) Instant createdAt,
		@Schema(description = "When the last item got its outcome.", example = "2026-11-23T19:22:41Z", nullable = true, requiredMode = Schema.RequiredMode.REQUIRED) Instant finishedAt,
		@Schema(description = "Items by state.", requiredMode = Schema.RequiredMode.REQUIRED) Counts counts,
		@Schema(description = "A page of items: FAILED first, then by project name.", requiredMode = Schema.RequiredMode.REQUIRED) Items items) {

	/** Items by state. */
	@Schema(name = "SchemaRolloutCounts", description = "How many project databases are in each state.",
			example = "{\"total\": 50, \"pending\": 20, \"succeeded\": 29, \"failed\": 1, \"skipped\": 0}")
	public record Counts(
			@Schema(description = "Project databases in the rollout.", example = "50", requiredMode = Schema.RequiredMode.REQUIRED) long total,
			@Schema(description = "Not migrated yet.", example = "20", requiredMode = Schema.RequiredMode.REQUIRED) long pending,
			@Schema(description = "Migrated.", example = "29", requiredMode = Schema.RequiredMode.REQUIRED) long succeeded,
			@Schema(description = "Failed; see the items.", example = "1", requiredMode = Schema.RequiredMode.REQUIRED) long failed,
			@Schema(description = "Deleted or no longer READY.", example = "0", requiredMode = Schema.RequiredMode.REQUIRED) long skipped) {
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
