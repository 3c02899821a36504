package io.codebase.registry.session;

import io.codebase.registry.problem.ProblemResponses;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;

import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping(path = "/api/v1/sessions/{sessionId}", produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "Sessions", description = "A client's working directory and active project, shared by every replica.")
class SessionController {

	private final SessionService sessions;

	SessionController(SessionService sessions) {
		this.sessions = sessions;
	}

	@PutMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
	@Operation(operationId = "setWorkingDirectory", summary = "Set a session's working directory",
			description = "Starts the session if it is new. The directory must be absolute, exist, and lie under an "
					+ "allowed root after resolving symbolic links; it is stored as its real path.")
	@ApiResponse(responseCode = "200", description = "The session.")
	@ProblemResponses({ 413, 422 })
	SessionView setWorkingDirectory(@Parameter(description = "Session id", example = "mcp-7f3a") @PathVariable String sessionId,
			@RequestBody SessionRequests.WorkingDirectory request) {
		return this.sessions.setWorkingDirectory(sessionId, request.workingDirectory());
	}

	@GetMapping
	@Operation(operationId = "getSession", summary = "Get a session",
			description = "Reading a session extends its life (sliding expiry).")
	@ApiResponse(responseCode = "200", description = "The session.")
	@ProblemResponses({ 404 })
	SessionView get(@Parameter(description = "Session id", example = "mcp-7f3a") @PathVariable String sessionId) {
		return this.sessions.get(sessionId);
	}

	@DeleteMapping(produces = { MediaType.APPLICATION_JSON_VALUE, MediaType.APPLICATION_PROBLEM_JSON_VALUE })
	@Operation(operationId = "endSession", summary = "End a session", description = "Forgets the session.")
	@ApiResponse(responseCode = "204", description = "Ended.")
	@ProblemResponses({ 404 })
	ResponseEntity<Void> delete(@Parameter(description = "Session id", example = "mcp-7f3a") @PathVariable String sessionId) {
		this.sessions.delete(sessionId);
		return ResponseEntity.noContent().build();
	}

	@PutMapping(path = "/active-project", consumes = MediaType.APPLICATION_JSON_VALUE)
	@Operation(operationId = "setActiveProject", summary = "Set a session's active project",
			description = "By project id or name; the project must exist. Starts the session if it is new.")
	@ApiResponse(responseCode = "200", description = "The session.")
	@ProblemResponses({ 404, 413 })
	SessionView setActiveProject(@Parameter(description = "Session id", example = "mcp-7f3a") @PathVariable String sessionId,
			@RequestBody SessionRequests.ActiveProject request) {
		return this.sessions.setActiveProject(sessionId, request.project());
	}

	@DeleteMapping("/active-project")
	@Operation(operationId = "clearActiveProject", summary = "Clear a session's active project",
			description = "The session stays; it no longer has an active project.")
	@ApiResponse(responseCode = "200", description = "The session.")
	@ProblemResponses({ 404 })
	SessionView clearActiveProject(@Parameter(description = "Session id", example = "mcp-7f3a") @PathVariable String sessionId) {
		return this.sessions.clearActiveProject(sessionId);
	}

}
