package io.codebase.registry.rollout;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.codebase.registry.ProjectRegistryApplication;
import io.codebase.registry.project.ProjectLifecycle;
import io.codebase.registry.support.Http;
import io.codebase.registry.support.Projects;
import io.codebase.registry.support.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import static io.codebase.registry.rollout.SchemaRolloutTest.count;
import static io.codebase.registry.support.Http.json;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code kill -9} in the middle of a wave: replica A (a JVM of its own) runs a rollout and is killed with SIGKILL
 * while wave 2 is under way; replica B starts, takes the rollout over in the same wave (wave 1 is not run again),
 * and finishes it. Every database's Flyway history shows the migration applied exactly once, and only the
 * databases A had in flight were started a second time.
 */
class RolloutCrashTest {

	private static final int DATABASES = 12;

	private static final Duration STARTUP = Duration.ofMinutes(3);

	private static final Path MIGRATIONS = SchemaRolloutTest.createDirectory();

	private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private Process replicaA;

	private ConfigurableApplicationContext replicaB;

	@Test
	void anotherReplicaResumesAKilledRunnerInTheSameWaveAndNoDatabaseIsMigratedTwice() throws Exception {
		this.replicaB = null;
		int portA = freePort();
		this.replicaA = startReplicaA(portA);
		awaitReady(portA);
		String prefix = Projects.uniqueName("crash");
		List<String> ids = new ArrayList<>();
		for (int i = 0; i < DATABASES; i++) {
			JsonNode project = JSON.readTree(send(portA, "POST", "/api/v1/projects",
					"{\"name\": \"" + String.format("%s %02d", prefix, i) + "\"}").body());
			ids.add("\"" + project.get("id").asString() + "\"");
		}
		Files.writeString(MIGRATIONS.resolve("V2__slow.sql"), "SELECT pg_sleep(0.4);\nCREATE TABLE crash_v2 (id int);");

		String location = send(portA, "POST", "/api/v1/schema-rollouts", "{\"projects\": [" + String.join(",", ids)
				+ "], \"parallelism\": 2, \"waves\": [25, 100]}").headers().firstValue("Location").orElseThrow();
		String id = location.substring(location.lastIndexOf('/') + 1);
		// Wave 1 is 3 databases, wave 2 the other 9: kill in the middle of wave 2.
		long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
		while (TestDatabase.get().count("SELECT count(*) FROM schema_rollout_items WHERE rollout_id = ?::uuid AND wave = 2 "
				+ "AND state = 'SUCCEEDED'", id) < 2) {
			assertThat(System.nanoTime()).as("wave 2 under way").isLessThan(deadline);
			Thread.sleep(20);
		}
		this.replicaA.destroyForcibly().waitFor();

		assertThat(TestDatabase.get().count("SELECT count(*) FROM schema_rollouts WHERE id = ?::uuid AND state = 'RUNNING' "
				+ "AND current_wave = 2", id)).isEqualTo(1);
		long inFlight = TestDatabase.get().count(
				"SELECT count(*) FROM schema_rollout_items WHERE rollout_id = ?::uuid AND state = 'RUNNING'", id);
		assertThat(TestDatabase.get().count("SELECT count(*) FROM schema_rollout_items WHERE rollout_id = ?::uuid "
				+ "AND state = 'PENDING'", id)).as("left for B").isPositive();

		this.replicaB = startReplicaB();
		Http b = new Http(((WebServerApplicationContext) this.replicaB).getWebServer().getPort());
		JsonNode done = RolloutWavesTest.await(b, location, "COMPLETED");

		assertThat(done.get("counts").get("succeeded").asInt()).isEqualTo(DATABASES);
		// Resumed in wave 2: wave 1 was not started again; only what A had in flight was.
		assertThat(TestDatabase.get().count("SELECT count(*) FROM schema_rollout_items WHERE rollout_id = ?::uuid "
				+ "AND wave = 1 AND attempts <> 1", id)).isZero();
		assertThat(TestDatabase.get().count("SELECT count(*) FROM schema_rollout_items WHERE rollout_id = ?::uuid "
				+ "AND attempts = 2", id)).isEqualTo(inFlight);
		ProjectLifecycle lifecycle = this.replicaB.getBean(ProjectLifecycle.class);
		for (JsonNode item : json(b.get(location + "?size=200")).get("items").get("content")) {
			assertThat(count(item.get("databaseName").asString(),
					"SELECT count(*) FROM registry_schema_history WHERE version = '2'")).as(item.get("projectName").asString())
				.isEqualTo(1);
			lifecycle.delete(UUID.fromString(item.get("projectId").asString()), null);
		}
	}

	@AfterEach
	void stop() throws InterruptedException {
		RolloutWavesTest.cancelUnfinished();
		if (this.replicaA != null) {
			this.replicaA.destroyForcibly().waitFor();
		}
		if (this.replicaB != null) {
			this.replicaB.close();
		}
	}

	/** Replica A: the application in a JVM of its own, on the test classpath, so that it can be killed. */
	private static Process startReplicaA(int port) throws IOException {
		List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
				"-Xmx384m", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
				ProjectRegistryApplication.class.getName(), "--server.port=" + port));
		properties().forEach((key, value) -> command.add("--" + key + "=" + value));
		Path log = Files.createTempFile("rollout-crash-replica-a", ".log");
		return new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
			.start();
	}

	private ConfigurableApplicationContext startReplicaB() {
		return new SpringApplicationBuilder(ProjectRegistryApplication.class).properties(properties()).run("--server.port=0");
	}

	private static Map<String, Object> properties() {
		Map<String, Object> properties = new HashMap<>(TestDatabase.get().properties());
		properties.put("registry.provisioning.schema.locations", "classpath:project-db/migration,filesystem:" + MIGRATIONS);
		properties.put("registry.reconciliation.enabled", "false");
		return properties;
	}

	private void awaitReady(int port) throws InterruptedException {
		long deadline = System.nanoTime() + STARTUP.toNanos();
		while (true) {
			assertThat(this.replicaA.isAlive()).as("replica A exited").isTrue();
			try {
				if (send(port, "GET", "/actuator/health/readiness", null).statusCode() == 200) {
					return;
				}
			}
			catch (IOException ex) {
				// Not listening yet.
			}
			assertThat(System.nanoTime()).as("replica A ready").isLessThan(deadline);
			Thread.sleep(250);
		}
	}

	/** Plain HTTP to replica A, which runs outside this JVM. */
	private static HttpResponse<String> send(int port, String method, String path, String body)
			throws IOException, InterruptedException {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
			.timeout(Duration.ofSeconds(30))
			.header("Content-Type", "application/json")
			.method(method, (body != null) ? HttpRequest.BodyPublishers.ofString(body) : HttpRequest.BodyPublishers.noBody());
		return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

}
