package io.codebase.registry;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import com.sun.net.httpserver.HttpServer;
import io.codebase.registry.support.Http;
import io.codebase.registry.support.RegistryProcess;
import io.codebase.registry.support.TestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Start and stop of the packaged application as an operator sees them, each run a real process: a normal run
 * logs no WARN or ERROR from start to SIGTERM, and each start-up failure an operator can fix ends in one message
 * (what, why, what to do), a non-zero exit and no stack trace. One instance on an embedded PostgreSQL runs
 * throughout; the second instances are started beside it, and the quiet shutdown is checked last.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StartupIT {

	private static final Duration STARTUP = Duration.ofMinutes(5);

	/** How long the workflow service takes to answer (within the registry's 5 s timeout for it). */
	private static final Duration SLOW_WORKFLOW = Duration.ofSeconds(4);

	/** Logback's level column: {@code 2026-01-01T00:00:00.000Z  WARN 123 --- [...]}. */
	private static final Pattern WARN_OR_ERROR = Pattern.compile("(?m)^\\S+\\s+(WARN|ERROR) ");

	private static final Pattern ERROR = Pattern.compile("(?m)^\\S+\\s+ERROR ");

	private final TestDatabase server = TestDatabase.get();

	private final String run = UUID.randomUUID().toString().substring(0, 8);

	/** Prefix of the project databases of the instances on the shared test server, dropped at the end. */
	private final String prefix = "startup" + this.run + "_";

	private final List<String> databases = new ArrayList<>();

	@TempDir
	static Path work;

	private RegistryProcess running;

	/**
	 * The workflow service asked by resolution tier 3, slow on purpose: a resolution sent just before SIGTERM keeps
	 * the graceful shutdown busy for seconds, so a PostgreSQL stopped in parallel with it cannot go unnoticed.
	 */
	private HttpServer workflow;

	private final CountDownLatch workflowAsked = new CountDownLatch(1);

	private Path dataDirectory;

	@BeforeAll
	void startOneInstance() throws Exception {
		this.workflow = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
		this.workflow.createContext("/api/v1/projects/active", exchange -> {
			this.workflowAsked.countDown();
			try {
				Thread.sleep(SLOW_WORKFLOW.toMillis());
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			exchange.sendResponseHeaders(404, -1);
			exchange.close();
		});
		this.workflow.setExecutor(Executors.newCachedThreadPool());
		this.workflow.start();
		this.dataDirectory = work.resolve("postgres");
		Map<String, String> settings = new HashMap<>(embeddedOn(this.dataDirectory));
		settings.put("registry.workflow.url", "http://127.0.0.1:" + this.workflow.getAddress().getPort());
		settings.put("registry.workflow.timeout", "5s");
		this.running = new RegistryProcess(RegistryProcess.freePort(), settings, work.resolve("running.log"));
		this.running.start();
		assertThat(this.running.awaitReady(STARTUP)).as("the first instance started:%n%s", output(this.running))
			.isTrue();
	}

	@AfterAll
	void cleanUp() throws Exception {
		if (this.running != null && this.running.isAlive()) {
			this.running.kill();
		}
		if (this.workflow != null) {
			this.workflow.stop(0);
		}
		try (Connection connection = this.server.connect(); Statement query = connection.createStatement();
				ResultSet managed = query.executeQuery(
						"SELECT datname FROM pg_database WHERE starts_with(datname, '" + this.prefix + "')")) {
			while (managed.next()) {
				this.databases.add(managed.getString(1));
			}
		}
		for (String database : this.databases) {
			this.server.dropDatabase(database);
		}
	}

	@Test
	@Order(1)
	void aSecondInstanceOnTheSameDataDirectoryTellsWhoHoldsIt() throws Exception {
		RegistryProcess second = new RegistryProcess(RegistryProcess.freePort(), embeddedOn(this.dataDirectory),
				work.resolve("same-data-directory.log"));

		assertStartFailsWithOneMessage(second,
				"The embedded PostgreSQL's data directory " + this.dataDirectory + " is in use",
				"Stop the other instance, or give this one a data directory of its own with "
						+ "registry.embedded.data-directory");
	}

	@Test
	@Order(2)
	void anEmbeddedPortTakenByAnotherProcessIsNamedAtOnce() throws Exception {
		try (ServerSocket other = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			Map<String, String> settings = new HashMap<>(embeddedOn(work.resolve("other-postgres")));
			settings.put("registry.embedded.port", String.valueOf(other.getLocalPort()));
			RegistryProcess app = new RegistryProcess(RegistryProcess.freePort(), settings,
					work.resolve("embedded-port.log"));

			assertStartFailsWithOneMessage(app,
					"The embedded PostgreSQL's port " + other.getLocalPort() + " on localhost is in use",
					"give this one another port with registry.embedded.port");
		}
	}

	@Test
	@Order(3)
	void aSecondInstanceOnTheSamePortIsRefusedBySpringBootsOwnAnalysis() throws Exception {
		RegistryProcess second = new RegistryProcess(this.running.port(), onTestServer(registryDatabase("port")),
				work.resolve("same-port.log"));

		assertStartFailsWithOneMessage(second, "Web server failed to start. Port " + this.running.port()
				+ " was already in use.", "configure this application to listen on another port");
	}

	@Test
	@Order(4)
	void anUnreachablePostgresIsNamedWithWhatToDo() throws Exception {
		int nobody = RegistryProcess.freePort();
		RegistryProcess app = new RegistryProcess(RegistryProcess.freePort(),
				Map.of("spring.datasource.url", "jdbc:postgresql://127.0.0.1:" + nobody + "/registry?password=secret"),
				work.resolve("unreachable.log"));

		String output = assertStartFailsWithOneMessage(app,
				"Cannot connect to PostgreSQL: Connection to 127.0.0.1:" + nobody + " refused",
				"Registry database (spring.datasource.url): jdbc:postgresql://127.0.0.1:" + nobody + "/registry\n",
				"Start PostgreSQL or make it reachable from this host, or correct the URL (SPRING_DATASOURCE_URL)");
		assertThat(output).as("the URL's parameters are not repeated").doesNotContain("secret");
	}

	/**
	 * A demanding operator wants to hear about a provisioning login without CREATEDB when the service starts, not
	 * from the first client whose project cannot be created: the start checks it and refuses.
	 */
	@Test
	@Order(5)
	void aProvisioningLoginWithoutCreatedbStopsTheStart() throws Exception {
		String role = "startup_nocreatedb_" + this.run;
		this.server.execute("CREATE ROLE " + role + " LOGIN NOCREATEDB PASSWORD 'secret'");
		try {
			Map<String, String> settings = onTestServer(registryDatabase("createdb"));
			settings.put("registry.provisioning.url", this.server.jdbcUrl());
			settings.put("registry.provisioning.username", role);
			settings.put("registry.provisioning.password", "secret");
			RegistryProcess app = new RegistryProcess(RegistryProcess.freePort(), settings,
					work.resolve("no-createdb.log"));

			assertStartFailsWithOneMessage(app,
					"The PostgreSQL role '" + role + "' that creates project databases on " + this.server.jdbcUrl()
							+ " lacks the CREATEDB and CREATEROLE privileges",
					"ALTER ROLE \"" + role + "\" CREATEDB CREATEROLE;", "registry.provisioning.username");
		}
		finally {
			this.server.execute("DROP ROLE " + role);
		}
	}

	/**
	 * The run of the first instance, from its start to SIGTERM with a project created in between and a resolution
	 * in flight: no WARN or ERROR (no springdoc warnings, no coherence listener or request losing an embedded
	 * PostgreSQL stopped under it: it stops only after the application), the in-flight request answered, the
	 * registry's own migration at INFO but none of Flyway's lines for the project database, and the exit code of a
	 * JVM ended by SIGTERM after its shutdown hooks ran.
	 */
	@Test
	@Order(6)
	void aNormalRunIsQuietFromStartToSigterm() throws Exception {
		HttpResponse<String> created = new Http(this.running.port()).post("/api/v1/projects",
				"{\"name\": \"quiet-" + this.run + "\"}");
		assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
		assertThat(Http.json(created).get("schemaVersion").asString()).isEqualTo("1");
		CompletableFuture<HttpResponse<String>> inFlight = HttpClient.newHttpClient()
			.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.running.port()
					+ "/api/v1/resolutions")).build(), HttpResponse.BodyHandlers.ofString());
		assertThat(this.workflowAsked.await(1, TimeUnit.MINUTES)).as("the resolution reached tier 3").isTrue();

		int exit = this.running.stop(Duration.ofMinutes(1));

		String output = output(this.running);
		assertThat(WARN_OR_ERROR.matcher(output).results().map(match -> lineAt(output, match.start())).toList())
			.as("WARN and ERROR lines").isEmpty();
		HttpResponse<String> resolved = inFlight.get(1, TimeUnit.MINUTES);
		assertThat(resolved.statusCode()).as("the resolution in flight at SIGTERM: %s", resolved.body()).isEqualTo(200);
		assertThat(resolved.headers().firstValue("X-Resolution-Tier")).hasValue("DEFAULT");
		assertThat(exit).as("exit code after SIGTERM (128 + 15)%n%s", output).isEqualTo(143);
		assertThat(output).doesNotContain("\tat ")
			.contains("Migrating schema \"public\" to version \"1 - projects\"")
			.doesNotContain("to version \"1 - code index\"")
			// The project database got the project schema: migrated by Flyway, or copied from the template Flyway
			// built once the default workspace's create started it.
			.containsPattern("Migrated database cb_proj_quiet_" + this.run + "_[0-9a-f]{8} from version null to 1"
					+ "|New project databases on default are copies of template \\S+ \\(schema version 1\\)")
			.contains("HikariPool-1 - Shutdown completed.");
	}

	/** Starts the process and checks how it ends: one ERROR, the analysis, no stack trace, a non-zero exit. */
	private static String assertStartFailsWithOneMessage(RegistryProcess app, String... message) throws Exception {
		app.start();
		int exit = app.awaitExit(STARTUP);
		String output = output(app);
		assertThat(exit).as("exit code%n%s", output).isNotZero();
		assertThat(output).contains("APPLICATION FAILED TO START").contains(message).doesNotContain("\tat ");
		assertThat(ERROR.matcher(output).results().count()).as("ERROR lines%n%s", output).isEqualTo(1);
		return output;
	}

	private static Map<String, String> embeddedOn(Path dataDirectory) {
		return Map.of("registry.embedded.data-directory", dataDirectory.toString(), "registry.embedded.port", "0");
	}

	/** A registry database of its own on the shared test server, and a prefix for its project databases. */
	private Map<String, String> onTestServer(String database) {
		String url = this.server.jdbcUrl().replaceFirst("/[^/?]+(\\?|$)", "/" + database + "$1");
		return new HashMap<>(Map.of("spring.datasource.url", url, "spring.datasource.username", this.server.username(),
				"spring.datasource.password", System.getenv().getOrDefault("REGISTRY_TEST_PASSWORD", ""),
				"registry.provisioning.database-prefix", this.prefix));
	}

	private String registryDatabase(String purpose) {
		String database = "startup_" + purpose + "_" + this.run;
		this.server.execute("CREATE DATABASE " + database);
		this.databases.add(database);
		return database;
	}

	private static String output(RegistryProcess app) throws IOException {
		return Files.exists(app.log()) ? Files.readString(app.log()) : "(no output)";
	}

	private static String lineAt(String text, int start) {
		int end = text.indexOf('\n', start);
		return text.substring(start, (end < 0) ? text.length() : end);
	}

}
