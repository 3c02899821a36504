package io.codebase.registry.problem;

import java.util.List;

import io.codebase.registry.problem.RegistryException;

/** A request that breaks one or more field rules; every broken rule is listed. */
public class InvalidRequestException extends RegistryException {

	public InvalidRequestException(List<FieldProblem> errors) {
		super(ProblemCategory.INVALID, "invalid-request", "Invalid request", errors.size() == 1 ? errors.get(0).field() + ": " + errors.get(0).message()
				: errors.size() + " fields are invalid");
		with("errors", errors);
	}

	public InvalidRequestException(String field, String message) {
		this(List.of(new FieldProblem(field, message)));
	}

}
