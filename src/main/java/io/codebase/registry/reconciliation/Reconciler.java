package io.codebase.registry.reconciliation;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import io.codebase.registry.reconciliation.DriftDetector.Detection;
import io.codebase.registry.reconciliation.DriftDetector.Scope;
import io.codebase.registry.reconciliation.ReconciliationMetrics.RunResult;
import io.codebase.registry.reconciliation.ReconciliationMetrics.Trigger;
import io.codebase.registry.reconciliation.ReconciliationPolicy.Decision;
import io.codebase.registry.reconciliation.ReconciliationPolicy.Remedy;
import io.codebase.registry.reconciliation.Repair.Outcome;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Service;

/**
 * Runs reconciliation: {@link DriftDetector} finds the drift, {@link ReconciliationPolicy} says what to do about
 * each, {@link Repairer} does it, {@link ReconciliationMetrics} counts. Repairing runs hold
 * {@link ReconciliationLock}, so they happen on one replica at a time.
 */
@Service
class Reconciler {

	private static final Logger log = LoggerFactory.getLogger(Reconciler.class);

	private final DriftDetector detector;

	private final ReconciliationPolicy policy;

	private final Repairer repairer;

	private final ReconciliationMetrics metrics;

	private final ReconciliationLock lock;

	Reconciler(DriftDetector detector, ReconciliationPolicy policy, Repairer repairer, ReconciliationMetrics metrics,
			ReconciliationLock lock) {
		this.detector = detector;
		this.policy = policy;
		this.repairer = repairer;
		this.metrics = metrics;
		this.lock = lock;
	}

	/**
	 * The drift of these kinds among the projects in {@code scope}, found without repairing or recording anything
	 * and without the lock.
	 */
	ReconciliationReport report(Set<DriftKind> kinds, Scope scope) {
		Instant started = Instant.now();
		Detection detection = detect(started, false, scope);
		Map<DriftKind, Long> found = detection.counts(kinds);
		List<Drift> drifts = plan(detection, kinds, started).stream().map(Planned::drift).toList();
		return finish(started, detection, false, found, found, drifts, List.of());
	}

	/**
	 * Finds and repairs drift of these kinds, holding the lock; empty when another run (on any replica) holds
	 * it. {@code trigger} tags the run counter.
	 */
	Optional<ReconciliationReport> reconcile(Set<DriftKind> kinds, Trigger trigger) {
		return reconcile(kinds, trigger, Scope.EVERY_PROJECT);
	}

	/** {@link #reconcile(Set, Trigger)} over the projects in {@code scope}. */
	Optional<ReconciliationReport> reconcile(Set<DriftKind> kinds, Trigger trigger, Scope scope) {
		Optional<ReconciliationReport> report;
		try {
			report = this.lock.runExclusively(() -> repair(kinds, scope));
		}
		catch (RuntimeException ex) {
			this.metrics.ran(trigger, RunResult.FAILED);
			throw ex;
		}
		this.metrics.ran(trigger, report.isPresent() ? RunResult.COMPLETED : RunResult.SKIPPED);
		return report;
	}

	private ReconciliationReport repair(Set<DriftKind> kinds, Scope scope) {
		Instant started = Instant.now();
		Detection detection = detect(started, true, scope);
		Map<DriftKind, Long> found = detection.counts(kinds);
		Map<DriftKind, Long> remaining = new EnumMap<>(found);
		List<Planned> plan = plan(detection, kinds, started);
		List<Repair> repairs = new ArrayList<>();
		for (Planned each : plan) {
			this.repairer.apply(each.remedy(), each.drift()).ifPresent(repair -> {
				repairs.add(repair);
				this.metrics.repaired(repair);
				if (repair.outcome() == Outcome.REPAIRED) {
					// One purge takes every expired session; every other drift is one project or database.
					remaining.compute(repair.kind(), (kind, left) -> kind == DriftKind.EXPIRED_SESSIONS ? 0 : left - 1);
				}
			});
		}
		return finish(started, detection, true, found, remaining, plan.stream().map(Planned::drift).toList(), repairs);
	}

	private Detection detect(Instant started, boolean recordOrphans, Scope scope) {
		long start = System.nanoTime();
		Detection detection = this.detector.detect(started, recordOrphans, scope);
		this.metrics.looked(scope, Duration.ofNanos(System.nanoTime() - start), detection.projectsLooked());
		return detection;
	}

	/** The drift of these kinds, each with what the policy does about it now. */
	private List<Planned> plan(Detection detection, Set<DriftKind> kinds, Instant now) {
		return detection.sightings().stream().filter(sighting -> kinds.contains(sighting.kind())).map(sighting -> {
			Decision decision = this.policy.decide(sighting, now);
			return new Planned(sighting.drift(decision.action()), decision.remedy());
		}).toList();
	}

	private ReconciliationReport finish(Instant started, Detection detection, boolean repairing,
			Map<DriftKind, Long> found, Map<DriftKind, Long> remaining, List<Drift> drifts, List<Repair> repairs) {
		// A look at changed projects says nothing of a settled project's drift: those gauges keep the last full count.
		Map<DriftKind, Long> complete = new EnumMap<>(DriftKind.class);
		remaining.forEach((kind, left) -> {
			if (detection.complete().contains(kind)) {
				complete.put(kind, left);
			}
		});
		this.metrics.driftLeft(complete);
		ReconciliationReport report = ReconciliationReport.of(started, detection, repairing, found, remaining, drifts,
				repairs);
		if (repairs.isEmpty() && found.values().stream().allMatch(count -> count == 0)) {
			log.debug("Reconciliation found no drift");
		}
		else {
			log.info("Reconciliation of {} projects ({}) found {}, repaired {} ({} failed), left {}",
					detection.projectsLooked(), detection.scope().tag(), found,
					repairs.stream().filter(repair -> repair.outcome() == Outcome.REPAIRED).count(),
					repairs.stream().filter(repair -> repair.outcome() == Outcome.FAILED).count(), remaining);
		}
		return report;
	}

	private record Planned(Drift drift, Remedy remedy) {
	}

}
