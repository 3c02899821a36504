package io.codebase.registry;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import io.codebase.registry.support.Http;
import io.codebase.registry.support.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import static io.codebase.registry.support.Problems.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every error shape a client can meet, asserted over real HTTP (filters and the servlet error page included):
 * status, {@code application/problem+json}, body members, no stack trace, and nothing changed in PostgreSQL.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "registry.web.max-request-body=8KB")
class HttpErrorShapesTest {

	private static final TestDatabase db = TestDatabase.get();

	@LocalServerPort
	int port;

	Http http;

	long rowsBefore;

	long databasesBefore;

	@BeforeEach
	void recordState() {
		this.http = new Http(this.port);
		this.rowsBefore = db.count("SELECT count(*) FROM projects");
		this.databasesBefore = db.databaseCount();
	}

	@AfterEach
	void nothingChanged() {
		assertThat(db.count("SELECT count(*) FROM projects")).isEqualTo(this.rowsBefore);
		assertThat(db.databaseCount()).isEqualTo(this.databasesBefore);
	}

	@Test
	void malformedJson() {
		JsonNode problem = assertProblem(this.http.post("/api/v1/projects", "{\"name\": "), 400, "malformed-json");
		assertThat(problem.get("detail").asString()).contains("line 1");
	}

	@Test
	void trailingContentAndDuplicateKeysAreMalformed() {
		assertProblem(this.http.post("/api/v1/projects", "{\"name\": \"a\"} {\"name\": \"b\"}"), 400, null);
		assertProblem(this.http.post("/api/v1/projects", "{\"name\": \"a\", \"name\": \"b\"}"), 400, "malformed-json");
	}

	@Test
	void unknownField() {
		JsonNode problem = assertProblem(this.http.post("/api/v1/projects", "{\"name\": \"ok\", \"owner\": \"me\"}"), 400,
				"invalid-request");
		assertThat(problem.get("errors").get(0).get("field").asString()).isEqualTo("owner");
	}

	@Test
	void wrongTypes() {
		JsonNode name = assertProblem(this.http.post("/api/v1/projects", "{\"name\": 42}"), 400, "invalid-request");
		assertThat(name.get("errors").get(0).get("field").asString()).isEqualTo("name");
		assertProblem(this.http.post("/api/v1/projects", "{\"name\": true}"), 400, "invalid-request");
		assertProblem(this.http.post("/api/v1/projects", "{\"name\": \"ok\", \"metadata\": \"text\"}"), 400, "invalid-request");
		assertProblem(this.http.post("/api/v1/projects", "[\"name\"]"), 400, "invalid-request");
	}

	@Test
	void missingBody() {
		assertProblem(this.http.send("POST", "/api/v1/projects", null, Map.of("Content-Type", "application/json")), 400,
				"unreadable-body");
	}

	@Test
	void unsupportedMediaType() {
		assertProblem(this.http.send("POST", "/api/v1/projects", "name=x", Map.of("Content-Type", "text/plain")), 415,
				"unsupported-media-type");
	}

	@Test
	void notAcceptable() {
		JsonNode problem = assertProblem(this.http.send("GET", "/api/v1/projects", null, Map.of("Accept", "text/html")), 406,
				"not-acceptable");
		assertThat(problem.get("detail").asString()).contains("application/json");
		assertProblem(this.http.send("POST", "/api/v1/projects", "{\"name\": \"never-created\"}",
				Map.of("Content-Type", "application/json", "Accept", "application/xml")), 406, "not-acceptable");
	}

	/** What a parser says about a body is told in JSON terms: no class names, settings or source descriptions. */
	@Test
	void malformedJsonIsDescribedWithoutParserInternals() {
		String tooLong = "1".repeat(1100);
		String tooDeep = "[".repeat(600) + "]".repeat(600);
		for (String body : List.of("{\"name\": \"a\", \"metadata\": {\"n\": " + tooLong + "}}",
				"{\"name\": \"a\", \"metadata\": {\"n\": " + tooDeep + "}}", "{\"name\": \"a\", \"metadata\": {\"n\": NaN}}",
				"{\"name\": \"a\"} {\"name\": \"b\"}")) {
			String detail = assertProblem(this.http.post("/api/v1/projects", body), 400, "malformed-json").get("detail")
				.asString();
			assertThat(detail).as(body).startsWith("The request body is not valid JSON")
				.doesNotContain("`", "[Source", "REDACTED", "#UNKNOWN", "StreamReadConstraints", "JsonReadFeature",
						"JsonToken", "Feature");
		}
	}

	@Test
	void methodNotAllowed() {
		HttpResponse<String> response = this.http.send("PUT", "/api/v1/projects", "{}", Map.of());
		assertProblem(response, 405, "method-not-allowed");
		assertThat(response.headers().firstValue("Allow")).isPresent();
	}

	@Test
	void unknownRouteIsAProblemPointingAtTheRootDocument() {
		for (String path : List.of("/api/v1/nothing-here", "/no/such/page")) {
			JsonNode problem = assertProblem(this.http.get(path), 404, "no-such-resource");
			assertThat(problem.get("detail").asString()).as(path).contains(path, "GET / lists the entry points");
			assertThat(problem.get("root").asString()).isEqualTo("/");
		}
	}

	/** No path ends with a slash: one with a trailing slash is a 404 that names the path without it. */
	@Test
	void aTrailingSlashIsAProblemNamingThePathWithoutIt() {
		JsonNode problem = assertProblem(this.http.get("/api/v1/projects/"), 404, "no-such-resource");
		assertThat(problem.get("detail").asString()).contains("ends with '/'", "try /api/v1/projects");
		assertThat(assertProblem(this.http.get("/api/v1/"), 404, "no-such-resource").get("detail").asString())
			.contains("try /api/v1");
	}

	@Test
	void theRootDocumentLinksToTheEntryPoints() {
		for (String path : List.of("/", "/api/v1")) {
			HttpResponse<String> response = this.http.get(path);
			assertThat(response.statusCode()).as(path).isEqualTo(200);
			assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
			JsonNode links = Http.json(response).get("_links");
			assertThat(links.get("self").get("href").asString()).isEqualTo(path);
			for (String relation : List.of("api", "projects", "swagger-ui", "openapi", "openapi-yaml", "health")) {
				String href = links.get(relation).get("href").asString();
				// Swagger UI's page redirects to its index; every other link answers itself.
				assertThat(this.http.get(href).statusCode()).as(relation + " " + href).isBetween(200, 302);
			}
		}
	}

	@Test
	void invalidIdInPath() {
		JsonNode problem = assertProblem(this.http.get("/api/v1/schema-rollouts/not-a-uuid"), 400,
				"invalid-request");
		assertThat(problem.get("errors").get(0).get("field").asString()).isEqualTo("id");
	}

	@Test
	void oversizeBodyWithContentLength() {
		String body = "{\"name\": \"big\", \"description\": \"" + "x".repeat(9000) + "\"}";
		assertProblem(this.http.post("/api/v1/projects", body), 413, "request-too-large");
	}

	@Test
	void oversizeChunkedBody() throws Exception {
		byte[] body = ("{\"name\": \"big\", \"description\": \"" + "x".repeat(9000) + "\"}").getBytes(StandardCharsets.UTF_8);
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + "/api/v1/projects"))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body)))
			.build();
		HttpResponse<String> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
		assertThat(response.headers().firstValue("Content-Length")).isEmpty();
		assertProblem(response, 413, "request-too-large");
	}

}
