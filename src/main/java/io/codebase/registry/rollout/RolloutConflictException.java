package io.codebase.registry.rollout;

import java.util.UUID;

import io.codebase.registry.problem.ProblemCategory;
import io.codebase.registry.problem.RegistryException;

/** A rollout cannot start now: another one runs, or there is no project schema to roll out. */
public class RolloutConflictException extends RegistryException {

	private RolloutConflictException(String typeSlug, String detail) {
		super(ProblemCategory.CONFLICT, typeSlug, "Conflict with the current state of the registry", detail);
	}

	static RolloutConflictException running(UUID running) {
		RolloutConflictException conflict = new RolloutConflictException("schema-rollout-running",
				"Schema rollout " + running + " is still running; only one runs at a time");
		conflict.with("rolloutId", running).with("rollout", "/api/v1/schema-rollouts/" + running);
		return conflict;
	}

	static RolloutConflictException schemaDisabled() {
		return new RolloutConflictException("project-schema-disabled",
				"The project schema step is disabled (registry.provisioning.schema.enabled=false); there is nothing to roll out");
	}

}
