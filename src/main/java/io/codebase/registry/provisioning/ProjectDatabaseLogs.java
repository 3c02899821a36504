package io.codebase.registry.provisioning;

import java.util.function.Supplier;

import org.flywaydb.core.api.logging.Log;
import org.flywaydb.core.api.logging.LogCreator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Flyway's log for the project-database migrations: their INFO lines (three or four for every project created) go
 * to DEBUG, so that provisioning stays quiet; {@link ProjectSchemas} logs one line per migrated database instead.
 * Everything else goes to SLF4J unchanged, the registry's own migration at start-up included.
 * <p>
 * Flyway keeps one log creator for the whole JVM, taken from the last configuration it loaded, so the demotion is
 * scoped to the thread inside {@link #quietly(Supplier)} rather than to this creator being in use.
 */
public final class ProjectDatabaseLogs implements LogCreator {

	private static final ThreadLocal<Boolean> MIGRATING_PROJECT = ThreadLocal.withInitial(() -> false);

	/** Flyway instantiates its log creator by class name ({@code loggers}). */
	public ProjectDatabaseLogs() {
	}

	/** Runs a project-database migration with Flyway's INFO lines at DEBUG on this thread. */
	static <T> T quietly(Supplier<T> migration) {
		MIGRATING_PROJECT.set(true);
		try {
			return migration.get();
		}
		finally {
			MIGRATING_PROJECT.remove();
		}
	}

	@Override
	public Log createLogger(Class<?> type) {
		Logger logger = LoggerFactory.getLogger(type);
		return new Log() {

			@Override
			public void debug(String message) {
				logger.debug(message);
			}

			@Override
			public void info(String message) {
				if (MIGRATING_PROJECT.get()) {
					logger.debug(message);
				}
				else {
					logger.info(message);
				}
			}

			@Override
			public void warn(String message) {
				logger.warn(message);
			}

			@Override
			public void error(String message) {
				logger.error(message);
			}

			@Override
			public void error(String message, Exception cause) {
				logger.error(message, cause);
			}

			@Override
			public void notice(String message) {
				// Flyway's own SLF4J log drops notices (advertisements of its paid editions); so does this one.
			}

		};
	}

}
