package io.codebase.registry.rollout;

/** Where a schema rollout is. */
public enum RolloutState {

	/** Items are pending; a replica migrates them (or will, once one takes it over). */
	RUNNING,
	/** Every item has an outcome; failures are listed among the items. */
	COMPLETED

}
