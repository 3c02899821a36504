package io.codebase.registry.provisioning;

import java.io.IOException;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

import static io.codebase.registry.provisioning.MoveServers.checksums;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The figures of the "Moves" section of docs/benchmarks.md: the initial copy of a move against a plain
 * {@code COPY ... TO STDOUT} piped into {@code COPY ... FROM STDIN} between the same two servers, and the write
 * freeze of cut-overs under a writer. Not part of the build (the name does not end in Test); run it with
 * {@code bench/moves.sh}, or {@code ./mvnw -o -q test -Dtest=MoveBenchmark -Dbench.rows=1000000 -Dbench.freezes=10}.
 */
class MoveBenchmark {

	private static final Duration DEADLINE = Duration.ofMinutes(30);

	private final int rows = Integer.getInteger("bench.rows", 1_000_000);

	private final int freezes = Integer.getInteger("bench.freezes", 10);

	@Test
	void copyThroughputAndFreezeTime() throws Exception {
		try (MoveServers servers = MoveServers.start()) {
			String database = "bench_copy_0a0b0c0d";
			servers.createDatabase(database, this.rows, this.rows / 2);
			long sourceBytes = MoveServers.count(servers.source, database, "SELECT pg_database_size(current_database())");

			long start = System.nanoTime();
			plainCopy(servers, database);
			double plainSeconds = seconds(start);
			long copiedBytes = 0;
			try (Connection connection = MoveServers.connect(servers.source, database, "postgres")) {
				for (String table : MoveServers.TABLES) {
					copiedBytes += sizeOf(connection, table);
				}
			}
			MoveServers.execute(servers.target, database, "TRUNCATE items, events, flyway_schema_history");

			DatabaseMove move = servers.move(database);
			start = System.nanoTime();
			move.prepare();
			move.publish();
			move.subscribe();
			move.awaitCaughtUp(Long.MAX_VALUE, DEADLINE);
			double logicalSeconds = seconds(start);
			move.cutOver(List.of(MoveServers.WRITER), DEADLINE);
			assertThat(checksums(servers.target, database)).isEqualTo(checksums(servers.source, database));
			move.cleanUp();
			servers.dropDatabase(database);

			List<Double> freezeMillis = new ArrayList<>();
			for (int i = 0; i < this.freezes; i++) {
				freezeMillis.add(freezeUnderWrites(servers, String.format(Locale.ROOT, "bench_freeze_%08x", i)));
			}
			freezeMillis.sort(null);

			double megabytes = copiedBytes / 1e6;
			System.out.printf(Locale.ROOT, "%n[MoveBenchmark] %d + %d rows, source database %.1f MB, COPY text %.1f MB%n",
					this.rows, this.rows / 2, sourceBytes / 1e6, megabytes);
			System.out.printf(Locale.ROOT, "[MoveBenchmark] plain COPY out|in:          %6.1f s  %6.1f MB/s%n",
					plainSeconds, megabytes / plainSeconds);
			System.out.printf(Locale.ROOT, "[MoveBenchmark] logical replication copy:   %6.1f s  %6.1f MB/s (%.2f x plain)%n",
					logicalSeconds, megabytes / logicalSeconds, plainSeconds / logicalSeconds);
			System.out.printf(Locale.ROOT, "[MoveBenchmark] freeze under writes (%d cut-overs): p50 %.0f ms, max %.0f ms, all %s%n",
					freezeMillis.size(), freezeMillis.get(freezeMillis.size() / 2), freezeMillis.get(freezeMillis.size() - 1),
					freezeMillis);
		}
	}

	/** Every table, one after the other, each piped from the source's COPY TO into the target's COPY FROM. */
	private static void plainCopy(MoveServers servers, String database) throws Exception {
		try (Connection from = MoveServers.connect(servers.source, database, "postgres");
				Connection to = MoveServers.connect(servers.target, database, "postgres")) {
			CopyManager out = from.unwrap(PGConnection.class).getCopyAPI();
			CopyManager in = to.unwrap(PGConnection.class).getCopyAPI();
			MoveServers.execute(servers.target, database, "TRUNCATE flyway_schema_history");
			for (String table : MoveServers.TABLES) {
				PipedInputStream pipe = new PipedInputStream(1 << 20);
				PipedOutputStream sink = new PipedOutputStream(pipe);
				CompletableFuture<Long> reader = CompletableFuture.supplyAsync(() -> {
					try (sink) {
						return out.copyOut("COPY " + table + " TO STDOUT", sink);
					}
					catch (SQLException | IOException ex) {
						throw new IllegalStateException(ex);
					}
				});
				in.copyIn("COPY " + table + " FROM STDIN", pipe);
				reader.join();
			}
		}
	}

	/** The bytes of a table's COPY text: what both copies carry. */
	private static long sizeOf(Connection connection, String table) throws SQLException {
		try (var query = connection.createStatement();
				var row = query.executeQuery("SELECT sum(octet_length(t::text) + 1) FROM " + table + " t")) {
			row.next();
			return row.getLong(1);
		}
	}

	/** One move of a small database while the writer writes; the freeze's length in milliseconds. */
	private static double freezeUnderWrites(MoveServers servers, String database) throws Exception {
		servers.createDatabase(database, 10_000, 10_000);
		DatabaseMove move = servers.move(database);
		MoveWriter writer = new MoveWriter(servers.source, database, 10_000).start();
		try {
			move.prepare();
			move.publish();
			move.subscribe();
			move.awaitCaughtUp(1024 * 1024, DEADLINE);
			Thread.sleep(500);
			DatabaseMove.CutOver cutOver = move.cutOver(List.of(MoveServers.WRITER), DEADLINE);
			System.out.println("[MoveBenchmark] " + cutOver + " after " + writer.committed().size() + " commits");
			return cutOver.total().toNanos() / 1e6;
		}
		finally {
			writer.stop();
			move.cleanUp();
			servers.dropDatabase(database);
		}
	}

	private static double seconds(long start) {
		return (System.nanoTime() - start) / 1e9;
	}

}
