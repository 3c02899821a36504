package io.codebase.registry.resolution;

import io.codebase.registry.problem.ProblemCategory;
import io.codebase.registry.problem.RegistryException;

/** Strict mode: nothing identified a project, and the default workspace is refused. */
public class NoProjectIdentifiedException extends RegistryException {

	NoProjectIdentifiedException() {
		super(ProblemCategory.NOT_FOUND, "no-project-identified", "No project identified", "Nothing identified a project (no project, no session config, no active "
				+ "project) and strict mode refuses the default workspace");
	}

}
