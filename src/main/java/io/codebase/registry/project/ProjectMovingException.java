package io.codebase.registry.project;

import java.time.Duration;

import io.codebase.registry.problem.ProblemCategory;
import io.codebase.registry.problem.RegistryException;

/** The project is being cut over to another database server; its connection is known again in a moment. */
public class ProjectMovingException extends RegistryException {

	ProjectMovingException(ProjectView project) {
		super(ProblemCategory.BUSY, "project-moving", "Project is moving",
				"Project '" + project.name() + "' is being moved from server " + project.server()
						+ " to another server and its writes are frozen; retry in a few seconds for its new connection");
		retryAfter(Duration.ofSeconds(2));
		with("projectId", project.id());
	}

}
