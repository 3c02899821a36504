package io.codebase.registry.config;

import java.sql.SQLException;

import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.core.env.Environment;

/**
 * A PostgreSQL server that cannot be reached at start-up (SQLSTATE class 08, connection exception), wherever in
 * the start it was first needed (Flyway, the pool, the provisioning check): one message naming the configured
 * servers instead of a stack trace through every bean that needed a connection.
 */
class DatabaseUnreachableFailureAnalyzer implements FailureAnalyzer {

	private static final String CONNECTION_EXCEPTION = "08";

	/** Null when the start failed before the environment was prepared. */
	private final Environment environment;

	DatabaseUnreachableFailureAnalyzer(Environment environment) {
		this.environment = environment;
	}

	@Override
	public FailureAnalysis analyze(Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (cause instanceof SQLException sql && sql.getSQLState() != null
					&& sql.getSQLState().startsWith(CONNECTION_EXCEPTION)) {
				return analysis(sql);
			}
		}
		return null;
	}

	private FailureAnalysis analysis(SQLException unreachable) {
		String registry = serverOf("spring.datasource.url");
		String provisioning = serverOf("registry.provisioning.url");
		StringBuilder description = new StringBuilder("Cannot connect to PostgreSQL: ").append(reason(unreachable))
			.append("\nRegistry database (spring.datasource.url): ")
			.append(registry.isEmpty() ? "not set, the embedded PostgreSQL" : registry);
		if (!provisioning.isEmpty()) {
			description.append("\nProject databases' server (registry.provisioning.url): ").append(provisioning);
		}
		return new FailureAnalysis(description.toString(), "Start PostgreSQL or make it reachable from this host, or "
				+ "correct the URL (SPRING_DATASOURCE_URL" + (provisioning.isEmpty() ? "" : ", REGISTRY_PROVISIONING_URL")
				+ "). Without spring.datasource.url the registry starts an embedded PostgreSQL of its own.", unreachable);
	}

	/** The driver's message, and the underlying reason when the driver's says only that the attempt failed. */
	private static String reason(SQLException unreachable) {
		Throwable cause = unreachable.getCause();
		String message = String.valueOf(unreachable.getMessage());
		if (cause != null && cause.getMessage() != null && !message.contains(cause.getMessage())) {
			return message + " (" + cause + ")";
		}
		return message;
	}

	/** A JDBC URL without its parameters, which may hold credentials. */
	private String serverOf(String property) {
		String url = (this.environment != null) ? this.environment.getProperty(property, "") : "";
		int parameters = url.indexOf('?');
		return (parameters < 0) ? url : url.substring(0, parameters);
	}

}
