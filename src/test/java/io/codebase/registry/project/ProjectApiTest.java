package io.codebase.registry.project;

import java.net.http.HttpResponse;
import java.util.Map;
import java.util.UUID;

import io.codebase.registry.support.Http;
import io.codebase.registry.support.TestDatabase;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import static io.codebase.registry.support.Http.json;
import static io.codebase.registry.support.Problems.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

/** The projects API over real HTTP on a real PostgreSQL: the lifecycle users go through. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ProjectApiTest {

	private static final TestDatabase db = TestDatabase.get();

	@LocalServerPort
	int port;

	@Autowired
	MeterRegistry meters;

	Http http;

	String unique;

	@BeforeEach
	void setUp() {
		this.http = new Http(this.port);
		this.unique = UUID.randomUUID().toString().substring(0, 8);
	}

	@Test
	void createProvisionsTheDatabaseBeforeAnswering() {
		String name = "Payments Service " + this.unique;
		HttpResponse<String> created = this.http.post("/api/v1/projects",
				"{\"name\": \"" + name + "\", \"description\": \"Card payments\", \"metadata\": {\"language\": \"java\"}}");

		assertThat(created.statusCode()).isEqualTo(201);
		JsonNode project = json(created);
		String id = project.get("id").asString();
		String databaseName = project.get("databaseName").asString();
		assertThat(created.headers().firstValue("Location")).hasValue("/api/v1/projects/" + id);
		assertThat(created.headers().firstValue("ETag")).hasValue("\"" + project.get("version").asLong() + "\"");
		assertThat(project.get("state").asString()).isEqualTo("READY");
		assertThat(project.get("metadata").get("language").asString()).isEqualTo("java");
		assertThat(databaseName).isEqualTo("cb_proj_payments_service_" + this.unique + "_" + id.substring(0, 8));
		assertThat(db.databaseExists(databaseName)).isTrue();
		assertThat(db.count("SELECT count(*) FROM projects WHERE id = ?::uuid AND state = 'READY'", id)).isEqualTo(1);

		HttpResponse<String> fetched = this.http.get("/api/v1/projects/" + id);
		assertThat(fetched.statusCode()).isEqualTo(200);
		assertThat(json(fetched)).isEqualTo(project);
	}

	@Test
	void getsByNameCaseInsensitivelyAndAnswers304ForTheCurrentETag() {
		JsonNode project = create("Lookup " + this.unique);
		String byName = "/api/v1/projects/" + ("LOOKUP " + this.unique).replace(" ", "%20");

		HttpResponse<String> fetched = this.http.get(byName);
		assertThat(fetched.statusCode()).isEqualTo(200);
		assertThat(json(fetched).get("id")).isEqualTo(project.get("id"));
		String etag = fetched.headers().firstValue("ETag").orElseThrow();

		HttpResponse<String> notModified = this.http.send("GET", byName, null, Map.of("If-None-Match", etag));
		assertThat(notModified.statusCode()).isEqualTo(304);
		assertThat(notModified.body()).isEmpty();
	}

	@Test
	void unknownIdOrNameIsA404Problem() {
		assertProblem(this.http.get("/api/v1/projects/" + UUID.randomUUID()), 404, "project-not-found");
		assertProblem(this.http.get("/api/v1/projects/no-such-project-" + this.unique), 404, "project-not-found");
	}

	@Test
	void duplicateNamesConflictRegardlessOfCase() {
		create("my-app-" + this.unique);
		long databases = db.databasesStartingWith("cb_proj_my_app_" + this.unique);

		HttpResponse<String> duplicate = this.http.post("/api/v1/projects", "{\"name\": \"My-App-" + this.unique + "\"}");

		assertProblem(duplicate, 409, "project-name-taken");
		assertThat(db.databasesStartingWith("cb_proj_my_app_" + this.unique)).isEqualTo(databases).isEqualTo(1);
		assertThat(db.count("SELECT count(*) FROM projects WHERE name_key = ?", "my-app-" + this.unique)).isEqualTo(1);
	}

	@ParameterizedTest
	@ValueSource(strings = { "x; DROP DATABASE postgres", "\\\"quoted\\\"", "", " leading", "trailing ", "tab\\there",
			"new\\nline", "caf\u00e9", "\u0441yrillic", "-dash-first", "under_last_", "a/b", "a'b", "x%", "300" })
	void hostileNamesAreRefusedAndCreateNothing(String name) {
		String body = "{\"name\": \"" + (name.equals("300") ? "a".repeat(300) : name) + "\"}";
		long databases = db.databasesStartingWith("cb_proj_");
		long rows = db.count("SELECT count(*) FROM projects");

		HttpResponse<String> response = this.http.post("/api/v1/projects", body);

		JsonNode problem = assertProblem(response, 400, "invalid-request");
		assertThat(problem.get("errors").get(0).get("field").asString()).isEqualTo("name");
		assertThat(db.databasesStartingWith("cb_proj_")).isEqualTo(databases);
		assertThat(db.count("SELECT count(*) FROM projects")).isEqualTo(rows);
	}

	@Test
	void missingNameAndBadFieldsAreListedTogether() {
		HttpResponse<String> response = this.http.post("/api/v1/projects",
				"{\"description\": \"" + "d".repeat(10_001) + "\", \"sourcePath\": \"/tmp/a\\u0000b\"}");

		JsonNode problem = assertProblem(response, 400, "invalid-request");
		assertThat(problem.get("errors").findValuesAsString("field")).containsExactly("description", "name", "sourcePath");
	}

	@Test
	void metadataIsBoundedInSizeAndDepth() {
		String deep = "{\"a\":".repeat(20) + "1" + "}".repeat(20);
		assertProblem(this.http.post("/api/v1/projects", "{\"name\": \"deep " + this.unique + "\", \"metadata\": " + deep + "}"),
				400, "invalid-request");
		String big = "{\"blob\": \"" + "x".repeat(70_000) + "\"}";
		assertProblem(this.http.post("/api/v1/projects", "{\"name\": \"big " + this.unique + "\", \"metadata\": " + big + "}"),
				400, "invalid-request");
		assertProblem(this.http.post("/api/v1/projects", "{\"name\": \"nul " + this.unique + "\", \"metadata\": {\"a\": \"\\u0000\"}}"),
				400, "invalid-request");
		assertThat(db.count("SELECT count(*) FROM projects WHERE name_key LIKE ?", "%" + this.unique)).isZero();
	}

	@Test
	void patchRequiresTheCurrentETagAndMergesPerRfc7396() {
		JsonNode project = create("Patched " + this.unique);
		String path = "/api/v1/projects/" + project.get("id").asString();
		String etag = "\"" + project.get("version").asLong() + "\"";
		String patch = "{\"description\": \"new\", \"metadata\": {\"team\": \"payments\", \"language\": null}}";

		assertProblem(send("PATCH", path, patch, Map.of()), 428, "if-match-required");
		assertProblem(send("PATCH", path, patch, Map.of("If-Match", "\"999\"")), 412, "version-mismatch");

		HttpResponse<String> patched = send("PATCH", path, patch, Map.of("If-Match", etag));
		assertThat(patched.statusCode()).isEqualTo(200);
		JsonNode updated = json(patched);
		assertThat(updated.get("description").asString()).isEqualTo("new");
		assertThat(updated.get("metadata").properties()).hasSize(1);
		assertThat(updated.get("metadata").get("team").asString()).isEqualTo("payments");
		assertThat(updated.get("version").asLong()).isEqualTo(project.get("version").asLong() + 1);
		assertThat(patched.headers().firstValue("ETag")).hasValue("\"" + updated.get("version").asLong() + "\"");
		assertThat(json(this.http.get(path))).isEqualTo(updated);

		assertProblem(send("PATCH", path, "{\"description\": \"stale\"}", Map.of("If-Match", etag)), 412, "version-mismatch");
		assertThat(json(this.http.get(path)).get("description").asString()).isEqualTo("new");
	}

	@Test
	void patchRefusesImmutableUnknownAndMistypedFields() {
		JsonNode project = create("Immutable " + this.unique);
		String path = "/api/v1/projects/" + project.get("id").asString();
		Map<String, String> ifMatch = Map.of("If-Match", "\"" + project.get("version").asLong() + "\"");

		JsonNode renamed = assertProblem(send("PATCH", path, "{\"name\": \"other\", \"databaseName\": \"cb_proj_x_00000000\"}", ifMatch),
				400, "invalid-request");
		assertThat(renamed.get("errors").findValuesAsString("field")).containsExactly("databaseName", "name");
		assertProblem(send("PATCH", path, "{\"colour\": \"red\"}", ifMatch), 400, "invalid-request");
		assertProblem(send("PATCH", path, "{\"description\": 5}", ifMatch), 400, "invalid-request");
		assertProblem(send("PATCH", path, "{\"metadata\": [1]}", ifMatch), 400, "invalid-request");
		assertProblem(send("PATCH", path, "[]", ifMatch), 400, null);

		JsonNode unchanged = json(this.http.get(path));
		assertThat(unchanged.get("version")).isEqualTo(project.get("version"));
		assertThat(unchanged.get("databaseName")).isEqualTo(project.get("databaseName"));
	}

	@Test
	void deleteDropsTheDatabaseAndTheRow() {
		JsonNode project = create("Deleted " + this.unique);
		String path = "/api/v1/projects/" + project.get("id").asString();
		String databaseName = project.get("databaseName").asString();

		assertProblem(send("DELETE", path, null, Map.of("If-Match", "\"999\"")), 412, "version-mismatch");
		assertThat(db.databaseExists(databaseName)).isTrue();

		assertThat(send("DELETE", path, null, Map.of()).statusCode()).isEqualTo(204);
		assertThat(db.databaseExists(databaseName)).isFalse();
		assertThat(db.count("SELECT count(*) FROM projects WHERE id = ?::uuid", project.get("id").asString())).isZero();
		assertProblem(this.http.get(path), 404, "project-not-found");
		assertProblem(send("DELETE", path, null, Map.of()), 404, "project-not-found");
	}

	@Test
	void retryingProvisioningOfAReadyProjectChangesNothing() {
		JsonNode project = create("Ready " + this.unique);
		HttpResponse<String> retried = this.http.post("/api/v1/projects/" + project.get("id").asString() + "/provision", null);
		assertThat(retried.statusCode()).isEqualTo(200);
		assertThat(json(retried)).isEqualTo(project);
	}

	@Test
	void listsFilterSortAndPageWithTotals() {
		for (String suffix : new String[] { "c", "a", "b" }) {
			create("List " + this.unique + " " + suffix);
		}
		String query = "/api/v1/projects?namePrefix=list%20" + this.unique + "&state=READY&size=2&sort=name,desc";

		JsonNode first = json(this.http.get(query));
		assertThat(first.get("totalElements").asLong()).isEqualTo(3);
		assertThat(first.get("totalPages").asInt()).isEqualTo(2);
		assertThat(first.get("content").findValuesAsString("name"))
			.containsExactly("List " + this.unique + " c", "List " + this.unique + " b");
		JsonNode second = json(this.http.get(query + "&page=1"));
		assertThat(second.get("content").findValuesAsString("name")).containsExactly("List " + this.unique + " a");

		assertThat(json(this.http.get("/api/v1/projects?namePrefix=list%20" + this.unique + "&state=FAILED"))
			.get("totalElements").asLong()).isZero();
		// LIKE wildcards in a prefix are literal characters
		assertThat(json(this.http.get("/api/v1/projects?namePrefix=%25")).get("totalElements").asLong()).isZero();
	}

	@Test
	void listParametersAreValidated() {
		assertProblem(this.http.get("/api/v1/projects?sort=databaseName"), 400, "invalid-request");
		assertProblem(this.http.get("/api/v1/projects?sort=name,sideways"), 400, "invalid-request");
		assertProblem(this.http.get("/api/v1/projects?size=0"), 400, "invalid-request");
		assertProblem(this.http.get("/api/v1/projects?size=201"), 400, "invalid-request");
		assertProblem(this.http.get("/api/v1/projects?page=-1"), 400, "invalid-request");
		assertProblem(this.http.get("/api/v1/projects?page=abc"), 400, "invalid-request");
		assertProblem(this.http.get("/api/v1/projects?state=SLEEPING"), 400, "invalid-request");
	}

	@Test
	void everyWriteIsCountedAsASync() {
		double before = syncCount("create", "success");
		double rejectedBefore = syncCount("create", "rejected");
		create("Counted " + this.unique);
		this.http.post("/api/v1/projects", "{\"name\": \"counted " + this.unique + "\"}");

		assertThat(syncCount("create", "success")).isEqualTo(before + 1);
		assertThat(syncCount("create", "rejected")).isEqualTo(rejectedBefore + 1);
		assertThat(this.meters.find("registry.provisioning.duration").tags("operation", "create", "result", "success")
			.timer()).isNotNull();
		HttpResponse<String> prometheus = this.http.get("/actuator/prometheus");
		assertThat(prometheus.statusCode()).isEqualTo(200);
		assertThat(prometheus.body()).contains("registry_sync_total{", "operation=\"create\"", "result=\"rejected\"",
				"registry_provisioning_duration_seconds_count{", "cache_gets_total{", "cache=\"projects\"");
	}

	private double syncCount(String operation, String result) {
		var counter = this.meters.find("registry.sync").tags("operation", operation, "result", result).counter();
		return counter == null ? 0 : counter.count();
	}

	private JsonNode create(String name) {
		HttpResponse<String> response = this.http.post("/api/v1/projects", "{\"name\": \"" + name + "\"}");
		assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
		return json(response);
	}

	private HttpResponse<String> send(String method, String path, String body, Map<String, String> headers) {
		return this.http.send(method, path, body, headers);
	}

}
