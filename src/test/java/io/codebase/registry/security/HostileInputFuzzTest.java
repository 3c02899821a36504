package io.codebase.registry.security;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.TimeUnit;

import io.codebase.registry.support.Http;
import io.codebase.registry.support.OpenApiContract;
import io.codebase.registry.support.TestDatabase;
import io.codebase.registry.support.TestWorkspace;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Thousands of malformed and hostile requests, seeded and so repeatable, to every operation of openapi.yaml:
 * random JSON, wrong types, huge strings, control characters, SQL and path fragments, Unicode confusables, in
 * path, query, headers and body. Every answer must be below 500; every error an RFC 9457 problem; and after
 * every refused request the registry's rows and the server's databases must be exactly as before. Every answer
 * must also keep openapi.yaml ({@link OpenApiContract}): each distinct way one breaks it is reported once, with the
 * first request that showed it.
 * <p>
 * {@code -Dfuzz.seed=<n>} replays a run (the seed is printed), {@code -Dfuzz.requests=<n>} changes its size.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class HostileInputFuzzTest {

	private static final long SEED = Long.getLong("fuzz.seed", 20261123L);

	private static final int REQUESTS = Integer.getInteger("fuzz.requests", 2000);

	private static final JsonMapper JSON = JsonMapper.builder().build();

	/** The registry's state: project rows, live sessions (not those a purge may remove), databases. */
	private static final String STATE = """
			SELECT (SELECT md5(coalesce(string_agg(p::text, '|' ORDER BY p.id), '')) FROM projects p)
			    || (SELECT md5(coalesce(string_agg(s::text, '|' ORDER BY s.session_id), '')) FROM sessions s
			        WHERE s.expires_at > now() + interval '1 hour')
			    || (SELECT md5(string_agg(datname::text, '|' ORDER BY datname)) FROM pg_database WHERE\s""" + TestDatabase.NOT_A_MANAGED_TEMPLATE + ")";

	private static final String[] HOSTILE = { "", " ", "a", "0", "-1", "1e309", "9223372036854775808", "NaN", "null",
			"true", "{}", "[]", "' OR '1'='1", "\"; DROP DATABASE postgres; --", "'; DROP TABLE projects; --",
			"x\"); DROP TABLE sessions; --", "cb_proj_x_3f6c1a52", "pg_catalog", "template1", "../../../../etc/passwd",
			"..", "/etc/passwd", "..\\..\\windows\\win.ini", "%2e%2e%2f", "/tmp/../tmp", "relative/dir", "~/x",
			"\u0000", "nul\u0000byte", "line\nbreak", "\r\nX-Injected: 1", "tab\there", "\u202Eevil", "\u0440ayments",
			"\uFF50\uFF41\uFF59", "payments\u200B", "\u0130stanbul", "stra\u00DFe", "\uD83D\uDE00", "\uD800",
			"\uFEFFbom", "${jndi:ldap://x/a}", "%s%n%x", "<script>alert(1)</script>", "default-workspace",
			"DEFAULT-WORKSPACE", "00000000-0000-0000-0000-000000000000", "not-a-uuid", "\"1\"", "W/\"1\"", "*",
			"a".repeat(256), "b".repeat(4097) };

	private static final String SAFE_CHARACTERS = "aZ09_- '\"\\;%./";

	private static final String[] FIELDS = { "name", "description", "sourcePath", "metadata", "project", "sessionId",
			"config", "strict", "explain", "workingDirectory", "status", "message", "reportedAt", "version",
			"projects", "active_project", "project_id", "id", "databaseName", "format", "team" };

	private static final String[] CONTENT_TYPES = { "application/json", "application/json", "application/json",
			"application/merge-patch+json", "text/plain", "application/xml", "application/json; charset=UTF-16",
			"multipart/form-data; boundary=x", "application/x-www-form-urlencoded", "??", null };

	private static final String[] ACCEPTS = { null, null, null, "application/json", "text/html", "application/xml",
			"*/*", "image/png" };

	private static final String[] RAW_BODIES = { "{", "}", "[", "{\"name\": }", "{'name': 'x'}", "{\"name\": \"x\",}",
			"{\"name\": \"a\", \"name\": \"b\"}", "{\"name\": \"x\"} trailing", "NaN", "\uFEFF{}", "// c\n{}",
			"{\"name\": \"\\ud800\"}", "{\"metadata\": {\"a\": \"\\u0000\"}}", "\u0000", "null", "[]", "\"x\"", "1",
			"{\"name\": 1e999999}" };

	private static final TestDatabase db = TestDatabase.get();

	@LocalServerPort
	int port;

	private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

	private final Random idempotencyKeys = new Random(SEED);

	/** Each distinct way an answer broke openapi.yaml, with the first request that showed it. */
	private final Map<String, String> contractViolations = new TreeMap<>();

	private String projectId;

	private String projectName;

	private String sessionId;

	private Set<String> projectsBefore;

	private Set<String> sessionsBefore;

	@BeforeEach
	void targets() {
		Http http = new Http(this.port);
		this.projectName = "fuzz-target-" + SEED;
		HttpResponse<String> created = http.post("/api/v1/projects", "{\"name\": \"" + this.projectName + "\"}");
		this.projectId = Http.json(created.statusCode() == 201 ? created
				: http.get("/api/v1/projects/" + this.projectName)).get("id").asString();
		Path directory = TestWorkspace.newDirectory("fuzz");
		this.sessionId = "fuzz-session-" + SEED;
		http.send("PUT", "/api/v1/sessions/" + this.sessionId, "{\"workingDirectory\": \"" + directory + "\"}", Map.of());
		this.projectsBefore = ids("SELECT id FROM projects");
		this.sessionsBefore = ids("SELECT session_id FROM sessions WHERE session_id <> '" + this.sessionId + "'");
	}

	@AfterEach
	void removeWhatAcceptedRequestsCreated() {
		removeCreatedSince(this.projectsBefore, this.sessionsBefore);
		new Http(this.port).send("DELETE", "/api/v1/projects/" + this.projectId, null, Map.of());
	}

	/** Deletes the projects and sessions that are not among those given. */
	private void removeCreatedSince(Set<String> projects, Set<String> sessions) {
		Http http = new Http(this.port);
		for (String id : ids("SELECT id FROM projects")) {
			if (!projects.contains(id)) {
				http.send("DELETE", "/api/v1/projects/" + id, null, Map.of());
			}
		}
		for (String session : ids("SELECT session_id FROM sessions")) {
			if (!sessions.contains(session)) {
				http.send("DELETE", "/api/v1/sessions/" + encode(session), null, Map.of());
			}
		}
	}

	@Test
	void hostileRequestsNeverBreakTheServiceAndRefusedOnesChangeNothing() throws Exception {
		System.out.println("[HostileInputFuzzTest] seed " + SEED + ", " + REQUESTS + " requests (replay: -Dfuzz.seed="
				+ SEED + ")");
		List<Operation> operations = operations();
		assertThat(operations).hasSizeGreaterThanOrEqualTo(16);
		Random random = new Random(SEED);
		Map<String, Integer> statuses = new LinkedHashMap<>();
		int refused = 0;
		try (Connection connection = db.connect()) {
			String state = state(connection);
			for (int i = 0; i < REQUESTS; i++) {
				Operation operation = operations.get(random.nextInt(operations.size()));
				Attempt attempt = attempt(operation, random);
				HttpResponse<String> response;
				try {
					response = this.client.send(attempt.request(), HttpResponse.BodyHandlers.ofString());
				}
				catch (java.io.IOException ex) {
					if (!attempt.headers().contains("X-Padding")) {
						throw new AssertionError("Request " + i + " (seed " + SEED + ") broke the connection: " + attempt, ex);
					}
					// Tomcat answers headers over the limit with a 400 and closes the connection with the rest of the
					// request unread, so the kernel may reset it before the client reads the answer (no lingering
					// close; MalformedRequestsTest reads that answer). What must hold: nothing changed, the service answers.
					assertThat(state(connection)).as("state after a reset " + attempt).isEqualTo(state);
					assertThat(this.client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + "/actuator/health/liveness")).build(),
							HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
					refused++;
					continue;
				}
				int status = response.statusCode();
				statuses.merge(attempt.method() + " " + operation.path() + " " + status, 1, Integer::sum);
				String context = "request " + i + " (seed " + SEED + "): " + attempt + " -> " + status + " "
						+ abbreviated(response.body());
				checkContract(response, context);
				assertThat(status).as(context).isLessThan(500);
				if (status >= 400) {
					refused++;
					SoftAssertions.assertSoftly(softly -> assertProblem(softly, response, context));
					assertThat(state(connection)).as("state after refused " + context).isEqualTo(state);
				}
				else {
					// An accepted rollout goes on in the background: let it finish before the next baseline.
					awaitNoRunningRollout(connection);
					state = state(connection);
				}
			}
		}
		System.out.println("[HostileInputFuzzTest] " + refused + " of " + REQUESTS + " refused; by operation and status: "
				+ statuses);
		assertThat(refused).isGreaterThan(REQUESTS / 2);
		assertKeptTheContract();
	}

	private void checkContract(HttpResponse<String> response, String context) {
		for (String violation : OpenApiContract.registry().violations(OpenApiContract.Answer.of(response))) {
			this.contractViolations.putIfAbsent(violation, context);
		}
	}

	private void assertKeptTheContract() {
		assertThat(this.contractViolations).as("answers that break openapi.yaml (violation -> first request)")
			.isEmpty();
	}

	private static void assertProblem(SoftAssertions softly, HttpResponse<String> response, String context) {
		Optional<String> contentType = response.headers().firstValue("Content-Type");
		softly.assertThat(contentType).as(context).hasValue("application/problem+json");
		if (contentType.filter("application/problem+json"::equals).isEmpty()) {
			return;
		}
		JsonNode problem = JSON.readTree(response.body());
		softly.assertThat(problem.path("status").asInt()).as(context).isEqualTo(response.statusCode());
		softly.assertThat(problem.path("title").asString("")).as(context).isNotBlank();
		softly.assertThat(response.body()).as(context).doesNotContain("Exception", "\tat ", "io.codebase");
	}

	/**
	 * The random requests above rarely get past a lookup, a content type or a precondition. Here every write of the
	 * served OpenAPI document is first made to succeed (a real project and session, the current ETag, the declared
	 * content type, a body with every string field its schema declares); then exactly one field at a time carries a
	 * value PostgreSQL cannot store or compare as sent, so the value reaches the deepest check or the database.
	 * The benign request is sent last, as a control that the template really succeeds. List reads get page
	 * numbers that fit an int but whose offset does not.
	 */
	@Test
	void oneHostileValueInAnOtherwiseValidRequestIsRefusedCleanly() throws Exception {
		System.out.println("[HostileInputFuzzTest] valid-but-one phase, seed " + SEED + " (replay: -Dfuzz.seed=" + SEED + ")");
		long started = System.nanoTime();
		JsonNode document = Http.json(new Http(this.port).get("/v3/api-docs"));
		Random random = new Random(SEED);
		SoftAssertions softly = new SoftAssertions();
		List<String> serverErrors = new ArrayList<>();
		List<String> accepted = new ArrayList<>();
		int sent = 0;
		try (Connection connection = db.connect()) {
			for (Operation write : servedOperations(document, "POST", "PUT", "PATCH", "DELETE")) {
				Fixture fixture = newFixture(sent, write);
				Template template = template(document, write, fixture, random);
				List<Field> fields = template.fields();
				for (Field field : fields) {
					for (Hostile hostile : hostiles(field)) {
						sent++;
						Variant variant = template.with(field, hostile, random);
						int status = send(connection, variant, fixture, softly, serverErrors);
						if (status < 400) {
							// It changed the project or session (or removed them): the next variant gets fresh ones.
							accepted.add(variant + " -> " + status);
							fixture = newFixture(sent, write);
							template = template(document, write, fixture, random);
						}
					}
				}
				sent++;
				int control = send(connection, template.benign(), fixture, softly, serverErrors);
				if (write.path().equals("/api/v1/projects/{project}/moves")) {
					// A move needs a second server, and every test registry has only one: the example's target is not
					// configured (ProjectMoveTest moves projects between real servers).
					softly.assertThat(control).as("benign control " + template.benign()).isEqualTo(400);
				}
				else {
					softly.assertThat(control).as("benign control " + template.benign()).isBetween(200, 299);
				}
				if (write.path().startsWith("/api/v1/schema-rollouts")) {
					// The control started, resumed or cancelled a rollout: let it end before the next one is made.
					awaitNoRunningRollout(connection);
				}
				if (write.path().startsWith("/api/v1/database-servers/")) {
					// The control cordoned (or uncordoned) the one server every test registry has: place again.
					db.execute("UPDATE database_servers SET state = 'ACTIVE'");
				}
			}
			Fixture fixture = newFixture(sent, null);
			String rollout = rolloutOf(fixture);
			awaitNoRunningRollout(connection);
			for (Operation list : servedOperations(document, "GET")) {
				if (list.queryParameters().contains("page")) {
					for (String page : LARGE_PAGES) {
						sent++;
						String path = list.path().replace("{id}", rollout);
						send(connection, new Variant("GET", path + "?" + page, null, null, Map.of(), "page " + page),
								fixture, softly, serverErrors);
					}
				}
			}
		}
		System.out.println("[HostileInputFuzzTest] valid-but-one phase: " + sent + " requests in "
				+ TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started) + " s; server errors: "
				+ (serverErrors.isEmpty() ? "none" : "\n  " + String.join("\n  ", serverErrors)) + "\naccepted: "
				+ (accepted.isEmpty() ? "none" : "\n  " + String.join("\n  ", accepted)));
		softly.assertAll();
		assertKeptTheContract();
	}

	/** Page numbers within int whose offset (page * size) is beyond int, or near it. */
	private static final String[] LARGE_PAGES = { "page=10737419&size=200", "page=2147483647", "page=2147483647&size=1",
			"page=21474837&size=100", "page=1073741824&size=2", "page=10737418&size=200" };

	private static final AtomicLong KEYS = new AtomicLong();

	/** Stands, quotes included, for the raw JSON text of a hostile value until the body is written. */
	private static final String MARKER = "__hostile_value__";

	/** Past any column or path limit, for a string that declares none. */
	private static final int UNDECLARED_LIMIT = 65_536;

	/** Where a hostile value can go, which decides the values it gets. */
	private enum Kind {

		STRING, DATE_TIME, NUMBER, FREE_OBJECT, PATH, QUERY

	}

	/** One place in a request: a body member (by its location in the tree), a path or a query parameter. */
	private record Field(Kind kind, String name, List<Object> location, int maxLength) {

		@Override
		public String toString() {
			return this.kind + " " + ((this.location == null) ? this.name : this.location.toString());
		}

	}

	/** {@code json} is JSON text for a body field, percent-encoded text to insert for a path or query one. */
	private record Hostile(String label, String json) {
	}

	private static List<Hostile> hostiles(Field field) {
		return switch (field.kind()) {
			// Inserted into the benign value, so that only the one character is wrong.
			case PATH, QUERY -> List.of(new Hostile("NUL", "%00"), new Hostile("lone surrogate", "%ED%A0%80"));
			case STRING -> stringHostiles(field);
			case DATE_TIME -> {
				List<Hostile> values = new ArrayList<>(stringHostiles(field));
				values.add(new Hostile("numeric date-time", "1732389660"));
				values.add(new Hostile("numeric date-time beyond double", "1e999999999"));
				yield values;
			}
			case NUMBER -> List.of(new Hostile("beyond double", "1e999999999"), new Hostile("below double", "1e-999999999"));
			case FREE_OBJECT -> List.of(new Hostile("NUL value", "\"x\\u0000y\""),
					new Hostile("lone surrogate value", "\"x\\ud800y\""), new Hostile("NUL key", "{\"k\\u0000\": 1}"),
					new Hostile("beyond double", "1e999999999"), new Hostile("below double", "1e-999999999"),
					new Hostile("negative beyond double", "-1e999999999"),
					new Hostile("nested beyond double", "{\"a\": [1e999999999]}"));
		};
	}

	private static List<Hostile> stringHostiles(Field field) {
		int limit = (field.maxLength() > 0) ? field.maxLength() : UNDECLARED_LIMIT;
		// The escapes are written into the JSON text: a Java String with a lone surrogate would be sent as '?'.
		return List.of(new Hostile("NUL", "\\u0000"), new Hostile("lone surrogate", "\\ud800"),
				new Hostile("over-long (" + (limit + 1) + ")", "\"" + "a".repeat(limit + 1) + "\""));
	}

	/**
	 * A project of its own (a write may delete it), its ETag, and a session in an allowed directory; for the writes
	 * that need them, a credential of that project and a schema rollout paused between its waves (null otherwise).
	 */
	private record Fixture(String projectId, String projectName, String sessionId, Path directory, String credential,
			String pausedRollout) {
	}

	/** A fixture in the state {@code write} needs to succeed: reindexing takes an INDEXED project. */
	private Fixture newFixture(int number, Operation write) {
		Http http = new Http(this.port);
		String name = "fuzz-valid-" + SEED + "-" + number;
		HttpResponse<String> created = http.post("/api/v1/projects", "{\"name\": \"" + name + "\"}");
		assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
		if (write != null && write.path().endsWith("/reindex")) {
			String path = "/api/v1/projects/" + Http.json(created).get("id").asString();
			for (String status : List.of("INDEXING", "INDEXED")) {
				String etag = http.get(path).headers().firstValue("ETag").orElseThrow();
				HttpResponse<String> reported = http.send("POST", path + "/index-status",
						"{\"status\": \"" + status + "\"}", Map.of("If-Match", etag));
				assertThat(reported.statusCode()).as(reported.body()).isEqualTo(200);
			}
		}
		Path directory = TestWorkspace.newDirectory("fuzz-valid");
		String session = "fuzz-valid-" + SEED + "-" + number;
		HttpResponse<String> put = http.send("PUT", "/api/v1/sessions/" + session,
				"{\"workingDirectory\": \"" + directory + "\"}", Map.of());
		assertThat(put.statusCode()).as(put.body()).isBetween(200, 201);
		String credential = null;
		if (write != null && write.path().contains("/credentials/{name}")) {
			HttpResponse<String> issued = http.post("/api/v1/projects/" + name.replace(" ", "%20") + "/credentials", "{}");
			assertThat(issued.statusCode()).as(issued.body()).isEqualTo(201);
			credential = Http.json(issued).get("name").asString();
		}
		String paused = (write != null && write.path().startsWith("/api/v1/schema-rollouts/{id}/"))
				? pausedRolloutOf(name, number) : null;
		return new Fixture(Http.json(created).get("id").asString(), name, session, directory, credential, paused);
	}

	/**
	 * A rollout of two projects (this one and another) with a canary of one and a pause between waves, once it is
	 * PAUSED after the canary: what resume and cancel take.
	 */
	private String pausedRolloutOf(String project, int number) {
		Http http = new Http(this.port);
		String other = "fuzz-valid-" + SEED + "-" + number + "-other";
		assertThat(http.post("/api/v1/projects", "{\"name\": \"" + other + "\"}").statusCode()).isEqualTo(201);
		HttpResponse<String> started = http.post("/api/v1/schema-rollouts", "{\"projects\": [\"" + project + "\", \""
				+ other + "\"], \"canary\": {\"count\": 1}, \"pauseBetweenWaves\": true}");
		assertThat(started.statusCode()).as(started.body()).isBetween(200, 202);
		String id = Http.json(started).get("id").asString();
		await().atMost(Duration.ofSeconds(60)).until(() -> Http.json(http.get("/api/v1/schema-rollouts/" + id))
			.get("state").asString().equals("PAUSED"));
		return id;
	}

	private String rolloutOf(Fixture fixture) {
		HttpResponse<String> rollout = new Http(this.port).post("/api/v1/schema-rollouts",
				"{\"projects\": [\"" + fixture.projectName() + "\"]}");
		assertThat(rollout.statusCode()).as(rollout.body()).isBetween(200, 202);
		return Http.json(rollout).get("id").asString();
	}

	/** One request to send; {@code body} may hold the marker, replaced by {@code hostileJson}. */
	private record Variant(String method, String target, String contentType, String body, Map<String, String> headers,
			String label) {

		@Override
		public String toString() {
			return this.method + " " + abbreviated(this.target) + " [" + this.label + "] body " + abbreviated(this.body);
		}

	}

	/** A write that succeeds as it is, and knows how to put a hostile value in one of its fields. */
	private record Template(Operation operation, Map<String, String> pathValues, Map<String, String> query,
			JsonNode body, String contentType, Map<String, String> headers, List<Field> fields) {

		Variant benign() {
			return variant(this.pathValues, this.query, (this.body == null) ? null : JSON.writeValueAsString(this.body),
					"benign");
		}

		Variant with(Field field, Hostile hostile, Random random) {
			String label = hostile.label() + " in " + field;
			return switch (field.kind()) {
				case PATH -> variant(inserted(this.pathValues, field.name(), hostile.json(), random), this.query,
						(this.body == null) ? null : JSON.writeValueAsString(this.body), label);
				case QUERY -> variant(this.pathValues, inserted(this.query, field.name(), hostile.json(), random),
						(this.body == null) ? null : JSON.writeValueAsString(this.body), label);
				default -> variant(this.pathValues, this.query, bodyWith(field, hostile, random), label);
			};
		}

		private Variant variant(Map<String, String> path, Map<String, String> parameters, String text, String label) {
			String target = this.operation.path();
			for (Map.Entry<String, String> value : path.entrySet()) {
				target = target.replace("{" + value.getKey() + "}", value.getValue());
			}
			StringBuilder queryText = new StringBuilder();
			parameters.forEach((name, value) -> queryText.append(queryText.isEmpty() ? "?" : "&")
				.append(name).append('=').append(value));
			Map<String, String> sentHeaders = new LinkedHashMap<>(this.headers);
			// A key of its own per request: a replay of an earlier outcome would hide what this one does.
			sentHeaders.computeIfPresent("Idempotency-Key", (name, key) -> "fuzz-" + SEED + "-" + KEYS.incrementAndGet());
			return new Variant(this.operation.method(), target + queryText, this.contentType, text, sentHeaders, label);
		}

		/** Encoded text put at a random place inside one of the (already encoded) benign values. */
		private static Map<String, String> inserted(Map<String, String> values, String name, String encoded,
				Random random) {
			Map<String, String> changed = new LinkedHashMap<>(values);
			changed.computeIfPresent(name, (key, value) -> {
				int at = random.nextInt(value.length() + 1);
				return value.substring(0, at) + encoded + value.substring(at);
			});
			return changed;
		}

		private String bodyWith(Field field, Hostile hostile, Random random) {
			JsonNode copy = this.body.deepCopy();
			List<Object> location = field.location();
			JsonNode parent = copy;
			for (Object step : location.subList(0, location.size() - 1)) {
				parent = (step instanceof Integer index) ? parent.get(index) : parent.get((String) step);
			}
			Object last = location.get(location.size() - 1);
			String raw = hostile.json();
			if (field.kind() == Kind.FREE_OBJECT) {
				// A member of its own next to the benign ones; a whole value when the hostile part is a key.
				JsonNode object = (last instanceof Integer index) ? parent.get(index) : parent.get((String) last);
				((ObjectNode) object).put("fuzz", MARKER);
			}
			else {
				JsonNode current = (last instanceof Integer index) ? parent.get(index) : parent.get((String) last);
				if (raw.startsWith("\\u")) {
					// An escaped character: inside the benign text, at a random place.
					String text = current.asString();
					int at = random.nextInt(text.length() + 1);
					raw = write(text.substring(0, at)).replaceAll("\"$", "") + raw
							+ write(text.substring(at)).replaceAll("^\"", "");
				}
				if (last instanceof Integer index) {
					((ArrayNode) parent).set(index, MARKER);
				}
				else {
					((ObjectNode) parent).put((String) last, MARKER);
				}
			}
			return JSON.writeValueAsString(copy).replace("\"" + MARKER + "\"", raw);
		}

	}

	/** The request that would succeed: path, query, headers and a body with every declared string field. */
	private Template template(JsonNode document, Operation operation, Fixture fixture, Random random) {
		JsonNode spec = document.get("paths").get(operation.path()).get(operation.method().toLowerCase());
		Map<String, String> pathValues = new LinkedHashMap<>();
		Map<String, String> query = new LinkedHashMap<>();
		Map<String, String> headers = new LinkedHashMap<>();
		List<Field> fields = new ArrayList<>();
		for (JsonNode parameter : spec.path("parameters")) {
			JsonNode schema = resolve(document, parameter.path("schema"));
			String name = parameter.get("name").asString();
			String in = parameter.get("in").asString();
			// A database server is named in the path: the one every test registry has; a credential or a rollout: the
			// fixture's.
			String value = (operation.path().startsWith("/api/v1/database-servers/") && name.equals("name")) ? "default"
					: (operation.path().contains("/credentials/{name}") && name.equals("name")) ? fixture.credential()
							: (operation.path().startsWith("/api/v1/schema-rollouts/{id}") && name.equals("id"))
									? fixture.pausedRollout() : knownValue(name, fixture);
			switch (in) {
				case "path" -> {
					pathValues.put(name, encode(value));
					fields.add(new Field(Kind.PATH, name, null, 0));
				}
				case "query" -> {
					// Optional filters and switches keep their defaults; a string that names a target is filled.
					if (value != null && isString(schema) && !schema.has("enum")) {
						query.put(name, encode(value));
						fields.add(new Field(Kind.QUERY, name, null, 0));
					}
				}
				case "header" -> {
					if (name.equals("If-Match") || name.equals("Idempotency-Key")) {
						headers.put(name, "(set when sent)");
					}
				}
				default -> {
				}
			}
		}
		JsonNode body = null;
		String contentType = null;
		JsonNode content = spec.path("requestBody").path("content");
		if (!content.isMissingNode()) {
			contentType = content.propertyNames().iterator().next();
			JsonNode media = content.get(contentType);
			JsonNode schema = resolve(document, media.path("schema"));
			body = schema.has("properties") ? sample(document, schema, "", new ArrayList<>(), fixture, fields)
					: collectStrings(example(media), new ArrayList<>(), fields);
		}
		return new Template(operation, pathValues, query, body, contentType, headers, List.copyOf(fields));
	}

	/** Values that make a request valid for this fixture, by the name of the field or parameter. */
	private String knownValue(String name, Fixture fixture) {
		return switch (name) {
			case "id" -> fixture.projectId();
			case "idOrName", "project", "projects" -> fixture.projectName();
			case "sessionId", "session" -> fixture.sessionId();
			// A placement that names a server names the one every test registry has.
			case "server" -> "default";
			case "workingDirectory", "sourcePath" -> fixture.directory().toString();
			// A new project per request, so that a create never clashes with an earlier one.
			case "name" -> "fuzz-new-" + SEED + "-" + this.names++;
			default -> null;
		};
	}

	private int names;

	/** A valid value for a schema, recording every place a hostile value can go. */
	private JsonNode sample(JsonNode document, JsonNode schema, String name, List<Object> location, Fixture fixture,
			List<Field> fields) {
		schema = resolve(document, schema);
		String type = type(schema);
		switch (type) {
			case "object" -> {
				if (!schema.has("properties")) {
					// Placement labels that the test registry's one server lacks would refuse the benign request.
					JsonNode example = name.equals("labels") ? JSON.createObjectNode()
							: schema.has("example") ? schema.get("example").deepCopy() : JSON.createObjectNode();
					fields.add(new Field(Kind.FREE_OBJECT, name, List.copyOf(location), 0));
					return collectStrings(example, location, fields);
				}
				ObjectNode object = JSON.createObjectNode();
				for (Map.Entry<String, JsonNode> property : schema.get("properties").properties()) {
					if (name.equals("canary") && property.getKey().equals("count")) {
						// A canary is a count or named projects, not both: the named ones carry the text.
						continue;
					}
					location.add(property.getKey());
					object.set(property.getKey(), sample(document, property.getValue(), property.getKey(), location,
							fixture, fields));
					location.remove(location.size() - 1);
				}
				return object;
			}
			case "array" -> {
				if (name.equals("waves")) {
					// Wave percentages must end with 100: one wave of everything (the value is not a place for text).
					return JSON.createArrayNode().add(100);
				}
				location.add(0);
				JsonNode item = sample(document, schema.path("items"), name, location, fixture, fields);
				location.remove(location.size() - 1);
				return JSON.createArrayNode().add(item);
			}
			case "integer", "number" -> {
				fields.add(new Field(Kind.NUMBER, name, List.copyOf(location), 0));
				return schema.has("example") ? schema.get("example") : JSON.getNodeFactory().numberNode(1);
			}
			case "boolean" -> {
				return JSON.getNodeFactory().booleanNode(false);
			}
			default -> {
				boolean dateTime = "date-time".equals(schema.path("format").asString(""));
				fields.add(new Field(dateTime ? Kind.DATE_TIME : Kind.STRING, name, List.copyOf(location),
						schema.path("maxLength").asInt(0)));
				String known = knownValue(name, fixture);
				String value = (known != null) ? known
						: schema.has("enum") ? enumValue(schema)
								: dateTime ? Instant.now().toString()
										: schema.path("example").isString() ? schema.get("example").asString() : "benign text";
				return JSON.getNodeFactory().stringNode(value);
			}
		}
	}

	/** The declared example when it is one of the values (it is the one meant to succeed), else the first value. */
	private static String enumValue(JsonNode schema) {
		String example = schema.path("example").asString("");
		for (JsonNode value : schema.get("enum")) {
			if (value.asString().equals(example)) {
				return example;
			}
		}
		return schema.get("enum").get(0).asString();
	}

	/** Records every string inside a free-form value (an example, metadata) as a place for a hostile value. */
	private static JsonNode collectStrings(JsonNode value, List<Object> location, List<Field> fields) {
		if (value.isString()) {
			Object last = location.isEmpty() ? "" : location.get(location.size() - 1);
			fields.add(new Field(Kind.STRING, String.valueOf(last), List.copyOf(location), 0));
		}
		else if (value.isObject()) {
			for (Map.Entry<String, JsonNode> member : value.properties()) {
				location.add(member.getKey());
				collectStrings(member.getValue(), location, fields);
				location.remove(location.size() - 1);
			}
		}
		else if (value.isArray()) {
			for (int i = 0; i < value.size(); i++) {
				location.add(i);
				collectStrings(value.get(i), location, fields);
				location.remove(location.size() - 1);
			}
		}
		return value;
	}

	private static JsonNode example(JsonNode media) {
		if (media.has("example")) {
			return media.get("example").deepCopy();
		}
		JsonNode examples = media.path("examples");
		assertThat(examples.isObject()).as("a body without properties needs an example: " + media).isTrue();
		return examples.properties().iterator().next().getValue().get("value").deepCopy();
	}

	private static JsonNode resolve(JsonNode document, JsonNode schema) {
		String reference = schema.path("$ref").asString("");
		return reference.isEmpty() ? schema : document.at(reference.substring(1));
	}

	/** The first type that is not "null" (OpenAPI 3.1 writes nullable fields as a list of types). */
	private static String type(JsonNode schema) {
		JsonNode type = schema.path("type");
		if (type.isArray()) {
			for (JsonNode each : type) {
				if (!each.asString().equals("null")) {
					return each.asString();
				}
			}
		}
		return type.asString(schema.has("properties") ? "object" : "string");
	}

	private static boolean isString(JsonNode schema) {
		return type(schema).equals("string");
	}

	/**
	 * Sends one variant with the current ETag; asserts it is below 500, a problem when refused, and that a refused
	 * one changed nothing: the fixture's ETag, the number of projects and sessions, the registry's state.
	 */
	private int send(Connection connection, Variant variant, Fixture fixture, SoftAssertions softly,
			List<String> serverErrors) throws Exception {
		Http http = new Http(this.port);
		String etag = http.get("/api/v1/projects/" + fixture.projectId()).headers().firstValue("ETag").orElse("\"0\"");
		long projects = db.count("SELECT count(*) FROM projects");
		long sessions = db.count("SELECT count(*) FROM sessions");
		String state = state(connection);
		Set<String> projectIds = ids("SELECT id FROM projects");
		Set<String> sessionIds = ids("SELECT session_id FROM sessions");
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + variant.target()))
			.timeout(Duration.ofSeconds(30))
			.method(variant.method(), (variant.body() == null) ? HttpRequest.BodyPublishers.noBody()
					: HttpRequest.BodyPublishers.ofString(variant.body(), StandardCharsets.UTF_8));
		if (variant.contentType() != null) {
			request.header("Content-Type", variant.contentType());
		}
		variant.headers().forEach((name, value) -> request.header(name, name.equals("If-Match") ? etag : value));
		HttpResponse<String> response = this.client.send(request.build(), HttpResponse.BodyHandlers.ofString());
		int status = response.statusCode();
		String context = variant + " -> " + status + " " + abbreviated(response.body());
		checkContract(response, context);
		if (status >= 500) {
			serverErrors.add(context);
		}
		softly.assertThat(status).as(context).isLessThan(500);
		if (status >= 400 && status < 500) {
			assertProblem(softly, response, context);
			String etagAfter = http.get("/api/v1/projects/" + fixture.projectId()).headers().firstValue("ETag").orElse("\"0\"");
			softly.assertThat(etagAfter).as("ETag after refused " + context).isEqualTo(etag);
			softly.assertThat(db.count("SELECT count(*) FROM projects")).as("projects after refused " + context)
				.isEqualTo(projects);
			softly.assertThat(db.count("SELECT count(*) FROM sessions")).as("sessions after refused " + context)
				.isEqualTo(sessions);
			softly.assertThat(state(connection)).as("state after refused " + context).isEqualTo(state);
		}
		else {
			// What an accepted (or failed) variant created must not make the next one clash.
			awaitNoRunningRollout(connection);
			removeCreatedSince(projectIds, sessionIds);
		}
		return status;
	}

	/** The operations of the served document with these methods, in the document's order. */
	private static List<Operation> servedOperations(JsonNode document, String... methods) {
		List<Operation> operations = new ArrayList<>();
		for (Map.Entry<String, JsonNode> path : document.get("paths").properties()) {
			for (String method : methods) {
				JsonNode spec = path.getValue().get(method.toLowerCase());
				if (spec != null) {
					List<String> inQuery = new ArrayList<>();
					for (JsonNode parameter : spec.path("parameters")) {
						if (parameter.path("in").asString("").equals("query")) {
							inQuery.add(parameter.get("name").asString());
						}
					}
					operations.add(new Operation(method, path.getKey(), List.of(), inQuery));
				}
			}
		}
		return operations;
	}

	private Attempt attempt(Operation operation, Random random) {
		String path = operation.path();
		for (String parameter : operation.pathParameters()) {
			path = path.replace("{" + parameter + "}", pathValue(parameter, operation.method(), random));
		}
		StringBuilder query = new StringBuilder();
		for (String parameter : operation.queryParameters()) {
			if (random.nextInt(3) == 0) {
				query.append(query.isEmpty() ? "?" : "&").append(parameter).append('=').append(encode(value(random)));
			}
		}
		if (random.nextInt(10) == 0) {
			query.append(query.isEmpty() ? "?" : "&").append(encode(value(random))).append('=').append(encode(value(random)));
		}
		if (random.nextInt(30) == 0) {
			// Percent-encoding that does not decode to UTF-8 (a cut-off sequence, an overlong one, invalid bytes).
			query.append(query.isEmpty() ? "?" : "&").append(new String[] { "project=%E0%A4", "x=%C0%AF",
					"session=%FF%FE", "%ED%A0%80=1" }[random.nextInt(4)]);
		}
		String method = (random.nextInt(15) == 0) ? new String[] { "GET", "POST", "PUT", "PATCH", "DELETE" }[random.nextInt(5)]
				: operation.method();
		String body = switch (random.nextInt(6)) {
			case 0 -> null;
			case 1 -> RAW_BODIES[random.nextInt(RAW_BODIES.length)];
			default -> write(jsonValue(random, 0, true));
		};
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path + query))
			.timeout(Duration.ofSeconds(30))
			.method(method, (body == null) ? HttpRequest.BodyPublishers.noBody()
					: HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
		Map<String, String> headers = new LinkedHashMap<>();
		String contentType = CONTENT_TYPES[random.nextInt(CONTENT_TYPES.length)];
		if (contentType != null && body != null) {
			headers.put("Content-Type", contentType);
		}
		String accept = ACCEPTS[random.nextInt(ACCEPTS.length)];
		if (accept != null) {
			headers.put("Accept", accept);
		}
		for (String header : new String[] { "If-Match", "If-None-Match", "X-Session-Id", "X-API-Key" }) {
			if (random.nextInt(4) == 0) {
				headers.put(header, headerValue(random));
			}
		}
		// Its own sequence, so that the requests of a seed stay what they were before the header existed.
		if (this.idempotencyKeys.nextInt(4) == 0) {
			headers.put("Idempotency-Key", headerValue(this.idempotencyKeys));
		}
		if (random.nextInt(40) == 0) {
			headers.put("X-Padding", "p".repeat(20_000));
		}
		headers.forEach(request::header);
		return new Attempt(method, path + query, headers.keySet(), abbreviated(body), request.build());
	}

	/** The real targets often, to get past lookups into the deeper rules; never for a DELETE. */
	private String pathValue(String parameter, String method, Random random) {
		if (!method.equals("DELETE") && random.nextInt(3) == 0) {
			return switch (parameter) {
				case "sessionId" -> this.sessionId;
				case "id" -> this.projectId;
				default -> random.nextBoolean() ? this.projectId : encode(this.projectName);
			};
		}
		String value = value(random);
		return value.isEmpty() ? "x" : encode(value);
	}

	private static String value(Random random) {
		return switch (random.nextInt(4)) {
			case 0 -> randomText(random, 1 + random.nextInt(40));
			default -> HOSTILE[random.nextInt(HOSTILE.length)];
		};
	}

	/** Header values the HTTP client can send: visible ASCII and spaces. */
	private static String headerValue(Random random) {
		String value = value(random).replaceAll("[^\\x20-\\x7e]", "?").strip();
		return value.isEmpty() ? "x" : value;
	}

	private static String randomText(Random random, int length) {
		StringBuilder text = new StringBuilder();
		for (int i = 0; i < length; i++) {
			text.append(switch (random.nextInt(5)) {
				case 0 -> (char) random.nextInt(0x20);
				case 1 -> (char) (0x20 + random.nextInt(0x5f));
				case 2 -> (char) (0xa0 + random.nextInt(0x2000));
				default -> SAFE_CHARACTERS.charAt(random.nextInt(SAFE_CHARACTERS.length()));
			});
		}
		return text.toString();
	}

	private static Object jsonValue(Random random, int depth, boolean top) {
		int kind = top ? 6 + random.nextInt(2) : random.nextInt(depth > 20 ? 6 : 9);
		return switch (kind) {
			case 0 -> null;
			case 1 -> random.nextBoolean();
			case 2 -> new long[] { 0, -1, Long.MAX_VALUE, Long.MIN_VALUE, 1 }[random.nextInt(5)];
			case 3 -> new double[] { 1.5, -0.0, 1e308, 4.9e-324 }[random.nextInt(4)];
			case 4, 5 -> switch (random.nextInt(8)) {
				case 0 -> "x".repeat(random.nextBoolean() ? 300 : 70_000);
				default -> value(random);
			};
			case 6 -> {
				Map<String, Object> object = new LinkedHashMap<>();
				int size = random.nextInt(5);
				for (int i = 0; i < size; i++) {
					object.put(random.nextInt(4) == 0 ? value(random) : FIELDS[random.nextInt(FIELDS.length)],
							jsonValue(random, depth + 1, false));
				}
				yield object;
			}
			default -> {
				if (random.nextInt(8) == 0) {
					yield nested(depth + 10 + random.nextInt(30));
				}
				List<Object> array = new ArrayList<>();
				int size = random.nextInt(4);
				for (int i = 0; i < size; i++) {
					array.add(jsonValue(random, depth + 1, false));
				}
				yield array;
			}
		};
	}

	/** {"metadata": {"a": {"a": ...}}}: deeper than any limit. */
	private static Object nested(int depth) {
		Object value = "deep";
		for (int i = 0; i < depth; i++) {
			value = Map.of("a", value);
		}
		return Map.of("metadata", value, "name", "deep-" + depth);
	}

	/** JSON text, with every string escaped by hand: lone surrogates and NULs must reach the server as such. */
	private static String write(Object value) {
		if (value == null) {
			return "null";
		}
		if (value instanceof String text) {
			StringBuilder out = new StringBuilder("\"");
			for (char c : text.toCharArray()) {
				if (c == '"' || c == '\\') {
					out.append('\\').append(c);
				}
				else if (c < 0x20 || Character.isSurrogate(c)) {
					out.append(String.format("\\u%04x", (int) c));
				}
				else {
					out.append(c);
				}
			}
			return out.append('"').toString();
		}
		if (value instanceof Map<?, ?> map) {
			List<String> members = new ArrayList<>();
			map.forEach((key, member) -> members.add(write(String.valueOf(key)) + ": " + write(member)));
			return "{" + String.join(", ", members) + "}";
		}
		if (value instanceof List<?> list) {
			return "[" + String.join(", ", list.stream().map(HostileInputFuzzTest::write).toList()) + "]";
		}
		return String.valueOf(value);
	}

	private static String encode(String value) {
		return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
	}

	private static String abbreviated(String text) {
		if (text == null) {
			return "(none)";
		}
		String shown = text.replaceAll("\\p{Cntrl}", "?");
		return (shown.length() > 200) ? shown.substring(0, 200) + "...(" + text.length() + " chars)" : shown;
	}

	private static void awaitNoRunningRollout(Connection connection) throws SQLException, InterruptedException {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
		while (true) {
			try (Statement statement = connection.createStatement();
					ResultSet result = statement.executeQuery("SELECT count(*) FROM schema_rollouts WHERE state = 'RUNNING'")) {
				result.next();
				if (result.getLong(1) == 0) {
					return;
				}
			}
			assertThat(System.nanoTime()).as("a schema rollout still runs after 60 s").isLessThan(deadline);
			Thread.sleep(20);
		}
	}

	private static String state(Connection connection) throws SQLException {
		try (Statement statement = connection.createStatement(); ResultSet result = statement.executeQuery(STATE)) {
			result.next();
			return result.getString(1);
		}
	}

	private static Set<String> ids(String query) {
		return new HashSet<>(db.strings(query));
	}

	/** Every operation of the committed OpenAPI document, which OpenApiDocumentTest keeps equal to the served one. */
	@SuppressWarnings("unchecked")
	private static List<Operation> operations() throws Exception {
		Map<String, Object> document = (Map<String, Object>) new Yaml(new SafeConstructor(new LoaderOptions()))
			.load(Files.readString(Path.of("openapi.yaml")));
		List<Operation> operations = new ArrayList<>();
		((Map<String, Map<String, Object>>) document.get("paths")).forEach((path, methods) -> methods.forEach((method, spec) -> {
			List<String> inPath = new ArrayList<>();
			List<String> inQuery = new ArrayList<>();
			for (Map<String, Object> parameter : (List<Map<String, Object>>) ((Map<String, Object>) spec)
				.getOrDefault("parameters", List.of())) {
				if ("path".equals(parameter.get("in"))) {
					inPath.add((String) parameter.get("name"));
				}
				else if ("query".equals(parameter.get("in"))) {
					inQuery.add((String) parameter.get("name"));
				}
			}
			operations.add(new Operation(method.toUpperCase(), path, inPath, inQuery));
		}));
		return operations;
	}

	private record Operation(String method, String path, List<String> pathParameters, List<String> queryParameters) {
	}

	private record Attempt(String method, String target, Set<String> headers, String body, HttpRequest request) {

		@Override
		public String toString() {
			return this.method + " " + abbreviated(this.target) + " headers " + this.headers + " body " + this.body;
		}

	}

}
