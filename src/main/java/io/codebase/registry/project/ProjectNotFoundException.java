package io.codebase.registry.project;

import io.codebase.registry.web.ApiException;

import org.springframework.http.HttpStatus;

/** No project has this id or name. Never answered with another project (invariant 5). */
public class ProjectNotFoundException extends ApiException {

	public ProjectNotFoundException(String idOrName) {
		super(HttpStatus.NOT_FOUND, "project-not-found", "Project not found",
				"No project has the id or name '" + idOrName + "'");
	}

}
