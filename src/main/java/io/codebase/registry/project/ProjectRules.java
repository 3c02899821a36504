package io.codebase.registry.project;

import java.util.Comparator;
import java.util.List;

import io.codebase.registry.problem.FieldProblem;
import io.codebase.registry.problem.InvalidRequestException;
import jakarta.validation.Validator;

import org.springframework.stereotype.Component;

/** The rules a project's fields obey, the same for the API, config files and imports. */
@Component
class ProjectRules {

	private final Validator validator;

	ProjectRules(Validator validator) {
		this.validator = validator;
	}

	/** The problems of a request, by field name; empty when it is valid. */
	<T> List<FieldProblem> problemsOf(T request) {
		return this.validator.validate(request)
			.stream()
			.map(violation -> new FieldProblem(violation.getPropertyPath().toString(), violation.getMessage()))
			.sorted(Comparator.comparing(FieldProblem::field))
			.toList();
	}

	<T> void requireValid(T request) {
		List<FieldProblem> problems = problemsOf(request);
		if (!problems.isEmpty()) {
			throw new InvalidRequestException(problems);
		}
	}

}
