package io.codebase.registry.config;

import java.nio.file.Path;

/**
 * The embedded PostgreSQL's data directory is locked by another process: a second instance was started on it.
 * {@link DataDirectoryInUseFailureAnalyzer} turns it into one message at start-up.
 */
class DataDirectoryInUseException extends IllegalStateException {

	private final Path dataDirectory;

	DataDirectoryInUseException(Path dataDirectory, Throwable cause) {
		super("The data directory " + dataDirectory + " is in use by another process", cause);
		this.dataDirectory = dataDirectory;
	}

	Path dataDirectory() {
		return this.dataDirectory;
	}

}
