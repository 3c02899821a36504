package io.codebase.registry.move;

/** Where a move stands as a whole. */
public enum MoveState {

	/** Its phases are running (or waiting for a replica to resume them). */
	RUNNING,

	/** It failed before the switch and is being undone (or waiting for a replica to finish undoing it). */
	ROLLING_BACK,

	/** The project is on the target server; the source database is kept for the grace period. */
	SUCCEEDED,

	/** It failed before the switch and was undone: the project stayed on its server, the target has nothing. */
	FAILED;

	boolean finished() {
		return this == SUCCEEDED || this == FAILED;
	}

}
