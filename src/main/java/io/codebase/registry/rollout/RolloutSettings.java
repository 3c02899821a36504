package io.codebase.registry.rollout;

import java.util.List;

/**
 * How a rollout runs, as decided when it started and stored with it.
 *
 * @param parallelism databases migrated at once
 * @param maxPerServer databases migrated at once on one database server
 * @param canary whether wave 0 is a canary
 * @param wavePercents cumulative percentages of the projects after the canary, one per wave 1, 2, ...
 * @param failureBudget failures a wave may have; null: no limit
 * @param pauseBetweenWaves PAUSED after each wave that passed
 */
record RolloutSettings(int parallelism, int maxPerServer, boolean canary, List<Integer> wavePercents,
		RolloutRequest.FailureBudget failureBudget, boolean pauseBetweenWaves) {

	int firstWave() {
		return this.canary ? 0 : 1;
	}

	int lastWave() {
		return this.wavePercents.size();
	}

	/** {@code canary}, or the percentage a wave reaches, such as {@code 50%}. */
	String waveName(int wave) {
		return (wave == 0) ? "canary" : this.wavePercents.get(wave - 1) + "%";
	}

}
