package io.codebase.registry.adversarial;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.codebase.registry.support.Http;
import io.codebase.registry.support.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import static io.codebase.registry.support.Http.json;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Faults found by attacking the service, each answered 500, spun or silently changed input before its fix. Every
 * refusal is a 400/409/422 problem, and nothing is written.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class AdversarialInputRegressionTest {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final String NUL = "before\u0000after";

	/** As JSON text: an escape, since a Java string with a lone surrogate becomes '?' when sent as UTF-8. */
	private static final String LONE_SURROGATE_JSON = "\"before\\ud800after\"";

	@LocalServerPort
	int port;

	Http http;

	String unique;

	ExecutorService pool;

	@BeforeEach
	void setUp() {
		this.http = new Http(this.port);
		this.unique = UUID.randomUUID().toString().substring(0, 8);
		this.pool = Executors.newFixedThreadPool(10);
	}

	@AfterEach
	void tearDown() {
		this.pool.shutdownNow();
	}

	@Test
	void textPostgreSqlCannotStoreExactlyIsRefusedBeforeAnyWrite() {
		for (String text : List.of(JSON.writeValueAsString(NUL), LONE_SURROGATE_JSON)) {
			String name = "adv text " + UUID.randomUUID().toString().substring(0, 8);
			expectProblem(post("/api/v1/projects", "{\"name\": \"" + name + "\", \"description\": " + text + "}"), 400,
					"description");
			expectProblem(post("/api/v1/projects", "{\"name\": \"" + name + "\", \"sourcePath\": " + text + "}"), 400,
					"sourcePath");
			assertThat(TestDatabase.get().count("SELECT count(*) FROM projects WHERE name = ?", name)).isZero();
		}
		JsonNode project = created("adv texts " + this.unique);
		String path = "/api/v1/projects/" + project.get("id").asString();
		for (String text : List.of(JSON.writeValueAsString(NUL), LONE_SURROGATE_JSON)) {
			expectProblem(this.http.send("PATCH", path, "{\"description\": " + text + "}", Map.of("If-Match", "*")), 400,
					"description");
			expectProblem(this.http.send("POST", path + "/index-status",
					"{\"status\": \"INDEXING\", \"message\": " + text + "}", Map.of("If-Match", "*")), 400, "message");
			expectProblem(this.http.send("PATCH", path, "{\"metadata\": {\"note\": " + text + "}}",
					Map.of("If-Match", "*")), 400, "metadata");
		}
		assertThat(json(this.http.get(path)).get("version").asLong()).isEqualTo(project.get("version").asLong());
	}

	@Test
	void aNulInAnInlineConfigOrAnImportEntryWritesNothing() {
		String name = "adv config " + this.unique;
		ObjectNode request = JSON.createObjectNode();
		request.putObject("config").put("version", "1.0").putObject("project").put("name", name).put("description", NUL);
		// A config document's errors are the document's: 422 naming it, like a config file's.
		expectProblem(post("/api/v1/resolutions", request.toString()), 422, null);

		ObjectNode file = JSON.createObjectNode().put("format", "project-registry-export").put("version", "1");
		file.putArray("projects").addObject().put("id", UUID.randomUUID().toString()).put("name", name + " a")
			.put("indexStatus", "NOT_INDEXED");
		file.withArray("projects").addObject().put("id", UUID.randomUUID().toString()).put("name", name + " b")
			.put("description", NUL).put("indexStatus", "NOT_INDEXED");
		assertThat(post("/api/v1/imports", file.toString()).statusCode()).isEqualTo(422);
		assertThat(TestDatabase.get().count("SELECT count(*) FROM projects WHERE starts_with(name, ?)", name)).isZero();
	}

	@Test
	void anExportWhoseEntriesShareAnIdOrADatabaseIsAFileErrorAndWritesNothing() {
		String name = "adv dup " + this.unique;
		UUID id = UUID.randomUUID();
		ObjectNode sameId = JSON.createObjectNode().put("format", "project-registry-export").put("version", "1");
		sameId.putArray("projects").addObject().put("id", id.toString()).put("name", name + " a").put("indexStatus", "NOT_INDEXED");
		sameId.withArray("projects").addObject().put("id", id.toString()).put("name", name + " b").put("indexStatus", "NOT_INDEXED");
		assertThat(post("/api/v1/imports", sameId.toString()).statusCode()).isEqualTo(422);

		String database = "cb_proj_adv_dup_" + this.unique.replace('-', '_') + "_" + id.toString().substring(0, 8);
		ObjectNode sameDatabase = JSON.createObjectNode().put("format", "project-registry-export").put("version", "1");
		sameDatabase.putArray("projects").addObject().put("id", UUID.randomUUID().toString()).put("name", name + " c")
			.put("databaseName", database).put("indexStatus", "NOT_INDEXED");
		sameDatabase.withArray("projects").addObject().put("id", UUID.randomUUID().toString()).put("name", name + " d")
			.put("databaseName", database).put("indexStatus", "NOT_INDEXED");
		assertThat(post("/api/v1/imports", sameDatabase.toString()).statusCode()).isEqualTo(422);
		assertThat(TestDatabase.get().count("SELECT count(*) FROM projects WHERE starts_with(name, ?)", name)).isZero();
	}

	@Test
	void numbersAndDatesThatWouldBeRewrittenAreRefused() {
		JsonNode project = created("adv numbers " + this.unique);
		String path = "/api/v1/projects/" + project.get("id").asString();
		for (String number : List.of("1e999999999", "1e-999999999")) {
			expectProblem(this.http.send("PATCH", path, "{\"metadata\": {\"n\": " + number + "}}", Map.of("If-Match", "*")),
					400, "metadata");
		}
		expectProblem(this.http.send("POST", path + "/index-status", "{\"status\": \"INDEXING\", \"reportedAt\": 12345}",
				Map.of("If-Match", "*")), 400, null);
		HttpResponse<String> notADate = this.http.send("POST", path + "/index-status",
				"{\"status\": \"INDEXING\", \"reportedAt\": \"yesterday\"}", Map.of("If-Match", "*"));
		expectProblem(notADate, 400, null);
		assertThat(notADate.body()).contains("reportedAt").doesNotContain("JSON object");
		HttpResponse<String> exact = this.http.send("PATCH", path, "{\"metadata\": {\"n\": 0.1000000000000000055511151231257827}}",
				Map.of("If-Match", "*"));
		assertThat(exact.statusCode()).as(exact.body()).isEqualTo(200);
		assertThat(exact.body()).contains("0.1000000000000000055511151231257827");
	}

	/** Found by the fuzzer: a form body whose parameter name the security firewall refuses was a 500. */
	@Test
	void aFormBodyTheFirewallRefusesIsAProblemNotA500() {
		HttpResponse<String> answer = this.http.send("POST", "/api/v1/schema-rollouts", "// c\n{}",
				Map.of("Content-Type", "application/x-www-form-urlencoded"));
		assertThat(answer.statusCode()).as(answer.body()).isBetween(400, 499);
		assertThat(answer.headers().firstValue("Content-Type")).hasValueSatisfying(
				type -> assertThat(type).startsWith("application/problem+json"));
	}

	@Test
	void aPageBeyondTheRowsPostgreSqlCanSkipIsA400() {
		expectProblem(this.http.get("/api/v1/projects?page=10737419&size=200"), 400, "page");
	}

	@Test
	void ifMatchStarNeverFailsWhileTheProjectExists() throws Exception {
		String path = "/api/v1/projects/" + created("adv star " + this.unique).get("id").asString();
		List<Callable<HttpResponse<String>>> patches = new ArrayList<>();
		for (int i = 0; i < 10; i++) {
			String body = body("description", "writer " + i);
			patches.add(() -> this.http.send("PATCH", path, body, Map.of("If-Match", "*")));
		}
		for (Future<HttpResponse<String>> answer : this.pool.invokeAll(patches, 60, TimeUnit.SECONDS)) {
			assertThat(answer.get().statusCode()).as(answer.get().body()).isEqualTo(200);
		}
		assertThat(json(this.http.get(path)).get("version").asLong()).isGreaterThanOrEqualTo(11);
	}

	@Test
	void simultaneousDeletesOfOneProjectAllSucceedAndLeaveNothing() throws Exception {
		JsonNode project = created("adv deletes " + this.unique);
		String path = "/api/v1/projects/" + project.get("id").asString();
		List<Callable<HttpResponse<String>>> deletes = new ArrayList<>();
		for (int i = 0; i < 4; i++) {
			deletes.add(() -> this.http.send("DELETE", path, null, Map.of()));
		}
		for (Future<HttpResponse<String>> answer : this.pool.invokeAll(deletes, 60, TimeUnit.SECONDS)) {
			assertThat(answer.get().statusCode()).as(answer.get().body()).isIn(204, 404);
		}
		assertThat(this.http.get(path).statusCode()).isEqualTo(404);
		assertThat(TestDatabase.get().databaseExists(project.get("databaseName").asString())).isFalse();
	}

	@Test
	void aConfigWhoseDerivedDatabaseNameIsTakenIsA409NotASpin() throws Exception {
		JsonNode existing = created("adv-clash-" + this.unique);
		ObjectNode request = JSON.createObjectNode();
		// Same derived database name (the name's '-' and ' ' both become '_'), another name key.
		String id = existing.get("id").asString().substring(0, 8) + UUID.randomUUID().toString().substring(8);
		request.putObject("config").put("version", "1.0").putObject("project")
			.put("name", "adv clash " + this.unique).put("id", id);
		Future<HttpResponse<String>> answer = this.pool.submit(() -> post("/api/v1/resolutions", request.toString()));
		HttpResponse<String> response = answer.get(30, TimeUnit.SECONDS);
		expectProblem(response, 409, null);
		assertThat(json(response).get("databaseName").asString()).isEqualTo(existing.get("databaseName").asString());
	}

	private JsonNode created(String name) {
		HttpResponse<String> response = post("/api/v1/projects", body("name", name));
		assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
		return json(response);
	}

	private HttpResponse<String> post(String path, String body) {
		return this.http.post(path, body);
	}

	private static String body(String... fieldsAndValues) {
		ObjectNode body = JSON.createObjectNode();
		for (int i = 0; i + 1 < fieldsAndValues.length; i += 2) {
			body.put(fieldsAndValues[i], fieldsAndValues[i + 1]);
		}
		return body.toString();
	}

	private static void expectProblem(HttpResponse<String> response, int status, String field) {
		assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
		assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
				type -> assertThat(type).startsWith("application/problem+json"));
		if (field != null) {
			assertThat(response.body()).as(response.body()).contains("\"" + field + "\"");
		}
	}

}
