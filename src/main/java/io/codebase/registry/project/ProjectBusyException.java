package io.codebase.registry.project;

import io.codebase.registry.web.ApiException;

import org.springframework.http.HttpStatus;

/** Another caller is still provisioning the project; the request may be repeated shortly. */
public class ProjectBusyException extends ApiException {

	static final int RETRY_AFTER_SECONDS = 2;

	ProjectBusyException(ProjectView project) {
		super(HttpStatus.SERVICE_UNAVAILABLE, "project-provisioning", "Project is being provisioned",
				"Project '" + project.name() + "' is still being provisioned; retry in a few seconds");
		with("projectId", project.id());
		getHeaders().set("Retry-After", String.valueOf(RETRY_AFTER_SECONDS));
	}

}
