package io.codebase.registry.reconciliation;

import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;

import io.codebase.registry.project.ProjectLookup;
import io.codebase.registry.project.ProjectView;
import io.codebase.registry.provisioning.DatabaseProvisioner;
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

	DriftDetector(ProjectLookup projects, SessionService sessions, DatabaseProvisioner provisioner,
			ProjectValidator validator, OrphanDatabases orphans) {
		this.projects = projects;
		this.sessions = sessions;
		this.provisioner = provisioner;
		this.validator = validator;
		this.orphans = orphans;
	}

	/**
	 * The drift of every kind at {@code now}. {@code recordOrphans}: record the orphans' first sightings, which
	 * starts their grace period (repairing runs only).
	 */
	Detection detect(Instant now, boolean recordOrphans) {
		// Databases are listed before rows are read: provisioning commits a row before it creates the database,
		// so every database in the listing that has a row is seen to have one.
		Set<String> databases = this.provisioner.databaseNames();
		// A database created after the listing is looked up on its own before it counts as missing.
		Predicate<String> exists = name -> databases.contains(name) || this.provisioner.databaseExists(name);
		Set<String> owned = new HashSet<>();
		List<Sighting> sightings = new ArrayList<>();
		UUID after = null;
		List<ProjectView> page;
		do {
			page = this.projects.scan(after, PAGE_SIZE);
			for (ProjectView project : page) {
				owned.add(project.databaseName());
				sightings.addAll(inspect(project, exists));
			}
			after = page.isEmpty() ? after : page.get(page.size() - 1).id();
		}
		while (page.size() == PAGE_SIZE);
		// Looked at again one by one: a project may have been created, or deleted with its database, meanwhile.
		List<String> orphanNames = databases.stream()
			.filter(this.provisioner::isManagedName)
			.filter(name -> !owned.contains(name))
			.sorted()
			.filter(name -> !this.projects.isDatabaseRegistered(name) && this.provisioner.databaseExists(name))
			.toList();
		Map<String, Instant> firstSeen = recordOrphans ? this.orphans.record(orphanNames, now)
				: this.orphans.firstSeen(orphanNames);
		orphanNames.forEach(name -> sightings.add(new Sighting(DriftKind.ORPHAN_DATABASE, null, null, name,
				"database " + name + " has the managed prefix but no project", firstSeen.get(name))));
		long expired = this.sessions.countExpired();
		if (expired > 0) {
			sightings.add(new Sighting(DriftKind.EXPIRED_SESSIONS, null, null, null,
					expired + " sessions are past their expiry and not purged yet", null));
		}
		return new Detection(List.copyOf(sightings), expired);
	}

	/** The drift of one project: the validator's findings, in the same words as the validation report. */
	List<Sighting> inspect(ProjectView project, Predicate<String> databaseExists) {
		return this.validator.check(project, databaseExists)
			.findings()
			.stream()
			.map(finding -> new Sighting(finding.kind(), project.id(), project.name(), project.databaseName(),
					finding.detail(), project.updatedAt()))
			.toList();
	}

	/**
	 * One drift as found, before the policy says what to do about it.
	 *
	 * @param since the last change of the project row, or when an orphan database was first seen
	 */
	record Sighting(DriftKind kind, UUID projectId, String projectName, String databaseName, String detail,
			Instant since) {

		Drift drift(String action) {
			return new Drift(this.kind, this.projectId, this.projectName, this.databaseName, this.detail, this.since,
					action);
		}

	}

	/** What one look at the world found; expired sessions are counted, not listed one by one. */
	record Detection(List<Sighting> sightings, long expiredSessions) {

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
