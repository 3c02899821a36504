package io.codebase.registry.project;

import java.util.UUID;

import io.codebase.registry.problem.RegistryException;

/** Another caller is still provisioning the project; the request may be repeated shortly. */
public class ProjectBusyException extends RegistryException {

	ProjectBusyException(String name, UUID id) {
		super("project-provisioning", "Project '" + name + "' is still being provisioned; retry in a few seconds");
		if (id != null) {
			with("projectId", id);
		}
	}

	/** The request is valid; the registry cannot answer it yet. */
	@Override
	public boolean isRefusal() {
		return false;
	}

}
