package io.codebase.registry.session;

import io.codebase.registry.problem.ProblemCategory;
import io.codebase.registry.problem.RegistryException;

/** A working directory the service will not use; {@code rule} names the rule it breaks. */
public class InvalidWorkingDirectoryException extends RegistryException {

	InvalidWorkingDirectoryException(String workingDirectory, String rule, String detail) {
		super(ProblemCategory.UNUSABLE_CONTENT, "invalid-working-directory", "Working directory refused", detail);
		with("workingDirectory", workingDirectory);
		with("rule", rule);
	}

}
