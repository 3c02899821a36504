package io.codebase.registry.rollout;

import java.util.UUID;

import io.codebase.registry.web.ApiException;

import org.springframework.http.HttpStatus;

/** No schema rollout has this id. */
class RolloutNotFoundException extends ApiException {

	RolloutNotFoundException(UUID id) {
		super(HttpStatus.NOT_FOUND, "schema-rollout-not-found", "Schema rollout not found",
				"No schema rollout has the id " + id);
		with("rolloutId", id);
	}

}
