package io.codebase.registry.session;

import java.util.List;

import io.codebase.registry.problem.ProblemResponses;
import io.codebase.registry.project.ProjectParameter;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;

import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/** The sessions side of a project: who has it active (resolution tier 3). */
@RestController
@Tag(name = "Sessions")
class ProjectSessionsController {

	private final SessionService sessions;

	ProjectSessionsController(SessionService sessions) {
		this.sessions = sessions;
	}

	@GetMapping(path = ProjectParameter.PATH + "/active-sessions", produces = MediaType.APPLICATION_JSON_VALUE)
	@Operation(operationId = "listActiveSessions", summary = "List the sessions that have a project active",
			description = "Live sessions whose active project this is, most recently used first (at most 500). "
					+ "Deleting the project clears it from all of them.")
	@ApiResponse(responseCode = "200", description = "The sessions.")
	@ProblemResponses({ 404 })
	List<SessionView> activeSessions(
			@Parameter(description = ProjectParameter.DESCRIPTION, example = ProjectParameter.EXAMPLE) @PathVariable String project) {
		return this.sessions.activeSessionsOf(project);
	}

}
