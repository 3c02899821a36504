package io.codebase.registry.project;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.codebase.registry.problem.FieldProblem;
import io.codebase.registry.problem.InvalidRequestException;

/**
 * A JSON merge patch (RFC 7396) of a project, checked for shape when it is read: only patchable fields, each a
 * value of its type or {@code null}. What the patched project must then satisfy is checked by the project rules.
 */
record ProjectPatch(Map<String, Object> changes) {

	/** Fields a merge patch may change; the others are read-only or immutable. */
	private static final Set<String> PATCHABLE = Set.of("description", "sourcePath", "metadata");

	private static final Set<String> READ_ONLY = Set.of("id", "name", "databaseName", "state", "schemaVersion",
			"indexStatus", "indexMessage", "indexReportedAt", "indexUpdatedAt", "lastError", "version", "createdAt",
			"updatedAt");

	ProjectPatch {
		changes = new LinkedHashMap<>(changes);
	}

	/** The patch a request body holds; every field that cannot be applied is named in one 400 problem. */
	static ProjectPatch of(Map<String, Object> body) {
		List<FieldProblem> errors = new ArrayList<>();
		body.keySet().stream().filter(field -> !PATCHABLE.contains(field)).sorted().forEach(field ->
			errors.add(new FieldProblem(field, READ_ONLY.contains(field) ? "is read-only and cannot be patched"
					: "is not a field of a project (patchable: description, sourcePath, metadata)")));
		if (errors.isEmpty()) {
			requireType(body, "description", String.class, "must be a string or null", errors);
			requireType(body, "sourcePath", String.class, "must be a string or null", errors);
			requireType(body, "metadata", Map.class, "must be an object, or null to clear it", errors);
		}
		if (!errors.isEmpty()) {
			throw new InvalidRequestException(errors);
		}
		return new ProjectPatch(body);
	}

	private static void requireType(Map<String, Object> body, String field, Class<?> type, String message,
			List<FieldProblem> errors) {
		Object value = body.get(field);
		if (value != null && !type.isInstance(value)) {
			errors.add(new FieldProblem(field, message));
		}
	}

}
