package io.codebase.registry.move;

import java.util.List;
import java.util.UUID;

import io.codebase.registry.problem.ProblemCategory;
import io.codebase.registry.problem.RegistryException;
import io.codebase.registry.project.ProjectView;

/**
 * A move that cannot start now: another one runs, the servers lack what it needs, the project is not READY, or
 * the servers could not be checked.
 */
class MoveConflictException extends RegistryException {

	private static final String TITLE = "Conflict with the current state of the registry";

	private MoveConflictException(String kind, String detail) {
		this(ProblemCategory.CONFLICT, kind, TITLE, detail);
	}

	private MoveConflictException(ProblemCategory category, String kind, String title, String detail) {
		super(category, kind, title, detail);
	}

	/** The servers could not be asked whether they meet the prerequisites (one is down, or refused the check). */
	static MoveConflictException uncheckable(String detail) {
		return new MoveConflictException(ProblemCategory.DOWNSTREAM_FAILED, "move-check-failed",
				"The database servers could not be checked", detail);
	}

	static MoveConflictException running(ProjectView project, UUID moveId) {
		return (MoveConflictException) new MoveConflictException("move-running", "Project '" + project.name()
				+ "' is already being moved (move " + moveId + "); one move per project at a time")
			.with("moveId", moveId);
	}

	static MoveConflictException notReady(ProjectView project) {
		return (MoveConflictException) new MoveConflictException("project-state-conflict", "Project '" + project.name()
				+ "' is " + project.state() + "; only a READY project can be moved")
			.with("state", project.state());
	}

	/** No other server can take the project: every one is cordoned, down, full, or it is the only one. */
	static MoveConflictException noTarget(ProjectView project, String reasons) {
		return new MoveConflictException("move-no-target", "No other database server can take project '"
				+ project.name() + "' now: " + reasons);
	}

	static MoveConflictException prerequisites(String message, List<String> missing) {
		return (MoveConflictException) new MoveConflictException("move-prerequisites", message)
			.with("missing", missing);
	}

}
