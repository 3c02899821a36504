package io.codebase.registry.reconciliation;

import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;

import io.codebase.registry.reconciliation.DriftDetector.Scope;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.scheduling.annotation.SchedulingConfigurer;
import org.springframework.scheduling.config.FixedDelayTask;
import org.springframework.scheduling.config.ScheduledTaskRegistrar;
import org.springframework.stereotype.Component;

/**
 * Runs the reconciler every {@code registry.reconciliation.interval} on every replica; the lock lets one of
 * them repair and the others skip.
 */
@Component
class ReconciliationSchedule implements SchedulingConfigurer {

	private static final Logger log = LoggerFactory.getLogger(ReconciliationSchedule.class);

	private final Reconciler reconciler;

	private static final Duration CHANGE_MARGIN = Duration.ofMinutes(5);

	private final ReconciliationProperties properties;

	/** When this replica began its last completed run, and the last that looked at every project; runs are serial. */
	private volatile Instant lastRun;

	private volatile Instant lastEveryProject;

	ReconciliationSchedule(Reconciler reconciler, ReconciliationProperties properties) {
		this.reconciler = reconciler;
		this.properties = properties;
	}

	/**
	 * Every project on this replica's first run and once per {@code full-interval}; otherwise the projects changed
	 * since this replica's previous run began, less a margin, or not READY. The margin covers the clocks of the
	 * replicas that stamp rows and the transactions still open when that run read them; a run of another replica in
	 * between only makes this one look at more.
	 */
	Scope scopeAt(Instant now) {
		if (this.lastEveryProject == null || !now.isBefore(this.lastEveryProject.plus(this.properties.fullInterval()))) {
			return Scope.EVERY_PROJECT;
		}
		return Scope.changedOrUnsettledSince(this.lastRun.minus(CHANGE_MARGIN));
	}

	@Override
	public void configureTasks(ScheduledTaskRegistrar registrar) {
		if (this.properties.enabled()) {
			registrar.addFixedDelayTask(new FixedDelayTask(this::run, this.properties.interval(),
					this.properties.interval()));
		}
		else {
			log.info("Scheduled reconciliation is off (registry.reconciliation.enabled=false)");
		}
	}

	void run() {
		Instant started = Instant.now();
		Scope scope = scopeAt(started);
		try {
			if (this.reconciler.reconcile(EnumSet.allOf(DriftKind.class), ReconciliationMetrics.Trigger.SCHEDULE, scope)
				.isEmpty()) {
				log.debug("Reconciliation skipped: another replica is running it");
				return;
			}
			this.lastRun = started;
			if (scope.everyProject()) {
				this.lastEveryProject = started;
			}
		}
		catch (RuntimeException ex) {
			// Logged, not thrown: the next run comes anyway, and the runs counter shows the failure.
			log.warn("Reconciliation failed: {}", ex.getMessage());
		}
	}

}
