package io.codebase.registry.fleet;

import java.time.Instant;

/**
 * A server's row in {@code database_servers}: what changes at run time, shared by every replica.
 *
 * @param projects the projects placed on it, kept exact by a trigger on {@code projects}
 * @param bytes the size of its project databases at {@code usageRefreshedAt}
 */
record ServerState(String name, Status status, Health health, Instant healthSince, Instant healthCheckedAt,
		String lastError, long projects, long bytes, Instant usageRefreshedAt) {

	/** Whether new projects may be placed on the server. */
	enum Status {

		ACTIVE, CORDONED

	}

	/** The last health check's outcome; UNKNOWN until the first check. */
	enum Health {

		UNKNOWN, UP, DOWN

	}

}
