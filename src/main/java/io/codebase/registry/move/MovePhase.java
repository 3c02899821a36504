package io.codebase.registry.move;

/** The phases of a move, in order; each is recorded before it runs, and each can run again after a crash. */
public enum MovePhase {

	/** Create the target database, apply the project schema and the access roles there. */
	PREPARING,

	/** Publish every table on the source, subscribe on the target: the initial copy starts. */
	COPYING,

	/** Wait until every table is copied and the lag is below registry.moves.cut-over-lag. */
	CATCHING_UP,

	/** Mark the project as moving: resolutions answer 503 project-moving from here to the switch. */
	FREEZING,

	/** Freeze the source's writers, wait for zero lag, copy sequences, switch the project's server. */
	CUTTING_OVER,

	/** Drop the subscription, publication and slots. */
	CLEANING_UP,

	/** Finished. */
	DONE

}
