package io.codebase.registry.transfer;

import java.util.List;

import io.codebase.registry.web.ApiException;

import org.springframework.http.HttpStatus;

/** The import file cannot be imported as a whole; every bad entry is listed, nothing was written. */
class InvalidImportException extends ApiException {

	InvalidImportException(String detail, List<ImportProblem> errors) {
		super(HttpStatus.UNPROCESSABLE_CONTENT, "invalid-import", "Invalid import file", detail);
		with("errors", errors);
	}

}
