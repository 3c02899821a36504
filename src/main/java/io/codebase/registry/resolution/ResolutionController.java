package io.codebase.registry.resolution;

import io.codebase.registry.project.CreationPolicy;
import io.codebase.registry.security.Caller;
import io.codebase.registry.web.ProblemFactory;
import io.codebase.registry.credentials.Credentials;
import io.codebase.registry.problem.ProblemResponses;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.headers.Header;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;

import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping(path = "/api/v1/resolutions", produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "Resolutions", description = "Which project (and database) does a caller mean?")
class ResolutionController {

	private static final String SESSION_HEADER = "X-Session-Id";

	/** The response headers of both resolution forms, documented once. */
	private static final String TIER_HEADER_DESCRIPTION = "The tier that decided (or failed)";

	private static final String SERVED_FROM_CACHE_DESCRIPTION = "true when the answer came from this replica's cache "
			+ "while the registry database could not be heard from (see servedFromCache); absent otherwise";

	private final ResolutionService resolutions;

	private final Credentials credentials;

	ResolutionController(ResolutionService resolutions, Credentials credentials) {
		this.resolutions = resolutions;
		this.credentials = credentials;
	}

	@PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
	@Operation(operationId = "resolve", summary = "Resolve a project",
			description = "Tries the tiers in order, first hit wins: EXPLICIT (project id or name; unknown is a 404), "
					+ "SESSION_CONFIG (the session's .codebase-mcp/config.json, or one sent inline; auto-creates the "
					+ "project and writes its id back), ACTIVE_PROJECT (the session's, then the workflow service's), "
					+ "DEFAULT (the default workspace, fallback=true; refused with strict=true).")
	@ApiResponse(responseCode = "200", description = "The resolved project; X-Resolution-Tier names the tier.",
			headers = { @Header(name = ResolutionService.TIER_HEADER, description = TIER_HEADER_DESCRIPTION,
					schema = @Schema(type = "string")),
					@Header(name = ResolutionService.SERVED_FROM_CACHE_HEADER,
							description = SERVED_FROM_CACHE_DESCRIPTION,
							schema = @Schema(type = "string", allowableValues = "true")) })
	@ProblemResponses({ 403, 404, 409, 413, 422, 502, 503 })
	ResponseEntity<Resolution> resolve(
			@Parameter(description = "Session id, instead of sessionId in the body")
			@RequestHeader(name = SESSION_HEADER, required = false) String sessionHeader,
			@RequestBody(required = false) ResolutionRequest request) {
		ResolutionRequest body = (request != null) ? request : new ResolutionRequest(null, null, null, null, null);
		return respond(new ResolutionRequest(body.project(), ResolutionService.sessionId(body.sessionId(), sessionHeader),
				body.config(), body.strict(), body.explain(), body.credentials()));
	}

	@GetMapping
	@Operation(operationId = "resolveByQuery", summary = "Resolve a project (query form, for curl)",
			description = "The same resolution as POST, without an inline config.")
	@ApiResponse(responseCode = "200", description = "The resolved project; X-Resolution-Tier names the tier.",
			headers = { @Header(name = ResolutionService.TIER_HEADER, description = TIER_HEADER_DESCRIPTION,
					schema = @Schema(type = "string")),
					@Header(name = ResolutionService.SERVED_FROM_CACHE_HEADER,
							description = SERVED_FROM_CACHE_DESCRIPTION,
							schema = @Schema(type = "string", allowableValues = "true")) })
	@ProblemResponses({ 403, 404, 409, 422, 502, 503 })
	ResponseEntity<Resolution> resolveByQuery(
			@Parameter(description = "Project id or name")
			@RequestParam(required = false) String project,
			@Parameter(description = "Session id") @RequestParam(required = false) String session,
			@Parameter(description = "Session id, instead of the session parameter")
			@RequestHeader(name = SESSION_HEADER, required = false) String sessionHeader,
			@Parameter(description = "Refuse the default workspace")
			@RequestParam(defaultValue = "false") boolean strict,
			@Parameter(description = "Include the trace")
			@RequestParam(defaultValue = "false") boolean explain) {
		return respond(new ResolutionRequest(project, ResolutionService.sessionId(session, sessionHeader), null, strict,
				explain));
	}

	/**
	 * A reader's resolution may find a project but not create one (or its database): that is a 403. Errors name
	 * the tier that failed, as answers name the tier that decided.
	 */
	private ResponseEntity<Resolution> respond(ResolutionRequest request) {
		Resolution resolution;
		try {
			resolution = this.resolutions.resolve(request,
					Caller.current().isAdmin() ? CreationPolicy.MAY_CREATE : CreationPolicy.EXISTING_ONLY);
		}
		catch (ResolutionFailedException ex) {
			ErrorResponseException problem = ProblemFactory.of(ex.failure());
			problem.getHeaders().set(ResolutionService.TIER_HEADER, ex.tier().name());
			throw problem;
		}
		if (request.wantsCredentials()) {
			resolution = resolution.withCredentials(this.credentials.issue(resolution.project(), this.credentials.ttl(null)));
		}
		ResponseEntity.BodyBuilder response = ResponseEntity.ok()
			.header(ResolutionService.TIER_HEADER, resolution.tier().name());
		if (resolution.servedFromCache()) {
			response.header(ResolutionService.SERVED_FROM_CACHE_HEADER, "true");
		}
		return response.body(resolution);
	}

}
