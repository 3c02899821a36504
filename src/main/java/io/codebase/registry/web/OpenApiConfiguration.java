package io.codebase.registry.web;

import io.codebase.registry.problem.ProblemResponses;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.swagger.v3.core.util.Json;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.info.License;
import io.swagger.v3.oas.models.media.ArraySchema;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import io.swagger.v3.oas.models.servers.Server;
import org.springdoc.core.customizers.OperationCustomizer;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;

/**
 * The OpenAPI document served at {@code /v3/api-docs} (and committed as {@code openapi.yaml}): service
 * description, and the problem responses of every operation, all sharing one {@code Problem} schema.
 */
@Configuration(proxyBeanMethods = false)
class OpenApiConfiguration {

	private static final String PROBLEM_SCHEMA = "Problem";

	private static final String PROBLEM_JSON = "application/problem+json";

	private static final String BEARER_SCHEME = "bearerKey";

	private static final String HEADER_SCHEME = "apiKeyHeader";

	private static final Map<Integer, String> PROBLEM_DESCRIPTIONS = Map.ofEntries(
			Map.entry(401, "No API key, or not a valid one (registry.security.keys); WWW-Authenticate names the Bearer scheme."),
			Map.entry(403, "The API key has the reader role: the operation needs admin (forbidden), or the resolution would create a project or its database (creation-forbidden)."),
			Map.entry(400, "Invalid request: malformed JSON, an unknown field, a wrong type or a broken rule; `errors` lists each field."),
			Map.entry(404, "Not found: no project has this id or name, or no live session has this id."),
			Map.entry(409, "Conflicts with the registry's state: project-name-taken, project-state-conflict, illegal-index-transition, database-name-taken, project-database-mismatch, project-id-taken, project-schema-disabled, schema-rollout-running, or reconciliation-running with Retry-After (see `type`)."),
			Map.entry(412, "If-Match does not hold the current ETag: the project changed since it was read."),
			Map.entry(413, "The request body is larger than registry.web.max-request-body."),
			Map.entry(422, "The request is well-formed but names something the service refuses: a working directory outside the allowed roots, or a malformed project config file."),
			Map.entry(428, "If-Match is required for this operation."),
			Map.entry(502, "The PostgreSQL server refused to create, migrate or drop the project's database; the project keeps the reason in lastError and the step can be retried."),
			Map.entry(503, "Try again after Retry-After seconds: the registry database cannot be reached (database-unavailable), or another caller is still provisioning the project (project-provisioning)."));

	@Bean
	OpenAPI registryOpenApi() {
		return new OpenAPI()
			.info(new Info().title("Project Registry API")
				.version("v1")
				.description("Registers code-indexing projects, gives each its own PostgreSQL database, and resolves "
						+ "which project a caller means. PostgreSQL is the single source of truth; errors are RFC 9457 "
						+ "problems (application/problem+json).")
				.license(new License().name("Apache-2.0").url("https://www.apache.org/licenses/LICENSE-2.0")))
			.servers(List.of(new Server().url("http://localhost:8080").description("A local run (./mvnw spring-boot:run)")))
			.components(new Components().addSchemas(PROBLEM_SCHEMA, problemSchema())
				.addSecuritySchemes(BEARER_SCHEME, new SecurityScheme().type(SecurityScheme.Type.HTTP).scheme("bearer")
					.description("An API key of registry.security.keys, as Authorization: Bearer <key>. Not needed "
							+ "when the service runs without keys (loopback only)."))
				.addSecuritySchemes(HEADER_SCHEME, new SecurityScheme().type(SecurityScheme.Type.APIKEY)
					.in(SecurityScheme.In.HEADER).name("X-API-Key")
					.description("The same API key, in the X-API-Key header instead.")))
			.security(List.of(new SecurityRequirement().addList(BEARER_SCHEME), new SecurityRequirement().addList(HEADER_SCHEME)));
	}

	/**
	 * Adds the problem responses named by {@link ProblemResponses} to each operation, and those every operation
	 * can answer: 401, 403 for all but reads (a reader's key), and 503.
	 */
	@Bean
	OperationCustomizer problemResponses() {
		return (operation, handler) -> {
			ProblemResponses declared = handler.getMethodAnnotation(ProblemResponses.class);
			int[] statuses = (declared != null) ? declared.value() : new int[0];
			operation.getResponses().addApiResponse("401", problemResponse(401));
			if (!handler.hasMethodAnnotation(GetMapping.class)) {
				operation.getResponses().addApiResponse("403", problemResponse(403));
			}
			for (int status : statuses) {
				operation.getResponses().addApiResponse(String.valueOf(status), problemResponse(status));
			}
			operation.getResponses().addApiResponse("503", problemResponse(503));
			return operation;
		};
	}

	private static ApiResponse problemResponse(int status) {
		return new ApiResponse().description(PROBLEM_DESCRIPTIONS.get(status))
			.content(new Content().addMediaType(PROBLEM_JSON,
					new MediaType().schema(new Schema<>().$ref("#/components/schemas/" + PROBLEM_SCHEMA))));
	}

	private static Schema<?> problemSchema() {
		Schema<?> fieldProblem = new ObjectSchema().description("A field of the request and the rule it breaks.")
			.addProperty("field", new StringSchema().description("JSON path of the field.").example("name"))
			.addProperty("message", new StringSchema().description("What is wrong with it.").example("must not be null"));
		// A plain schema typed "object" keeps the example a JSON object (ObjectSchema would turn it into a string).
		return new Schema<>().type("object").types(Set.of("object"))
			.description("An RFC 9457 problem: what went wrong, in a form clients can act on.")
			.addProperty("type", new StringSchema().format("uri")
				.description("Identifies the kind of problem; stable, switch on it (" + ProblemTypes.TYPE_PREFIX + "<kind>).")
				.example(ProblemTypes.TYPE_PREFIX + "project-not-found"))
			.addProperty("title", new StringSchema().description("Short summary of the kind of problem.").example("Project not found"))
			.addProperty("status", new IntegerSchema().description("The HTTP status code.").example(404))
			.addProperty("detail", new StringSchema().description("What happened in this case.")
				.example("No project has the id or name 'payments'"))
			.addProperty("instance", new StringSchema().format("uri-reference").description("The request path.")
				.example("/api/v1/projects/payments"))
			.addProperty("errors", new ArraySchema().items(fieldProblem)
				.description("For 400: every field that breaks a rule."))
			.example(Json.mapper().createObjectNode()
				.put("type", ProblemTypes.TYPE_PREFIX + "project-not-found")
				.put("title", "Project not found")
				.put("status", HttpStatus.NOT_FOUND.value())
				.put("detail", "No project has the id or name 'payments'")
				.put("instance", "/api/v1/projects/payments"));
	}

}
