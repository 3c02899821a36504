package io.codebase.registry.reconciliation;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.codebase.registry.support.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Invariant 4 (docs/architecture.md#invariants) against real crashes: the packaged application (the Spring Boot jar) runs as its own process on a
 * registry database of its own, clients create and delete projects in a burst, and the process is killed with
 * SIGKILL in the middle of it, several times. After a restart and one reconciliation, every READY project has its
 * database, every managed database has a project, nothing is left half provisioned or half deleted, and every
 * project a client was told was created (201) and did not delete still exists.
 */
class CrashRecoveryIT {

	private static final int KILLS = 3;

	private static final int CLIENTS = 6;

	/** Acknowledged creates per round before the kill, so that each kill lands in a busy burst. */
	private static final int CREATES_BEFORE_KILL = 18;

	private static final Duration STARTUP = Duration.ofMinutes(3);

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final TestDatabase server = TestDatabase.get();

	private final String run = UUID.randomUUID().toString().substring(0, 6).replace("-", "");

	/** This test's own registry database and project-database prefix on the shared server. */
	private final String registryDatabase = "crash_registry_" + this.run;

	private final String prefix = "crash" + this.run + "_";

	private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private Process app;

	@AfterEach
	void cleanUp() throws Exception {
		if (this.app != null) {
			this.app.destroyForcibly().waitFor();
		}
		for (String database : databasesWithPrefix()) {
			this.server.dropDatabase(database);
		}
		this.server.execute("DROP DATABASE IF EXISTS " + this.registryDatabase + " WITH (FORCE)");
	}

	@Test
	void killedMidBurstThenReconciledNothingIsLostOrLeftHalfDone() throws Exception {
		this.server.execute("CREATE DATABASE " + this.registryDatabase);
		Set<String> acknowledged = ConcurrentHashMap.newKeySet();
		Set<String> deleted = ConcurrentHashMap.newKeySet();
		Set<String> deletesSent = ConcurrentHashMap.newKeySet();
		AtomicInteger deletesInFlight = new AtomicInteger();
		int killsDuringDeletes = 0;
		AtomicInteger requests = new AtomicInteger();
		AtomicInteger refused = new AtomicInteger();
		List<String> leftByKill = new ArrayList<>();

		for (int kill = 1; kill <= KILLS; kill++) {
			int port = start(Map.of());
			int target = acknowledged.size() + CREATES_BEFORE_KILL;
			ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
			for (int c = 0; c < CLIENTS; c++) {
				String name = "crash " + kill + " " + c;
				clients.submit(() -> burst(port, name, acknowledged, deleted, deletesSent, deletesInFlight, requests,
						refused));
			}
			long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
			while (acknowledged.size() < target && System.nanoTime() < deadline) {
				Thread.sleep(10);
			}
			// Land the kill while a delete is in flight too, not only creates (bounded: creates alone also do).
			long deleteDeadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
			while (deletesInFlight.get() == 0 && System.nanoTime() < deleteDeadline) {
				Thread.sleep(1);
			}
			if (deletesInFlight.get() > 0) {
				killsDuringDeletes++;
			}
			this.app.destroyForcibly();
			assertThat(this.app.waitFor(30, TimeUnit.SECONDS)).isTrue();
			clients.shutdown();
			assertThat(clients.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
			leftByKill.add("kill " + kill + ": " + count("state = 'PROVISIONING'") + " PROVISIONING, "
					+ count("state = 'DELETING'") + " DELETING");
		}

		// No waiting and no stuck-after: the killed owners' advisory locks went with their connections, so the
		// first reconciliation after the restart recognises every row in flight as abandoned and finishes it.
		long inFlight = count("state IN ('PROVISIONING', 'DELETING')");
		assertThat(inFlight).as("the kills landed while projects were being created or deleted").isPositive();
		assertThat(killsDuringDeletes).as("kills that landed while a delete was in flight").isPositive();
		int port = start(Map.of());
		long started = System.nanoTime();
		HttpResponse<String> reconciled = send(port, "POST", "/api/v1/reconciliation");
		Duration recovery = Duration.ofNanos(System.nanoTime() - started);
		assertThat(reconciled.statusCode()).as(reconciled.body()).isEqualTo(200);
		JsonNode report = JSON.readTree(reconciled.body());

		System.out.printf("[CrashRecoveryIT] %d kills; %d requests, %d creates acknowledged (201), %d deletes "
				+ "acknowledged (204), %d requests cut off by a kill; left by each kill: %s; the first reconciliation "
				+ "after the restart finished %d rows in flight in %d ms: found %s, repairs %s, remaining %s; %d kills "
				+ "landed during a delete%n", KILLS,
				requests.get(), acknowledged.size(), deleted.size(), refused.get(), leftByKill, inFlight,
				recovery.toMillis(), report.get("found"), report.get("repairs").size(), report.get("remaining"),
				killsDuringDeletes);
		assertThat(report.get("repairs").size()).as("repairs made").isGreaterThanOrEqualTo((int) inFlight);

		assertThat(count("state IN ('PROVISIONING', 'DELETING')")).isZero();
		assertThat(count("state = 'FAILED'")).as("FAILED projects: %s; the reconciliation answered %s; the application "
				+ "logged: %s", failures(), reconciled.body(), problemsLogged()).isZero();
		Set<String> databases = databasesWithPrefix();
		databases.removeIf(TestDatabase::isManagedTemplate); // the server's template, no project's
		Map<String, String> rows = rows();
		rows.forEach((id, line) -> {
			String[] parts = line.split(" ");
			if (parts[1].equals("READY")) {
				assertThat(databases).as("database of READY project " + id).contains(parts[0]);
			}
		});
		Set<String> owned = new HashSet<>();
		rows.values().forEach(line -> owned.add(line.split(" ")[0]));
		assertThat(databases).as("managed databases without a project").isSubsetOf(owned);
		for (String id : acknowledged) {
			if (deleted.contains(id)) {
				assertThat(rows).as("deleted project " + id).doesNotContainKey(id);
			}
			else if (!deletesSent.contains(id)) {
				assertThat(rows).as("acknowledged project " + id).containsKey(id);
			}
			// A delete cut off by a kill may or may not have happened; either way nothing may be half done (below).
		}
		JsonNode after = JSON.readTree(send(port, "GET", "/api/v1/reconciliation").body());
		for (String kind : List.of("ORPHAN_DATABASE", "MISSING_DATABASE", "STUCK_PROVISIONING", "LEFTOVER_DELETING", "FAILED")) {
			assertThat(after.get("found").get(kind).asLong()).as(kind).isZero();
		}
		assertThat(acknowledged).hasSizeGreaterThanOrEqualTo(KILLS * CREATES_BEFORE_KILL);
	}

	/** One client: creates projects one after another and deletes every third one, until the server is gone. */
	private void burst(int port, String name, Set<String> acknowledged, Set<String> deleted, Set<String> deletesSent,
			AtomicInteger deletesInFlight, AtomicInteger requests, AtomicInteger refused) {
		for (int i = 0;; i++) {
			try {
				requests.incrementAndGet();
				HttpResponse<String> created = send(port, "POST", "/api/v1/projects",
						"{\"name\": \"" + name + " " + i + "\"}");
				if (created.statusCode() != 201) {
					continue;
				}
				String id = JSON.readTree(created.body()).get("id").asString();
				acknowledged.add(id);
				if (i % 3 == 1) {
					requests.incrementAndGet();
					deletesSent.add(id);
					deletesInFlight.incrementAndGet();
					try {
						if (send(port, "DELETE", "/api/v1/projects/" + id).statusCode() == 204) {
							deleted.add(id);
						}
					}
					finally {
						deletesInFlight.decrementAndGet();
					}
				}
			}
			catch (IOException | RuntimeException ex) {
				refused.incrementAndGet();
				return;
			}
		}
	}

	/** Starts the packaged application on this test's registry database; returns its port once it is ready. */
	private int start(Map<String, String> extra) throws Exception {
		int port;
		try (ServerSocket socket = new ServerSocket(0)) {
			port = socket.getLocalPort();
		}
		Path jar = Path.of(System.getProperty("registry.jar", "target/project-registry-0.1.0-SNAPSHOT.jar"));
		assertThat(jar).as("the packaged application (run ./mvnw verify)").exists();
		Path workspace = Files.createDirectories(Path.of("target", "crash-it", this.run));
		List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
				"-Xmx384m", "-XX:TieredStopAtLevel=1", "-jar", jar.toString(), "--server.port=" + port,
				"--spring.datasource.url=" + registryUrl(),
				"--spring.datasource.username=" + this.server.username(),
				"--spring.datasource.password=" + password(),
				"--registry.provisioning.database-prefix=" + this.prefix,
				"--registry.sessions.allowed-roots=" + workspace.toAbsolutePath(),
				"--registry.reconciliation.enabled=false"));
		extra.forEach((key, value) -> command.add("--" + key + "=" + value));
		this.app = new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput(ProcessBuilder.Redirect.appendTo(workspace.resolve("app.log").toFile()))
			.start();
		long deadline = System.nanoTime() + STARTUP.toNanos();
		while (System.nanoTime() < deadline) {
			assertThat(this.app.isAlive()).as("the application exited; see " + workspace.resolve("app.log")).isTrue();
			try {
				if (send(port, "GET", "/actuator/health/readiness").statusCode() == 200) {
					return port;
				}
			}
			catch (IOException ex) {
				// Not listening yet.
			}
			Thread.sleep(200);
		}
		throw new AssertionError("the application did not become ready within " + STARTUP);
	}

	private HttpResponse<String> send(int port, String method, String path) throws IOException {
		return send(port, method, path, null);
	}

	private HttpResponse<String> send(int port, String method, String path, String body) throws IOException {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
			.timeout(Duration.ofSeconds(60))
			.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
		if (body != null) {
			request.header("Content-Type", "application/json");
		}
		try {
			return this.client.send(request.build(), HttpResponse.BodyHandlers.ofString());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IOException(ex);
		}
	}

	private String registryUrl() {
		return this.server.jdbcUrl().replaceFirst("(//[^/]+/)[^?]*", "$1" + this.registryDatabase);
	}

	private static String password() {
		return System.getenv().getOrDefault("REGISTRY_TEST_PASSWORD", "");
	}

	private long count(String condition) throws SQLException {
		try (Connection connection = registryConnection(); Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery("SELECT count(*) FROM projects WHERE " + condition)) {
			result.next();
			return result.getLong(1);
		}
	}

	/** Every WARN and ERROR line the application processes logged, for failure messages. */
	private List<String> problemsLogged() throws IOException {
		Path log = Path.of("target", "crash-it", this.run, "app.log");
		try (var lines = Files.lines(log)) {
			return lines.filter(line -> line.contains(" WARN ") || line.contains(" ERROR "))
				.toList();
		}
	}

	/** Every FAILED project with the reason it failed, for the failure message. */
	private List<String> failures() throws SQLException {
		List<String> failures = new ArrayList<>();
		try (Connection connection = registryConnection(); Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery("SELECT id, last_error FROM projects WHERE state = 'FAILED'")) {
			while (result.next()) {
				failures.add(result.getString(1) + ": " + result.getString(2));
			}
		}
		return failures;
	}

	/** Every project: id to "database_name state". */
	private Map<String, String> rows() throws SQLException {
		Map<String, String> rows = new ConcurrentHashMap<>();
		try (Connection connection = registryConnection(); Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery("SELECT id, database_name, state FROM projects")) {
			while (result.next()) {
				rows.put(result.getString(1), result.getString(2) + " " + result.getString(3));
			}
		}
		return rows;
	}

	private Set<String> databasesWithPrefix() throws SQLException {
		Set<String> names = new HashSet<>();
		try (Connection connection = this.server.connect(); Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery("SELECT datname FROM pg_database")) {
			while (result.next()) {
				if (result.getString(1).startsWith(this.prefix)) {
					names.add(result.getString(1));
				}
			}
		}
		return names;
	}

	private Connection registryConnection() throws SQLException {
		return java.sql.DriverManager.getConnection(registryUrl(), this.server.username(), password());
	}

}
