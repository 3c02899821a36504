package io.codebase.registry.provisioning;

/**
 * The login that creates project databases may not create databases: checked at start-up, so that the first
 * project is not where an operator learns it. {@link MissingCreateDatabasePrivilegeFailureAnalyzer} says what to do.
 */
class MissingCreateDatabasePrivilegeException extends IllegalStateException {

	private final String role;

	private final String server;

	/** The settings that name this login: the registry's own, or {@code registry.provisioning.*}. */
	private final boolean separateServer;

	MissingCreateDatabasePrivilegeException(String role, String server, boolean separateServer) {
		super("PostgreSQL role " + role + " on " + server + " lacks the CREATEDB privilege");
		this.role = role;
		this.server = server;
		this.separateServer = separateServer;
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
