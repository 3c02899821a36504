package io.codebase.registry.web;

import java.util.List;

import org.springframework.http.HttpStatus;

/** A request that breaks one or more field rules; every broken rule is listed. */
public class InvalidRequestException extends ApiException {

	public InvalidRequestException(List<FieldProblem> errors) {
		super(HttpStatus.BAD_REQUEST, "invalid-request", "Invalid request",
				errors.size() == 1 ? errors.get(0).field() + ": " + errors.get(0).message()
						: errors.size() + " fields are invalid");
		with("errors", errors);
	}

	public InvalidRequestException(String field, String message) {
		this(List.of(new FieldProblem(field, message)));
	}

}
