package io.codebase.registry.project;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

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

	/**
	 * The problems of a request, one per field (the first by message when several rules refuse one value, such as
	 * a NUL that is also a control character), by field name; empty when it is valid.
	 */
	<T> List<FieldProblem> problemsOf(T request) {
		Map<String, FieldProblem> byField = new TreeMap<>();
		this.validator.validate(request)
			.stream()
			.map(violation -> new FieldProblem(violation.getPropertyPath().toString(), violation.getMessage()))
			.sorted(Comparator.comparing(FieldProblem::field).thenComparing(FieldProblem::message))
			.forEach(problem -> byField.putIfAbsent(problem.field(), problem));
		return List.copyOf(byField.values());
	}

	<T> void requireValid(T request) {
		List<FieldProblem> problems = problemsOf(request);
		if (!problems.isEmpty()) {
			throw new InvalidRequestException(problems);
		}
	}

}
