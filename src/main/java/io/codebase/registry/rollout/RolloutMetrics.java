package io.codebase.registry.rollout;

import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.stereotype.Component;

/**
 * The meters of schema rollouts. Tags are bounded: an item outcome, a wave ({@code canary} or 1 to
 * {@value RolloutPlanner#MAX_WAVES}), a rollout state; never a rollout or project id.
 */
@Component
class RolloutMetrics {

	private static final EnumSet<ItemState> OUTCOMES = EnumSet.of(ItemState.SUCCEEDED, ItemState.FAILED, ItemState.SKIPPED);

	private static final EnumSet<RolloutState> UNFINISHED = EnumSet.of(RolloutState.RUNNING, RolloutState.PAUSED,
			RolloutState.HALTED);

	private final MeterRegistry meters;

	private final Map<RolloutState, AtomicLong> unfinished = new EnumMap<>(RolloutState.class);

	RolloutMetrics(MeterRegistry meters) {
		this.meters = meters;
		for (RolloutState state : UNFINISHED) {
			AtomicLong count = new AtomicLong();
			this.unfinished.put(state, count);
			Gauge.builder("registry.schema.rollouts.unfinished", count, AtomicLong::get)
				.description("Schema rollouts RUNNING, PAUSED or HALTED in the registry, as this replica last saw them "
						+ "(at each change it makes and every resume-interval)")
				.tag("state", tag(state))
				.register(meters);
		}
		// At zero from the start, so that alerts and dashboards find the series before the first rollout.
		for (ItemState outcome : OUTCOMES) {
			handled(outcome, 1);
		}
		for (RolloutState state : RolloutState.values()) {
			transitions(state);
		}
		wave(1, "passed");
		wave(1, "halted");
	}

	void handled(ItemState outcome, int wave, int count) {
		if (count > 0) {
			handled(outcome, wave).increment(count);
		}
	}

	/** A wave ended: {@code passed} (within its failure budget) or {@code halted}. */
	void waveEnded(int wave, String outcome) {
		wave(wave, outcome).increment();
	}

	void transitioned(RolloutState to) {
		transitions(to).increment();
	}

	/** What the registry holds now: unfinished rollouts by state; any state not in the map is 0. */
	void unfinished(Map<RolloutState, Long> counts) {
		this.unfinished.forEach((state, count) -> count.set(counts.getOrDefault(state, 0L)));
	}

	private Counter handled(ItemState outcome, int wave) {
		return Counter.builder("registry.schema.rollout.projects")
			.description("Project databases handled by schema rollouts, by outcome and wave")
			.tag("result", tag(outcome))
			.tag("wave", waveTag(wave))
			.register(this.meters);
	}

	private Counter wave(int wave, String outcome) {
		return Counter.builder("registry.schema.rollout.waves")
			.description("Waves of schema rollouts that ended, by wave and outcome (passed: within the failure budget)")
			.tag("wave", waveTag(wave))
			.tag("outcome", outcome)
			.register(this.meters);
	}

	private Counter transitions(RolloutState state) {
		return Counter.builder("registry.schema.rollout.transitions")
			.description("Schema rollouts that entered a state")
			.tag("state", tag(state))
			.register(this.meters);
	}

	private static String waveTag(int wave) {
		return (wave == 0) ? "canary" : String.valueOf(wave);
	}

	private static String tag(Enum<?> value) {
		return value.name().toLowerCase(Locale.ROOT);
	}

}
