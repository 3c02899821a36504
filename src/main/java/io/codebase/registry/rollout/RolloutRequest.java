package io.codebase.registry.rollout;

import java.math.BigDecimal;
import java.util.List;

import io.swagger.v3.oas.annotations.media.Schema;

/**
 * What a rollout migrates, in which waves, and how carefully. Every member is optional: without any, every READY
 * project is migrated in one wave with no failure budget, {@code parallelism} at a time.
 */
@Schema(description = "Which READY projects to migrate to the latest project schema, in which waves and within which "
		+ "limits; empty: all of them, in one wave.",
		example = """
				{"schemaVersion": "1", "parallelism": 4, "maxPerServer": 2, "canary": {"count": 5},
				 "waves": [10, 50, 100], "failureBudget": {"count": 0, "percent": 5}, "pauseBetweenWaves": false}""")
public record RolloutRequest(
		@Schema(description = "Only these projects (ids or names); absent: every READY project.",
				example = "[\"Payments Service\", \"3f6c1a52-8f0e-4d4e-9c55-2b7f7a0c9e11\"]", nullable = true) List<String> projects,
		@Schema(description = "Only projects at this schema version; none: projects never migrated.", example = "1",
				nullable = true) String schemaVersion,
		@Schema(description = "Databases migrated at once, 1 to registry.schema-rollouts.max-parallelism; default "
				+ "registry.schema-rollouts.default-parallelism.", example = "4", nullable = true) Integer parallelism,
		@Schema(description = "The most databases migrated at once on one database server, 1 to parallelism; default "
				+ "registry.schema-rollouts.max-per-server (at most parallelism).", example = "2", nullable = true) Integer maxPerServer,
		@Schema(description = "A first wave that must pass before any other database is touched: a count of projects "
				+ "(the first by name) or named projects; absent: no canary.") Canary canary,
		@Schema(description = "Cumulative percentages of the projects after the canary, one wave each, strictly "
				+ "increasing, ending with 100; at most " + RolloutPlanner.MAX_WAVES + " waves; default [100].",
				example = "[10, 50, 100]", nullable = true) List<Integer> waves,
		@Schema(description = "Failures a wave may have and the rollout still go on; exceeded: no new database starts, "
				+ "the running ones finish, and the rollout is HALTED. Absent: no limit (every database is tried).")
				FailureBudget failureBudget,
		@Schema(description = "PAUSED after each wave that passed, until POST .../{id}/resume.", example = "false",
				nullable = true) Boolean pauseBetweenWaves) {

	static final RolloutRequest ALL = new RolloutRequest(null, null, null, null, null, null, null, null);

	/** The canary wave: a count of projects, or named ones. */
	@Schema(name = "SchemaRolloutCanary", description = "The canary wave: either count or projects.",
			example = "{\"count\": 5}")
	public record Canary(
			@Schema(description = "How many projects, the first by name.", example = "5", nullable = true) Integer count,
			@Schema(description = "These projects (ids or names), which must be among the rollout's.",
					example = "[\"Payments Service\"]", nullable = true) List<String> projects) {
	}

	/** Failures allowed per wave: a wave exceeds its budget when it has more failures than either limit allows. */
	@Schema(name = "SchemaRolloutFailureBudget", description = "Failures allowed per wave; a wave exceeds it with more "
			+ "failed databases than count, or a larger share of failed databases than percent.",
			example = "{\"count\": 0, \"percent\": 5}")
	public record FailureBudget(
			@Schema(description = "Failed databases a wave may have.", example = "0", nullable = true) Integer count,
			@Schema(description = "Share of a wave's databases that may fail, 0 to 100.", example = "5", nullable = true)
			BigDecimal percent) {

		boolean exceededBy(long failed, long waveSize) {
			boolean overCount = this.count != null && failed > this.count;
			boolean overPercent = this.percent != null
					&& BigDecimal.valueOf(failed).multiply(BigDecimal.valueOf(100))
						.compareTo(this.percent.multiply(BigDecimal.valueOf(waveSize))) > 0;
			return overCount || overPercent;
		}

	}

}
