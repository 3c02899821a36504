package io.codebase.registry.provisioning;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static io.codebase.registry.provisioning.MoveServers.WRITER;
import static io.codebase.registry.provisioning.MoveServers.checksums;
import static io.codebase.registry.provisioning.MoveServers.count;
import static io.codebase.registry.provisioning.MoveServers.execute;
import static io.codebase.registry.provisioning.MoveServers.queryString;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Moves databases between two real PostgreSQL 17 servers with {@link DatabaseMove}: under a client that keeps
 * writing, after crashes between phases, rolled back, and with a source the target can no longer reach.
 */
class DatabaseMoveTest {

	private static final Duration DEADLINE = Duration.ofSeconds(120);

	/** Lag in bytes of WAL from which a cut-over is short. */
	private static final long CAUGHT_UP = 1024 * 1024;

	private static final List<String> WRITERS = List.of(WRITER);

	private static MoveServers servers;

	@BeforeAll
	static void startServers() throws Exception {
		servers = MoveServers.start();
	}

	@AfterAll
	static void stopServers() throws Exception {
		servers.close();
	}

	@Test
	void movesAHundredThousandRowsUnderWritesWithoutLosingOrDuplicatingOne() throws Exception {
		String database = "moved_busy_0a1b2c3d";
		int items = 60_000;
		servers.createDatabase(database, items, 40_000);
		DatabaseMove move = servers.move(database);
		MoveWriter writer = new MoveWriter(servers.source, database, items).start();
		try {
			move.checkPrerequisites();
			move.prepare();
			move.publish();
			move.subscribe();
			DatabaseMove.Progress caughtUp = move.awaitCaughtUp(CAUGHT_UP, DEADLINE);
			assertThat(caughtUp.synced()).isTrue();
			assertThat(caughtUp.tables()).isEqualTo(3);
			assertThat(caughtUp.sourceBytes()).isPositive();
			awaitCommits(writer, 50);

			DatabaseMove.CutOver cutOver = move.cutOver(WRITERS, DEADLINE);

			System.out.println("[DatabaseMoveTest] cut-over under writes: " + cutOver + ", writer committed "
					+ writer.committed().size() + " transactions, " + writer.inDoubt().size() + " in doubt");
			assertThat(cutOver.sequencesCopied()).isEqualTo(1);
			assertThat(cutOver.total()).isLessThan(Duration.ofSeconds(10));
			int committedAtCutOver = writer.committed().size();
			Thread.sleep(300);
			assertThat(writer.committed()).as("no commit on the source after the freeze").hasSize(committedAtCutOver);
			assertThat(writer.refusedConnections()).as("the writer is refused by the source").isPositive();
		}
		finally {
			writer.stop();
		}
		assertThat(checksums(servers.target, database)).isEqualTo(checksums(servers.source, database));
		Set<Integer> moved = writerTransactions(database);
		assertThat(moved).containsAll(writer.committed());
		Set<Integer> doubtful = new HashSet<>(moved);
		doubtful.removeAll(writer.committed());
		assertThat(writer.inDoubt()).containsAll(doubtful);
		assertThat(count(servers.target, database, "SELECT count(*) FROM items")).isEqualTo(items + moved.size());
		assertThat(count(servers.target, database, "SELECT sum(counter) FROM items")).isEqualTo(moved.size());
		assertThat(count(servers.target, database, "SELECT count(*) FROM events WHERE note LIKE 'w%'")).isEqualTo(moved.size());
		assertThat(queryString(servers.target, database, "SELECT description FROM flyway_schema_history"))
			.isEqualTo("source history");
		long lastId = count(servers.target, database, "SELECT max(id) FROM items");
		try (Connection connection = MoveServers.connect(servers.target, database, WRITER);
				PreparedStatement insert = connection.prepareStatement(
						"INSERT INTO items (payload) VALUES ('after the move') RETURNING id");
				ResultSet id = insert.executeQuery()) {
			id.next();
			assertThat(id.getLong(1)).as("the sequence continues after the last moved id").isGreaterThan(lastId);
		}
		assertThatExceptionOfType(SQLException.class)
			.isThrownBy(() -> MoveServers.connect(servers.source, database, WRITER).close())
			.satisfies(ex -> assertThat(ex.getSQLState()).isEqualTo("42501"));

		move.cleanUp();

		assertThat(servers.replicationObjects(database)).isEmpty();
		assertThat(DatabaseMove.leftovers(servers.sourceConnections(), List.of(database))).isEmpty();
		assertThat(DatabaseMove.leftovers(servers.targetConnections(), List.of(database))).isEmpty();
		servers.dropDatabase(database);
	}

	@Test
	void theCutOverReturnsOnlyWhenTheTargetHasTheLastCommittedChange() throws Exception {
		String database = "moved_burst_7c8d9e0f";
		DatabaseMove move = caughtUp(database, 1_000, 1_000);
		// A burst committed just before the freeze: the target is still applying it when the freeze begins.
		try (Connection connection = MoveServers.connect(servers.source, database, WRITER);
				Statement statement = connection.createStatement()) {
			statement.execute("INSERT INTO events (bucket, note) SELECT i % 1000, 'burst' FROM generate_series(1, 200000) i");
		}

		move.cutOver(WRITERS, DEADLINE);

		assertThat(count(servers.target, database, "SELECT count(*) FROM events")).isEqualTo(201_000);
		move.cleanUp();
		servers.dropDatabase(database);
	}

	/**
	 * A session that has passed its CONNECT check but is not yet in {@code pg_stat_activity} when the freeze looks
	 * (PostgreSQL lists a backend only at the end of its start-up; {@code post_auth_delay} stretches that window to
	 * seconds): the cut-over must not return before it can end that session, or the session writes to the source
	 * after the end of the stream the target was waiting for.
	 */
	@Test
	void aSessionStillStartingWhenTheFreezeBeginsCommitsNothingAfterTheCutOver() throws Exception {
		String database = "moved_late_5e6f7a8b";
		DatabaseMove move = caughtUp(database, 10, 10);
		ExecutorService thread = Executors.newSingleThreadExecutor();
		try {
			Future<String> late = thread.submit(() -> writeUntilRefused(database, "-c post_auth_delay=3"));
			long deadline = System.nanoTime() + DEADLINE.toNanos();
			while (count(servers.source, "postgres", "SELECT count(*) FROM pg_locks WHERE locktype = 'object' "
					+ "AND classid = 'pg_database'::regclass AND objid = (SELECT oid FROM pg_database WHERE datname = '"
					+ database + "')") == 0) {
				assertThat(System.nanoTime() - deadline).as("the late session starts").isNegative();
				Thread.sleep(5);
			}
			// Past its CONNECT check (taken right after the lock), inside the delay.
			Thread.sleep(500);

			move.cutOver(WRITERS, DEADLINE);
			long onSourceAtCutOver = count(servers.source, database, "SELECT count(*) FROM items");

			assertThat(late).as("the late session, still writing after the cut-over returned")
				.succeedsWithin(Duration.ofSeconds(30))
				.isEqualTo("57P01");
			assertThat(count(servers.source, database, "SELECT count(*) FROM items"))
				.as("rows committed on the source after the cut-over returned").isEqualTo(onSourceAtCutOver);
			assertThat(count(servers.target, database, "SELECT count(*) FROM items")).isEqualTo(onSourceAtCutOver);
		}
		finally {
			thread.shutdownNow();
		}
		move.cleanUp();
		servers.dropDatabase(database);
	}

	/**
	 * A commit acknowledged with {@code synchronous_commit} off just before the freeze: its WAL is not yet written
	 * (the WAL writer waits ten seconds here), so the position the cut-over waits for must include it anyway.
	 */
	@Test
	void aCommitAcknowledgedBeforeItsWalIsFlushedReachesTheTargetBeforeTheCutOverReturns() throws Exception {
		String database = "moved_async_9c0d1e2f";
		DatabaseMove move = caughtUp(database, 10, 10);
		execute(servers.source, "postgres", "ALTER SYSTEM SET wal_writer_delay = '10s'", "SELECT pg_reload_conf()");
		try {
			try (Connection connection = MoveServers.connect(servers.source, database, WRITER);
					Statement statement = connection.createStatement()) {
				statement.execute("SET synchronous_commit = off");
				statement.execute("INSERT INTO items (payload) VALUES ('acknowledged, not flushed')");
			}

			move.cutOver(WRITERS, DEADLINE);

			assertThat(count(servers.target, database, "SELECT count(*) FROM items WHERE payload = 'acknowledged, not flushed'"))
				.isOne();
		}
		finally {
			execute(servers.source, "postgres", "ALTER SYSTEM RESET wal_writer_delay", "SELECT pg_reload_conf()");
		}
		move.cleanUp();
		servers.dropDatabase(database);
	}

	@Test
	void resumesFromANewInstanceAfterACrashBetweenAnyTwoPhases() throws Exception {
		String database = "moved_resumed_1b2c3d4e";
		servers.createDatabase(database, 2_000, 1_000);
		servers.move(database).prepare();
		servers.move(database).prepare();
		assertThatExceptionOfType(DatabaseMoveException.class).isThrownBy(() -> servers.move(database).subscribe())
			.withMessage("Database " + database + " is not published on the source");
		assertThat(queryString(servers.target, database, "SELECT description FROM flyway_schema_history"))
			.as("nothing emptied").isEqualTo("target history");
		servers.move(database).publish();
		servers.move(database).publish();
		// A CREATE SUBSCRIPTION that created its slot on the source but did not commit on the target.
		String slot = DatabaseMove.replicationName(database);
		execute(servers.source, database, "SELECT pg_create_logical_replication_slot('" + slot + "', 'pgoutput')");
		// A copy abandoned half-way is emptied before the next subscription copies again.
		execute(servers.target, database, "INSERT INTO items (payload) VALUES ('abandoned copy')");

		servers.move(database).subscribe();
		servers.move(database).subscribe();
		servers.move(database).awaitCaughtUp(CAUGHT_UP, DEADLINE);
		assertThat(DatabaseMove.leftovers(servers.targetConnections(), List.of(database)))
			.containsExactly(new DatabaseMove.Leftover(DatabaseMove.Leftover.Kind.SUBSCRIPTION, slot, database));
		assertThat(DatabaseMove.leftovers(servers.sourceConnections(), List.of(database))).containsExactlyInAnyOrder(
				new DatabaseMove.Leftover(DatabaseMove.Leftover.Kind.SLOT, slot, database),
				new DatabaseMove.Leftover(DatabaseMove.Leftover.Kind.PUBLICATION, slot, database));
		servers.move(database).cutOver(WRITERS, DEADLINE);
		execute(servers.source, database, "SELECT nextval('items_id_seq')");
		servers.move(database).cutOver(WRITERS, DEADLINE);
		servers.move(database).cleanUp();
		servers.move(database).cleanUp();

		assertThat(checksums(servers.target, database)).isEqualTo(checksums(servers.source, database));
		assertThat(count(servers.target, database, "SELECT last_value FROM items_id_seq"))
			.isEqualTo(count(servers.source, database, "SELECT last_value FROM items_id_seq"));
		assertThat(servers.replicationObjects(database)).isEmpty();
		servers.dropDatabase(database);
	}

	@Test
	void aRollbackFromAnyPointLeavesNothingAndLetsTheWritersBackIn() throws Exception {
		String database = "moved_rolled_2c3d4e5f";
		DatabaseMove move = caughtUp(database, 2_000, 1_000);
		move.cutOver(WRITERS, DEADLINE);

		servers.move(database).rollBack(WRITERS);
		servers.move(database).rollBack(WRITERS);

		assertThat(servers.replicationObjects(database)).isEmpty();
		try (Connection connection = MoveServers.connect(servers.source, database, WRITER)) {
			assertThat(connection.isValid(5)).isTrue();
		}
		execute(servers.target, "postgres", "DROP DATABASE " + database);
		servers.dropDatabase(database);
	}

	@Test
	void aTargetThatCannotReachTheSourceStillDropsItsSubscriptionAndTheSlotGoesToo() throws Exception {
		String database = "moved_cutoff_3d4e5f6a";
		DatabaseMove move = caughtUp(database, 1_000, 100);
		execute(servers.source, "postgres", "ALTER ROLE " + MoveServers.MOVER + " NOLOGIN",
				"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '" + MoveServers.MOVER + "'");
		try {
			move.cleanUp();

			assertThat(servers.replicationObjects(database)).isEmpty();
		}
		finally {
			execute(servers.source, "postgres", "ALTER ROLE " + MoveServers.MOVER + " LOGIN");
		}
		servers.dropDatabase(database);
	}

	@Test
	void leftoversOfAnAbandonedMoveAreListedAndDroppedOneByOne() throws Exception {
		String database = "moved_orphan_4e5f6a7b";
		servers.createDatabase(database, 100, 100);
		DatabaseMove move = servers.move(database);
		move.prepare();
		move.publish();
		move.subscribe();

		for (ServerConnections server : List.of(servers.targetConnections(), servers.sourceConnections())) {
			List<DatabaseMove.Leftover> leftovers = DatabaseMove.leftovers(server, List.of(database));
			assertThat(leftovers).isNotEmpty();
			leftovers.forEach(leftover -> DatabaseMove.drop(server, leftover));
		}

		assertThat(servers.replicationObjects(database)).isEmpty();
		assertThatIllegalArgumentException().isThrownBy(() -> DatabaseMove.drop(servers.sourceConnections(),
				new DatabaseMove.Leftover(DatabaseMove.Leftover.Kind.SLOT, "someone_elses", database)));
		servers.dropDatabase(database);
	}

	@Test
	void aTargetWhoseTablesDifferIsRefusedBeforeAnythingIsPublished() throws Exception {
		String database = "moved_differs_5f6a7b8c";
		servers.createDatabase(database, 10, 10);
		execute(servers.target, database, "DROP TABLE events", "ALTER TABLE items ADD COLUMN extra int");

		assertThatExceptionOfType(DatabaseMoveException.class).isThrownBy(() -> servers.move(database).prepare())
			.satisfies(ex -> assertThat(ex.reason()).isEqualTo(DatabaseMoveException.Reason.SCHEMA_MISMATCH))
			.satisfies(ex -> assertThat(ex.details()).containsExactly("the target lacks table public.events",
					"table public.items has (counter integer, id bigint, payload text) on the source, "
							+ "(counter integer, extra integer, id bigint, payload text) on the target"));
		assertThat(servers.replicationObjects(database)).isEmpty();
		servers.dropDatabase(database);
	}

	@Test
	void aFreezeThatWouldNotStopAWriterIsRefused() throws Exception {
		String database = "moved_leaky_6a7b8c9d";
		servers.createDatabase(database, 10, 10);
		execute(servers.source, "postgres", "GRANT CONNECT ON DATABASE " + database + " TO PUBLIC");

		assertThatExceptionOfType(DatabaseMoveException.class)
			.isThrownBy(() -> servers.move(database).cutOver(WRITERS, DEADLINE))
			.satisfies(ex -> assertThat(ex.reason()).isEqualTo(DatabaseMoveException.Reason.FREEZE_INEFFECTIVE))
			.satisfies(ex -> assertThat(ex.details()).containsExactly(
					"login writer can still connect through PUBLIC or a role it belongs to"));
		assertThatExceptionOfType(DatabaseMoveException.class)
			.isThrownBy(() -> servers.move(database).cutOver(List.of("postgres"), DEADLINE))
			.satisfies(ex -> assertThat(ex.details()).containsExactly("login postgres is a superuser"));
		servers.dropDatabase(database);
	}

	/** A new source database of these sizes, published, subscribed and caught up on the target. */
	private static DatabaseMove caughtUp(String database, int items, int events) throws SQLException {
		servers.createDatabase(database, items, events);
		DatabaseMove move = servers.move(database);
		move.prepare();
		move.publish();
		move.subscribe();
		move.awaitCaughtUp(CAUGHT_UP, DEADLINE);
		return move;
	}

	/** The k of every writer transaction the target holds. */
	private static Set<Integer> writerTransactions(String database) throws SQLException {
		String list = queryString(servers.target, database,
				"SELECT coalesce(string_agg(substr(payload, 2), ','), '') FROM items WHERE payload ~ '^w[0-9]+$'");
		Set<Integer> ks = new TreeSet<>();
		for (String k : list.split(",")) {
			if (!k.isEmpty()) {
				ks.add(Integer.parseInt(k));
			}
		}
		return ks;
	}

	/** Connects as the writer with these start-up options and inserts until refused: the SQLSTATE it ended with. */
	private static String writeUntilRefused(String database, String options) {
		Properties properties = new Properties();
		properties.setProperty("user", WRITER);
		properties.setProperty("password", "writer");
		properties.setProperty("options", options);
		String url = "jdbc:postgresql://localhost:" + servers.source.getPort() + "/" + database;
		try (Connection connection = DriverManager.getConnection(url, properties);
				Statement statement = connection.createStatement()) {
			for (int i = 0; i < 1_000_000; i++) {
				statement.execute("INSERT INTO items (payload, counter) VALUES ('late', " + i + ")");
				Thread.sleep(10);
			}
			return "never refused";
		}
		catch (SQLException ex) {
			return ex.getSQLState();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return "interrupted";
		}
	}

	private static void awaitCommits(MoveWriter writer, int more) throws InterruptedException {
		int goal = writer.committed().size() + more;
		long deadline = System.nanoTime() + DEADLINE.toNanos();
		while (writer.committed().size() < goal && System.nanoTime() < deadline) {
			Thread.sleep(20);
		}
		assertThat(writer.committed().size()).as("the writer keeps committing").isGreaterThanOrEqualTo(goal);
	}

}
