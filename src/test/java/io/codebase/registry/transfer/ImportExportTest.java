package io.codebase.registry.transfer;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.codebase.registry.support.ApiResponse;
import io.codebase.registry.support.ApiTest;
import io.codebase.registry.support.Json;
import io.codebase.registry.support.RegistryClient;
import io.codebase.registry.support.TestDatabase;
import io.codebase.registry.support.TestWorkspace;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static io.codebase.registry.support.Json.array;
import static io.codebase.registry.support.Json.object;
import static io.codebase.registry.support.Problems.assertProblem;
import static io.codebase.registry.support.Projects.uniqueName;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Moving from the old codebase-gardener registry: its real file formats, all-or-nothing, idempotent, on
 * PostgreSQL. The controller's mapping alone (parameters, error mapping) is {@link TransferControllerWebTest}'s.
 */
@ApiTest
class ImportExportTest {

	private static final TestDatabase db = TestDatabase.get();

	/** The ids of the projects in gardener-registry.json (the invalid and truncated variants use them too). */
	private static final List<String> GARDENER_IDS = List.of("0f8fad5b-d9cb-469f-a165-70867728950e",
			"7c9e6679-7425-40de-944b-e07fc1f90ae7", "e02fd0e4-00fd-490a-bd5a-3e5b0d8a8a1b",
			"16fd2706-8baf-433b-82eb-8c7fada847da");

	private final RegistryClient api;

	ImportExportTest(RegistryClient api) {
		this.api = api;
	}

	@BeforeEach
	void forgetEarlierImports() {
		for (String id : GARDENER_IDS) {
			this.api.delete(id);
		}
	}

	@Test
	void theOldRegistryIsImportedWithIdsStatusesMetadataAndItsActiveProject() {
		String session = "import-" + UUID.randomUUID();
		ApiResponse response = importFile(TestWorkspace.fixture("gardener-registry.json"), "?session=" + session);

		assertThat(response.status()).as(response.toString()).isEqualTo(200);
		JsonNode report = response.json();
		assertThat(report.get("format").asString()).isEqualTo("codebase-gardener");
		assertThat(report.get("imported").findValuesAsString("id")).containsExactlyInAnyOrderElementsOf(GARDENER_IDS);
		assertThat(report.get("activeProject").get("name").asString()).isEqualTo("inventory");
		assertThat(report.get("activeProject").get("session").asString()).isEqualTo(session);

		JsonNode inventory = this.api.getProject("0f8fad5b-d9cb-469f-a165-70867728950e").json();
		assertThat(inventory.get("name").asString()).isEqualTo("inventory");
		assertThat(inventory.get("state").asString()).isEqualTo("READY");
		assertThat(inventory.get("indexStatus").asString()).isEqualTo("INDEXED");
		assertThat(inventory.get("sourcePath").asString()).isEqualTo("/srv/code/inventory");
		assertThat(inventory.get("metadata").get("language").asString()).isEqualTo("python");
		assertThat(inventory.get("metadata").get("file_count").asInt()).isEqualTo(412);
		assertThat(inventory.get("metadata").get("created_at").asString()).isEqualTo("2025-02-03T10:15:00");
		assertThat(inventory.get("metadata").get("imported_from").asString()).isEqualTo("codebase-gardener");
		assertThat(db.databaseExists(inventory.get("databaseName").asString())).isTrue();
		assertThat(this.api.getProject("Web Frontend").json().get("indexStatus").asString()).isEqualTo("INDEXING");
		assertThat(this.api.getProject("data_pipeline").json().get("indexStatus").asString()).isEqualTo("FAILED");
		assertThat(this.api.getProject("scratch").json().get("indexStatus").asString()).isEqualTo("NOT_INDEXED");
		assertThat(this.api.get("/api/v1/sessions/" + session).json().get("activeProjectId").asString())
			.isEqualTo("0f8fad5b-d9cb-469f-a165-70867728950e");

		// Importing the same file again changes nothing.
		long rows = db.count("SELECT count(*) FROM projects");
		JsonNode again = importFile(TestWorkspace.fixture("gardener-registry.json"), "").json();
		assertThat(again.get("imported")).isEmpty();
		assertThat(again.get("unchanged")).hasSize(4);
		assertThat(db.count("SELECT count(*) FROM projects")).isEqualTo(rows);
	}

	@Test
	void aTruncatedFileImportsNothing() {
		long rows = db.count("SELECT count(*) FROM projects");
		long databases = db.databaseCount();

		JsonNode problem = assertProblem(importFile(TestWorkspace.fixture("gardener-registry-truncated.json"), ""), 422,
				"invalid-import");

		assertThat(problem.get("detail").asString()).contains("not valid JSON");
		assertThat(db.count("SELECT count(*) FROM projects")).isEqualTo(rows);
		assertThat(db.databaseCount()).isEqualTo(databases);
	}

	@Test
	void invalidEntriesAreAllListedAndNothingIsImported() {
		long rows = db.count("SELECT count(*) FROM projects");
		long databases = db.databaseCount();

		JsonNode problem = assertProblem(importFile(TestWorkspace.fixture("gardener-registry-invalid.json"), ""), 422,
				"invalid-import");

		assertThat(problem.get("errors").findValuesAsString("field")).containsExactlyInAnyOrder("training_status", "name");
		assertThat(problem.get("errors").findValuesAsString("entry")).containsExactlyInAnyOrder(
				"e02fd0e4-00fd-490a-bd5a-3e5b0d8a8a1b", "16fd2706-8baf-433b-82eb-8c7fada847da");
		assertThat(db.count("SELECT count(*) FROM projects")).isEqualTo(rows);
		assertThat(db.databaseCount()).isEqualTo(databases);
	}

	@Test
	void namesOutsideTheRuleCanBeNormalizedAndAreReported() {
		String file = TestWorkspace.fixture("gardener-registry-invalid.json").replace("half_done", "training");

		JsonNode report = importFile(file, "?normalizeNames=true").json();

		assertThat(report.get("renamed")).hasSize(1);
		assertThat(report.get("renamed").get(0).get("from").asString()).isEqualTo("scratch: <tmp>");
		assertThat(report.get("renamed").get(0).get("to").asString()).isEqualTo("scratch-tmp");
		assertThat(this.api.getProject("16fd2706-8baf-433b-82eb-8c7fada847da").json().get("name").asString())
			.isEqualTo("scratch-tmp");
	}

	@Test
	void clashesWithExistingProjectsFailOrAreSkipped() {
		String inventory = this.api.createProject("inventory").json().get("id").asString();
		long rows = db.count("SELECT count(*) FROM projects");

		JsonNode conflict = assertProblem(importFile(TestWorkspace.fixture("gardener-registry.json"), ""), 409,
				"import-conflict");
		assertThat(conflict.get("conflicts").findValuesAsString("entry")).containsExactly("0f8fad5b-d9cb-469f-a165-70867728950e");
		assertThat(db.count("SELECT count(*) FROM projects")).isEqualTo(rows);

		JsonNode skipped = importFile(TestWorkspace.fixture("gardener-registry.json"), "?onConflict=SKIP").json();
		assertThat(skipped.get("skipped").findValuesAsString("entry")).containsExactly("0f8fad5b-d9cb-469f-a165-70867728950e");
		assertThat(skipped.get("imported")).hasSize(3);
		assertThat(skipped.has("activeProject")).isFalse();
		this.api.delete(inventory);
	}

	@Test
	void aFileOfThousandsOfEntriesIsCheckedBatchByBatchAndEveryClashIsFound() {
		// 2,500 registered projects (rows only: a re-import of a READY project touches no database), so the entries
		// span three of the import's batches of 1,000.
		String prefix = "batch-" + UUID.randomUUID().toString().substring(0, 8) + "-";
		db.execute("INSERT INTO projects (id, name, database_name, state) SELECT gen_random_uuid(), '" + prefix
				+ "' || lpad(g::text, 4, '0'), 'cb_proj_batch_' || g || '_' || substr(md5(g::text), 1, 8), 'READY' "
				+ "FROM generate_series(1, 2500) AS g");
		try {
			List<String> rows = db.strings("SELECT id || ' ' || name FROM projects WHERE starts_with(name, ?) ORDER BY name",
					prefix);
			assertThat(rows).hasSize(2500);
			String someoneElse = UUID.randomUUID().toString();
			String[] entries = new String[rows.size()];
			for (int i = 0; i < rows.size(); i++) {
				String[] idAndName = rows.get(i).split(" ", 2);
				entries[i] = Json.object("id", idAndName[0], "name", idAndName[1]).toString();
			}
			// In the third batch: another id under a registered name; in the third batch too: a registered id
			// under another name.
			String takenName = rows.get(2000).split(" ", 2)[1];
			String takenId = rows.get(2399).split(" ", 2)[0];
			entries[2000] = Json.object("id", someoneElse, "name", takenName).toString();
			entries[2399] = Json.object("id", takenId, "name", prefix + "renamed").toString();
			String file = "{\"format\": \"project-registry-export\", \"version\": 1, \"projects\": ["
					+ String.join(",", entries) + "]}";
			long before = db.count("SELECT count(*) FROM projects");

			JsonNode conflict = assertProblem(importFile(file, ""), 409, "import-conflict");
			assertThat(conflict.get("conflicts").findValuesAsString("entry")).containsExactly(someoneElse, takenId);
			assertThat(conflict.get("conflicts").findValuesAsString("field")).containsExactly("name", "project_id");

			JsonNode report = importFile(file, "?onConflict=SKIP").json();
			assertThat(report.get("unchanged")).hasSize(2498);
			assertThat(report.get("imported")).isEmpty();
			assertThat(report.get("skipped").findValuesAsString("entry")).containsExactly(someoneElse, takenId);
			assertThat(db.count("SELECT count(*) FROM projects")).isEqualTo(before);
		}
		finally {
			db.execute("DELETE FROM projects WHERE starts_with(name, '" + prefix + "')");
		}
	}

	@Test
	void anExportStreamsEveryProjectInAStableOrderAndImportsBack() {
		importFile(TestWorkspace.fixture("gardener-registry.json"), "");

		ApiResponse export = this.api.get("/api/v1/exports");

		assertThat(export.status()).isEqualTo(200);
		JsonNode document = export.json();
		assertThat(document.get("format").asString()).isEqualTo("project-registry-export");
		assertThat(document.get("projects").size()).isEqualTo(db.count("SELECT count(*) FROM projects"));
		List<String> names = document.get("projects").findValuesAsString("name");
		assertThat(names).isSortedAccordingTo(String.CASE_INSENSITIVE_ORDER);
		assertThat(this.api.get("/api/v1/exports").json().get("projects")).isEqualTo(document.get("projects"));

		// Its own export imports back: everything is already there.
		ApiResponse reimported = importFile(export.body(), "");
		assertThat(reimported.status()).as(reimported.toString()).isEqualTo(200);
		JsonNode report = reimported.json();
		assertThat(report.get("format").asString()).isEqualTo("project-registry-export");
		assertThat(report.get("imported")).isEmpty();
		assertThat(report.get("unchanged").size()).isEqualTo(document.get("projects").size());
	}

	@Test
	void anExportedProjectMovesToAnotherRegistryWithItsDatabaseName() {
		importFile(TestWorkspace.fixture("gardener-registry.json"), "");
		JsonNode scratch = this.api.getProject("scratch").json();
		JsonNode single = export(object("id", scratch.get("id"), "name", "scratch", "databaseName",
				scratch.get("databaseName"), "indexStatus", "INDEXED", "metadata", object("a", 1)));
		this.api.delete(scratch.get("id").asString());

		JsonNode report = importFile(Json.write(single), "").json();

		assertThat(report.get("imported").get(0).get("databaseName").asString()).isEqualTo(scratch.get("databaseName").asString());
		JsonNode moved = this.api.getProject("scratch").json();
		assertThat(moved.get("indexStatus").asString()).isEqualTo("INDEXED");
		assertThat(moved.get("metadata").get("a").asInt()).isEqualTo(1);
	}

	@Test
	void aReimportFinishesAProjectWhoseProvisioningFailed() {
		importFile(TestWorkspace.fixture("gardener-registry.json"), "");
		JsonNode scratch = this.api.getProject("scratch").json();
		db.execute("DROP DATABASE " + scratch.get("databaseName").asString());
		db.execute("UPDATE projects SET state = 'FAILED', last_error = 'disk full' WHERE name = 'scratch'");

		JsonNode report = importFile(TestWorkspace.fixture("gardener-registry.json"), "").json();

		assertThat(report.get("unchanged")).hasSize(4);
		assertThat(db.count("SELECT count(*) FROM projects WHERE name = 'scratch' AND state = 'READY'")).isEqualTo(1);
		assertThat(db.databaseExists(scratch.get("databaseName").asString())).isTrue();
	}

	@Test
	void entriesBreakingProjectRulesAreRefusedBeforeAnyWrite() {
		long rows = db.count("SELECT count(*) FROM projects");
		JsonNode export = export(object("id", UUID.randomUUID(), "name", uniqueName("fine")),
				object("id", UUID.randomUUID(), "name", "wordy", "description", "d".repeat(10_001)));

		JsonNode problem = assertProblem(importFile(Json.write(export), ""), 422, "invalid-import");

		assertThat(problem.get("errors").findValuesAsString("field")).containsExactly("description");
		assertThat(problem.get("detail").asString()).startsWith("1 problem in the file;");
		assertThat(db.count("SELECT count(*) FROM projects")).isEqualTo(rows);
	}

	@Test
	void otherDocumentsAreRefused() {
		assertProblem(importFile("[1, 2, 3]", ""), 422, "invalid-import");
		assertProblem(importFile("{\"projects\": []}", ""), 422, "invalid-import");
		assertProblem(importFile("{}", "?session=" + "s".repeat(200)), 400, "invalid-request");
	}

	/** Files go in as they are: some are not valid JSON on purpose. */
	private ApiResponse importFile(String body, String query) {
		return this.api.sendRaw("POST", "/api/v1/imports" + query, body, Map.of());
	}

	/** This service's export document holding the given projects. */
	private static JsonNode export(JsonNode... projects) {
		return object("format", "project-registry-export", "version", 1, "projects", array((Object[]) projects));
	}

}
