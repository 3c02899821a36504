package io.codebase.registry.project;

import java.time.Duration;

import java.util.UUID;

import io.codebase.registry.problem.ProblemCategory;
import io.codebase.registry.problem.RegistryException;

/** Another caller is still provisioning the project; the request may be repeated shortly. */
public class ProjectBusyException extends RegistryException {

	ProjectBusyException(String name, UUID id) {
		super(ProblemCategory.BUSY, "project-provisioning", "Project is being provisioned",
				"Project '" + name + "' is still being provisioned; retry in a few seconds");
		retryAfter(Duration.ofSeconds(2));
		if (id != null) {
			with("projectId", id);
		}
	}


}
