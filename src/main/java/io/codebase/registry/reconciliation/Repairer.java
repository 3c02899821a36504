package io.codebase.registry.reconciliation;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import io.codebase.registry.credentials.Credentials;
import io.codebase.registry.move.MoveDatabases;
import io.codebase.registry.fleet.DatabaseServers;
import io.codebase.registry.project.ProjectNotFoundException;
import io.codebase.registry.project.ProjectLifecycle;
import io.codebase.registry.project.ProjectDatabaseAccess;
import io.codebase.registry.project.ProjectLookup;
import io.codebase.registry.project.ProjectView;
import io.codebase.registry.provisioning.DatabaseProvisioner;
import io.codebase.registry.provisioning.DatabaseServer;
import io.codebase.registry.reconciliation.ReconciliationPolicy.Remedy;
import io.codebase.registry.reconciliation.Repair.Outcome;
import io.codebase.registry.security.Audit;
import io.codebase.registry.session.SessionService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.core.NestedExceptionUtils;
import org.springframework.stereotype.Component;

/**
 * Applies the remedy the policy chose to one drift, through {@link ProjectLifecycle} and {@link SessionService},
 * the same code paths as the API, and records each repair as an audit event. A failed repair is a
 * {@link Outcome#FAILED} repair, not an exception: the run goes on with the next drift.
 */
@Component
class Repairer {

	private static final Logger log = LoggerFactory.getLogger(Repairer.class);

	private final ProjectLookup projects;

	private final ProjectLifecycle lifecycle;

	private final SessionService sessions;

	private final DatabaseProvisioner provisioner;

	private final OrphanDatabases orphans;

	private final Audit audit;

	private final DatabaseServers servers;

	private final Credentials credentials;

	private final ProjectDatabaseAccess access;

	private final MoveDatabases moves;

	Repairer(ProjectLookup projects, ProjectLifecycle lifecycle, SessionService sessions,
			DatabaseProvisioner provisioner, OrphanDatabases orphans, Audit audit, DatabaseServers servers,
			Credentials credentials, ProjectDatabaseAccess access, MoveDatabases moves) {
		this.moves = moves;
		this.credentials = credentials;
		this.access = access;
		this.servers = servers;
		this.projects = projects;
		this.lifecycle = lifecycle;
		this.sessions = sessions;
		this.provisioner = provisioner;
		this.orphans = orphans;
		this.audit = audit;
	}

	/** The repair made; empty when nothing was attempted. */
	Optional<Repair> apply(Remedy remedy, Drift drift) {
		Optional<Repair> repair = switch (remedy) {
			case PROVISION -> Optional.of(provision(drift));
			case FINISH_DELETE -> Optional.of(finishDelete(drift));
			case MARK_FAILED -> Optional.of(markFailed(drift));
			case DROP_ORPHAN -> dropOrphan(drift);
			case PURGE_SESSIONS -> Optional.of(purgeSessions(drift));
			case DROP_EXPIRED_CREDENTIALS -> Optional.of(dropExpiredCredentials(drift));
			case DROP_MOVED_SOURCE -> dropMovedSource(drift);
			case DROP_MOVE_LEFTOVERS -> Optional.of(dropMoveLeftovers(drift));
			case NONE -> Optional.empty();
		};
		repair.ifPresent(this::audit);
		return repair;
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

	private Optional<Repair> dropOrphan(Drift drift) {
		String name = drift.databaseName();
		// Checked once more right before the DROP: only a managed name, and only while no project owns it.
		if (!this.provisioner.isManagedName(name) || this.projects.isDatabaseRegistered(drift.server(), name)) {
			return Optional.empty();
		}
		try {
			DatabaseServer server = this.servers.server(drift.server());
			this.provisioner.dropDatabase(server, name);
			this.access.release(server, name);
			this.orphans.forget(name);
			log.warn("Dropped orphan database {} (no project since {})", name, drift.since());
			return Optional.of(repaired(drift, "dropped: an orphan since " + drift.since()));
		}
		catch (RuntimeException ex) {
			return Optional.of(failed(drift, ex));
		}
	}

	/** Dropped only if it is still a kept source past its grace period when looked at again. */
	private Optional<Repair> dropMovedSource(Drift drift) {
		try {
			Optional<MoveDatabases.KeptSource> kept = this.moves.keptSources(drift.server()).stream()
				.filter(source -> source.databaseName().equals(drift.databaseName()))
				.findFirst();
			if (kept.isEmpty() || !this.moves.dropKeptSource(kept.get())) {
				return Optional.empty();
			}
			return Optional.of(repaired(drift, "dropped: kept since the move on " + kept.get().movedAt()));
		}
		catch (RuntimeException ex) {
			return Optional.of(failed(drift, ex));
		}
	}

	private Repair dropMoveLeftovers(Drift drift) {
		try {
			return repaired(drift, "dropped " + this.moves.dropLeftovers(drift.server()) + " replication objects on "
					+ drift.server());
		}
		catch (RuntimeException ex) {
			return failed(drift, ex);
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

	private Repair dropExpiredCredentials(Drift drift) {
		try {
			long dropped = this.credentials.expired(drift.server())
				.keySet()
				.stream()
				.filter(name -> this.credentials.dropExpired(drift.server(), name))
				.count();
			return repaired(drift, "dropped " + dropped + " expired credentials on " + drift.server());
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

}
