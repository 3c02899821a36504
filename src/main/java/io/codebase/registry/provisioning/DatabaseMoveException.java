package io.codebase.registry.provisioning;

import java.util.List;

/**
 * A step of a {@link DatabaseMove} that did not happen. The reason tells a caller what to answer: a server that
 * does not meet the requirements or a schema that differs is a conflict, a deadline a timeout; the details name
 * each thing that is missing or different.
 */
public class DatabaseMoveException extends RuntimeException {

	private final Reason reason;

	private final List<String> details;

	DatabaseMoveException(Reason reason, String message, List<String> details, Throwable cause) {
		super(message + (details.isEmpty() ? "" : ": " + String.join("; ", details)), cause);
		this.reason = reason;
		this.details = List.copyOf(details);
	}

	DatabaseMoveException(Reason reason, String message, List<String> details) {
		this(reason, message, details, null);
	}

	public Reason reason() {
		return this.reason;
	}

	/** One line per missing requirement or difference; empty when the message says it all. */
	public List<String> details() {
		return this.details;
	}

	public enum Reason {

		/** A server or login lacks what logical replication needs (wal_level, REPLICATION, free slots, ...). */
		PREREQUISITES,

		/** The target database's tables differ from the source's. */
		SCHEMA_MISMATCH,

		/** Some login could still write to the source after the freeze (superuser, or CONNECT through PUBLIC). */
		FREEZE_INEFFECTIVE,

		/** A wait passed its deadline. */
		TIMEOUT,

		/** A server refused or could not be reached; repeating the step may succeed. */
		FAILED

	}

}
