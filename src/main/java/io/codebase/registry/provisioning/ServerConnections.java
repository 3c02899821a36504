package io.codebase.registry.provisioning;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

/**
 * Admin connections to one PostgreSQL server: into its maintenance database (the configured URL's) or into any
 * database on it. A move needs both, because publications, subscriptions and table DDL live inside the moved
 * database, while slots and subscriptions are listed server-wide.
 */
public interface ServerConnections {

	/** An autocommit connection to the named database on this server. */
	Connection open(String database) throws SQLException;

	/** An autocommit connection to the database named by the server's configured URL. */
	Connection openAdmin() throws SQLException;

	/** Connections opened from a server URL and its admin login; the URL's own credentials are not used. */
	static ServerConnections of(String jdbcUrl, String username, String password) {
		return new ServerConnections() {

			@Override
			public Connection open(String database) throws SQLException {
				return DriverManager.getConnection(DatabaseNames.jdbcUrl(jdbcUrl, database), username, password);
			}

			@Override
			public Connection openAdmin() throws SQLException {
				return DriverManager.getConnection(jdbcUrl, username, password);
			}

			@Override
			public String toString() {
				// Without the URL's parameters, which may hold credentials.
				return jdbcUrl.replaceFirst("\\?.*", "");
			}

		};
	}

}
