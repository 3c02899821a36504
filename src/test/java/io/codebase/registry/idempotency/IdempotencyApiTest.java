package io.codebase.registry.idempotency;

import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import io.codebase.registry.security.Caller;
import io.codebase.registry.security.Role;
import io.codebase.registry.support.Http;
import io.codebase.registry.support.TestDatabase;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.context.SecurityContextHolder;

import static io.codebase.registry.support.Http.json;
import static io.codebase.registry.support.Problems.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Retry-safe writes over real HTTP on a real PostgreSQL, with two admin API keys: a create whose answer was lost
 * happens once however often it is retried; a reused key with another request is refused; a retry while the first
 * request runs is told to wait; keys of different callers never meet; bad keys are refused; transient outcomes are
 * not kept; expired keys are purged.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
		"registry.security.keys[0].name=idem-a", "registry.security.keys[0].role=admin",
		"registry.security.keys[0].key=" + IdempotencyApiTest.KEY_A,
		"registry.security.keys[1].name=idem-b", "registry.security.keys[1].role=admin",
		"registry.security.keys[1].key=" + IdempotencyApiTest.KEY_B })
class IdempotencyApiTest {

	static final String KEY_A = "idem-admin-a-7c2e91f04b";

	static final String KEY_B = "idem-admin-b-3d5a08e6c1";

	/** The reconciler's advisory lock ({@code ReconciliationLock.KEY}, "registry" as a bigint). */
	private static final long RECONCILIATION_LOCK = 0x7265676973747279L;

	private static final TestDatabase db = TestDatabase.get();

	@LocalServerPort
	int port;

	@Autowired
	MeterRegistry meters;

	@Autowired
	IdempotencyStore store;

	@Autowired
	IdempotencyFilter filter;

	Http http;

	String unique;

	@BeforeEach
	void setUp() {
		this.http = new Http(this.port);
		this.unique = UUID.randomUUID().toString().substring(0, 8);
	}

	@AfterEach
	void clearSecurityContext() {
		SecurityContextHolder.clearContext();
	}

	@Test
	void aCreateWhoseAnswerWasLostHappensOnceHoweverOftenItIsRetried() throws Exception {
		String name = "idem-lost-" + this.unique;
		String body = "{\"name\": \"" + name + "\"}";
		String key = UUID.randomUUID().toString();
		long databases = db.databaseCount();
		double replayedBefore = outcome("replayed");

		// The client sends the create and goes away without reading a byte of the answer.
		sendAndHangUp(body, key);
		long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
		while (keyRows("idem-a", key) == 0) {
			assertThat(System.nanoTime()).as("the server never claimed the key").isLessThan(deadline);
			Thread.sleep(5);
		}

		// 100 retries, 20 at a time; a retry told 409 idempotency-key-in-use waits and tries again, as clients do.
		AtomicInteger inUse = new AtomicInteger();
		ExecutorService pool = Executors.newFixedThreadPool(20);
		List<Future<HttpResponse<String>>> retries = new ArrayList<>();
		long started = System.nanoTime();
		try {
			for (int i = 0; i < 100; i++) {
				retries.add(pool.submit(() -> retryUntilFinished(body, key, inUse)));
			}
			List<HttpResponse<String>> answers = new ArrayList<>();
			for (Future<HttpResponse<String>> retry : retries) {
				answers.add(retry.get());
			}
			System.out.printf("[IdempotencyApiTest] 100 retries in %d ms; %d answers were 409 idempotency-key-in-use "
					+ "before the first request finished%n", Duration.ofNanos(System.nanoTime() - started).toMillis(), inUse.get());

			assertThat(answers.stream().map(HttpResponse::statusCode).collect(Collectors.toSet())).containsExactly(201);
			assertThat(answers.stream().map(HttpResponse::body).collect(Collectors.toSet())).hasSize(1);
			assertThat(answers.stream().map(answer -> answer.headers().firstValue("Location").orElse("none"))
				.collect(Collectors.toSet())).hasSize(1);
			assertThat(answers).allSatisfy(answer ->
					assertThat(answer.headers().firstValue("Idempotency-Replayed")).hasValue("true"));
			JsonNode project = json(answers.get(0));
			String id = project.get("id").asString();
			assertThat(answers.get(0).headers().firstValue("Location")).hasValue("/api/v1/projects/" + id);
			assertThat(answers.get(0).headers().firstValue("ETag")).hasValue("\"" + project.get("version").asLong() + "\"");
			assertThat(db.count("SELECT count(*) FROM projects WHERE name = ?", name)).isEqualTo(1);
			assertThat(db.count("SELECT count(*) FROM projects WHERE name = ? AND id = ?::uuid", name, id)).isEqualTo(1);
			assertThat(db.databasesStartingWith("cb_proj_idem_lost_" + this.unique)).isEqualTo(1);
			assertThat(db.databaseExists(project.get("databaseName").asString())).isTrue();
			assertThat(db.databaseCount()).isEqualTo(databases + 1);
			assertThat(db.count("SELECT count(*) FROM idempotency_keys WHERE caller = 'idem-a' AND idempotency_key = ?"
					+ " AND state = 'DONE' AND status = 201", key)).isEqualTo(1);
			assertThat(outcome("replayed") - replayedBefore).isEqualTo(100);
		}
		finally {
			pool.shutdownNow();
		}
	}

	@Test
	void theSameKeyWithAnotherRequestIs422AndWritesNothing() {
		String key = UUID.randomUUID().toString();
		HttpResponse<String> first = post("/api/v1/projects", "{\"name\": \"idem-first-" + this.unique + "\"}", KEY_A, key);
		assertThat(first.statusCode()).as(first.body()).isEqualTo(201);
		assertThat(first.headers().firstValue("Idempotency-Replayed")).isEmpty();
		String id = json(first).get("id").asString();
		double mismatches = outcome("mismatch");

		JsonNode problem = assertProblem(post("/api/v1/projects", "{\"name\": \"idem-other-" + this.unique + "\"}", KEY_A, key),
				422, "idempotency-key-reused");
		assertThat(problem.get("detail").asString()).contains("another request");
		assertProblem(post("/api/v1/projects/" + id + "/provision", null, KEY_A, key), 422, "idempotency-key-reused");
		assertProblem(post("/api/v1/projects?x=1", "{\"name\": \"idem-first-" + this.unique + "\"}", KEY_A, key),
				422, "idempotency-key-reused");

		assertThat(db.count("SELECT count(*) FROM projects WHERE name = ?", "idem-other-" + this.unique)).isZero();
		assertThat(db.databasesStartingWith("cb_proj_idem_other_" + this.unique)).isZero();
		assertThat(outcome("mismatch") - mismatches).isEqualTo(3);
		HttpResponse<String> replayed = post("/api/v1/projects", "{\"name\": \"idem-first-" + this.unique + "\"}", KEY_A, key);
		assertThat(replayed.statusCode()).isEqualTo(201);
		assertThat(replayed.body()).isEqualTo(first.body());
		assertThat(replayed.headers().firstValue("Idempotency-Replayed")).hasValue("true");
	}

	@Test
	void aRetryWhileTheFirstRunsIs409WithRetryAfterAndAnAbandonedClaimIsTakenOver() throws Exception {
		String name = "idem-running-" + this.unique;
		String body = "{\"name\": \"" + name + "\"}";
		String key = UUID.randomUUID().toString();
		// The first request, still running on some replica: its claim, as the filter writes it.
		claim("idem-a", key, Fingerprint.of("POST", "/api/v1/projects", null, body.getBytes(StandardCharsets.UTF_8)),
				"1 minute");

		HttpResponse<String> running = post("/api/v1/projects", body, KEY_A, key);

		assertProblem(running, 409, "idempotency-key-in-use");
		assertThat(running.headers().firstValue("Retry-After").map(Long::parseLong)).hasValueSatisfying(
				seconds -> assertThat(seconds).isBetween(1L, 5L));
		assertThat(db.count("SELECT count(*) FROM projects WHERE name = ?", name)).isZero();
		// Another request under a running key is refused as a reuse, not told to wait.
		assertProblem(post("/api/v1/projects", "{\"name\": \"idem-else-" + this.unique + "\"}", KEY_A, key), 422,
				"idempotency-key-reused");

		// The replica died: once the claim is past its in-progress timeout, a retry takes it over and runs.
		db.execute("UPDATE idempotency_keys SET locked_until = now() - interval '1 second' WHERE idempotency_key = '" + key + "'");
		HttpResponse<String> takenOver = post("/api/v1/projects", body, KEY_A, key);
		assertThat(takenOver.statusCode()).as(takenOver.body()).isEqualTo(201);
		assertThat(takenOver.headers().firstValue("Idempotency-Replayed")).isEmpty();
		assertThat(db.count("SELECT count(*) FROM projects WHERE name = ?", name)).isEqualTo(1);
		assertThat(post("/api/v1/projects", body, KEY_A, key).body()).isEqualTo(takenOver.body());
	}

	@Test
	void anAbandonedClaimOfAnotherRequestIsNotTakenOver() throws Exception {
		String key = UUID.randomUUID().toString();
		claim("idem-a", key, Fingerprint.of("POST", "/api/v1/projects", null, "{}".getBytes(StandardCharsets.UTF_8)),
				"-1 second");

		assertProblem(post("/api/v1/projects", "{\"name\": \"idem-abandoned-" + this.unique + "\"}", KEY_A, key), 422,
				"idempotency-key-reused");
		assertThat(db.count("SELECT count(*) FROM projects WHERE name = ?", "idem-abandoned-" + this.unique)).isZero();
	}

	@Test
	void keysOfDifferentCallersNeverMeet() {
		String key = UUID.randomUUID().toString();
		HttpResponse<String> a = post("/api/v1/projects", "{\"name\": \"idem-of-a-" + this.unique + "\"}", KEY_A, key);
		HttpResponse<String> b = post("/api/v1/projects", "{\"name\": \"idem-of-b-" + this.unique + "\"}", KEY_B, key);

		assertThat(a.statusCode()).as(a.body()).isEqualTo(201);
		assertThat(b.statusCode()).as(b.body()).isEqualTo(201);
		assertThat(b.headers().firstValue("Idempotency-Replayed")).isEmpty();
		assertThat(json(b).get("id")).isNotEqualTo(json(a).get("id"));
		assertThat(db.count("SELECT count(*) FROM idempotency_keys WHERE idempotency_key = ?", key)).isEqualTo(2);
		assertThat(post("/api/v1/projects", "{\"name\": \"idem-of-b-" + this.unique + "\"}", KEY_B, key).body())
			.isEqualTo(b.body());
		// The same body under B's key is B's request: A's stored outcome is never shown to B.
		assertProblem(post("/api/v1/projects", "{\"name\": \"idem-of-a-" + this.unique + "\"}", KEY_B, key), 422,
				"idempotency-key-reused");
	}

	@ParameterizedTest
	@ValueSource(strings = { "256", "\"\"", "\"unterminated", "\"a\"b\"", "\"bad\\escape\"", "tab\there" })
	void anInvalidKeyIs400AndWritesNothing(String key) {
		String name = "idem-bad-key-" + this.unique;
		HttpResponse<String> response = post("/api/v1/projects", "{\"name\": \"" + name + "\"}", KEY_A,
				key.equals("256") ? "k".repeat(256) : key);

		JsonNode problem = assertProblem(response, 400, "invalid-idempotency-key");
		assertThat(problem.get("detail").asString()).contains("1 to 255 printable ASCII characters");
		assertThat(db.count("SELECT count(*) FROM projects WHERE name = ?", name)).isZero();
	}

	@Test
	void twoKeysInOneRequestAre400() throws Exception {
		String name = "idem-two-keys-" + this.unique;
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + "/api/v1/projects"))
			.POST(HttpRequest.BodyPublishers.ofString("{\"name\": \"" + name + "\"}"))
			.header("Content-Type", "application/json").header("X-API-Key", KEY_A)
			.header("Idempotency-Key", "one").header("Idempotency-Key", "two")
			.build();

		assertProblem(HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString()), 400,
				"invalid-idempotency-key");
		assertThat(db.count("SELECT count(*) FROM projects WHERE name = ?", name)).isZero();
	}

	@Test
	void aQuotedKeyIsTheSameKeyAsItsBareValue() {
		String key = UUID.randomUUID().toString();
		HttpResponse<String> first = post("/api/v1/projects", "{\"name\": \"idem-quoted-" + this.unique + "\"}", KEY_A,
				"\"" + key + "\"");
		assertThat(first.statusCode()).as(first.body()).isEqualTo(201);

		HttpResponse<String> bare = post("/api/v1/projects", "{\"name\": \"idem-quoted-" + this.unique + "\"}", KEY_A, key);
		assertThat(bare.headers().firstValue("Idempotency-Replayed")).hasValue("true");
		assertThat(bare.body()).isEqualTo(first.body());
	}

	@Test
	void anAnswerWithRetryAfterIsNotKeptSoTheRetryRuns() throws Exception {
		String key = UUID.randomUUID().toString();
		String path = "/api/v1/reconciliation?kind=EXPIRED_SESSIONS";
		try (Connection holder = db.connect(); Statement lock = holder.createStatement()) {
			lock.execute("SELECT pg_advisory_lock(" + RECONCILIATION_LOCK + ")");
			HttpResponse<String> busy = post(path, null, KEY_A, key);
			assertProblem(busy, 409, "reconciliation-running");
			assertThat(busy.headers().firstValue("Retry-After")).isPresent();
			assertThat(keyRows("idem-a", key)).isZero();
			lock.execute("SELECT pg_advisory_unlock(" + RECONCILIATION_LOCK + ")");
		}

		HttpResponse<String> ran = post(path, null, KEY_A, key);
		assertThat(ran.statusCode()).as(ran.body()).isEqualTo(200);
		assertThat(ran.headers().firstValue("Idempotency-Replayed")).isEmpty();
		HttpResponse<String> replayed = post(path, null, KEY_A, key);
		assertThat(replayed.headers().firstValue("Idempotency-Replayed")).hasValue("true");
		assertThat(replayed.body()).isEqualTo(ran.body());
	}

	@Test
	void aServerErrorOrAFailedHandlerReleasesTheKey() throws Exception {
		SecurityContextHolder.getContext().setAuthentication(
				UsernamePasswordAuthenticationToken.authenticated(new Caller("idem-a", Role.ADMIN), null, List.of()));
		String key = UUID.randomUUID().toString();

		MockHttpServletResponse failed = new MockHttpServletResponse();
		this.filter.doFilter(createRequest(key), failed, (request, response) -> {
			((jakarta.servlet.http.HttpServletResponse) response).setStatus(500);
			response.getWriter().write("{\"status\": 500}");
		});
		assertThat(failed.getStatus()).isEqualTo(500);
		assertThat(failed.getContentAsString()).isEqualTo("{\"status\": 500}");
		assertThat(keyRows("idem-a", key)).isZero();

		assertThatIllegalStateException().isThrownBy(() -> this.filter.doFilter(createRequest(key),
				new MockHttpServletResponse(), (request, response) -> {
					throw new IllegalStateException("the handler broke");
				}));
		assertThat(keyRows("idem-a", key)).isZero();

		MockHttpServletResponse created = new MockHttpServletResponse();
		this.filter.doFilter(createRequest(key), created, (request, response) -> {
			assertThat(request.getInputStream().readAllBytes()).asString().isEqualTo("{\"name\": \"x\"}");
			((jakarta.servlet.http.HttpServletResponse) response).setStatus(201);
			response.getWriter().write("{\"id\": 1}");
		});
		assertThat(created.getContentAsString()).isEqualTo("{\"id\": 1}");
		assertThat(db.count("SELECT count(*) FROM idempotency_keys WHERE caller = 'idem-a' AND idempotency_key = ?"
				+ " AND state = 'DONE' AND status = 201", key)).isEqualTo(1);
	}

	@Test
	void expiredKeysAreForgottenAndPurgedInBatches() throws Exception {
		String key = UUID.randomUUID().toString();
		assertThat(post("/api/v1/projects", "{\"name\": \"idem-old-" + this.unique + "\"}", KEY_A, key).statusCode())
			.isEqualTo(201);
		db.execute("UPDATE idempotency_keys SET expires_at = now() - interval '1 second' WHERE idempotency_key = '" + key + "'");
		// Expired but not purged yet: the key is free again, even for another request.
		HttpResponse<String> reused = post("/api/v1/projects", "{\"name\": \"idem-new-" + this.unique + "\"}", KEY_A, key);
		assertThat(reused.statusCode()).as(reused.body()).isEqualTo(201);
		assertThat(reused.headers().firstValue("Idempotency-Replayed")).isEmpty();

		String expired = "idem-expired-" + this.unique;
		db.execute("INSERT INTO idempotency_keys (caller, idempotency_key, operation, fingerprint, state, status, "
				+ "completed_at, expires_at) SELECT '" + expired + "', 'k' || i, 'POST /api/v1/projects', "
				+ "sha256(i::text::bytea), 'DONE', 201, now(), now() - interval '1 minute' "
				+ "FROM generate_series(1, " + (IdempotencyStore.PURGE_BATCH * 2 + 500) + ") i");
		db.execute("INSERT INTO idempotency_keys (caller, idempotency_key, operation, fingerprint, state, status, "
				+ "completed_at, expires_at) VALUES ('" + expired + "', 'live', 'POST /api/v1/projects', "
				+ "sha256('live'::bytea), 'DONE', 201, now(), now() + interval '1 hour')");

		new IdempotencyPurge(this.store).purgeOnSchedule();

		assertThat(db.count("SELECT count(*) FROM idempotency_keys WHERE caller = ?", expired)).isEqualTo(1);
		assertThat(keyRows(expired, "live")).isEqualTo(1);
		assertThat(db.count("SELECT count(*) FROM idempotency_keys WHERE expires_at <= now()")).isZero();
		assertThat(keyRows("idem-a", key)).isEqualTo(1);
	}

	@Test
	@SuppressWarnings("unchecked")
	void theDocumentShowsTheHeaderOnEveryIdempotentWriteAndEachIsAPostOfTheApi() {
		Map<String, Object> document = new Yaml().load(this.http.get("/v3/api-docs.yaml").body());
		Map<String, Map<String, Map<String, Object>>> paths = (Map<String, Map<String, Map<String, Object>>>) document.get("paths");
		Map<String, Set<String>> documented = new HashMap<>();
		paths.forEach((path, operations) -> operations.forEach((method, operation) -> {
			List<Map<String, Object>> parameters = (List<Map<String, Object>>) operation.getOrDefault("parameters", List.of());
			if (parameters.stream().anyMatch(parameter -> "Idempotency-Key".equals(parameter.get("name")))) {
				documented.computeIfAbsent(path, p -> new java.util.TreeSet<>()).add(method);
				Map<String, Map<String, Object>> responses = (Map<String, Map<String, Object>>) operation.get("responses");
				assertThat(responses).containsKeys("400", "409", "422");
				assertThat((String) responses.get("422").get("description")).contains("idempotency-key-reused");
				responses.forEach((status, response) -> {
					if (status.startsWith("2")) {
						assertThat((Map<String, Object>) response.get("headers")).containsKey("Idempotency-Replayed");
					}
				});
			}
		}));
		assertThat(documented.keySet()).containsExactlyInAnyOrderElementsOf(IdempotentOperations.ROUTES);
		assertThat(documented.values()).allSatisfy(methods -> assertThat(methods).containsExactly("post"));
	}

	private HttpResponse<String> retryUntilFinished(String body, String key, AtomicInteger inUse) throws InterruptedException {
		while (true) {
			HttpResponse<String> answer = post("/api/v1/projects", body, KEY_A, key);
			if (answer.statusCode() != 409) {
				return answer;
			}
			assertProblem(answer, 409, "idempotency-key-in-use");
			assertThat(answer.headers().firstValue("Retry-After")).isPresent();
			inUse.incrementAndGet();
			// Shorter than Retry-After, to keep the test quick; the answer must be the same whenever it comes.
			Thread.sleep(20);
		}
	}

	/** Writes a whole create request on a raw connection and closes it without reading the answer. */
	private void sendAndHangUp(String body, String key) throws Exception {
		byte[] content = body.getBytes(StandardCharsets.UTF_8);
		String head = "POST /api/v1/projects HTTP/1.1\r\nHost: localhost:" + this.port + "\r\n"
				+ "Content-Type: application/json\r\nContent-Length: " + content.length + "\r\n"
				+ "X-API-Key: " + KEY_A + "\r\nIdempotency-Key: " + key + "\r\nConnection: close\r\n\r\n";
		try (Socket socket = new Socket("localhost", this.port)) {
			OutputStream out = socket.getOutputStream();
			out.write(head.getBytes(StandardCharsets.US_ASCII));
			out.write(content);
			out.flush();
		}
	}

	private static MockHttpServletRequest createRequest(String key) {
		MockHttpServletRequest request = new MockHttpServletRequest("POST", "/api/v1/projects");
		request.addHeader("Idempotency-Key", key);
		request.setContentType("application/json");
		request.setContent("{\"name\": \"x\"}".getBytes(StandardCharsets.UTF_8));
		return request;
	}

	/** A claim written as the filter writes it, in progress until {@code lockedFor} from now. */
	private static void claim(String caller, String key, byte[] fingerprint, String lockedFor) throws Exception {
		try (Connection connection = db.connect(); PreparedStatement insert = connection.prepareStatement(
				"INSERT INTO idempotency_keys (caller, idempotency_key, operation, fingerprint, state, owner, locked_until,"
						+ " expires_at) VALUES (?, ?, 'POST /api/v1/projects', ?, 'IN_PROGRESS', gen_random_uuid(),"
						+ " now() + ?::interval, now() + interval '1 day')")) {
			insert.setString(1, caller);
			insert.setString(2, key);
			insert.setBytes(3, fingerprint);
			insert.setString(4, lockedFor);
			insert.executeUpdate();
		}
	}

	private HttpResponse<String> post(String path, String body, String apiKey, String key) {
		return this.http.send("POST", path, body, Map.of("X-API-Key", apiKey, "Idempotency-Key", key));
	}

	private static long keyRows(String caller, String key) {
		return db.count("SELECT count(*) FROM idempotency_keys WHERE caller = ? AND idempotency_key = ?", caller, key);
	}

	private double outcome(String outcome) {
		return this.meters.get("registry.idempotency.requests").tag("outcome", outcome).counter().count();
	}

}
