package io.codebase.registry.reconciliation;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import java.util.function.Supplier;

import javax.sql.DataSource;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.stereotype.Component;

/**
 * Elects the one replica that reconciles: a session-level PostgreSQL advisory lock on the registry database,
 * held on one pooled connection for the whole run. Session-level rather than transaction-level, because repairs
 * run CREATE and DROP DATABASE, which cannot run inside a transaction; if the replica dies, PostgreSQL ends its
 * session and the lock with it.
 */
@Component
class ReconciliationLock {

	private static final Logger log = LoggerFactory.getLogger(ReconciliationLock.class);

	/** The advisory lock key, the bytes of "registry" as a bigint; no other code of this service takes it. */
	static final long KEY = 0x7265676973747279L;

	private final DataSource dataSource;

	ReconciliationLock(DataSource dataSource) {
		this.dataSource = dataSource;
	}

	/** Runs the work holding the lock; empty, without running it, when another run (on any replica) holds it. */
	<T> Optional<T> runExclusively(Supplier<T> work) {
		Connection connection;
		try {
			connection = this.dataSource.getConnection();
		}
		catch (SQLException ex) {
			throw new CannotGetJdbcConnectionException("No connection for the reconciliation lock", ex);
		}
		boolean locked = false;
		try {
			locked = call(connection, "SELECT pg_try_advisory_lock(?)");
			return locked ? Optional.ofNullable(work.get()) : Optional.empty();
		}
		finally {
			if (locked) {
				release(connection);
			}
			close(connection);
		}
	}

	private static boolean call(Connection connection, String sql) {
		try (PreparedStatement statement = connection.prepareStatement(sql)) {
			statement.setLong(1, KEY);
			try (ResultSet result = statement.executeQuery()) {
				return result.next() && result.getBoolean(1);
			}
		}
		catch (SQLException ex) {
			throw new CannotGetJdbcConnectionException("Reconciliation lock: " + ex.getMessage(), ex);
		}
	}

	/**
	 * Unlocks before the connection goes back to the pool. If that fails, the connection is aborted instead: a
	 * pooled session that kept the lock would block every later run.
	 */
	private static void release(Connection connection) {
		try {
			call(connection, "SELECT pg_advisory_unlock(?)");
		}
		catch (RuntimeException ex) {
			log.warn("Could not release the reconciliation lock ({}); closing its connection", ex.getMessage());
			try {
				connection.abort(Runnable::run);
			}
			catch (SQLException abortFailed) {
				log.warn("Could not abort the connection: {}", abortFailed.getMessage());
			}
		}
	}

	private static void close(Connection connection) {
		try {
			connection.close();
		}
		catch (SQLException ex) {
			log.debug("Closing the lock connection failed: {}", ex.getMessage());
		}
	}

}
