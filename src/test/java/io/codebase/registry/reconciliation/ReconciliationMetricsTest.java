package io.codebase.registry.reconciliation;

import io.codebase.registry.reconciliation.ReconciliationMetrics.RunResult;
import io.codebase.registry.reconciliation.ReconciliationMetrics.Trigger;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The reconciler's series exist before its first run: an alert on failed runs (or on drift) has something to watch
 * from the start instead of a series that appears with the first failure.
 */
class ReconciliationMetricsTest {

	private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

	private final ReconciliationMetrics metrics = new ReconciliationMetrics(this.meters);

	@Test
	void runsOfEveryTriggerAndResultStartAtZero() {
		for (String trigger : new String[] { "schedule", "api" }) {
			for (String result : new String[] { "completed", "skipped", "failed" }) {
				assertThat(runs(trigger, result)).as("%s %s", trigger, result).isZero();
			}
		}

		this.metrics.ran(Trigger.SCHEDULE, RunResult.FAILED);

		assertThat(runs("schedule", "failed")).isEqualTo(1);
		assertThat(runs("api", "failed")).isZero();
	}

	@Test
	void driftOfEveryKindStartsAtZero() {
		for (DriftKind kind : DriftKind.values()) {
			assertThat(this.meters.get("registry.drift").tag("kind", kind.name()).gauge().value()).as(kind.name()).isZero();
		}
	}

	private double runs(String trigger, String result) {
		return this.meters.get("registry.reconciliation.runs").tags("trigger", trigger, "result", result).counter().count();
	}

}
