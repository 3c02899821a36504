package io.codebase.registry.reconciliation;

import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.stereotype.Component;

/**
 * The reconciler's meters: {@code registry.drift} per kind (registered for every kind at start-up, so that each
 * reads 0 before the first run), {@code registry.reconciliation.runs} and {@code registry.reconciliation.repairs}.
 */
@Component
class ReconciliationMetrics {

	private final MeterRegistry meters;

	private final Map<DriftKind, AtomicLong> drift = new EnumMap<>(DriftKind.class);

	ReconciliationMetrics(MeterRegistry meters) {
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

	/** The drift left of the kinds a run or report looked at; the other kinds keep their last value. */
	void driftLeft(Map<DriftKind, Long> remaining) {
		remaining.forEach((kind, count) -> this.drift.get(kind).set(count));
	}

	void repaired(Repair repair) {
		Counter.builder("registry.reconciliation.repairs")
			.description("Repairs attempted by the reconciler, by drift kind and outcome")
			.tag("kind", repair.kind().name())
			.tag("outcome", repair.outcome().name().toLowerCase(Locale.ROOT))
			.register(this.meters)
			.increment();
	}

	/** One repairing run: completed, skipped because another run held the lock, or failed. */
	void ran(String trigger, String result) {
		Counter.builder("registry.reconciliation.runs")
			.description("Repairing reconciliation runs: completed, skipped because another run held the lock, or failed")
			.tag("trigger", trigger)
			.tag("result", result)
			.register(this.meters)
			.increment();
	}

}
