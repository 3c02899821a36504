package io.codebase.registry.session;

import io.codebase.registry.web.ApiException;

import org.springframework.http.HttpStatus;

/** No live session has this id (it never existed, was ended, or expired). */
public class SessionNotFoundException extends ApiException {

	SessionNotFoundException(String sessionId) {
		super(HttpStatus.NOT_FOUND, "session-not-found", "Session not found",
				"No live session has the id '" + sessionId + "'");
	}

}
