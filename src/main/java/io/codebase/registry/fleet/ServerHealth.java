package io.codebase.registry.fleet;

import java.time.Instant;
import java.util.Set;
import java.util.stream.Collectors;

import io.codebase.registry.provisioning.DatabaseServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Component;

/** The servers' health as every replica shares it, for the modules that must not use a server that is down. */
@Component
public class ServerHealth {

	private static final Logger log = LoggerFactory.getLogger(ServerHealth.class);

	private final ServerStates states;

	private final DatabaseServers servers;

	ServerHealth(ServerStates states, DatabaseServers servers) {
		this.states = states;
		this.servers = servers;
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

	/**
	 * The servers whose projects cannot be checked or repaired now: configured ones that are not UP, and any that
	 * are not configured at all.
	 */
	public Set<String> unavailable() {
		return this.states.all()
			.stream()
			.filter(state -> state.health() != ServerState.Health.UP || this.servers.find(state.name()).isEmpty())
			.map(ServerState::name)
			.collect(Collectors.toSet());
	}

}
