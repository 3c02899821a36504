package io.codebase.registry.rollout;

/** The outcome of one project database in a rollout. */
public enum ItemState {

	/** Not started yet. */
	PENDING,
	/** Started (recorded before its migration begins); a replica that takes a dead runner's rollout over starts it again. */
	RUNNING,
	/** Migrated to the latest version (or already there). */
	SUCCEEDED,
	/** The migration failed; the database stays at its previous version and {@code error} says why. */
	FAILED,
	/** Not migrated: the project was deleted or left READY after the rollout started, or the rollout was cancelled. */
	SKIPPED

}
