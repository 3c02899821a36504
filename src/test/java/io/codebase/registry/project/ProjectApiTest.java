package io.codebase.registry.project;

import java.util.Map;
import java.util.UUID;

import io.codebase.registry.support.ApiResponse;
import io.codebase.registry.support.ApiTest;
import io.codebase.registry.support.Projects;
import io.codebase.registry.support.RegistryClient;
import io.codebase.registry.support.TestDatabase;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;

import static io.codebase.registry.support.Json.array;
import static io.codebase.registry.support.Json.object;
import static io.codebase.registry.support.Problems.assertProblem;
import static io.codebase.registry.support.Projects.uniqueName;
import static org.assertj.core.api.Assertions.assertThat;

/** The projects API over real HTTP on a real PostgreSQL: the lifecycle users go through. */
@ApiTest
class ProjectApiTest {

	private static final TestDatabase db = TestDatabase.get();

	private final RegistryClient api;

	private final Projects projects;

	@Autowired
	MeterRegistry meters;

	ProjectApiTest(RegistryClient api, Projects projects) {
		this.api = api;
		this.projects = projects;
	}

	@Test
	void createProvisionsTheDatabaseBeforeAnswering() {
		String name = uniqueName("Payments Service");
		ApiResponse created = this.api.createProject(object("name", name, "description", "Card payments",
				"metadata", object("language", "java")));

		assertThat(created.status()).as(created.toString()).isEqualTo(201);
		JsonNode project = created.json();
		String id = project.get("id").asString();
		String databaseName = project.get("databaseName").asString();
		assertThat(created.header("Location")).hasValue("/api/v1/projects/" + id);
		assertThat(created.etag()).isEqualTo("\"" + project.get("version").asLong() + "\"");
		assertThat(project.get("state").asString()).isEqualTo("READY");
		assertThat(project.get("metadata").get("language").asString()).isEqualTo("java");
		assertThat(databaseName).isEqualTo("cb_proj_" + name.toLowerCase().replaceAll("[ -]", "_") + "_" + id.substring(0, 8));
		assertThat(db.databaseExists(databaseName)).isTrue();
		assertThat(db.count("SELECT count(*) FROM projects WHERE id = ?::uuid AND state = 'READY'", id)).isEqualTo(1);

		ApiResponse fetched = this.api.getProject(id);
		assertThat(fetched.status()).isEqualTo(200);
		assertThat(fetched.json()).isEqualTo(Projects.asStored(project));
		assertThat(project.get("placement").get("server").asString()).isEqualTo("default");
		assertThat(project.get("connection").get("jdbcUrl").asString()).startsWith("jdbc:postgresql://localhost:")
			.endsWith("/" + databaseName);
		this.api.delete(id);
	}

	@Test
	void getsByNameCaseInsensitivelyAndAnswers304ForTheCurrentETag() {
		JsonNode project = this.projects.ready("Lookup");

		ApiResponse fetched = this.api.getProject(project.get("name").asString().toUpperCase());
		assertThat(fetched.status()).isEqualTo(200);
		assertThat(fetched.json().get("id")).isEqualTo(project.get("id"));

		ApiResponse notModified = this.api.send("GET",
				"/api/v1/projects/" + RegistryClient.segment(project.get("name").asString().toUpperCase()), null,
				Map.of("If-None-Match", fetched.etag()));
		assertThat(notModified.status()).isEqualTo(304);
		assertThat(notModified.body()).isEmpty();
	}

	@Test
	void unknownIdOrNameIsA404Problem() {
		assertProblem(this.api.getProject(UUID.randomUUID().toString()), 404, "project-not-found");
		assertProblem(this.api.getProject(uniqueName("no-such-project")), 404, "project-not-found");
	}

	@Test
	void duplicateNamesConflictRegardlessOfCase() {
		String name = this.projects.ready("my-app").get("name").asString();
		String databasePrefix = "cb_proj_" + name.replace('-', '_');

		ApiResponse duplicate = this.api.createProject(name.toUpperCase());

		assertProblem(duplicate, 409, "project-name-taken");
		assertThat(db.databasesStartingWith(databasePrefix)).isEqualTo(1);
		assertThat(db.count("SELECT count(*) FROM projects WHERE name_key = ?", name)).isEqualTo(1);
	}

	@ParameterizedTest
	@ValueSource(strings = { "x; DROP DATABASE postgres", "\"quoted\"", "", " leading", "trailing ", "tab\there",
			"new\nline", "caf\u00e9", "\u0441yrillic", "-dash-first", "under_last_", "a/b", "a'b", "x%", "300" })
	void hostileNamesAreRefusedAndCreateNothing(String name) {
		long databases = db.databasesStartingWith("cb_proj_");
		long rows = db.count("SELECT count(*) FROM projects");

		ApiResponse response = this.api.createProject(name.equals("300") ? "a".repeat(300) : name);

		JsonNode problem = assertProblem(response, 400, "invalid-request");
		assertThat(problem.get("errors").get(0).get("field").asString()).isEqualTo("name");
		assertThat(db.databasesStartingWith("cb_proj_")).isEqualTo(databases);
		assertThat(db.count("SELECT count(*) FROM projects")).isEqualTo(rows);
	}

	@Test
	void missingNameAndBadFieldsAreListedTogether() {
		ApiResponse response = this.api.createProject(object("description", "d".repeat(10_001), "sourcePath", "/tmp/a\u0000b"));

		JsonNode problem = assertProblem(response, 400, "invalid-request");
		assertThat(problem.get("errors").findValuesAsString("field")).containsExactly("description", "name", "sourcePath");
	}

	@Test
	void metadataIsBoundedInSizeAndDepth() {
		String prefix = uniqueName("bounded");
		JsonNode deep = object("a", 1);
		for (int i = 1; i < 20; i++) {
			deep = object("a", deep);
		}
		assertProblem(this.api.createProject(object("name", prefix + " deep", "metadata", deep)), 400, "invalid-request");
		assertProblem(this.api.createProject(object("name", prefix + " big", "metadata", object("blob", "x".repeat(70_000)))),
				400, "invalid-request");
		assertProblem(this.api.createProject(object("name", prefix + " nul", "metadata", object("a", "\u0000"))), 400,
				"invalid-request");
		assertThat(db.count("SELECT count(*) FROM projects WHERE name_key LIKE ?", prefix + "%")).isZero();
	}

	@Test
	void patchRequiresTheCurrentETagAndMergesPerRfc7396() {
		JsonNode project = this.projects.ready("Patched");
		String id = project.get("id").asString();
		String etag = "\"" + project.get("version").asLong() + "\"";
		JsonNode patch = object("description", "new", "metadata", object("team", "payments", "language", null));

		assertProblem(this.api.patch(id, null, patch), 428, "if-match-required");
		assertProblem(this.api.patch(id, "\"999\"", patch), 412, "version-mismatch");

		ApiResponse patched = this.api.patch(id, etag, patch);
		assertThat(patched.status()).isEqualTo(200);
		JsonNode updated = patched.json();
		assertThat(updated.get("description").asString()).isEqualTo("new");
		assertThat(updated.get("metadata").properties()).hasSize(1);
		assertThat(updated.get("metadata").get("team").asString()).isEqualTo("payments");
		assertThat(updated.get("version").asLong()).isEqualTo(project.get("version").asLong() + 1);
		assertThat(patched.etag()).isEqualTo("\"" + updated.get("version").asLong() + "\"");
		assertThat(this.api.getProject(id).json()).isEqualTo(updated);

		assertProblem(this.api.patch(id, etag, object("description", "stale")), 412, "version-mismatch");
		assertThat(this.api.getProject(id).json().get("description").asString()).isEqualTo("new");
	}

	@Test
	void patchRefusesImmutableUnknownAndMistypedFields() {
		JsonNode project = this.projects.ready("Immutable");
		String id = project.get("id").asString();
		String etag = "\"" + project.get("version").asLong() + "\"";

		JsonNode renamed = assertProblem(this.api.patch(id, etag, object("name", "other", "databaseName", "cb_proj_x_00000000")),
				400, "invalid-request");
		assertThat(renamed.get("errors").findValuesAsString("field")).containsExactly("databaseName", "name");
		assertProblem(this.api.patch(id, etag, object("colour", "red")), 400, "invalid-request");
		assertProblem(this.api.patch(id, etag, object("description", 5)), 400, "invalid-request");
		assertProblem(this.api.patch(id, etag, object("metadata", array(1))), 400, "invalid-request");
		assertProblem(this.api.patch(id, etag, array()), 400, null);

		JsonNode unchanged = this.api.getProject(id).json();
		assertThat(unchanged.get("version")).isEqualTo(project.get("version"));
		assertThat(unchanged.get("databaseName")).isEqualTo(project.get("databaseName"));
	}

	@Test
	void deleteDropsTheDatabaseAndTheRow() {
		JsonNode project = this.projects.ready("Deleted");
		String id = project.get("id").asString();
		String databaseName = project.get("databaseName").asString();

		assertProblem(this.api.delete(id, "\"999\""), 412, "version-mismatch");
		assertThat(db.databaseExists(databaseName)).isTrue();

		assertThat(this.api.delete(id).status()).isEqualTo(204);
		assertThat(db.databaseExists(databaseName)).isFalse();
		assertThat(db.count("SELECT count(*) FROM projects WHERE id = ?::uuid", id)).isZero();
		assertProblem(this.api.getProject(id), 404, "project-not-found");
		assertProblem(this.api.delete(id), 404, "project-not-found");
	}

	@Test
	void retryingProvisioningOfAReadyProjectChangesNothing() {
		JsonNode project = this.projects.ready("Ready");
		ApiResponse retried = this.api.post("/api/v1/projects/" + project.get("id").asString() + "/provision", null);
		assertThat(retried.status()).isEqualTo(200);
		assertThat(retried.json()).isEqualTo(project);
	}

	@Test
	void everyOperationOfAProjectTakesItsNameAsWellAsItsId() {
		JsonNode project = this.projects.ready("By Name");
		String id = project.get("id").asString();
		String name = project.get("name").asString().toUpperCase();
		String path = "/api/v1/projects/" + RegistryClient.segment(name);

		ApiResponse patched = this.api.patch(name, etag(project), object("description", "patched by name"));
		assertThat(patched.status()).as(patched.toString()).isEqualTo(200);
		assertThat(patched.json().get("id").asString()).isEqualTo(id);
		assertProblem(this.api.patch(name, etag(project), object("description", "stale")), 412, "version-mismatch");

		ApiResponse provisioned = this.api.post(path + "/provision", null);
		assertThat(provisioned.status()).as(provisioned.toString()).isEqualTo(200);
		assertThat(provisioned.json()).isEqualTo(patched.json());

		ApiResponse indexed = this.api.send("POST", path + "/index-status", object("status", "INDEXING"),
				Map.of("If-Match", patched.etag()));
		assertThat(indexed.status()).as(indexed.toString()).isEqualTo(200);
		indexed = this.api.send("POST", path + "/index-status", object("status", "INDEXED"), Map.of("If-Match", indexed.etag()));
		assertThat(indexed.status()).as(indexed.toString()).isEqualTo(200);
		ApiResponse reindexed = this.api.send("POST", path + "/reindex", null, Map.of("If-Match", indexed.etag()));
		assertThat(reindexed.status()).as(reindexed.toString()).isEqualTo(200);
		assertThat(reindexed.json().get("indexStatus").asString()).isEqualTo("INDEXING");

		assertThat(this.api.get(path + "/validation").status()).isEqualTo(200);
		assertThat(this.api.get(path + "/active-sessions").status()).isEqualTo(200);

		assertProblem(this.api.delete(name, etag(project)), 412, "version-mismatch");
		assertThat(this.api.delete(name, reindexed.etag()).status()).isEqualTo(204);
		assertThat(db.count("SELECT count(*) FROM projects WHERE id = ?::uuid", id)).isZero();
		assertProblem(this.api.getProject(id), 404, "project-not-found");
	}

	/** A name or an id that no project has is a 404 for every operation: never another project, never a 400. */
	@ParameterizedTest
	@ValueSource(strings = { "no-such-project", "3f6c1a52-8f0e-4d4e-9c55-2b7f7a0c9e11", "not a valid name!" })
	void everyOperationOfAnUnknownProjectIsA404(String unknown) {
		this.projects.ready("bystander");
		String path = "/api/v1/projects/" + RegistryClient.segment(unknown);
		long rows = db.count("SELECT count(*) FROM projects");
		Map<String, String> ifMatch = Map.of("If-Match", "*");

		assertProblem(this.api.getProject(unknown), 404, "project-not-found");
		assertProblem(this.api.patch(unknown, "*", object("description", "x")), 404, "project-not-found");
		assertProblem(this.api.send("POST", path + "/provision", null, Map.of()), 404, "project-not-found");
		assertProblem(this.api.send("POST", path + "/reindex", null, ifMatch), 404, "project-not-found");
		assertProblem(this.api.send("POST", path + "/index-status", object("status", "INDEXING"), ifMatch), 404,
				"project-not-found");
		assertProblem(this.api.get(path + "/validation"), 404, "project-not-found");
		assertProblem(this.api.get(path + "/active-sessions"), 404, "project-not-found");
		assertProblem(this.api.delete(unknown, null), 404, "project-not-found");
		assertThat(db.count("SELECT count(*) FROM projects")).isEqualTo(rows);
	}

	@Test
	void listsFilterSortAndPageWithTotals() {
		String prefix = uniqueName("List");
		for (String suffix : new String[] { "c", "a", "b" }) {
			this.projects.readyNamed(prefix + " " + suffix);
		}
		String query = "/api/v1/projects?namePrefix=" + RegistryClient.segment(prefix.toLowerCase())
				+ "&state=READY&size=2&sort=name,desc&count=exact";

		JsonNode first = this.api.get(query).json();
		assertThat(first.get("totalElements").asLong()).isEqualTo(3);
		assertThat(first.get("totalPages").asInt()).isEqualTo(2);
		assertThat(first.get("content").findValuesAsString("name")).containsExactly(prefix + " c", prefix + " b");
		JsonNode second = this.api.get(query + "&page=1").json();
		assertThat(second.get("content").findValuesAsString("name")).containsExactly(prefix + " a");

		assertThat(this.api.get("/api/v1/projects?count=exact&namePrefix=" + prefix + "&state=FAILED").json()
			.get("totalElements").asLong()).isZero();
		// LIKE wildcards in a prefix are literal characters
		assertThat(this.api.get("/api/v1/projects?count=exact&namePrefix=%25").json().get("totalElements").asLong()).isZero();
	}

	@Test
	void listParametersAreValidated() {
		for (String query : new String[] { "sort=databaseName", "sort=name,sideways", "size=0", "size=201", "page=-1",
				"page=abc", "state=SLEEPING" }) {
			assertProblem(this.api.get("/api/v1/projects?" + query), 400, "invalid-request");
		}
	}

	@Test
	void createsAreCountedBySyncOutcomeAndExposedToPrometheus() {
		double before = syncCount("create", "success");
		double rejectedBefore = syncCount("create", "rejected");
		long securedBefore = provisioningCount("secure");
		String name = this.projects.ready("Counted").get("name").asString();
		assertThat(this.api.createProject(name.toLowerCase()).status()).isEqualTo(409);

		assertThat(syncCount("create", "success")).isEqualTo(before + 1);
		assertThat(syncCount("create", "rejected")).isEqualTo(rejectedBefore + 1);
		assertThat(this.meters.find("registry.provisioning.duration").tags("operation", "create", "result", "success")
			.timer()).isNotNull();
		// At least: a scheduled reconciliation may secure a database again meanwhile.
		assertThat(provisioningCount("secure")).as("the roles and grants of the new database, timed")
			.isGreaterThanOrEqualTo(securedBefore + 1);
		ApiResponse prometheus = this.api.get("/actuator/prometheus");
		assertThat(prometheus.status()).isEqualTo(200);
		assertThat(prometheus.body()).contains("registry_sync_total{", "operation=\"create\"", "result=\"rejected\"",
				"registry_provisioning_duration_seconds_count{", "cache_gets_total{", "cache=\"projects\"");
	}

	@Test
	void aDeleteIsCountedOnceAndARetryThatChangesNothingIsNotCounted() {
		String id = this.projects.ready("Counted once").get("id").asString();
		double deletes = syncCount("delete", "success");
		double provisions = syncCount("provision", "success");
		assertThat(this.api.post("/api/v1/projects/" + id + "/provision", null).status()).isEqualTo(200);
		assertThat(this.api.delete(id).status()).isEqualTo(204);

		assertThat(syncCount("delete", "success")).isEqualTo(deletes + 1);
		assertThat(syncCount("provision", "success")).isEqualTo(provisions);
	}

	private long provisioningCount(String operation) {
		var timer = this.meters.find("registry.provisioning.duration").tags("operation", operation, "result", "success")
			.timer();
		return timer == null ? 0 : timer.count();
	}

	private double syncCount(String operation, String result) {
		var counter = this.meters.find("registry.sync").tags("operation", operation, "result", result).counter();
		return counter == null ? 0 : counter.count();
	}

	private static String etag(JsonNode project) {
		return "\"" + project.get("version").asLong() + "\"";
	}

}
