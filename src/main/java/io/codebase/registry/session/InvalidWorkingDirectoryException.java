package io.codebase.registry.session;

import io.codebase.registry.web.ApiException;

import org.springframework.http.HttpStatus;

/** A working directory the service will not use; {@code rule} names the rule it breaks. */
public class InvalidWorkingDirectoryException extends ApiException {

	InvalidWorkingDirectoryException(String workingDirectory, String rule, String detail) {
		super(HttpStatus.UNPROCESSABLE_CONTENT, "invalid-working-directory", "Working directory refused", detail);
		with("workingDirectory", workingDirectory);
		with("rule", rule);
	}

}
