package io.codebase.registry.project;

/** Where a project is in its provisioning lifecycle. Only a READY project is guaranteed to have its database. */
public enum ProjectState {

	/** The row is committed and the database is being created. */
	PROVISIONING,
	/** The database exists and is usable. */
	READY,
	/** Provisioning failed; {@code lastError} says why and {@code POST /provision} retries. */
	FAILED,
	/** The database is being dropped; the row goes once it is gone. */
	DELETING

}
