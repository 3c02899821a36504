package io.codebase.registry.provisioning;

import java.util.Objects;

/**
 * How the target server reaches the source server for replication: the address as seen from the target (it may
 * differ from the registry's), and a login with the REPLICATION attribute and SELECT on the moved tables.
 *
 * @param password empty for a server that trusts the login without one
 */
public record ReplicationLogin(String host, int port, String user, String password) {

	public ReplicationLogin {
		Objects.requireNonNull(host, "host");
		Objects.requireNonNull(user, "user");
		password = (password == null) ? "" : password;
		if (port < 1 || port > 65535) {
			throw new IllegalArgumentException("Not a port: " + port);
		}
	}

	/**
	 * The libpq connection string of a subscription to the database: every value single-quoted with {@code \} and
	 * {@code '} escaped, as libpq reads them, so no value can add a parameter of its own.
	 */
	String conninfo(String database) {
		StringBuilder conninfo = new StringBuilder()
			.append("host=").append(value(this.host))
			.append(" port=").append(value(Integer.toString(this.port)))
			.append(" user=").append(value(this.user))
			.append(" dbname=").append(value(database));
		if (!this.password.isEmpty()) {
			conninfo.append(" password=").append(value(this.password));
		}
		return conninfo.toString();
	}

	private static String value(String value) {
		return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'";
	}

	/** Never the password. */
	@Override
	public String toString() {
		return "ReplicationLogin[" + this.user + "@" + this.host + ":" + this.port + "]";
	}

}
