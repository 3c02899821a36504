package io.codebase.registry.credentials;

import io.codebase.registry.problem.ProblemCategory;
import io.codebase.registry.problem.RegistryException;
import io.codebase.registry.project.ProjectView;

/** Credentials are issued only for READY projects: before that, the database and its roles may not exist. */
class CredentialsUnavailableException extends RegistryException {

	CredentialsUnavailableException(ProjectView project) {
		super(ProblemCategory.CONFLICT, "project-state-conflict", "Project is not READY", "Project '" + project.name()
				+ "' is " + project.state() + ", so no credential can be issued for it");
		with("projectId", project.id());
		with("state", project.state());
	}

}
