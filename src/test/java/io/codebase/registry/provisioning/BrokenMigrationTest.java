package io.codebase.registry.provisioning;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;

import io.codebase.registry.support.Http;
import io.codebase.registry.support.Projects;
import io.codebase.registry.support.TestDatabase;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static io.codebase.registry.provisioning.ProjectSchemaProvisioningTest.count;
import static io.codebase.registry.provisioning.ProjectSchemaProvisioningTest.tablesOf;
import static io.codebase.registry.support.Http.json;
import static io.codebase.registry.support.Problems.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A project schema from a filesystem location whose second migration is broken: the project is FAILED with
 * Flyway's reason, never READY with half a schema; once the file is fixed, a retry migrates the rest and
 * reaches READY.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class BrokenMigrationTest {

	private static final Path MIGRATIONS = createDirectory();

	@LocalServerPort
	int port;

	@DynamicPropertySource
	static void schemaFromTheFilesystem(DynamicPropertyRegistry registry) {
		registry.add("registry.provisioning.schema.locations", () -> "filesystem:" + MIGRATIONS);
	}

	@Test
	void aBrokenMigrationLeavesTheProjectFailedAndARetryAfterTheFixMakesItReady() throws Exception {
		Files.writeString(MIGRATIONS.resolve("V1__documents.sql"), "CREATE TABLE documents (id bigint PRIMARY KEY);");
		Files.writeString(MIGRATIONS.resolve("V2__tags.sql"), "CREATE TABLE tags (id bigint PRIMARY KEY);\nCREATE TABEL oops;");
		Http http = new Http(this.port);
		String name = Projects.uniqueName("broken-schema");

		HttpResponse<String> failed = http.post("/api/v1/projects", "{\"name\": \"" + name + "\"}");

		JsonNode problem = assertProblem(failed, 502, "provisioning-failed");
		assertThat(problem.get("state").asString()).isEqualTo("FAILED");
		assertThat(problem.get("detail").asString()).contains("V2__tags.sql", "syntax error");
		String id = problem.get("projectId").asString();
		JsonNode row = json(http.get("/api/v1/projects/" + id));
		assertThat(row.get("state").asString()).isEqualTo("FAILED");
		assertThat(row.get("lastError").asString()).contains("V2__tags.sql");
		assertThat(row.get("schemaVersion").isNull()).isTrue();
		String database = row.get("databaseName").asString();
		// V1 is applied, V2 rolled back as a whole (PostgreSQL DDL is transactional): no half-made tags table.
		assertThat(tablesOf(database)).contains("documents").doesNotContain("tags");

		Files.writeString(MIGRATIONS.resolve("V2__tags.sql"), "CREATE TABLE tags (id bigint PRIMARY KEY);");
		HttpResponse<String> retried = http.post("/api/v1/projects/" + id + "/provision", null);

		assertThat(retried.statusCode()).as(retried.body()).isEqualTo(200);
		assertThat(json(retried).get("state").asString()).isEqualTo("READY");
		assertThat(json(retried).get("schemaVersion").asString()).isEqualTo("2");
		assertThat(json(retried).get("lastError").isNull()).isTrue();
		assertThat(tablesOf(database)).contains("documents", "tags");
		assertThat(count(database, "SELECT count(*) FROM registry_schema_history WHERE success")).isEqualTo(2);
		assertThat(TestDatabase.get().databaseExists(database)).isTrue();
	}

	private static Path createDirectory() {
		try {
			return Files.createTempDirectory("project-schema-");
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
