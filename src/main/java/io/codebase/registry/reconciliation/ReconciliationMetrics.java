package io.codebase.registry.reconciliation;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import org.springframework.stereotype.Component;

/**
 * The reconciler's meters: {@code registry.drift} per kind and {@code registry.reconciliation.runs} per trigger and
 * result (both registered at start-up, so that each reads 0 before the first run and an alert on failed runs has a
 * series to watch), {@code registry.reconciliation.repairs}, and what each look cost
 * ({@code registry.reconciliation.duration} and {@code registry.reconciliation.projects.checked}, by scope).
 */
@Component
class ReconciliationMetrics {

	private final MeterRegistry meters;

	private final Map<DriftKind, AtomicLong> drift = new EnumMap<>(DriftKind.class);

	/** What started a repairing run: the {@code trigger} tag. */
	enum Trigger {

		SCHEDULE, API

	}

	/** How a repairing run ended: the {@code result} tag. */
	enum RunResult {

		/** It ran to the end. */
		COMPLETED,
		/** Another run, on any replica, held the lock. */
		SKIPPED,
		/** It threw. */
		FAILED

	}

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
		for (Trigger trigger : Trigger.values()) {
			for (RunResult result : RunResult.values()) {
				runs(trigger, result);
			}
		}
	}

	/** The drift left of the kinds a run or report looked at; the other kinds keep their last value. */
	void driftLeft(Map<DriftKind, Long> remaining) {
		remaining.forEach((kind, count) -> this.drift.get(kind).set(count));
	}

	/**
	 * How long one look took and how many projects it read, by scope ({@code every-project} or {@code changed}): the
	 * cost of a run, which a look at changed projects keeps small however many projects there are.
	 */
	void looked(DriftDetector.Scope scope, Duration took, long projects) {
		Timer.builder("registry.reconciliation.duration")
			.description("Time a reconciliation run or report took to look at the world, by the projects it looked at")
			.tag("scope", scope.tag())
			.register(this.meters)
			.record(took);
		Counter.builder("registry.reconciliation.projects.checked")
			.description("Projects read and checked by reconciliation runs and reports, by the projects they looked at")
			.tag("scope", scope.tag())
			.register(this.meters)
			.increment(projects);
	}

	void repaired(Repair repair) {
		Counter.builder("registry.reconciliation.repairs")
			.description("Repairs attempted by the reconciler, by drift kind and outcome")
			.tag("kind", repair.kind().name())
			.tag("outcome", repair.outcome().name().toLowerCase(Locale.ROOT))
			.register(this.meters)
			.increment();
	}

	void ran(Trigger trigger, RunResult result) {
		runs(trigger, result).increment();
	}

	private Counter runs(Trigger trigger, RunResult result) {
		return Counter.builder("registry.reconciliation.runs")
			.description("Repairing reconciliation runs: completed, skipped because another run held the lock, or failed")
			.tag("trigger", trigger.name().toLowerCase(Locale.ROOT))
			.tag("result", result.name().toLowerCase(Locale.ROOT))
			.register(this.meters);
	}

}
