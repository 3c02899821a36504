package io.codebase.registry.project;

import java.net.http.HttpResponse;
import java.util.Map;

import io.codebase.registry.support.Http;
import io.codebase.registry.support.Json;
import io.codebase.registry.support.Projects;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import static io.codebase.registry.support.Http.json;
import static io.codebase.registry.support.Problems.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

/** The indexing lifecycle clients report, with its transition rules and optimistic concurrency. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class IndexStatusApiTest {

	@LocalServerPort
	int port;

	Http http;

	JsonNode project;

	String path;

	@BeforeEach
	void createProject() {
		this.http = new Http(this.port);
		this.project = json(this.http.post("/api/v1/projects", Json.write(Json.object("name", Projects.uniqueName("indexed")))));
		this.path = "/api/v1/projects/" + this.project.get("id").asString();
	}

	@Test
	void aProjectGoesThroughIndexingAndIsReindexed() {
		JsonNode indexing = report("INDEXING", "0 of 1300 files");
		assertThat(indexing.get("indexStatus").asString()).isEqualTo("INDEXING");
		assertThat(indexing.get("indexMessage").asString()).isEqualTo("0 of 1300 files");
		assertThat(indexing.get("indexReportedAt").asString()).isEqualTo("2026-11-23T19:21:00Z");
		assertThat(indexing.get("indexUpdatedAt").isNull()).isFalse();

		JsonNode progress = report("INDEXING", "650 of 1300 files");
		assertThat(progress.get("indexMessage").asString()).isEqualTo("650 of 1300 files");
		JsonNode indexed = report("INDEXED", null);
		assertThat(indexed.get("indexStatus").asString()).isEqualTo("INDEXED");

		HttpResponse<String> reindexed = this.http.send("POST", this.path + "/reindex", "{\"message\": \"parser upgraded\"}",
				Map.of("If-Match", etag()));
		assertThat(reindexed.statusCode()).as(reindexed.body()).isEqualTo(200);
		assertThat(json(reindexed).get("indexStatus").asString()).isEqualTo("INDEXING");
		assertThat(json(reindexed).get("indexMessage").asString()).isEqualTo("parser upgraded");
		assertThat(reindexed.headers().firstValue("ETag")).hasValue(etag());

		report("FAILED", "out of memory");
		assertThat(this.http.send("POST", this.path + "/reindex", null, Map.of("If-Match", etag())).statusCode())
			.isEqualTo(200);
	}

	@Test
	void illegalTransitionsAre409sNamingTheAllowedOnes() {
		JsonNode skipped = assertProblem(send("{\"status\": \"INDEXED\"}", etag()), 409, "illegal-index-transition");
		assertThat(skipped.get("detail").asString()).contains("Allowed next: INDEXING");
		assertThat(skipped.get("allowed").get(0).asString()).isEqualTo("INDEXING");

		assertProblem(this.http.send("POST", this.path + "/reindex", null, Map.of("If-Match", etag())), 409,
				"illegal-index-transition");
		report("INDEXING", null);
		report("INDEXED", null);
		JsonNode again = assertProblem(send("{\"status\": \"INDEXING\"}", etag()), 409, "illegal-index-transition");
		assertThat(again.get("detail").asString()).contains("reindex");
		assertThat(json(this.http.get(this.path)).get("indexStatus").asString()).isEqualTo("INDEXED");
	}

	@Test
	void reportsNeedTheCurrentETagAndAValidBody() {
		assertProblem(send("{\"status\": \"INDEXING\"}", null), 428, "if-match-required");
		assertProblem(send("{\"status\": \"INDEXING\"}", "\"999\""), 412, "version-mismatch");
		assertProblem(send("{\"status\": \"DONE\"}", etag()), 400, "invalid-request");
		assertProblem(send("{}", etag()), 400, "invalid-request");
		assertProblem(send("{\"status\": \"INDEXING\", \"message\": \"" + "m".repeat(2001) + "\"}", etag()), 400,
				"invalid-request");
		assertProblem(send("{\"status\": \"INDEXING\", \"reportedAt\": \"yesterday\"}", etag()), 400, "invalid-request");
		assertThat(json(this.http.get(this.path)).get("indexStatus").asString()).isEqualTo("NOT_INDEXED");
	}

	@Test
	void listsFilterByIndexStatus() {
		report("INDEXING", null);
		String name = this.project.get("name").asString();
		String query = "/api/v1/projects?count=exact&namePrefix=" + name.replace(" ", "%20") + "&indexStatus=";
		assertThat(json(this.http.get(query + "INDEXING")).get("totalElements").asLong()).isEqualTo(1);
		assertThat(json(this.http.get(query + "INDEXED")).get("totalElements").asLong()).isZero();
	}

	private JsonNode report(String status, String message) {
		String body = "{\"status\": \"" + status + "\"" + (message != null ? ", \"message\": \"" + message + "\"" : "")
				+ ", \"reportedAt\": \"2026-11-23T19:21:00Z\"}";
		HttpResponse<String> response = send(body, etag());
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		assertThat(response.headers().firstValue("ETag")).hasValue("\"" + json(response).get("version").asLong() + "\"");
		return json(response);
	}

	private HttpResponse<String> send(String body, String ifMatch) {
		return this.http.send("POST", this.path + "/index-status", body,
				(ifMatch != null) ? Map.of("If-Match", ifMatch) : Map.of());
	}

	private String etag() {
		return this.http.get(this.path).headers().firstValue("ETag").orElseThrow();
	}

}
