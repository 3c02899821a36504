package io.codebase.registry.documentation;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The checks of {@link DocumentationExamplesIT}, shown to fail on drift, without the packaged service: every
 * checked document is marked so that nothing in it goes unrun, and the parser, the shape comparison and the runner
 * (bash and curl against a small local HTTP server) each catch what they are there to catch.
 */
class DocumentedExamplesTest {

	@TempDir
	Path work;

	private HttpServer server;

	private String baseUrl;

	@BeforeEach
	void serve() throws IOException {
		this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		this.server.createContext("/projects", exchange -> {
			byte[] body = "{\"id\": \"p1\", \"state\": \"READY\", \"ready\": true, \"metadata\": {\"team\": \"x\"}}"
				.getBytes(StandardCharsets.UTF_8);
			exchange.getResponseHeaders().add("Content-Type", "application/json");
			exchange.getResponseHeaders().add("ETag", "\"1\"");
			exchange.sendResponseHeaders(200, body.length);
			try (OutputStream out = exchange.getResponseBody()) {
				out.write(body);
			}
		});
		this.server.createContext("/missing", exchange -> {
			byte[] body = "{\"type\": \"urn:project-registry:problem:project-not-found\", \"status\": 404}"
				.getBytes(StandardCharsets.UTF_8);
			exchange.getResponseHeaders().add("Content-Type", "application/problem+json");
			exchange.sendResponseHeaders(404, body.length);
			try (OutputStream out = exchange.getResponseBody()) {
				out.write(body);
			}
		});
		this.server.start();
		this.baseUrl = "http://127.0.0.1:" + this.server.getAddress().getPort();
	}

	@AfterEach
	void stop() {
		this.server.stop(0);
	}

	@Test
	void everyCheckedDocumentHasExamplesAndNoUnrunCommand() {
		for (Path path : DocumentationExamplesIT.DOCUMENTS) {
			DocumentedExamples document = DocumentedExamples.of(path);
			assertThat(document.errors()).as(path.toString()).isEmpty();
			assertThat(document.examples()).as(path.toString()).isNotEmpty();
		}
	}

	@Test
	void unmarkedCommandsUncheckedResponsesAndAbbreviatedJsonAreErrors() {
		DocumentedExamples document = parse("""
				```bash
				curl -s "$BASE_URL/projects"
				```

				```http
				HTTP/1.1 200
				```

				<!-- example -->
				```bash
				curl -s "$BASE_URL/projects"
				```

				```json
				{"id": "p1", ...}
				```

				<!-- unchecked: needs a real cluster -->
				```bash
				kubectl get pods
				```
				""");
		assertThat(document.errors()).hasSize(3);
		assertThat(document.errors().get(0)).contains("doc.md:1", "does not run");
		assertThat(document.errors().get(1)).contains("doc.md:5", "follows no example");
		assertThat(document.errors().get(2)).contains("doc.md:14", "not valid JSON");
	}

	@Test
	void theShapeComparisonCatchesWhatAReaderActsOn() {
		JsonNode real = json("""
				{"id": "p2", "state": "READY", "ready": true, "version": 3, "type": "urn:x:problem:a",
				 "items": [{"name": "a", "outcome": "HIT"}], "empty": [], "gone": null, "extra": 1}""");
		assertThat(ResponseShape.differences(json("""
				{"id": "p1", "state": "READY", "ready": true, "version": 1, "type": "urn:x:problem:a",
				 "items": [{"name": "b", "outcome": "HIT"}], "gone": "shown", "empty": []}"""), real))
			.as("ids, numbers, free text and nulls vary").isEmpty();
		assertThat(ResponseShape.differences(json("{\"missing\": 1}"), real)).containsExactly("$.missing is shown but missing");
		assertThat(ResponseShape.differences(json("{\"state\": \"FAILED\"}"), real)).hasSize(1);
		assertThat(ResponseShape.differences(json("{\"ready\": false}"), real)).hasSize(1);
		assertThat(ResponseShape.differences(json("{\"version\": \"3\"}"), real)).hasSize(1);
		assertThat(ResponseShape.differences(json("{\"type\": \"urn:x:problem:b\"}"), real)).hasSize(1);
		assertThat(ResponseShape.differences(json("{\"items\": [{\"outcome\": \"MISS\"}]}"), real)).hasSize(1);
		assertThat(ResponseShape.differences(json("{\"empty\": [{\"a\": 1}]}"), real)).hasSize(1);
		assertThat(ResponseShape.headerDifferences(Map.of("etag", "\"2\"", "location", "/x", "content-type", "application/json"),
				Map.of("etag", "\"2\"", "location", "/y", "content-type", "application/json;charset=UTF-8"))).isEmpty();
		assertThat(ResponseShape.headerDifferences(Map.of("etag", "\"1\""), Map.of("etag", "\"2\""))).hasSize(1);
		assertThat(ResponseShape.headerDifferences(Map.of("x-resolution-tier", "EXPLICIT"), Map.of())).hasSize(1);
		assertThat(ResponseShape.headerDifferences(Map.of("content-type", "application/problem+json"),
				Map.of("content-type", "application/json"))).hasSize(1);
	}

	@Test
	void printedJsonIsReadAfterTheHeadersAndTheLastValueCounts() {
		assertThat(ExampleRun.lastJson(ExampleRun.body("HTTP/1.1 200 \r\nETag: \"1\"\r\n\r\n{\"a\": 1}"))).isEqualTo(json("{\"a\": 1}"));
		assertThat(ExampleRun.lastJson("\"first\"\n[{\"b\": 2}]\n")).isEqualTo(json("[{\"b\": 2}]"));
		assertThat(ExampleRun.lastJson("4c1e0b7a\n{\n  \"c\": [\n    3\n  ]\n}\n")).isEqualTo(json("{\"c\": [3]}"));
		assertThat(ExampleRun.lastJson("not json")).isNull();
	}

	@Test
	void examplesThatStillAnswerAsShownPass() throws Exception {
		assertThat(run("""
				<!-- example -->
				```bash
				ID=$(curl -s "$BASE_URL/projects" | jq -er .id)
				curl -si "$BASE_URL/projects"
				```

				```http
				HTTP/1.1 200
				ETag: "1"
				Content-Type: application/json

				{"id": "p9", "state": "READY", "metadata": {"team": "y"}}
				```

				<!-- example -->
				```bash
				curl -si "$BASE_URL/missing"
				```

				```http
				HTTP/1.1 404
				Content-Type: application/problem+json

				{"type": "urn:project-registry:problem:project-not-found"}
				```

				<!-- example -->
				```bash
				echo "$ID"
				curl -s "$BASE_URL/projects" | jq '{state, ready}'
				```

				```json
				{"state": "READY", "ready": true}
				```
				""")).isEmpty();
	}

	@Test
	void aChangedStatusFieldOrEnumFailsNamingTheExample() throws Exception {
		List<String> failures = run("""
				<!-- example -->
				```bash
				curl -si "$BASE_URL/projects"
				```

				```http
				HTTP/1.1 201
				Content-Type: application/json

				{"id": "p9", "state": "PROVISIONING", "name": "x"}
				```
				""");
		assertThat(failures).hasSize(2);
		assertThat(failures.get(0)).contains("doc.md:2", "the response is 200, shown 201");
		assertThat(failures.get(1)).contains("doc.md:2", "$.state is \"READY\", shown \"PROVISIONING\"", "$.name is shown but missing");
	}

	@Test
	void anUnexpectedErrorStatusFailsEvenWhenTheCommandSucceeds() throws Exception {
		List<String> failures = run("""
				<!-- example -->
				```bash
				curl -s "$BASE_URL/missing" >/dev/null
				curl -s "$BASE_URL/projects"
				```
				""");
		assertThat(failures).singleElement().asString().contains("doc.md:2", "a call answered 404");
	}

	@Test
	void aFailingCommandStopsTheSequenceAndNamesTheExample() throws Exception {
		List<String> failures = run("""
				<!-- example -->
				```bash
				ID=$(curl -s "$BASE_URL/projects" | jq -er .no_such_field)
				```

				<!-- example -->
				```bash
				echo "never printed"
				```
				""");
		assertThat(failures).singleElement().asString().contains("doc.md:2", "failed (exit code", "jq -er .no_such_field");
	}

	private List<String> run(String markdown) throws IOException, InterruptedException {
		DocumentedExamples document = parse(markdown);
		assertThat(document.errors()).isEmpty();
		return ExampleRun.run(document, Files.createDirectories(this.work.resolve("run")),
				Map.of("BASE_URL", this.baseUrl, "HOME", this.work.toString()), Duration.ofSeconds(30));
	}

	private static DocumentedExamples parse(String markdown) {
		return DocumentedExamples.parse(Path.of("doc.md"), markdown.lines().toList());
	}

	private static JsonNode json(String text) {
		return ShownResponse.JSON.readTree(text);
	}

}
