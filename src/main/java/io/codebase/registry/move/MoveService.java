package io.codebase.registry.move;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import io.codebase.registry.fleet.DatabaseServers;
import io.codebase.registry.fleet.NoEligibleServerException;
import io.codebase.registry.fleet.Placement;
import io.codebase.registry.problem.InvalidRequestException;
import io.codebase.registry.project.ProjectLookup;
import io.codebase.registry.project.ProjectMoves;
import io.codebase.registry.project.ProjectState;
import io.codebase.registry.project.ProjectView;
import io.codebase.registry.provisioning.DatabaseMove;
import io.codebase.registry.provisioning.DatabaseMoveException;
import io.codebase.registry.provisioning.DatabaseServer;
import io.codebase.registry.provisioning.ProjectSchemas;
import io.codebase.registry.provisioning.ProvisioningException;

import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Starts moves and reads them. A move starts only when it can run: the project is READY, the target is eligible,
 * both servers meet logical replication's prerequisites, and the project has no other move; then it is recorded,
 * under the project's ownership, and handed to the {@link MoveRunner} with that ownership. The record reserves room
 * on the target: it is written in the transaction that checks the target again under the servers' row locks.
 */
@Service
class MoveService {

	/** How often a start that finds the project owned looks again whether a move holds it. */
	private static final Duration OWNED_POLL = Duration.ofMillis(50);

	/**
	 * How many targets a move without one tries: the server chosen first may fill up before the move reserves its
	 * place there; the next choice is checked again from the start.
	 */
	private static final int TARGET_CHOICES = 3;

	private final MoveStore store;

	private final MoveRunner runner;

	private final ProjectLookup lookup;

	private final ProjectMoves projects;

	private final DatabaseServers servers;

	private final Placement placement;

	private final ProjectSchemas schemas;

	private final TransactionTemplate transactions;

	private final Duration ownershipWait;

	MoveService(MoveStore store, MoveRunner runner, ProjectLookup lookup, ProjectMoves projects,
			DatabaseServers servers, Placement placement, ProjectSchemas schemas, MoveProperties properties,
			PlatformTransactionManager transactionManager) {
		this.store = store;
		this.runner = runner;
		this.lookup = lookup;
		this.projects = projects;
		this.servers = servers;
		this.placement = placement;
		this.schemas = schemas;
		this.transactions = new TransactionTemplate(transactionManager);
		this.ownershipWait = properties.freezeTimeout();
	}

	/** Starts moving the project (by id or name) to the requested server, or to the one placement chooses. */
	Move start(String project, MoveRequest request, String cause) {
		for (int choice = 1;; choice++) {
			ProjectView view = this.lookup.committed().get(project);
			String target = chooseTarget(view, request);
			long expectedBytes = requireMovable(view, target);
			try {
				return startOn(view, target, expectedBytes, cause);
			}
			catch (NoEligibleServerException ex) {
				if (request.target() != null || choice == TARGET_CHOICES) {
					throw noTarget(view, ex);
				}
			}
		}
	}

	/**
	 * Under the project's ownership: records the move, which reserves its place on the target, and hands it to the
	 * runner. The target full by now: {@link NoEligibleServerException}, and nothing recorded.
	 */
	private Move startOn(ProjectView view, String target, long expectedBytes, String cause) {
		ProjectMoves.Owned owned = own(view);
		try {
			// What was checked may have changed while another owner held the project.
			ProjectView current = this.lookup.committed().get(view.id());
			if (current.state() != ProjectState.READY || !current.server().equals(view.server())) {
				throw MoveConflictException.notReady(current);
			}
			Optional<Move> recorded = this.transactions.execute(tx -> {
				// Checked again under the servers' row locks, which the insert's commit releases: a replica that
				// decides next sees this move's reservation.
				this.placement.placeMove(current.server(), target, expectedBytes);
				Optional<Move> move = this.store.insert(UUID.randomUUID(), current.id(), current.name(),
						current.databaseName(), current.server(), target, cause);
				move.ifPresentOrElse(each -> this.store.expectBytes(each.id(), expectedBytes), tx::setRollbackOnly);
				return move;
			});
			Move move = recorded.orElseThrow(() -> running(current));
			this.runner.start(move.id(), owned);
			return move;
		}
		catch (RuntimeException ex) {
			owned.close();
			throw ex;
		}
	}

	Move get(UUID id) {
		return this.store.get(id);
	}

	List<Move> forProject(String project) {
		return this.store.forProject(this.lookup.committed().get(project).id());
	}

	private String chooseTarget(ProjectView project, MoveRequest request) {
		String target = request.target();
		if (target != null && this.servers.find(target).isEmpty()) {
			throw new InvalidRequestException("target",
					"'" + target + "' is not a configured database server; see GET /api/v1/database-servers");
		}
		if (project.server().equals(target)) {
			throw new InvalidRequestException("target", "the project is on " + target + " already");
		}
		try {
			// A first choice, reserving nothing: the prerequisites are checked on it before the move is recorded.
			return this.transactions.execute(tx -> this.placement.placeMove(project.server(), target, 0).server());
		}
		catch (NoEligibleServerException ex) {
			throw noTarget(project, ex);
		}
	}

	/** For a new project no eligible server is an outage (503); for a move it is the fleet's shape: nowhere to go. */
	private static MoveConflictException noTarget(ProjectView project, NoEligibleServerException ex) {
		return MoveConflictException.noTarget(project, ex.detail().replaceFirst("^[^:]*: ", ""));
	}

	/**
	 * Refuses, with every reason at once, a move that could not run; otherwise the size of the project's database:
	 * what the move reserves on its target.
	 */
	private long requireMovable(ProjectView project, String target) {
		if (project.state() != ProjectState.READY) {
			throw MoveConflictException.notReady(project);
		}
		this.store.active(project.id()).ifPresent(move -> {
			throw MoveConflictException.running(project, move.id());
		});
		DatabaseServer source = this.servers.server(project.server());
		try {
			DatabaseMove.checkPrerequisites(source, this.servers.server(target), project.databaseName());
		}
		catch (DatabaseMoveException ex) {
			if (ex.reason() == DatabaseMoveException.Reason.PREREQUISITES) {
				throw MoveConflictException.prerequisites(ex.getMessage(), ex.details());
			}
			throw MoveConflictException.uncheckable(ex.getMessage());
		}
		List<String> pending;
		try {
			pending = this.schemas.pending(source, project.databaseName()).versions();
		}
		catch (ProvisioningException ex) {
			throw MoveConflictException.uncheckable(ex.getMessage());
		}
		if (!pending.isEmpty()) {
			throw MoveConflictException.prerequisites("Database " + project.databaseName() + " is not at the latest "
					+ "project schema", List.of("source: migrations " + pending + " are pending; run a schema rollout first"));
		}
		return size(source, project.databaseName());
	}

	private static long size(DatabaseServer server, String databaseName) {
		try (Connection connection = server.admin().getConnection();
				PreparedStatement query = connection.prepareStatement("SELECT pg_database_size(?)")) {
			query.setString(1, databaseName);
			try (ResultSet size = query.executeQuery()) {
				size.next();
				return size.getLong(1);
			}
		}
		catch (SQLException ex) {
			throw MoveConflictException.uncheckable("Measuring database " + databaseName + " on " + server.name()
					+ " failed: " + ex.getMessage());
		}
	}

	/**
	 * The project's ownership. Held by a move: 409 at once. Held by something short (a provisioning step): waited
	 * for, within a bound.
	 */
	private ProjectMoves.Owned own(ProjectView project) {
		long deadline = System.nanoTime() + this.ownershipWait.toNanos();
		while (true) {
			Optional<ProjectMoves.Owned> owned = this.projects.tryOwn(project.id());
			if (owned.isPresent()) {
				return owned.get();
			}
			this.store.active(project.id()).ifPresent(move -> {
				throw MoveConflictException.running(project, move.id());
			});
			if (System.nanoTime() - deadline > 0) {
				return this.projects.own(project);
			}
			try {
				Thread.sleep(OWNED_POLL.toMillis());
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return this.projects.own(project);
			}
		}
	}

	private MoveConflictException running(ProjectView project) {
		return MoveConflictException.running(project,
				this.store.active(project.id()).map(Move::id).orElse(null));
	}

}
