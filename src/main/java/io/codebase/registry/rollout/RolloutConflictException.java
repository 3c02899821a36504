package io.codebase.registry.rollout;

import java.util.UUID;

import io.codebase.registry.problem.ProblemCategory;
import io.codebase.registry.problem.RegistryException;

/** A rollout cannot do this now: another one is unfinished, it is in the wrong state, or there is no project schema. */
public class RolloutConflictException extends RegistryException {

	private RolloutConflictException(String typeSlug, String detail) {
		super(ProblemCategory.CONFLICT, typeSlug, "Conflict with the current state of the registry", detail);
	}

	static RolloutConflictException running(UUID running, RolloutState state) {
		RolloutConflictException conflict = new RolloutConflictException("schema-rollout-running",
				"Schema rollout " + running + " is " + state + "; only one unfinished rollout exists at a time (resume "
						+ "or cancel it first)");
		conflict.with("rolloutId", running).with("rollout", "/api/v1/schema-rollouts/" + running).with("state", state);
		return conflict;
	}

	static RolloutConflictException notResumable(UUID id, RolloutState state) {
		RolloutConflictException conflict = new RolloutConflictException("schema-rollout-not-resumable",
				"Schema rollout " + id + " is " + state + "; only a PAUSED or HALTED rollout can be resumed");
		conflict.with("rolloutId", id).with("state", state);
		return conflict;
	}

	static RolloutConflictException finished(UUID id, RolloutState state) {
		RolloutConflictException conflict = new RolloutConflictException("schema-rollout-finished",
				"Schema rollout " + id + " is already " + state);
		conflict.with("rolloutId", id).with("state", state);
		return conflict;
	}

	static RolloutConflictException schemaDisabled() {
		return new RolloutConflictException("project-schema-disabled",
				"The project schema step is disabled (registry.provisioning.schema.enabled=false); there is nothing to roll out");
	}

}
