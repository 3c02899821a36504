package io.codebase.registry.rollout;

import java.net.URI;
import java.util.UUID;

import io.codebase.registry.problem.ProblemResponses;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.headers.Header;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;

import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping(path = "/api/v1/schema-rollouts", produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "Schema rollouts", description = "Migrate existing project databases to the latest project schema.")
class RolloutController {

	private final RolloutService rollouts;

	RolloutController(RolloutService rollouts) {
		this.rollouts = rollouts;
	}

	@PostMapping
	@Operation(operationId = "startSchemaRollout", summary = "Migrate project databases to the latest project schema",
			description = "Records one PENDING item per matching READY project, then migrates them in the background, "
					+ "parallelism databases at a time. A failed database does not stop the others. Progress is kept "
					+ "in PostgreSQL: after a restart, a replica resumes the rollout. Only one rollout runs at a time "
					+ "across all replicas; starting another is a 409 naming it. The body is optional.")
	@ApiResponse(responseCode = "202", description = "Started; poll the Location for progress.",
			headers = @Header(name = "Location", description = "URL of the rollout", schema = @Schema(type = "string")))
	@ProblemResponses({ 404, 409, 413 })
	ResponseEntity<Rollout> start(@RequestBody(required = false) RolloutRequest request) {
		Rollout rollout = this.rollouts.start((request != null) ? request : RolloutRequest.ALL);
		return ResponseEntity.accepted().location(URI.create("/api/v1/schema-rollouts/" + rollout.id())).body(rollout);
	}

	@GetMapping("/{id}")
	@Operation(operationId = "getSchemaRollout", summary = "Progress and outcomes of a schema rollout",
			description = "State, counts by outcome, and a page of per-project items (FAILED first, then by project "
					+ "name), optionally only those in one state.")
	@ApiResponse(responseCode = "200", description = "The rollout.")
	@ProblemResponses({ 404 })
	Rollout get(@Parameter(description = "Rollout id", example = "0195f3a4-5c2e-7d10-9a3b-4f2e8c1d0a77") @PathVariable UUID id,
			@Parameter(description = "Only items in this state")
			@RequestParam(required = false) ItemState itemState,
			@Parameter(description = "Zero-based page of items")
			@RequestParam(defaultValue = "0") int page,
			@Parameter(description = "Items per page, 1 to 200")
			@RequestParam(defaultValue = "20") int size) {
		return this.rollouts.get(id, itemState, page, size);
	}

}
