package io.codebase.registry.support;

import java.util.List;
import java.util.Map;

import io.codebase.registry.support.OpenApiContract.Answer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.InstanceOfAssertFactories.STRING;

/** The contract check itself, on a small spec of its own: each kind of mismatch is reported, a match is not. */
class OpenApiContractTest {

	private static final OpenApiContract CONTRACT = OpenApiContract.parse("""
			openapi: 3.1.0
			info: {title: Things, version: "1"}
			paths:
			  /things/{id}:
			    get:
			      operationId: getThing
			      parameters:
			      - {name: id, in: path, required: true, schema: {type: string}}
			      responses:
			        "200":
			          description: The thing.
			          headers:
			            ETag: {required: true, schema: {type: string}}
			            Idempotency-Replayed: {schema: {type: string, enum: ["true"]}}
			          content:
			            application/json:
			              schema: {$ref: "#/components/schemas/Thing"}
			        "404":
			          description: No such thing.
			          content:
			            application/problem+json:
			              schema: {$ref: "#/components/schemas/Problem"}
			    delete:
			      operationId: deleteThing
			      parameters:
			      - {name: id, in: path, required: true, schema: {type: string}}
			      responses:
			        "204":
			          description: Deleted.
			components:
			  schemas:
			    Thing:
			      type: object
			      required: [id, name]
			      properties:
			        id: {type: string}
			        name: {type: string}
			        note: {type: [string, "null"]}
			    Problem:
			      type: object
			      required: [type, title, status]
			      properties:
			        type: {type: string}
			        title: {type: string}
			        status: {type: integer}
			""");

	private static final String THING = "{\"id\": \"1\", \"name\": \"one\", \"note\": null}";

	private static final String PROBLEM = "{\"type\": \"about:blank\", \"title\": \"Not Found\", \"status\": 404}";

	private static Answer answer(String method, String path, int status, String contentType, String body,
			String... moreHeaders) {
		Map<String, List<String>> headers = new java.util.LinkedHashMap<>();
		if (contentType != null) {
			headers.put("Content-Type", List.of(contentType));
		}
		for (int i = 0; i < moreHeaders.length; i += 2) {
			headers.put(moreHeaders[i], List.of(moreHeaders[i + 1]));
		}
		return new Answer(method, path, status, headers, body);
	}

	@Test
	void anAnswerAsDeclaredPasses() {
		assertThat(CONTRACT.violations(answer("GET", "/things/1", 200, "application/json", THING, "ETag", "\"3\"")))
			.isEmpty();
		assertThat(CONTRACT.violations(answer("GET", "/things/1", 404, "application/problem+json", PROBLEM))).isEmpty();
	}

	@Test
	void anUndeclaredStatusIsReported() {
		assertThat(CONTRACT.violations(answer("GET", "/things/1", 409, "application/problem+json", PROBLEM)))
			.singleElement(STRING)
			.contains("409 is not a declared status of getThing (GET /things/{id})");
	}

	@Test
	void anUndeclaredContentTypeIsReported() {
		assertThat(CONTRACT.violations(answer("GET", "/things/1", 200, "text/plain", "one", "ETag", "\"3\"")))
			.anySatisfy(violation -> assertThat(violation).contains("Content-Type text/plain is not declared",
					"getThing"));
	}

	@Test
	void aBodyMissingARequiredFieldIsReported() {
		assertThat(CONTRACT.violations(answer("GET", "/things/1", 200, "application/json", "{\"id\": \"1\"}", "ETag",
				"\"3\"")))
			.singleElement(STRING)
			.contains("required", "\"name\"");
	}

	@Test
	void aWrongTypeIsReported() {
		assertThat(CONTRACT.violations(answer("GET", "/things/1", 200, "application/json",
				"{\"id\": \"1\", \"name\": 2}", "ETag", "\"3\"")))
			.singleElement(STRING)
			.contains("200 of getThing (GET /things/{id}): ", "#/name: Instance type number is invalid. Expected string");
	}

	@Test
	void aValueOutsideAListOfTypesIsReported() {
		assertThat(CONTRACT.violations(answer("GET", "/things/1", 200, "application/json",
				"{\"id\": \"1\", \"name\": \"one\", \"note\": 5}", "ETag", "\"3\"")))
			.singleElement(STRING)
			.contains("#/note: Instance type number is invalid. Expected string, null");
	}

	@Test
	void aMissingRequiredHeaderIsReported() {
		assertThat(CONTRACT.violations(answer("GET", "/things/1", 200, "application/json", THING)))
			.singleElement(STRING)
			.contains("ETag");
	}

	@Test
	void aHeaderOutsideItsSchemaIsReported() {
		assertThat(CONTRACT.violations(answer("GET", "/things/1", 200, "application/json", THING, "ETag", "\"3\"",
				"Idempotency-Replayed", "yes")))
			.singleElement(STRING)
			.contains("header Idempotency-Replayed");
	}

	@Test
	void aBodyWhereNoneIsDeclaredIsReported() {
		assertThat(CONTRACT.violations(answer("DELETE", "/things/1", 204, null, null))).isEmpty();
		assertThat(CONTRACT.violations(answer("DELETE", "/things/1", 204, "application/json", THING)))
			.singleElement(STRING)
			.contains("204 of deleteThing (DELETE /things/{id}) declares no body, yet there is one");
	}

	@Test
	void aMissingBodyIsReported() {
		assertThat(CONTRACT.violations(answer("GET", "/things/1", 200, null, null, "ETag", "\"3\"")))
			.singleElement(STRING)
			.contains("declares a body [application/json], yet there is none");
	}

	@Test
	void aBodyWithoutAContentTypeIsReported() {
		assertThat(CONTRACT.violations(answer("GET", "/things/1", 200, null, THING, "ETag", "\"3\"")))
			.singleElement(STRING)
			.contains("a body without a Content-Type");
	}

	@Test
	void anErrorOnAnUnknownRouteMustBeAProblem() {
		assertThat(CONTRACT.violations(answer("GET", "/nowhere", 404, "application/problem+json", PROBLEM))).isEmpty();
		assertThat(CONTRACT.violations(answer("PUT", "/things/1", 405, "application/problem+json",
				"{\"type\": \"about:blank\", \"title\": \"Method Not Allowed\", \"status\": 405}")))
			.isEmpty();
		assertThat(CONTRACT.violations(answer("GET", "/nowhere", 404, "text/html", "<h1>Not Found</h1>")))
			.singleElement(STRING)
			.contains("must be application/problem+json", "text/html");
		assertThat(CONTRACT.violations(answer("GET", "/nowhere", 404, "application/problem+json", "{\"title\": \"x\"}")))
			.singleElement(STRING)
			.contains("Problem schema", "\"type\"");
	}

	@Test
	void anUnknownRouteMustNotSucceed() {
		assertThat(CONTRACT.violations(answer("GET", "/nowhere", 200, "application/json", "{}")))
			.singleElement(STRING)
			.contains("not in openapi.yaml", "200");
	}

	@Test
	void routesBesideTheApiAnswerForThemselvesButTheirOtherErrorsAreProblems() {
		assertThat(CONTRACT.violations(answer("GET", "/actuator/health/readiness", 503,
				"application/vnd.spring-boot.actuator.v3+json", "{\"status\": \"DOWN\"}")))
			.isEmpty();
		assertThat(CONTRACT.violations(answer("GET", "/swagger-ui/index.html", 200, "text/html", "<html/>"))).isEmpty();
		assertThat(CONTRACT.violations(answer("GET", "/actuator/prometheus", 401, "text/html", "<h1>401</h1>")))
			.singleElement(STRING)
			.contains("must be application/problem+json");
	}

	@Test
	void aViolationFailsWithTheRequestTheAnswerAndWhatDiffers() {
		assertThatExceptionOfType(AssertionError.class)
			.isThrownBy(() -> CONTRACT.check(answer("GET", "/things/1", 418, "application/json", THING)))
			.withMessageContaining("GET /things/1 -> 418 application/json")
			.withMessageContaining("418 is not a declared status of getThing");
	}

	@Test
	void theRepositorysContractIsAValidContract() {
		assertThat(OpenApiContract.registry()).isNotNull();
	}

}
