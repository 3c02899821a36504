package io.codebase.registry.reconciliation;

import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;

import io.codebase.registry.credentials.Credentials;
import io.codebase.registry.project.ProjectLookup;
import io.codebase.registry.project.ProjectState;
import io.codebase.registry.project.ProjectView;
import io.codebase.registry.fleet.DatabaseServers;
import io.codebase.registry.move.MoveDatabases;
import io.codebase.registry.provisioning.DatabaseMove;
import io.codebase.registry.provisioning.DatabaseProvisioner;
import io.codebase.registry.provisioning.DatabaseServer;
import io.codebase.registry.provisioning.ProvisioningException;
import io.codebase.registry.session.SessionService;

import org.springframework.stereotype.Component;

/**
 * Finds where the registry and the world disagree (invariant 4, docs/architecture.md#invariants), changing nothing but the orphans' first
 * sightings: every project is checked by {@link ProjectValidator} against one listing of the server's
 * databases, managed databases without a row are orphans, and expired sessions are counted. Whatever one
 * listing makes look like drift is looked at again on its own before it counts.
 */
@Component
class DriftDetector {

	private static final int PAGE_SIZE = 500;

	private final ProjectLookup projects;

	private final SessionService sessions;

	private final DatabaseProvisioner provisioner;

	private final ProjectValidator validator;

	private final OrphanDatabases orphans;

	private final DatabaseServers servers;

	private final Credentials credentials;

	private final MoveDatabases moves;

	DriftDetector(ProjectLookup projects, SessionService sessions, DatabaseProvisioner provisioner,
			ProjectValidator validator, OrphanDatabases orphans, DatabaseServers servers, Credentials credentials,
			MoveDatabases moves) {
		this.moves = moves;
		this.credentials = credentials;
		this.projects = projects;
		this.sessions = sessions;
		this.provisioner = provisioner;
		this.validator = validator;
		this.orphans = orphans;
		this.servers = servers;
	}

	/**
	 * The drift at {@code now} of the projects in {@code scope}, and of every kind that belongs to no one project.
	 * {@code recordOrphans}: record the orphans' first sightings, which starts their grace period (repairing runs
	 * only). A server that is down or cannot be listed is not looked at: its projects are SERVER_UNAVAILABLE, and
	 * none of its databases counts as an orphan. Memory is one page of projects, the servers' listings and the drift
	 * found, however many projects there are.
	 */
	Detection detect(Instant now, boolean recordOrphans, Scope scope) {
		// Every configured server is listed, whatever its recorded health: the listing is the probe, so an abandoned
		// provisioning is finished as soon as its server answers, not at the next health check (invariant 4).
		// Databases are listed before rows are read: provisioning commits a row before it creates the database,
		// so every database in the listing that has a row is seen to have one. A server that cannot be listed (or
		// is not configured) has no entry: its projects are SERVER_UNAVAILABLE.
		Map<String, Set<String>> databases = new HashMap<>();
		for (DatabaseServer server : this.servers.all()) {
			try {
				databases.put(server.name(), this.provisioner.databaseNames(server));
			}
			catch (ProvisioningException ex) {
				// Unreachable now: nothing about its databases can be known.
			}
		}
		List<Sighting> sightings = new ArrayList<>();
		long looked = 0;
		UUID after = null;
		List<ProjectView> page;
		do {
			page = scope.everyProject() ? this.projects.scan(after, PAGE_SIZE)
					: this.projects.scanChangedOrUnsettled(scope.changedSince(), after, PAGE_SIZE);
			Map<String, List<ProjectView>> ready = new HashMap<>();
			for (ProjectView project : page) {
				if (project.state() == ProjectState.READY && databases.getOrDefault(project.server(), Set.of())
					.contains(project.databaseName())) {
					ready.computeIfAbsent(project.server(), server -> new ArrayList<>()).add(project);
				}
				sightings.addAll(inspect(project, !databases.containsKey(project.server()) ? null
						// A database created after the listing is looked up on its own before it counts as missing.
						: name -> databases.getOrDefault(project.server(), Set.of()).contains(name)
								|| this.provisioner.databaseExists(this.servers.server(project.server()), name)));
			}
			ready.forEach((server, projects) -> accessOn(server, projects, sightings));
			looked += page.size();
			after = page.isEmpty() ? after : page.get(page.size() - 1).id();
		}
		while (page.size() == PAGE_SIZE);
		databases.forEach((server, names) -> orphansOn(this.servers.server(server), names, now, recordOrphans, sightings));
		for (String server : databases.keySet()) {
			try {
				expiredCredentialsOn(server, sightings);
				moveLeftoversOn(server, sightings);
			}
			catch (ProvisioningException ex) {
				// The server stopped answering after its listing: the next run looks again.
			}
		}
		long expired = this.sessions.countExpired();
		if (expired > 0) {
			sightings.add(new Sighting(DriftKind.EXPIRED_SESSIONS, null, null, null, null,
					expired + " sessions are past their expiry and not purged yet", null));
		}
		return new Detection(List.copyOf(sightings), expired, scope, looked);
	}

	/**
	 * Managed databases on one server that no project on that server owns (asked of the registry in batches, so
	 * nothing holds every project's name), each looked at again on its own; those that belong to a move (its target
	 * while it runs, its source during the grace period) are not orphans.
	 */
	private void orphansOn(DatabaseServer server, Set<String> databases, Instant now, boolean recordOrphans,
			List<Sighting> sightings) {
		Set<String> moving = new HashSet<>(this.moves.inFlight(server.name()));
		for (MoveDatabases.KeptSource kept : this.moves.keptSources(server.name())) {
			if (databases.contains(kept.databaseName())) {
				moving.add(kept.databaseName());
				sightings.add(new Sighting(DriftKind.MOVED_SOURCE, kept.projectId(), kept.projectName(),
						kept.databaseName(), server.name(), "database " + kept.databaseName() + " on " + server.name()
								+ " is the source of a move on " + kept.movedAt() + ", kept until " + kept.dropAfter(),
						kept.dropAfter()));
			}
		}
		List<String> managed = databases.stream()
			.filter(this.provisioner::isManagedName)
			.filter(name -> !moving.contains(name))
			.sorted()
			.toList();
		List<String> unowned = new ArrayList<>();
		for (int from = 0; from < managed.size(); from += PAGE_SIZE) {
			List<String> batch = managed.subList(from, Math.min(managed.size(), from + PAGE_SIZE));
			Set<String> owned = this.projects.registeredAmong(server.name(), batch);
			batch.stream().filter(name -> !owned.contains(name)).forEach(unowned::add);
		}
		List<String> orphanNames = unowned.stream()
			// A project may have been created, or deleted with its database, meanwhile.
			.filter(name -> !this.projects.isDatabaseRegistered(server.name(), name)
					&& this.provisioner.databaseExists(server, name))
			.toList();
		Map<String, Instant> firstSeen = recordOrphans ? this.orphans.record(orphanNames, now)
				: this.orphans.firstSeen(orphanNames);
		orphanNames.forEach(name -> sightings.add(new Sighting(DriftKind.ORPHAN_DATABASE, null, null, name,
				server.name(), "database " + name + " on " + server.name() + " has the managed prefix but no project",
				firstSeen.get(name))));
	}

	/** One drift for a server that holds replication objects of moves that no unfinished move uses. */
	private void moveLeftoversOn(String server, List<Sighting> sightings) {
		List<DatabaseMove.Leftover> leftovers = this.moves.leftovers(server);
		if (!leftovers.isEmpty()) {
			sightings.add(new Sighting(DriftKind.MOVE_LEFTOVERS, null, null, null, server, leftovers.size()
					+ " replication objects of interrupted moves on " + server + ": " + leftovers, null));
		}
	}

	/**
	 * READY projects on one server whose database lacks its roles, or lets PUBLIC connect. A server that stops
	 * answering meanwhile is looked at again by the next run.
	 */
	private void accessOn(String server, List<ProjectView> projects, List<Sighting> sightings) {
		Set<String> lacking;
		try {
			lacking = this.credentials.lackingAccess(server, projects.stream().map(ProjectView::databaseName).toList());
		}
		catch (ProvisioningException ex) {
			return;
		}
		projects.stream()
			.filter(project -> lacking.contains(project.databaseName()))
			.forEach(project -> sightings.add(new Sighting(DriftKind.MISSING_ACCESS_ROLES, project.id(), project.name(),
					project.databaseName(), server, "database " + project.databaseName() + " lacks its owner, read-write "
							+ "or read-only role, or PUBLIC may connect to it", project.updatedAt())));
	}

	/** One drift for a server that still has credentials past their expiry, since the oldest expired. */
	private void expiredCredentialsOn(String server, List<Sighting> sightings) {
		Map<String, Instant> expired = this.credentials.expired(server);
		if (!expired.isEmpty()) {
			sightings.add(new Sighting(DriftKind.EXPIRED_CREDENTIALS, null, null, null, server, expired.size()
					+ " credentials on " + server + " are past their expiry and not dropped yet",
					expired.values().stream().min(Instant::compareTo).orElseThrow()));
		}
	}

	/**
	 * The drift of one project: the validator's findings, in the same words as the validation report.
	 * {@code databaseExists} null: its server is unavailable.
	 */
	List<Sighting> inspect(ProjectView project, Predicate<String> databaseExists) {
		return this.validator.check(project, databaseExists)
			.findings()
			.stream()
			.map(finding -> new Sighting(finding.kind(), project.id(), project.name(), project.databaseName(),
					project.server(), finding.detail(), project.updatedAt()))
			.toList();
	}

	/**
	 * One drift as found, before the policy says what to do about it.
	 *
	 * @param since the last change of the project row, when an orphan database was first seen, or when a moved
	 * source's grace period ends
	 */
	record Sighting(DriftKind kind, UUID projectId, String projectName, String databaseName, String server,
			String detail, Instant since) {

		Drift drift(String action) {
			return new Drift(this.kind, this.projectId, this.projectName, this.databaseName, this.server, this.detail,
					this.since,
					action);
		}

	}

	/**
	 * Which projects a run looks at: every one ({@code changedSince} null), or only those whose row changed at or
	 * after {@code changedSince} and those not READY. Drift that belongs to no one project is looked for either way.
	 */
	record Scope(Instant changedSince) {

		static final Scope EVERY_PROJECT = new Scope(null);

		static Scope changedOrUnsettledSince(Instant since) {
			return new Scope(Objects.requireNonNull(since));
		}

		boolean everyProject() {
			return this.changedSince == null;
		}

		/** The metric tag of this scope. */
		String tag() {
			return everyProject() ? "every-project" : "changed";
		}

	}

	/**
	 * What one look at the world found; expired sessions are counted, not listed one by one.
	 *
	 * @param projectsLooked how many projects the run read and checked
	 */
	record Detection(List<Sighting> sightings, long expiredSessions, Scope scope, long projectsLooked) {

		/** The kinds this look found all of: every kind, or after a look at changed projects those of no settled one. */
		Set<DriftKind> complete() {
			return this.scope.everyProject() ? EnumSet.allOf(DriftKind.class)
					: EnumSet.complementOf(EnumSet.copyOf(DriftKind.OF_SETTLED_PROJECTS));
		}

		/** Drift per kind: sessions for EXPIRED_SESSIONS, otherwise projects or databases. */
		Map<DriftKind, Long> counts(Set<DriftKind> kinds) {
			Map<DriftKind, Long> counts = new EnumMap<>(DriftKind.class);
			kinds.forEach(kind -> counts.put(kind, 0L));
			this.sightings.stream()
				.filter(each -> kinds.contains(each.kind()) && each.kind() != DriftKind.EXPIRED_SESSIONS)
				.forEach(each -> counts.merge(each.kind(), 1L, Long::sum));
			if (kinds.contains(DriftKind.EXPIRED_SESSIONS)) {
				counts.put(DriftKind.EXPIRED_SESSIONS, this.expiredSessions);
			}
			return counts;
		}

	}

}
