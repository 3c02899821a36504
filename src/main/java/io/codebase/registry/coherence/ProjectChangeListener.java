package io.codebase.registry.coherence;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.codebase.registry.project.ProjectCacheInvalidation;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Keeps this replica's project cache coherent with every other writer (docs/architecture.md#coherence). One dedicated
 * connection, outside the pool, on its own thread: {@code LISTEN}, wait for notifications with a finite timeout,
 * run a keepalive query now and then, and reconnect with bounded exponential backoff when the connection is lost.
 * Every (re)connection clears the whole cache, because notifications sent while nobody listened are never
 * replayed. Request threads never wait on it.
 */
@Component
class ProjectChangeListener implements SmartLifecycle {

	static final String CHANNEL = "registry_project_changed";

	private static final Logger log = LoggerFactory.getLogger(ProjectChangeListener.class);

	private static final JsonMapper JSON = JsonMapper.builder().build();

	/** PostgreSQL keeps at most 63 bytes of an application_name. */
	private static final int APPLICATION_NAME_LIMIT = 63;

	private final ProjectCacheInvalidation cache;

	private final CoherenceProperties properties;

	/** The registry database's URL and login, for the listener's own connection. */
	private final JdbcConnectionDetails database;

	private final String applicationName;

	private final Counter notifications;

	private final Counter reconnects;

	private volatile ListenerState state;

	private volatile boolean running;

	private volatile Thread thread;

	private volatile Connection connection;

	private volatile CountDownLatch firstAttempt = new CountDownLatch(1);

	ProjectChangeListener(ProjectCacheInvalidation cache, CoherenceProperties properties,
			JdbcConnectionDetails database, @Value("${spring.application.name:project-registry}") String applicationName,
			MeterRegistry meters) {
		this.cache = cache;
		this.properties = properties;
		this.database = database;
		String name = applicationName + " coherence listener";
		this.applicationName = name.substring(0, Math.min(name.length(), APPLICATION_NAME_LIMIT));
		this.state = properties.enabled() ? ListenerState.notStarted() : ListenerState.disabled();
		this.notifications = Counter.builder("registry.coherence.notifications")
			.description("Change notifications received from PostgreSQL (each invalidates one project's cache entries)")
			.register(meters);
		this.reconnects = Counter.builder("registry.coherence.reconnects")
			.description("Times the listener connection was established again after a loss (each clears the cache)")
			.register(meters);
		if (properties.enabled()) {
			// Absent when turned off (a single replica), so an alert on 0 watches only listeners meant to listen.
			Gauge.builder("registry.coherence.listening", this, listener -> listener.state().listening() ? 1 : 0)
				.description("1 while this replica hears change notifications, 0 otherwise")
				.register(meters);
		}
	}

	ListenerState state() {
		return this.state;
	}

	@Override
	public boolean isAutoStartup() {
		return this.properties.enabled();
	}

	/** Before the web server starts (so the first requests already have a coherent cache) and stops after it. */
	@Override
	public int getPhase() {
		return SmartLifecycle.DEFAULT_PHASE - 4096;
	}

	/**
	 * Starts listening and waits (bounded) for the first connection attempt, so that a replica reports itself
	 * ready as soon as it is listening.
	 */
	@Override
	public void start() {
		if (!this.properties.enabled() || this.running) {
			return;
		}
		this.running = true;
		this.firstAttempt = new CountDownLatch(1);
		Thread listener = new Thread(this::run, "coherence-listener");
		listener.setDaemon(true);
		this.thread = listener;
		listener.start();
		try {
			this.firstAttempt.await(this.properties.networkTimeout().toMillis() + 1000, TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	@Override
	public void stop() {
		this.running = false;
		Thread listener = this.thread;
		if (listener == null) {
			return;
		}
		abort(this.connection);
		listener.interrupt();
		try {
			listener.join(this.properties.pollTimeout().plus(this.properties.networkTimeout()).toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		this.thread = null;
		this.state = ListenerState.notStarted();
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	private void run() {
		Duration backoff = this.properties.backoffMin();
		boolean listenedBefore = false;
		while (this.running) {
			try (Connection listening = connect()) {
				this.connection = listening;
				int backendPid = listen(listening);
				// Only now: a change committed between the clear and LISTEN would otherwise be missed.
				this.cache.invalidateAll();
				if (listenedBefore) {
					this.reconnects.increment();
					log.info("Listening again for project changes (backend pid {}); the project cache was cleared",
							backendPid);
				}
				listenedBefore = true;
				backoff = this.properties.backoffMin();
				this.state = ListenerState.listening(backendPid);
				this.firstAttempt.countDown();
				receive(listening);
			}
			catch (SQLException | RuntimeException ex) {
				if (this.running) {
					lost(ex);
				}
			}
			finally {
				this.connection = null;
				this.firstAttempt.countDown();
			}
			if (this.running) {
				pause(backoff);
				backoff = min(backoff.multipliedBy(2), this.properties.backoffMax());
			}
		}
	}

	private Connection connect() throws SQLException {
		Properties settings = new Properties();
		if (this.database.getUsername() != null) {
			settings.setProperty("user", this.database.getUsername());
		}
		if (this.database.getPassword() != null) {
			settings.setProperty("password", this.database.getPassword());
		}
		long timeoutSeconds = Math.max(1, this.properties.networkTimeout().toSeconds());
		settings.setProperty("ApplicationName", this.applicationName);
		settings.setProperty("connectTimeout", String.valueOf(timeoutSeconds));
		settings.setProperty("loginTimeout", String.valueOf(timeoutSeconds));
		// Bounds every read except the waits for notifications, which set their own timeout.
		settings.setProperty("socketTimeout", String.valueOf(timeoutSeconds));
		settings.setProperty("tcpKeepAlive", "true");
		return DriverManager.getConnection(this.database.getJdbcUrl(), settings);
	}

	private static int listen(Connection connection) throws SQLException {
		try (Statement statement = connection.createStatement()) {
			statement.execute("LISTEN " + CHANNEL);
			try (ResultSet pid = statement.executeQuery("SELECT pg_backend_pid()")) {
				pid.next();
				return pid.getInt(1);
			}
		}
	}

	private void receive(Connection connection) throws SQLException {
		PGConnection postgres = connection.unwrap(PGConnection.class);
		int pollMillis = (int) Math.max(1, this.properties.pollTimeout().toMillis());
		long keepaliveNanos = this.properties.keepaliveInterval().toNanos();
		long nextKeepalive = System.nanoTime() + keepaliveNanos;
		while (this.running) {
			PGNotification[] received = postgres.getNotifications(pollMillis);
			if (received != null) {
				for (PGNotification notification : received) {
					handle(notification.getParameter());
				}
			}
			if (System.nanoTime() - nextKeepalive >= 0) {
				try (Statement statement = connection.createStatement()) {
					statement.execute("SELECT 1");
				}
				nextKeepalive = System.nanoTime() + keepaliveNanos;
			}
		}
	}

	/** Drops the entries a notification names; one that cannot be read drops everything, to be safe. */
	void handle(String payload) {
		this.notifications.increment();
		try {
			JsonNode change = JSON.readTree(payload);
			this.cache.invalidate(UUID.fromString(change.get("id").asString()), text(change, "oldName"),
					text(change, "newName"));
		}
		catch (RuntimeException ex) { // JacksonException, a missing or malformed id
			log.warn("Unreadable change notification '{}' ({}); clearing the project cache", payload, ex.getMessage());
			this.cache.invalidateAll();
		}
	}

	private static String text(JsonNode change, String field) {
		JsonNode value = change.get(field);
		return (value == null || value.isNull()) ? null : value.asString();
	}

	private void lost(Exception ex) {
		this.cache.notificationsLost();
		ListenerState previous = this.state;
		String error = (ex.getMessage() != null) ? ex.getMessage() : ex.getClass().getSimpleName();
		if (previous.listening() || !previous.started()) {
			log.warn("Not listening for project changes: {}. Cached projects are answered as unconfirmed until the "
					+ "listener reconnects", error);
			this.state = ListenerState.disconnected(Instant.now(), error);
		}
		else {
			log.debug("Listener still disconnected: {}", error);
			this.state = ListenerState.disconnected(previous.since(), error);
		}
	}

	private void pause(Duration backoff) {
		try {
			Thread.sleep(backoff.toMillis());
		}
		catch (InterruptedException ex) {
			// stop() interrupts a pause; the loop then sees running == false and ends.
		}
	}

	private static void abort(Connection connection) {
		if (connection == null) {
			return;
		}
		try {
			// Unlike close(), abort does not wait for the listener thread's read to finish.
			connection.abort(Runnable::run);
		}
		catch (SQLException ex) {
			log.debug("Aborting the listener connection failed: {}", ex.getMessage());
		}
	}

	private static Duration min(Duration a, Duration b) {
		return (a.compareTo(b) <= 0) ? a : b;
	}

	/**
	 * What the listener is doing, for the health contributor.
	 *
	 * @param since when it started listening, or when it lost its connection
	 * @param lastError why it is not listening
	 * @param backendPid the PostgreSQL backend of the listener connection
	 */
	record ListenerState(Phase phase, Instant since, String lastError, Integer backendPid) {

		enum Phase {

			DISABLED, NOT_STARTED, LISTENING, DISCONNECTED

		}

		static ListenerState disabled() {
			return new ListenerState(Phase.DISABLED, null, null, null);
		}

		static ListenerState notStarted() {
			return new ListenerState(Phase.NOT_STARTED, null, null, null);
		}

		static ListenerState listening(int backendPid) {
			return new ListenerState(Phase.LISTENING, Instant.now(), null, backendPid);
		}

		static ListenerState disconnected(Instant since, String lastError) {
			return new ListenerState(Phase.DISCONNECTED, since, lastError, null);
		}

		boolean listening() {
			return this.phase == Phase.LISTENING;
		}

		boolean started() {
			return this.phase == Phase.LISTENING || this.phase == Phase.DISCONNECTED;
		}

	}

}
