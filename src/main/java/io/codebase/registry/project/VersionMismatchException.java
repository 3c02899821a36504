package io.codebase.registry.project;

import io.codebase.registry.web.ApiException;

import org.springframework.http.HttpStatus;

/** {@code If-Match} named a version that is no longer current: somebody else changed the project first. */
class VersionMismatchException extends ApiException {

	VersionMismatchException(String ifMatch, long currentVersion) {
		super(HttpStatus.PRECONDITION_FAILED, "version-mismatch", "Precondition failed",
				"If-Match " + ifMatch + " does not match the current version; GET the project again and retry");
		with("currentETag", ETags.of(currentVersion));
	}

}
