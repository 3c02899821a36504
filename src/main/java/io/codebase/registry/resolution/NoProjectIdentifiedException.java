package io.codebase.registry.resolution;

import io.codebase.registry.web.ApiException;

import org.springframework.http.HttpStatus;

/** Strict mode: nothing identified a project, and the default workspace is refused. */
class NoProjectIdentifiedException extends ApiException {

	NoProjectIdentifiedException() {
		super(HttpStatus.NOT_FOUND, "no-project-identified", "No project identified",
				"Nothing identified a project (no project, no session config, no active project) and strict mode "
						+ "refuses the default workspace");
	}

}
