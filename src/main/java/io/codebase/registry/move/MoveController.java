package io.codebase.registry.move;

import java.net.URI;
import java.util.List;
import java.util.UUID;

import io.codebase.registry.fleet.DrainProgress;
import io.codebase.registry.problem.ProblemResponses;
import io.codebase.registry.project.ProjectParameter;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.headers.Header;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;

import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

@RestController
@Tag(name = "Moves", description = "Move project databases between database servers, online, with PostgreSQL's "
		+ "logical replication.")
class MoveController {

	private static final String SERVERS = "/api/v1/database-servers";

	private final MoveService moves;

	private final Drains drains;

	private final Rebalancer rebalancer;

	MoveController(MoveService moves, Drains drains, Rebalancer rebalancer) {
		this.moves = moves;
		this.drains = drains;
		this.rebalancer = rebalancer;
	}

	@PostMapping(path = "/api/v1/projects/{project}/moves", produces = MediaType.APPLICATION_JSON_VALUE)
	@Operation(operationId = "moveProject", summary = "Move a project's database to another server",
			description = "Checks that the move can run (the project is READY and has no other move; the target is a "
					+ "configured server that is ACTIVE, UP and has room for one more project and the database's size, "
					+ "counting the moves on their way to it; both servers meet logical replication's prerequisites, each "
					+ "missing one named in the 409's `missing`), records it, which reserves that room on the target until "
					+ "the move ends, and runs it in the background: the target database gets the project schema and roles, every table is published on "
					+ "the source and copied by a subscription on the target, then, once the lag is small, writes are "
					+ "frozen (the project's roles lose CONNECT on the source and their sessions end), the last changes "
					+ "and the sequences reach the target, and the project's server is switched. Meanwhile resolutions and "
					+ "GET of the project answer 503 project-moving with Retry-After. Credentials are per server: mint new "
					+ "ones after the move. The source database is kept for registry.moves.source-grace, then dropped. A "
					+ "failure before the switch rolls the move back. The body is optional.")
	@ApiResponse(responseCode = "202", description = "Started; poll the Location for progress.",
			headers = @Header(name = "Location", description = "URL of the move", schema = @Schema(type = "string")),
			content = @Content(mediaType = MediaType.APPLICATION_JSON_VALUE, schema = @Schema(implementation = Move.class)))
	@ProblemResponses({ 400, 404, 409, 413, 502, 503 })
	ResponseEntity<Move> move(
			@Parameter(description = ProjectParameter.DESCRIPTION, example = ProjectParameter.EXAMPLE) @PathVariable String project,
			@RequestBody(required = false) MoveRequest request) {
		Move move = this.moves.start(project, (request != null) ? request : MoveRequest.ANY, "api");
		return ResponseEntity.accepted().location(URI.create("/api/v1/moves/" + move.id())).body(move);
	}

	@GetMapping(path = "/api/v1/projects/{project}/moves", produces = MediaType.APPLICATION_JSON_VALUE)
	@Operation(operationId = "listProjectMoves", summary = "A project's moves, newest first",
			description = "Every move of the project, running or finished, with its phase, progress and outcome; kept "
					+ "after the project is deleted.")
	@ApiResponse(responseCode = "200", description = "Every move of the project.")
	@ProblemResponses({ 404 })
	List<Move> list(@Parameter(description = ProjectParameter.DESCRIPTION, example = ProjectParameter.EXAMPLE) @PathVariable String project) {
		return this.moves.forProject(project);
	}

	@GetMapping(path = "/api/v1/moves/{id}", produces = MediaType.APPLICATION_JSON_VALUE)
	@Operation(operationId = "getMove", summary = "Phase, progress and outcome of a move",
			description = "The phase running now, the copy's progress (tables copied, rows and bytes of the running "
					+ "copies, sizes, replication lag), the write freeze's length once cut over, and the outcome: "
					+ "SUCCEEDED, or FAILED (rolled back) with the error. A move whose replica died goes on from its last "
					+ "phase on another replica; attempts counts the runners that took it up.")
	@ApiResponse(responseCode = "200", description = "The move.")
	@ProblemResponses({ 400, 404 })
	Move get(@Parameter(description = "Move id", example = "0195f3a4-5c2e-7d10-9a3b-4f2e8c1d0a78") @PathVariable UUID id) {
		return this.moves.get(id);
	}

	@PostMapping(path = SERVERS + "/{name}/drain", produces = MediaType.APPLICATION_JSON_VALUE)
	@Operation(operationId = "drainDatabaseServer", summary = "Empty a database server",
			description = "Cordons the server (no new projects), then moves every project on it to the servers "
					+ "placement chooses, registry.moves.drain-parallelism at a time, until it holds none: COMPLETED. A "
					+ "project whose move fails is rolled back and not tried again by this drain; when only such projects "
					+ "are left, the drain is STOPPED with the reason. Progress is on GET /api/v1/database-servers/{name} "
					+ "(drain). The drain goes on after a replica dies; asking again restarts a STOPPED one.")
	@ApiResponse(responseCode = "202", description = "Draining; the server's resource shows the progress.",
			headers = @Header(name = "Location", description = "URL of the server", schema = @Schema(type = "string")),
			content = @Content(mediaType = MediaType.APPLICATION_JSON_VALUE, schema = @Schema(implementation = DrainProgress.class)))
	@ProblemResponses({ 404 })
	ResponseEntity<DrainProgress> drain(@Parameter(description = "The server's name", example = "pg-eu-1") @PathVariable String name) {
		DrainProgress drain = this.drains.start(name);
		return ResponseEntity.accepted().location(URI.create(SERVERS + "/" + name)).body(drain);
	}

	@PostMapping(path = SERVERS + "/rebalance", produces = MediaType.APPLICATION_JSON_VALUE)
	@Operation(operationId = "rebalanceDatabaseServers", summary = "Even out the projects over the servers",
			description = "Plans moves from the server with the most projects per unit of weight to the one with the "
					+ "fewest until every ACTIVE, UP server is within registry.moves.rebalance-spread of the mean, and "
					+ "starts them. Each move is an ordinary move (GET /api/v1/moves/{id}).")
	@ApiResponse(responseCode = "202", description = "The moves started (none when the fleet is balanced).")
	ResponseEntity<RebalanceResult> rebalance() {
		return ResponseEntity.accepted().body(this.rebalancer.rebalance());
	}

}
