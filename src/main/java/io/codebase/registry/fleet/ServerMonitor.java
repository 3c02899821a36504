package io.codebase.registry.fleet;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.stream.Collectors;

import io.codebase.registry.provisioning.DatabaseServer;
import io.codebase.registry.provisioning.ProvisioningProperties;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.scheduling.annotation.SchedulingConfigurer;
import org.springframework.scheduling.config.FixedDelayTask;
import org.springframework.scheduling.config.ScheduledTaskRegistrar;
import org.springframework.stereotype.Component;

/**
 * Checks that every server answers, and measures its project databases, on a schedule on every replica; writes the
 * outcome to {@code database_servers}, where placement and the API read it. Every server is checked once before the
 * application serves, so the first placement already knows which servers are up. All servers are checked at once,
 * each within {@code registry.fleet.health-timeout}: a server that hangs delays nothing else.
 */
@Component
class ServerMonitor implements SchedulingConfigurer, DisposableBean {

	private static final Logger log = LoggerFactory.getLogger(ServerMonitor.class);

	private final DatabaseServers servers;

	private final ServerStates states;

	private final FleetProperties properties;

	private final String databasePrefix;

	private final ExecutorService checks;

	/** The last state read, per server: what the gauges report without a query per scrape. */
	private volatile Map<String, ServerState> last = Map.of();

	ServerMonitor(DatabaseServers servers, ServerStates states, FleetProperties properties,
			ProvisioningProperties provisioning, MeterRegistry meters) {
		this.servers = servers;
		this.states = states;
		this.properties = properties;
		this.databasePrefix = provisioning.databasePrefix();
		this.checks = Executors.newCachedThreadPool(task -> {
			Thread thread = new Thread(task, "fleet-monitor");
			thread.setDaemon(true);
			return thread;
		});
		for (String name : servers.names()) {
			Gauge.builder("registry.fleet.server.up", () -> gauge(name, state -> (state.health() == ServerState.Health.UP) ? 1 : 0))
				.description("Whether the database server answered its last health check (1) or not (0)")
				.tag("server", name)
				.register(meters);
			Gauge.builder("registry.fleet.server.projects", () -> gauge(name, ServerState::projects))
				.description("Projects placed on the database server")
				.tag("server", name)
				.register(meters);
			Gauge.builder("registry.fleet.server.size", () -> gauge(name, ServerState::bytes))
				.description("Size of the project databases on the database server")
				.baseUnit("bytes")
				.tag("server", name)
				.register(meters);
		}
		checkHealth();
		measureUsage();
	}

	@Override
	public void configureTasks(ScheduledTaskRegistrar registrar) {
		registrar.addFixedDelayTask(new FixedDelayTask(this::checkHealth, this.properties.healthInterval(),
				this.properties.healthInterval()));
		registrar.addFixedDelayTask(new FixedDelayTask(this::measureUsage, this.properties.usageInterval(),
				this.properties.usageInterval()));
	}

	/** Checks every server now and records UP or DOWN with the reason. */
	void checkHealth() {
		forEachServer(server -> {
			String error = probe(server);
			this.states.recordHealth(server.name(), (error == null) ? ServerState.Health.UP : ServerState.Health.DOWN,
					error);
			return null;
		}, "health check");
		refresh();
	}

	/** Measures the size of every reachable server's project databases now. */
	void measureUsage() {
		forEachServer(server -> {
			try {
				this.states.recordUsage(server.name(), projectBytes(server));
			}
			catch (SQLException ex) {
				log.debug("Could not measure the databases of server {}: {}", server.name(), ex.getMessage());
			}
			return null;
		}, "usage measurement");
		refresh();
	}

	/** Null when the server answers and its login may create databases; otherwise why not. */
	private String probe(DatabaseServer server) {
		try (Connection connection = server.admin().getConnection(); Statement query = connection.createStatement()) {
			query.setQueryTimeout(timeoutSeconds());
			try (ResultSet role = query.executeQuery(
					"SELECT current_user, rolcreatedb OR rolsuper FROM pg_roles WHERE rolname = current_user")) {
				role.next();
				return role.getBoolean(2) ? null
						: "the login " + role.getString(1) + " lacks the CREATEDB privilege";
			}
		}
		catch (SQLException ex) {
			return ex.getMessage() + " (SQLSTATE " + ex.getSQLState() + ")";
		}
	}

	private long projectBytes(DatabaseServer server) throws SQLException {
		try (Connection connection = server.admin().getConnection();
				PreparedStatement query = connection.prepareStatement(
						"SELECT coalesce(sum(pg_database_size(datname)), 0) FROM pg_database WHERE starts_with(datname, ?)")) {
			query.setQueryTimeout(timeoutSeconds());
			query.setString(1, this.databasePrefix);
			try (ResultSet result = query.executeQuery()) {
				result.next();
				return result.getLong(1);
			}
		}
	}

	/** Runs a task for every server at once and waits, bounded, for all of them; one that overruns is logged. */
	private void forEachServer(Function<DatabaseServer, Void> task, String what) {
		List<CompletableFuture<Void>> running = this.servers.all()
			.stream()
			.map(server -> CompletableFuture.supplyAsync(() -> task.apply(server), this.checks))
			.toList();
		Duration deadline = this.properties.healthTimeout().multipliedBy(2).plusSeconds(1);
		try {
			CompletableFuture.allOf(running.toArray(CompletableFuture[]::new))
				.get(deadline.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (TimeoutException ex) {
			log.warn("A fleet {} took longer than {}; it goes on in the background", what, deadline);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (java.util.concurrent.ExecutionException ex) {
			log.warn("A fleet {} failed: {}", what, ex.getCause().getMessage());
		}
	}

	private void refresh() {
		try {
			this.last = this.states.all().stream().collect(Collectors.toMap(ServerState::name, Function.identity()));
		}
		catch (RuntimeException ex) {
			log.debug("Could not read the servers' state: {}", ex.getMessage());
		}
	}

	private double gauge(String name, java.util.function.ToDoubleFunction<ServerState> value) {
		ServerState state = this.last.get(name);
		return (state != null) ? value.applyAsDouble(state) : Double.NaN;
	}

	private int timeoutSeconds() {
		return (int) Math.max(1, this.properties.healthTimeout().toSeconds());
	}

	@Override
	public void destroy() {
		this.checks.shutdownNow();
	}

}
