package io.codebase.registry.config;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import javax.sql.DataSource;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * The registry database's health, answered within a bound whatever PostgreSQL does: a server that accepts
 * connections but never answers (stopped, a network black hole) makes readiness DOWN in about two seconds instead
 * of leaving the probe without an answer until the pool's connection timeout. Replaces Spring Boot's {@code db}
 * indicator (turned off in application.yaml) under the same name.
 */
@Component("dbHealthIndicator")
class BoundedDatabaseHealthIndicator implements HealthIndicator, DisposableBean {

	static final Duration TIMEOUT = Duration.ofSeconds(2);

	private final DataSource dataSource;

	/** One check at a time: while a check hangs, the next probes answer DOWN at once instead of piling up. */
	private final ExecutorService checker = Executors.newSingleThreadExecutor(runnable -> {
		Thread thread = new Thread(runnable, "db-health");
		thread.setDaemon(true);
		return thread;
	});

	private Future<?> running;

	BoundedDatabaseHealthIndicator(DataSource dataSource) {
		this.dataSource = dataSource;
	}

	@Override
	public synchronized Health health() {
		if (this.running != null && !this.running.isDone()) {
			return Health.down().withDetail("error", "the previous check has had no answer yet").build();
		}
		this.running = this.checker.submit(this::check);
		try {
			this.running.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
			return Health.up().withDetail("database", "PostgreSQL").build();
		}
		catch (TimeoutException ex) {
			return Health.down().withDetail("error", "no answer within " + TIMEOUT.toSeconds() + " s").build();
		}
		catch (ExecutionException ex) {
			return Health.down().withDetail("error", String.valueOf(ex.getCause().getMessage())).build();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return Health.down().withDetail("error", "interrupted").build();
		}
	}

	private Void check() throws Exception {
		try (Connection connection = this.dataSource.getConnection(); Statement statement = connection.createStatement()) {
			statement.setQueryTimeout((int) TIMEOUT.toSeconds());
			statement.execute("SELECT 1");
		}
		return null;
	}

	@Override
	public void destroy() {
		this.checker.shutdownNow();
	}

}
