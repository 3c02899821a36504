package io.codebase.registry.transfer;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.codebase.registry.support.Http;
import io.codebase.registry.support.TestDatabase;
import io.codebase.registry.support.TestWorkspace;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import static io.codebase.registry.support.Http.json;
import static io.codebase.registry.support.Problems.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

/** Moving from the old codebase-gardener registry: its real file formats, all-or-nothing, idempotent. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ImportExportTest {

	private static final TestDatabase db = TestDatabase.get();

	/** The ids of the projects in gardener-registry.json (the invalid and truncated variants use them too). */
	private static final List<String> GARDENER_IDS = List.of("0f8fad5b-d9cb-469f-a165-70867728950e",
			"7c9e6679-7425-40de-944b-e07fc1f90ae7", "e02fd0e4-00fd-490a-bd5a-3e5b0d8a8a1b",
			"16fd2706-8baf-433b-82eb-8c7fada847da");

	@LocalServerPort
	int port;

	Http http;

	@BeforeEach
	void forgetEarlierImports() {
		this.http = new Http(this.port);
		for (String id : GARDENER_IDS) {
			this.http.send("DELETE", "/api/v1/projects/" + id, null, Map.of());
		}
	}

	@Test
	void theOldRegistryIsImportedWithIdsStatusesMetadataAndItsActiveProject() {
		String session = "import-" + UUID.randomUUID();
		HttpResponse<String> response = importFile(TestWorkspace.fixture("gardener-registry.json"), "?session=" + session);

		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		JsonNode report = json(response);
		assertThat(report.get("format").asString()).isEqualTo("codebase-gardener");
		assertThat(report.get("imported").findValuesAsString("id")).containsExactlyInAnyOrderElementsOf(GARDENER_IDS);
		assertThat(report.get("activeProject").get("name").asString()).isEqualTo("inventory");
		assertThat(report.get("activeProject").get("session").asString()).isEqualTo(session);

		JsonNode inventory = json(this.http.get("/api/v1/projects/0f8fad5b-d9cb-469f-a165-70867728950e"));
		assertThat(inventory.get("name").asString()).isEqualTo("inventory");
		assertThat(inventory.get("state").asString()).isEqualTo("READY");
		assertThat(inventory.get("indexStatus").asString()).isEqualTo("INDEXED");
		assertThat(inventory.get("sourcePath").asString()).isEqualTo("/srv/code/inventory");
		assertThat(inventory.get("metadata").get("language").asString()).isEqualTo("python");
		assertThat(inventory.get("metadata").get("file_count").asInt()).isEqualTo(412);
		assertThat(inventory.get("metadata").get("created_at").asString()).isEqualTo("2025-02-03T10:15:00");
		assertThat(inventory.get("metadata").get("imported_from").asString()).isEqualTo("codebase-gardener");
		assertThat(db.databaseExists(inventory.get("databaseName").asString())).isTrue();
		assertThat(json(this.http.get("/api/v1/projects/Web%20Frontend")).get("indexStatus").asString()).isEqualTo("INDEXING");
		assertThat(json(this.http.get("/api/v1/projects/data_pipeline")).get("indexStatus").asString()).isEqualTo("FAILED");
		assertThat(json(this.http.get("/api/v1/projects/scratch")).get("indexStatus").asString()).isEqualTo("NOT_INDEXED");
		assertThat(json(this.http.get("/api/v1/sessions/" + session)).get("activeProjectId").asString())
			.isEqualTo("0f8fad5b-d9cb-469f-a165-70867728950e");

		// Importing the same file again changes nothing.
		long rows = db.count("SELECT count(*) FROM projects");
		JsonNode again = json(importFile(TestWorkspace.fixture("gardener-registry.json"), ""));
		assertThat(again.get("imported")).isEmpty();
		assertThat(again.get("unchanged")).hasSize(4);
		assertThat(db.count("SELECT count(*) FROM projects")).isEqualTo(rows);
	}

	@Test
	void aTruncatedFileImportsNothing() {
		long rows = db.count("SELECT count(*) FROM projects");
		long databases = db.count("SELECT count(*) FROM pg_database");

		JsonNode problem = assertProblem(importFile(TestWorkspace.fixture("gardener-registry-truncated.json"), ""), 422,
				"invalid-import");

		assertThat(problem.get("detail").asString()).contains("not valid JSON");
		assertThat(db.count("SELECT count(*) FROM projects")).isEqualTo(rows);
		assertThat(db.count("SELECT count(*) FROM pg_database")).isEqualTo(databases);
	}

	@Test
	void invalidEntriesAreAllListedAndNothingIsImported() {
		long rows = db.count("SELECT count(*) FROM projects");
		long databases = db.count("SELECT count(*) FROM pg_database");

		JsonNode problem = assertProblem(importFile(TestWorkspace.fixture("gardener-registry-invalid.json"), ""), 422,
				"invalid-import");

		assertThat(problem.get("errors").findValuesAsString("field")).containsExactlyInAnyOrder("training_status", "name");
		assertThat(problem.get("errors").findValuesAsString("entry")).containsExactlyInAnyOrder(
				"e02fd0e4-00fd-490a-bd5a-3e5b0d8a8a1b", "16fd2706-8baf-433b-82eb-8c7fada847da");
		assertThat(db.count("SELECT count(*) FROM projects")).isEqualTo(rows);
		assertThat(db.count("SELECT count(*) FROM pg_database")).isEqualTo(databases);
	}

	@Test
	void namesOutsideTheRuleCanBeNormalizedAndAreReported() {
		String file = TestWorkspace.fixture("gardener-registry-invalid.json").replace("half_done", "training");

		JsonNode report = json(importFile(file, "?normalizeNames=true"));

		assertThat(report.get("renamed")).hasSize(1);
		assertThat(report.get("renamed").get(0).get("from").asString()).isEqualTo("scratch: <tmp>");
		assertThat(report.get("renamed").get(0).get("to").asString()).isEqualTo("scratch-tmp");
		assertThat(json(this.http.get("/api/v1/projects/16fd2706-8baf-433b-82eb-8c7fada847da")).get("name").asString())
			.isEqualTo("scratch-tmp");
	}

	@Test
	void clashesWithExistingProjectsFailOrAreSkipped() {
		this.http.post("/api/v1/projects", "{\"name\": \"inventory\"}");
		long rows = db.count("SELECT count(*) FROM projects");

		JsonNode conflict = assertProblem(importFile(TestWorkspace.fixture("gardener-registry.json"), ""), 409,
				"import-conflict");
		assertThat(conflict.get("conflicts").findValuesAsString("entry")).containsExactly("0f8fad5b-d9cb-469f-a165-70867728950e");
		assertThat(db.count("SELECT count(*) FROM projects")).isEqualTo(rows);

		JsonNode skipped = json(importFile(TestWorkspace.fixture("gardener-registry.json"), "?onConflict=SKIP"));
		assertThat(skipped.get("skipped").findValuesAsString("entry")).containsExactly("0f8fad5b-d9cb-469f-a165-70867728950e");
		assertThat(skipped.get("imported")).hasSize(3);
		assertThat(skipped.has("activeProject")).isFalse();
		this.http.send("DELETE", "/api/v1/projects/" + json(this.http.get("/api/v1/projects/inventory")).get("id").asString(),
				null, Map.of());
	}

	@Test
	void anExportStreamsEveryProjectInAStableOrderAndImportsBack() {
		importFile(TestWorkspace.fixture("gardener-registry.json"), "");

		HttpResponse<String> export = this.http.get("/api/v1/exports");

		assertThat(export.statusCode()).isEqualTo(200);
		JsonNode document = json(export);
		assertThat(document.get("format").asString()).isEqualTo("project-registry-export");
		assertThat(document.get("projects").size()).isEqualTo(db.count("SELECT count(*) FROM projects"));
		List<String> names = document.get("projects").findValuesAsString("name");
		assertThat(names).isSortedAccordingTo(String.CASE_INSENSITIVE_ORDER);
		assertThat(json(this.http.get("/api/v1/exports")).get("projects")).isEqualTo(document.get("projects"));

		// Its own export imports back: everything is already there.
		HttpResponse<String> reimported = importFile(export.body(), "");
		assertThat(reimported.statusCode()).as(reimported.body()).isEqualTo(200);
		JsonNode report = json(reimported);
		assertThat(report.get("format").asString()).isEqualTo("project-registry-export");
		assertThat(report.get("imported")).isEmpty();
		assertThat(report.get("unchanged").size()).isEqualTo(document.get("projects").size());
	}

	@Test
	void anExportedProjectMovesToAnotherRegistryWithItsDatabaseName() {
		importFile(TestWorkspace.fixture("gardener-registry.json"), "");
		JsonNode scratch = json(this.http.get("/api/v1/projects/scratch"));
		String single = "{\"format\": \"project-registry-export\", \"version\": 1, \"projects\": [{\"id\": \""
				+ scratch.get("id").asString() + "\", \"name\": \"scratch\", \"databaseName\": \""
				+ scratch.get("databaseName").asString() + "\", \"indexStatus\": \"INDEXED\", \"metadata\": {\"a\": 1}}]}";
		this.http.send("DELETE", "/api/v1/projects/" + scratch.get("id").asString(), null, Map.of());

		JsonNode report = json(importFile(single, ""));

		assertThat(report.get("imported").get(0).get("databaseName").asString()).isEqualTo(scratch.get("databaseName").asString());
		JsonNode moved = json(this.http.get("/api/v1/projects/scratch"));
		assertThat(moved.get("indexStatus").asString()).isEqualTo("INDEXED");
		assertThat(moved.get("metadata").get("a").asInt()).isEqualTo(1);
	}

	@Test
	void aReimportFinishesAProjectWhoseProvisioningFailed() {
		importFile(TestWorkspace.fixture("gardener-registry.json"), "");
		JsonNode scratch = json(this.http.get("/api/v1/projects/scratch"));
		db.execute("DROP DATABASE " + scratch.get("databaseName").asString());
		db.execute("UPDATE projects SET state = 'FAILED', last_error = 'disk full' WHERE name = 'scratch'");

		JsonNode report = json(importFile(TestWorkspace.fixture("gardener-registry.json"), ""));

		assertThat(report.get("unchanged")).hasSize(4);
		assertThat(db.count("SELECT count(*) FROM projects WHERE name = 'scratch' AND state = 'READY'")).isEqualTo(1);
		assertThat(db.databaseExists(scratch.get("databaseName").asString())).isTrue();
	}

	@Test
	void entriesBreakingProjectRulesAreRefusedBeforeAnyWrite() {
		long rows = db.count("SELECT count(*) FROM projects");
		String export = "{\"format\": \"project-registry-export\", \"version\": 1, \"projects\": ["
				+ "{\"id\": \"" + UUID.randomUUID() + "\", \"name\": \"fine " + UUID.randomUUID().toString().substring(0, 8) + "\"},"
				+ "{\"id\": \"" + UUID.randomUUID() + "\", \"name\": \"wordy\", \"description\": \"" + "d".repeat(10_001) + "\"}]}";

		JsonNode problem = assertProblem(importFile(export, ""), 422, "invalid-import");

		assertThat(problem.get("errors").findValuesAsString("field")).containsExactly("description");
		assertThat(db.count("SELECT count(*) FROM projects")).isEqualTo(rows);
	}

	@Test
	void otherDocumentsAreRefused() {
		assertProblem(importFile("[1, 2, 3]", ""), 422, "invalid-import");
		assertProblem(importFile("{\"projects\": []}", ""), 422, "invalid-import");
		assertProblem(importFile("{}", "?onConflict=MAYBE"), 400, "invalid-request");
		assertProblem(importFile("{}", "?session=" + "s".repeat(200)), 400, "invalid-request");
	}

	private HttpResponse<String> importFile(String body, String query) {
		return this.http.post("/api/v1/imports" + query, body);
	}

}
