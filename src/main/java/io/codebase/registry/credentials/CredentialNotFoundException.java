package io.codebase.registry.credentials;

import io.codebase.registry.problem.ProblemCategory;
import io.codebase.registry.problem.RegistryException;

/** The project has no credential of that name: never issued, revoked, or expired and dropped. */
class CredentialNotFoundException extends RegistryException {

	CredentialNotFoundException(String project, String name) {
		super(ProblemCategory.NOT_FOUND, "credential-not-found", "Credential not found",
				"Project '" + project + "' has no credential named '" + name + "'");
	}

}
