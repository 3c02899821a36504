package io.codebase.registry.rollout;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;

import io.codebase.registry.project.CreateProjectRequest;
import io.codebase.registry.project.ProjectLifecycle;
import io.codebase.registry.project.ProjectView;
import io.codebase.registry.support.Http;
import io.codebase.registry.support.MigrationSampler;
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

import static io.codebase.registry.rollout.SchemaRolloutTest.count;
import static io.codebase.registry.rollout.SchemaRolloutTest.execute;
import static io.codebase.registry.support.Http.json;
import static io.codebase.registry.support.Problems.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * 60 project databases and a migration that fails on 3 of them (those holding a marker table). A canary of 5 that
 * includes one of them halts the rollout after the canary, and nothing else is touched; after that database is
 * fixed, resume retries it first and goes on, waves 1 and 2 pass, and wave 3, with 2 failures in 27 over its 5 %
 * budget, halts; after the fix, resume finishes everything, each database with one application of the migration.
 * The dry run's plan is what the run did; no server ever runs more than maxPerServer migrations at once
 * (pg_stat_activity sampled throughout). Then pause between waves, resume by hand, cancel, the list, and bad
 * requests.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ExtendWith(OutputCaptureExtension.class)
class RolloutWavesTest {

	private static final int DATABASES = 60;

	/** Fails V2: index 2 is in the canary, 40 and 50 in wave 3 (projects 33 to 59). */
	private static final Set<Integer> BROKEN = Set.of(2, 40, 50);

	private static final int MAX_PER_SERVER = 2;

	private static final Path MIGRATIONS = SchemaRolloutTest.createDirectory();

	private static final List<ProjectView> created = new ArrayList<>();

	private static ProjectLifecycle service;

	@LocalServerPort
	int port;

	@Autowired
	ProjectLifecycle projects;

	@Autowired
	MeterRegistry meters;

	@DynamicPropertySource
	static void aTestOnlyMigrationLocation(DynamicPropertyRegistry registry) {
		registry.add("registry.provisioning.schema.locations",
				() -> "classpath:project-db/migration,filesystem:" + MIGRATIONS);
	}

	@Test
	void canaryHaltsBudgetHaltsResumeFinishesAndThePlanIsWhatRan(CapturedOutput output) throws Exception {
		service = this.projects;
		String prefix = Projects.uniqueName("waves");
		IntStream.range(0, DATABASES).forEach(i -> created.add(this.projects
			.create(new CreateProjectRequest(String.format("%s %02d", prefix, i), null, null, null))));
		for (int broken : BROKEN) {
			execute(created.get(broken).databaseName(), "CREATE TABLE rollout_marker (id int)");
		}
		Files.writeString(MIGRATIONS.resolve("V2__waves.sql"), """
				DO $$ BEGIN
				  IF to_regclass('rollout_marker') IS NOT NULL THEN
				    RAISE EXCEPTION 'rollout_marker present: not ready for V2';
				  END IF;
				END $$;
				SELECT pg_sleep(0.1);
				CREATE TABLE waves_v2 (id int);
				""");
		Http http = new Http(this.port);
		String canary = String.join(",", IntStream.range(0, 5).mapToObj(i -> "\"" + created.get(i).name() + "\"").toList());
		String request = "{\"projects\": [" + ids(created) + "], \"parallelism\": 4, \"maxPerServer\": " + MAX_PER_SERVER
				+ ", \"canary\": {\"projects\": [" + canary + "]}, \"waves\": [10, 50, 100],"
				+ " \"failureBudget\": {\"percent\": 5}}";

		// The dry run: the plan, and nothing changed.
		HttpResponse<String> dryRun = http.post("/api/v1/schema-rollouts?dryRun=true", request);
		assertThat(dryRun.statusCode()).as(dryRun.body()).isEqualTo(200);
		JsonNode plan = json(dryRun);
		assertThat(plan.get("total").asInt()).isEqualTo(DATABASES);
		assertThat(plan.get("waves").valueStream().map(wave -> wave.get("name").asString()))
			.containsExactly("canary", "10%", "50%", "100%");
		// 55 after the canary: ceil(5.5) = 6, then 28 - 6 = 22, then 27.
		assertThat(plan.get("waves").valueStream().map(wave -> wave.get("projects").size())).containsExactly(5, 6, 22, 27);
		assertThat(plan.get("waves").get(0).get("projects").get(0).get("migrations").get(0).asString()).isEqualTo("2");
		assertThat(plan.get("waves").get(0).get("projects").get(0).get("fromVersion").asString()).isEqualTo("1");
		assertThat(TestDatabase.get().count("SELECT count(*) FROM schema_rollouts WHERE state = 'RUNNING'")).isZero();
		assertThat(applications(created.get(0))).isZero();

		try (MigrationSampler sampler = new MigrationSampler(
				List.of(new MigrationSampler.Server("default", () -> TestDatabase.get().connect())),
				created.stream().map(ProjectView::databaseName).toList())) {
			HttpResponse<String> started = http.post("/api/v1/schema-rollouts", request);
			assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
			String location = started.headers().firstValue("Location").orElseThrow();
			String id = json(started).get("id").asString();

			// The canary: 1 of 5 failed, over 5 %: HALTED after it, and nobody else touched.
			JsonNode halted = await(http, location, "HALTED");
			assertThat(halted.get("currentWave").asInt()).isZero();
			assertThat(halted.get("reason").asString()).contains("wave 0 (canary): 1 of 5 databases failed", "5 %");
			// The running ones finished; the canary's others may not have started.
			JsonNode canaryCounts = halted.get("waves").get(0).get("counts");
			assertThat(canaryCounts.get("failed").asInt()).isEqualTo(1);
			assertThat(canaryCounts.get("succeeded").asInt() + canaryCounts.get("pending").asInt()).isEqualTo(4);
			assertThat(halted.get("counts").get("running").asInt()).isZero();
			JsonNode first = halted.get("items").get("content").get(0);
			assertThat(first.get("state").asString()).isEqualTo("FAILED");
			assertThat(first.get("projectId").asString()).isEqualTo(created.get(2).id().toString());
			assertThat(first.get("error").asString()).contains("rollout_marker present");
			assertThat(first.get("durationMs").asLong()).isGreaterThanOrEqualTo(0);
			for (ProjectView untouched : created.subList(5, DATABASES)) {
				assertThat(applications(untouched)).as(untouched.name()).isZero();
			}
			assertThat(TestDatabase.get().count("SELECT count(*) FROM schema_rollout_items WHERE rollout_id = ?::uuid "
					+ "AND wave > 0 AND (attempts > 0 OR state <> 'PENDING')", id)).isZero();
			assertThat(this.meters.get("registry.schema.rollouts.unfinished").tag("state", "halted").gauge().value())
				.isEqualTo(1);
			assertThat(output.getOut()).contains("action=schema.rollout.state caller=system role=admin rollout=" + id
					+ " state=HALTED wave=0");
			assertProblem(http.post("/api/v1/schema-rollouts", request), 409, "schema-rollout-running");

			// Fixed: resume retries the failure first, the canary and waves 1 and 2 pass, wave 3 halts.
			execute(created.get(2).databaseName(), "DROP TABLE rollout_marker");
			HttpResponse<String> resumed = http.post(location + "/resume", null);
			assertThat(resumed.statusCode()).as(resumed.body()).isEqualTo(200);
			assertThat(output.getOut()).contains("action=schema.rollout.state caller=anonymous role=admin rollout=" + id
					+ " state=RUNNING wave=0");
			halted = await(http, location, "HALTED");
			assertThat(halted.get("currentWave").asInt()).isEqualTo(3);
			assertThat(halted.get("reason").asString()).contains("wave 3 (100%): 2 of 27 databases failed");
			JsonNode waves = halted.get("waves");
			assertThat(waves.get(0).get("counts").get("succeeded").asInt()).isEqualTo(5);
			assertThat(waves.get(1).get("counts").get("succeeded").asInt()).isEqualTo(6);
			assertThat(waves.get(2).get("counts").get("succeeded").asInt()).isEqualTo(22);
			assertThat(waves.get(3).get("counts").get("failed").asInt()).isEqualTo(2);
			assertThat(halted.get("items").get("content").get(0).get("state").asString()).isEqualTo("FAILED");
			assertThat(halted.get("items").get("content").get(1).get("state").asString()).isEqualTo("FAILED");
			assertThat(this.meters.get("registry.schema.rollout.waves").tag("wave", "3").tag("outcome", "halted")
				.counter().count()).isEqualTo(1);

			// Fixed again: the failures first, then the rest of wave 3.
			execute(created.get(40).databaseName(), "DROP TABLE rollout_marker");
			execute(created.get(50).databaseName(), "DROP TABLE rollout_marker");
			assertThat(http.post(location + "/resume", null).statusCode()).isEqualTo(200);
			JsonNode done = await(http, location, "COMPLETED");
			assertThat(done.get("counts").get("succeeded").asInt()).isEqualTo(DATABASES);
			for (ProjectView project : created) {
				assertThat(applications(project)).as(project.name()).isEqualTo(1);
			}

			// What ran is what the dry run planned: the same waves, the same migrations, from the same versions.
			Map<String, String> planned = new HashMap<>();
			plan.get("waves").forEach(wave -> wave.get("projects").forEach(project -> planned.put(
					project.get("projectId").asString(), wave.get("wave").asInt() + " " + project.get("fromVersion").asString()
							+ " " + project.get("migrations"))));
			Map<String, String> ran = new HashMap<>();
			json(http.get(location + "?size=200")).get("items").get("content").forEach(item -> ran.put(
					item.get("projectId").asString(), item.get("wave").asInt() + " " + item.get("fromVersion").asString()
							+ " " + item.get("applied")));
			assertThat(ran).isEqualTo(planned);
			JsonNode retried = json(http.get(location + "?size=200")).get("items").get("content").valueStream()
				.filter(item -> item.get("projectId").asString().equals(created.get(40).id().toString()))
				.findFirst()
				.orElseThrow();
			assertThat(retried.get("attempts").asInt()).isEqualTo(2);

			// The per-server limit held all along, and was reached.
			sampler.close();
			assertThat(sampler.most("default")).as("most project databases migrated at once on the server: "
					+ sampler.peak("default"))
				.isEqualTo(MAX_PER_SERVER);
			pauseResumeByHandCancelAndList(http, id);
		}
	}

	/** Waves of 6, 24 and 30 that pause after each: resume by hand once, then cancel; then the list pages. */
	private void pauseResumeByHandCancelAndList(Http http, String firstId) throws Exception {
		HttpResponse<String> started = http.post("/api/v1/schema-rollouts", "{\"projects\": [" + ids(created)
				+ "], \"waves\": [10, 50, 100], \"pauseBetweenWaves\": true}");
		assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
		String location = started.headers().firstValue("Location").orElseThrow();
		String id = json(started).get("id").asString();
		JsonNode paused = awaitWave(http, location, "PAUSED", 2);
		assertThat(paused.get("waves").get(0).get("counts").get("succeeded").asInt()).isEqualTo(6);
		assertThat(paused.get("counts").get("pending").asInt()).isEqualTo(DATABASES - 6);
		assertThat(paused.get("reason").asString()).contains("wave 1 (10%) passed");
		assertProblem(http.post("/api/v1/schema-rollouts", "{}"), 409, "schema-rollout-running");

		assertThat(http.post(location + "/resume", null).statusCode()).isEqualTo(200);
		paused = awaitWave(http, location, "PAUSED", 3);
		assertThat(paused.get("waves").get(1).get("counts").get("succeeded").asInt()).isEqualTo(24);

		HttpResponse<String> cancelled = http.post(location + "/cancel", null);
		assertThat(cancelled.statusCode()).as(cancelled.body()).isEqualTo(200);
		assertThat(json(cancelled).get("state").asString()).isEqualTo("CANCELLED");
		assertThat(json(cancelled).get("reason").asString()).isEqualTo("cancelled by anonymous");
		assertThat(json(cancelled).get("counts").get("skipped").asInt()).isEqualTo(30);
		assertThat(json(cancelled).get("finishedAt").isNull()).isFalse();
		assertProblem(http.post(location + "/resume", null), 409, "schema-rollout-not-resumable");
		assertProblem(http.post(location + "/cancel", null), 409, "schema-rollout-finished");

		// Newest first, one per page, the next page in the Link header.
		HttpResponse<String> first = http.get("/api/v1/schema-rollouts?size=1");
		assertThat(json(first).get("content").get(0).get("id").asString()).isEqualTo(id);
		String link = first.headers().firstValue("Link").orElseThrow();
		assertThat(link).endsWith(">; rel=\"next\"");
		HttpResponse<String> second = http.get(link.substring(1, link.indexOf('>')));
		assertThat(json(second).get("content").get(0).get("id").asString()).isEqualTo(firstId);
		assertThat(json(second).get("content").get(0).get("counts").get("succeeded").asInt()).isEqualTo(DATABASES);
		List<String> cancelledIds = json(http.get("/api/v1/schema-rollouts?state=CANCELLED&size=100")).get("content")
			.valueStream()
			.map(rollout -> rollout.get("id").asString())
			.toList();
		assertThat(cancelledIds).contains(id).doesNotContain(firstId);
		assertProblem(http.get("/api/v1/schema-rollouts?cursor=bm90IGEgY3Vyc29y"), 400, "invalid-request");
		assertProblem(http.post("/api/v1/schema-rollouts?dryRun=true", "{\"waves\": [50, 40]}"), 400, "invalid-request");
		assertProblem(http.post("/api/v1/schema-rollouts?dryRun=true", "{\"canary\": {\"count\": 1, \"projects\": [\""
				+ created.get(0).name() + "\"]}}"), 400, "invalid-request");
		assertProblem(http.post("/api/v1/schema-rollouts?dryRun=true", "{\"parallelism\": 2, \"maxPerServer\": 3}"), 400,
				"invalid-request");
	}

	private static JsonNode awaitWave(Http http, String location, String state, int wave) throws InterruptedException {
		long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
		while (true) {
			JsonNode rollout = json(http.get(location));
			boolean there = state.equals(rollout.get("state").asString()) && rollout.get("currentWave").asInt() == wave;
			if (there || System.nanoTime() > deadline) {
				assertThat(there).as(rollout.toString()).isTrue();
				return rollout;
			}
			Thread.sleep(100);
		}
	}

	@AfterAll
	static void dropTheDatabases() {
		cancelUnfinished();
		created.forEach(project -> service.delete(project.id(), null));
	}

	/** A failed run must not leave an unfinished rollout behind: it would refuse the next test's rollouts. */
	static void cancelUnfinished() {
		TestDatabase.get().execute("UPDATE schema_rollouts SET state = 'CANCELLED', finished_at = now() "
				+ "WHERE state IN ('RUNNING', 'PAUSED', 'HALTED')");
	}

	/** How often the V2 migration was applied to the project's database (its schema history). */
	private static long applications(ProjectView project) throws Exception {
		return count(project.databaseName(),
				"SELECT count(*) FROM registry_schema_history WHERE version = '2' AND success");
	}

	static String ids(List<ProjectView> projects) {
		return String.join(",", projects.stream().map(p -> "\"" + p.id() + "\"").toList());
	}

	static JsonNode await(Http http, String location, String state) throws InterruptedException {
		long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
		while (true) {
			JsonNode rollout = json(http.get(location));
			if (state.equals(rollout.get("state").asString()) || System.nanoTime() > deadline) {
				assertThat(rollout.get("state").asString()).as(rollout.toString()).isEqualTo(state);
				return rollout;
			}
			Thread.sleep(100);
		}
	}

}
