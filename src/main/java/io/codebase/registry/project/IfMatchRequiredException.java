package io.codebase.registry.project;

import io.codebase.registry.web.ApiException;

import org.springframework.http.HttpStatus;

/** Updates must say which version they change, so that no write silently overwrites another (RFC 6585). */
class IfMatchRequiredException extends ApiException {

	IfMatchRequiredException() {
		super(HttpStatus.PRECONDITION_REQUIRED, "if-match-required", "Precondition required",
				"Send the project's ETag in an If-Match header (GET the project to read it)");
	}

}
