package io.codebase.registry.provisioning;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;

/** A CREATE or DROP DATABASE that did not happen; the message names the database and the server's reason. */
public class ProvisioningException extends RuntimeException {

	/** Also raised by other modules' steps on a project database (access roles), so provisioning fails the same way. */
	public ProvisioningException(String message, Throwable cause) {
		super(message, cause);
	}

	/**
	 * Whether the server could not be reached (no connection, or the connection broke): the operation may not have
	 * run at all, and says nothing about the database, only about the server.
	 */
	public boolean serverUnreachable() {
		for (Throwable cause = getCause(); cause != null; cause = cause.getCause()) {
			if (cause instanceof SQLTransientConnectionException) {
				return true;
			}
			if (cause instanceof SQLException sql && isConnectionFailure(sql.getSQLState())) {
				return true;
			}
		}
		return false;
	}

	/** Class 08 (connection exception) and the server shutting down or starting up (57P01-57P03). */
	static boolean isConnectionFailure(String sqlState) {
		return sqlState != null && (sqlState.startsWith("08") || sqlState.equals("57P01") || sqlState.equals("57P02")
				|| sqlState.equals("57P03"));
	}

}
