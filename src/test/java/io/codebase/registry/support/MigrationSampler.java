package io.codebase.registry.support;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Samples, every few milliseconds, how many of the given project databases have a client session busy (running a
 * statement, or inside a transaction) on each PostgreSQL server, and keeps the most per server and the most on all
 * servers at one moment: what a rollout's limits promise, observed where the work happens.
 */
public final class MigrationSampler implements AutoCloseable {

	/** A server to sample: its name and how to log in there. */
	public record Server(String name, Callable<Connection> login) {
	}

	private final AtomicBoolean stop = new AtomicBoolean();

	private final Map<String, AtomicInteger> most = new ConcurrentHashMap<>();

	private final AtomicInteger mostAtOnce = new AtomicInteger();

	private final Map<String, List<String>> peaks = new ConcurrentHashMap<>();

	private final Thread thread;

	private volatile Exception failure;

	public MigrationSampler(List<Server> servers, List<String> databases) {
		servers.forEach(server -> this.most.put(server.name(), new AtomicInteger()));
		this.thread = new Thread(() -> sample(servers, databases.toArray(String[]::new)), "pg-stat-activity-sampler");
		this.thread.setDaemon(true);
		this.thread.start();
	}

	private void sample(List<Server> servers, String[] databases) {
		List<Connection> connections = new ArrayList<>();
		try {
			List<PreparedStatement> queries = new ArrayList<>();
			for (Server server : servers) {
				Connection connection = server.login().call();
				connections.add(connection);
				// Client sessions only: autovacuum's workers show up in a database too (ANALYZE after a migration).
				PreparedStatement query = connection.prepareStatement("""
						SELECT datname, pid, left(query, 120), application_name FROM pg_stat_activity
						WHERE datname = ANY(?) AND backend_type = 'client backend'
						  AND state IN ('active', 'idle in transaction')""");
				query.setArray(1, connection.createArrayOf("text", databases));
				queries.add(query);
			}
			while (!this.stop.get()) {
				int total = 0;
				for (int i = 0; i < servers.size(); i++) {
					try (ResultSet result = queries.get(i).executeQuery()) {
						Set<String> busyDatabases = new HashSet<>();
						List<String> sessions = new ArrayList<>();
						while (result.next()) {
							busyDatabases.add(result.getString(1));
							sessions.add(result.getString(1) + " pid " + result.getInt(2) + " (" + result.getString(4) + "): "
									+ result.getString(3));
						}
						int busy = busyDatabases.size();
						String server = servers.get(i).name();
						if (busy > this.most.get(server).get()) {
							this.peaks.put(server, sessions);
						}
						this.most.get(server).accumulateAndGet(busy, Math::max);
						total += busy;
					}
				}
				this.mostAtOnce.accumulateAndGet(total, Math::max);
				Thread.sleep(5);
			}
		}
		catch (Exception ex) {
			this.failure = ex;
		}
		finally {
			for (Connection connection : connections) {
				try {
					connection.close();
				}
				catch (Exception ex) {
					// Closing after sampling: nothing left to report.
				}
			}
		}
	}

	/** The sessions seen when this server was busiest: what a failed assertion should show. */
	public List<String> peak(String server) {
		return this.peaks.getOrDefault(server, List.of());
	}

	/** The most databases busy at one moment on this server. */
	public int most(String server) {
		return this.most.get(server).get();
	}

	/** The most databases busy at one moment on all servers together. */
	public int mostAtOnce() {
		return this.mostAtOnce.get();
	}

	@Override
	public void close() throws Exception {
		this.stop.set(true);
		this.thread.join();
		if (this.failure != null) {
			throw new IllegalStateException("sampling pg_stat_activity failed", this.failure);
		}
	}

}
