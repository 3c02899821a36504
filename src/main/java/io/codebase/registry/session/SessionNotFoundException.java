package io.codebase.registry.session;

import io.codebase.registry.problem.ProblemCategory;
import io.codebase.registry.problem.RegistryException;

/** No live session has this id (it never existed, was ended, or expired). */
public class SessionNotFoundException extends RegistryException {

	SessionNotFoundException(String sessionId) {
		super(ProblemCategory.NOT_FOUND, "session-not-found", "Session not found", "No live session has the id '" + sessionId + "'");
	}

}
