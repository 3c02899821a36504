package io.codebase.registry.project;

import io.codebase.registry.problem.ProblemCategory;
import io.codebase.registry.problem.RegistryException;

/** {@code If-Match} named a version that is no longer current: somebody else changed the project first. */
public class VersionMismatchException extends RegistryException {

	VersionMismatchException(String ifMatch, long currentVersion) {
		super(ProblemCategory.STALE_VERSION, "version-mismatch", "Precondition failed",
				"If-Match " + ifMatch + " does not match the current version; GET the project again and retry");
		with("currentETag", ETags.of(currentVersion));
	}

}
