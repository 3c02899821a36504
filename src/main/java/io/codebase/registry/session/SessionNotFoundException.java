package io.codebase.registry.session;

import io.codebase.registry.problem.RegistryException;

/** No live session has this id (it never existed, was ended, or expired). */
public class SessionNotFoundException extends RegistryException {

	SessionNotFoundException(String sessionId) {
		super("session-not-found", "No live session has the id '" + sessionId + "'");
	}

}
