package io.codebase.registry.provisioning;

import java.util.List;

/**
 * The login that creates project databases may not create databases, or the roles that guard them: checked at start-up, so that the first
 * project is not where an operator learns it. {@link MissingCreateDatabasePrivilegeFailureAnalyzer} says what to do.
 */
class MissingCreateDatabasePrivilegeException extends IllegalStateException {

	private final String role;

	private final String server;

	/** The settings that name this login: the registry's own, or {@code registry.provisioning.*}. */
	private final boolean separateServer;

	/** The privileges it lacks: CREATEDB, CREATEROLE or both. */
	private final List<String> missing;

	MissingCreateDatabasePrivilegeException(String role, String server, boolean separateServer, List<String> missing) {
		super("PostgreSQL role " + role + " on " + server + " lacks the " + String.join(" and ", missing)
				+ (missing.size() == 1 ? " privilege" : " privileges"));
		this.missing = List.copyOf(missing);
		this.role = role;
		this.server = server;
		this.separateServer = separateServer;
	}

	List<String> missing() {
		return this.missing;
	}

	String role() {
		return this.role;
	}

	String server() {
		return this.server;
	}

	boolean separateServer() {
		return this.separateServer;
	}

}
