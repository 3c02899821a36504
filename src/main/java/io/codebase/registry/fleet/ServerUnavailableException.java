package io.codebase.registry.fleet;

import java.time.Duration;

import io.codebase.registry.problem.ProblemCategory;
import io.codebase.registry.problem.RegistryException;

/**
 * The server a project's database lives on cannot be used right now: down, or no longer configured. Nothing about
 * the project changed; the request may succeed once the server is back.
 */
public class ServerUnavailableException extends RegistryException {

	public ServerUnavailableException(String server, String why) {
		super(ProblemCategory.BUSY, "server-unavailable", "Database server unavailable",
				"Database server '" + server + "' " + why);
		retryAfter(Duration.ofSeconds(5));
		with("server", server);
	}

}
