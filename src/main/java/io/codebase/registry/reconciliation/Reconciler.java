package io.codebase.registry.reconciliation;

import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Predicate;

import io.codebase.registry.project.ProjectNotFoundException;
import io.codebase.registry.project.ProjectLifecycle;
import io.codebase.registry.project.ProjectLookup;
import io.codebase.registry.project.ProjectView;
import io.codebase.registry.provisioning.DatabaseProvisioner;
import io.codebase.registry.reconciliation.ReconciliationProperties.MissingDatabasePolicy;
import io.codebase.registry.reconciliation.Repair.Outcome;
import io.codebase.registry.reconciliation.ValidationReport.Issue;
import io.codebase.registry.security.Audit;
import io.codebase.registry.session.SessionService;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.core.NestedExceptionUtils;
import org.springframework.stereotype.Service;

/**
 * Finds where the registry and the world disagree (invariant 4) and repairs what it may: every project is
 * checked by {@link ProjectValidator} against one listing of the server's databases, managed databases without
 * a row are orphans, and expired sessions are counted. Repairs go through {@link ProjectLifecycle} and
 * {@link SessionService}, the same code paths as the API, and run on one replica at a time
 * ({@link ReconciliationLock}).
 */
@Service
public class Reconciler {

	private static final Logger log = LoggerFactory.getLogger(Reconciler.class);

	/** Drifts and repairs listed per kind in a report; the counts always cover all of them. */
	static final int MAX_LISTED = 100;

	private static final int PAGE_SIZE = 500;

	private final ProjectLookup projects;

	private final ProjectLifecycle lifecycle;

	private final SessionService sessions;

	private final DatabaseProvisioner provisioner;

	private final ProjectValidator validator;

	private final OrphanDatabases orphans;

	private final ReconciliationLock lock;

	private final ReconciliationProperties properties;

	private final MeterRegistry meters;

	private final Map<DriftKind, AtomicLong> drift = new EnumMap<>(DriftKind.class);

	private final Audit audit;

	Reconciler(ProjectLookup projects, ProjectLifecycle lifecycle, SessionService sessions,
			DatabaseProvisioner provisioner, ProjectValidator validator, OrphanDatabases orphans,
			ReconciliationLock lock, ReconciliationProperties properties, MeterRegistry meters, Audit audit) {
		this.projects = projects;
		this.lifecycle = lifecycle;
		this.audit = audit;
		this.sessions = sessions;
		this.provisioner = provisioner;
		this.validator = validator;
		this.orphans = orphans;
		this.lock = lock;
		this.properties = properties;
		this.meters = meters;
		for (DriftKind kind : DriftKind.values()) {
			AtomicLong value = new AtomicLong();
			this.drift.put(kind, value);
			Gauge.builder("registry.drift", value, AtomicLong::get)
				.description("Drift per kind left by the last reconciliation run or report on this replica")
				.tag("kind", kind.name())
				.register(meters);
		}
	}

	/** The drift of these kinds, found without repairing or recording anything and without the lock. */
	public ReconciliationReport report(Set<DriftKind> kinds) {
		Instant started = Instant.now();
		Findings findings = find(started, false);
		Map<DriftKind, Long> found = findings.counts(kinds);
		return finish(started, false, kinds, findings.drifts(), found, found, List.of());
	}

	/**
	 * Finds and repairs drift of these kinds, holding the lock; empty when another run (on any replica) holds
	 * it. {@code trigger} tags the run counter ({@code schedule} or {@code api}).
	 */
	public Optional<ReconciliationReport> reconcile(Set<DriftKind> kinds, String trigger) {
		Optional<ReconciliationReport> report;
		try {
			report = this.lock.runExclusively(() -> repair(kinds));
		}
		catch (RuntimeException ex) {
			countRun(trigger, "failed");
			throw ex;
		}
		countRun(trigger, report.isPresent() ? "completed" : "skipped");
		return report;
	}

	private ReconciliationReport repair(Set<DriftKind> kinds) {
		Instant started = Instant.now();
		Findings findings = find(started, true);
		Map<DriftKind, Long> found = findings.counts(kinds);
		Map<DriftKind, Long> remaining = new EnumMap<>(found);
		List<Repair> repairs = new ArrayList<>();
		for (Drift each : findings.drifts()) {
			if (!kinds.contains(each.kind())) {
				continue;
			}
			repair(each, started).ifPresent(repair -> {
				repairs.add(repair);
				count(repair);
				audit(repair);
				if (repair.outcome() == Outcome.REPAIRED) {
					// One purge takes every expired session; every other drift is one project or database.
					remaining.compute(each.kind(), (kind, left) -> kind == DriftKind.EXPIRED_SESSIONS ? 0 : left - 1);
				}
			});
		}
		return finish(started, true, kinds, findings.drifts(), found, remaining, repairs);
	}

	private Findings find(Instant now, boolean recordOrphans) {
		// Databases are listed before rows are read: provisioning commits a row before it creates the database,
		// so every database in the listing that has a row is seen to have one.
		Set<String> databases = this.provisioner.databaseNames();
		// A database created after the listing is looked up on its own before it counts as missing.
		Predicate<String> exists = name -> databases.contains(name) || this.provisioner.databaseExists(name);
		Set<String> owned = new HashSet<>();
		List<Drift> drifts = new ArrayList<>();
		UUID after = null;
		List<ProjectView> page;
		do {
			page = this.projects.scan(after, PAGE_SIZE);
			for (ProjectView project : page) {
				owned.add(project.databaseName());
				for (Issue issue : this.validator.validate(project, exists).issues()) {
					DriftKind.of(issue.kind()).ifPresent(kind -> drifts.add(projectDrift(kind, project, issue)));
				}
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
		orphanNames.forEach(name -> drifts.add(orphanDrift(name, firstSeen.get(name), now)));
		long expired = this.sessions.countExpired();
		if (expired > 0) {
			drifts.add(new Drift(DriftKind.EXPIRED_SESSIONS, null, null, null,
					expired + " sessions are past their expiry and not purged yet", null, "purge them"));
		}
		return new Findings(drifts, expired);
	}

	private Drift projectDrift(DriftKind kind, ProjectView project, Issue issue) {
		String action = switch (kind) {
			case STUCK_PROVISIONING -> "finish provisioning: CREATE DATABASE, then READY (FAILED if that fails)";
			case LEFTOVER_DELETING -> "finish the delete: DROP DATABASE, then delete the row";
			case MISSING_DATABASE -> (this.properties.missingDatabase() == MissingDatabasePolicy.REPROVISION)
					? "create the database again, empty (registry.reconciliation.missing-database=REPROVISION)"
					: "mark the project FAILED (registry.reconciliation.missing-database=MARK_FAILED); then restore "
							+ "the database from a backup, or POST /api/v1/projects/" + project.id() + "/provision";
			case FAILED -> this.properties.retryFailed()
					? "provision it again (registry.reconciliation.retry-failed=true)"
					: "none (registry.reconciliation.retry-failed=false); by hand: " + issue.suggestedAction();
			default -> "none; by hand: " + issue.suggestedAction();
		};
		return new Drift(kind, project.id(), project.name(), project.databaseName(), issue.detail(),
				project.updatedAt(), action);
	}

	private Drift orphanDrift(String databaseName, Instant firstSeen, Instant now) {
		String action;
		if (!this.properties.dropOrphans()) {
			action = "none (registry.reconciliation.drop-orphans=false); by hand: import it as a project, or drop it";
		}
		else if (firstSeen == null) {
			action = "drop it once it has been an orphan for " + this.properties.orphanGracePeriod()
					+ " (registry.reconciliation.orphan-grace-period); the next repairing run records it";
		}
		else if (isDue(firstSeen, now)) {
			action = "drop it (registry.reconciliation.drop-orphans=true, an orphan for longer than "
					+ this.properties.orphanGracePeriod() + ")";
		}
		else {
			action = "drop it after " + firstSeen.plus(this.properties.orphanGracePeriod())
					+ " (registry.reconciliation.orphan-grace-period)";
		}
		return new Drift(DriftKind.ORPHAN_DATABASE, null, null, databaseName,
				"database " + databaseName + " has the managed prefix but no project", firstSeen, action);
	}

	private boolean isDue(Instant firstSeen, Instant now) {
		return !firstSeen.isAfter(now.minus(this.properties.orphanGracePeriod()));
	}

	/** The repair of one drift under the current settings; empty when the settings say to leave it alone. */
	private Optional<Repair> repair(Drift drift, Instant now) {
		return switch (drift.kind()) {
			case STUCK_PROVISIONING -> Optional.of(provision(drift));
			case LEFTOVER_DELETING -> Optional.of(finishDelete(drift));
			case MISSING_DATABASE -> Optional.of(
					(this.properties.missingDatabase() == MissingDatabasePolicy.REPROVISION) ? provision(drift)
							: markFailed(drift));
			case FAILED -> this.properties.retryFailed() ? Optional.of(provision(drift)) : Optional.empty();
			case ORPHAN_DATABASE -> dropIfDue(drift, now);
			case EXPIRED_SESSIONS -> Optional.of(purgeSessions(drift));
			case MISSING_SOURCE_PATH -> Optional.empty();
		};
	}

	private Repair provision(Drift drift) {
		try {
			ProjectView project = this.lifecycle.retryProvisioning(drift.projectId());
			return repaired(drift, "provisioned: the project is " + project.state());
		}
		catch (RuntimeException ex) {
			return failed(drift, ex);
		}
	}

	private Repair finishDelete(Drift drift) {
		try {
			this.lifecycle.delete(drift.projectId(), null);
			return repaired(drift, "deleted: dropped the database and removed the row");
		}
		catch (ProjectNotFoundException ex) {
			return repaired(drift, "already deleted");
		}
		catch (RuntimeException ex) {
			return failed(drift, ex);
		}
	}

	private Repair markFailed(Drift drift) {
		try {
			String reason = "database " + drift.databaseName() + " is missing (found by the reconciler); restore it, or "
					+ "POST /api/v1/projects/" + drift.projectId() + "/provision to create it again (empty)";
			return this.lifecycle.markDatabaseMissing(drift.projectId(), reason)
					? repaired(drift, "marked FAILED: " + reason)
					: repaired(drift, "nothing to do: the database is back, or the project is no longer READY");
		}
		catch (ProjectNotFoundException ex) {
			return repaired(drift, "nothing to do: the project is gone");
		}
		catch (RuntimeException ex) {
			return failed(drift, ex);
		}
	}

	private Optional<Repair> dropIfDue(Drift drift, Instant now) {
		String name = drift.databaseName();
		if (!this.properties.dropOrphans() || drift.since() == null || !isDue(drift.since(), now)) {
			return Optional.empty();
		}
		// Checked once more right before the DROP: only a managed name, and only while no project owns it.
		if (!this.provisioner.isManagedName(name) || this.projects.isDatabaseRegistered(name)) {
			return Optional.empty();
		}
		try {
			this.provisioner.dropDatabase(name);
			this.orphans.forget(name);
			log.warn("Dropped orphan database {} (no project since {})", name, drift.since());
			return Optional.of(repaired(drift, "dropped: an orphan since " + drift.since()));
		}
		catch (RuntimeException ex) {
			return Optional.of(failed(drift, ex));
		}
	}

	private Repair purgeSessions(Drift drift) {
		try {
			return repaired(drift, "purged " + this.sessions.purgeExpired() + " expired sessions");
		}
		catch (RuntimeException ex) {
			return failed(drift, ex);
		}
	}

	private static Repair repaired(Drift drift, String detail) {
		return new Repair(drift.kind(), drift.projectId(), drift.databaseName(), Outcome.REPAIRED, detail);
	}

	private static Repair failed(Drift drift, RuntimeException ex) {
		log.warn("Reconciler could not repair {} of {}: {}", drift.kind(),
				drift.projectId() != null ? drift.projectId() : drift.databaseName(), ex.getMessage());
		return new Repair(drift.kind(), drift.projectId(), drift.databaseName(), Outcome.FAILED,
				NestedExceptionUtils.getMostSpecificCause(ex).getMessage());
	}

	private ReconciliationReport finish(Instant started, boolean repairing, Set<DriftKind> kinds, List<Drift> drifts,
			Map<DriftKind, Long> found, Map<DriftKind, Long> remaining, List<Repair> repairs) {
		kinds.forEach(kind -> this.drift.get(kind).set(remaining.get(kind)));
		List<Drift> listedDrifts = limited(drifts.stream().filter(each -> kinds.contains(each.kind())).toList(),
				Drift::kind);
		List<Repair> listedRepairs = limited(repairs, Repair::kind);
		boolean truncated = listedDrifts.size() < drifts.stream().filter(each -> kinds.contains(each.kind())).count()
				|| listedRepairs.size() < repairs.size();
		ReconciliationReport report = new ReconciliationReport(started, Instant.now(), repairing, found, remaining,
				listedDrifts, listedRepairs, truncated);
		if (repairs.isEmpty() && found.values().stream().allMatch(count -> count == 0)) {
			log.debug("Reconciliation found no drift");
		}
		else {
			log.info("Reconciliation found {}, repaired {} ({} failed), left {}", found,
					repairs.stream().filter(repair -> repair.outcome() == Outcome.REPAIRED).count(),
					repairs.stream().filter(repair -> repair.outcome() == Outcome.FAILED).count(), remaining);
		}
		return report;
	}

	private static <T> List<T> limited(List<T> items, Function<T, DriftKind> kindOf) {
		Map<DriftKind, Integer> listed = new EnumMap<>(DriftKind.class);
		return items.stream().filter(item -> listed.merge(kindOf.apply(item), 1, Integer::sum) <= MAX_LISTED).toList();
	}

	/** Scheduled runs are the service's own ({@code system}); an on-demand run is its caller's. */
	private void audit(Repair repair) {
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("kind", repair.kind());
		details.put("outcome", repair.outcome());
		details.put("project", (repair.projectId() != null) ? repair.projectId() : "-");
		details.put("database", (repair.databaseName() != null) ? repair.databaseName() : "-");
		details.put("detail", repair.detail());
		this.audit.record("reconciliation.repair", details);
	}

	private void count(Repair repair) {
		Counter.builder("registry.reconciliation.repairs")
			.description("Repairs attempted by the reconciler, by drift kind and outcome")
			.tag("kind", repair.kind().name())
			.tag("outcome", repair.outcome().name().toLowerCase(Locale.ROOT))
			.register(this.meters)
			.increment();
	}

	private void countRun(String trigger, String result) {
		Counter.builder("registry.reconciliation.runs")
			.description("Repairing reconciliation runs: completed, skipped because another run held the lock, or failed")
			.tag("trigger", trigger)
			.tag("result", result)
			.register(this.meters)
			.increment();
	}

	/** What one look at the world found; expired sessions are counted, not listed one by one. */
	private record Findings(List<Drift> drifts, long expiredSessions) {

		Map<DriftKind, Long> counts(Set<DriftKind> kinds) {
			Map<DriftKind, Long> counts = new EnumMap<>(DriftKind.class);
			kinds.forEach(kind -> counts.put(kind, 0L));
			this.drifts.stream()
				.filter(each -> kinds.contains(each.kind()) && each.kind() != DriftKind.EXPIRED_SESSIONS)
				.forEach(each -> counts.merge(each.kind(), 1L, Long::sum));
			if (kinds.contains(DriftKind.EXPIRED_SESSIONS)) {
				counts.put(DriftKind.EXPIRED_SESSIONS, this.expiredSessions);
			}
			return counts;
		}

	}

}
