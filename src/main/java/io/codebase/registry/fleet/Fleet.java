package io.codebase.registry.fleet;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.codebase.registry.provisioning.DatabaseServer;
import io.codebase.registry.security.Audit;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Service;

/** The fleet as operators see it: every server with its state (and drain), and cordoning. */
@Service
public class Fleet {

	private final DatabaseServers servers;

	private final ServerStates states;

	private final Audit audit;

	private final ObjectProvider<DrainProgressSource> drains;

	Fleet(DatabaseServers servers, ServerStates states, Audit audit, ObjectProvider<DrainProgressSource> drains) {
		this.drains = drains;
		this.servers = servers;
		this.states = states;
		this.audit = audit;
	}

	/**
	 * Every configured server, then every server that is no longer configured but still holds projects (those
	 * projects are unavailable until it is configured again).
	 */
	List<DatabaseServerView> list() {
		List<DatabaseServerView> views = new ArrayList<>();
		for (ServerState state : this.states.all()) {
			if (this.servers.find(state.name()).isPresent() || state.projects() > 0) {
				views.add(view(state));
			}
		}
		return views;
	}

	DatabaseServerView get(String name) {
		return this.states.find(name).map(this::view).orElseThrow(() -> new DatabaseServerNotFoundException(name));
	}

	/** Stops new placements on the server; idempotent. */
	DatabaseServerView cordon(String name) {
		return setStatus(name, ServerState.Status.CORDONED, "fleet.cordon");
	}

	/** Cordons a configured server for a drain; a server that is not configured is a 404. */
	public void cordonForDrain(String name) {
		if (this.servers.find(name).isEmpty()) {
			throw new DatabaseServerNotFoundException(name);
		}
		setStatus(name, ServerState.Status.CORDONED, "fleet.drain");
	}

	/** Lets the server take new projects again; idempotent. */
	DatabaseServerView uncordon(String name) {
		return setStatus(name, ServerState.Status.ACTIVE, "fleet.uncordon");
	}

	private DatabaseServerView setStatus(String name, ServerState.Status status, String action) {
		if (!this.states.setStatus(name, status)) {
			throw new DatabaseServerNotFoundException(name);
		}
		this.audit.record(action, Map.of("server", name));
		return get(name);
	}

	private DatabaseServerView view(ServerState state) {
		DatabaseServer server = this.servers.find(state.name()).orElse(null);
		FleetProperties.Server settings = (server != null) ? this.servers.settings(state.name()) : null;
		return new DatabaseServerView(state.name(), state.status(), (server != null) ? server.host() : null,
				(server != null) ? server.port() : null, server != null,
				new DatabaseServerView.HealthView(state.health(), state.healthSince(), state.healthCheckedAt(),
						state.lastError()),
				(settings != null) ? settings.labels() : Map.of(), (settings != null) ? settings.weight() : 0,
				new DatabaseServerView.CapacityView((settings != null) ? settings.capacity().projects() : 0,
						(settings != null) ? settings.capacity().size().toBytes() : 0),
				new DatabaseServerView.UsageView(state.projects(), state.bytes(), state.usageRefreshedAt()),
				this.drains.stream().findFirst().flatMap(source -> source.drainOf(state.name())).orElse(null));
	}

}
