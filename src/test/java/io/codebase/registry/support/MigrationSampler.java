package io.codebase.registry.support;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Samples, every few milliseconds, how many of the given project databases have a statement running on each
 * PostgreSQL server, and keeps the most per server and the most on all servers
 * at one moment, as seen by two samples in a row: what a rollout's limits promise, observed where the work happens.
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
				// Only statements running now: a backend whose client has closed its connection in a transaction
				// still shows 'idle in transaction' until it has rolled back and exited, a moment after the rollout
				// has moved on to the next database.
				PreparedStatement query = connection.prepareStatement("""
						SELECT datname, pid, left(query, 120), application_name
						FROM pg_stat_activity WHERE datname = ANY(?) AND state = 'active'""");
				query.setArray(1, connection.createArrayOf("text", databases));
				queries.add(query);
			}
			Map<String, Integer> previous = new HashMap<>();
			int previousTotal = 0;
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
						// What two samples in a row saw: a migration lasts many samples, a glimpse of a statement
						// at the moment one database hands over to the next does not.
						int sustained = Math.min(busy, previous.getOrDefault(server, 0));
						previous.put(server, busy);
						if (sustained > this.most.get(server).get()) {
							this.peaks.put(server, sessions);
						}
						this.most.get(server).accumulateAndGet(sustained, Math::max);
						total += busy;
					}
				}
				this.mostAtOnce.accumulateAndGet(Math.min(total, previousTotal), Math::max);
				previousTotal = total;
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
