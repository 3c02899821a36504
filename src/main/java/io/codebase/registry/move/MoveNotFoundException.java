package io.codebase.registry.move;

import java.util.UUID;

import io.codebase.registry.problem.ProblemCategory;
import io.codebase.registry.problem.RegistryException;

/** No move has this id. */
class MoveNotFoundException extends RegistryException {

	MoveNotFoundException(UUID id) {
		super(ProblemCategory.NOT_FOUND, "move-not-found", "Move not found", "No move has the id " + id);
		with("moveId", id);
	}

}
