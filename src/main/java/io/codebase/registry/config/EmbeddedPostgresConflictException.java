package io.codebase.registry.config;

import java.nio.file.Path;

/**
 * The embedded PostgreSQL cannot start because something else holds what it needs (its data directory, its port):
 * what happened and what to do, in this application's terms, shown at start-up by
 * {@link EmbeddedPostgresConflictFailureAnalyzer}.
 */
class EmbeddedPostgresConflictException extends IllegalStateException {

	private final String action;

	private EmbeddedPostgresConflictException(String description, String action) {
		super(description);
		this.action = action;
	}

	/** A second instance on the same data directory. */
	static EmbeddedPostgresConflictException dataDirectoryInUse(Path dataDirectory) {
		return new EmbeddedPostgresConflictException("The embedded PostgreSQL's data directory " + dataDirectory
				+ " is in use: another Project Registry (or another embedded PostgreSQL) is running on it.",
				"Stop the other instance, or give this one a data directory of its own with "
						+ "registry.embedded.data-directory (REGISTRY_EMBEDDED_DATA_DIRECTORY). Instances that should "
						+ "share one registry must share one PostgreSQL server instead: set spring.datasource.url "
						+ "(SPRING_DATASOURCE_URL) on each.");
	}

	/** Another instance (with another data directory) or another server on the embedded server's fixed port. */
	static EmbeddedPostgresConflictException portInUse(int port) {
		return new EmbeddedPostgresConflictException("The embedded PostgreSQL's port " + port + " on localhost is "
				+ "in use: another Project Registry or another PostgreSQL is listening on it.",
				"Stop the other instance, or give this one another port with registry.embedded.port "
						+ "(REGISTRY_EMBEDDED_PORT); 0 picks a free port at each start.");
	}

	String action() {
		return this.action;
	}

}
