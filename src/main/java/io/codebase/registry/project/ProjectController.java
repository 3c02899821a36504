package io.codebase.registry.project;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.codebase.registry.problem.FieldProblem;
import io.codebase.registry.problem.InvalidRequestException;
import io.codebase.registry.problem.ProblemResponses;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.headers.Header;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.media.SchemaProperty;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;

import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping(path = ProjectListing.PATH, produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "Projects", description = "Register projects; each gets its own PostgreSQL database.")
class ProjectController {

	static final String MERGE_PATCH_JSON = "application/merge-patch+json";

	/** Required, but read as optional so that its absence is the 428 problem the contract promises, not a 400. */
	private static final String IF_MATCH = "The project's current ETag, as the ETag header of its last GET or write "
			+ "returned it, quotes included (\"3\"), or * for whatever version is current. A stale one is a 412.";

	private static final String ETAG = "The project's version, quoted (\"3\"): send it in If-Match to change the project.";

	private final ProjectLookup lookup;

	private final ProjectLifecycle lifecycle;

	private final ProjectEdits edits;

	private final ProjectProperties properties;

	private final ProjectListing listing;

	ProjectController(ProjectLookup lookup, ProjectLifecycle lifecycle, ProjectEdits edits,
			ProjectProperties properties, ProjectListing listing) {
		this.listing = listing;
		this.lookup = lookup;
		this.lifecycle = lifecycle;
		this.edits = edits;
		this.properties = properties;
	}

	@PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
	@Operation(operationId = "createProject", summary = "Register a project and create its database",
			description = "Commits the project in PROVISIONING, creates its database, applies the project schema, then "
					+ "commits READY; the database exists, at schemaVersion, when the 201 is sent. Names are unique "
					+ "regardless of case.")
	@ApiResponse(responseCode = "201", description = "Created; Location and ETag headers are set.",
			headers = { @Header(name = "Location", description = "URL of the new project", schema = @Schema(type = "string")),
					@Header(name = "ETag", description = "Version of the project", schema = @Schema(type = "string")) })
	@ProblemResponses({ 409, 413, 502 })
	ResponseEntity<ProjectView> create(@RequestBody CreateProjectRequest request) {
		ProjectView created = this.lifecycle.create(request);
		return ResponseEntity.created(URI.create("/api/v1/projects/" + created.id()))
			.eTag(ETags.of(created.version()))
			.body(created);
	}

	@GetMapping("/{project}")
	@Operation(operationId = "getProject", summary = "Get a project by id or name",
			description = "Looks the project up by UUID, or by name (case-insensitive). Answers 304 when If-None-Match "
					+ "holds the current ETag.")
	@ApiResponse(responseCode = "200", description = "The project, with its ETag.",
			headers = @Header(name = "ETag", description = ETAG, schema = @Schema(type = "string")))
	@ApiResponse(responseCode = "304", description = "Not modified since the ETag in If-None-Match; no body.",
			content = @Content, headers = @Header(name = "ETag", description = ETAG, schema = @Schema(type = "string")))
	@ProblemResponses({ 404, 503 })
	ResponseEntity<ProjectView> get(@Parameter(description = ProjectParameter.DESCRIPTION, example = ProjectParameter.EXAMPLE) @PathVariable String project) {
		return withETag(this.lookup.cached().get(project).requireNotMoving());
	}

	@GetMapping
	@Operation(operationId = "listProjects", summary = "List projects",
			description = "Filtered, sorted and paged in PostgreSQL, one index-driven statement per page. Page through a "
					+ "list by following `next` (in the body and as a `Link: <...>; rel=\"next\"` header) until it is "
					+ "null: each link carries a `cursor` after the last project of its page, so a page costs the same "
					+ "however deep it is, and rows inserted or deleted meanwhile never make a page repeat or skip a "
					+ "project that existed throughout. A page has no total unless `count` asks for one. The `page` form "
					+ "(offset paging) is deprecated: it is slower with every page, counts every matching row by default, "
					+ "and shifts under concurrent writes.")
	@ApiResponse(responseCode = "200", description = "A page of projects.",
			headers = @Header(name = "Link", description = "`<next page URL>; rel=\"next\"`, absent on the last page",
					schema = @Schema(type = "string")))
	ResponseEntity<ProjectPage> list(
			@Parameter(description = "Only projects in this provisioning state")
			@RequestParam(required = false) ProjectState state,
			@Parameter(description = "Only projects with this index status")
			@RequestParam(required = false) IndexStatus indexStatus,
			@Parameter(description = "Only projects whose name starts with this (case-insensitive)")
			@RequestParam(required = false) String namePrefix,
			@Parameter(description = "Only projects whose database is at this project-schema version; none: never migrated")
			@RequestParam(required = false) String schemaVersion,
			@Parameter(description = "Where the page starts: the `nextCursor` of the previous page, unchanged. Valid only "
					+ "with the same filters and sort as that page (the `next` link repeats them); otherwise a 400")
			@RequestParam(required = false) String cursor,
			@Parameter(description = "Page size, 1 to registry.projects.max-page-size (default 200)")
			@RequestParam(defaultValue = "${registry.projects.default-page-size:20}") int size,
			@Parameter(description = "Sort order, `<field>[,asc|desc]` such as `createdAt,desc`; fields: " + ProjectSort.FIELDS
					+ ". The id breaks ties")
			@RequestParam(defaultValue = "name") String sort,
			@Parameter(description = "The total to include: `exact` counts every matching row (slow on large lists), "
					+ "`estimate` is PostgreSQL's planner estimate (no rows read), `none` leaves it out. Default: `none`; "
					+ "`exact` with `page`", schema = @Schema(allowableValues = { "exact", "estimate", "none" }))
			@RequestParam(required = false) String count,
			@Parameter(description = "Deprecated: zero-based page number (offset paging, slower with every page; use "
					+ "`cursor`). With it, the page counts every matching row unless `count` says otherwise",
					deprecated = true)
			@RequestParam(required = false) Integer page) {
		ProjectFilter filter = new ProjectFilter(state, indexStatus, namePrefix, schemaVersion);
		List<FieldProblem> errors = new ArrayList<>(filter.problems());
		if (page != null && page < 0) {
			errors.add(new FieldProblem("page", "must be 0 or more"));
		}
		if (page != null && cursor != null) {
			errors.add(new FieldProblem("page", "cannot be combined with cursor, which already says where the page starts"));
		}
		if (size < 1 || size > this.properties.maxPageSize()) {
			errors.add(new FieldProblem("size", "must be between 1 and " + this.properties.maxPageSize()));
		}
		else if (page != null && (long) page * size > Integer.MAX_VALUE) {
			errors.add(new FieldProblem("page", "times size must be at most " + Integer.MAX_VALUE + " rows from the start"));
		}
		if (!errors.isEmpty()) {
			throw new InvalidRequestException(errors);
		}
		ProjectPage listed = this.listing.page(filter, ProjectSort.parse(sort), cursor, page, size, count);
		ResponseEntity.BodyBuilder response = ResponseEntity.ok();
		if (listed.next() != null) {
			response.header(HttpHeaders.LINK, "<" + listed.next() + ">; rel=\"next\"");
		}
		return response.body(listed);
	}

	@PatchMapping(path = "/{project}", consumes = { MERGE_PATCH_JSON, MediaType.APPLICATION_JSON_VALUE })
	@Operation(operationId = "updateProject", summary = "Update a project with a JSON merge patch",
			description = "RFC 7396 merge patch of description, sourcePath and metadata (null removes; metadata objects "
					+ "merge). Name and database name are immutable. If-Match with the current ETag is required.",
			requestBody = @io.swagger.v3.oas.annotations.parameters.RequestBody(required = true,
					content = @Content(mediaType = MERGE_PATCH_JSON,
							schemaProperties = {
									@SchemaProperty(name = "description", schema = @Schema(types = { "string", "null" }, example = "Card payment APIs")),
									@SchemaProperty(name = "sourcePath", schema = @Schema(types = { "string", "null" }, example = "/srv/payments")),
									@SchemaProperty(name = "metadata", schema = @Schema(types = { "object", "null" }, example = "{\"team\": \"payments\"}")) },
							examples = @ExampleObject(name = "describe", value = "{\"description\": \"Card payment APIs\", \"metadata\": {\"team\": \"payments\", \"obsolete\": null}}"))))
	@ApiResponse(responseCode = "200", description = "The updated project, with its new ETag.")
	@ProblemResponses({ 404, 409, 412, 413, 428 })
	ResponseEntity<ProjectView> update(@Parameter(description = ProjectParameter.DESCRIPTION, example = ProjectParameter.EXAMPLE) @PathVariable String project,
			@Parameter(description = IF_MATCH, required = true)
			@RequestHeader(name = "If-Match", required = false) String ifMatch,
			@RequestBody Map<String, Object> patch) {
		return withETag(this.edits.update(idOf(project), ifMatch, ProjectPatch.of(patch)));
	}

	@PostMapping(path = "/{project}/index-status", consumes = MediaType.APPLICATION_JSON_VALUE)
	@Operation(operationId = "reportIndexStatus", summary = "Report indexing progress",
			description = "NOT_INDEXED → INDEXING → INDEXED or FAILED; INDEXING may be reported again as progress. "
					+ "An illegal transition is a 409 naming the allowed ones. The project must be READY; If-Match "
					+ "with the current ETag is required.")
	@ApiResponse(responseCode = "200", description = "The project, with its new ETag.")
	@ProblemResponses({ 404, 409, 412, 413, 428 })
	ResponseEntity<ProjectView> reportIndexStatus(
			@Parameter(description = ProjectParameter.DESCRIPTION, example = ProjectParameter.EXAMPLE) @PathVariable String project,
			@Parameter(description = IF_MATCH, required = true)
			@RequestHeader(name = "If-Match", required = false) String ifMatch,
			@RequestBody IndexReport report) {
		return withETag(this.edits.reportIndexStatus(idOf(project), ifMatch, report));
	}

	@PostMapping(path = "/{project}/reindex", consumes = MediaType.APPLICATION_JSON_VALUE)
	@Operation(operationId = "reindexProject", summary = "Index a project again",
			description = "Puts an INDEXED or FAILED project back to INDEXING (the old registry's \"retrain\"). "
					+ "If-Match with the current ETag is required; an optional JSON body {\"message\": ...} is recorded.")
	@ApiResponse(responseCode = "200", description = "The project, INDEXING, with its new ETag.")
	@ProblemResponses({ 404, 409, 412, 428 })
	ResponseEntity<ProjectView> reindex(
			@Parameter(description = ProjectParameter.DESCRIPTION, example = ProjectParameter.EXAMPLE) @PathVariable String project,
			@Parameter(description = IF_MATCH, required = true)
			@RequestHeader(name = "If-Match", required = false) String ifMatch,
			@RequestBody(required = false) ReindexRequest request) {
		String message = (request != null) ? request.message() : null;
		if (message != null && message.length() > IndexReport.MAX_MESSAGE_LENGTH) {
			throw new InvalidRequestException("message", "size must be between 0 and " + IndexReport.MAX_MESSAGE_LENGTH);
		}
		StorableText.Rule.problemOf(message).ifPresent(problem -> {
			throw new InvalidRequestException("message", problem);
		});
		return withETag(this.edits.reindex(idOf(project), ifMatch, message));
	}

	// A delete answers no body: a client that accepts only problems, all the contract declares for it, is served.
	@DeleteMapping(path = "/{project}", produces = { MediaType.APPLICATION_JSON_VALUE, MediaType.APPLICATION_PROBLEM_JSON_VALUE })
	@Operation(operationId = "deleteProject", summary = "Delete a project and drop its database",
			description = "Commits DELETING, drops the database (disconnecting its sessions), then removes the row. "
					+ "If-Match is optional; when sent it must hold the current ETag.")
	@ApiResponse(responseCode = "204", description = "Deleted; the database is gone.")
	@ProblemResponses({ 404, 409, 412, 502 })
	ResponseEntity<Void> delete(@Parameter(description = ProjectParameter.DESCRIPTION, example = ProjectParameter.EXAMPLE) @PathVariable String project,
			@Parameter(description = "Delete only if this is still the current ETag (as for the other writes); without it, "
					+ "the delete does not check the version")
			@RequestHeader(name = "If-Match", required = false) String ifMatch) {
		this.lifecycle.delete(idOf(project), ifMatch);
		return ResponseEntity.noContent().build();
	}

	@PostMapping("/{project}/provision")
	@Operation(operationId = "provisionProject", summary = "Retry provisioning of a project",
			description = "Finishes a FAILED or interrupted provisioning (creates the database if needed, applies the "
					+ "project schema, then READY). A READY project is returned unchanged.")
	@ApiResponse(responseCode = "200", description = "The project, READY.")
	@ProblemResponses({ 404, 409, 502 })
	ResponseEntity<ProjectView> provision(@Parameter(description = ProjectParameter.DESCRIPTION, example = ProjectParameter.EXAMPLE) @PathVariable String project) {
		return withETag(this.lifecycle.retryProvisioning(idOf(project)));
	}

	/** The optional body of a reindex. */
	@Schema(description = "Optional details of a reindex.", example = "{\"message\": \"parser upgraded\"}")
	record ReindexRequest(@Schema(description = "Why the project is indexed again.", example = "parser upgraded") String message) {
	}

	/**
	 * The id of the project a path names, read from PostgreSQL: writes act on the project as committed, and a
	 * name that does not exist is a 404, never another project.
	 */
	private UUID idOf(String project) {
		return this.lookup.committed().get(project).id();
	}

	private static ResponseEntity<ProjectView> withETag(ProjectView project) {
		return ResponseEntity.ok().eTag(ETags.of(project.version())).body(project);
	}

}
