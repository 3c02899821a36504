package io.codebase.registry.session;

import io.codebase.registry.problem.RegistryException;

/** A working directory the service will not use; {@code rule} names the rule it breaks. */
public class InvalidWorkingDirectoryException extends RegistryException {

	InvalidWorkingDirectoryException(String workingDirectory, String rule, String detail) {
		super("invalid-working-directory", detail);
		with("workingDirectory", workingDirectory);
		with("rule", rule);
	}

}
