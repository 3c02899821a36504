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
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;

import io.codebase.registry.fleet.TestFleet;
import io.codebase.registry.provisioning.DatabaseMove;
import io.codebase.registry.support.Http;
import io.codebase.registry.support.RegistryProcess;
import io.codebase.registry.support.TestDatabase;
import io.codebase.registry.support.TestWorkspace;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Moves whose replica dies with SIGKILL in each of their phases: the packaged application runs as two processes on
 * one registry database and a fleet of two real PostgreSQL servers; six projects are moved by the victim, each held
 * inside one phase by a lock that the phase's next statement needs (taken by this test in PostgreSQL itself; nothing
 * in the application waits for the test), then the victim is killed with {@code kill -9} and the locks are let go.
 * The other process resumes every move: one killed before its switch ends SUCCEEDED on the target or FAILED (rolled
 * back) on the source (the one killed while catching up also loses its subscription, so that its resumption rolls
 * back), one killed after it only goes forward; every project is READY with all its rows where the registry says it
 * is, and neither server keeps an orphan database, subscription, publication, replication slot or origin.
 */
class MoveCrashIT {

	private static final Duration STARTUP = Duration.ofMinutes(3);

	private static final Duration DEADLINE = Duration.ofSeconds(60);

	private static final int REPOSITORIES = 3;

	private static final int NOTES = 5;

	private static TestFleet fleet;

	private static String registryUrl;

	private static RegistryProcess victim;

	private static RegistryProcess survivor;

	/** Every lock this test holds: one transaction each, rolled back to let go. */
	private final List<Connection> holds = new ArrayList<>();

	@BeforeAll
	static void startFleet() throws Exception {
		fleet = new TestFleet("a", "b");
		registryUrl = TestFleet.newRegistry();
		Path migrations = Files.createTempDirectory("move-crash-schema");
		// A table with a sequence: the cut-over copies its value, which is where CUTTING_OVER is held.
		Files.writeString(migrations.resolve("V2__notes.sql"),
				"CREATE TABLE notes (id bigserial PRIMARY KEY, body text NOT NULL);");
		Map<String, String> properties = new LinkedHashMap<>();
		properties.put("spring.datasource.url", registryUrl);
		properties.put("spring.datasource.username", TestDatabase.get().username());
		properties.put("spring.datasource.password", System.getenv().getOrDefault("REGISTRY_TEST_PASSWORD", ""));
		properties.put("registry.sessions.allowed-roots", TestWorkspace.ROOT.toString());
		properties.put("registry.reconciliation.enabled", "false");
		properties.put("registry.provisioning.database-prefix", "mk_");
		properties.put("registry.provisioning.schema.locations", "classpath:project-db/migration,filesystem:" + migrations);
		properties.put("registry.moves.resume-interval", "1s");
		List<String> names = List.of("a", "b");
		for (int i = 0; i < names.size(); i++) {
			properties.put("registry.fleet.servers[" + i + "].name", names.get(i));
			properties.put("registry.fleet.servers[" + i + "].url", fleet.server(names.get(i)).url());
			properties.put("registry.fleet.servers[" + i + "].username", "postgres");
		}
		Path logs = Path.of("target", "move-crash-it");
		victim = new RegistryProcess(RegistryProcess.freePort(), properties, logs.resolve("victim.log"));
		survivor = new RegistryProcess(RegistryProcess.freePort(), properties, logs.resolve("survivor.log"));
		victim.start();
		survivor.start();
		assertThat(victim.awaitReady(STARTUP)).as("the victim started; see " + victim.log()).isTrue();
		assertThat(survivor.awaitReady(STARTUP)).as("the survivor started; see " + survivor.log()).isTrue();
	}

	@AfterAll
	static void stopFleet() throws Exception {
		for (RegistryProcess process : new RegistryProcess[] { victim, survivor }) {
			if (process != null) {
				process.kill();
			}
		}
		if (fleet != null) {
			fleet.close();
		}
	}

	@Test
	void aMoveWhoseReplicaIsKilledInAnyPhaseIsFinishedByAnotherAndLeavesNothingBehind() throws Exception {
		long started = System.nanoTime();
		Http killed = new Http(victim.port());
		Http other = new Http(survivor.port());
		Map<MovePhase, String> databases = new ConcurrentHashMap<>();
		Map<MovePhase, UUID> projects = new ConcurrentHashMap<>();
		List<MovePhase> phases = List.of(MovePhase.PREPARING, MovePhase.COPYING, MovePhase.CATCHING_UP,
				MovePhase.FREEZING, MovePhase.CUTTING_OVER, MovePhase.CLEANING_UP);
		phases.parallelStream().forEach(phase -> {
			HttpResponse<String> created = other.post("/api/v1/projects",
					"{\"name\": \"killed in " + phase + "\", \"placement\": {\"server\": \"a\"}}");
			assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
			String database = Http.json(created).get("databaseName").asString();
			execute("a", database, "INSERT INTO repositories (path, name) SELECT '/src/' || i, 'repo ' || i "
					+ "FROM generate_series(1, " + REPOSITORIES + ") i");
			execute("a", database, "INSERT INTO notes (body) SELECT 'note ' || i FROM generate_series(1, " + NOTES + ") i");
			databases.put(phase, database);
			projects.put(phase, UUID.fromString(Http.json(created).get("id").asString()));
		});
		Map<MovePhase, UUID> moves = new LinkedHashMap<>();
		try {
			// COPYING, CATCHING_UP, CUTTING_OVER and CLEANING_UP first wait in COPYING for CONNECT on the source
			// database (the replication login's grant waits for this test's update of the same pg_database row), where
			// the target's tables exist; then each is let through to the lock that holds it in its own phase.
			List<MovePhase> granted = List.of(MovePhase.COPYING, MovePhase.CATCHING_UP, MovePhase.CUTTING_OVER,
					MovePhase.CLEANING_UP);
			Map<MovePhase, Connection> grants = new HashMap<>();
			for (MovePhase phase : granted) {
				grants.put(phase, hold("a", "postgres", "ALTER DATABASE " + databases.get(phase) + " CONNECTION LIMIT -1"));
				moves.put(phase, move(killed, phase));
			}
			// FREEZING marks the project as moving: the UPDATE waits for this row lock.
			hold("registry", null, "SELECT 1 FROM projects WHERE id = '" + projects.get(MovePhase.FREEZING) + "' FOR UPDATE");
			moves.put(MovePhase.FREEZING, move(killed, MovePhase.FREEZING));
			for (MovePhase phase : granted) {
				awaitBlocked("a", databases.get(phase), "query LIKE 'GRANT CONNECT ON DATABASE %'");
			}
			// Subscribing empties the target's tables first: TRUNCATE waits for a share lock. Copying the sequences'
			// values to the target in the cut-over waits for an ALTER SEQUENCE.
			hold("b", databases.get(MovePhase.COPYING), "LOCK TABLE repositories IN ACCESS SHARE MODE");
			Connection catchingUp = hold("b", databases.get(MovePhase.CATCHING_UP),
					"LOCK TABLE repositories IN ACCESS SHARE MODE");
			hold("b", databases.get(MovePhase.CUTTING_OVER), "ALTER SEQUENCE notes_id_seq INCREMENT BY 1");
			Connection cleaningUp = hold("b", databases.get(MovePhase.CLEANING_UP),
					"ALTER SEQUENCE notes_id_seq INCREMENT BY 1");
			grants.values().forEach(this::release);
			awaitBlocked("b", databases.get(MovePhase.COPYING), "query LIKE 'TRUNCATE %'");
			// CATCHING_UP: a SHARE lock queued behind the TRUNCATE is granted when the TRUNCATE ends, and keeps the
			// copy of repositories from writing a row.
			String database = databases.get(MovePhase.CATCHING_UP);
			awaitBlocked("b", database, "query LIKE 'TRUNCATE %'");
			Connection share = hold("b", database);
			CompletableFuture<Void> shared = CompletableFuture.runAsync(() -> execute(share,
					"LOCK TABLE repositories IN SHARE MODE"));
			awaitBlocked("b", database, "query LIKE 'LOCK TABLE repositories IN SHARE MODE'");
			release(catchingUp);
			shared.join();
			awaitBlocked("b", database, "backend_type = 'logical replication tablesync worker'");
			awaitBlocked("b", databases.get(MovePhase.CUTTING_OVER), "query LIKE 'SELECT setval%'");
			// CLEANING_UP: held in the cut-over as above, the subscription gets a comment whose lock DROP SUBSCRIPTION
			// waits for; then the cut-over is let through to the switch.
			database = databases.get(MovePhase.CLEANING_UP);
			awaitBlocked("b", database, "query LIKE 'SELECT setval%'");
			hold("b", database, "COMMENT ON SUBSCRIPTION " + DatabaseMove.replicationName(database) + " IS 'held'");
			release(cleaningUp);
			awaitBlocked("b", database, "query LIKE 'DROP SUBSCRIPTION %'");
			awaitBlocked("registry", registryUrl.replaceAll(".*/([^/?]+)(\\?.*)?$", "$1"),
					"query LIKE '%UPDATE projects SET moving_since%'");
			// PREPARING creates the target database from a template (the managed one, or template1 while it is
			// not ready), whose share lock waits for this comment's lock. The other moves are past their CREATE
			// DATABASE.
			List<String> templates = new ArrayList<>(List.of("template1"));
			try (Connection b = connect("b", "postgres"); Statement query = b.createStatement();
					ResultSet managed = query.executeQuery("SELECT datname FROM pg_database WHERE datistemplate")) {
				while (managed.next()) {
					if (TestDatabase.isManagedTemplate(managed.getString(1))) {
						templates.add(managed.getString(1));
					}
				}
			}
			hold("b", "postgres", templates.stream()
				.map(template -> "COMMENT ON DATABASE \"" + template + "\" IS 'held by MoveCrashIT'")
				.toArray(String[]::new));
			moves.put(MovePhase.PREPARING, move(killed, MovePhase.PREPARING));
			awaitBlocked("b", null, "query LIKE 'CREATE DATABASE %'");
			for (MovePhase phase : moves.keySet()) {
				assertThat(phaseOf(moves.get(phase))).as("the move of %s", databases.get(phase)).isEqualTo(phase.name());
			}

			victim.kill();
			// The move killed in CATCHING_UP loses its subscription too: its resumption cannot go on, and rolls back.
			try (Connection target = connect("b", databases.get(MovePhase.CATCHING_UP))) {
				execute(target, "SET lock_timeout = '20s'");
				execute(target, "DROP SUBSCRIPTION " + DatabaseMove.replicationName(databases.get(MovePhase.CATCHING_UP)));
			}
		}
		finally {
			for (Connection held : List.copyOf(this.holds)) {
				release(held);
			}
		}
		long killedAt = System.nanoTime();

		Map<MovePhase, JsonNode> finished = new LinkedHashMap<>();
		for (MovePhase phase : moves.keySet()) {
			finished.put(phase, await().atMost(DEADLINE).pollInterval(Duration.ofMillis(250))
				.until(() -> Http.json(other.get("/api/v1/moves/" + moves.get(phase))),
						move -> move.get("state").asString().matches("SUCCEEDED|FAILED")));
		}
		System.out.printf("[MoveCrashIT] killed after %d ms, all six finished %d ms later: %s%n",
				Duration.ofNanos(killedAt - started).toMillis(), Duration.ofNanos(System.nanoTime() - killedAt).toMillis(),
				finished.entrySet().stream().map(e -> e.getKey() + " -> " + e.getValue().get("state").asString() + " ("
						+ e.getValue().get("attempts").asInt() + " attempts, error " + e.getValue().get("error") + ")").toList());
		assertThat(finished.get(MovePhase.CLEANING_UP).get("state").asString()).as("after the switch: forward only")
			.isEqualTo("SUCCEEDED");
		assertThat(finished.get(MovePhase.CATCHING_UP).get("state").asString()).as("without its subscription")
			.isEqualTo("FAILED");
		assertThat(finished.get(MovePhase.CATCHING_UP).get("error").asString()).contains("not subscribed");
		Set<String> onA = new HashSet<>();
		Set<String> onB = new HashSet<>();
		for (MovePhase phase : finished.keySet()) {
			JsonNode move = finished.get(phase);
			String database = databases.get(phase);
			assertThat(move.get("attempts").asInt()).as("attempts of %s", move).isGreaterThanOrEqualTo(2);
			boolean succeeded = move.get("state").asString().equals("SUCCEEDED");
			String server = succeeded ? "b" : "a";
			(succeeded ? onB : onA).add(database);
			if (succeeded) {
				onA.add(database); // the source, kept for its grace period
				assertThat(move.get("sourceDropAfter").isNull()).isFalse();
			}
			HttpResponse<String> answer = other.get("/api/v1/projects/" + projects.get(phase));
			assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
			JsonNode project = Http.json(answer);
			assertThat(project.get("state").asString()).isEqualTo("READY");
			assertThat(project.get("server").asString()).as("%s after %s", database, move).isEqualTo(server);
			assertThat(project.has("movingSince")).isFalse();
			assertThat(count(server, database, "SELECT count(*) FROM repositories")).isEqualTo(REPOSITORIES);
			assertThat(count(server, database, "SELECT count(*) FROM notes")).isEqualTo(NOTES);
			if (succeeded) {
				// The sequence went on from the source's last value.
				assertThat(count("b", database, "SELECT last_value FROM notes_id_seq")).isEqualTo(NOTES);
			}
		}
		// Every project database is its project's (the default workspace's too), or a moved project's kept source.
		onA.addAll(rows("registry", null, "SELECT database_name FROM projects WHERE server = 'a'"));
		assertThat(managedDatabases("a")).as("project databases on a").isEqualTo(onA);
		assertThat(managedDatabases("b")).as("project databases on b").isEqualTo(onB);
		for (String server : List.of("a", "b")) {
			assertThat(rows(server, "postgres", "SELECT slot_name FROM pg_replication_slots")).as(server).isEmpty();
			assertThat(rows(server, "postgres", "SELECT subname FROM pg_subscription")).as(server).isEmpty();
			assertThat(rows(server, "postgres", "SELECT roname FROM pg_replication_origin")).as(server).isEmpty();
			for (String database : rows(server, "postgres", "SELECT datname FROM pg_database WHERE datallowconn")) {
				assertThat(rows(server, database, "SELECT pubname FROM pg_publication")).as(server + " " + database).isEmpty();
			}
		}
		JsonNode report = Http.json(other.get("/api/v1/reconciliation"));
		for (String kind : List.of("ORPHAN_DATABASE", "MOVE_LEFTOVERS", "MISSING_DATABASE", "STUCK_PROVISIONING")) {
			assertThat(report.get("found").get(kind).asLong()).as(kind + " in " + report).isZero();
		}
	}

	// -------------------------------------------------------------------------------------------------------------

	/** Starts the project's move to b on that replica. */
	private static UUID move(Http replica, MovePhase phase) {
		HttpResponse<String> started = replica.post("/api/v1/projects/killed%20in%20" + phase + "/moves",
				"{\"target\": \"b\"}");
		assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
		return UUID.fromString(Http.json(started).get("id").asString());
	}

	/** Opens a transaction on that server's database that runs these statements and stays open: a held lock. */
	private Connection hold(String server, String database, String... statements) throws SQLException {
		Connection connection = connect(server, database);
		this.holds.add(connection);
		connection.setAutoCommit(false);
		for (String sql : statements) {
			execute(connection, sql);
		}
		return connection;
	}

	private void release(Connection held) {
		if (this.holds.remove(held)) {
			try (held) {
				held.rollback();
			}
			catch (SQLException ex) {
				throw new IllegalStateException(ex);
			}
		}
	}

	/** Waits until a session on that server (in that database, if one is named) waits for a lock, as described. */
	private static void awaitBlocked(String server, String database, String condition) {
		BooleanSupplier blocked = () -> {
			try (Connection connection = connect(server, null);
					PreparedStatement query = connection.prepareStatement("SELECT count(*) FROM pg_stat_activity "
							+ "WHERE wait_event_type = 'Lock' AND (?::text IS NULL OR datname = ?) AND " + condition)) {
				query.setString(1, database);
				query.setString(2, database);
				try (ResultSet row = query.executeQuery()) {
					return row.next() && row.getLong(1) > 0;
				}
			}
			catch (SQLException ex) {
				throw new IllegalStateException(ex);
			}
		};
		await().atMost(DEADLINE).pollInterval(Duration.ofMillis(50)).alias("on " + server + " in " + database + ": " + condition)
			.until(blocked::getAsBoolean);
	}

	private static String phaseOf(UUID move) throws SQLException {
		try (Connection connection = connect("registry", null);
				PreparedStatement query = connection.prepareStatement("SELECT phase FROM project_moves WHERE id = ?")) {
			query.setObject(1, move);
			try (ResultSet row = query.executeQuery()) {
				row.next();
				return row.getString(1);
			}
		}
	}

	/** The project databases (this test's prefix) on a server. */
	private static Set<String> managedDatabases(String server) throws SQLException {
		return new HashSet<>(rows(server, "postgres", "SELECT datname FROM pg_database WHERE datname LIKE 'mk\\_%' AND "
				+ TestDatabase.NOT_A_MANAGED_TEMPLATE));
	}

	/**
	 * A connection to a database of a fleet server, or (server "registry") to the registry's own server; a null
	 * database is the server's maintenance database (the registry database for "registry").
	 */
	private static Connection connect(String server, String database) throws SQLException {
		if (server.equals("registry")) {
			return DriverManager.getConnection(registryUrl, TestDatabase.get().username(),
					System.getenv().getOrDefault("REGISTRY_TEST_PASSWORD", ""));
		}
		String url = fleet.server(server).url();
		return DriverManager.getConnection((database != null) ? url.replace("/postgres", "/" + database) : url,
				"postgres", "");
	}

	private static void execute(String server, String database, String sql) {
		try (Connection connection = connect(server, database)) {
			execute(connection, sql);
		}
		catch (SQLException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static void execute(Connection connection, String sql) {
		try (Statement statement = connection.createStatement()) {
			statement.execute(sql);
		}
		catch (SQLException ex) {
			throw new IllegalStateException(sql, ex);
		}
	}

	private static List<String> rows(String server, String database, String sql) throws SQLException {
		try (Connection connection = connect(server, database); Statement statement = connection.createStatement();
				ResultSet rows = statement.executeQuery(sql)) {
			List<String> values = new ArrayList<>();
			while (rows.next()) {
				values.add(rows.getString(1));
			}
			return values;
		}
	}

	private static long count(String server, String database, String sql) throws SQLException {
		return Long.parseLong(rows(server, database, sql).get(0));
	}

}
