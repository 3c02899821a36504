package io.codebase.registry.rollout;

import java.util.UUID;

import io.codebase.registry.problem.ProblemCategory;
import io.codebase.registry.problem.RegistryException;

/** No schema rollout has this id. */
public class RolloutNotFoundException extends RegistryException {

	RolloutNotFoundException(UUID id) {
		super(ProblemCategory.NOT_FOUND, "schema-rollout-not-found", "Schema rollout not found", "No schema rollout has the id " + id);
		with("rolloutId", id);
	}

}
