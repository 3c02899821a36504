package io.codebase.registry.coherence;

import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;

import io.codebase.registry.ProjectRegistryApplication;
import io.codebase.registry.support.Http;
import io.codebase.registry.support.Projects;
import io.codebase.registry.support.TestDatabase;
import io.codebase.registry.support.TestWorkspace;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import static io.codebase.registry.support.Http.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Invariant 2 (docs/architecture.md#coherence) across replicas: a change committed through replica A (or by anyone, in SQL) is seen by replica B,
 * which had the old value cached, through PostgreSQL's change notifications; a lost listener connection is
 * re-established and clears B's cache.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class CrossReplicaCoherenceTest {

	private static final TestDatabase db = TestDatabase.get();

	private static final String B_NAME = "registry-replica-b";

	/** Long enough that a change committed right after B lost its listener is certainly missed by it. */
	private static final String B_BACKOFF = "2s";

	private static final Duration DEADLINE = Duration.ofSeconds(30);

	private static ConfigurableApplicationContext replicaB;

	private static Http b;

	@LocalServerPort
	int port;

	private Http a;

	@BeforeAll
	static void startReplicaB() {
		replicaB = new SpringApplicationBuilder(ProjectRegistryApplication.class).properties(db.properties())
			.properties("registry.sessions.allowed-roots=" + TestWorkspace.ROOT)
			// Arguments: application.yaml would override default properties for the name.
			.run("--server.port=0", "--spring.application.name=" + B_NAME, "--registry.coherence.backoff-min=" + B_BACKOFF);
		b = new Http(((WebServerApplicationContext) replicaB).getWebServer().getPort());
	}

	@AfterAll
	static void stopReplicaB() {
		if (replicaB != null) {
			replicaB.close();
		}
	}

	@BeforeEach
	void bIsListening() {
		this.a = new Http(this.port);
		await().atMost(DEADLINE).until(() -> bListener().state().listening());
	}

	@Test
	void anUpdateThroughAIsSeenByBWhichHadTheProjectCached() {
		JsonNode project = create("update");
		String id = project.get("id").asString();
		String name = project.get("name").asString();
		assertThat(resolveOnB(name).get("project").get("description").isNull()).isTrue();
		assertThat(resolveOnB(id).get("project").get("description").isNull()).isTrue();

		// Proof that B serves from its cache: a change no replica is told about stays invisible on B.
		db.executeUnannounced("UPDATE projects SET description = 'unannounced' WHERE id = '" + id + "'");
		double hits = cacheHits(replicaB);
		assertThat(resolveOnB(name).get("project").get("description").isNull()).isTrue();
		assertThat(resolveOnB(id).get("project").get("description").isNull()).isTrue();
		assertThat(cacheHits(replicaB)).isGreaterThanOrEqualTo(hits + 2);

		// A PATCH that changes no name, through A.
		HttpResponse<String> patched = this.a.send("PATCH", "/api/v1/projects/" + id, "{\"sourcePath\": \"/src/update\"}",
				Map.of("If-Match", etagOf(id), "Content-Type", "application/merge-patch+json"));
		assertThat(patched.statusCode()).as(patched.body()).isEqualTo(200);

		await().atMost(DEADLINE).untilAsserted(() -> {
			for (String key : new String[] { id, name }) {
				JsonNode seen = resolveOnB(key).get("project");
				assertThat(seen.get("sourcePath").asString()).isEqualTo("/src/update");
				assertThat(seen.get("description").asString()).isEqualTo("unannounced");
			}
		});
		assertThat(counter(replicaB, "registry.coherence.notifications")).isPositive();
	}

	@Test
	void anIndexStatusReportThroughAIsSeenByB() {
		JsonNode project = create("index");
		String id = project.get("id").asString();
		assertThat(resolveOnB(id).get("project").get("indexStatus").asString()).isEqualTo("NOT_INDEXED");

		HttpResponse<String> reported = this.a.send("POST", "/api/v1/projects/" + id + "/index-status",
				"{\"status\": \"INDEXING\"}", Map.of("If-Match", etagOf(id)));
		assertThat(reported.statusCode()).as(reported.body()).isEqualTo(200);

		await().atMost(DEADLINE)
			.untilAsserted(() -> assertThat(resolveOnB(id).get("project").get("indexStatus").asString())
				.isEqualTo("INDEXING"));
	}

	@Test
	void aRenameIsSeenByBUnderBothNames() {
		JsonNode project = create("rename");
		String id = project.get("id").asString();
		String oldName = project.get("name").asString();
		String newName = oldName + "-renamed";
		assertThat(resolveOnB(oldName).get("project").get("id").asString()).isEqualTo(id);
		assertThat(resolveOnB(id).get("project").get("name").asString()).isEqualTo(oldName);

		// The API keeps names immutable; an operator's SQL is announced by the same trigger.
		db.execute("UPDATE projects SET name = '" + newName + "', version = version + 1 WHERE id = '" + id + "'");

		await().atMost(DEADLINE).untilAsserted(() -> {
			assertThat(b.get("/api/v1/resolutions?project=" + oldName).statusCode()).isEqualTo(404);
			assertThat(resolveOnB(newName).get("project").get("id").asString()).isEqualTo(id);
			assertThat(resolveOnB(id).get("project").get("name").asString()).isEqualTo(newName);
		});
	}

	@Test
	void aDeleteThroughAIsSeenByB() {
		JsonNode project = create("delete");
		String id = project.get("id").asString();
		String name = project.get("name").asString();
		resolveOnB(id);
		resolveOnB(name);

		assertThat(this.a.send("DELETE", "/api/v1/projects/" + id, null, Map.of()).statusCode()).isEqualTo(204);

		await().atMost(DEADLINE).untilAsserted(() -> {
			assertThat(b.get("/api/v1/resolutions?project=" + id).statusCode()).isEqualTo(404);
			assertThat(b.get("/api/v1/resolutions?project=" + name).statusCode()).isEqualTo(404);
		});
	}

	@Test
	void aKilledListenerConnectionIsReestablishedAndClearsTheCache() {
		JsonNode project = create("reconnect");
		String id = project.get("id").asString();
		assertThat(resolveOnB(id).get("project").get("description").isNull()).isTrue();
		double reconnects = counter(replicaB, "registry.coherence.reconnects");
		int listenerPid = bListenerBackend();

		db.execute("SELECT pg_terminate_backend(" + listenerPid + ")");
		await().atMost(DEADLINE).until(() -> db.count("SELECT count(*) FROM pg_stat_activity WHERE pid = ?",
				listenerPid) == 0);
		// Committed while B listens to nothing: its notification is lost to B for good.
		db.execute("UPDATE projects SET description = 'while B was deaf', version = version + 1 WHERE id = '" + id + "'");
		// B notices at once and pauses (backoff-min) before reconnecting.
		await().atMost(DEADLINE).pollInterval(Duration.ofMillis(10)).until(() -> !bListener().state().listening());
		assertThat(health(replicaB).getStatus()).isEqualTo(Status.DOWN);
		assertThat(health(replicaB).getDetails()).containsKeys("lastError", "since");

		await().atMost(DEADLINE).until(() -> bListener().state().listening());
		assertThat(counter(replicaB, "registry.coherence.reconnects")).isEqualTo(reconnects + 1);
		assertThat(bListenerBackend()).isNotEqualTo(listenerPid);
		assertThat(health(replicaB).getStatus()).isEqualTo(Status.UP);
		JsonNode seen = resolveOnB(id);
		assertThat(seen.get("project").get("description").asString()).isEqualTo("while B was deaf");
		assertThat(seen.get("servedFromCache").asBoolean()).isFalse();
	}

	private JsonNode create(String label) {
		String name = "coherence-" + Projects.uniqueName(label);
		HttpResponse<String> created = this.a.post("/api/v1/projects", "{\"name\": \"" + name + "\"}");
		assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
		return json(created);
	}

	private String etagOf(String id) {
		return this.a.get("/api/v1/projects/" + id).headers().firstValue("ETag").orElseThrow();
	}

	private static JsonNode resolveOnB(String project) {
		HttpResponse<String> response = b.get("/api/v1/resolutions?project=" + project.replace(" ", "%20"));
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		return json(response);
	}

	private static int bListenerBackend() {
		return (int) db.count("SELECT pid FROM pg_stat_activity WHERE application_name = ?",
				B_NAME + " coherence listener");
	}

	private static ProjectChangeListener bListener() {
		return replicaB.getBean(ProjectChangeListener.class);
	}

	private static org.springframework.boot.health.contributor.Health health(ConfigurableApplicationContext app) {
		return app.getBean(CoherenceHealthIndicator.class).health();
	}

	private static double cacheHits(ConfigurableApplicationContext app) {
		return app.getBean(MeterRegistry.class)
			.get("cache.gets")
			.tags("cache", "projects", "result", "hit")
			.functionCounter()
			.count();
	}

	private static double counter(ConfigurableApplicationContext app, String name) {
		return app.getBean(MeterRegistry.class).get(name).counter().count();
	}

}
