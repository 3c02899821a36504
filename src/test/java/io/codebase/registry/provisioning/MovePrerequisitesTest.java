package io.codebase.registry.provisioning;

import java.util.List;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.Test;

import static io.codebase.registry.provisioning.MoveServers.execute;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * A server that cannot be the source of a move is refused before anything is created, with every missing piece
 * named; the names and the connection string a move uses are safe whatever they contain.
 */
class MovePrerequisitesTest {

	@Test
	void everyMissingPrerequisiteIsNamedAndNothingIsCreated() throws Exception {
		String database = "unmovable_7b8c9d0e";
		// One server as both source and target: the checks of each side read only that side.
		try (EmbeddedPostgres plain = EmbeddedPostgres.builder()
					.setServerConfig("wal_level", "replica")
					.setServerConfig("max_replication_slots", "1")
					.setServerConfig("max_wal_senders", "1")
					.start()) {
			execute(plain, "postgres", "CREATE DATABASE " + database, "CREATE ROLE clerk LOGIN");
			execute(plain, database, "CREATE UNLOGGED TABLE scratch (id int)", "CREATE TABLE secret (id int)");
			ServerConnections source = MoveServers.connections(plain);
			ServerConnections target = source;
			DatabaseMove move = new DatabaseMove(source, new ReplicationLogin("localhost", plain.getPort(), "clerk", ""),
					target, database);

			assertThatExceptionOfType(DatabaseMoveException.class).isThrownBy(move::checkPrerequisites)
				.satisfies(ex -> assertThat(ex.reason()).isEqualTo(DatabaseMoveException.Reason.PREREQUISITES))
				.satisfies(ex -> assertThat(ex.details()).containsExactly(
						"target: 1 free replication origins (max_replication_slots=1); a move needs 2",
						"source: wal_level is replica; logical replication needs wal_level=logical "
								+ "(a server setting: restart after changing it)",
						"source: the replication login clerk lacks the REPLICATION attribute",
						"source: the replication login clerk may not read public.scratch (the initial copy reads every table)",
						"source: the replication login clerk may not read public.secret (the initial copy reads every table)",
						"source: unlogged table public.scratch is not replicated (ALTER TABLE ... SET LOGGED)",
						"source: 1 free replication slots (max_replication_slots=1); a move needs 2",
						"source: 1 free WAL senders (max_wal_senders=1); a move needs 2"));
			assertThatExceptionOfType(DatabaseMoveException.class)
				.isThrownBy(() -> new DatabaseMove(source, new ReplicationLogin("localhost", plain.getPort(), "nobody", ""),
						target, database).checkPrerequisites())
				.satisfies(ex -> assertThat(ex.details()).contains("source: the replication login nobody does not exist"));
			assertThat(DatabaseMove.leftovers(source, List.of(database))).isEmpty();
		}
	}

	@Test
	void replicationNamesAreShortPlainIdentifiersOfTheDatabaseName() {
		String longest = "a".repeat(50) + "_0123abcd";
		assertThat(DatabaseMove.replicationName(longest)).matches("registry_move_[0-9a-f]{16}")
			.isEqualTo(DatabaseMove.replicationName(longest))
			.isNotEqualTo(DatabaseMove.replicationName("b" + longest.substring(1)));
		assertThatExceptionOfType(IllegalArgumentException.class)
			.isThrownBy(() -> DatabaseMove.replicationName("x\"; DROP DATABASE registry; --_0123abcd"));
	}

	@Test
	void theConnectionStringQuotesEveryValueAndTheLoginNeverShowsItsPassword() {
		ReplicationLogin login = new ReplicationLogin("db.example", 5432, "mover", "it's \\ host=evil");

		assertThat(login.conninfo("project_0123abcd")).isEqualTo(
				"host='db.example' port='5432' user='mover' dbname='project_0123abcd' password='it\\'s \\\\ host=evil'");
		assertThat(new ReplicationLogin("h", 1, "u", null).conninfo("d_0123abcd")).doesNotContain("password");
		assertThat(login.toString()).doesNotContain("evil").contains("mover@db.example:5432");
	}

}
