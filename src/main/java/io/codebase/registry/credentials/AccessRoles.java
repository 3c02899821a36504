package io.codebase.registry.credentials;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.codebase.registry.project.ProjectDatabaseAccess;
import io.codebase.registry.provisioning.DatabaseServer;
import io.codebase.registry.provisioning.ProvisioningException;
import io.codebase.registry.provisioning.ProvisioningProperties;
import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Component;

/**
 * The roles and grants of project databases, in PostgreSQL's own terms. Per database: an owner role that owns it
 * (the admin login is a member, so it still migrates and drops it), {@code CONNECT} revoked from {@code PUBLIC}, and
 * two group roles with {@code CONNECT} on that database only: {@code _rw} reads and writes every table and sequence
 * of schema {@code public}, {@code _ro} reads its tables. Default privileges of the admin login, which runs the
 * migrations, extend both to tables that later migrations create. Every statement is idempotent, so applying it
 * again repairs whatever drifted. All names come from {@link RoleNames}: validated, then quoted.
 */
@Component
class AccessRoles implements ProjectDatabaseAccess {

	private static final Logger log = LoggerFactory.getLogger(AccessRoles.class);

	/** What marks a login role as a credential of this registry ({@link RoleNames#credentialPattern}). */
	private final String credentialPattern;

	AccessRoles(ProvisioningProperties provisioning) {
		this.credentialPattern = RoleNames.credentialPattern(provisioning.databasePrefix());
	}

	private static final String PUBLIC_SCHEMA_GRANTS = """
			GRANT USAGE ON SCHEMA public TO %2$s, %3$s;
			GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO %2$s;
			GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO %2$s;
			GRANT SELECT ON ALL TABLES IN SCHEMA public TO %3$s;
			ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO %2$s;
			ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO %2$s;
			ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO %3$s;
			""";

	@Override
	public void secure(DatabaseServer server, String databaseName) {
		RoleNames roles = RoleNames.of(databaseName);
		String database = RoleNames.quote(databaseName);
		String owner = RoleNames.quote(roles.owner());
		String readWrite = RoleNames.quote(roles.readWrite());
		String readOnly = RoleNames.quote(roles.readOnly());
		try (Connection connection = server.admin().getConnection(); Statement statement = connection.createStatement()) {
			for (String role : List.of(owner, readWrite, readOnly)) {
				// Two replicas may secure one database at once: the loser's CREATE ROLE finds the role there.
				statement.execute("DO $$BEGIN CREATE ROLE " + role + " NOLOGIN; "
						+ "EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END$$");
			}
			statement.execute("GRANT " + owner + " TO CURRENT_USER");
			statement.execute("ALTER DATABASE " + database + " OWNER TO " + owner);
			statement.execute("REVOKE ALL ON DATABASE " + database + " FROM PUBLIC");
			statement.execute("GRANT CONNECT ON DATABASE " + database + " TO " + readWrite + ", " + readOnly);
		}
		catch (SQLException ex) {
			throw failure("Securing database " + databaseName + " on " + server.name(), ex);
		}
		try (Connection connection = server.connectTo(databaseName); Statement statement = connection.createStatement()) {
			connection.setAutoCommit(false);
			statement.execute(PUBLIC_SCHEMA_GRANTS.formatted(owner, readWrite, readOnly));
			connection.commit();
		}
		catch (SQLException ex) {
			throw failure("Granting access to the tables of database " + databaseName + " on " + server.name(), ex);
		}
	}

	@Override
	public void release(DatabaseServer server, String databaseName) {
		RoleNames roles = RoleNames.of(databaseName);
		try (Connection connection = server.admin().getConnection()) {
			for (String login : members(connection, roles)) {
				dropLogin(connection, login);
			}
			try (Statement statement = connection.createStatement()) {
				statement.execute("DROP ROLE IF EXISTS " + RoleNames.quote(roles.readWrite()) + ", "
						+ RoleNames.quote(roles.readOnly()) + ", " + RoleNames.quote(roles.owner()));
			}
		}
		catch (SQLException ex) {
			throw failure("Dropping the roles of database " + databaseName + " on " + server.name(), ex);
		}
	}

	/** The credentials issued for the database now: the logins a move's freeze must end. */
	Set<String> logins(DatabaseServer server, String databaseName) {
		try (Connection connection = server.admin().getConnection()) {
			return members(connection, RoleNames.of(databaseName));
		}
		catch (SQLException ex) {
			throw failure("Listing the credentials of database " + databaseName + " on " + server.name(), ex);
		}
	}

	/**
	 * Creates a login role that is a member of the database's read-write or read-only role until {@code expiresAt}.
	 * The password reaches PostgreSQL only as a SCRAM verifier computed here, so no statement, log or
	 * {@code pg_stat_statements} entry on the server holds it in clear; role and password are committed together.
	 */
	void createLogin(DatabaseServer server, String databaseName, String login, Access access, Instant expiresAt,
			char[] password) {
		RoleNames roles = RoleNames.of(databaseName);
		String group = (access == Access.READ_WRITE) ? roles.readWrite() : roles.readOnly();
		try (Connection connection = server.admin().getConnection()) {
			connection.setAutoCommit(false);
			try (Statement statement = connection.createStatement()) {
				statement.execute("CREATE ROLE " + RoleNames.quote(login) + " LOGIN INHERIT NOCREATEDB NOCREATEROLE "
						+ "VALID UNTIL '" + expiresAt + "' IN ROLE " + RoleNames.quote(group));
				// The driver wipes the array it is given; the caller's copy is the one answered.
				connection.unwrap(PGConnection.class).alterUserPassword(login, password.clone(), "scram-sha-256");
				connection.commit();
			}
			catch (SQLException | RuntimeException ex) {
				connection.rollback();
				throw ex;
			}
			finally {
				connection.setAutoCommit(true);
			}
		}
		catch (SQLException ex) {
			throw failure("Creating a credential for database " + databaseName + " on " + server.name(), ex);
		}
	}

	/** Drops one credential of this database, ending its sessions first; false when it has no such credential. */
	boolean revokeLogin(DatabaseServer server, String databaseName, String login) {
		try (Connection connection = server.admin().getConnection()) {
			if (!members(connection, RoleNames.of(databaseName)).contains(login)) {
				return false;
			}
			dropLogin(connection, login);
			return true;
		}
		catch (SQLException ex) {
			throw failure("Revoking credential " + login + " on " + server.name(), ex);
		}
	}

	/** Credentials on this server whose {@code VALID UNTIL} has passed: name and expiry. */
	Map<String, Instant> expiredLogins(DatabaseServer server) {
		try (Connection connection = server.admin().getConnection();
				PreparedStatement query = connection.prepareStatement("SELECT rolname, rolvaliduntil FROM pg_roles "
						+ "WHERE rolcanlogin AND rolvaliduntil < now() AND rolname ~ ? ORDER BY rolname")) {
			query.setString(1, this.credentialPattern);
			Map<String, Instant> expired = new HashMap<>();
			try (ResultSet result = query.executeQuery()) {
				while (result.next()) {
					expired.put(result.getString(1), result.getTimestamp(2).toInstant());
				}
			}
			return expired;
		}
		catch (SQLException ex) {
			throw failure("Listing expired credentials on " + server.name(), ex);
		}
	}

	/** Drops a credential if it is still expired (looked at again right before); false when it is not. */
	boolean dropExpiredLogin(DatabaseServer server, String login) {
		try (Connection connection = server.admin().getConnection()) {
			try (PreparedStatement query = connection.prepareStatement("SELECT 1 FROM pg_roles WHERE rolname = ? "
					+ "AND rolcanlogin AND rolvaliduntil < now() AND rolname ~ ?")) {
				query.setString(1, login);
				query.setString(2, this.credentialPattern);
				try (ResultSet result = query.executeQuery()) {
					if (!result.next()) {
						return false;
					}
				}
			}
			dropLogin(connection, login);
			return true;
		}
		catch (SQLException ex) {
			throw failure("Dropping expired credential " + login + " on " + server.name(), ex);
		}
	}

	/**
	 * The databases among these whose access is not in place: not owned by their owner role, connectable by
	 * {@code PUBLIC}, or without their group roles. One look at the server's catalogs for all of them; what is
	 * inside each database (schema grants) is applied again by a repair, not inspected.
	 */
	Set<String> lacking(DatabaseServer server, Collection<String> databaseNames) {
		Map<String, RoleNames> roles = new HashMap<>();
		List<String> expectedRoles = new ArrayList<>();
		databaseNames.forEach(name -> {
			RoleNames names = RoleNames.of(name);
			roles.put(name, names);
			expectedRoles.addAll(List.of(names.owner(), names.readWrite(), names.readOnly()));
		});
		Set<String> lacking = new HashSet<>(databaseNames);
		try (Connection connection = server.admin().getConnection()) {
			Set<String> existing = new HashSet<>();
			try (PreparedStatement query = connection.prepareStatement("SELECT rolname FROM pg_roles WHERE rolname = ANY (?)")) {
				query.setArray(1, connection.createArrayOf("text", expectedRoles.toArray()));
				try (ResultSet result = query.executeQuery()) {
					while (result.next()) {
						existing.add(result.getString(1));
					}
				}
			}
			try (PreparedStatement query = connection.prepareStatement("SELECT datname, pg_get_userbyid(datdba), "
					+ "has_database_privilege('public', oid, 'CONNECT') FROM pg_database WHERE datname = ANY (?)")) {
				query.setArray(1, connection.createArrayOf("text", databaseNames.toArray()));
				try (ResultSet result = query.executeQuery()) {
					while (result.next()) {
						RoleNames names = roles.get(result.getString(1));
						if (names.owner().equals(result.getString(2)) && !result.getBoolean(3)
								&& existing.containsAll(List.of(names.readWrite(), names.readOnly()))) {
							lacking.remove(result.getString(1));
						}
					}
				}
			}
			return lacking;
		}
		catch (SQLException ex) {
			throw failure("Checking the access roles on " + server.name(), ex);
		}
	}

	/**
	 * The credentials issued for the database: members of its group roles with a credential's name. The name
	 * matters: an admin login with CREATEROLE (not superuser) is itself a member of every role it creates.
	 */
	private Set<String> members(Connection connection, RoleNames roles) throws SQLException {
		try (PreparedStatement query = connection.prepareStatement("SELECT m.rolname FROM pg_auth_members a "
				+ "JOIN pg_roles g ON g.oid = a.roleid JOIN pg_roles m ON m.oid = a.member "
				+ "WHERE g.rolname IN (?, ?) AND m.rolname ~ ? AND m.rolname <> current_user")) {
			query.setString(1, roles.readWrite());
			query.setString(2, roles.readOnly());
			query.setString(3, this.credentialPattern);
			Set<String> members = new HashSet<>();
			try (ResultSet result = query.executeQuery()) {
				while (result.next()) {
					members.add(result.getString(1));
				}
			}
			return members;
		}
	}

	/**
	 * No new sessions, the running ones ended, then the role gone. Ending sessions needs superuser or
	 * {@code pg_signal_backend}; without it the role is dropped all the same, and its sessions lose its grants.
	 */
	private static void dropLogin(Connection connection, String login) throws SQLException {
		String quoted = RoleNames.quote(login);
		try (Statement statement = connection.createStatement();
				PreparedStatement terminate = connection
					.prepareStatement("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = ?")) {
			statement.execute("ALTER ROLE " + quoted + " NOLOGIN");
			terminate.setString(1, login);
			try {
				terminate.execute();
			}
			catch (SQLException ex) {
				log.warn("Could not end the sessions of credential {}: {}", login, ex.getMessage());
			}
			statement.execute("DROP ROLE IF EXISTS " + quoted);
		}
	}

	private static ProvisioningException failure(String what, SQLException ex) {
		return new ProvisioningException(what + " failed: " + ex.getMessage() + " (SQLSTATE " + ex.getSQLState() + ")", ex);
	}

}
