package io.codebase.registry.provisioning;

import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.SQLTransientConnectionException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import com.zaxxer.hikari.HikariDataSource;
import io.codebase.registry.support.TestDatabase;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * A server's pool that is only busy is waited for; one that cannot connect still fails at its first timeout. Real
 * HikariCP pools, one against the tests' PostgreSQL and one against a port nobody listens on.
 */
class BusyPoolDataSourceTest {

	private static final TestDatabase db = TestDatabase.get();

	@Test
	void aCallerWaitsThroughTimeoutsWhileEveryConnectionIsInUse() throws Exception {
		try (HikariDataSource pool = pool(db.jdbcUrl())) {
			Connection held = pool.getConnection();
			// Returned after three of the pool's 300 ms timeouts.
			CompletableFuture<Void> release = CompletableFuture.runAsync(() -> close(held),
					CompletableFuture.delayedExecutor(900, TimeUnit.MILLISECONDS));

			assertThatExceptionOfType(SQLTransientConnectionException.class)
				.isThrownBy(() -> new BusyPoolDataSource(pool, 1).getConnection())
				.satisfies(ex -> assertThat(ex.getCause()).isNull());
			try (Connection connection = new BusyPoolDataSource(pool, 10).getConnection()) {
				assertThat(connection.isValid(1)).isTrue();
			}
			release.join();
		}
	}

	@Test
	void aServerThatCannotBeReachedFailsAtTheFirstTimeoutWithItsCause() throws Exception {
		int port;
		try (ServerSocket socket = new ServerSocket(0)) {
			port = socket.getLocalPort();
		}
		try (HikariDataSource pool = pool("jdbc:postgresql://127.0.0.1:" + port + "/none")) {
			long started = System.nanoTime();

			assertThatExceptionOfType(SQLTransientConnectionException.class)
				.isThrownBy(() -> new BusyPoolDataSource(pool, 1000).getConnection())
				.satisfies(ex -> assertThat(ex.getCause()).isNotNull());
			// A thousand attempts of 300 ms would take five minutes: one was made.
			assertThat(System.nanoTime() - started).isLessThan(TimeUnit.SECONDS.toNanos(60));
		}
	}

	private static HikariDataSource pool(String url) {
		HikariDataSource pool = new HikariDataSource();
		pool.setJdbcUrl(url);
		pool.setUsername(db.username());
		pool.setPassword(System.getenv().getOrDefault("REGISTRY_TEST_PASSWORD", ""));
		pool.setMaximumPoolSize(1);
		pool.setMinimumIdle(0);
		pool.setConnectionTimeout(300);
		pool.setInitializationFailTimeout(-1);
		return pool;
	}

	private static void close(Connection connection) {
		try {
			connection.close();
		}
		catch (java.sql.SQLException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
