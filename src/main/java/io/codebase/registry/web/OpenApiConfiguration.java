package io.codebase.registry.web;

import io.codebase.registry.problem.ProblemResponses;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.swagger.v3.core.util.Json;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.info.License;
import io.swagger.v3.oas.models.examples.Example;
import io.swagger.v3.oas.models.media.ArraySchema;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import io.swagger.v3.oas.models.servers.Server;
import io.swagger.v3.oas.models.tags.Tag;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springdoc.core.customizers.OperationCustomizer;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.bind.annotation.GetMapping;

/**
 * The OpenAPI document served at {@code /v3/api-docs} (and committed as {@code openapi.yaml}): service
 * description, and the problem responses of every operation, all sharing one {@code Problem} schema, each status
 * with an example of its own.
 */
@Configuration(proxyBeanMethods = false)
class OpenApiConfiguration {

	private static final String BEARER_SCHEME = "bearerKey";

	private static final String HEADER_SCHEME = "apiKeyHeader";

	/** Tags in the order a user meets them; a tag not listed here comes after these. */
	private static final List<String> TAG_ORDER = List.of("Projects", "Credentials", "Resolutions", "Sessions", "Import and export",
			"Reconciliation", "Schema rollouts", "Database servers", "Moves", RootDocumentController.TAG);

	private static final Map<Integer, String> PROBLEM_DESCRIPTIONS = Map.ofEntries(
			Map.entry(400, "Invalid request: malformed JSON, an unknown field, a wrong type or a broken rule (`errors` lists each field), a path or query value that is not one, or a request refused before it was read (malformed-request, malformed-parameters; see `type`)."),
			Map.entry(401, "No API key, or not a valid one (registry.security.keys); WWW-Authenticate names the Bearer scheme."),
			Map.entry(403, "The API key has the reader role: the operation needs admin (forbidden), or the resolution would create a project or its database (creation-forbidden)."),
			Map.entry(404, "Not found: no project has this id or name, no live session has this id, no schema rollout or move has this id, or the project has no credential of this name (see `type`)."),
			Map.entry(406, "The Accept header allows none of the media types this operation answers with (not-acceptable): application/json, and application/problem+json for problems."),
			Map.entry(409, "Conflicts with the registry's state: project-name-taken, project-state-conflict, illegal-index-transition, database-name-taken, project-database-mismatch, project-id-taken, project-schema-disabled, schema-rollout-running, move-running, move-no-target, move-prerequisites, or reconciliation-running with Retry-After (see `type`)."),
			Map.entry(412, "If-Match does not hold the current ETag: the project changed since it was read."),
			Map.entry(413, "The request body is larger than registry.web.max-request-body."),
			Map.entry(415, "The Content-Type is not one this operation reads (unsupported-media-type); see its request body."),
			Map.entry(422, "The request is well-formed but names something the service refuses: a working directory outside the allowed roots, or a malformed project config file."),
			Map.entry(428, "If-Match is required for this operation."),
			Map.entry(500, "A bug in the service (internal-error): nothing about the cause is shown; `reference` finds its stack trace in the service's log."),
			Map.entry(502, "The PostgreSQL server refused to create, migrate or drop the project's database (provisioning-failed; the project keeps the reason in lastError and the step can be retried), or to create or drop a credential (credential-failed)."),
			Map.entry(503, "Try again after Retry-After seconds: the registry database cannot be reached (database-unavailable), another caller is still provisioning the project (project-provisioning), or a move is cutting the project over to another server (project-moving)."));

	/**
	 * An example of each problem status, for the operations on the paths it names (the first that matches): what
	 * a client of those operations meets most often with that status.
	 */
	private static final List<ProblemExample> PROBLEM_EXAMPLES = List.of(
			new ProblemExample(400, ".*", true, example("malformed-json", "Malformed JSON", 400, "The request body is "
					+ "not valid JSON at line 1, column 9: Unexpected character ('}' (code 125)): expected a value")),
			new ProblemExample(400, ".*", false, example("malformed-request", "Malformed request", 400,
					"The request is malformed (request line, path encoding or headers) and was refused before it was read")),
			new ProblemExample(401, ".*", example("unauthorized", "API key required", 401,
					"This API needs an API key: send Authorization: Bearer <key> or X-API-Key: <key>")),
			new ProblemExample(403, ".*", example("forbidden", "Forbidden", 403,
					"The API key 'indexer' has the reader role; POST needs the admin role")),
			new ProblemExample(404, "/api/v1/sessions/.*", example("session-not-found", "Session not found", 404,
					"No live session has the id 'mcp-7f3a'")),
			new ProblemExample(404, "/api/v1/schema-rollouts/.*", example("schema-rollout-not-found",
					"Schema rollout not found", 404, "No schema rollout has the id 0195f3a4-5c2e-7d10-9a3b-4f2e8c1d0a77")),
			new ProblemExample(404, "/api/v1/moves/.*", example("move-not-found", "Move not found", 404,
					"No move has the id 0195f3a4-5c2e-7d10-9a3b-4f2e8c1d0a78")),
			new ProblemExample(404, "/api/v1/projects/[^/]+/credentials/.*", example("credential-not-found",
					"Credential not found", 404, "Project 'payments' has no credential named 'cb_proj_cred_3f6c1a52_k3v9q0x7m2pa'")),
			new ProblemExample(404, ".*", example("project-not-found", "Project not found", 404,
					"No project has the id or name 'payments'")),
			new ProblemExample(406, ".*", example("not-acceptable", "Not acceptable", 406,
					"Acceptable representations: [application/json].")),
			new ProblemExample(409, "/api/v1/projects", example("project-name-taken",
					"Conflict with the current state of the registry", 409,
					"A project named 'payments' already exists (names are unique regardless of case)").put("name", "payments")),
			new ProblemExample(409, "/api/v1/projects/.*/(index-status|reindex)", example("illegal-index-transition",
					"Conflict with the current state of the registry", 409,
					"Project 'payments' is NOT_INDEXED; it cannot become INDEXED. Allowed next: INDEXING")),
			new ProblemExample(409, "/api/v1/imports", example("import-conflict", "Import clashes with existing projects",
					409, "1 entry clashes with existing projects; nothing was imported. Fix them, or import with "
							+ "onConflict=SKIP to import the rest")),
			new ProblemExample(409, "/api/v1/projects/[^/]+/moves", example("move-running",
					"Conflict with the current state of the registry", 409, "Project 'payments' is already being moved "
							+ "(move 0195f3a4-5c2e-7d10-9a3b-4f2e8c1d0a78); one move per project at a time")),
			new ProblemExample(409, "/api/v1/schema-rollouts", example("schema-rollout-running", "Conflict with the current state of the registry", 409,
					"Schema rollout 0195f3a4-5c2e-7d10-9a3b-4f2e8c1d0a77 is still running; only one runs at a time")),
			new ProblemExample(409, "/api/v1/reconciliation", example("reconciliation-running",
					"Reconciliation already running", 409, "Another reconciliation is running (on this or another "
							+ "replica); retry in a few seconds, or GET /api/v1/reconciliation for a report that needs no lock")),
			new ProblemExample(409, ".*", example("project-state-conflict", "Conflict with the current state of the registry",
					409, "Project 'payments' is DELETING, so it cannot be updated")),
			new ProblemExample(412, ".*", example("version-mismatch", "Precondition failed", 412,
					"If-Match \"2\" does not match the current version; GET the project again and retry")
				.put("currentETag", "\"3\"")),
			new ProblemExample(413, ".*", example("request-too-large", "Request body too large", 413,
					"The request body exceeds the limit of 262144 bytes")),
			new ProblemExample(415, ".*", example("unsupported-media-type", "Unsupported media type", 415,
					"Content-Type 'text/plain' is not supported.")),
			new ProblemExample(422, "/api/v1/imports", example("invalid-import", "Invalid import file", 422,
					"1 problem in the file; nothing was imported").set("errors", Json.mapper().createArrayNode()
						.add(Json.mapper().createObjectNode().put("entry", "e02fd0e4-00fd-490a-bd5a-3e5b0d8a8a1b")
							.put("field", "name").put("message", "is required and must be a string")))),
			new ProblemExample(422, "/api/v1/resolutions", example("invalid-project-config", "Invalid project config", 422,
					"/home/dev/src/payments/.codebase-mcp/config.json: is not valid JSON (Unexpected end-of-input at line 3, column 1)")
				.put("file", "/home/dev/src/payments/.codebase-mcp/config.json")),
			new ProblemExample(422, ".*", example("invalid-working-directory", "Working directory refused", 422,
					"workingDirectory is not a directory under an allowed root (registry.sessions.allowed-roots)")
				.put("workingDirectory", "/etc").put("rule", "allowed-root")),
			new ProblemExample(428, ".*", example("if-match-required", "Precondition required", 428,
					"Send the project's ETag in an If-Match header (GET the project to read it)")),
			new ProblemExample(500, ".*", example("internal-error", "Internal error", 500,
					"An unexpected error occurred; the service log has the details under the reference")
				.put("reference", "0195f3a4-5c2e-7d10-9a3b-4f2e8c1d0a77")),
			new ProblemExample(502, ".*", example("provisioning-failed", "Project database provisioning failed", 502,
					"CREATE DATABASE failed: permission denied to create database (SQLSTATE 42501)")),
			new ProblemExample(503, ".*", example("database-unavailable", "Database unavailable", 503,
					"The registry database cannot be reached; retry shortly")));

	@Bean
	OpenAPI registryOpenApi() {
		return new OpenAPI()
			.info(new Info().title("Project Registry API")
				.version("v1")
				.description("Registers code-indexing projects, gives each its own PostgreSQL database, and resolves "
						+ "which project a caller means. PostgreSQL is the single source of truth; errors are RFC 9457 "
						+ "problems (application/problem+json). `GET /` lists the entry points.")
				.license(new License().name("Apache-2.0").url("https://www.apache.org/licenses/LICENSE-2.0")))
			// Relative: Swagger UI and generated clients call the host and port the document was served from.
			.servers(List.of(new Server().url("/").description("The service that serves this document")))
			.components(new Components().addSchemas(ProblemDocs.PROBLEM_SCHEMA, problemSchema())
				.addSecuritySchemes(BEARER_SCHEME, new SecurityScheme().type(SecurityScheme.Type.HTTP).scheme("bearer")
					.description("An API key of registry.security.keys, sent as `Authorization: Bearer <key>`."))
				.addSecuritySchemes(HEADER_SCHEME, new SecurityScheme().type(SecurityScheme.Type.APIKEY)
					.in(SecurityScheme.In.HEADER).name("X-API-Key")
					.description("The same API key, sent as `X-API-Key: <key>` instead.")))
			// The empty requirement: a service run without keys (loopback only) serves anonymous callers.
			.security(List.of(new SecurityRequirement().addList(BEARER_SCHEME), new SecurityRequirement().addList(HEADER_SCHEME),
					new SecurityRequirement()));
	}

	/**
	 * Adds the problem responses named by {@link ProblemResponses} to each operation, and those every operation
	 * can answer: 400 (a malformed path, query or header), 401, 403 for all but reads (a reader's key), 406, 415
	 * when it reads a body, 503, and 500 (a bug, answered as an internal-error problem). Operations that need no key
	 * and read no database (the root document) answer only 400, 406 and 500.
	 */
	@Bean
	OperationCustomizer problemResponses() {
		return (operation, handler) -> {
			boolean anonymous = operation.getSecurity() != null && operation.getSecurity().isEmpty();
			ProblemResponses declared = handler.getMethodAnnotation(ProblemResponses.class);
			add(operation, 400);
			if (!anonymous) {
				add(operation, 401);
				if (!handler.hasMethodAnnotation(GetMapping.class)) {
					add(operation, 403);
				}
			}
			for (int status : (declared != null) ? declared.value() : new int[0]) {
				add(operation, status);
			}
			add(operation, 406);
			if (operation.getRequestBody() != null) {
				add(operation, 415);
			}
			if (!anonymous) {
				add(operation, 503);
			}
			add(operation, 500);
			return operation;
		};
	}

	/**
	 * Gives every problem response without an example the example of its status (a 404 the one of its path), and
	 * orders the tags as a user meets them.
	 */
	@Bean
	OpenApiCustomizer problemExamplesAndTagOrder() {
		return openApi -> {
			openApi.getPaths().forEach((path, item) -> item.readOperations().forEach(operation ->
				operation.getResponses().forEach((status, response) -> {
					MediaType problem = (response.getContent() != null) ? response.getContent().get(ProblemDocs.PROBLEM_JSON) : null;
					if (problem != null && problem.getExample() == null && problem.getExamples() == null) {
						ObjectNode example = exampleFor(Integer.parseInt(status), path, operation.getRequestBody() != null);
						// Each example once, in components, referenced by every response that shows it.
						String kind = example.get("type").asText().substring(ProblemTypes.TYPE_PREFIX.length());
						openApi.getComponents().addExamples(kind, new Example().summary(example.get("title").asText())
							.value(example));
						problem.setExamples(Map.of(kind, new Example().$ref("#/components/examples/" + kind)));
					}
				})));
			if (openApi.getTags() != null) {
				openApi.getTags().sort(Comparator.comparingInt(OpenApiConfiguration::tagRank));
			}
		};
	}

	private static int tagRank(Tag tag) {
		int rank = TAG_ORDER.indexOf(tag.getName());
		return (rank < 0) ? TAG_ORDER.size() : rank;
	}

	private static ObjectNode exampleFor(int status, String path, boolean readsBody) {
		return PROBLEM_EXAMPLES.stream().filter(example -> example.fits(status, path, readsBody)).findFirst()
			.orElseThrow(() -> new IllegalStateException("No example of a " + status + " problem")).problem();
	}

	private static void add(Operation operation, int status) {
		operation.getResponses().addApiResponse(String.valueOf(status), ProblemDocs.response(PROBLEM_DESCRIPTIONS.get(status), null));
	}

	private static ObjectNode example(String kind, String title, int status, String detail) {
		return ProblemDocs.example(kind, title, status, detail);
	}

	private static Schema<?> problemSchema() {
		Schema<?> fieldProblem = new ObjectSchema().description("A field of the request and the rule it breaks.")
			.addProperty("field", new StringSchema().description("JSON path of the field.").example("name"))
			.addProperty("message", new StringSchema().description("What is wrong with it.").example("must not be null"))
			.addProperty("entry", new StringSchema()
				.description("For an import file: the entry, by its id or its position.").example("projects[3]"))
			.required(List.of("field", "message"));
		// A plain schema typed "object" keeps the example a JSON object (ObjectSchema would turn it into a string).
		return new Schema<>().type("object").types(Set.of("object"))
			.description("An RFC 9457 problem: what went wrong, in a form clients can act on. Some kinds add members "
					+ "of their own (currentETag, retry, name...).")
			.addProperty("type", new StringSchema().format("uri")
				.description("Identifies the kind of problem; stable, switch on it (`" + ProblemTypes.TYPE_PREFIX + "<kind>`).")
				.example(ProblemTypes.TYPE_PREFIX + "project-not-found"))
			.addProperty("title", new StringSchema().description("Short summary of the kind of problem.").example("Project not found"))
			.addProperty("status", new IntegerSchema().description("The HTTP status code.").example(404))
			.addProperty("detail", new StringSchema().description("What happened in this case.")
				.example("No project has the id or name 'payments'"))
			.addProperty("instance", new StringSchema().format("uri-reference").description("The request path.")
				.example("/api/v1/projects/payments"))
			.addProperty("errors", new ArraySchema().items(fieldProblem)
				.description("For 400 invalid-request and 422 invalid-import: every field that breaks a rule."))
			.required(List.of("type", "title", "status", "detail"))
			// RFC 9457 extension members: each kind may add its own.
			.additionalProperties(true)
			.example(exampleFor(404, "/api/v1/projects/{project}", false).deepCopy().put("instance", "/api/v1/projects/payments"));
	}

	/**
	 * The example of a problem status for the operations on the paths matching {@code paths}; when
	 * {@code readsBody} is given, only for those that read a request body, or only for those that do not.
	 */
	private record ProblemExample(int status, Pattern paths, Boolean readsBody, ObjectNode problem) {

		ProblemExample(int status, String paths, ObjectNode problem) {
			this(status, Pattern.compile(paths), null, problem);
		}

		ProblemExample(int status, String paths, boolean readsBody, ObjectNode problem) {
			this(status, Pattern.compile(paths), readsBody, problem);
		}

		boolean fits(int status, String path, boolean body) {
			return this.status == status && this.paths.matcher(path).matches()
					&& (this.readsBody == null || this.readsBody == body);
		}

	}

}
