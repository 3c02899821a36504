package io.codebase.registry.reconciliation;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The reconciler: what it repairs on its own, and how often it runs. Whatever the settings, only one replica
 * reconciles at a time (a PostgreSQL advisory lock), and {@code POST /api/v1/reconciliation} runs it on demand.
 *
 * @param enabled run the reconciler on a schedule; {@code false}: only {@code POST /api/v1/reconciliation} runs it
 * @param interval pause between the end of one scheduled run and the start of the next (also the delay of the
 * first run after start-up); every replica schedules runs, the advisory lock lets one run at a time
 * @param missingDatabase what a run does with a {@code READY} project whose database is gone: {@code MARK_FAILED}
 * sets it {@code FAILED} with the reason, {@code REPROVISION} creates the database again, empty
 * @param retryFailed provision {@code FAILED} projects again on every run; {@code false}: only report them
 * @param dropOrphans drop managed databases that no project owns, once they have been orphans for
 * {@code orphan-grace-period}; {@code false}: only report them
 * @param orphanGracePeriod how long repairing runs must have seen a database as an orphan before it may be dropped
 * (the first sighting is stored, so it survives restarts)
 * @param fullInterval how often a scheduled run looks at every project (a replica's first run always does); the
 * runs between look only at projects whose row changed since the replica's previous run and those not READY, plus
 * every server's databases (orphans), sessions, credentials and moves, so their cost follows what changed, not how
 * many projects there are. What happens to a settled project's database or files behind the registry's back is
 * found by the next full run. {@code POST /api/v1/reconciliation} and the report always look at every project
 */
@ConfigurationProperties("registry.reconciliation")
public record ReconciliationProperties(
		@DefaultValue("true") boolean enabled,
		@DefaultValue("60s") Duration interval,
		@DefaultValue("MARK_FAILED") MissingDatabasePolicy missingDatabase,
		@DefaultValue("false") boolean retryFailed,
		@DefaultValue("false") boolean dropOrphans,
		@DefaultValue("24h") Duration orphanGracePeriod,
		@DefaultValue("1h") Duration fullInterval) {

	public ReconciliationProperties {
		if (interval.isNegative() || interval.isZero()) {
			throw new IllegalArgumentException("registry.reconciliation.interval must be positive");
		}
		if (fullInterval.isNegative() || fullInterval.isZero()) {
			throw new IllegalArgumentException("registry.reconciliation.full-interval must be positive");
		}
		if (orphanGracePeriod.isNegative()) {
			throw new IllegalArgumentException("registry.reconciliation.orphan-grace-period must not be negative");
		}
	}

	/** What the reconciler does with a READY project whose database has disappeared. */
	public enum MissingDatabasePolicy {

		/** Create the database again, empty: the project stays READY, its indexed data must be rebuilt. */
		REPROVISION,
		/** Set the project FAILED with the reason, so nobody mistakes it for usable; an operator decides. */
		MARK_FAILED

	}

}
