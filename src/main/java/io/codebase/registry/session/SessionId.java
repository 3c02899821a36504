package io.codebase.registry.session;

import java.util.regex.Pattern;

import io.codebase.registry.problem.InvalidRequestException;

/** Session ids: 1-128 ASCII letters, digits, '.', '_', ':' or '-', starting with a letter or digit (as the CHECK). */
public final class SessionId {

	public static final String REGEX = "^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$";

	private static final Pattern PATTERN = Pattern.compile(REGEX);

	private SessionId() {
	}

	public static String require(String sessionId) {
		if (sessionId == null || !PATTERN.matcher(sessionId).matches()) {
			throw new InvalidRequestException("sessionId",
					"must be 1-128 ASCII letters, digits, '.', '_', ':' or '-', starting with a letter or digit");
		}
		return sessionId;
	}

}
