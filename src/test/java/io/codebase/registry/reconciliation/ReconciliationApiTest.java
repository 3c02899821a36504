package io.codebase.registry.reconciliation;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.StreamSupport;

import io.codebase.registry.ProjectRegistryApplication;
import io.codebase.registry.reconciliation.DriftDetector.Detection;
import io.codebase.registry.reconciliation.DriftDetector.Scope;
import io.codebase.registry.reconciliation.ReconciliationProperties.MissingDatabasePolicy;
import io.codebase.registry.support.Http;
import io.codebase.registry.support.TestDatabase;
import io.codebase.registry.support.TestWorkspace;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import static io.codebase.registry.support.Http.json;
import static io.codebase.registry.support.Problems.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The reconciler against a real PostgreSQL and real directories: every kind of drift is made for real (databases
 * dropped or created behind the service's back, rows moved into the states a crash leaves), reported by GET
 * without changing anything, and repaired by POST. The database is shared with every other test class, so each
 * test asserts on its own projects and databases only, and only drops databases it created.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ExtendWith(OutputCaptureExtension.class)
class ReconciliationApiTest {

	private static final TestDatabase db = TestDatabase.get();

	@LocalServerPort
	int port;

	@Autowired
	Reconciler reconciler;

	@Autowired
	ReconciliationSchedule schedule;

	@Autowired
	DriftDetector detector;

	@Autowired
	MeterRegistry meters;

	Http http;

	private final List<String> createdDatabases = new ArrayList<>();

	@BeforeEach
	void setUp() {
		this.http = new Http(this.port);
	}

	@AfterEach
	void dropOwnDatabases() {
		this.createdDatabases.forEach(name -> db.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)"));
	}

	@Test
	void everyKindOfDriftIsReportedUnchangedThenRepaired(CapturedOutput output) throws Exception {
		String orphan = createDatabase("cb_proj_orphan_");
		JsonNode missing = create(null);
		db.execute("DROP DATABASE " + databaseOf(missing));
		JsonNode stuck = create(null);
		// A crash between committing the row and CREATE DATABASE.
		db.execute("DROP DATABASE " + databaseOf(stuck));
		setState(stuck, "PROVISIONING", "updated_at = now() - interval '1 hour'");
		JsonNode deleting = create(null);
		setState(deleting, "DELETING", "updated_at = now() - interval '1 hour'");
		JsonNode failed = create(null);
		setState(failed, "FAILED", "last_error = 'disk full'");
		Path moved = TestWorkspace.newDirectory("moved");
		JsonNode pathless = create(moved.toString());
		Files.delete(moved);
		String session = "rec-" + UUID.randomUUID();
		db.execute("INSERT INTO sessions (session_id, expires_at) VALUES ('" + session + "', now() - interval '1 minute')");

		JsonNode report = get("");
		assertThat(report.get("repairing").asBoolean()).isFalse();
		assertThat(drift(report, "ORPHAN_DATABASE", "databaseName", orphan).get("action").asString())
			.contains("drop-orphans=false");
		assertThat(drift(report, "MISSING_DATABASE", "projectId", id(missing)).get("action").asString())
			.contains("mark the project FAILED");
		assertThat(drift(report, "STUCK_PROVISIONING", "projectId", id(stuck))).isNotNull();
		assertThat(drift(report, "LEFTOVER_DELETING", "projectId", id(deleting))).isNotNull();
		assertThat(drift(report, "FAILED", "projectId", id(failed)).get("detail").asString()).isEqualTo("disk full");
		assertThat(drift(report, "MISSING_SOURCE_PATH", "projectId", id(pathless)).get("detail").asString())
			.contains("does not exist");
		assertThat(report.get("found").get("EXPIRED_SESSIONS").asLong()).isPositive();
		assertThat(report.get("found")).isEqualTo(report.get("remaining"));
		assertThat(report.get("repairs")).isEmpty();
		// A report changes nothing, and does not start an orphan's grace period.
		assertThat(state(missing)).isEqualTo("READY");
		assertThat(state(stuck)).isEqualTo("PROVISIONING");
		assertThat(state(deleting)).isEqualTo("DELETING");
		assertThat(db.count("SELECT count(*) FROM sessions WHERE session_id = ?", session)).isOne();
		assertThat(db.count("SELECT count(*) FROM orphan_databases WHERE database_name = ?", orphan)).isZero();
		assertThat(gauge("ORPHAN_DATABASE")).isPositive();

		HttpResponse<String> response = this.http.post("/api/v1/reconciliation", null);
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		JsonNode run = json(response);
		assertThat(run.get("repairing").asBoolean()).isTrue();

		assertThat(repair(run, id(stuck)).get("outcome").asString()).isEqualTo("REPAIRED");
		assertThat(state(stuck)).isEqualTo("READY");
		assertThat(db.databaseExists(databaseOf(stuck))).isTrue();

		assertThat(repair(run, id(deleting)).get("outcome").asString()).isEqualTo("REPAIRED");
		assertThat(db.count("SELECT count(*) FROM projects WHERE id = ?::uuid", id(deleting))).isZero();
		assertThat(db.databaseExists(databaseOf(deleting))).isFalse();

		// Default policy MARK_FAILED: no empty database appears under a project that had data.
		assertThat(repair(run, id(missing)).get("detail").asString()).startsWith("marked FAILED");
		assertThat(state(missing)).isEqualTo("FAILED");
		assertThat(db.databaseExists(databaseOf(missing))).isFalse();
		assertThat(db.count("SELECT count(*) FROM projects WHERE id = ?::uuid AND last_error LIKE '%is missing%'",
				id(missing))).isOne();

		// retry-failed=false and drop-orphans=false: reported, left alone; the orphan's first sighting is recorded.
		assertThat(findRepair(run, id(failed))).isNull();
		assertThat(state(failed)).isEqualTo("FAILED");
		assertThat(db.databaseExists(orphan)).isTrue();
		assertThat(db.count("SELECT count(*) FROM orphan_databases WHERE database_name = ?", orphan)).isOne();
		assertThat(db.count("SELECT count(*) FROM sessions WHERE session_id = ?", session)).isZero();
		assertThat(run.get("remaining").get("EXPIRED_SESSIONS").asLong()).isZero();
		assertThat(run.get("remaining").get("STUCK_PROVISIONING").asLong()).isZero();

		JsonNode after = get("");
		assertThat(findDrift(after, "STUCK_PROVISIONING", "projectId", id(stuck))).isNull();
		assertThat(findDrift(after, "MISSING_DATABASE", "projectId", id(missing))).isNull();
		assertThat(drift(after, "FAILED", "projectId", id(missing))).isNotNull();
		assertThat(drift(after, "ORPHAN_DATABASE", "databaseName", orphan).get("since").isNull()).isFalse();
		assertThat(counter("registry.reconciliation.repairs", "kind", "STUCK_PROVISIONING")).isPositive();
		// Each repair is an audit event of the caller who asked for the run (no keys: anonymous).
		assertThat(output.getOut()).containsPattern("audit action=reconciliation.repair caller=anonymous role=admin "
				+ "kind=STUCK_PROVISIONING outcome=REPAIRED project=" + id(stuck));
	}

	@Test
	void theOtherPoliciesReprovisionMissingDatabasesAndRetryFailedProjects() {
		JsonNode missing = create(null);
		db.execute("DROP DATABASE " + databaseOf(missing));
		JsonNode failed = create(null);
		db.execute("DROP DATABASE " + databaseOf(failed));
		setState(failed, "FAILED", "last_error = 'disk full'");

		try (ConfigurableApplicationContext instance = startInstance("registry.reconciliation.missing-database=REPROVISION",
				"registry.reconciliation.retry-failed=true")) {
			JsonNode run = json(new Http(portOf(instance)).post("/api/v1/reconciliation?kind=MISSING_DATABASE&kind=failed", null));

			assertThat(repair(run, id(missing)).get("outcome").asString()).isEqualTo("REPAIRED");
			assertThat(state(missing)).isEqualTo("READY");
			assertThat(db.databaseExists(databaseOf(missing))).isTrue();
			assertThat(repair(run, id(failed)).get("outcome").asString()).isEqualTo("REPAIRED");
			assertThat(state(failed)).isEqualTo("READY");
			assertThat(db.databaseExists(databaseOf(failed))).isTrue();
			// Only the kinds asked for are looked at and counted.
			assertThat(run.get("found").propertyNames()).containsExactlyInAnyOrder("MISSING_DATABASE", "FAILED");
		}
	}

	@Test
	void orphansAreDroppedOnlyWhenEnabledAndPastTheGracePeriod() {
		// A prefix of its own, so that this instance sees no other test's databases as managed.
		String young = createDatabase("rcdrop_young_");
		String old = createDatabase("rcdrop_old_");
		String unmanaged = "rcdrop_not_managed_" + suffix().substring(0, 4);
		db.execute("CREATE DATABASE " + unmanaged);
		this.createdDatabases.add(unmanaged);

		try (ConfigurableApplicationContext instance = startInstance("registry.provisioning.database-prefix=rcdrop_",
				"registry.reconciliation.drop-orphans=true", "registry.reconciliation.orphan-grace-period=1h")) {
			Http other = new Http(portOf(instance));
			JsonNode first = json(other.post("/api/v1/reconciliation?kind=ORPHAN_DATABASE", null));
			assertThat(drift(first, "ORPHAN_DATABASE", "databaseName", old).get("action").asString()).startsWith("drop it after");
			assertThat(first.get("repairs")).isEmpty();
			assertThat(db.databaseExists(old)).isTrue();
			assertThat(findDrift(first, "ORPHAN_DATABASE", "databaseName", unmanaged)).isNull();

			db.execute("UPDATE orphan_databases SET first_seen_at = now() - interval '2 hours' WHERE database_name = '" + old + "'");
			JsonNode second = json(other.post("/api/v1/reconciliation?kind=ORPHAN_DATABASE", null));

			assertThat(second.get("repairs")).hasSize(1);
			assertThat(repairOf(second, "databaseName", old).get("outcome").asString()).isEqualTo("REPAIRED");
			assertThat(db.databaseExists(old)).isFalse();
			assertThat(db.count("SELECT count(*) FROM orphan_databases WHERE database_name = ?", old)).isZero();
			assertThat(db.databaseExists(young)).isTrue();
			assertThat(db.databaseExists(unmanaged)).isTrue();
		}
	}

	@Test
	void aRunHoldingTheLockMakesOtherReplicasSkip() throws Exception {
		JsonNode missing = create(null);
		db.execute("DROP DATABASE " + databaseOf(missing));
		try (ConfigurableApplicationContext second = startInstance();
				Connection rowLock = db.connect()) {
			// This replica's run blocks on the project row, holding the reconciliation lock, until the test lets go.
			rowLock.setAutoCommit(false);
			try (Statement statement = rowLock.createStatement()) {
				statement.execute("SELECT 1 FROM projects WHERE id = '" + id(missing) + "' FOR UPDATE");
			}
			CompletableFuture<HttpResponse<String>> first = CompletableFuture
				.supplyAsync(() -> this.http.post("/api/v1/reconciliation?kind=MISSING_DATABASE", null));
			awaitLockHeld();

			HttpResponse<String> refused = new Http(portOf(second)).post("/api/v1/reconciliation", null);
			assertProblem(refused, 409, "reconciliation-running");
			assertThat(refused.headers().firstValue("Retry-After")).hasValue("5");
			double skipped = counter("registry.reconciliation.runs", "result", "skipped");
			this.schedule.run();
			assertThat(counter("registry.reconciliation.runs", "result", "skipped")).isEqualTo(skipped + 1);
			assertThat(first).isNotDone();

			rowLock.commit();
			HttpResponse<String> done = first.get();
			assertThat(done.statusCode()).as(done.body()).isEqualTo(200);
			assertThat(repair(json(done), id(missing)).get("outcome").asString()).isEqualTo("REPAIRED");
			// The lock is released: the other replica runs now.
			assertThat(new Http(portOf(second)).post("/api/v1/reconciliation?kind=FAILED", null).statusCode()).isEqualTo(200);
		}
	}

	@Test
	void theScheduleRepairsOnItsOwn() throws Exception {
		JsonNode stuck = create(null);
		setState(stuck, "PROVISIONING", "updated_at = now() - interval '1 hour'");
		try (ConfigurableApplicationContext instance = startInstance("registry.reconciliation.enabled=true",
				"registry.reconciliation.interval=200ms")) {
			// The run that repaired the project counts itself only when it ends, a moment after the repair commits.
			Counter completed = instance.getBean(MeterRegistry.class).get("registry.reconciliation.runs")
				.tag("trigger", "schedule").tag("result", "completed").counter();
			long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
			while (!(state(stuck).equals("READY") && completed.count() > 0) && System.nanoTime() < deadline) {
				Thread.sleep(100);
			}
			assertThat(state(stuck)).isEqualTo("READY");
			assertThat(completed.count()).isPositive();
		}
	}

	/**
	 * Between full runs, a run looks only at projects whose row changed and those not READY: a settled project whose
	 * database vanished behind the registry's back waits for the next full run; a changed one, a FAILED one and an
	 * orphan database are found at once; the drift gauges of settled projects keep the full run's count.
	 */
	@Test
	void aRunOverChangedProjectsFindsWhatChangedAndLeavesSettledProjectsToTheFullRun() {
		JsonNode settled = create(null);
		JsonNode changed = create(null);
		JsonNode failed = create(null);
		setState(failed, "FAILED", "last_error = 'disk full', updated_at = now() - interval '1 day'");
		Instant since = Instant.now();
		db.execute("UPDATE projects SET updated_at = now() - interval '1 day' WHERE id IN ('" + id(settled) + "', '"
				+ id(changed) + "')");
		db.execute("DROP DATABASE " + databaseOf(settled));
		db.execute("DROP DATABASE " + databaseOf(changed));
		db.execute("UPDATE projects SET description = 'changed', updated_at = now() WHERE id = '" + id(changed) + "'");
		String orphan = createDatabase("cb_proj_scope_");

		Detection recent = this.detector.detect(Instant.now(), false, Scope.changedOrUnsettledSince(since));

		assertThat(kindsOf(recent, id(changed))).containsExactly(DriftKind.MISSING_DATABASE);
		assertThat(kindsOf(recent, id(settled))).isEmpty();
		assertThat(kindsOf(recent, id(failed))).containsExactly(DriftKind.FAILED);
		assertThat(recent.sightings()).anyMatch(sighting -> orphan.equals(sighting.databaseName())
				&& sighting.kind() == DriftKind.ORPHAN_DATABASE);
		long projects = db.count("SELECT count(*) FROM projects");
		assertThat(recent.projectsLooked()).isGreaterThanOrEqualTo(2).isLessThan(projects);
		assertThat(recent.complete()).doesNotContain(DriftKind.MISSING_DATABASE).contains(DriftKind.ORPHAN_DATABASE);

		JsonNode report = get("?kind=MISSING_DATABASE&changedSince=" + since);
		assertThat(report.get("changedSince").asString()).isEqualTo(since.toString());
		assertThat(report.get("projectsChecked").asLong()).isGreaterThanOrEqualTo(2).isLessThan(projects);
		assertThat(findDrift(report, "MISSING_DATABASE", "projectId", id(settled))).isNull();
		assertThat(drift(report, "MISSING_DATABASE", "projectId", id(changed))).isNotNull();
		assertProblem(this.http.get("/api/v1/reconciliation?changedSince=yesterday"), 400, "invalid-request");

		Detection full = this.detector.detect(Instant.now(), false, Scope.EVERY_PROJECT);

		assertThat(kindsOf(full, id(settled))).containsExactly(DriftKind.MISSING_DATABASE);
		assertThat(full.projectsLooked()).isEqualTo(projects);
		// The report is a full look; the gauges it sets are not lowered by a look at changed projects only.
		get("");
		double missing = gauge("MISSING_DATABASE");
		assertThat(missing).isGreaterThanOrEqualTo(2);
		Optional<ReconciliationReport> run = this.reconciler.reconcile(EnumSet.of(DriftKind.ORPHAN_DATABASE),
				ReconciliationMetrics.Trigger.API, Scope.changedOrUnsettledSince(Instant.now()));
		assertThat(run).isPresent();
		assertThat(gauge("MISSING_DATABASE")).isEqualTo(missing);
		assertThat(this.meters.get("registry.reconciliation.duration").tag("scope", "changed").timer().count()).isPositive();
		assertThat(this.meters.get("registry.reconciliation.projects.checked").tag("scope", "every-project").counter()
			.count()).isGreaterThanOrEqualTo(projects);
		db.execute("DELETE FROM projects WHERE id IN ('" + id(settled) + "', '" + id(changed) + "', '" + id(failed) + "')");
	}

	@Test
	void theScheduleLooksAtEveryProjectFirstThenAtChangesUntilTheFullIntervalIsOver() {
		Instant now = Instant.now();
		ReconciliationSchedule fresh = new ReconciliationSchedule(this.reconciler, new ReconciliationProperties(true,
				Duration.ofMinutes(1), MissingDatabasePolicy.MARK_FAILED, false, false, Duration.ofHours(24),
				Duration.ofMinutes(10)));
		assertThat(fresh.scopeAt(now).everyProject()).isTrue();

		fresh.run();

		Scope next = fresh.scopeAt(Instant.now());
		assertThat(next.everyProject()).isFalse();
		// Since the run began, less the five-minute margin for clocks and open transactions.
		assertThat(next.changedSince()).isBetween(now.minus(Duration.ofMinutes(5)), Instant.now().minus(Duration.ofMinutes(5)));
		assertThat(fresh.scopeAt(Instant.now().plus(Duration.ofMinutes(10))).everyProject()).isTrue();
	}

	@Test
	void badInputGetsAProblem() {
		JsonNode problem = assertProblem(this.http.get("/api/v1/reconciliation?kind=EVERYTHING"), 400, "invalid-request");
		assertThat(problem.get("detail").asString()).contains("EVERYTHING", "ORPHAN_DATABASE");
		assertProblem(this.http.post("/api/v1/reconciliation?kind=FAILED,nope", null), 400, "invalid-request");
		assertProblem(this.http.send("PUT", "/api/v1/reconciliation", "{}", Map.of()), 405, null);
	}

	private static List<DriftKind> kindsOf(Detection detection, String projectId) {
		return detection.sightings().stream()
			.filter(sighting -> sighting.projectId() != null && sighting.projectId().toString().equals(projectId))
			.map(DriftDetector.Sighting::kind)
			.toList();
	}

	private JsonNode get(String query) {
		HttpResponse<String> response = this.http.get("/api/v1/reconciliation" + query);
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		return json(response);
	}

	private JsonNode create(String sourcePath) {
		String body = "{\"name\": \"reconciled " + suffix() + "\""
				+ (sourcePath != null ? ", \"sourcePath\": \"" + sourcePath + "\"" : "") + "}";
		HttpResponse<String> response = this.http.post("/api/v1/projects", body);
		assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
		return json(response);
	}

	/** A database with the managed shape under this prefix, and no project. */
	private String createDatabase(String prefix) {
		String name = prefix + suffix();
		db.execute("CREATE DATABASE " + name);
		this.createdDatabases.add(name);
		return name;
	}

	private static String suffix() {
		return UUID.randomUUID().toString().substring(0, 8);
	}

	private static void setState(JsonNode project, String state, String also) {
		db.execute("UPDATE projects SET state = '" + state + "', " + also + " WHERE id = '" + id(project) + "'");
	}

	private static String state(JsonNode project) {
		return db.strings("SELECT state FROM projects WHERE id = ?::uuid", id(project)).stream().findFirst().orElse("GONE");
	}

	private static String id(JsonNode project) {
		return project.get("id").asString();
	}

	private static String databaseOf(JsonNode project) {
		return project.get("databaseName").asString();
	}

	private static JsonNode drift(JsonNode report, String kind, String field, String value) {
		JsonNode drift = findDrift(report, kind, field, value);
		assertThat(drift).as(kind + " of " + value + " in " + report).isNotNull();
		return drift;
	}

	private static JsonNode findDrift(JsonNode report, String kind, String field, String value) {
		return StreamSupport.stream(report.get("drifts").spliterator(), false)
			.filter(drift -> drift.get("kind").asString().equals(kind) && value.equals(drift.get(field).asString()))
			.findFirst()
			.orElse(null);
	}

	private static JsonNode repair(JsonNode report, String projectId) {
		JsonNode repair = findRepair(report, projectId);
		assertThat(repair).as("repair of " + projectId + " in " + report).isNotNull();
		return repair;
	}

	private static JsonNode findRepair(JsonNode report, String projectId) {
		return StreamSupport.stream(report.get("repairs").spliterator(), false)
			.filter(repair -> projectId.equals(repair.get("projectId").asString()))
			.findFirst()
			.orElse(null);
	}

	private static JsonNode repairOf(JsonNode report, String field, String value) {
		return StreamSupport.stream(report.get("repairs").spliterator(), false)
			.filter(repair -> value.equals(repair.get(field).asString()))
			.findFirst()
			.orElseThrow();
	}

	private double gauge(String kind) {
		return this.meters.get("registry.drift").tag("kind", kind).gauge().value();
	}

	private double counter(String name, String tag, String value) {
		return this.meters.find(name).tag(tag, value).counters().stream().mapToDouble(c -> c.count()).sum();
	}

	/** Waits until some session holds the reconciliation lock (pg_locks shows a bigint key as two halves). */
	private static void awaitLockHeld() throws InterruptedException {
		long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
		while (db.count("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted AND classid = ?::oid"
				+ " AND objid = ?::oid AND objsubid = 1", String.valueOf(ReconciliationLock.KEY >>> 32),
				String.valueOf(ReconciliationLock.KEY & 0xFFFFFFFFL)) == 0) {
			assertThat(System.nanoTime()).as("the reconciliation lock was never taken").isLessThan(deadline);
			Thread.sleep(20);
		}
	}

	/** Another instance of the service on the same database, as another replica would be. */
	private static ConfigurableApplicationContext startInstance(String... properties) {
		return new SpringApplicationBuilder(ProjectRegistryApplication.class)
			.properties(TestDatabase.get().properties())
			.properties("registry.sessions.allowed-roots=" + TestWorkspace.ROOT, "registry.reconciliation.enabled=false")
			.properties(properties)
			.run("--server.port=0");
	}

	private static int portOf(ConfigurableApplicationContext context) {
		return ((WebServerApplicationContext) context).getWebServer().getPort();
	}

}
