package io.codebase.registry.reconciliation;

import java.time.Instant;
import java.util.UUID;

import io.codebase.registry.reconciliation.DriftDetector.Sighting;
import io.codebase.registry.reconciliation.ReconciliationProperties.MissingDatabasePolicy;

import org.springframework.stereotype.Component;

/**
 * The one table of what is done about each kind of drift under the current settings: the action a report
 * shows, the remedy a repairing run applies, and the fix by hand that the validation report suggests.
 */
@Component
class ReconciliationPolicy {

	private final ReconciliationProperties properties;

	ReconciliationPolicy(ReconciliationProperties properties) {
		this.properties = properties;
	}

	/** What a repairing run does about this drift at {@code now}; a report shows the same action. */
	Decision decide(Sighting drift, Instant now) {
		MissingDatabasePolicy missingDatabase = this.properties.missingDatabase();
		return switch (drift.kind()) {
			case STUCK_PROVISIONING -> new Decision(
					"finish provisioning: CREATE DATABASE, then READY (FAILED if that fails)", Remedy.PROVISION);
			case LEFTOVER_DELETING -> new Decision("finish the delete: DROP DATABASE, then delete the row",
					Remedy.FINISH_DELETE);
			case MISSING_DATABASE -> (missingDatabase == MissingDatabasePolicy.REPROVISION)
					? new Decision("create the database again, empty (registry.reconciliation.missing-database=REPROVISION)",
							Remedy.PROVISION)
					: new Decision("mark the project FAILED (registry.reconciliation.missing-database=MARK_FAILED); then "
							+ "restore the database from a backup, or " + provision(drift.projectId()), Remedy.MARK_FAILED);
			case FAILED -> this.properties.retryFailed()
					? new Decision("provision it again (registry.reconciliation.retry-failed=true)", Remedy.PROVISION)
					: byHand(drift, " (registry.reconciliation.retry-failed=false)");
			case MISSING_SOURCE_PATH -> byHand(drift, "");
			case ORPHAN_DATABASE -> orphan(drift, now);
			case EXPIRED_SESSIONS -> new Decision("purge them", Remedy.PURGE_SESSIONS);
			case SERVER_UNAVAILABLE -> byHand(drift, " while the server is unavailable");
			case MISSING_ACCESS_ROLES -> new Decision("apply the roles and grants again (the same path as POST /provision)",
					Remedy.PROVISION);
			case EXPIRED_CREDENTIALS -> new Decision("drop them", Remedy.DROP_EXPIRED_CREDENTIALS);
			// No end of grace known: kept, never dropped on a guess.
			case MOVED_SOURCE -> (drift.since() == null || drift.since().isAfter(now))
					? new Decision("drop it after " + ((drift.since() != null) ? drift.since() : "its grace period")
							+ " (registry.moves.source-grace)", Remedy.NONE)
					: new Decision("drop it (its grace period, registry.moves.source-grace, is over)",
							Remedy.DROP_MOVED_SOURCE);
			case MOVE_LEFTOVERS -> new Decision("drop them", Remedy.DROP_MOVE_LEFTOVERS);
		};
	}

	/** How to fix this drift by hand: what the validation report suggests, and a report when nothing is done. */
	String manualFix(DriftKind kind, UUID projectId) {
		return switch (kind) {
			case MISSING_SOURCE_PATH -> "PATCH /api/v1/projects/" + projectId
					+ " with the sourcePath where the code now lives, or DELETE the project";
			case MISSING_DATABASE -> "Restore it from a backup, or " + provision(projectId) + " to create it again (empty)";
			case FAILED -> "Fix the cause, then " + provision(projectId);
			case STUCK_PROVISIONING -> provision(projectId);
			case LEFTOVER_DELETING -> "DELETE /api/v1/projects/" + projectId + " again";
			case ORPHAN_DATABASE -> "import it as a project, or drop it";
			case EXPIRED_SESSIONS -> "POST /api/v1/reconciliation?kind=EXPIRED_SESSIONS";
			case MISSING_ACCESS_ROLES -> provision(projectId);
			case EXPIRED_CREDENTIALS -> "POST /api/v1/reconciliation?kind=EXPIRED_CREDENTIALS";
			case MOVED_SOURCE -> "POST /api/v1/reconciliation?kind=MOVED_SOURCE once its grace period is over";
			case MOVE_LEFTOVERS -> "POST /api/v1/reconciliation?kind=MOVE_LEFTOVERS";
			case SERVER_UNAVAILABLE -> "bring the database server back (GET /api/v1/database-servers shows why it is "
					+ "down); the project is checked again once it answers";
		};
	}

	private Decision byHand(Sighting drift, String setting) {
		return new Decision("none" + setting + "; by hand: " + manualFix(drift.kind(), drift.projectId()), Remedy.NONE);
	}

	/** Dropped only when allowed, and only once a repairing run has seen it as an orphan for the grace period. */
	private Decision orphan(Sighting drift, Instant now) {
		if (!this.properties.dropOrphans()) {
			return byHand(drift, " (registry.reconciliation.drop-orphans=false)");
		}
		Instant firstSeen = drift.since();
		if (firstSeen == null) {
			return new Decision("drop it once it has been an orphan for " + this.properties.orphanGracePeriod()
					+ " (registry.reconciliation.orphan-grace-period); the next repairing run records it", Remedy.NONE);
		}
		Instant due = firstSeen.plus(this.properties.orphanGracePeriod());
		if (due.isAfter(now)) {
			return new Decision("drop it after " + due + " (registry.reconciliation.orphan-grace-period)", Remedy.NONE);
		}
		return new Decision("drop it (registry.reconciliation.drop-orphans=true, an orphan for longer than "
				+ this.properties.orphanGracePeriod() + ")", Remedy.DROP_ORPHAN);
	}

	private static String provision(UUID projectId) {
		return "POST /api/v1/projects/" + projectId + "/provision";
	}

	/** The action as a report words it, and the remedy a repairing run applies. */
	record Decision(String action, Remedy remedy) {
	}

	/** What a repairing run does; {@link #NONE} leaves the drift to be fixed by hand or by a later run. */
	enum Remedy {

		/** Provision the project again (the same path as POST /provision). */
		PROVISION,
		/** Finish its delete (the same path as DELETE). */
		FINISH_DELETE,
		/** Set the project FAILED with the reason. */
		MARK_FAILED,
		/** Drop the orphan database, checked once more right before. */
		DROP_ORPHAN,
		/** Purge every expired session. */
		PURGE_SESSIONS,
		/** Drop the server's expired credentials, each checked once more right before. */
		DROP_EXPIRED_CREDENTIALS,
		/** Drop a moved project's old database, its grace period checked once more right before. */
		DROP_MOVED_SOURCE,
		/** Drop the server's unused replication objects of moves, checked once more right before. */
		DROP_MOVE_LEFTOVERS,
		NONE

	}

}
