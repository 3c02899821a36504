package io.codebase.registry.provisioning;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;

/**
 * One PostgreSQL server that holds project databases: its name in the registry, where it is, and an autocommit
 * admin pool for {@code CREATE}/{@code DROP DATABASE} and roles. The password never leaves this package except
 * into the connections it opens.
 */
public final class DatabaseServer implements AutoCloseable {

	/** {@code jdbc:postgresql://host[:port][,host[:port]...][/database][?params]}. */
	private static final Pattern POSTGRES_URL = Pattern
		.compile("jdbc:postgresql://(?<hosts>[^/?]*)(?:/(?<database>[^?]*))?(?:\\?(?<params>.*))?");

	private static final Pattern HOST_PORT = Pattern.compile("(?<host>\\[[^]]+]|[^:,]+)(?::(?<port>\\d{1,5}))?");

	private static final int DEFAULT_PORT = 5432;

	/** Pool timeouts a caller waits through while every connection of a reachable server is in use. */
	private static final int BUSY_POOL_ATTEMPTS = 5;

	private final String name;

	private final String url;

	private final String username;

	private final String password;

	private final DataSource admin;

	/** The pool this server opened itself; null when it borrows the registry's. */
	private final HikariDataSource ownPool;

	private final String hosts;

	private final String host;

	private final int port;

	private DatabaseServer(String name, String url, String username, String password, DataSource admin,
			HikariDataSource ownPool) {
		Matcher parsed = POSTGRES_URL.matcher(url);
		if (!parsed.matches() || parsed.group("hosts").isEmpty()) {
			throw new IllegalArgumentException(
					"Database server " + name + ": not a PostgreSQL JDBC URL (jdbc:postgresql://host:port/database)");
		}
		Matcher first = HOST_PORT.matcher(parsed.group("hosts").split(",")[0]);
		if (!first.matches()) {
			throw new IllegalArgumentException("Database server " + name + ": cannot read the host of its JDBC URL");
		}
		this.name = name;
		this.url = url;
		this.username = username;
		this.password = password;
		this.admin = admin;
		this.ownPool = ownPool;
		this.hosts = parsed.group("hosts");
		this.host = first.group("host");
		this.port = (first.group("port") != null) ? Integer.parseInt(first.group("port")) : DEFAULT_PORT;
	}

	/**
	 * A server reached through a pool of its own: {@code maxConnections} autocommit connections, each opened within
	 * {@code connectTimeout}, so that a server that is down fails callers quickly instead of stalling them; while
	 * every connection is merely in use, a caller waits up to five such timeouts ({@link BusyPoolDataSource}).
	 */
	public static DatabaseServer pooled(String name, String url, String username, String password, int maxConnections,
			Duration connectTimeout) {
		HikariDataSource pool = new HikariDataSource();
		pool.setPoolName("server-" + name);
		pool.setJdbcUrl(url);
		pool.setUsername(username);
		pool.setPassword(password);
		pool.setMaximumPoolSize(maxConnections);
		pool.setMinimumIdle(0);
		pool.setAutoCommit(true);
		pool.setConnectionTimeout(Math.max(250, connectTimeout.toMillis()));
		pool.setInitializationFailTimeout(-1);
		pool.addDataSourceProperty("connectTimeout", Math.max(1, connectTimeout.toSeconds()));
		try {
			return new DatabaseServer(name, url, username, password, new BusyPoolDataSource(pool, BUSY_POOL_ATTEMPTS), pool);
		}
		catch (RuntimeException ex) {
			pool.close();
			throw ex;
		}
	}

	/** The registry's own server, reached through the registry's pool and login. */
	public static DatabaseServer shared(String name, DataSource registry, String url, String username,
			String password) {
		return new DatabaseServer(name, url, username, password, registry, null);
	}

	public String name() {
		return this.name;
	}

	/** The first host of the server's URL (a URL may list failover hosts). */
	public String host() {
		return this.host;
	}

	public int port() {
		return this.port;
	}

	public String username() {
		return this.username;
	}

	/** The server's JDBC URL without any credential parameter, e.g. for logs and answers. */
	public String safeUrl() {
		return DatabaseNames.jdbcUrl(this.url, databaseOf(this.url));
	}

	/** The JDBC URL of a database on this server, without credentials: the server's URL with the database swapped in. */
	public String jdbcUrlFor(String databaseName) {
		return DatabaseNames.jdbcUrl(this.url, databaseName);
	}

	/** The libpq connection URI of a database on this server, without credentials ({@code psql "<uri>"}). */
	public String uriFor(String databaseName) {
		return "postgresql://" + this.hosts + "/" + URLEncoder.encode(databaseName, StandardCharsets.UTF_8);
	}

	/** Autocommit connections with the admin login; closing one returns it to the pool. */
	public DataSource admin() {
		return this.admin;
	}

	String password() {
		return this.password;
	}

	/**
	 * Admin connections for a {@link DatabaseMove}: into any database on this server, or into the configured one.
	 * Each is a new connection, not one of the admin pool's: a move holds connections for minutes, and the pool is
	 * small and shared with health checks.
	 */
	public ServerConnections connections() {
		DatabaseServer server = this;
		return new ServerConnections() {

			@Override
			public Connection open(String database) throws SQLException {
				return server.connectTo(database);
			}

			@Override
			public Connection openAdmin() throws SQLException {
				return DriverManager.getConnection(server.url, server.username, server.password);
			}

			@Override
			public String toString() {
				return server.toString();
			}

		};
	}

	/** How another server reaches this one to replicate from it: this server's address and admin login. */
	ReplicationLogin replicationLogin() {
		return new ReplicationLogin(this.host, this.port, this.username, this.password);
	}

	/**
	 * A new connection to one project database on this server with the admin login, for work inside that database
	 * (grants, default privileges), as Flyway connects for the schema; the caller closes it.
	 */
	public Connection connectTo(String databaseName) throws SQLException {
		DatabaseNames.quote(databaseName);
		return DriverManager.getConnection(jdbcUrlFor(databaseName), this.username, this.password);
	}

	/**
	 * Refuses a login that cannot create databases: better at start-up or in a health check than at the first
	 * project. {@code separateServer}: whether the login is configured apart from the registry's own.
	 */
	public void requireCreateDatabase(boolean separateServer) throws SQLException {
		try (Connection connection = this.admin.getConnection();
				Statement query = connection.createStatement();
				ResultSet role = query.executeQuery(
						"SELECT current_user, rolsuper, rolcreatedb, rolcreaterole FROM pg_roles WHERE rolname = current_user")) {
			role.next();
			if (role.getBoolean(2)) {
				return;
			}
			List<String> missing = new ArrayList<>();
			if (!role.getBoolean(3)) {
				missing.add("CREATEDB");
			}
			if (!role.getBoolean(4)) {
				missing.add("CREATEROLE");
			}
			if (!missing.isEmpty()) {
				throw new MissingCreateDatabasePrivilegeException(role.getString(1), safeUrl(), separateServer, missing);
			}
		}
	}

	private static String databaseOf(String url) {
		Matcher parsed = POSTGRES_URL.matcher(url);
		return (parsed.matches() && parsed.group("database") != null) ? parsed.group("database") : "";
	}

	@Override
	public void close() {
		if (this.ownPool != null) {
			this.ownPool.close();
		}
	}

	@Override
	public String toString() {
		return this.name + " (" + safeUrl() + ")";
	}

}
