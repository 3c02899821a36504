package io.codebase.registry.rollout;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import io.codebase.registry.ProjectRegistryApplication;
import io.codebase.registry.project.CreateProjectRequest;
import io.codebase.registry.project.ProjectLifecycle;
import io.codebase.registry.project.ProjectLookup;
import io.codebase.registry.project.ProjectView;
import io.codebase.registry.support.Http;
import io.codebase.registry.support.Projects;
import io.codebase.registry.support.TestDatabase;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import static io.codebase.registry.rollout.SchemaRolloutTest.awaitCompleted;
import static io.codebase.registry.rollout.SchemaRolloutTest.count;
import static io.codebase.registry.support.Http.json;
import static io.codebase.registry.support.Problems.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A rollout interrupted by a restart: the first instance stops with items still PENDING, the rollout stays
 * RUNNING in PostgreSQL, and the next instance resumes it at start-up and finishes it. While it runs, a second
 * rollout is refused and {@code registry.schema.rollout.running} is 1.
 */
class RolloutResumeTest {

	private static final int DATABASES = 10;

	private static final Path MIGRATIONS = SchemaRolloutTest.createDirectory();

	@Test
	void aRolloutInterruptedByARestartIsResumedByTheNextInstance() throws Exception {
		String prefix = Projects.uniqueName("resume");
		List<ProjectView> created;
		String location;
		try (ConfigurableApplicationContext first = start()) {
			MeterRegistry meters = first.getBean(MeterRegistry.class);
			// Registered at zero before any rollout, so an alert can compare progress with nothing at all.
			assertThat(meters.get("registry.schema.rollout.projects").tag("result", "failed").counter().count()).isZero();
			assertThat(running(first)).isZero();
			ProjectLifecycle projects = first.getBean(ProjectLifecycle.class);
			created = IntStream.range(0, DATABASES)
				.mapToObj(i -> projects.create(new CreateProjectRequest(prefix + " " + i, null, null, null)))
				.toList();
			// Slow enough that the restart comes in the middle.
			Files.writeString(MIGRATIONS.resolve("V2__slow.sql"),
					"SELECT pg_sleep(0.5);\nCREATE TABLE resumed (id int);");
			Http http = http(first);
			String ids = String.join(",", created.stream().map(p -> "\"" + p.id() + "\"").toList());

			HttpResponse<String> started = http.post("/api/v1/schema-rollouts", "{\"projects\": [" + ids + "], \"parallelism\": 1}");

			assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
			location = started.headers().firstValue("Location").orElseThrow();
			JsonNode conflict = assertProblem(http.post("/api/v1/schema-rollouts", null), 409, "schema-rollout-running");
			assertThat(location).endsWith(conflict.get("rolloutId").asString());
			awaitSucceeded(http, location, 1);
			assertThat(running(first)).isEqualTo(1);
		}
		String rolloutId = location.substring(location.lastIndexOf('/') + 1);
		assertThat(TestDatabase.get().count("SELECT count(*) FROM schema_rollouts WHERE id = ?::uuid AND state = 'RUNNING'",
				rolloutId)).isEqualTo(1);
		long pendingAtRestart = TestDatabase.get().count(
				"SELECT count(*) FROM schema_rollout_items WHERE rollout_id = ?::uuid AND state = 'PENDING'", rolloutId);
		assertThat(pendingAtRestart).isPositive();

		try (ConfigurableApplicationContext second = start()) {
			JsonNode done = awaitCompleted(http(second), location, Duration.ofMinutes(2));
			long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
			while (running(second) != 0) {
				assertThat(System.nanoTime()).as("registry.schema.rollout.running back to 0").isLessThan(deadline);
				Thread.sleep(20);
			}

			assertThat(done.get("counts").get("succeeded").asInt()).isEqualTo(DATABASES);
			assertThat(done.get("counts").get("failed").asInt()).isZero();
			ProjectLookup projects = second.getBean(ProjectLookup.class);
			ProjectLifecycle lifecycle = second.getBean(ProjectLifecycle.class);
			for (ProjectView project : created) {
				assertThat(projects.committed().get(project.id()).schemaVersion()).isEqualTo("2");
				assertThat(count(project.databaseName(), "SELECT count(*) FROM pg_tables WHERE tablename = 'resumed'"))
					.isEqualTo(1);
				lifecycle.delete(project.id(), null);
			}
		}
	}

	private static void awaitSucceeded(Http http, String location, int succeeded) throws InterruptedException {
		long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
		while (json(http.get(location)).get("counts").get("succeeded").asInt() < succeeded) {
			assertThat(System.nanoTime()).as("a first item migrated within a minute").isLessThan(deadline);
			Thread.sleep(50);
		}
	}

	private static double running(ConfigurableApplicationContext context) {
		return context.getBean(MeterRegistry.class).get("registry.schema.rollout.running").gauge().value();
	}

	private static Http http(ConfigurableApplicationContext context) {
		return new Http(((WebServerApplicationContext) context).getWebServer().getPort());
	}

	private static ConfigurableApplicationContext start() {
		Map<String, Object> properties = new HashMap<>(TestDatabase.get().properties());
		properties.put("registry.provisioning.schema.locations", "classpath:project-db/migration,filesystem:" + MIGRATIONS);
		return new SpringApplicationBuilder(ProjectRegistryApplication.class).properties(properties)
			.run("--server.port=0");
	}

}
