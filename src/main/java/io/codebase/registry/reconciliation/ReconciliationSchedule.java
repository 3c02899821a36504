package io.codebase.registry.reconciliation;

import java.util.EnumSet;

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

	private final ReconciliationProperties properties;

	ReconciliationSchedule(Reconciler reconciler, ReconciliationProperties properties) {
		this.reconciler = reconciler;
		this.properties = properties;
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
		try {
			if (this.reconciler.reconcile(EnumSet.allOf(DriftKind.class), ReconciliationMetrics.Trigger.SCHEDULE).isEmpty()) {
				log.debug("Reconciliation skipped: another replica is running it");
			}
		}
		catch (RuntimeException ex) {
			// Logged, not thrown: the next run comes anyway, and the runs counter shows the failure.
			log.warn("Reconciliation failed: {}", ex.getMessage());
		}
	}

}
