package io.codebase.registry.coherence;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;

import io.codebase.registry.support.Projects;
import io.codebase.registry.support.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.test.context.SpringBootTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The V4 trigger, seen by a plain JDBC listener: every committed insert, update and delete of a project row is
 * announced with its id, both names, the operation and the version; a rolled-back change announces nothing.
 * (A Spring context only to have the migrations applied.)
 */
@SpringBootTest
class ChangeNotificationTriggerTest {

	private static final TestDatabase db = TestDatabase.get();

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private Connection listener;

	@BeforeEach
	void listen() throws SQLException {
		this.listener = db.connect();
		try (Statement statement = this.listener.createStatement()) {
			statement.execute("LISTEN " + ProjectChangeListener.CHANNEL);
		}
	}

	@AfterEach
	void close() throws SQLException {
		this.listener.close();
	}

	@Test
	void everyCommittedChangeIsAnnouncedWithIdNamesOperationAndVersion() throws SQLException {
		UUID id = UUID.randomUUID();
		String name = "trigger-" + id.toString().substring(0, 8);
		db.execute("INSERT INTO projects (id, name, database_name, state, server) VALUES ('" + id + "', '" + name + "', 'cb_proj_t_"
				+ id.toString().substring(0, 8) + "', 'READY', 'default')");
		db.execute("UPDATE projects SET name = '" + name + "-new', version = 7 WHERE id = '" + id + "'");
		db.execute("DELETE FROM projects WHERE id = '" + id + "'");

		List<JsonNode> changes = receive(change -> change.get("id").asString().equals(id.toString()), 3);

		assertThat(changes).extracting(change -> change.get("operation").asString())
			.containsExactly("INSERT", "UPDATE", "DELETE");
		assertThat(changes).allSatisfy(change -> assertThat(change.get("id").asString()).isEqualTo(id.toString()));
		assertThat(changes.get(0).get("oldName").isNull()).isTrue();
		assertThat(changes.get(0).get("newName").asString()).isEqualTo(name);
		assertThat(changes.get(0).get("version").asLong()).isZero();
		assertThat(changes.get(1).get("oldName").asString()).isEqualTo(name);
		assertThat(changes.get(1).get("newName").asString()).isEqualTo(name + "-new");
		assertThat(changes.get(1).get("version").asLong()).isEqualTo(7);
		assertThat(changes.get(2).get("oldName").asString()).isEqualTo(name + "-new");
		assertThat(changes.get(2).get("newName").isNull()).isTrue();
	}

	@Test
	void aRolledBackChangeAnnouncesNothing() throws SQLException {
		UUID id = UUID.randomUUID();
		String name = "rolled-back-" + id.toString().substring(0, 8);
		try (Connection writer = db.connect(); Statement statement = writer.createStatement()) {
			writer.setAutoCommit(false);
			statement.execute("INSERT INTO projects (id, name, database_name, state, server) VALUES ('" + id + "', '" + name
					+ "', 'cb_proj_rb_" + id.toString().substring(0, 8) + "', 'READY', 'default')");
			writer.rollback();
		}
		// Notifications arrive in commit order: had the rollback announced anything, it would come first.
		String marker = Projects.uniqueName("marker");
		db.execute("INSERT INTO projects (id, name, database_name, state, server) VALUES (gen_random_uuid(), '" + marker
				+ "', 'cb_proj_m_" + marker.substring(7) + "', 'READY', 'default')");

		List<JsonNode> changes = receive(change -> List.of(name, marker).contains(change.get("newName").asString()), 1);

		assertThat(changes.get(0).get("newName").asString()).isEqualTo(marker);
		assertThat(db.count("SELECT count(*) FROM projects WHERE name = ?", name)).isZero();
	}

	/** The next notifications of this test's rows, waiting (bounded) for them; anyone else's are skipped. */
	private List<JsonNode> receive(Predicate<JsonNode> ours, int wanted) throws SQLException {
		PGConnection postgres = this.listener.unwrap(PGConnection.class);
		List<JsonNode> changes = new ArrayList<>();
		long deadline = System.nanoTime() + 30_000_000_000L;
		while (changes.size() < wanted && System.nanoTime() < deadline) {
			PGNotification[] received = postgres.getNotifications(500);
			if (received != null) {
				for (PGNotification notification : received) {
					JsonNode change = JSON.readTree(notification.getParameter());
					if (ours.test(change)) {
						changes.add(change);
					}
				}
			}
		}
		assertThat(changes).hasSize(wanted);
		return changes;
	}

}
