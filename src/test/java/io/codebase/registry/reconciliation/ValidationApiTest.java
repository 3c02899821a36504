package io.codebase.registry.reconciliation;

import java.nio.file.Files;
import java.nio.file.Path;
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

/** The validation report, against real directories and a real PostgreSQL; it changes nothing. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ValidationApiTest {

	private static final TestDatabase db = TestDatabase.get();

	@LocalServerPort
	int port;

	Http http;

	@BeforeEach
	void setUp() {
		this.http = new Http(this.port);
	}

	@Test
	void aHealthyProjectIsValid() {
		JsonNode report = validate(create(TestWorkspace.newDirectory("healthy").toString()));
		assertThat(report.get("valid").asBoolean()).isTrue();
		assertThat(report.get("issues")).isEmpty();
	}

	@Test
	void sourcePathsAreCheckedOnlyUnderTheAllowedRoots() throws Exception {
		Path directory = TestWorkspace.newDirectory("moved");
		Path file = Files.writeString(directory.resolve("notes.txt"), "x");
		assertThat(kinds(validate(create(directory.resolve("gone").toString())))).containsExactly("SOURCE_PATH_MISSING");
		assertThat(kinds(validate(create(file.toString())))).containsExactly("SOURCE_PATH_NOT_DIRECTORY");
		assertThat(kinds(validate(create("/etc")))).containsExactly("SOURCE_PATH_NOT_CHECKED");
		assertThat(kinds(validate(create("/no/such/place")))).containsExactly("SOURCE_PATH_NOT_CHECKED");
	}

	@Test
	void aMissingDatabaseIsReportedAndProvisionCreatesItAgain() {
		JsonNode project = create(null);
		db.execute("DROP DATABASE " + project.get("databaseName").asString());

		JsonNode report = validate(project);
		assertThat(kinds(report)).containsExactly("DATABASE_MISSING");
		assertThat(report.get("issues").get(0).get("suggestedAction").asString()).contains("/provision");

		assertThat(this.http.post("/api/v1/projects/" + project.get("id").asString() + "/provision", null).statusCode())
			.isEqualTo(200);
		assertThat(db.databaseExists(project.get("databaseName").asString())).isTrue();
		assertThat(validate(project).get("valid").asBoolean()).isTrue();
	}

	@Test
	void failedAndStuckProjectsAreReportedWithTheirFix() {
		JsonNode failed = create(null);
		db.execute("UPDATE projects SET state = 'FAILED', last_error = 'disk full' WHERE id = '" + failed.get("id").asString() + "'");
		JsonNode report = validate(failed);
		assertThat(kinds(report)).containsExactly("PROVISIONING_FAILED");
		assertThat(report.get("issues").get(0).get("detail").asString()).isEqualTo("disk full");

		JsonNode stuck = create(null);
		db.execute("UPDATE projects SET state = 'PROVISIONING', updated_at = now() - interval '1 hour' WHERE id = '"
				+ stuck.get("id").asString() + "'");
		assertThat(kinds(validate(stuck))).containsExactly("STUCK_PROVISIONING");

		JsonNode deleting = create(null);
		db.execute("UPDATE projects SET state = 'DELETING', updated_at = now() - interval '1 hour' WHERE id = '"
				+ deleting.get("id").asString() + "'");
		assertThat(kinds(validate(deleting))).containsExactly("STUCK_DELETING");
	}

	@Test
	void unknownProjectsAre404() {
		assertProblem(this.http.get("/api/v1/projects/" + UUID.randomUUID() + "/validation"), 404, "project-not-found");
	}

	private JsonNode create(String sourcePath) {
		String body = "{\"name\": \"validated " + UUID.randomUUID().toString().substring(0, 8) + "\""
				+ (sourcePath != null ? ", \"sourcePath\": \"" + sourcePath + "\"" : "") + "}";
		var response = this.http.post("/api/v1/projects", body);
		assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
		return json(response);
	}

	private JsonNode validate(JsonNode project) {
		var response = this.http.get("/api/v1/projects/" + project.get("id").asString() + "/validation");
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		return json(response);
	}

	private static java.util.List<String> kinds(JsonNode report) {
		return report.get("issues").findValuesAsString("kind");
	}

}
