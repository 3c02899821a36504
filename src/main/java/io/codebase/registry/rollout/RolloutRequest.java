package io.codebase.registry.rollout;

import java.util.List;

import io.swagger.v3.oas.annotations.media.Schema;

/** What a rollout migrates, and how many databases at once. Every member is optional. */
@Schema(description = "Which READY projects to migrate to the latest project schema; empty: all of them.",
		example = "{\"schemaVersion\": \"1\", \"parallelism\": 4}")
public record RolloutRequest(
		@Schema(description = "Only these projects (ids or names); absent: every READY project.",
				example = "[\"Payments Service\", \"3f6c1a52-8f0e-4d4e-9c55-2b7f7a0c9e11\"]", nullable = true) List<String> projects,
		@Schema(description = "Only projects at this schema version; none: projects never migrated.", example = "1",
				nullable = true) String schemaVersion,
		@Schema(description = "Databases migrated at once, 1 to registry.schema-rollouts.max-parallelism; default "
				+ "registry.schema-rollouts.default-parallelism.", example = "4", nullable = true) Integer parallelism) {

	static final RolloutRequest ALL = new RolloutRequest(null, null, null);

}
