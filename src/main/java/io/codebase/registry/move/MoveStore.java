package io.codebase.registry.move;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;

import io.codebase.registry.fleet.CapacityReservations;
import io.codebase.registry.provisioning.DatabaseMove;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The {@code project_moves} table: every phase of a move is written here before it runs, so that the replica that
 * takes the project's ownership after a crash knows where to go on. Each write is its own statement (and its own
 * transaction, unless the caller's is open: the switch commits the project's new server and the next phase
 * together).
 * <p>
 * It is also what moves reserve on their targets ({@link CapacityReservations}): an unfinished move counts as one
 * project on its target until its switch (from then on the project itself counts there; the switch commits both
 * in one transaction), and as its expected bytes until it finishes.
 */
@Component
class MoveStore implements CapacityReservations {

	private static final String COLUMNS = "id, project_id, project_name, database_name, source_server, target_server, "
			+ "cause, state, phase, tables_total, tables_copied, rows_copied, bytes_copied, source_bytes, target_bytes, "
			+ "lag_bytes, freeze_millis, error, attempts, source_drop_after, source_dropped_at, created_at, updated_at, "
			+ "finished_at";

	private static final String ACTIVE = "state IN ('RUNNING', 'ROLLING_BACK')";

	private final JdbcClient jdbc;

	MoveStore(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	/**
	 * Records a new RUNNING move in its first phase, which reserves a project on its target; empty when the project
	 * has an unfinished move already (the unique index decides, across replicas).
	 */
	Optional<Move> insert(UUID id, UUID projectId, String projectName, String databaseName, String source,
			String target, String cause) {
		try {
			this.jdbc.sql("INSERT INTO project_moves (id, project_id, project_name, database_name, source_server, "
					+ "target_server, cause, state, phase) VALUES (?, ?, ?, ?, ?, ?, ?, 'RUNNING', 'PREPARING')")
				.params(id, projectId, projectName, databaseName, source, target, cause)
				.update();
		}
		catch (DuplicateKeyException ex) {
			return Optional.empty();
		}
		return find(id);
	}

	@Override
	public Map<String, Reserved> reserved() {
		return this.jdbc.sql("SELECT target_server, count(*) FILTER (WHERE phase NOT IN ('CLEANING_UP', 'DONE')), "
				+ "coalesce(sum(expected_bytes), 0) FROM project_moves WHERE " + ACTIVE + " GROUP BY target_server")
			.query((row, number) -> Map.entry(row.getString(1), new Reserved(row.getLong(2), row.getLong(3))))
			.list()
			.stream()
			.collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
	}

	/** Reserves the database's expected size on the move's target too, until the move finishes. */
	void expectBytes(UUID id, long expectedBytes) {
		this.jdbc.sql("UPDATE project_moves SET expected_bytes = ? WHERE id = ?").params(expectedBytes, id).update();
	}

	Optional<Move> find(UUID id) {
		return this.jdbc.sql("SELECT " + COLUMNS + " FROM project_moves WHERE id = ?").param(id).query(MoveStore::move)
			.optional();
	}

	Move get(UUID id) {
		return find(id).orElseThrow(() -> new MoveNotFoundException(id));
	}

	/** The project's moves, newest first. */
	List<Move> forProject(UUID projectId) {
		return this.jdbc.sql("SELECT " + COLUMNS + " FROM project_moves WHERE project_id = ? ORDER BY created_at DESC, id")
			.param(projectId)
			.query(MoveStore::move)
			.list();
	}

	Optional<Move> active(UUID projectId) {
		return this.jdbc.sql("SELECT " + COLUMNS + " FROM project_moves WHERE project_id = ? AND " + ACTIVE)
			.param(projectId)
			.query(MoveStore::move)
			.optional();
	}

	/** Every unfinished move, oldest first: what a resume looks at. */
	List<Move> unfinished() {
		return this.jdbc.sql("SELECT " + COLUMNS + " FROM project_moves WHERE " + ACTIVE + " ORDER BY created_at")
			.query(MoveStore::move)
			.list();
	}

	/** Unfinished moves off a server, for a given cause: what a drain counts against its parallelism. */
	int activeFrom(String source, String cause) {
		return this.jdbc.sql("SELECT count(*) FROM project_moves WHERE source_server = ? AND cause = ? AND " + ACTIVE)
			.params(source, cause)
			.query(Integer.class)
			.single();
	}

	/** How many moves off a server for a cause ended in this state since then. */
	long finishedFrom(String source, String cause, MoveState state, Instant since) {
		return this.jdbc.sql("SELECT count(*) FROM project_moves WHERE source_server = ? AND cause = ? AND state = ? "
				+ "AND created_at >= ?")
			.params(source, cause, state.name(), Timestamp.from(since))
			.query(Long.class)
			.single();
	}

	/** Projects whose move off a server for a cause failed since then: a drain does not try them again. */
	Set<UUID> failedFrom(String source, String cause, Instant since) {
		return new HashSet<>(this.jdbc.sql("SELECT project_id FROM project_moves WHERE source_server = ? AND cause = ? "
				+ "AND state = 'FAILED' AND created_at >= ?")
			.params(source, cause, Timestamp.from(since))
			.query(UUID.class)
			.list());
	}

	/** A runner took the move up. */
	void started(UUID id) {
		this.jdbc.sql("UPDATE project_moves SET attempts = attempts + 1, updated_at = now() WHERE id = ?")
			.param(id)
			.update();
	}

	/** The phase about to run, written before it runs. */
	void advance(UUID id, MovePhase phase) {
		this.jdbc.sql("UPDATE project_moves SET phase = ?, updated_at = now() WHERE id = ? AND state = 'RUNNING'")
			.params(phase.name(), id)
			.update();
	}

	void progress(UUID id, DatabaseMove.Progress progress) {
		this.jdbc.sql("UPDATE project_moves SET tables_total = ?, tables_copied = ?, rows_copied = ?, bytes_copied = ?, "
				+ "source_bytes = ?, target_bytes = ?, lag_bytes = ?, updated_at = now() WHERE id = ?")
			.params(progress.tables(), progress.tablesReady(), progress.copyingRows(), progress.copyingBytes(),
					progress.sourceBytes(), progress.targetBytes(), progress.lagBytes(), id)
			.update();
	}

	/** The switch is done: how long writes were frozen, and the next phase. */
	void switched(UUID id, long freezeMillis) {
		this.jdbc.sql("UPDATE project_moves SET freeze_millis = ?, lag_bytes = 0, phase = 'CLEANING_UP', "
				+ "updated_at = now() WHERE id = ?")
			.params(freezeMillis, id)
			.update();
	}

	/** A failed attempt that the next one may get past (cleaning up after the switch): the move stays RUNNING. */
	void attemptFailed(UUID id, String error) {
		this.jdbc.sql("UPDATE project_moves SET error = ?, updated_at = now() WHERE id = ?").params(error, id).update();
	}

	void rollingBack(UUID id, String error) {
		this.jdbc.sql("UPDATE project_moves SET state = 'ROLLING_BACK', error = ?, updated_at = now() "
				+ "WHERE id = ? AND state = 'RUNNING'")
			.params(error, id)
			.update();
	}

	void failed(UUID id) {
		this.jdbc.sql("UPDATE project_moves SET state = 'FAILED', finished_at = now(), updated_at = now() WHERE id = ?")
			.param(id)
			.update();
	}

	void succeeded(UUID id, Instant dropSourceAfter) {
		this.jdbc.sql("UPDATE project_moves SET state = 'SUCCEEDED', phase = 'DONE', error = NULL, source_drop_after = ?, "
				+ "finished_at = now(), updated_at = now() WHERE id = ?")
			.params(Timestamp.from(dropSourceAfter), id)
			.update();
	}

	/** Successful moves whose source database is still kept; {@code due}: only those past their grace period. */
	List<Move> keptSources(boolean due) {
		return this.jdbc.sql("SELECT " + COLUMNS + " FROM project_moves WHERE source_drop_after IS NOT NULL "
				+ "AND source_dropped_at IS NULL" + (due ? " AND source_drop_after <= now()" : "") + " ORDER BY source_drop_after")
			.query(MoveStore::move)
			.list();
	}

	/** Unfinished moves to this server: their target databases are not the projects' (yet). */
	List<Move> activeTo(String target) {
		return this.jdbc.sql("SELECT " + COLUMNS + " FROM project_moves WHERE target_server = ? AND " + ACTIVE)
			.param(target)
			.query(MoveStore::move)
			.list();
	}

	/** The databases every move from this server ever published: where a publication may be left over. */
	List<String> databasesMovedFrom(String source) {
		return this.jdbc.sql("SELECT DISTINCT database_name FROM project_moves WHERE source_server = ? ORDER BY 1")
			.param(source)
			.query(String.class)
			.list();
	}

	/** The databases of every unfinished move: their replication objects are in use. */
	List<String> activeDatabases() {
		return this.jdbc.sql("SELECT database_name FROM project_moves WHERE " + ACTIVE).query(String.class).list();
	}

	void sourceDropped(UUID id) {
		this.jdbc.sql("UPDATE project_moves SET source_dropped_at = now(), updated_at = now() WHERE id = ?")
			.param(id)
			.update();
	}

	private static Move move(ResultSet row, int rowNumber) throws SQLException {
		return new Move(row.getObject("id", UUID.class), row.getObject("project_id", UUID.class),
				row.getString("project_name"), row.getString("database_name"), row.getString("source_server"),
				row.getString("target_server"), row.getString("cause"), MoveState.valueOf(row.getString("state")),
				MovePhase.valueOf(row.getString("phase")),
				progress(row),
				row.getObject("freeze_millis", Long.class), row.getString("error"), row.getInt("attempts"),
				instant(row, "source_drop_after"), instant(row, "source_dropped_at"), instant(row, "created_at"),
				instant(row, "updated_at"), instant(row, "finished_at"));
	}

	/** Null until the copy was measured once. */
	private static Move.MoveProgress progress(ResultSet row) throws SQLException {
		if (row.getObject("tables_total") == null) {
			return null;
		}
		return new Move.MoveProgress(row.getInt("tables_total"), row.getInt("tables_copied"), row.getLong("rows_copied"),
				row.getLong("bytes_copied"), row.getLong("source_bytes"), row.getLong("target_bytes"),
				row.getLong("lag_bytes"));
	}

	private static Instant instant(ResultSet row, String column) throws SQLException {
		Timestamp value = row.getTimestamp(column);
		return (value != null) ? value.toInstant() : null;
	}

}
