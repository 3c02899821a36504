package io.codebase.registry.project;

import java.net.http.HttpResponse;

import io.codebase.registry.support.Http;
import io.codebase.registry.support.Projects;
import io.codebase.registry.support.TestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static io.codebase.registry.support.Http.json;
import static io.codebase.registry.support.Problems.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real provisioning failure: project databases are created through a login that loses CREATEDB after the start
 * (which checks it), on a separate provisioning connection ({@code registry.provisioning.url}). The project stays
 * FAILED with the server's reason and a 502; once the privilege is granted again, a retry finishes it.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ProvisioningFailureTest {

	private static final String ROLE = "registry_no_createdb";

	private static final TestDatabase db = TestDatabase.get();

	@LocalServerPort
	int port;

	@DynamicPropertySource
	static void provisionWithoutPrivilege(DynamicPropertyRegistry registry) {
		db.execute("DROP ROLE IF EXISTS " + ROLE);
		db.execute("CREATE ROLE " + ROLE + " LOGIN CREATEDB CREATEROLE PASSWORD 'secret'");
		registry.add("registry.provisioning.url", db::jdbcUrl);
		registry.add("registry.provisioning.username", () -> ROLE);
		registry.add("registry.provisioning.password", () -> "secret");
		// The server's health check also looks for the privileges, and would (rightly) take the server out of
		// placement if it ran after the test revokes CREATEDB: this test is about what CREATE DATABASE answers.
		registry.add("registry.fleet.health-interval", () -> "1h");
	}

	@AfterAll
	static void dropRole() {
		db.execute("ALTER ROLE " + ROLE + " NOCREATEDB");
	}

	@Test
	void aFailedProvisioningIsRecordedAnswered502AndRetryable() {
		Http http = new Http(this.port);
		db.execute("ALTER ROLE " + ROLE + " NOCREATEDB");
		String name = Projects.uniqueName("unprivileged");

		HttpResponse<String> failed = http.post("/api/v1/projects", "{\"name\": \"" + name + "\"}");

		JsonNode problem = assertProblem(failed, 502, "provisioning-failed");
		assertThat(problem.get("detail").asString()).contains("permission denied");
		String id = problem.get("projectId").asString();
		assertThat(problem.get("state").asString()).isEqualTo("FAILED");
		JsonNode row = json(http.get("/api/v1/projects/" + id));
		assertThat(row.get("state").asString()).isEqualTo("FAILED");
		assertThat(row.get("lastError").asString()).contains("permission denied");
		String databaseName = row.get("databaseName").asString();
		assertThat(db.databaseExists(databaseName)).isFalse();
		// A retry that fails again changes nothing but the error.
		assertProblem(http.post("/api/v1/projects/" + id + "/provision", null), 502, "provisioning-failed");

		db.execute("ALTER ROLE " + ROLE + " CREATEDB");
		HttpResponse<String> retried = http.post("/api/v1/projects/" + id + "/provision", null);

		assertThat(retried.statusCode()).as(retried.body()).isEqualTo(200);
		assertThat(json(retried).get("state").asString()).isEqualTo("READY");
		assertThat(json(retried).get("lastError").isNull()).isTrue();
		assertThat(db.databaseExists(databaseName)).isTrue();
		assertThat(json(http.get("/api/v1/projects/" + name)).get("state").asString()).isEqualTo("READY");
		HttpResponse<String> deleted = http.send("DELETE", "/api/v1/projects/" + id, null, java.util.Map.of());
		assertThat(deleted.statusCode()).as(deleted.body()).isEqualTo(204);
		assertThat(db.databaseExists(databaseName)).isFalse();
	}

}
