package io.codebase.registry.project;

import java.util.Map;

import io.codebase.registry.problem.InvalidRequestException;

import org.springframework.data.domain.Sort;

/** The sort orders a list may ask for: {@code <field>[,asc|desc]} with a whitelisted, indexed field. */
final class ProjectSort {

	static final String FIELDS = "name, createdAt, updatedAt, state";

	/** API field to entity attribute; names sort case-insensitively, as they are unique. */
	private static final Map<String, String> ATTRIBUTES = Map.of("name", "nameKey", "createdAt", "createdAt",
			"updatedAt", "updatedAt", "state", "state");

	private ProjectSort() {
	}

	static Sort parse(String sort) {
		String[] parts = sort.split(",", -1);
		String attribute = ATTRIBUTES.get(parts[0].trim());
		if (attribute == null || parts.length > 2) {
			throw new InvalidRequestException("sort", "must be <field>[,asc|desc] with field one of " + FIELDS);
		}
		Sort.Direction direction = Sort.Direction.ASC;
		if (parts.length == 2) {
			direction = Sort.Direction.fromOptionalString(parts[1].trim())
				.orElseThrow(() -> new InvalidRequestException("sort", "direction must be asc or desc"));
		}
		// The id breaks ties, so pages are stable while rows share a state or a timestamp.
		return Sort.by(direction, attribute, "id");
	}

}
