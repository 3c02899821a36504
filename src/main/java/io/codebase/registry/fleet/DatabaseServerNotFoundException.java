package io.codebase.registry.fleet;

import io.codebase.registry.problem.ProblemCategory;
import io.codebase.registry.problem.RegistryException;

/** No server of that name is known. */
class DatabaseServerNotFoundException extends RegistryException {

	DatabaseServerNotFoundException(String name) {
		super(ProblemCategory.NOT_FOUND, "database-server-not-found", "Database server not found",
				"No database server is named '" + name + "'; see GET /api/v1/database-servers");
		with("server", name);
	}

}
