package io.codebase.registry.project;

import io.codebase.registry.problem.InvalidRequestException;

/** What total a list page carries: exact (counts every matching row), the planner's estimate, or none. */
enum ListCount {

	EXACT, ESTIMATE, NONE;

	static final String VALUES = "exact, estimate or none";

	static ListCount parse(String value) {
		for (ListCount count : values()) {
			if (count.toString().equals(value)) {
				return count;
			}
		}
		throw new InvalidRequestException("count", "must be " + VALUES);
	}

	/** As the API spells it. */
	@Override
	public String toString() {
		return name().toLowerCase(java.util.Locale.ROOT);
	}

}
