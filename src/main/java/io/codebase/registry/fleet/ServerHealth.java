package io.codebase.registry.fleet;

import java.time.Instant;

import io.codebase.registry.provisioning.DatabaseServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Component;

/** Where modules report a server they could not reach, so that placement stops choosing it at once, on every replica. */
@Component
public class ServerHealth {

	private static final Logger log = LoggerFactory.getLogger(ServerHealth.class);

	private final ServerStates states;

	ServerHealth(ServerStates states) {
		this.states = states;
	}

	/**
	 * Records at once that a server could not be reached, so that placements stop choosing it before the next
	 * scheduled check; that check, or a placement that finds no other server, marks it UP again when it answers.
	 */
	public void reportUnreachable(DatabaseServer server, String error) {
		Instant observedAt = Instant.now();
		log.warn("Database server {} cannot be reached: {}", server.name(), error);
		try {
			this.states.recordHealth(server.name(), ServerState.Health.DOWN, error, observedAt);
		}
		catch (RuntimeException ex) {
			log.debug("Could not record server {} as DOWN: {}", server.name(), ex.getMessage());
		}
	}

}
