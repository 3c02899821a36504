package io.codebase.registry.project;

import io.codebase.registry.problem.ProblemCategory;
import io.codebase.registry.problem.RegistryException;

/** Updates must say which version they change, so that no write silently overwrites another (RFC 6585). */
public class IfMatchRequiredException extends RegistryException {

	IfMatchRequiredException() {
		super(ProblemCategory.VERSION_REQUIRED, "if-match-required", "Precondition required", "Send the project's ETag in an If-Match header (GET the project to read it)");
	}

}
