package io.codebase.registry.project;

import io.codebase.registry.problem.ProblemCategory;
import io.codebase.registry.problem.RegistryException;

/** No project has this id or name. Never answered with another project (invariant 5, docs/architecture.md#invariants). */
public class ProjectNotFoundException extends RegistryException {

	public ProjectNotFoundException(String idOrName) {
		super(ProblemCategory.NOT_FOUND, "project-not-found", "Project not found", "No project has the id or name '" + idOrName + "'");
	}

}
