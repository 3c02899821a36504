package io.codebase.registry.transfer;

import java.util.List;

import io.codebase.registry.web.ApiException;

import org.springframework.http.HttpStatus;

/** Entries clash with projects already registered and the caller asked to fail on clashes; nothing was written. */
class ImportConflictException extends ApiException {

	ImportConflictException(List<ImportProblem> conflicts) {
		super(HttpStatus.CONFLICT, "import-conflict", "Import clashes with existing projects",
				conflicts.size() + (conflicts.size() == 1 ? " entry clashes" : " entries clash")
						+ " with existing projects; nothing was imported. Fix them, or import with onConflict=SKIP to "
						+ "import the rest");
		with("conflicts", conflicts);
	}

}
