package io.codebase.registry.project;

import java.net.http.HttpResponse;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.codebase.registry.ProjectRegistryApplication;
import io.codebase.registry.support.Http;
import io.codebase.registry.support.TestDatabase;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import static io.codebase.registry.support.Http.json;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Creating and dropping a project's database are owned (an advisory lock PostgreSQL releases with its owner's
 * connection), and every owner decides from the row as it is under ownership. Two replicas on one PostgreSQL.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class OwnershipRaceTest {

	private static final int PROJECTS = 16;

	private static final TestDatabase db = TestDatabase.get();

	@LocalServerPort
	int port;

	/**
	 * The missing-database repair ({@code POST /provision}) on replica B racing {@code DELETE} on replica A: before
	 * ownership, the provision decided from a state read earlier and created databases that the delete had just
	 * dropped with their rows, leaving orphans.
	 */
	@Test
	void provisionRacingDeleteAcrossReplicasLeavesNoOrphanDatabase() throws Exception {
		Http a = new Http(this.port);
		String prefix = "race-" + UUID.randomUUID().toString().substring(0, 8);
		List<JsonNode> projects = new ArrayList<>();
		for (int i = 0; i < PROJECTS; i++) {
			HttpResponse<String> created = a.post("/api/v1/projects", "{\"name\": \"" + prefix + "-" + i + "\"}");
			assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
			projects.add(json(created));
			db.execute("DROP DATABASE \"" + json(created).get("databaseName").asString() + "\" WITH (FORCE)");
		}
		ExecutorService pool = Executors.newFixedThreadPool(2 * PROJECTS);
		try (ConfigurableApplicationContext replicaB = new SpringApplicationBuilder(ProjectRegistryApplication.class)
			.properties(db.properties())
			.run("--server.port=0")) {
			Http b = new Http(((WebServerApplicationContext) replicaB).getWebServer().getPort());
			Random stagger = new Random(7);
			List<Callable<HttpResponse<String>>> requests = new ArrayList<>();
			for (JsonNode project : projects) {
				String path = "/api/v1/projects/" + project.get("id").asString();
				int delay = stagger.nextInt(16);
				requests.add(() -> b.post(path + "/provision", null));
				requests.add(() -> {
					Thread.sleep(delay);
					return a.send("DELETE", path, null, Map.of());
				});
			}
			for (Future<HttpResponse<String>> answer : pool.invokeAll(requests, 120, TimeUnit.SECONDS)) {
				assertThat(answer.get().statusCode()).as(answer.get().body()).isIn(200, 204, 404, 409);
			}
		}
		finally {
			pool.shutdownNow();
		}
		for (JsonNode project : projects) {
			String database = project.get("databaseName").asString();
			long rows = db.count("SELECT count(*) FROM projects WHERE database_name = ?", database);
			assertThat(db.databaseExists(database)).as(database + " exists only with its row").isEqualTo(rows == 1);
		}
	}

	/** A live owner's work is never taken over, however long it has been at it; a dead owner's is, at once. */
	@Test
	void onlyWorkWithoutALiveOwnerIsTakenOver() throws Exception {
		Http http = new Http(this.port);
		String name = "owned-" + UUID.randomUUID().toString().substring(0, 8);
		UUID id = UUID.randomUUID();
		String databaseName = "cb_proj_" + name.replace('-', '_') + "_" + id.toString().substring(0, 8);
		try (Connection owner = db.holdOwnership(id)) {
			db.execute("INSERT INTO projects (id, name, database_name, state, updated_at, server) VALUES ('" + id + "', '" + name
					+ "', '" + databaseName + "', 'PROVISIONING', now() - interval '1 minute', 'default')");
			HttpResponse<String> busy = http.post("/api/v1/projects/" + id + "/provision", null);
			assertThat(busy.statusCode()).as(busy.body()).isEqualTo(503);
			assertThat(db.databaseExists(databaseName)).isFalse();
		}
		HttpResponse<String> finished = http.post("/api/v1/projects/" + id + "/provision", null);
		assertThat(finished.statusCode()).as(finished.body()).isEqualTo(200);
		assertThat(json(finished).get("state").asString()).isEqualTo("READY");
		assertThat(db.databaseExists(databaseName)).isTrue();
		assertThat(http.send("DELETE", "/api/v1/projects/" + id, null, Map.of()).statusCode()).isEqualTo(204);
	}

}
