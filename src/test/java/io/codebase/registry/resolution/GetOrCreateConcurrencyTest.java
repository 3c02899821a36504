package io.codebase.registry.resolution;

import java.net.http.HttpResponse;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.codebase.registry.ProjectRegistryApplication;
import io.codebase.registry.project.CreationPolicy;
import io.codebase.registry.support.Http;
import io.codebase.registry.support.TestDatabase;
import io.codebase.registry.support.TestWorkspace;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import static io.codebase.registry.support.Http.json;
import static io.codebase.registry.support.Problems.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Invariant 3 (docs/architecture.md#invariants) with real threads, real HTTP and real PostgreSQL: simultaneous get-or-creates of one name give
 * one row, one database and one id to every caller, on one replica or two.
 */
// The wait bounds the 503 test's first request; it must still outlast one provisioning on a loaded 2-core
// machine (the races wait for the winner's CREATE DATABASE and schema), which took over 2 s in CI-like runs.
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = "registry.projects.provisioning-wait=10s")
class GetOrCreateConcurrencyTest {

	private static final int CALLERS = 50;

	private static final TestDatabase db = TestDatabase.get();

	@LocalServerPort
	int port;

	@Autowired
	MeterRegistry meters;

	@Test
	void fiftySimultaneousAutoCreatesOfOneNameGiveOneProject() throws Exception {
		String name = "crowd-" + UUID.randomUUID().toString().substring(0, 8);
		Http http = new Http(this.port);
		Timer placements = this.meters.get("registry.fleet.placement.duration").timer();
		long placedBefore = placements.count();

		List<JsonNode> answers = race(name, List.of(http));

		assertOneProject(name, answers);
		// On one replica the callers wait for the one attempt instead of each placing and inserting in turn.
		assertThat(placements.count() - placedBefore).isOne();
	}

	@Test
	void twoReplicasRacingOnOneDatabaseAgreeOnOneProject() throws Exception {
		String name = "replicas-" + UUID.randomUUID().toString().substring(0, 8);
		String id;
		try (ConfigurableApplicationContext second = startReplica()) {
			Http other = new Http(((WebServerApplicationContext) second).getWebServer().getPort());

			List<JsonNode> answers = race(name, List.of(new Http(this.port), other));

			id = assertOneProject(name, answers);
			// The replica that lost the race finds the project by id, with no session: it is a committed row.
			HttpResponse<String> byId = other.get("/api/v1/resolutions?project=" + id);
			assertThat(json(byId).get("project").get("name").asString()).isEqualTo(name);
		}
		// So does an application started afterwards (a restart), with a cold cache.
		try (ConfigurableApplicationContext restarted = startReplica()) {
			Resolution resolution = restarted.getBean(ResolutionService.class)
				.resolve(new ResolutionRequest(id, null, null, true, false), CreationPolicy.MAY_CREATE);
			assertThat(resolution.project().name()).isEqualTo(name);
			assertThat(resolution.tier()).isEqualTo(Tier.EXPLICIT);
		}
	}

	@Test
	void aFailedProjectIsProvisionedAgainByGetOrCreate() {
		Http http = new Http(this.port);
		String name = "failed-" + UUID.randomUUID().toString().substring(0, 8);
		JsonNode created = json(http.post("/api/v1/projects", "{\"name\": \"" + name + "\"}"));
		String databaseName = created.get("databaseName").asString();
		// As a crash would leave it: the database is gone and the row says why.
		db.execute("DROP DATABASE " + databaseName);
		db.execute("UPDATE projects SET state = 'FAILED', last_error = 'disk full' WHERE name = '" + name + "'");

		JsonNode resolved = json(http.post("/api/v1/resolutions", inline(name)));

		assertThat(resolved.get("project").get("state").asString()).isEqualTo("READY");
		assertThat(resolved.get("project").get("lastError").isNull()).isTrue();
		assertThat(resolved.get("created").asBoolean()).isFalse();
		assertThat(db.databaseExists(databaseName)).isTrue();
	}

	@Test
	void aProjectBeingProvisionedElsewhereIsWaitedForThenA503WithRetryAfter() throws Exception {
		Http http = new Http(this.port);
		String name = "elsewhere-" + UUID.randomUUID().toString().substring(0, 8);
		UUID id = UUID.randomUUID();
		String databaseName = "cb_proj_" + name.replace('-', '_') + "_" + id.toString().substring(0, 8);
		// Another replica owns the project, has committed the row and is creating the database.
		JsonNode resolved;
		try (Connection owner = db.holdOwnership(id)) {
			db.execute("INSERT INTO projects (id, name, database_name, state, server) VALUES ('" + id + "', '" + name + "', '"
					+ databaseName + "', 'PROVISIONING', 'default')");

			HttpResponse<String> busy = http.post("/api/v1/resolutions", inline(name));
			assertProblem(busy, 503, "project-provisioning");
			assertThat(busy.headers().firstValue("Retry-After")).hasValue("2");

			CompletableFuture<HttpResponse<String>> waiting = CompletableFuture
				.supplyAsync(() -> http.post("/api/v1/resolutions", inline(name)));
			Thread.sleep(500);
			db.execute("CREATE DATABASE " + databaseName);
			db.execute("UPDATE projects SET state = 'READY', version = version + 1 WHERE id = '" + id + "'");
			resolved = json(waiting.get());
		}
		assertThat(resolved.get("project").get("id").asString()).isEqualTo(id.toString());
		assertThat(resolved.get("project").get("state").asString()).isEqualTo("READY");
		assertThat(resolved.get("created").asBoolean()).isFalse();
	}

	/**
	 * Callers that find a project being provisioned wait for its owner in PostgreSQL, all of them through one lock
	 * wait (one connection, whatever their number), and are answered once the owner finishes and lets go.
	 */
	@Test
	void waitersForAnOwnerShareOneLockWaitAndAreAnsweredWhenItFinishes() throws Exception {
		Http http = new Http(this.port);
		String name = "awaited-" + UUID.randomUUID().toString().substring(0, 8);
		UUID id = UUID.randomUUID();
		String databaseName = "cb_proj_" + name.replace('-', '_') + "_" + id.toString().substring(0, 8);
		List<CompletableFuture<HttpResponse<String>>> waiting = new ArrayList<>();
		ExecutorService callers = Executors.newFixedThreadPool(20);
		try (Connection owner = db.holdOwnership(id)) {
			db.execute("INSERT INTO projects (id, name, database_name, state, server) VALUES ('" + id + "', '" + name
					+ "', '" + databaseName + "', 'PROVISIONING', 'default')");
			for (int i = 0; i < 20; i++) {
				waiting.add(CompletableFuture.supplyAsync(() -> http.post("/api/v1/resolutions", inline(name)), callers));
			}
			String waiters = "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND classid = "
					+ TestDatabase.OWNERSHIP_LOCK_CLASS + " AND objid = " + TestDatabase.ownershipLockObjid(id) + " AND objsubid = 2";
			await().atMost(Duration.ofSeconds(30)).until(() -> db.count(waiters) == 1);
			for (int sample = 0; sample < 15; sample++) {
				assertThat(db.count(waiters)).as("sessions waiting for the owner").isLessThanOrEqualTo(1);
				Thread.sleep(100);
			}
			db.execute("CREATE DATABASE " + databaseName);
			db.execute("UPDATE projects SET state = 'READY', version = version + 1 WHERE id = '" + id + "'");
		}
		for (CompletableFuture<HttpResponse<String>> answer : waiting) {
			JsonNode resolved = json(answer.get(60, TimeUnit.SECONDS));
			assertThat(resolved.get("project").get("id").asString()).isEqualTo(id.toString());
			assertThat(resolved.get("created").asBoolean()).isFalse();
		}
		callers.shutdown();
	}

	/** Another instance of the service on the same database, as a second replica would be. */
	private static ConfigurableApplicationContext startReplica() {
		return new SpringApplicationBuilder(ProjectRegistryApplication.class)
			.properties(TestDatabase.get().properties())
			.properties("registry.sessions.allowed-roots=" + TestWorkspace.ROOT)
			.run("--server.port=0");
	}

	@Test
	void aProvisioningAbandonedByACrashIsFinishedByTheNextGetOrCreate() {
		String name = "abandoned-" + UUID.randomUUID().toString().substring(0, 8);
		UUID id = UUID.randomUUID();
		String databaseName = "cb_proj_" + name.replace('-', '_') + "_" + id.toString().substring(0, 8);
		// Committed a moment ago by a replica that then died: nobody owns it, so it is finished at once.
		db.execute("INSERT INTO projects (id, name, database_name, state, server) VALUES ('" + id + "', '" + name
				+ "', '" + databaseName + "', 'PROVISIONING', 'default')");

		JsonNode resolved = json(new Http(this.port).post("/api/v1/resolutions", inline(name)));

		assertThat(resolved.get("project").get("id").asString()).isEqualTo(id.toString());
		assertThat(resolved.get("project").get("state").asString()).isEqualTo("READY");
		assertThat(db.databaseExists(databaseName)).isTrue();
	}

	private static List<JsonNode> race(String name, List<Http> replicas) throws Exception {
		CountDownLatch start = new CountDownLatch(1);
		ExecutorService pool = Executors.newFixedThreadPool(CALLERS);
		try {
			List<Future<HttpResponse<String>>> calls = new ArrayList<>();
			for (int i = 0; i < CALLERS; i++) {
				Http replica = replicas.get(i % replicas.size());
				calls.add(pool.submit(() -> {
					start.await();
					return replica.post("/api/v1/resolutions", inline(name));
				}));
			}
			start.countDown();
			List<JsonNode> answers = new ArrayList<>();
			for (Future<HttpResponse<String>> call : calls) {
				HttpResponse<String> response = call.get();
				assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
				answers.add(json(response));
			}
			return answers;
		}
		finally {
			pool.shutdownNow();
		}
	}

	private static String assertOneProject(String name, List<JsonNode> answers) {
		assertThat(answers).hasSize(CALLERS);
		assertThat(answers.stream().map(answer -> answer.get("project").get("id").asString()).distinct()).hasSize(1);
		assertThat(answers.stream().filter(answer -> answer.get("created").asBoolean())).hasSize(1);
		assertThat(answers).allSatisfy(answer -> assertThat(answer.get("project").get("state").asString()).isEqualTo("READY"));
		assertThat(db.count("SELECT count(*) FROM projects WHERE name_key = ?", name)).isEqualTo(1);
		assertThat(db.databasesStartingWith("cb_proj_" + name.replace('-', '_') + "_")).isEqualTo(1);
		return answers.get(0).get("project").get("id").asString();
	}

	private static String inline(String name) {
		return "{\"config\": {\"version\": \"1.0\", \"project\": {\"name\": \"" + name + "\"}}}";
	}

}
