package io.codebase.registry.project;

import java.time.Instant;
import java.util.Collection;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import org.springframework.data.domain.Limit;
import org.springframework.stereotype.Service;

/**
 * Every read of projects. Single projects come through one of two {@link ProjectReader}s, named for what they
 * promise; lists and scans always read PostgreSQL.
 */
@Service
public class ProjectLookup {

	private static final Set<ProjectState> UNSETTLED = EnumSet.complementOf(EnumSet.of(ProjectState.READY));

	private final ProjectRepository repository;

	private final ProjectCache cache;

	private final ProjectReader cached;

	private final ProjectReader committed;

	private final ProjectConnections connections;

	ProjectLookup(ProjectRepository repository, ProjectCache cache, ProjectConnections connections) {
		this.repository = repository;
		this.connections = connections;
		this.cache = cache;
		this.cached = new CachedReader();
		this.committed = new CommittedReader();
	}

	/**
	 * Reads through this replica's cache. The cache holds only committed rows and forgets a project when any
	 * replica commits a change to it, so an answer is at most as old as the change notification in flight.
	 */
	public ProjectReader cached() {
		return this.cached;
	}

	/** Reads PostgreSQL now: for decisions (state changes, reports, repairs) that must see the truth. */
	public ProjectReader committed() {
		return this.committed;
	}

	/**
	 * True while projects found through the cache may be stale without notice: this replica is not hearing
	 * PostgreSQL's change notifications (the database is unreachable, or the listener is reconnecting).
	 */
	public boolean cacheUnconfirmed() {
		return this.cache.unconfirmed();
	}

	/**
	 * Up to {@code limit} projects with an id greater than {@code after} (null: from the start), in id order, read
	 * from PostgreSQL: pass the last id of one page to get the next, for a scan of every project.
	 */
	public List<ProjectView> scan(UUID after, int limit) {
		UUID from = (after != null) ? after : new UUID(0, 0);
		return this.repository.findPageAfter(from, Limit.of(limit)).stream().map(this.connections::view).toList();
	}

	/** Up to {@code limit} projects on a server, in name order, read from PostgreSQL: what a drain or rebalance moves. */
	public List<ProjectView> onServer(String server, int limit) {
		return this.repository.findByServerOrderByNameKey(server, Limit.of(limit)).stream().map(this.connections::view)
			.toList();
	}

	/**
	 * Like {@link #scan}, but only the projects whose row changed at or after {@code since} or that are not READY: what
	 * can have drifted since a reconciliation that looked at every project, apart from what happens to a settled
	 * project's database or files behind the registry's back.
	 */
	public List<ProjectView> scanChangedOrUnsettled(Instant since, UUID after, int limit) {
		UUID from = (after != null) ? after : new UUID(0, 0);
		return this.repository.findChangedOrUnsettledAfter(from, since, UNSETTLED, Limit.of(limit)).stream()
			.map(this.connections::view)
			.toList();
	}

	/** Which of these databases on this server a project (in any state) owns. */
	public Set<String> registeredAmong(String server, Collection<String> databaseNames) {
		return databaseNames.isEmpty() ? Set.of()
				: new HashSet<>(this.repository.findRegisteredDatabaseNames(server, databaseNames));
	}

	/**
	 * The projects, in any state, that have one of these ids or one of these names, read from PostgreSQL in one
	 * query: a batch of an import's entries checked against one snapshot, instead of two reads per entry.
	 */
	public List<ProjectView> committedWithIdsOrNames(Collection<UUID> ids, Collection<String> names) {
		List<String> keys = names.stream().filter(ProjectName::isValid).map(ProjectName::key).toList();
		if (ids.isEmpty() && keys.isEmpty()) {
			return List.of();
		}
		// An empty IN list is not valid SQL: an empty side passes one value that no entry asked for.
		return this.repository.findByIdInOrNameKeyIn(ids.isEmpty() ? List.of(new UUID(0, 0)) : ids,
				keys.isEmpty() ? List.of("") : keys).stream()
			.map(this.connections::view)
			.toList();
	}

	/** Whether any project, in any state, owns this database on this server. */
	public boolean isDatabaseRegistered(String server, String databaseName) {
		return this.repository.existsByServerAndDatabaseName(server, databaseName);
	}

	private final class CommittedReader implements ProjectReader {

		@Override
		public Optional<ProjectView> byId(UUID id) {
			return ProjectLookup.this.repository.findById(id).map(ProjectLookup.this.connections::view);
		}

		@Override
		public Optional<ProjectView> byName(String name) {
			return ProjectName.isValid(name)
					? ProjectLookup.this.repository.findByNameKey(ProjectName.key(name)).map(ProjectLookup.this.connections::view)
					: Optional.empty();
		}

	}

	/** Misses are read from PostgreSQL and never cached: an absent name may be created by anyone at any time. */
	private final class CachedReader implements ProjectReader {

		@Override
		public Optional<ProjectView> byId(UUID id) {
			return ProjectLookup.this.cache.get(new ProjectCache.ById(id), () -> ProjectLookup.this.committed.byId(id));
		}

		@Override
		public Optional<ProjectView> byName(String name) {
			if (!ProjectName.isValid(name)) {
				return Optional.empty();
			}
			return ProjectLookup.this.cache.get(ProjectCache.ByName.of(name), () -> ProjectLookup.this.committed.byName(name));
		}

	}

}
