package io.codebase.registry.project;

import java.util.UUID;

import io.codebase.registry.web.ApiException;

import org.springframework.http.HttpStatus;

/** Another caller is still provisioning the project; the request may be repeated shortly. */
public class ProjectBusyException extends ApiException {

	static final int RETRY_AFTER_SECONDS = 2;

	ProjectBusyException(String name, UUID id) {
		super(HttpStatus.SERVICE_UNAVAILABLE, "project-provisioning", "Project is being provisioned",
				"Project '" + name + "' is still being provisioned; retry in a few seconds");
		if (id != null) {
			with("projectId", id);
		}
		getHeaders().set("Retry-After", String.valueOf(RETRY_AFTER_SECONDS));
	}

}
