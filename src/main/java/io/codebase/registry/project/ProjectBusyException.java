package io.codebase.registry.project;

import io.codebase.registry.problem.RegistryException;

/** Another caller is still provisioning the project; the request may be repeated shortly. */
public class ProjectBusyException extends RegistryException {

	ProjectBusyException(ProjectView project) {
		super("project-provisioning", "Project '" + project.name() + "' is still being provisioned; retry in a few seconds");
		with("projectId", project.id());
	}

	/** The request is valid; the registry cannot answer it yet. */
	@Override
	public boolean isRefusal() {
		return false;
	}

}
