package io.codebase.registry.upgrade;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.codebase.registry.support.Http;
import io.codebase.registry.support.PreviousRelease;
import io.codebase.registry.support.RegistryProcess;
import io.codebase.registry.support.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The compatibility rule of upgrades (expand, then contract), tested: the previous release runs on this release's
 * schema, beside this release, as during a rolling update, and alone, as after {@code helm rollback} (which does
 * not undo migrations). Each reads, writes and deletes what the other made, and hears the other's changes.
 */
class PreviousReleaseIT {

	private static final Duration START = Duration.ofMinutes(3);

	private static final Duration SETTLE = Duration.ofSeconds(10);

	private final TestDatabase server = TestDatabase.get();

	private final String run = UUID.randomUUID().toString().substring(0, 8);

	private final List<RegistryProcess> started = new ArrayList<>();

	@TempDir
	Path work;

	@AfterEach
	void stopAndDropDatabases() throws Exception {
		for (RegistryProcess process : this.started) {
			if (process.isAlive()) {
				process.stop(Duration.ofSeconds(30));
			}
		}
		try (var connection = this.server.connect(); var statement = connection.createStatement();
				var names = statement.executeQuery("SELECT datname FROM pg_database WHERE starts_with(datname, 'upgrade"
						+ this.run + "')")) {
			List<String> databases = new ArrayList<>();
			while (names.next()) {
				databases.add(names.getString(1));
			}
			databases.forEach(this.server::dropDatabase);
		}
	}

	@Test
	void thePreviousReleaseRunsOnTheNewSchemaBesideTheNewRelease() throws Exception {
		Path previousJar = PreviousRelease.jar();
		String registry = "upgrade" + this.run + "_registry";
		this.server.execute("CREATE DATABASE " + registry);
		Map<String, String> settings = new HashMap<>(Map.of(
				"spring.datasource.url", this.server.jdbcUrl().replaceFirst("/[^/?]+(\\?|$)", "/" + registry + "$1"),
				"spring.datasource.username", this.server.username(),
				"spring.datasource.password", System.getenv().getOrDefault("REGISTRY_TEST_PASSWORD", ""),
				"registry.provisioning.database-prefix", "upgrade" + this.run + "_",
				"registry.sessions.allowed-roots", this.work.toString()));

		// The new release migrates the schema, as the first pod of a rolling update does.
		Http current = start(new RegistryProcess(RegistryProcess.freePort(), settings, this.work.resolve("new.log")));
		JsonNode madeByNew = created(current.post("/api/v1/projects", "{\"name\": \"made by the new release\"}"));

		// The previous release starts on that schema while the new one runs, as an old pod does during the update.
		Http previous = startPrevious(new RegistryProcess(previousJar, RegistryProcess.freePort(), settings,
				this.work.resolve("previous.log")));
		JsonNode seenByPrevious = Http.json(previous.get("/api/v1/projects/made%20by%20the%20new%20release"));
		assertThat(seenByPrevious.get("id").asString()).isEqualTo(madeByNew.get("id").asString());
		assertThat(seenByPrevious.get("state").asString()).isEqualTo("READY");
		JsonNode madeByPrevious = created(previous.post("/api/v1/projects", "{\"name\": \"made by the previous release\"}"));

		// The new release serves what the old one made: placed on the one server there was, with its connection.
		JsonNode seenByNew = Http.json(current.get("/api/v1/projects/" + madeByPrevious.get("id").asString()));
		assertThat(seenByNew.get("state").asString()).isEqualTo("READY");
		assertThat(seenByNew.get("server").asString()).isEqualTo("default");
		assertThat(seenByNew.get("connection").get("database").asString())
			.isEqualTo(madeByPrevious.get("databaseName").asString());
		HttpResponse<String> resolved = current.post("/api/v1/resolutions",
				"{\"project\": \"made by the previous release\"}");
		assertThat(resolved.statusCode()).as(resolved.body()).isEqualTo(200);

		// Each hears the other's changes (the notification trigger is shared, the payload read by both).
		String patched = Http.json(current.get("/api/v1/projects/" + madeByNew.get("id").asString())).get("version").asString();
		HttpResponse<String> patch = previous.send("PATCH", "/api/v1/projects/" + madeByNew.get("id").asString(),
				"{\"description\": \"patched by the previous release\"}",
				Map.of("If-Match", "\"" + patched + "\"", "Content-Type", "application/merge-patch+json"));
		assertThat(patch.statusCode()).as(patch.body()).isEqualTo(200);
		await().atMost(SETTLE).untilAsserted(() -> assertThat(Http.json(current.get("/api/v1/projects/"
				+ madeByNew.get("id").asString())).get("description").asString()).isEqualTo("patched by the previous release"));
		assertThat(previous.send("DELETE", "/api/v1/projects/" + madeByPrevious.get("id").asString(), null, Map.of())
			.statusCode()).isEqualTo(204);
		await().atMost(SETTLE).until(() -> current.get("/api/v1/projects/" + madeByPrevious.get("id").asString())
			.statusCode() == 404);
		assertThat(this.server.databaseExists(madeByPrevious.get("databaseName").asString())).isFalse();

		// After a rollback the previous release runs alone on the new schema, and keeps working.
		this.started.get(0).stop(Duration.ofSeconds(30));
		JsonNode afterRollback = created(previous.post("/api/v1/projects", "{\"name\": \"made after the rollback\"}"));
		assertThat(previous.get("/api/v1/projects?size=50").statusCode()).isEqualTo(200);
		assertThat(this.server.databaseExists(afterRollback.get("databaseName").asString())).isTrue();
	}

	private Http start(RegistryProcess process) throws Exception {
		this.started.add(process);
		process.start();
		assertThat(process.awaitReady(START)).as("started; see " + process.log()).isTrue();
		return new Http(process.port());
	}

	/** The previous release has no health group {@code dependencies}: ready is its readiness probe's 200. */
	private Http startPrevious(RegistryProcess process) throws Exception {
		this.started.add(process);
		process.start();
		Http http = Http.otherRelease(process.port());
		await().atMost(START).ignoreExceptions().until(() -> {
			assertThat(process.isAlive()).as("running; see " + process.log()).isTrue();
			return http.get("/actuator/health/readiness").statusCode() == 200;
		});
		return http;
	}

	private static JsonNode created(HttpResponse<String> response) {
		assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
		JsonNode project = Http.json(response);
		assertThat(project.get("state").asString()).isEqualTo("READY");
		return project;
	}

}
