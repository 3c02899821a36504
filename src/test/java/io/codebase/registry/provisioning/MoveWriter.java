package io.codebase.registry.provisioning;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.atomic.AtomicInteger;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * A client that keeps writing to a project database through the {@code writer} login while it moves: transaction
 * {@code k} inserts item {@code 'w' || k} (its id from the bigserial), bumps the counter of an existing item, inserts
 * event {@code 'w' || k} and bumps the hits of every event in its bucket (a table without a primary key). It
 * records which transactions committed, and which ended in doubt (the connection died during COMMIT), and
 * reconnects after any failure until stopped.
 */
final class MoveWriter implements Runnable {

	private final EmbeddedPostgres server;

	private final String database;

	private final int existingItems;

	private final Set<Integer> committed = new ConcurrentSkipListSet<>();

	private final Set<Integer> inDoubt = new ConcurrentSkipListSet<>();

	private final AtomicInteger refusedConnections = new AtomicInteger();

	private volatile boolean stopped;

	private final Thread thread;

	MoveWriter(EmbeddedPostgres server, String database, int existingItems) {
		this.server = server;
		this.database = database;
		this.existingItems = existingItems;
		this.thread = new Thread(this, "move-writer");
	}

	MoveWriter start() {
		this.thread.start();
		return this;
	}

	void stop() throws InterruptedException {
		this.stopped = true;
		this.thread.join(30_000);
	}

	Set<Integer> committed() {
		return this.committed;
	}

	Set<Integer> inDoubt() {
		return this.inDoubt;
	}

	int refusedConnections() {
		return this.refusedConnections.get();
	}

	@Override
	public void run() {
		int k = 0;
		while (!this.stopped) {
			try (Connection connection = MoveServers.connect(this.server, this.database, MoveServers.WRITER)) {
				connection.setAutoCommit(false);
				while (!this.stopped) {
					k++;
					write(connection, k);
					try {
						connection.commit();
					}
					catch (SQLException ex) {
						this.inDoubt.add(k);
						throw ex;
					}
					this.committed.add(k);
					Thread.sleep(2);
				}
			}
			catch (SQLException ex) {
				if ("42501".equals(ex.getSQLState())) {
					this.refusedConnections.incrementAndGet();
				}
				pause();
			}
			catch (InterruptedException ex) {
				return;
			}
		}
	}

	private void write(Connection connection, int k) throws SQLException {
		try (PreparedStatement item = connection.prepareStatement("INSERT INTO items (payload) VALUES (?)");
				PreparedStatement counter = connection.prepareStatement("UPDATE items SET counter = counter + 1 WHERE id = ?");
				PreparedStatement event = connection.prepareStatement("INSERT INTO events (bucket, note) VALUES (?, ?)");
				PreparedStatement hits = connection.prepareStatement("UPDATE events SET hits = hits + 1 WHERE bucket = ?")) {
			item.setString(1, "w" + k);
			item.execute();
			counter.setLong(1, 1 + (k * 7919L) % this.existingItems);
			counter.execute();
			event.setInt(1, k % 1000);
			event.setString(2, "w" + k);
			event.execute();
			hits.setInt(1, k % 1000);
			hits.execute();
		}
	}

	private static void pause() {
		try {
			Thread.sleep(20);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
