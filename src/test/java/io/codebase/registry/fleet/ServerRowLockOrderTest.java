package io.codebase.registry.fleet;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.codebase.registry.support.TestDatabase;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A move's switch (the project's server changes) and a placement lock the servers' rows in one order, by name: a
 * placement that holds the old server's row and goes on to the new one's never deadlocks with a switch from the one
 * to the other (the foreign key's check on the new server used to lock it before the project count's update of the
 * old one; a drain's placements met its switches so).
 */
class ServerRowLockOrderTest {

	private static final String PASSWORD = System.getenv().getOrDefault("REGISTRY_TEST_PASSWORD", "");

	@Test
	void aSwitchWaitsForAPlacementThatHoldsTheOldServerWithoutLockingTheNewOne() throws Exception {
		String url = TestFleet.newRegistry();
		Flyway.configure().dataSource(url, TestDatabase.get().username(), PASSWORD).locations("classpath:db/migration")
			.load().migrate();
		UUID project = UUID.randomUUID();
		try (Connection setup = connect(url); Statement statement = setup.createStatement()) {
			statement.execute("INSERT INTO database_servers (name) VALUES ('x'), ('y')");
			statement.execute("INSERT INTO projects (id, name, database_name, state, server) VALUES ('" + project
					+ "', 'switched', 'switched_0000000a', 'READY', 'x')");
		}
		ExecutorService switching = Executors.newSingleThreadExecutor();
		try (Connection placement = connect(url); Connection move = connect(url); Connection observer = connect(url)) {
			placement.setAutoCommit(false);
			move.setAutoCommit(false);
			long movePid = pid(move);
			// A placement holds the first server's row (it locks them in name order) ...
			placement.createStatement().execute("SELECT 1 FROM database_servers WHERE name = 'x' FOR UPDATE");
			// ... when a move switches the project from that server to the next one: the switch waits.
			Future<Integer> switched = switching.submit(
					() -> move.createStatement().executeUpdate("UPDATE projects SET server = 'y' WHERE id = '" + project + "'"));
			await().atMost(Duration.ofSeconds(10)).until(() -> waitsForALock(observer, movePid));

			// The placement goes on to the next server's row, which the waiting switch must not hold.
			placement.createStatement().execute("SELECT 1 FROM database_servers WHERE name = 'y' FOR UPDATE");
			placement.commit();

			assertThat(switched.get(10, TimeUnit.SECONDS)).isEqualTo(1);
			move.commit();
			try (ResultSet counts = move.createStatement().executeQuery("SELECT string_agg(name || '=' || projects, ' ' "
					+ "ORDER BY name) FROM database_servers WHERE name <> 'default'")) {
				counts.next();
				assertThat(counts.getString(1)).isEqualTo("x=0 y=1");
			}
		}
		finally {
			switching.shutdownNow();
		}
	}

	private static Connection connect(String url) throws SQLException {
		return DriverManager.getConnection(url, TestDatabase.get().username(), PASSWORD);
	}

	private static long pid(Connection connection) throws SQLException {
		try (ResultSet row = connection.createStatement().executeQuery("SELECT pg_backend_pid()")) {
			row.next();
			return row.getLong(1);
		}
	}

	private static boolean waitsForALock(Connection observer, long pid) throws SQLException {
		try (PreparedStatement query = observer.prepareStatement(
				"SELECT wait_event_type = 'Lock' FROM pg_stat_activity WHERE pid = ?")) {
			query.setLong(1, pid);
			try (ResultSet row = query.executeQuery()) {
				return row.next() && row.getBoolean(1);
			}
		}
	}

}
