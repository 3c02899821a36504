package io.codebase.registry.rollout;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;

import io.codebase.registry.project.CreateProjectRequest;
import io.codebase.registry.project.ProjectLifecycle;
import io.codebase.registry.project.ProjectLookup;
import io.codebase.registry.project.ProjectView;
import io.codebase.registry.support.Http;
import io.codebase.registry.support.Projects;
import io.codebase.registry.support.TestDatabase;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static io.codebase.registry.support.Http.json;
import static io.codebase.registry.support.Problems.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A fleet rollout over 50 project databases, one of which cannot take the new migration: the other 49 are
 * migrated, the one is reported with its reason, and the rollout completes.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ExtendWith(OutputCaptureExtension.class)
class SchemaRolloutTest {

	private static final int DATABASES = 50;

	private static final Path MIGRATIONS = createDirectory();

	private static final List<ProjectView> created = new ArrayList<>();

	private static ProjectLifecycle service;

	@LocalServerPort
	int port;

	@Autowired
	ProjectLifecycle projects;

	@Autowired
	ProjectLookup lookup;

	@Autowired
	MeterRegistry meters;

	@DynamicPropertySource
	static void defaultSchemaAndAFolderForTheNextMigration(DynamicPropertyRegistry registry) {
		registry.add("registry.provisioning.schema.locations",
				() -> "classpath:project-db/migration,filesystem:" + MIGRATIONS);
	}

	@Test
	void oneUnmigratableDatabaseIsReportedAndTheOther49AreMigrated(CapturedOutput output) throws Exception {
		service = this.projects;
		String prefix = Projects.uniqueName("rollout");
		IntStream.range(0, DATABASES).forEach(i -> created.add(this.projects
			.create(new CreateProjectRequest(String.format("%s %02d", prefix, i), null, null, null))));
		assertThat(created).allSatisfy(project -> assertThat(project.schemaVersion()).isEqualTo("1"));
		ProjectView broken = created.get(17);
		// Someone added the column by hand: the new migration cannot add it again.
		execute(broken.databaseName(), "ALTER TABLE code_files ADD COLUMN owner text");
		Files.writeString(MIGRATIONS.resolve("V2__file_owner.sql"), "ALTER TABLE code_files ADD COLUMN owner text;");
		double failedBefore = counted("failed");
		double succeededBefore = counted("succeeded");
		Http http = new Http(this.port);
		String body = "{\"projects\": [" + String.join(",", created.stream().map(p -> "\"" + p.id() + "\"").toList())
				+ "], \"parallelism\": 4}";

		HttpResponse<String> started = http.post("/api/v1/schema-rollouts", body);

		assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
		String location = started.headers().firstValue("Location").orElseThrow();
		assertThat(location).isEqualTo("/api/v1/schema-rollouts/" + json(started).get("id").asString());
		assertThat(json(started).get("counts").get("total").asInt()).isEqualTo(DATABASES);
		assertThat(output.getOut()).contains("audit action=schema.rollout caller=anonymous role=admin rollout="
				+ json(started).get("id").asString());
		JsonNode done = awaitCompleted(http, location, Duration.ofMinutes(3));
		JsonNode counts = done.get("counts");
		assertThat(counts.get("succeeded").asInt()).isEqualTo(DATABASES - 1);
		assertThat(counts.get("failed").asInt()).isEqualTo(1);
		assertThat(counts.get("pending").asInt()).isZero();
		JsonNode failure = json(http.get(location + "?itemState=FAILED")).get("items").get("content").get(0);
		assertThat(failure.get("projectId").asString()).isEqualTo(broken.id().toString());
		assertThat(failure.get("fromVersion").asString()).isEqualTo("1");
		assertThat(failure.get("error").asString()).contains("V2__file_owner.sql", "already exists");
		// Failures come first on the default page, too.
		assertThat(done.get("items").get("content").get(0).get("state").asString()).isEqualTo("FAILED");
		// Every item once, by cursor, in the same order: the failure, then by wave and project name.
		List<JsonNode> walked = walkItems(http, location + "/items?size=7");
		assertThat(walked).extracting(item -> item.get("projectId").asString())
			.containsExactlyInAnyOrderElementsOf(created.stream().map(project -> project.id().toString()).toList());
		assertThat(walked.get(0).get("projectId").asString()).isEqualTo(broken.id().toString());
		assertThat(walked.subList(1, DATABASES)).isSortedAccordingTo(java.util.Comparator
			.comparingInt((JsonNode item) -> item.get("wave").asInt())
			.thenComparing(item -> item.get("projectName").asString()));
		assertThat(walkItems(http, location + "/items?state=SUCCEEDED&size=200")).containsExactlyElementsOf(walked.subList(1, DATABASES));
		assertProblem(http.get(location + "/items?cursor=bm90LWEtY3Vyc29y"), 400, "invalid-request");
		assertProblem(http.get(location + "/items?size=201"), 400, "invalid-request");
		assertProblem(http.get("/api/v1/schema-rollouts/" + UUID.randomUUID() + "/items"), 404, "schema-rollout-not-found");
		for (ProjectView project : created) {
			String expected = project.id().equals(broken.id()) ? "1" : "2";
			assertThat(this.lookup.committed().get(project.id()).schemaVersion()).as(project.name())
				.isEqualTo(expected);
		}
		assertThat(count(created.get(0).databaseName(),
				"SELECT count(*) FROM information_schema.columns WHERE table_name = 'code_files' AND column_name = 'owner'"))
			.isEqualTo(1);
		assertThat(json(http.get("/api/v1/projects?count=exact&schemaVersion=1&namePrefix=" + prefix))
			.get("totalElements").asInt()).isEqualTo(1);
		assertThat(counted("failed") - failedBefore).isEqualTo(1);
		assertThat(counted("succeeded") - succeededBefore).isEqualTo(DATABASES - 1);
		assertProblem(http.get("/api/v1/schema-rollouts/" + UUID.randomUUID()), 404, "schema-rollout-not-found");
		assertProblem(http.post("/api/v1/schema-rollouts", "{\"parallelism\": 99}"), 400, "invalid-request");
	}

	@AfterAll
	static void dropTheDatabases() {
		created.forEach(project -> service.delete(project.id(), null));
	}

	/** Every item, following the Link header from this first page to the last. */
	private static List<JsonNode> walkItems(Http http, String first) {
		List<JsonNode> items = new ArrayList<>();
		String next = first;
		for (int pages = 0; next != null; pages++) {
			assertThat(pages).as("pages").isLessThan(100);
			HttpResponse<String> page = http.get(next);
			assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
			json(page).get("content").forEach(items::add);
			next = page.headers().firstValue("Link").map(link -> link.substring(1, link.indexOf('>'))).orElse(null);
			assertThat(json(page).get("next").isNull()).isEqualTo(next == null);
		}
		return items;
	}

	static JsonNode awaitCompleted(Http http, String location, Duration timeout) throws InterruptedException {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (true) {
			JsonNode rollout = json(http.get(location));
			if ("COMPLETED".equals(rollout.get("state").asString()) || System.nanoTime() > deadline) {
				assertThat(rollout.get("state").asString()).as(rollout.toString()).isEqualTo("COMPLETED");
				return rollout;
			}
			Thread.sleep(200);
		}
	}

	private double counted(String result) {
		var counter = this.meters.find("registry.schema.rollout.projects").tag("result", result).counter();
		return (counter != null) ? counter.count() : 0;
	}

	static void execute(String database, String sql) throws SQLException {
		try (Connection connection = connect(database); Statement statement = connection.createStatement()) {
			statement.execute(sql);
		}
	}

	static long count(String database, String sql) throws SQLException {
		try (Connection connection = connect(database); Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery(sql)) {
			result.next();
			return result.getLong(1);
		}
	}

	private static Connection connect(String database) throws SQLException {
		TestDatabase db = TestDatabase.get();
		String url = db.jdbcUrl().replaceFirst("/[^/?]+(\\?|$)", "/" + database + "$1");
		return DriverManager.getConnection(url, db.username(), System.getenv().getOrDefault("REGISTRY_TEST_PASSWORD", ""));
	}

	static Path createDirectory() {
		try {
			return Files.createTempDirectory("project-schema-");
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
