package io.codebase.registry.move;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import javax.sql.DataSource;

import io.codebase.registry.fleet.DrainProgress;
import io.codebase.registry.fleet.DrainProgressSource;
import io.codebase.registry.fleet.Fleet;
import io.codebase.registry.fleet.Placement;
import io.codebase.registry.fleet.ServerLoad;
import io.codebase.registry.problem.RegistryException;
import io.codebase.registry.project.ProjectLookup;
import io.codebase.registry.project.ProjectState;
import io.codebase.registry.project.ProjectView;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Drains servers: a drain cordons the server, then moves its projects to the servers placement chooses,
 * {@code registry.moves.drain-parallelism} at a time, until none is left. Its state is in {@code server_drains}, so
 * that whichever replica looks next ({@link #advanceAll}, on every replica) goes on with it; a session advisory lock
 * per server lets one replica at a time start its moves. A project whose move fails is not tried again by the same
 * drain; when only such projects (or projects that are not READY) are left, the drain STOPS and says why.
 */
@Component
class Drains implements DrainProgressSource {

	private static final Logger log = LoggerFactory.getLogger(Drains.class);

	static final String CAUSE = "drain";

	/** The advisory-lock class of drains (two-key form; other locks of this service use other classes). */
	private static final int LOCK_CLASS = 0x5c4e_7a05;

	/** Projects of a server looked at per round: more than a drain ever starts at once. */
	private static final int PAGE = 1000;

	private final JdbcClient jdbc;

	private final DataSource dataSource;

	private final MoveService moves;

	private final MoveStore store;

	private final ProjectLookup lookup;

	private final Fleet fleet;

	private final Placement placement;

	private final MoveProperties properties;

	Drains(JdbcClient jdbc, DataSource dataSource, MoveService moves, MoveStore store, ProjectLookup lookup, Fleet fleet,
			Placement placement, MoveProperties properties) {
		this.jdbc = jdbc;
		this.dataSource = dataSource;
		this.moves = moves;
		this.store = store;
		this.lookup = lookup;
		this.fleet = fleet;
		this.placement = placement;
		this.properties = properties;
	}

	/** Cordons the server and starts (or restarts) its drain; its first moves start now. */
	DrainProgress start(String server) {
		this.fleet.cordonForDrain(server);
		this.jdbc.sql("INSERT INTO server_drains (server, state, parallelism) VALUES (?, 'RUNNING', ?) "
				+ "ON CONFLICT (server) DO UPDATE SET parallelism = EXCLUDED.parallelism, finished_at = NULL, error = NULL, "
				+ "started_at = CASE WHEN server_drains.state = 'RUNNING' THEN server_drains.started_at ELSE now() END, "
				+ "state = 'RUNNING'")
			.params(server, this.properties.drainParallelism())
			.update();
		advance(server);
		return drainOf(server).orElseThrow();
	}

	@Scheduled(initialDelayString = "${registry.moves.resume-interval:10s}",
			fixedDelayString = "${registry.moves.resume-interval:10s}")
	void advanceAll() {
		this.jdbc.sql("SELECT server FROM server_drains WHERE state = 'RUNNING' ORDER BY server")
			.query(String.class)
			.list()
			.forEach(this::advance);
	}

	/** A drain's move ended: its slot is free, so the drain goes on now rather than at its next scheduled round. */
	@EventListener
	void onMoveAttemptEnded(MoveAttemptEnded ended) {
		Move move = this.store.get(ended.moveId());
		if (CAUSE.equals(move.cause()) && move.state().finished()) {
			advance(move.source());
		}
	}

	/** One round of a drain, by one replica at a time: finish it, or start moves up to its parallelism. */
	void advance(String server) {
		try (Connection connection = this.dataSource.getConnection()) {
			if (!lock(connection, server, "pg_try_advisory_lock")) {
				return;
			}
			try {
				advanceLocked(server);
			}
			finally {
				lock(connection, server, "pg_advisory_unlock");
			}
		}
		catch (SQLException ex) {
			log.warn("Drain of {}: no connection to coordinate it ({}); the next round tries again", server, ex.getMessage());
		}
	}

	private void advanceLocked(String server) {
		Optional<Drain> found = find(server);
		if (found.isEmpty() || !found.get().state().equals("RUNNING")) {
			return;
		}
		Drain drain = found.get();
		int moving = this.store.activeFrom(server, CAUSE);
		List<ProjectView> remaining = this.lookup.onServer(server, PAGE);
		if (remaining.isEmpty() && moving == 0) {
			finish(server, "COMPLETED", null);
			log.info("Drain of {} completed: it holds no project", server);
			return;
		}
		Set<UUID> failed = this.store.failedFrom(server, CAUSE, drain.startedAt());
		List<String> refused = new ArrayList<>();
		int started = 0;
		for (ProjectView project : remaining) {
			if (moving + started >= drain.parallelism()) {
				break;
			}
			if (failed.contains(project.id()) || this.store.active(project.id()).isPresent()) {
				continue;
			}
			if (project.state() != ProjectState.READY) {
				refused.add(project.name() + " is " + project.state());
				continue;
			}
			try {
				this.moves.start(project.id().toString(), MoveRequest.ANY, CAUSE);
				started++;
			}
			catch (RegistryException ex) {
				refused.add(project.name() + ": " + ex.detail());
				if (ex.kind().equals("move-no-target")) {
					// No server takes a project now: neither would it take the next one.
					break;
				}
			}
		}
		if (moving == 0 && started == 0) {
			String error = remaining.size() + " projects could not be moved off " + server
					+ (failed.isEmpty() ? "" : " (" + failed.size() + " moves failed; see GET /api/v1/projects/{project}/moves)")
					+ (refused.isEmpty() ? "" : ": " + String.join("; ", refused.subList(0, Math.min(5, refused.size()))));
			finish(server, "STOPPED", error);
			log.warn("Drain of {} stopped: {}", server, error);
		}
	}

	@Override
	public Optional<DrainProgress> drainOf(String server) {
		return find(server).map(drain -> new DrainProgress(drain.state(), remaining(server),
				this.store.activeFrom(server, CAUSE),
				this.store.finishedFrom(server, CAUSE, MoveState.SUCCEEDED, drain.startedAt()),
				this.store.finishedFrom(server, CAUSE, MoveState.FAILED, drain.startedAt()), drain.parallelism(),
				drain.startedAt(), drain.finishedAt(), drain.error()));
	}

	private long remaining(String server) {
		return this.placement.loads().stream().filter(load -> load.name().equals(server)).mapToLong(ServerLoad::projects)
			.findFirst().orElse(0);
	}

	private void finish(String server, String state, String error) {
		this.jdbc.sql("UPDATE server_drains SET state = ?, error = ?, finished_at = now() WHERE server = ? AND state = 'RUNNING'")
			.params(state, error, server)
			.update();
	}

	private Optional<Drain> find(String server) {
		return this.jdbc.sql("SELECT state, parallelism, started_at, finished_at, error FROM server_drains WHERE server = ?")
			.param(server)
			.query((row, number) -> new Drain(row.getString(1), row.getInt(2), row.getTimestamp(3).toInstant(),
					instant(row.getTimestamp(4)), row.getString(5)))
			.optional();
	}

	private static Instant instant(Timestamp value) {
		return (value != null) ? value.toInstant() : null;
	}

	private static boolean lock(Connection connection, String server, String function) throws SQLException {
		try (PreparedStatement lock = connection.prepareStatement("SELECT " + function + "(?, ?)")) {
			lock.setInt(1, LOCK_CLASS);
			lock.setInt(2, server.hashCode());
			try (ResultSet result = lock.executeQuery()) {
				return result.next() && result.getBoolean(1);
			}
		}
	}

	private record Drain(String state, int parallelism, Instant startedAt, Instant finishedAt, String error) {
	}

}
