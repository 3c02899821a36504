package io.codebase.registry.project;

import java.util.UUID;

import io.codebase.registry.web.ApiException;

import org.springframework.http.HttpStatus;

/**
 * Creating or dropping a project's database failed on the PostgreSQL server. The row is kept (FAILED, or
 * DELETING) with the reason in {@code lastError}, so the step can be retried; nothing is left half-known.
 */
public class ProvisioningFailedException extends ApiException {

	ProvisioningFailedException(UUID projectId, ProjectState state, String reason, String retry) {
		super(HttpStatus.BAD_GATEWAY, "provisioning-failed", "Project database provisioning failed", reason);
		with("projectId", projectId);
		with("state", state);
		with("retry", retry);
	}

}
