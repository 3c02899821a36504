package io.codebase.registry.idempotency;

import java.time.Duration;
import java.util.List;

import io.codebase.registry.web.ProblemDocs;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.headers.Header;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.parameters.HeaderParameter;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import org.springdoc.core.customizers.OpenApiCustomizer;

import org.springframework.stereotype.Component;

/**
 * Documents the {@code Idempotency-Key} header on the operations of {@link IdempotentOperations}: the request
 * header, the replay header of their answers, and the 400, 409 and 422 problems it adds.
 */
@Component
class IdempotencyOpenApi implements OpenApiCustomizer {

	private final IdempotencyProperties properties;

	IdempotencyOpenApi(IdempotencyProperties properties) {
		this.properties = properties;
	}

	@Override
	public void customise(OpenAPI openApi) {
		openApi.getPaths().forEach((path, item) -> {
			if (item.getPost() != null && IdempotentOperations.isIdempotent("POST", path)) {
				document(item.getPost());
			}
		});
	}

	private void document(Operation operation) {
		operation.addParametersItem(new HeaderParameter().name(IdempotencyKey.HEADER).required(false)
			.description("Makes a retry of this request safe: the first outcome with this key (for the caller's API "
					+ "key, kept registry.idempotency.ttl, 24h) is stored and replayed to retries of the same request "
					+ "(method, path, query and body) with Idempotency-Replayed: true, and the write runs once. "
					+ "1 to " + this.properties.maxKeyLength() + " printable ASCII characters, bare or as a quoted "
					+ "string; a UUID is a good key. Outcomes of 5xx and of answers with Retry-After are not stored.")
			.schema(new StringSchema().minLength(1).maxLength(this.properties.maxKeyLength())));
		ApiResponses responses = operation.getResponses();
		responses.forEach((status, response) -> {
			if (status.startsWith("2")) {
				response.addHeaderObject(IdempotencyFilter.REPLAYED_HEADER, new Header()
					.description("true when this is the stored outcome of an earlier request with the same "
							+ "Idempotency-Key, replayed; absent otherwise.")
					.schema(new StringSchema()._enum(List.of("true"))));
			}
		});
		describe(responses, IdempotencyKeyException.invalid(this.properties.maxKeyLength()),
				"the Idempotency-Key is empty, too long, not printable ASCII, or sent twice");
		describe(responses, IdempotencyKeyException.inUse(Duration.ofSeconds(1)),
				"a request with this Idempotency-Key is still running; retry after Retry-After seconds");
		describe(responses, IdempotencyKeyException.reused(),
				"this Idempotency-Key was sent before with another request (method, path, query or body)");
	}

	/** Adds the case to the operation's problem response of its status, or adds the response with its example. */
	private static void describe(ApiResponses responses, IdempotencyKeyException problem, String reason) {
		String status = ProblemDocs.status(problem);
		ApiResponse existing = responses.get(status);
		if (existing != null) {
			existing.setDescription(existing.getDescription() + " With an Idempotency-Key, also " + problem.kind() + ": "
					+ reason + ".");
		}
		else {
			responses.addApiResponse(status, ProblemDocs.response(
					"Idempotency-Key refused (" + problem.kind() + "): " + reason + ".", ProblemDocs.example(problem)));
		}
	}

}
