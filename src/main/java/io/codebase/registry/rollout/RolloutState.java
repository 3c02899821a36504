package io.codebase.registry.rollout;

/** Where a schema rollout is. RUNNING, PAUSED and HALTED are unfinished: only one such rollout exists at a time. */
public enum RolloutState {

	/** Items are pending; a replica migrates them (or will, once one takes it over). */
	RUNNING,
	/** A wave passed and the rollout waits for {@code POST .../resume} before the next (pauseBetweenWaves). */
	PAUSED,
	/** A wave exceeded its failure budget: nothing new starts until {@code POST .../resume}, which retries the failures first. */
	HALTED,
	/** Stopped by {@code POST .../cancel}: what had not started is SKIPPED. */
	CANCELLED,
	/** Every wave ran within its budget; failures within budget are listed among the items. */
	COMPLETED;

	boolean unfinished() {
		return this == RUNNING || this == PAUSED || this == HALTED;
	}

}
