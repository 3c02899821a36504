package io.codebase.registry.documentation;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.codebase.registry.config.EmbeddedServerSettings;
import io.codebase.registry.support.RegistryProcess;
import io.codebase.registry.support.TestDatabase;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every example of the README and the guides runs against the packaged service, as a reader would run it: the jar
 * as a process of its own on a free port, with a registry database of its own on the test PostgreSQL, and a
 * temporary home directory as the only allowed root (the service's default root is the home directory, so the
 * examples use {@code $HOME} as a reader's shell does). Each document's examples run in order in one bash
 * ({@link ExampleRun}); the test fails on a failed command, an HTTP status the document does not show, or a shown
 * response whose shape the service no longer has. The examples need curl and jq, as they tell their readers.
 */
class DocumentationExamplesIT {

	/** The documents whose examples run, in this order, on one service. */
	static final List<Path> DOCUMENTS = List.of(Path.of("README.md"), Path.of("docs/api.md"), Path.of("docs/migration.md"),
			Path.of("docs/operations.md"));

	private static final Duration STARTUP = Duration.ofMinutes(3);

	private static final Duration PER_DOCUMENT = Duration.ofMinutes(3);

	private final TestDatabase server = TestDatabase.get();

	private final String run = UUID.randomUUID().toString().substring(0, 8);

	private final String registryDatabase = "docs_registry_" + this.run;

	private final String prefix = "docs" + this.run + "_";

	private RegistryProcess service;

	/** The second server of the examples' fleet; the first is the test PostgreSQL. */
	private EmbeddedPostgres secondServer;

	@AfterEach
	void stop() throws Exception {
		if (this.service != null) {
			this.service.kill();
		}
		if (this.secondServer != null) {
			this.secondServer.close();
		}
		try (Connection connection = this.server.connect(); Statement statement = connection.createStatement();
				ResultSet databases = statement.executeQuery("SELECT datname FROM pg_database")) {
			List<String> names = new ArrayList<>();
			while (databases.next()) {
				if (databases.getString(1).startsWith(this.prefix)) {
					names.add(databases.getString(1));
				}
			}
			for (String name : names) {
				this.server.dropDatabase(name);
			}
		}
		this.server.execute("DROP DATABASE IF EXISTS " + this.registryDatabase + " WITH (FORCE)");
	}

	@Test
	void everyExampleRunsAndAnswersAsShown() throws Exception {
		assertThat(missingTools()).as("the examples need these tools (.ci/run installs jq)").isEmpty();
		List<DocumentedExamples> documents = DOCUMENTS.stream().map(DocumentedExamples::of).toList();
		documents.forEach(document -> assertThat(document.errors()).as(document.file().toString()).isEmpty());

		Path base = Files.createDirectories(Path.of("target", "docs-it", this.run)).toRealPath();
		Path home = Files.createDirectories(base.resolve("home"));
		prepareHome(home);
		this.server.execute("CREATE DATABASE " + this.registryDatabase);
		// Logical decoding, as --registry.fleet.embedded-servers gives a reader's servers: the guide moves projects
		// off it (a drain, a rebalance).
		this.secondServer = EmbeddedServerSettings.apply(EmbeddedPostgres.builder()).start();
		int port = RegistryProcess.freePort();
		String registryUrl = this.server.jdbcUrl().replaceFirst("(//[^/]+/)[^?]*", "$1" + this.registryDatabase);
		String password = System.getenv().getOrDefault("REGISTRY_TEST_PASSWORD", "");
		this.service = new RegistryProcess(port, Map.ofEntries(
				Map.entry("spring.datasource.url", registryUrl),
				Map.entry("spring.datasource.username", this.server.username()),
				Map.entry("spring.datasource.password", password),
				// The fleet that --registry.fleet.embedded-servers=2 makes on a reader's machine, as the guide says.
				Map.entry("registry.fleet.servers[0].name", "local-1"),
				Map.entry("registry.fleet.servers[0].url", registryUrl),
				Map.entry("registry.fleet.servers[0].username", this.server.username()),
				Map.entry("registry.fleet.servers[0].password", password),
				Map.entry("registry.fleet.servers[0].labels.zone", "a"),
				Map.entry("registry.fleet.servers[1].name", "local-2"),
				Map.entry("registry.fleet.servers[1].url",
						"jdbc:postgresql://localhost:" + this.secondServer.getPort() + "/postgres"),
				Map.entry("registry.fleet.servers[1].username", "postgres"),
				Map.entry("registry.fleet.servers[1].labels.zone", "b"),
				Map.entry("registry.provisioning.database-prefix", this.prefix),
				Map.entry("registry.sessions.allowed-roots", home.toString()),
				// A scheduled run would make the examples' own POST /reconciliation a 409 at random.
				Map.entry("registry.reconciliation.enabled", "false")), base.resolve("service.log"));
		this.service.start();
		assertThat(this.service.awaitReady(STARTUP)).as("the service became ready; see " + this.service.log()).isTrue();

		List<String> failures = new ArrayList<>();
		int examples = 0;
		for (DocumentedExamples document : documents) {
			Path work = Files.createDirectories(home.resolve("work-" + document.file().getFileName()));
			long started = System.nanoTime();
			failures.addAll(ExampleRun.run(document, work,
					Map.of("BASE_URL", "http://127.0.0.1:" + port, "HOME", home.toString()), PER_DOCUMENT));
			examples += document.examples().size();
			System.out.printf("[DocumentationExamplesIT] %s: %d examples in %d ms%n", document.file(),
					document.examples().size(), Duration.ofNanos(System.nanoTime() - started).toMillis());
		}
		assertThat(examples).as("examples found").isPositive();
		assertThat(failures).as("documentation examples that no longer work as shown (service log: %s)",
				this.service.log()).isEmpty();
	}

	/** What a reader moving from codebase-gardener has in their home directory: the old registry file. */
	private static void prepareHome(Path home) throws IOException {
		Path gardener = Files.createDirectories(home.resolve(".codebase-gardener"));
		try (InputStream fixture = DocumentationExamplesIT.class.getResourceAsStream("/fixtures/gardener-registry.json")) {
			assertThat(fixture).isNotNull();
			Files.copy(fixture, gardener.resolve("registry.json"));
		}
	}

	private static List<String> missingTools() throws IOException, InterruptedException {
		List<String> missing = new ArrayList<>();
		for (String tool : List.of("bash", "curl", "jq")) {
			Process which = new ProcessBuilder("sh", "-c", "command -v " + tool).start();
			if (which.waitFor() != 0) {
				missing.add(tool);
			}
		}
		return missing;
	}

}
