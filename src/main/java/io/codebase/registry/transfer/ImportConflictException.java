package io.codebase.registry.transfer;

import java.util.List;

import io.codebase.registry.problem.ProblemCategory;
import io.codebase.registry.problem.RegistryException;

/** Entries clash with projects already registered and the caller asked to fail on clashes; nothing was written. */
public class ImportConflictException extends RegistryException {

	ImportConflictException(List<ImportProblem> conflicts) {
		super(ProblemCategory.CONFLICT, "import-conflict", "Import clashes with existing projects", conflicts.size() + (conflicts.size() == 1 ? " entry clashes" : " entries clash")
				+ " with existing projects; nothing was imported. Fix them, or import with onConflict=SKIP to "
				+ "import the rest");
		with("conflicts", conflicts);
	}

}
