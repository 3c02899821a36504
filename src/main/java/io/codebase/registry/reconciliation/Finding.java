package io.codebase.registry.reconciliation;

import io.codebase.registry.reconciliation.ValidationReport.Kind;

/**
 * One condition found on one project, in the one vocabulary.
 *
 * @param name what the validation report calls it: one of the kind's own names
 */
record Finding(DriftKind kind, Kind name, String detail) {

	Finding {
		if (name == null || !kind.validationNames().contains(name)) {
			throw new IllegalArgumentException(kind + " is not named " + name + " by the validation report");
		}
	}

	/** Under the kind's usual name. */
	Finding(DriftKind kind, String detail) {
		this(kind, kind.validationNames().stream().findFirst().orElse(null), detail);
	}

}
