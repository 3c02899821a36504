package io.codebase.registry.rollout;

/** The outcome of one project database in a rollout. */
public enum ItemState {

	/** Not migrated yet (or interrupted by a restart: it is migrated again on resume). */
	PENDING,
	/** Migrated to the latest version (or already there). */
	SUCCEEDED,
	/** The migration failed; the database stays at its previous version and {@code error} says why. */
	FAILED,
	/** Not migrated: the project was deleted or left READY after the rollout started. */
	SKIPPED

}
