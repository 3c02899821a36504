package io.codebase.registry.rollout;

import java.math.BigDecimal;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

import io.codebase.registry.problem.PageCursor;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Rollouts and their items in PostgreSQL ({@code schema_rollouts}, {@code schema_rollout_items}): the progress of
 * a rollout is these rows, so it survives a restart. Every change the runner makes is a conditional update on the
 * rollout's state, so a cancel from any replica wins over a runner that has not seen it yet. Plain SQL, because
 * items are created and counted in bulk.
 */
@Repository
class RolloutStore {

	/** Locations are stored as one text, joined by this (it cannot occur in a Flyway location list item). */
	private static final String LOCATION_SEPARATOR = ",";

	private static final String ITEM_ORDER = "state <> 'FAILED', wave, project_name, project_id";

	private final JdbcClient jdbc;

	RolloutStore(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	/** Inserts a RUNNING rollout at its first wave; a unique violation means another one is unfinished. */
	void insert(UUID id, RolloutSettings settings, List<String> locations) {
		BigDecimal percent = (settings.failureBudget() != null) ? settings.failureBudget().percent() : null;
		Integer count = (settings.failureBudget() != null) ? settings.failureBudget().count() : null;
		this.jdbc.sql("""
				INSERT INTO schema_rollouts (id, state, parallelism, per_server, locations, current_wave, wave_percents,
				                             canary, budget_count, budget_percent, pause_between_waves)
				VALUES (?, 'RUNNING', ?, ?, ?, ?, ?, ?, ?, ?, ?)""")
			.params(id, settings.parallelism(), settings.maxPerServer(), String.join(LOCATION_SEPARATOR, locations),
					settings.firstWave(), settings.wavePercents().toArray(Integer[]::new), settings.canary(), count,
					percent, settings.pauseBetweenWaves())
			.update();
	}

	/**
	 * The READY projects that match, by name: all of them, or only {@code projectIds}, or only those at
	 * {@code schemaVersion} (null: any; {@code noSchemaVersion}: never migrated).
	 */
	List<RolloutPlanner.Candidate> candidates(Collection<UUID> projectIds, String schemaVersion, boolean noSchemaVersion) {
		StringBuilder sql = new StringBuilder(
				"SELECT id, name, database_name, server FROM projects WHERE state = 'READY'");
		if (projectIds != null) {
			sql.append(" AND id = ANY(:ids)");
		}
		if (noSchemaVersion) {
			sql.append(" AND schema_version IS NULL");
		}
		else if (schemaVersion != null) {
			sql.append(" AND schema_version = :schemaVersion");
		}
		sql.append(" ORDER BY name, id");
		JdbcClient.StatementSpec statement = this.jdbc.sql(sql.toString());
		if (projectIds != null) {
			statement = statement.param("ids", projectIds.toArray(UUID[]::new));
		}
		if (schemaVersion != null && !noSchemaVersion) {
			statement = statement.param("schemaVersion", schemaVersion);
		}
		return statement.query((rs, row) -> new RolloutPlanner.Candidate(rs.getObject("id", UUID.class),
				rs.getString("name"), rs.getString("database_name"), rs.getString("server"))).list();
	}

	/** Adds one PENDING item per planned database, in one statement. */
	void addItems(UUID rolloutId, List<RolloutPlanner.Planned> items) {
		this.jdbc.sql("""
				INSERT INTO schema_rollout_items (rollout_id, project_id, project_name, database_name, server, wave)
				SELECT :rollout, * FROM unnest(:ids, :names, :databases, :servers, :waves)""")
			.param("rollout", rolloutId)
			.param("ids", items.stream().map(item -> item.project().id()).toArray(UUID[]::new))
			.param("names", items.stream().map(item -> item.project().name()).toArray(String[]::new))
			.param("databases", items.stream().map(item -> item.project().databaseName()).toArray(String[]::new))
			.param("servers", items.stream().map(item -> item.project().server()).toArray(String[]::new))
			.param("waves", items.stream().map(RolloutPlanner.Planned::wave).toArray(Integer[]::new))
			.update();
	}

	Optional<RolloutRow> find(UUID id) {
		return this.jdbc.sql("SELECT * FROM schema_rollouts WHERE id = ?").param(id).query(RolloutStore::rollout).optional();
	}

	Optional<RolloutRow> findRunning() {
		return this.jdbc.sql("SELECT * FROM schema_rollouts WHERE state = 'RUNNING'").query(RolloutStore::rollout).optional();
	}

	/** The one RUNNING, PAUSED or HALTED rollout, if any. */
	Optional<RolloutRow> findUnfinished() {
		return this.jdbc.sql("SELECT * FROM schema_rollouts WHERE state IN ('RUNNING', 'PAUSED', 'HALTED')")
			.query(RolloutStore::rollout)
			.optional();
	}

	/** Unfinished rollouts by state (0 or 1 each). */
	Map<RolloutState, Long> countUnfinishedByState() {
		Map<RolloutState, Long> counts = new EnumMap<>(RolloutState.class);
		this.jdbc.sql("SELECT state, count(*) FROM schema_rollouts WHERE state IN ('RUNNING', 'PAUSED', 'HALTED') GROUP BY state")
			.query((rs, row) -> Map.entry(RolloutState.valueOf(rs.getString(1)), rs.getLong(2)))
			.list()
			.forEach(entry -> counts.put(entry.getKey(), entry.getValue()));
		return counts;
	}

	Map<ItemState, Long> countByState(UUID rolloutId) {
		return countsOf(this.jdbc.sql("SELECT state, count(*) FROM schema_rollout_items WHERE rollout_id = ? GROUP BY state")
			.param(rolloutId)
			.query((rs, row) -> Map.entry(ItemState.valueOf(rs.getString(1)), rs.getLong(2)))
			.list());
	}

	/** Items by wave, then by state; every wave of the rollout has an entry, empty ones too. */
	Map<Integer, Map<ItemState, Long>> countByWave(RolloutRow rollout) {
		Map<Integer, Map<ItemState, Long>> waves = new TreeMap<>();
		for (int wave = rollout.firstWave(); wave <= rollout.lastWave(); wave++) {
			waves.put(wave, countsOf(List.of()));
		}
		this.jdbc.sql("SELECT wave, state, count(*) FROM schema_rollout_items WHERE rollout_id = ? GROUP BY wave, state")
			.param(rollout.id())
			.query((rs, row) -> {
				waves.computeIfAbsent(rs.getInt(1), wave -> countsOf(List.of()))
					.put(ItemState.valueOf(rs.getString(2)), rs.getLong(3));
				return null;
			})
			.list();
		return waves;
	}

	private static Map<ItemState, Long> countsOf(List<Map.Entry<ItemState, Long>> rows) {
		Map<ItemState, Long> counts = new EnumMap<>(ItemState.class);
		Arrays.stream(ItemState.values()).forEach(state -> counts.put(state, 0L));
		rows.forEach(entry -> counts.put(entry.getKey(), entry.getValue()));
		return counts;
	}

	/** A page of items, FAILED first, then by wave and project name; {@code state} null: every state. */
	List<RolloutItem> items(UUID rolloutId, ItemState state, int page, int size) {
		return this.jdbc.sql("""
				SELECT * FROM schema_rollout_items
				WHERE rollout_id = :rollout AND (CAST(:state AS varchar) IS NULL OR state = :state)
				ORDER BY %s
				LIMIT :limit OFFSET :offset""".formatted(ITEM_ORDER))
			.param("rollout", rolloutId)
			.param("state", (state != null) ? state.name() : null)
			.param("limit", size)
			.param("offset", (long) page * size)
			.query(RolloutStore::item)
			.list();
	}

	/**
	 * Up to {@code limit} items after {@code after} (null: from the first) in the order of {@link #items}, optionally
	 * only in one state: a keyset read, as cheap on the last page of a million items as on the first.
	 */
	List<RolloutItem> items(UUID rolloutId, ItemState state, ItemPosition after, int limit) {
		return this.jdbc.sql("""
				SELECT * FROM schema_rollout_items
				WHERE rollout_id = :rollout AND (CAST(:state AS varchar) IS NULL OR state = :state)
				  AND (CAST(:afterId AS uuid) IS NULL
				       OR (%s) > (:afterPassed, :afterWave, CAST(:afterName AS varchar), CAST(:afterId AS uuid)))
				ORDER BY %s
				LIMIT :limit""".formatted(ITEM_ORDER, ITEM_ORDER))
			.param("rollout", rolloutId)
			.param("state", (state != null) ? state.name() : null)
			.param("afterPassed", (after != null) && after.notFailed())
			.param("afterWave", (after != null) ? after.wave() : 0)
			.param("afterName", (after != null) ? after.projectName() : null)
			.param("afterId", (after != null) ? after.projectId() : null)
			.param("limit", limit)
			.query(RolloutStore::item)
			.list();
	}

	/** Where an item stands in the order of {@link #items}: the parts of an items cursor. */
	record ItemPosition(boolean notFailed, int wave, UUID projectId, String projectName) {

		static ItemPosition of(RolloutItem item) {
			return new ItemPosition(item.state() != ItemState.FAILED, item.wave(), item.projectId(), item.projectName());
		}

		/** From the four parts of a cursor; a 400 if they are not a position. */
		static ItemPosition of(List<String> parts) {
			try {
				if (!parts.get(0).equals("0") && !parts.get(0).equals("1")) {
					throw PageCursor.notACursor();
				}
				return new ItemPosition(parts.get(0).equals("1"), Integer.parseInt(parts.get(1)),
						UUID.fromString(parts.get(2)), parts.get(3));
			}
			catch (IllegalArgumentException ex) {
				throw PageCursor.notACursor();
			}
		}

		String[] parts() {
			return new String[] { this.notFailed ? "1" : "0", Integer.toString(this.wave), this.projectId.toString(),
					this.projectName };
		}

	}

	/** Every item, in the order of {@link #items}. */
	List<RolloutItem> allItems(UUID rolloutId) {
		return this.jdbc.sql("SELECT * FROM schema_rollout_items WHERE rollout_id = ? ORDER BY " + ITEM_ORDER)
			.param(rolloutId)
			.query(RolloutStore::item)
			.list();
	}

	/**
	 * The work of a wave: PENDING items of this wave and the ones before it (failures a resume retries), those
	 * already tried first, then by wave and name.
	 */
	List<RolloutItem> pendingItems(UUID rolloutId, int wave) {
		return this.jdbc.sql("""
				SELECT * FROM schema_rollout_items WHERE rollout_id = ? AND state = 'PENDING' AND wave <= ?
				ORDER BY attempts = 0, wave, project_name, project_id""")
			.params(rolloutId, wave)
			.query(RolloutStore::item)
			.list();
	}

	/** Items a dead runner had started: they are started again (Flyway skips what it applied). Returns how many. */
	int requeueRunning(UUID rolloutId) {
		return this.jdbc.sql("UPDATE schema_rollout_items SET state = 'PENDING' WHERE rollout_id = ? AND state = 'RUNNING'")
			.param(rolloutId)
			.update();
	}

	/**
	 * Records that an item starts, before its migration does (write-ahead); false when the rollout is no longer
	 * RUNNING (cancelled, from any replica) or the item is no longer PENDING.
	 */
	boolean claim(UUID rolloutId, UUID projectId) {
		return this.jdbc.sql("""
				UPDATE schema_rollout_items SET state = 'RUNNING', attempts = attempts + 1, started_at = now(),
				       error = NULL, finished_at = NULL, duration_ms = NULL
				WHERE rollout_id = ? AND project_id = ? AND state = 'PENDING'
				  AND EXISTS (SELECT 1 FROM schema_rollouts WHERE id = ? AND state = 'RUNNING')""")
			.params(rolloutId, projectId, rolloutId)
			.update() == 1;
	}

	void finishItem(UUID rolloutId, UUID projectId, ItemState state, String fromVersion, String toVersion,
			List<String> applied, String error) {
		this.jdbc.sql("""
				UPDATE schema_rollout_items
				SET state = ?, from_version = COALESCE(from_version, ?), to_version = ?, applied = applied || ?,
				    error = ?, finished_at = now(),
				    duration_ms = (extract(epoch FROM now() - COALESCE(started_at, now())) * 1000)::bigint
				WHERE rollout_id = ? AND project_id = ?""")
			.params(state.name(), fromVersion, toVersion, applied.toArray(String[]::new), error, rolloutId, projectId)
			.update();
	}

	/** Failed items of a wave and its size, for its failure budget. */
	long[] waveFailures(UUID rolloutId, int wave) {
		return this.jdbc.sql("""
				SELECT count(*) FILTER (WHERE state = 'FAILED'), count(*) FROM schema_rollout_items
				WHERE rollout_id = ? AND wave = ?""")
			.params(rolloutId, wave)
			.query((rs, row) -> new long[] { rs.getLong(1), rs.getLong(2) })
			.single();
	}

	/**
	 * Moves the rollout from one of {@code from} to {@code to} (and to {@code wave}); false when it was in none of
	 * them, e.g. cancelled meanwhile. COMPLETED and CANCELLED also set {@code finished_at}.
	 */
	boolean transition(UUID rolloutId, Set<RolloutState> from, RolloutState to, int wave, String reason) {
		return this.jdbc.sql("""
				UPDATE schema_rollouts SET state = ?, current_wave = ?, reason = ?, updated_at = now(),
				       finished_at = CASE WHEN ? THEN now() END
				WHERE id = ? AND state = ANY(?)""")
			.params(to.name(), wave, reason, !to.unfinished(), rolloutId,
					from.stream().map(RolloutState::name).toArray(String[]::new))
			.update() == 1;
	}

	/** Resume after a halt: the failed items are PENDING again, and go first. Returns how many. */
	int retryFailed(UUID rolloutId) {
		return this.jdbc.sql("UPDATE schema_rollout_items SET state = 'PENDING' WHERE rollout_id = ? AND state = 'FAILED'")
			.param(rolloutId)
			.update();
	}

	/** Cancel: nothing that has not started will. Returns how many items were skipped. */
	int skipPending(UUID rolloutId, String reason) {
		return this.jdbc.sql("""
				UPDATE schema_rollout_items SET state = 'SKIPPED', error = ?, finished_at = now()
				WHERE rollout_id = ? AND state = 'PENDING'""")
			.params(reason, rolloutId)
			.update();
	}

	/**
	 * Rollouts newest first, after the cursor position ({@code createdAt}, {@code id}) when given, optionally in one
	 * state; {@code limit} rows.
	 */
	List<RolloutList.Summary> page(RolloutState state, Instant createdAt, UUID id, int limit) {
		return this.jdbc.sql("""
				SELECT r.*, c.*
				FROM schema_rollouts r
				CROSS JOIN LATERAL (SELECT count(*) AS total,
				                           count(*) FILTER (WHERE state = 'PENDING') AS pending,
				                           count(*) FILTER (WHERE state = 'RUNNING') AS running,
				                           count(*) FILTER (WHERE state = 'SUCCEEDED') AS succeeded,
				                           count(*) FILTER (WHERE state = 'FAILED') AS failed,
				                           count(*) FILTER (WHERE state = 'SKIPPED') AS skipped
				                    FROM schema_rollout_items WHERE rollout_id = r.id) c
				WHERE (CAST(:state AS varchar) IS NULL OR r.state = :state)
				  AND (CAST(:createdAt AS timestamptz) IS NULL OR (r.created_at, r.id) < (:createdAt, :id))
				ORDER BY r.created_at DESC, r.id DESC
				LIMIT :limit""")
			.param("state", (state != null) ? state.name() : null)
			.param("createdAt", (createdAt != null) ? Timestamp.from(createdAt) : null)
			.param("id", id)
			.param("limit", limit)
			.query((rs, row) -> {
				RolloutRow rollout = rollout(rs, row);
				return new RolloutList.Summary(rollout.id(), rollout.state(), rollout.reason(), rollout.currentWave(),
						rollout.createdAt(), rollout.updatedAt(), rollout.finishedAt(),
						new Rollout.Counts(rs.getLong("total"), rs.getLong("pending"), rs.getLong("running"),
								rs.getLong("succeeded"), rs.getLong("failed"), rs.getLong("skipped")));
			})
			.list();
	}

	private static RolloutRow rollout(ResultSet rs, int row) throws SQLException {
		Integer budgetCount = rs.getObject("budget_count", Integer.class);
		BigDecimal budgetPercent = rs.getBigDecimal("budget_percent");
		RolloutRequest.FailureBudget budget = (budgetCount == null && budgetPercent == null) ? null
				: new RolloutRequest.FailureBudget(budgetCount,
						(budgetPercent != null) ? budgetPercent.stripTrailingZeros() : null);
		return new RolloutRow(rs.getObject("id", UUID.class), RolloutState.valueOf(rs.getString("state")),
				rs.getString("reason"), rs.getInt("current_wave"),
				new RolloutSettings(rs.getInt("parallelism"), rs.getInt("per_server"), rs.getBoolean("canary"),
						List.of((Integer[]) rs.getArray("wave_percents").getArray()), budget,
						rs.getBoolean("pause_between_waves")),
				List.of(rs.getString("locations").split(LOCATION_SEPARATOR)), instant(rs, "created_at"),
				instant(rs, "updated_at"), instant(rs, "finished_at"));
	}

	private static RolloutItem item(ResultSet rs, int row) throws SQLException {
		Long duration = rs.getObject("duration_ms", Long.class);
		Array applied = rs.getArray("applied");
		return new RolloutItem(rs.getObject("project_id", UUID.class), rs.getString("project_name"),
				rs.getString("database_name"), rs.getString("server"), rs.getInt("wave"),
				ItemState.valueOf(rs.getString("state")), rs.getString("from_version"), rs.getString("to_version"),
				List.of((String[]) applied.getArray()), rs.getInt("attempts"), duration, rs.getString("error"),
				instant(rs, "started_at"), instant(rs, "finished_at"));
	}

	private static Instant instant(ResultSet rs, String column) throws SQLException {
		Timestamp timestamp = rs.getTimestamp(column);
		return (timestamp != null) ? timestamp.toInstant() : null;
	}

	/** A row of {@code schema_rollouts}. */
	record RolloutRow(UUID id, RolloutState state, String reason, int currentWave, RolloutSettings settings,
			List<String> locations, Instant createdAt, Instant updatedAt, Instant finishedAt) {

		int firstWave() {
			return this.settings.firstWave();
		}

		int lastWave() {
			return this.settings.wavePercents().size();
		}

	}

}
