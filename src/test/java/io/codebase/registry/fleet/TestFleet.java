package io.codebase.registry.fleet;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import io.codebase.registry.ProjectRegistryApplication;
import io.codebase.registry.config.EmbeddedServerSettings;
import io.codebase.registry.support.Http;
import io.codebase.registry.support.TestDatabase;
import io.codebase.registry.support.TestWorkspace;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Real PostgreSQL servers for fleet tests: each on a fixed port and data directory, so that it can be stopped and
 * started again as an outage would; a registry database of the test's own (on {@link TestDatabase}'s server), so
 * that the servers this test declares never show up in other tests; and replicas of the registry pointed at both.
 */
public final class TestFleet implements AutoCloseable {

	private final Map<String, Server> servers = new LinkedHashMap<>();

	private final List<ConfigurableApplicationContext> replicas = new ArrayList<>();

	private final Path root;

	public TestFleet(String... names) throws IOException, SQLException {
		this.root = Files.createTempDirectory("fleet");
		for (String name : names) {
			Server server = new Server(this.root.resolve(name), freePort());
			server.start();
			this.servers.put(name, server);
		}
	}

	public Server server(String name) {
		return this.servers.get(name);
	}

	/** A new, empty registry database of this test's own, on {@link TestDatabase}'s server; its JDBC URL. */
	public static String newRegistry() {
		TestDatabase db = TestDatabase.get();
		String registry = "fleet_registry_" + UUID.randomUUID().toString().substring(0, 8);
		db.execute("CREATE DATABASE " + registry);
		return db.jdbcUrl().replaceFirst("/[^/?]+(\\?|$)", "/" + registry + "$1");
	}

	/** A replica of the registry on that registry database, with these properties (the fleet among them). */
	public Http replica(String registryUrl, Map<String, Object> properties) {
		TestDatabase db = TestDatabase.get();
		ConfigurableApplicationContext replica = new SpringApplicationBuilder(ProjectRegistryApplication.class)
			.properties(Map.of("spring.datasource.url", registryUrl, "spring.datasource.username", db.username(),
					"spring.datasource.password", System.getenv().getOrDefault("REGISTRY_TEST_PASSWORD", ""),
					"registry.sessions.allowed-roots", TestWorkspace.ROOT.toString(), "registry.reconciliation.enabled",
					"false"))
			.properties(properties)
			.run("--server.port=0");
		this.replicas.add(replica);
		return new Http(((WebServerApplicationContext) replica).getWebServer().getPort());
	}

	public int replicaCount() {
		return this.replicas.size();
	}

	public <T> T bean(int replica, Class<T> type) {
		return this.replicas.get(replica).getBean(type);
	}

	/** Stops one replica as a crash would for what it held in PostgreSQL: its connections end, its locks go. */
	public void stopReplica(int replica) {
		this.replicas.get(replica).close();
	}

	/** Stops every replica started so far: a test's replicas would otherwise keep polling the servers for the next. */
	public void closeReplicas() {
		this.replicas.forEach(ConfigurableApplicationContext::close);
		this.replicas.clear();
	}

	@Override
	public void close() throws IOException {
		this.replicas.forEach(ConfigurableApplicationContext::close);
		for (Server server : this.servers.values()) {
			server.stop();
		}
		// The servers' data directories hold gigabytes of WAL (logical replication): a run must not leave them.
		try (Stream<Path> files = Files.walk(this.root)) {
			files.sorted(Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
		}
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

	/** One PostgreSQL server of the fleet. */
	public static final class Server {

		private final Path data;

		private final int port;

		private EmbeddedPostgres postgres;

		Server(Path data, int port) {
			this.data = data;
			this.port = port;
		}

		synchronized void start() {
			try {
				this.postgres = EmbeddedServerSettings.apply(EmbeddedPostgres.builder())
					// A move's subscription takes an apply worker and up to two table-copy workers on the target for
					// as long as it lasts: room for the parallel drains and the held moves of the move tests (the
					// default of 4 holds two moves at a time).
					.setServerConfig("max_logical_replication_workers", "16")
					.setServerConfig("max_worker_processes", "24")
					.setDataDirectory(this.data)
					.setCleanDataDirectory(false)
					.setPort(this.port)
					.start();
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}

		/** A fast shutdown: every client is disconnected, the data stays. */
		synchronized void stop() throws IOException {
			if (this.postgres != null) {
				this.postgres.close();
				this.postgres = null;
			}
		}

		public String url() {
			return "jdbc:postgresql://localhost:" + this.port + "/postgres";
		}

		public boolean databaseExists(String name) throws SQLException {
			try (Connection connection = DriverManager.getConnection(url(), "postgres", "");
					Statement query = connection.createStatement()) {
				return query.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + name.replace("'", "''") + "'")
					.next();
			}
		}

	}

}
