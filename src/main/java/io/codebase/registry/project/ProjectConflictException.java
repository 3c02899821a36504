package io.codebase.registry.project;

import java.util.List;
import java.util.UUID;

import io.codebase.registry.problem.ProblemCategory;
import io.codebase.registry.problem.RegistryException;

/** The request conflicts with the registry's current state: a taken name, or a project in the wrong state. */
public class ProjectConflictException extends RegistryException {

	ProjectConflictException(String typeSlug, String detail) {
		super(ProblemCategory.CONFLICT, typeSlug, "Conflict with the current state of the registry", detail);
	}

	static ProjectConflictException nameTaken(String name) {
		ProjectConflictException conflict = new ProjectConflictException("project-name-taken",
				"A project named '" + name + "' already exists (names are unique regardless of case)");
		conflict.with("name", name);
		return conflict;
	}

	static ProjectConflictException databaseMismatch(ProjectView project, String wantedDatabase) {
		ProjectConflictException conflict = new ProjectConflictException("project-database-mismatch",
				"Project '" + project.name() + "' exists with database " + project.databaseName() + ", not "
						+ wantedDatabase + "; a project's database is never changed");
		conflict.with("projectId", project.id()).with("databaseName", project.databaseName());
		return conflict;
	}

	static ProjectConflictException databaseTaken(String databaseName) {
		ProjectConflictException conflict = new ProjectConflictException("database-name-taken",
				"Database " + databaseName + " belongs to another project");
		conflict.with("databaseName", databaseName);
		return conflict;
	}

	static ProjectConflictException idTaken(UUID id, String name) {
		ProjectConflictException conflict = new ProjectConflictException("project-id-taken",
				"Project id " + id + " belongs to a project not named '" + name + "'");
		conflict.with("projectId", id);
		return conflict;
	}

	static ProjectConflictException illegalIndexTransition(ProjectView project, IndexStatus wanted) {
		List<IndexStatus> allowed = project.indexStatus().reportable();
		ProjectConflictException conflict = new ProjectConflictException("illegal-index-transition",
				"Project '" + project.name() + "' is " + project.indexStatus() + "; it cannot become " + wanted
						+ ". Allowed next: " + IndexStatus.names(allowed));
		conflict.with("indexStatus", project.indexStatus()).with("allowed", allowed);
		return conflict;
	}

	static ProjectConflictException notReindexable(ProjectView project) {
		ProjectConflictException conflict = new ProjectConflictException("illegal-index-transition",
				"Project '" + project.name() + "' is " + project.indexStatus()
						+ "; only an INDEXED or FAILED project can be reindexed");
		conflict.with("indexStatus", project.indexStatus()).with("allowed", List.of(IndexStatus.INDEXING));
		return conflict;
	}

	static ProjectConflictException wrongState(ProjectView project, String action) {
		ProjectConflictException conflict = new ProjectConflictException("project-state-conflict",
				"Project '" + project.name() + "' is " + project.state() + ", so it cannot be " + action);
		conflict.with("projectId", project.id()).with("state", project.state());
		return conflict;
	}

}
