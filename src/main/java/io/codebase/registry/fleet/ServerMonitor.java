package io.codebase.registry.fleet;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
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

	/** The least time between two checks of one server outside the schedule. */
	static final Duration RECHECK_SPACING = Duration.ofSeconds(1);

	private final DatabaseServers servers;

	private final ServerStates states;

	private final FleetProperties properties;

	private final String databasePrefix;

	private final ExecutorService checks;

	/** When this replica last checked each server outside the schedule. */
	private final Map<String, Instant> rechecks = new ConcurrentHashMap<>();

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
		forEachServer(this.servers.all(), this::check, "health check");
		refresh();
	}

	/**
	 * Checks these servers now, outside the schedule: a placement is about to refuse a project because they were
	 * recorded DOWN, perhaps by a request that failed during an outage that is over by now. Each replica checks a
	 * server this way at most once per {@link #RECHECK_SPACING}, so a server that is really down costs one probe a
	 * second, not one per request.
	 */
	void recheck(List<ServerState> down) {
		Instant now = Instant.now();
		List<DatabaseServer> due = down.stream()
			.filter(state -> claimRecheck(state.name(), now))
			.flatMap(state -> this.servers.find(state.name()).stream())
			.toList();
		if (!due.isEmpty()) {
			forEachServer(due, this::check, "recheck");
		}
	}

	/** True for the one caller that may recheck the server now. */
	private boolean claimRecheck(String server, Instant now) {
		Instant[] claimed = new Instant[1];
		this.rechecks.compute(server, (name, last) -> {
			if (last == null || !last.plus(RECHECK_SPACING).isAfter(now)) {
				claimed[0] = now;
				return now;
			}
			return last;
		});
		return claimed[0] != null;
	}

	private Void check(DatabaseServer server) {
		Instant observedAt = Instant.now();
		String error = probe(server);
		this.states.recordHealth(server.name(), (error == null) ? ServerState.Health.UP : ServerState.Health.DOWN,
				error, observedAt);
		return null;
	}

	/** Measures the size of every reachable server's project databases now. */
	void measureUsage() {
		forEachServer(this.servers.all(), server -> {
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

	/**
	 * Null when the server answers and its login may create databases and the projects' roles (owner, access roles
	 * and short-lived logins); otherwise why not.
	 */
	private String probe(DatabaseServer server) {
		try (Connection connection = server.admin().getConnection(); Statement query = connection.createStatement()) {
			query.setQueryTimeout(timeoutSeconds());
			try (ResultSet role = query.executeQuery(
					"SELECT current_user, rolsuper OR (rolcreatedb AND rolcreaterole) FROM pg_roles WHERE rolname = current_user")) {
				role.next();
				return role.getBoolean(2) ? null
						: "the login " + role.getString(1) + " lacks the CREATEDB or the CREATEROLE privilege";
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

	/** Runs a task for these servers at once and waits, bounded, for all of them; one that overruns is logged. */
	private void forEachServer(Collection<DatabaseServer> targets, Function<DatabaseServer, Void> task, String what) {
		List<CompletableFuture<Void>> running = targets.stream()
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
