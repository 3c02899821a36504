package io.codebase.registry.rollout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import io.codebase.registry.project.CreateProjectRequest;
import io.codebase.registry.project.ProjectLifecycle;
import io.codebase.registry.project.ProjectView;
import io.codebase.registry.support.Http;
import io.codebase.registry.support.Projects;
import io.codebase.registry.support.TestDatabase;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static io.codebase.registry.support.Http.json;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Opt-in benchmark, not run by default: {@code ./mvnw -B -o test -Dtest=RolloutThroughputBenchmark -Dbench=true}
 * ({@code -Dbench.databases=40} to change the size). Rollout throughput in databases per second at parallelism 1,
 * 2 and 4, side by side with a plain loop calling Flyway on the same databases, one after the other. Each round
 * adds one small migration; a rollout's time is its own span in PostgreSQL (createdAt to finishedAt), the loop's
 * is measured around it. The figures are in docs/benchmarks.md, "Schema rollouts".
 */
@EnabledIfSystemProperty(named = "bench", matches = "true")
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class RolloutThroughputBenchmark {

	private static final int DATABASES = Integer.getInteger("bench.databases", 40);

	private static final Path MIGRATIONS = SchemaRolloutTest.createDirectory();

	private static final List<ProjectView> created = new ArrayList<>();

	private static ProjectLifecycle service;

	private int version = 1;

	@LocalServerPort
	int port;

	@Autowired
	ProjectLifecycle projects;

	@DynamicPropertySource
	static void aLocationForTheNextMigrations(DynamicPropertyRegistry registry) {
		registry.add("registry.provisioning.schema.locations",
				() -> "classpath:project-db/migration,filesystem:" + MIGRATIONS);
		registry.add("registry.schema-rollouts.max-parallelism", () -> "4");
	}

	@Test
	void rolloutsAgainstAPlainFlywayLoop() throws Exception {
		service = this.projects;
		String prefix = Projects.uniqueName("bench");
		IntStream.range(0, DATABASES).forEach(i -> created.add(this.projects
			.create(new CreateProjectRequest(String.format("%s %03d", prefix, i), null, null, null))));
		Http http = new Http(this.port);
		StringBuilder table = new StringBuilder("\n| " + DATABASES + " databases, one small migration each round | seconds | databases per second |\n|---|---|---|\n");
		// A warm-up round of each, not reported.
		rollout(http, 2);
		plainLoop();
		for (int parallelism : new int[] { 1, 2, 4 }) {
			double seconds = rollout(http, parallelism);
			table.append(String.format("| rollout, parallelism %d (maxPerServer %d) | %.2f | %.1f |%n", parallelism,
					parallelism, seconds, DATABASES / seconds));
			double loop = plainLoop();
			table.append(String.format("| plain loop calling Flyway | %.2f | %.1f |%n", loop, DATABASES / loop));
		}
		System.out.println(table);
	}

	private double rollout(Http http, int parallelism) throws Exception {
		nextMigration();
		String body = "{\"projects\": [" + RolloutWavesTest.ids(created) + "], \"parallelism\": " + parallelism
				+ ", \"maxPerServer\": " + parallelism + "}";
		String location = http.post("/api/v1/schema-rollouts", body).headers().firstValue("Location").orElseThrow();
		JsonNode done = RolloutWavesTest.await(http, location, "COMPLETED");
		assertThat(done.get("counts").get("succeeded").asInt()).isEqualTo(DATABASES);
		return Duration.between(Instant.parse(done.get("createdAt").asString()),
				Instant.parse(done.get("finishedAt").asString())).toNanos() / 1e9;
	}

	/** What an operator's script does: Flyway on each database, one after the other. */
	private double plainLoop() throws Exception {
		nextMigration();
		TestDatabase db = TestDatabase.get();
		long start = System.nanoTime();
		for (ProjectView project : created) {
			String url = db.jdbcUrl().replaceFirst("/[^/?]+(\\?|$)", "/" + project.databaseName() + "$1");
			Flyway.configure()
				.dataSource(url, db.username(), System.getenv().getOrDefault("REGISTRY_TEST_PASSWORD", ""))
				.locations("classpath:project-db/migration", "filesystem:" + MIGRATIONS)
				.table("registry_schema_history")
				.load()
				.migrate();
		}
		return (System.nanoTime() - start) / 1e9;
	}

	private void nextMigration() throws Exception {
		this.version++;
		Files.writeString(MIGRATIONS.resolve("V" + this.version + "__bench.sql"),
				"CREATE TABLE bench_" + this.version + " (id bigint PRIMARY KEY, note text);");
	}

	@AfterAll
	static void dropTheDatabases() {
		created.forEach(project -> service.delete(project.id(), null));
	}

}
