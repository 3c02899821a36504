package io.codebase.registry.project;

import java.util.UUID;

import io.codebase.registry.problem.ProblemCategory;
import io.codebase.registry.problem.RegistryException;

/**
 * Creating or dropping a project's database failed on the PostgreSQL server. The row is kept (FAILED, or
 * DELETING) with the reason in {@code lastError}, so the step can be retried; nothing is left half-known.
 */
public class ProvisioningFailedException extends RegistryException {

	ProvisioningFailedException(UUID projectId, ProjectState state, String reason, String retry) {
		super(ProblemCategory.DOWNSTREAM_FAILED, "provisioning-failed", "Project database provisioning failed", reason);
		with("projectId", projectId);
		with("state", state);
		with("retry", retry);
	}

}
