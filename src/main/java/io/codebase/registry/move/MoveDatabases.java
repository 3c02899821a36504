package io.codebase.registry.move;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import io.codebase.registry.fleet.DatabaseServers;
import io.codebase.registry.project.ProjectDatabaseAccess;
import io.codebase.registry.project.ProjectLookup;
import io.codebase.registry.project.ProjectMoves;
import io.codebase.registry.project.ProjectView;
import io.codebase.registry.provisioning.DatabaseMove;
import io.codebase.registry.provisioning.DatabaseProvisioner;
import io.codebase.registry.provisioning.DatabaseServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Component;

/**
 * What moves leave on the servers, for the reconciler: databases that belong to a move rather than to a project
 * (the target of a move under way, the source kept for its grace period after a move), and replication objects
 * that no unfinished move uses (a publication, subscription or slot left by an interrupted one).
 */
@Component
public class MoveDatabases {

	private static final Logger log = LoggerFactory.getLogger(MoveDatabases.class);

	private final MoveStore store;

	private final ProjectLookup lookup;

	private final ProjectMoves projects;

	private final DatabaseServers servers;

	private final DatabaseProvisioner provisioner;

	private final ProjectDatabaseAccess access;

	MoveDatabases(MoveStore store, ProjectLookup lookup, ProjectMoves projects, DatabaseServers servers,
			DatabaseProvisioner provisioner, ProjectDatabaseAccess access) {
		this.store = store;
		this.lookup = lookup;
		this.projects = projects;
		this.servers = servers;
		this.provisioner = provisioner;
		this.access = access;
	}

	/** The target databases of the moves under way to this server: not orphans, though no project is there yet. */
	public Set<String> inFlight(String server) {
		return this.store.activeTo(server).stream().map(Move::databaseName).collect(Collectors.toSet());
	}

	/**
	 * The source databases kept on this server after successful moves, each with when its grace period ends. A
	 * project that came back to this server meanwhile has its database here again: that one is not a kept source.
	 */
	public List<KeptSource> keptSources(String server) {
		List<KeptSource> kept = new ArrayList<>();
		for (Move move : this.store.keptSources(false)) {
			if (move.source().equals(server) && !isOn(move, server)) {
				kept.add(new KeptSource(move.id(), move.projectId(), move.projectName(), move.databaseName(), server,
						move.finishedAt(), move.sourceDropAfter()));
			}
		}
		return kept;
	}

	/**
	 * Drops a kept source whose grace period is over, under its project's ownership (so that no move of the
	 * project runs meanwhile) and after checking once more that it is due and not the project's database again;
	 * false when there was nothing to drop now.
	 */
	public boolean dropKeptSource(KeptSource source) {
		Move move = this.store.get(source.moveId());
		if (move.sourceDroppedAt() != null || move.sourceDropAfter() == null
				|| move.sourceDropAfter().isAfter(Instant.now())) {
			return false;
		}
		Optional<ProjectMoves.Owned> owned = this.projects.tryOwn(move.projectId());
		if (owned.isEmpty()) {
			return false;
		}
		try (ProjectMoves.Owned held = owned.get()) {
			if (!isOn(move, move.source())) {
				DatabaseServer server = this.servers.server(move.source());
				this.provisioner.dropDatabase(server, move.databaseName());
				this.access.release(server, move.databaseName());
				log.info("Dropped the source database {} on {}, kept since the move of {} on {}", move.databaseName(),
						move.source(), move.projectName(), move.finishedAt());
			}
			this.store.sourceDropped(move.id());
			return true;
		}
	}

	/**
	 * Publications, subscriptions and slots of moves on this server that no unfinished move uses: left by a move
	 * interrupted in a way its rollback could not clean (a server unreachable at the time, a crash mid-drop).
	 */
	public List<DatabaseMove.Leftover> leftovers(String server) {
		Set<String> inUse = this.store.activeDatabases().stream().map(DatabaseMove::replicationName)
			.collect(Collectors.toSet());
		Set<String> activeDatabases = Set.copyOf(this.store.activeDatabases());
		return DatabaseMove.leftovers(this.servers.server(server).connections(), this.store.databasesMovedFrom(server))
			.stream()
			.filter(leftover -> !inUse.contains(leftover.name()) && !activeDatabases.contains(leftover.database()))
			.toList();
	}

	/** Drops the leftovers still unused when looked at again; how many were dropped. */
	public int dropLeftovers(String server) {
		List<DatabaseMove.Leftover> leftovers = leftovers(server);
		DatabaseServer connections = this.servers.server(server);
		leftovers.forEach(leftover -> DatabaseMove.drop(connections.connections(), leftover));
		return leftovers.size();
	}

	private boolean isOn(Move move, String server) {
		return this.lookup.committed().byId(move.projectId()).map(ProjectView::server).filter(server::equals).isPresent();
	}

	/**
	 * A source database kept after a successful move.
	 *
	 * @param movedAt when the move succeeded
	 * @param dropAfter when its grace period ({@code registry.moves.source-grace}) ends
	 */
	public record KeptSource(UUID moveId, UUID projectId, String projectName, String databaseName,
			String server, Instant movedAt, Instant dropAfter) {
	}

}
