package io.codebase.registry.move;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.codebase.registry.fleet.TestFleet;
import io.codebase.registry.project.ProjectMoves;
import io.codebase.registry.provisioning.DatabaseMove;
import io.codebase.registry.support.Http;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Moves of project databases through the API, between real PostgreSQL 17 servers, with two registry replicas (and a
 * third that is stopped in the middle of a move): data written by a client during the move all arrives, one move
 * per project, a move abandoned by its replica is resumed by another, a failure rolls back, and resolutions answer
 * 503 during the cut-over.
 */
class ProjectMoveTest {

	private static final Duration DEADLINE = Duration.ofSeconds(90);

	private static final int SEEDED = 20_000;

	private static TestFleet fleet;

	private static String registry;

	private static Map<String, Object> properties;

	private static Http first;

	private static Http second;

	@BeforeAll
	static void startFleet() throws Exception {
		fleet = new TestFleet("a", "b");
		Path migrations = Files.createTempDirectory("move-schema");
		// A table with a sequence, added by a later migration: the sequence must continue on the target.
		Files.writeString(migrations.resolve("V2__notes.sql"),
				"CREATE TABLE notes (id bigserial PRIMARY KEY, body text NOT NULL, counter integer NOT NULL DEFAULT 0);");
		properties = new HashMap<>();
		properties.put("registry.provisioning.database-prefix", "mv_");
		properties.put("registry.provisioning.schema.locations", "classpath:project-db/migration,filesystem:" + migrations);
		properties.put("registry.moves.resume-interval", "1s");
		properties.put("registry.moves.freeze-timeout", "20s");
		properties.put("registry.moves.source-grace", "5s");
		for (String name : List.of("a", "b")) {
			int i = name.equals("a") ? 0 : 1;
			properties.put("registry.fleet.servers[" + i + "].name", name);
			properties.put("registry.fleet.servers[" + i + "].url", fleet.server(name).url());
			properties.put("registry.fleet.servers[" + i + "].username", "postgres");
		}
		registry = TestFleet.newRegistry();
		first = fleet.replica(registry, properties);
		second = fleet.replica(registry, properties);
	}

	@AfterAll
	static void stopFleet() throws Exception {
		if (fleet != null) {
			fleet.close();
		}
	}

	@Test
	void aMoveUnderWritesLosesNothingAndEveryReplicaAnswersTheNewServer() throws Exception {
		JsonNode project = create("busy", "a");
		String database = project.get("databaseName").asString();
		seed("a", database);
		Writer writer = new Writer("busy");
		ExecutorService threads = Executors.newSingleThreadExecutor();
		Future<?> writing = threads.submit(writer);
		try {
			await().atMost(DEADLINE).until(() -> writer.committed.size() >= 50);

			HttpResponse<String> started = first.post("/api/v1/projects/busy/moves", "{\"target\": \"b\"}");

			assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
			String location = started.headers().firstValue("Location").orElseThrow();
			assertThat(Http.json(started).get("source").asString()).isEqualTo("a");
			JsonNode move = awaitFinished(location);
			assertThat(move.get("state").asString()).as(move.toString()).isEqualTo("SUCCEEDED");
			// The client goes on writing on the new server, through a new credential.
			await().atMost(DEADLINE).until(() -> writer.committedOn("b") >= 20);
			writer.stop.set(true);
			writing.get(30, TimeUnit.SECONDS);

			System.out.println("[ProjectMoveTest] move under writes: " + move + "; writer committed "
					+ writer.committed.size() + " inserts, " + writer.inDoubt.size() + " in doubt, "
					+ writer.committedOn("b") + " on b");
			assertThat(move.get("phase").asString()).isEqualTo("DONE");
			assertThat(move.get("freezeMillis").asLong()).isPositive().isLessThan(20_000);
			assertThat(move.get("progress").get("tables").asInt()).isEqualTo(5);
			assertThat(move.get("progress").get("lagBytes").asLong()).isZero();
			assertThat(move.get("sourceDropAfter").isNull()).isFalse();
			for (Http replica : List.of(first, second)) {
				JsonNode moved = Http.json(replica.get("/api/v1/projects/busy"));
				assertThat(moved.get("server").asString()).isEqualTo("b");
				assertThat(moved.get("connection").get("jdbcUrl").asString()).contains(port("b"));
			}
			JsonNode listed = Http.json(second.get("/api/v1/projects/busy/moves"));
			assertThat(listed).hasSize(1);
			assertThat(listed.get(0).get("id").asString()).isEqualTo(move.get("id").asString());
		}
		finally {
			writer.stop.set(true);
			threads.shutdownNow();
		}
		// Nothing lost, nothing duplicated: every committed insert is on b once, and nothing else but the seed.
		Set<Long> onTarget = ids("b", database);
		assertThat(onTarget).containsAll(writer.committed.keySet());
		Set<Long> extra = new java.util.HashSet<>(onTarget);
		extra.removeAll(writer.committed.keySet());
		extra.removeIf(id -> id <= SEEDED);
		assertThat(writer.inDoubt).containsAll(extra);
		// What the source had when it froze is exactly on the target, and the sequence went on from there.
		long lastOnSource = count("a", database, "SELECT max(id) FROM notes");
		String checksum = "SELECT md5(string_agg(id || ':' || body || ':' || counter, ',' ORDER BY id)) FROM notes WHERE id <= "
				+ lastOnSource;
		assertThat(text("b", database, checksum)).isEqualTo(text("a", database, checksum));
		assertThat(text("b", database, "SELECT md5(string_agg(path, ',' ORDER BY path)) FROM repositories"))
			.isEqualTo(text("a", database, "SELECT md5(string_agg(path, ',' ORDER BY path)) FROM repositories"));
		assertThat(writer.firstIdOn("b")).isGreaterThan(lastOnSource);
		// The old server refuses the project's credentials.
		assertThatExceptionOfType(SQLException.class)
			.isThrownBy(() -> DriverManager.getConnection(jdbcUrl("a", database), writer.firstLogin, writer.firstPassword).close())
			.satisfies(ex -> assertThat(ex.getSQLState()).isEqualTo("42501"));
		assertNoReplicationLeftovers(database);

		// The source is kept for its grace period, reported as such (never as an orphan), then dropped.
		JsonNode report = Http.json(first.get("/api/v1/reconciliation?kind=MOVED_SOURCE&kind=ORPHAN_DATABASE"));
		List<JsonNode> kept = new ArrayList<>();
		report.get("drifts").forEach(drift -> {
			assertThat(drift.get("kind").asString()).isEqualTo("MOVED_SOURCE");
			if (drift.get("databaseName").asString().equals(database)) {
				kept.add(drift);
			}
		});
		assertThat(kept).hasSize(1);
		assertThat(kept.get(0).get("server").asString()).isEqualTo("a");
		await().atMost(DEADLINE).pollInterval(Duration.ofSeconds(1)).until(() -> {
			first.post("/api/v1/reconciliation?kind=MOVED_SOURCE", null);
			return !fleet.server("a").databaseExists(database);
		});
		assertThat(fleet.server("b").databaseExists(database)).isTrue();
		assertThat(Http.json(first.get("/api/v1/projects/busy/moves")).get(0).get("sourceDroppedAt").isNull()).isFalse();
		assertThat(Http.json(first.get("/api/v1/reconciliation?kind=MOVED_SOURCE")).get("drifts")).isEmpty();
	}

	@Test
	void twoSimultaneousMovesOfOneProjectStartOnlyOne() throws Exception {
		create("contested", "a");
		ExecutorService callers = Executors.newFixedThreadPool(2);
		try {
			List<Future<HttpResponse<String>>> answers = new ArrayList<>();
			for (Http replica : List.of(first, second)) {
				Callable<HttpResponse<String>> post = () -> replica.post("/api/v1/projects/contested/moves", "{}");
				answers.add(callers.submit(post));
			}
			List<Integer> statuses = new ArrayList<>();
			String location = null;
			for (Future<HttpResponse<String>> answer : answers) {
				HttpResponse<String> response = answer.get(60, TimeUnit.SECONDS);
				statuses.add(response.statusCode());
				if (response.statusCode() == 202) {
					location = response.headers().firstValue("Location").orElseThrow();
					// Placement chose the only other server.
					assertThat(Http.json(response).get("target").asString()).isEqualTo("b");
				}
				else {
					assertThat(Http.json(response).get("type").asString()).as(response.body()).endsWith("move-running");
				}
			}
			assertThat(statuses).containsExactlyInAnyOrder(202, 409);
			assertThat(awaitFinished(location).get("state").asString()).isEqualTo("SUCCEEDED");
		}
		finally {
			callers.shutdownNow();
		}
	}

	@Test
	void badMovesAreProblemsThatChangeNothing() {
		create("stays", "a");
		HttpResponse<String> unknown = first.post("/api/v1/projects/stays/moves", "{\"target\": \"nowhere\"}");
		assertThat(unknown.statusCode()).isEqualTo(400);
		assertThat(unknown.body()).contains("target");
		assertThat(first.post("/api/v1/projects/stays/moves", "{\"target\": \"a\"}").statusCode()).isEqualTo(400);
		assertThat(first.post("/api/v1/projects/no-such-project/moves", "{}").statusCode()).isEqualTo(404);
		assertThat(first.get("/api/v1/moves/" + UUID.randomUUID()).statusCode()).isEqualTo(404);
		assertThat(first.get("/api/v1/moves/not-a-uuid").statusCode()).isEqualTo(400);
		// With the only other server cordoned, there is nowhere to go: a conflict, not an outage.
		assertThat(first.post("/api/v1/database-servers/b/cordon", null).statusCode()).isEqualTo(200);
		try {
			HttpResponse<String> nowhere = first.post("/api/v1/projects/stays/moves", "{}");
			assertThat(nowhere.statusCode()).as(nowhere.body()).isEqualTo(409);
			assertThat(Http.json(nowhere).get("type").asString()).endsWith("move-no-target");
			assertThat(Http.json(nowhere).get("detail").asString()).contains("cordoned");
		}
		finally {
			first.post("/api/v1/database-servers/b/uncordon", null);
		}
		assertThat(Http.json(first.get("/api/v1/projects/stays/moves"))).isEmpty();
		assertThat(Http.json(first.get("/api/v1/projects/stays")).get("server").asString()).isEqualTo("a");
	}

	@Test
	void aMoveAbandonedByItsReplicaDuringTheCutOverIsResumedByAnother() throws Exception {
		JsonNode project = create("abandoned", "a");
		String database = project.get("databaseName").asString();
		UUID projectId = UUID.fromString(project.get("id").asString());
		seed("a", database);
		int doomed = fleet.replicaCount();
		fleet.replica(registry, properties);
		MoveStore store = fleet.bean(doomed, MoveStore.class);
		MoveRunner runner = fleet.bean(doomed, MoveRunner.class);
		ProjectMoves.Owned owned = fleet.bean(doomed, ProjectMoves.class).tryOwn(projectId).orElseThrow();
		Move move = store.insert(UUID.randomUUID(), projectId, "abandoned", database, "a", "b", "api").orElseThrow();
		for (MovePhase phase : List.of(MovePhase.PREPARING, MovePhase.COPYING, MovePhase.CATCHING_UP, MovePhase.FREEZING)) {
			Move current = store.get(move.id());
			assertThat(current.phase()).isEqualTo(phase);
			assertThat(runner.step(current)).isTrue();
		}
		assertThat(store.get(move.id()).phase()).isEqualTo(MovePhase.CUTTING_OVER);
		// Cutting over: every replica answers 503 with Retry-After, never the old server.
		for (Http replica : List.of(first, second)) {
			// The change notification reaches the other replicas' caches a moment after the commit.
			HttpResponse<String> get = await().atMost(Duration.ofSeconds(5))
				.until(() -> replica.get("/api/v1/projects/abandoned"), answer -> answer.statusCode() == 503);
			assertThat(get.headers().firstValue("Retry-After")).isPresent();
			assertThat(Http.json(get).get("type").asString()).endsWith("project-moving");
			HttpResponse<String> resolved = replica.post("/api/v1/resolutions", "{\"project\": \"abandoned\"}");
			assertThat(resolved.statusCode()).as(resolved.body()).isEqualTo(503);
		}
		assertThat(first.post("/api/v1/projects/abandoned/moves", "{}").statusCode()).isEqualTo(409);

		// The replica dies holding the ownership: PostgreSQL releases it with its connections.
		fleet.stopReplica(doomed);
		assertThat(owned.isHeld()).isFalse();

		JsonNode resumed = awaitFinished("/api/v1/moves/" + move.id());
		assertThat(resumed.get("state").asString()).as(resumed.toString()).isEqualTo("SUCCEEDED");
		assertThat(resumed.get("attempts").asInt()).isEqualTo(1);
		for (Http replica : List.of(first, second)) {
			assertThat(Http.json(replica.get("/api/v1/projects/abandoned")).get("server").asString()).isEqualTo("b");
		}
		String checksum = "SELECT md5(string_agg(id || ':' || body, ',' ORDER BY id)) FROM notes";
		assertThat(text("b", database, checksum)).isEqualTo(text("a", database, checksum));
		assertNoReplicationLeftovers(database);
	}

	@Test
	void aFailureDuringTheCutOverRollsBackAndLetsTheWritersBackIn() throws Exception {
		JsonNode project = create("unlucky", "a");
		String database = project.get("databaseName").asString();
		UUID projectId = UUID.fromString(project.get("id").asString());
		seed("a", database);
		JsonNode credential = Http.json(first.post("/api/v1/projects/unlucky/credentials", "{}"));
		MoveStore store = fleet.bean(0, MoveStore.class);
		MoveRunner runner = fleet.bean(0, MoveRunner.class);
		try (ProjectMoves.Owned owned = fleet.bean(0, ProjectMoves.class).tryOwn(projectId).orElseThrow()) {
			Move move = store.insert(UUID.randomUUID(), projectId, "unlucky", database, "a", "b", "api").orElseThrow();
			for (int i = 0; i < 4; i++) {
				assertThat(runner.step(store.get(move.id()))).isTrue();
			}
			// The target loses its subscription (and the source its slot) just before the freeze.
			execute("b", database, "DROP SUBSCRIPTION " + DatabaseMove.replicationName(database));

			assertThat(runner.step(store.get(move.id()))).isFalse();

			Move failed = store.get(move.id());
			assertThat(failed.state()).isEqualTo(MoveState.FAILED);
			assertThat(failed.error()).contains("replication slot");
			assertThat(failed.finishedAt()).isNotNull();
		}
		JsonNode stayed = Http.json(await().atMost(Duration.ofSeconds(5))
			.until(() -> second.get("/api/v1/projects/unlucky"), answer -> answer.statusCode() == 200));
		assertThat(stayed.get("server").asString()).isEqualTo("a");
		assertThat(stayed.has("movingSince")).isFalse();
		assertThat(fleet.server("b").databaseExists(database)).isFalse();
		try (Connection connection = DriverManager.getConnection(jdbcUrl("a", database), credential.get("name").asString(),
				credential.get("password").asString()); Statement statement = connection.createStatement()) {
			statement.execute("INSERT INTO notes (body) VALUES ('after the rollback')");
		}
		assertNoReplicationLeftovers(database);

		// A publication left by an interrupted move is reported, then dropped by a repairing run.
		execute("a", database, "CREATE PUBLICATION " + DatabaseMove.replicationName(database) + " FOR ALL TABLES");
		JsonNode leftovers = Http.json(first.get("/api/v1/reconciliation?kind=MOVE_LEFTOVERS")).get("drifts");
		assertThat(leftovers).hasSize(1);
		assertThat(leftovers.get(0).get("server").asString()).isEqualTo("a");
		first.post("/api/v1/reconciliation?kind=MOVE_LEFTOVERS", null);
		assertNoReplicationLeftovers(database);
	}

	// -------------------------------------------------------------------------------------------------------------

	private static JsonNode create(String name, String server) {
		HttpResponse<String> created = first.post("/api/v1/projects",
				"{\"name\": \"" + name + "\", \"placement\": {\"server\": \"" + server + "\"}}");
		assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
		return Http.json(created);
	}

	/** Rows the move copies: a repository and {@link #SEEDED} notes. */
	private static void seed(String server, String database) throws SQLException {
		execute(server, database, "INSERT INTO repositories (path, name) SELECT '/src/' || i, 'repo ' || i FROM generate_series(1, 50) i");
		execute(server, database, "INSERT INTO notes (body) SELECT 'seed ' || i FROM generate_series(1, " + SEEDED + ") i");
	}

	private static JsonNode awaitFinished(String location) {
		return await().atMost(DEADLINE).pollInterval(Duration.ofMillis(200)).until(() -> Http.json(first.get(location)),
				move -> move.get("state").asString().matches("SUCCEEDED|FAILED"));
	}

	/** No subscription, publication, slot or replication origin of a move is left on either server. */
	private static void assertNoReplicationLeftovers(String database) throws SQLException {
		for (String server : List.of("a", "b")) {
			assertThat(rows(server, "postgres", "SELECT slot_name FROM pg_replication_slots")).as(server).isEmpty();
			assertThat(rows(server, "postgres", "SELECT subname FROM pg_subscription")).as(server).isEmpty();
			assertThat(rows(server, "postgres", "SELECT roname FROM pg_replication_origin")).as(server).isEmpty();
			if (fleet.server(server).databaseExists(database)) {
				assertThat(rows(server, database, "SELECT pubname FROM pg_publication")).as(server).isEmpty();
			}
		}
	}

	private static String port(String server) {
		return fleet.server(server).url().replaceAll(".*localhost:(\\d+)/.*", "$1");
	}

	private static String jdbcUrl(String server, String database) {
		return fleet.server(server).url().replace("/postgres", "/" + database);
	}

	private static Connection admin(String server, String database) throws SQLException {
		return DriverManager.getConnection(jdbcUrl(server, database), "postgres", "");
	}

	private static void execute(String server, String database, String sql) throws SQLException {
		try (Connection connection = admin(server, database); Statement statement = connection.createStatement()) {
			statement.execute(sql);
		}
	}

	private static List<String> rows(String server, String database, String sql) throws SQLException {
		try (Connection connection = admin(server, database); Statement statement = connection.createStatement();
				ResultSet rows = statement.executeQuery(sql)) {
			List<String> values = new ArrayList<>();
			while (rows.next()) {
				values.add(rows.getString(1));
			}
			return values;
		}
	}

	private static String text(String server, String database, String sql) throws SQLException {
		return rows(server, database, sql).get(0);
	}

	private static long count(String server, String database, String sql) throws SQLException {
		return Long.parseLong(text(server, database, sql));
	}

	private static Set<Long> ids(String server, String database) throws SQLException {
		Set<Long> ids = new java.util.HashSet<>();
		rows(server, database, "SELECT id FROM notes").forEach(id -> ids.add(Long.parseLong(id)));
		return ids;
	}

	/**
	 * A client of the project that inserts and updates notes through a credential, as a real one would: it asks the
	 * registry where the project is, waits out 503s, and mints a new credential when the project has moved.
	 */
	private static final class Writer implements Runnable {

		final Map<Long, String> committed = new ConcurrentHashMap<>();

		final Set<Long> inDoubt = ConcurrentHashMap.newKeySet();

		final AtomicBoolean stop = new AtomicBoolean();

		private final String project;

		volatile String firstLogin;

		volatile String firstPassword;

		Writer(String project) {
			this.project = project;
		}

		long committedOn(String server) {
			return this.committed.values().stream().filter(server::equals).count();
		}

		long firstIdOn(String server) {
			return this.committed.entrySet().stream().filter(entry -> entry.getValue().equals(server))
				.mapToLong(Map.Entry::getKey).min().orElseThrow();
		}

		@Override
		public void run() {
			while (!this.stop.get()) {
				HttpResponse<String> found = first.get("/api/v1/projects/" + this.project);
				if (found.statusCode() == 503) {
					pause();
					continue;
				}
				JsonNode project = Http.json(found);
				String server = project.get("server").asString();
				JsonNode credential = Http.json(first.post("/api/v1/projects/" + this.project + "/credentials", "{}"));
				if (!credential.has("password")) {
					pause();
					continue;
				}
				if (this.firstLogin == null) {
					this.firstLogin = credential.get("name").asString();
					this.firstPassword = credential.get("password").asString();
				}
				write(project.get("connection").get("jdbcUrl").asString(), server, credential);
			}
		}

		/** Writes until the server refuses: the freeze ends the session and revokes CONNECT. */
		private void write(String url, String server, JsonNode credential) {
			try (Connection connection = DriverManager.getConnection(url, credential.get("name").asString(),
					credential.get("password").asString());
					PreparedStatement insert = connection.prepareStatement("INSERT INTO notes (body) VALUES (?) RETURNING id");
					PreparedStatement update = connection.prepareStatement("UPDATE notes SET counter = counter + 1 WHERE id = ?")) {
				int i = 0;
				while (!this.stop.get()) {
					insert.setString(1, "written on " + server + " " + (i++));
					Long id = null;
					try {
						try (ResultSet row = insert.executeQuery()) {
							row.next();
							id = row.getLong(1);
						}
						update.setLong(1, id);
						update.executeUpdate();
						this.committed.put(id, server);
					}
					catch (SQLException ex) {
						if (id != null) {
							this.inDoubt.add(id);
						}
						throw ex;
					}
				}
			}
			catch (SQLException ex) {
				pause();
			}
		}

		private static void pause() {
			try {
				Thread.sleep(100);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}

	}

}
