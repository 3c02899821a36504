package io.codebase.registry.move;

import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import io.codebase.registry.fleet.TestFleet;
import io.codebase.registry.support.Http;
import io.codebase.registry.support.TestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Draining a server of a real three-server fleet moves every one of its 20 projects off it, four at a time, and
 * leaves it empty with every project READY elsewhere, while clients that keep asking where each project is never get
 * a wrong answer; a rebalance then brings the emptied server back into the spread.
 */
class DrainAndRebalanceTest {

	private static final Duration DEADLINE = Duration.ofMinutes(3);

	private static final int PROJECTS = 20;

	private static final int PARALLELISM = 4;

	/** Rows each project's database holds: a client's data, which must be all there wherever it is answered. */
	private static final int SEEDED = 3;

	private static TestFleet fleet;

	private static String registryUrl;

	private static Http registry;

	@BeforeAll
	static void startFleet() throws Exception {
		fleet = new TestFleet("x", "y", "z");
		Map<String, Object> properties = new HashMap<>();
		properties.put("registry.provisioning.database-prefix", "dr_");
		// No scheduled round during the test: a drain must start its next move when one of its moves ends.
		properties.put("registry.moves.resume-interval", "1h");
		properties.put("registry.moves.drain-parallelism", PARALLELISM);
		List<String> names = List.of("x", "y", "z");
		for (int i = 0; i < names.size(); i++) {
			properties.put("registry.fleet.servers[" + i + "].name", names.get(i));
			properties.put("registry.fleet.servers[" + i + "].url", fleet.server(names.get(i)).url());
			properties.put("registry.fleet.servers[" + i + "].username", "postgres");
		}
		registryUrl = TestFleet.newRegistry();
		registry = fleet.replica(registryUrl, properties);
	}

	@AfterAll
	static void stopFleet() throws Exception {
		if (fleet != null) {
			fleet.close();
		}
	}

	@Test
	void aDrainEmptiesTheServerWithoutAWrongAnswerAndARebalanceFillsItAgain() throws Exception {
		Map<String, String> databases = new HashMap<>();
		for (int i = 0; i < PROJECTS; i++) {
			HttpResponse<String> created = registry.post("/api/v1/projects",
					"{\"name\": \"drained " + i + "\", \"placement\": {\"server\": \"x\"}}");
			assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
			String database = Http.json(created).get("databaseName").asString();
			execute("x", database, "INSERT INTO repositories (path, name) SELECT '/src/' || i, 'repo ' || i "
					+ "FROM generate_series(1, " + SEEDED + ") i");
			databases.put("drained " + i, database);
		}
		assertThat(registry.post("/api/v1/database-servers/nowhere/drain", null).statusCode()).isEqualTo(404);
		Watcher watcher = new Watcher(databases);
		ExecutorService clients = Executors.newFixedThreadPool(2);
		List<Future<?>> watching = List.of(clients.submit(watcher), clients.submit(watcher));
		JsonNode server;
		long drainStarted = System.nanoTime();
		try {
			HttpResponse<String> started = registry.post("/api/v1/database-servers/x/drain", null);

			assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
			assertThat(Http.json(started).get("parallelism").asInt()).isEqualTo(PARALLELISM);
			// This request's round or a scheduled one (every 250 ms) starts the first moves: some may still be starting.
			assertThat(Http.json(started).get("moving").asLong()).isBetween(0L, (long) PARALLELISM);
			server = await().atMost(DEADLINE).pollInterval(Duration.ofMillis(500))
				.until(() -> Http.json(registry.get("/api/v1/database-servers/x")), x -> {
					JsonNode drain = x.get("drain");
					assertThat(drain.get("moving").asLong()).isLessThanOrEqualTo(PARALLELISM);
					return !drain.get("state").asString().equals("RUNNING");
				});
		}
		finally {
			watcher.stop.set(true);
			clients.shutdown();
		}
		for (Future<?> each : watching) {
			each.get(30, TimeUnit.SECONDS);
		}
		System.out.printf("[DrainAndRebalanceTest] drained %d projects in %d ms: %s; clients were answered %s%n", PROJECTS,
				Duration.ofNanos(System.nanoTime() - drainStarted).toMillis(), server, watcher.answers);
		assertThat(watcher.wrong).as("wrong answers").isEmpty();
		assertThat(watcher.answers.get("x").get()).as("answers naming x").isPositive();
		assertThat(watcher.answers.get("y").get() + watcher.answers.get("z").get()).as("answers naming y or z").isPositive();
		assertThat(server.get("state").asString()).isEqualTo("CORDONED");
		assertThat(server.get("drain").get("state").asString()).isEqualTo("COMPLETED");
		assertThat(server.get("drain").get("moved").asLong()).isGreaterThanOrEqualTo(PROJECTS);
		assertThat(server.get("drain").get("failed").asLong()).isZero();
		assertThat(server.get("usage").get("projects").asLong()).isZero();
		for (int i = 0; i < PROJECTS; i++) {
			JsonNode project = Http.json(registry.get("/api/v1/projects/drained%20" + i));
			assertThat(project.get("state").asString()).isEqualTo("READY");
			assertThat(project.get("server").asString()).isIn("y", "z");
			assertThat(seeded(project.get("server").asString(), project.get("databaseName").asString())).isEqualTo(SEEDED);
		}

		assertThat(registry.post("/api/v1/database-servers/x/uncordon", null).statusCode()).isEqualTo(200);
		HttpResponse<String> rebalanced = registry.post("/api/v1/database-servers/rebalance", null);

		assertThat(rebalanced.statusCode()).as(rebalanced.body()).isEqualTo(202);
		JsonNode moves = Http.json(rebalanced).get("moves");
		assertThat(moves.size()).isPositive();
		moves.forEach(move -> assertThat(move.get("target").asString()).isEqualTo("x"));
		for (JsonNode move : moves) {
			await().atMost(DEADLINE).pollInterval(Duration.ofMillis(500))
				.until(() -> Http.json(registry.get("/api/v1/moves/" + move.get("id").asString())).get("state").asString(),
						"SUCCEEDED"::equals);
		}
		Map<String, Long> projects = new HashMap<>();
		Http.json(registry.get("/api/v1/database-servers"))
			.forEach(each -> projects.put(each.get("name").asString(), each.get("usage").get("projects").asLong()));
		double mean = projects.values().stream().mapToLong(Long::longValue).sum() / 3.0;
		System.out.println("[DrainAndRebalanceTest] rebalanced: " + projects);
		projects.values().forEach(count -> assertThat(count.doubleValue()).isLessThanOrEqualTo(mean * 1.2 + 1));
		assertThat(Http.json(registry.post("/api/v1/database-servers/rebalance", null)).get("moves")).isEmpty();
	}

	// -------------------------------------------------------------------------------------------------------------

	private static String jdbcUrl(String server, String database) {
		return fleet.server(server).url().replace("/postgres", "/" + database);
	}

	private static void execute(String server, String database, String sql) throws SQLException {
		try (Connection connection = DriverManager.getConnection(jdbcUrl(server, database), "postgres", "");
				Statement statement = connection.createStatement()) {
			statement.execute(sql);
		}
	}

	/** The client rows in the project's database on that server; -1 when the database is not there. */
	private static long seeded(String server, String database) throws SQLException {
		if (!fleet.server(server).databaseExists(database)) {
			return -1;
		}
		try (Connection connection = DriverManager.getConnection(jdbcUrl(server, database), "postgres", "");
				Statement statement = connection.createStatement();
				ResultSet rows = statement.executeQuery("SELECT count(*) FROM repositories")) {
			rows.next();
			return rows.getLong(1);
		}
	}

	/**
	 * A client that asks where each project is (GET of the project and a resolution, in turn) for as long as the drain
	 * runs, and checks every answer: a 200 names a server that holds the project's database, READY and with all its
	 * rows, and never the old server once the move's switch is committed (read from {@code project_moves} before the
	 * request is sent); a 503 is project-moving with Retry-After; anything else is wrong.
	 */
	private static final class Watcher implements Runnable {

		final AtomicBoolean stop = new AtomicBoolean();

		final List<String> wrong = Collections.synchronizedList(new ArrayList<>());

		/** Answers by the server they named, and "moving" for the 503s. */
		final Map<String, AtomicLong> answers = new ConcurrentHashMap<>();

		/** Project and server whose database was seen complete: it stays so. */
		private final Set<String> complete = ConcurrentHashMap.newKeySet();

		private final Map<String, String> databases;

		Watcher(Map<String, String> databases) {
			this.databases = databases;
			for (String name : List.of("x", "y", "z", "moving")) {
				this.answers.put(name, new AtomicLong());
			}
		}

		@Override
		public void run() {
			TestDatabase db = TestDatabase.get();
			try (Connection moves = DriverManager.getConnection(registryUrl, db.username(),
					System.getenv().getOrDefault("REGISTRY_TEST_PASSWORD", ""))) {
				for (int round = 0; !this.stop.get(); round++) {
					for (String name : this.databases.keySet()) {
						check(moves, name, round % 2 == 0);
					}
				}
			}
			catch (SQLException | RuntimeException ex) {
				this.wrong.add("the watcher failed: " + ex);
			}
		}

		private void check(Connection moves, String name, boolean get) throws SQLException {
			// Read before the request: its answer may not be older than that.
			Optional<String> leftBehind = leftBehind(moves, name);
			HttpResponse<String> answer = get ? registry.get("/api/v1/projects/" + name.replace(" ", "%20"))
					: registry.post("/api/v1/resolutions", "{\"project\": \"" + name + "\"}");
			String what = (get ? "GET " : "resolution of ") + name + " answered " + answer.statusCode() + " "
					+ answer.body();
			if (answer.statusCode() == 503) {
				if (!Http.json(answer).get("type").asString().endsWith("project-moving")
						|| answer.headers().firstValue("Retry-After").isEmpty()) {
					this.wrong.add(what);
				}
				this.answers.get("moving").incrementAndGet();
				return;
			}
			if (answer.statusCode() != 200) {
				this.wrong.add(what);
				return;
			}
			JsonNode body = Http.json(answer);
			JsonNode project = get ? body : body.get("project");
			String server = body.get("connection").get("server").asString();
			this.answers.get(server).incrementAndGet();
			if (!project.get("state").asString().equals("READY") || !project.get("server").asString().equals(server)
					|| !body.get("connection").get("jdbcUrl").asString().equals(jdbcUrl(server, this.databases.get(name)))) {
				this.wrong.add(what);
			}
			if (leftBehind.isPresent() && leftBehind.get().equals(server)) {
				this.wrong.add(what + ", the old server, after the move's switch");
			}
			if (!this.complete.contains(name + "@" + server)) {
				long rows = seeded(server, this.databases.get(name));
				if (rows != SEEDED) {
					this.wrong.add(what + ", where its database has " + rows + " of its " + SEEDED + " rows");
				}
				else {
					this.complete.add(name + "@" + server);
				}
			}
		}

		/** The server the project's move left, once its switch is recorded: no answer may name it from then on. */
		private static Optional<String> leftBehind(Connection moves, String name) throws SQLException {
			try (PreparedStatement query = moves.prepareStatement("SELECT source_server FROM project_moves "
					+ "WHERE project_name = ? AND phase IN ('CLEANING_UP', 'DONE')")) {
				query.setString(1, name);
				try (ResultSet row = query.executeQuery()) {
					return row.next() ? Optional.of(row.getString(1)) : Optional.empty();
				}
			}
		}

	}

}
