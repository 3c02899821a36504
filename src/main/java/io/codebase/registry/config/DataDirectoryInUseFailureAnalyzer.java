package io.codebase.registry.config;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** A second instance on the same embedded data directory: what happened and what to do, without a stack trace. */
class DataDirectoryInUseFailureAnalyzer extends AbstractFailureAnalyzer<DataDirectoryInUseException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, DataDirectoryInUseException cause) {
		return new FailureAnalysis("The embedded PostgreSQL's data directory " + cause.dataDirectory()
				+ " is in use: another Project Registry (or another embedded PostgreSQL) is running on it.",
				"Stop the other instance, or give this one a data directory of its own with "
						+ "registry.embedded.data-directory (REGISTRY_EMBEDDED_DATA_DIRECTORY). Instances that should "
						+ "share one registry must share one PostgreSQL server instead: set spring.datasource.url "
						+ "(SPRING_DATASOURCE_URL) on each.",
				cause);
	}

}
