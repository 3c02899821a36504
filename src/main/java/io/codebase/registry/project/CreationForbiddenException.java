package io.codebase.registry.project;

import io.codebase.registry.problem.ProblemCategory;
import io.codebase.registry.problem.RegistryException;

/**
 * A reader's request that would create a project or (re)create a database: refused, and nothing is written.
 * Readers may only be handed projects that exist and are READY.
 */
public class CreationForbiddenException extends RegistryException {

	CreationForbiddenException(String what) {
		super(ProblemCategory.FORBIDDEN, "creation-forbidden", "Admin role required", "Answering would " + what + ", which needs an API key with the admin role");
	}

}
