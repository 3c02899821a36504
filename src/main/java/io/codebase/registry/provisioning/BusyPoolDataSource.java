package io.codebase.registry.provisioning;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;

import javax.sql.DataSource;

import org.springframework.jdbc.datasource.DelegatingDataSource;

/**
 * A server's own pool, asked again when it is merely busy. HikariCP answers both "every connection is in use" and
 * "the server cannot be reached" with a timeout; only the second has a failed connection attempt as its cause. A
 * busy pool (a few {@code CREATE DATABASE}s taking seconds on a loaded server) is no outage: the caller waits
 * {@code attempts} pool timeouts in all, while an unreachable server still fails it after one.
 */
final class BusyPoolDataSource extends DelegatingDataSource {

	private final int attempts;

	BusyPoolDataSource(DataSource pool, int attempts) {
		super(pool);
		this.attempts = attempts;
	}

	@Override
	public Connection getConnection() throws SQLException {
		for (int attempt = 1;; attempt++) {
			try {
				return super.getConnection();
			}
			catch (SQLTransientConnectionException ex) {
				if (ex.getCause() != null || attempt >= this.attempts) {
					throw ex;
				}
			}
		}
	}

}
