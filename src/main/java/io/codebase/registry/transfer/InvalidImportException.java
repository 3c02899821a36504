package io.codebase.registry.transfer;

import java.util.List;

import io.codebase.registry.problem.ProblemCategory;
import io.codebase.registry.problem.RegistryException;

/** The import file cannot be imported as a whole; every bad entry is listed, nothing was written. */
public class InvalidImportException extends RegistryException {

	InvalidImportException(String detail, List<ImportProblem> errors) {
		super(ProblemCategory.UNUSABLE_CONTENT, "invalid-import", "Invalid import file", detail);
		with("errors", errors);
	}

	/** Entries that break rules: the file is refused, and each one listed. */
	static InvalidImportException invalidEntries(List<ImportProblem> errors) {
		return new InvalidImportException(errors.size() + (errors.size() == 1 ? " problem" : " problems")
				+ " in the file; nothing was imported", errors);
	}

}
