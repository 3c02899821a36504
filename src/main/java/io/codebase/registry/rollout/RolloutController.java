package io.codebase.registry.rollout;

import java.net.URI;
import java.util.UUID;

import io.codebase.registry.problem.ProblemResponses;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.headers.Header;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;

import org.springframework.http.HttpHeaders;
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
@Tag(name = "Schema rollouts", description = "Migrate existing project databases to the latest project schema, in waves.")
class RolloutController {

	private static final String PATH = "/api/v1/schema-rollouts";

	private final RolloutService rollouts;

	RolloutController(RolloutService rollouts) {
		this.rollouts = rollouts;
	}

	@PostMapping
	@Operation(operationId = "startSchemaRollout", summary = "Migrate project databases to the latest project schema",
			description = "Records one PENDING item per matching READY project, each in its wave (an optional canary, "
					+ "then waves by cumulative percentage), then migrates them in the background: parallelism "
					+ "databases at a time, at most maxPerServer on one database server, each wave only after the "
					+ "previous one ended within its failure budget. A wave over its budget starts nothing new, lets "
					+ "the running databases finish, and HALTS the rollout. Progress is kept in PostgreSQL: after a "
					+ "restart or a crash, another replica resumes the rollout in the same wave. Only one unfinished "
					+ "rollout exists at a time across all replicas; starting another is a 409 naming it. With "
					+ "dryRun=true nothing is changed: the answer is the plan, with the migrations each database "
					+ "would get. The body is optional.")
	@ApiResponse(responseCode = "202", description = "Started; poll the Location for progress.",
			headers = @Header(name = "Location", description = "URL of the rollout", schema = @Schema(type = "string")),
			content = @Content(mediaType = MediaType.APPLICATION_JSON_VALUE, schema = @Schema(implementation = Rollout.class)))
	@ApiResponse(responseCode = "200", description = "The plan of a dry run; nothing was changed.",
			content = @Content(mediaType = MediaType.APPLICATION_JSON_VALUE, schema = @Schema(implementation = RolloutPlan.class)))
	@ProblemResponses({ 400, 404, 409, 413 })
	ResponseEntity<?> start(
			@Parameter(description = "Answer with the plan and change nothing") @RequestParam(defaultValue = "false") boolean dryRun,
			@RequestBody(required = false) RolloutRequest request) {
		RolloutRequest asked = (request != null) ? request : RolloutRequest.ALL;
		if (dryRun) {
			return ResponseEntity.ok(this.rollouts.plan(asked));
		}
		Rollout rollout = this.rollouts.start(asked);
		return ResponseEntity.accepted().location(URI.create(PATH + "/" + rollout.id())).body(rollout);
	}

	@GetMapping
	@Operation(operationId = "listSchemaRollouts", summary = "Schema rollouts, newest first",
			description = "A page of rollouts without their items, optionally only those in one state. The next page "
					+ "is at the Link header's rel=\"next\" URL (its cursor is also the next member); none on the last page.")
	@ApiResponse(responseCode = "200", description = "A page of rollouts.",
			headers = @Header(name = "Link", description = "The URL of the next page, with rel=\"next\"; on every page but the last.",
					schema = @Schema(type = "string")))
	@ProblemResponses({ 400 })
	ResponseEntity<RolloutList> list(@Parameter(description = "Only rollouts in this state") @RequestParam(required = false) RolloutState state,
			@Parameter(description = "The next cursor of the previous page") @RequestParam(required = false) String cursor,
			@Parameter(description = "Rollouts per page, 1 to 100") @RequestParam(defaultValue = "20") int size) {
		RolloutList page = this.rollouts.list(state, cursor, size);
		ResponseEntity.BodyBuilder answer = ResponseEntity.ok();
		if (page.next() != null) {
			String next = PATH + "?" + ((state != null) ? "state=" + state + "&" : "") + "size=" + size + "&cursor=" + page.next();
			answer.header(HttpHeaders.LINK, "<" + next + ">; rel=\"next\"");
		}
		return answer.body(page);
	}

	@GetMapping("/{id}")
	@Operation(operationId = "getSchemaRollout", summary = "Progress and outcomes of a schema rollout",
			description = "State (and why it is PAUSED, HALTED or CANCELLED), the current wave, counts by outcome in "
					+ "all and per wave, and a page of per-project items (FAILED first, then by wave and project name), "
					+ "optionally only those in one state.")
	@ApiResponse(responseCode = "200", description = "The rollout.")
	@ProblemResponses({ 400, 404 })
	Rollout get(@Parameter(description = "Rollout id", example = "0195f3a4-5c2e-7d10-9a3b-4f2e8c1d0a77") @PathVariable UUID id,
			@Parameter(description = "Only items in this state")
			@RequestParam(required = false) ItemState itemState,
			@Parameter(description = "Zero-based page of items")
			@RequestParam(defaultValue = "0") int page,
			@Parameter(description = "Items per page, 1 to 200")
			@RequestParam(defaultValue = "20") int size) {
		return this.rollouts.get(id, itemState, page, size);
	}

	@GetMapping("/{id}/items")
	@Operation(operationId = "listSchemaRolloutItems", summary = "A schema rollout's per-project items, by cursor",
			description = "Every item of a rollout, FAILED first, then by wave and project name, optionally only those in "
					+ "one state: the way to read all of a large rollout's outcomes (the rollout's own page of items counts "
					+ "and skips rows). The next page is at the Link header's rel=\"next\" URL (its cursor is also the "
					+ "next member); none on the last page. An item whose state changes meanwhile may move behind or ahead "
					+ "of a client's position; the rollout's counts stay exact.")
	@ApiResponse(responseCode = "200", description = "A page of items.",
			headers = @Header(name = "Link", description = "The URL of the next page, with rel=\"next\"; on every page but the last.",
					schema = @Schema(type = "string")))
	@ProblemResponses({ 400, 404 })
	ResponseEntity<RolloutItemPage> items(
			@Parameter(description = "Rollout id", example = "0195f3a4-5c2e-7d10-9a3b-4f2e8c1d0a77") @PathVariable UUID id,
			@Parameter(description = "Only items in this state") @RequestParam(required = false) ItemState state,
			@Parameter(description = "The next cursor of the previous page") @RequestParam(required = false) String cursor,
			@Parameter(description = "Items per page, 1 to 200") @RequestParam(defaultValue = "50") int size) {
		RolloutItemPage page = this.rollouts.items(id, state, cursor, size);
		ResponseEntity.BodyBuilder answer = ResponseEntity.ok();
		if (page.next() != null) {
			String next = PATH + "/" + id + "/items?" + ((state != null) ? "state=" + state + "&" : "") + "size=" + size
					+ "&cursor=" + page.next();
			answer.header(HttpHeaders.LINK, "<" + next + ">; rel=\"next\"");
		}
		return answer.body(page);
	}

	@PostMapping("/{id}/resume")
	@Operation(operationId = "resumeSchemaRollout", summary = "Resume a PAUSED or HALTED schema rollout",
			description = "A PAUSED rollout goes on with its next wave. A HALTED one (after you fixed the cause) retries "
					+ "its FAILED databases first, then goes on with the rest of the wave that halted, within the same "
					+ "failure budget. Any other state is a 409.")
	@ApiResponse(responseCode = "200", description = "RUNNING again.")
	@ProblemResponses({ 404, 409 })
	Rollout resume(@Parameter(description = "Rollout id", example = "0195f3a4-5c2e-7d10-9a3b-4f2e8c1d0a77") @PathVariable UUID id) {
		return this.rollouts.resume(id);
	}

	@PostMapping("/{id}/cancel")
	@Operation(operationId = "cancelSchemaRollout", summary = "Cancel an unfinished schema rollout",
			description = "No new database starts; the ones being migrated finish and keep their outcome. What had not "
					+ "started is SKIPPED. A COMPLETED or CANCELLED rollout is a 409.")
	@ApiResponse(responseCode = "200", description = "CANCELLED.")
	@ProblemResponses({ 404, 409 })
	Rollout cancel(@Parameter(description = "Rollout id", example = "0195f3a4-5c2e-7d10-9a3b-4f2e8c1d0a77") @PathVariable UUID id) {
		return this.rollouts.cancel(id);
	}

}
