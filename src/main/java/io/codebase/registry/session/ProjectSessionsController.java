package io.codebase.registry.session;

import java.util.List;

import io.codebase.registry.problem.ProblemResponses;
import io.codebase.registry.project.ProjectParameter;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.headers.Header;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;

import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.util.UriComponentsBuilder;

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
			description = "Live sessions whose active project this is, most recently used first, a page at a time (500 "
					+ "by default). The next page is at the Link header's rel=\"next\" URL; there is none on the last page. "
					+ "A session used between two pages moves to the front of the list, so a later page does not show it "
					+ "again. Listing does not extend the sessions' life; deleting the project clears it from all of them.")
	@ApiResponse(responseCode = "200", description = "A page of sessions.",
			headers = @Header(name = "Link", description = "The URL of the next page, with rel=\"next\"; on every page but the last.",
					schema = @Schema(type = "string")))
	@ProblemResponses({ 400, 404 })
	ResponseEntity<List<SessionView>> activeSessions(
			@Parameter(description = ProjectParameter.DESCRIPTION, example = ProjectParameter.EXAMPLE) @PathVariable String project,
			@Parameter(description = "The cursor of the previous page's Link header") @RequestParam(required = false) String cursor,
			@Parameter(description = "Sessions per page, 1 to 500") @RequestParam(defaultValue = "500") int size) {
		ActiveSessions page = this.sessions.activeSessionsOf(project, cursor, size);
		ResponseEntity.BodyBuilder answer = ResponseEntity.ok();
		if (page.next() != null) {
			String next = UriComponentsBuilder.fromPath(ProjectParameter.PATH + "/active-sessions")
				.queryParam("size", size)
				.queryParam("cursor", page.next())
				.buildAndExpand(project)
				.encode()
				.toUriString();
			answer.header(HttpHeaders.LINK, "<" + next + ">; rel=\"next\"");
		}
		return answer.body(page.sessions());
	}

}
