package io.codebase.registry.rollout;

import java.util.List;
import java.util.UUID;

import io.swagger.v3.oas.annotations.media.Schema;

/** What a rollout would do, computed by a dry run: its waves, and for each database the migrations it would apply. */
@Schema(name = "SchemaRolloutPlan", description = "The plan of a dry run: nothing was changed.",
		example = """
				{"total": 1, "parallelism": 4, "maxPerServer": 2, "locations": ["classpath:project-db/migration"],
				 "waves": [{"wave": 1, "name": "100%", "projects": [{"projectId": "3f6c1a52-8f0e-4d4e-9c55-2b7f7a0c9e11",
				  "projectName": "Payments Service", "databaseName": "cb_proj_payments_service_3f6c1a52", "server": "default",
				  "fromVersion": "1", "toVersion": "2", "migrations": ["2"], "error": null}]}]}""")
public record RolloutPlan(
		@Schema(description = "Project databases the rollout would cover.", example = "1", requiredMode = Schema.RequiredMode.REQUIRED) int total,
		@Schema(description = "Databases it would migrate at once.", example = "4", requiredMode = Schema.RequiredMode.REQUIRED) int parallelism,
		@Schema(description = "Databases it would migrate at once on one server.", example = "2", requiredMode = Schema.RequiredMode.REQUIRED) int maxPerServer,
		@Schema(description = "Project-schema locations of this replica.", example = "[\"classpath:project-db/migration\"]", requiredMode = Schema.RequiredMode.REQUIRED) List<String> locations,
		@Schema(description = "The waves in the order they would run.", requiredMode = Schema.RequiredMode.REQUIRED) List<Wave> waves) {

	/** One wave of the plan. */
	@Schema(name = "SchemaRolloutPlanWave", description = "One wave of a dry run's plan.",
			example = "{\"wave\": 0, \"name\": \"canary\", \"projects\": []}")
	public record Wave(
			@Schema(description = "Its number: 0 is the canary, then 1, 2, ...", example = "0", requiredMode = Schema.RequiredMode.REQUIRED) int wave,
			@Schema(description = "canary, or the cumulative percentage it reaches, such as 50%.", example = "canary", requiredMode = Schema.RequiredMode.REQUIRED) String name,
			@Schema(description = "Its project databases, in the order they would start.", requiredMode = Schema.RequiredMode.REQUIRED) List<Project> projects) {
	}

	/** One database of the plan. */
	@Schema(name = "SchemaRolloutPlanProject", description = "What a rollout would do to one project database.",
			example = """
					{"projectId": "3f6c1a52-8f0e-4d4e-9c55-2b7f7a0c9e11", "projectName": "Payments Service",
					 "databaseName": "cb_proj_payments_service_3f6c1a52", "server": "default", "fromVersion": "1",
					 "toVersion": "2", "migrations": ["2"], "error": null}""")
	public record Project(
			@Schema(description = "Project id.", example = "3f6c1a52-8f0e-4d4e-9c55-2b7f7a0c9e11", requiredMode = Schema.RequiredMode.REQUIRED) UUID projectId,
			@Schema(description = "Project name.", example = "Payments Service", requiredMode = Schema.RequiredMode.REQUIRED) String projectName,
			@Schema(description = "The project's database.", example = "cb_proj_payments_service_3f6c1a52", requiredMode = Schema.RequiredMode.REQUIRED) String databaseName,
			@Schema(description = "The database server that holds it.", example = "default", requiredMode = Schema.RequiredMode.REQUIRED) String server,
			@Schema(description = "Its schema version now (from its schema history).", example = "1", nullable = true, requiredMode = Schema.RequiredMode.REQUIRED) String fromVersion,
			@Schema(description = "The version it would reach.", example = "2", nullable = true, requiredMode = Schema.RequiredMode.REQUIRED) String toVersion,
			@Schema(description = "Versions of the migrations it would apply, in order.", example = "[\"2\"]", requiredMode = Schema.RequiredMode.REQUIRED) List<String> migrations,
			@Schema(description = "Why its schema history could not be read (within registry.schema-rollouts.dry-run-timeout); then fromVersion, toVersion and migrations are unknown.", example = "null", nullable = true, requiredMode = Schema.RequiredMode.REQUIRED) String error) {
	}

}
