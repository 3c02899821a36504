package io.codebase.registry.project;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import com.zaxxer.hikari.HikariDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;
import org.springframework.stereotype.Component;

/**
 * Who may create or drop a project's database right now. Ownership of a project is a session-level advisory lock
 * keyed by its id, held on one connection of a small pool of its own for the whole step, so PostgreSQL itself
 * releases it when the owner's connection dies (a killed replica, a lost network): whoever finds a project
 * PROVISIONING or DELETING and can take its ownership knows the owner is gone and finishes the work at once;
 * whoever cannot knows the work is really in progress. No clock decides whether an owner is alive.
 * <p>
 * The pool is separate from the application's so that an owner, which also needs a pooled connection for its
 * writes, can never wait for a connection held by another owner.
 */
@Component
class ProvisioningOwnership implements DisposableBean {

	private static final Logger log = LoggerFactory.getLogger(ProvisioningOwnership.class);

	/** The advisory-lock class of project ownership (two-key form; other locks of this service use other classes). */
	private static final int LOCK_CLASS = 0x5c4e_7a02;

	/** PostgreSQL's lock_not_available: lock_timeout passed while waiting for the lock. */
	private static final String LOCK_NOT_AVAILABLE = "55P03";

	private final HikariDataSource pool;

	/** The one wait in PostgreSQL per project that callers of this replica are waiting for, while it lasts. */
	private final Map<UUID, CompletableFuture<Boolean>> releases = new ConcurrentHashMap<>();

	ProvisioningOwnership(JdbcConnectionDetails registryDatabase, ProjectProperties properties) {
		this.pool = new HikariDataSource();
		this.pool.setPoolName("project-ownership");
		this.pool.setJdbcUrl(registryDatabase.getJdbcUrl());
		this.pool.setUsername(registryDatabase.getUsername());
		this.pool.setPassword(registryDatabase.getPassword());
		this.pool.setMaximumPoolSize(properties.maxConcurrentProvisioning());
		this.pool.setMinimumIdle(0);
		this.pool.setAutoCommit(true);
		// Waiting for a connection is waiting for ownership: bounded like it.
		this.pool.setConnectionTimeout(Math.max(250, properties.provisioningWait().toMillis()));
	}

	/** Ownership of the project if nobody holds it: a live owner elsewhere makes this empty, at once. */
	Optional<Ownership> tryAcquire(UUID projectId) {
		Connection connection = connect();
		try (PreparedStatement lock = connection.prepareStatement("SELECT pg_try_advisory_lock(?, ?)")) {
			bind(lock, projectId);
			try (ResultSet result = lock.executeQuery()) {
				result.next();
				if (result.getBoolean(1)) {
					return Optional.of(new Ownership(projectId, connection));
				}
			}
		}
		catch (SQLException ex) {
			close(connection);
			throw new IllegalStateException("Could not take ownership of project " + projectId, ex);
		}
		close(connection);
		return Optional.empty();
	}

	/**
	 * Ownership of the project, waiting at most {@code wait} for a live owner to finish its step; past that, a 503
	 * saying the project is busy. The wait ends the moment the owner releases or its connection dies.
	 */
	Ownership acquire(UUID projectId, String name, Duration wait) {
		return lockWithin(projectId, wait).orElseThrow(() -> new ProjectBusyException(name, projectId));
	}

	/**
	 * Waits until nobody owns the project, at most {@code wait}: true as soon as the owner releases it (or its
	 * connection dies), false when the time ran out. The callers of this replica that wait for one project share one
	 * wait in PostgreSQL, so a crowd of waiters holds one connection of the ownership pool, not one each.
	 */
	boolean awaitReleased(UUID projectId, Duration wait) {
		CompletableFuture<Boolean> mine = new CompletableFuture<>();
		CompletableFuture<Boolean> shared = this.releases.putIfAbsent(projectId, mine);
		if (shared == null) {
			try {
				Optional<Ownership> owned = lockWithin(projectId, wait);
				owned.ifPresent(Ownership::close);
				mine.complete(owned.isPresent());
				return owned.isPresent();
			}
			catch (RuntimeException ex) {
				mine.completeExceptionally(ex);
				throw ex;
			}
			finally {
				this.releases.remove(projectId, mine);
			}
		}
		try {
			return shared.get(wait.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (TimeoutException ex) {
			return false;
		}
		catch (ExecutionException ex) {
			throw (ex.getCause() instanceof RuntimeException failure) ? failure : new IllegalStateException(ex.getCause());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

	/** The lock within {@code wait}, or empty when a live owner kept it that long. */
	private Optional<Ownership> lockWithin(UUID projectId, Duration wait) {
		Connection connection = connect();
		try (Statement timeout = connection.createStatement();
				PreparedStatement lock = connection.prepareStatement("SELECT pg_advisory_lock(?, ?)")) {
			timeout.execute("SET lock_timeout = " + Math.max(1, wait.toMillis()));
			bind(lock, projectId);
			lock.execute();
			timeout.execute("SET lock_timeout = 0");
			return Optional.of(new Ownership(projectId, connection));
		}
		catch (SQLException ex) {
			close(connection);
			if (LOCK_NOT_AVAILABLE.equals(ex.getSQLState())) {
				return Optional.empty();
			}
			throw new IllegalStateException("Could not take ownership of project " + projectId, ex);
		}
	}

	/** Whether a live owner is working on the project now (its ownership is held). */
	boolean isOwned(UUID projectId) {
		Optional<Ownership> ownership = tryAcquire(projectId);
		ownership.ifPresent(Ownership::close);
		return ownership.isEmpty();
	}

	private Connection connect() {
		try {
			return this.pool.getConnection();
		}
		catch (SQLException ex) {
			throw new IllegalStateException("No connection to hold project ownership: " + ex.getMessage(), ex);
		}
	}

	private static void bind(PreparedStatement statement, UUID projectId) throws SQLException {
		statement.setInt(1, LOCK_CLASS);
		statement.setInt(2, projectId.hashCode());
	}

	private static void close(Connection connection) {
		try {
			connection.close();
		}
		catch (SQLException ex) {
			log.debug("Closing an ownership connection failed", ex);
		}
	}

	@Override
	public void destroy() {
		this.pool.close();
	}

	/**
	 * Ownership held. Closing releases it; if the release fails, the connection is aborted rather than returned
	 * to the pool, so PostgreSQL releases the lock with the session and no pooled connection keeps it.
	 */
	static final class Ownership implements AutoCloseable {

		private final UUID projectId;

		private final Connection connection;

		private Ownership(UUID projectId, Connection connection) {
			this.projectId = projectId;
			this.connection = connection;
		}

		/** Whether the lock is still held: false when the connection died and PostgreSQL released it. */
		boolean isHeld() {
			try {
				return this.connection.isValid(2);
			}
			catch (SQLException ex) {
				return false;
			}
		}

		@Override
		public void close() {
			try (PreparedStatement unlock = this.connection.prepareStatement("SELECT pg_advisory_unlock(?, ?)")) {
				bind(unlock, this.projectId);
				unlock.execute();
				this.connection.close();
			}
			catch (SQLException ex) {
				log.warn("Releasing ownership of project {} failed; dropping its connection", this.projectId, ex);
				Executor direct = Runnable::run;
				try {
					this.connection.abort(direct);
				}
				catch (SQLException abortFailed) {
					log.debug("Aborting an ownership connection failed", abortFailed);
				}
			}
		}

	}

}
