package io.codebase.registry.fleet;

import java.util.List;

import io.codebase.registry.problem.ProblemResponses;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;

import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
@Tag(name = "Database servers", description = "The PostgreSQL servers that hold project databases: their state, "
		+ "health and usage, and cordoning.")
class DatabaseServerController {

	private static final String PATH = "/api/v1/database-servers";

	private static final String NAME = "The server's name.";

	private final Fleet fleet;

	DatabaseServerController(Fleet fleet) {
		this.fleet = fleet;
	}

	@GetMapping(path = PATH, produces = MediaType.APPLICATION_JSON_VALUE)
	@Operation(operationId = "listDatabaseServers", summary = "List database servers",
			description = "Every configured server with its state, health, labels, capacity and usage, then any server "
					+ "that is no longer configured but still holds projects. Never credentials.")
	@ApiResponse(responseCode = "200", description = "The servers, in name order.")
	List<DatabaseServerView> list() {
		return this.fleet.list();
	}

	@GetMapping(path = PATH + "/{name}", produces = MediaType.APPLICATION_JSON_VALUE)
	@Operation(operationId = "getDatabaseServer", summary = "Get a database server",
			description = "The server's state, health, labels, capacity and usage. Never credentials.")
	@ApiResponse(responseCode = "200", description = "The server.")
	@ProblemResponses({ 404 })
	DatabaseServerView get(@Parameter(description = NAME, example = "pg-eu-1") @PathVariable String name) {
		return this.fleet.get(name);
	}

	@PostMapping(path = PATH + "/{name}/cordon", produces = MediaType.APPLICATION_JSON_VALUE)
	@Operation(operationId = "cordonDatabaseServer", summary = "Cordon a database server",
			description = "No new project is placed on the server from now on, on any replica; its projects stay and "
					+ "keep working. Idempotent.")
	@ApiResponse(responseCode = "200", description = "The server, CORDONED.")
	@ProblemResponses({ 404 })
	DatabaseServerView cordon(@Parameter(description = NAME, example = "pg-eu-1") @PathVariable String name) {
		return this.fleet.cordon(name);
	}

	@PostMapping(path = PATH + "/{name}/uncordon", produces = MediaType.APPLICATION_JSON_VALUE)
	@Operation(operationId = "uncordonDatabaseServer", summary = "Uncordon a database server",
			description = "The server takes new projects again. Idempotent.")
	@ApiResponse(responseCode = "200", description = "The server, ACTIVE.")
	@ProblemResponses({ 404 })
	DatabaseServerView uncordon(@Parameter(description = NAME, example = "pg-eu-1") @PathVariable String name) {
		return this.fleet.uncordon(name);
	}

}
