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
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import io.codebase.registry.support.Http;
import io.codebase.registry.support.TestDatabase;
import io.codebase.registry.support.TestWorkspace;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Thousands of malformed and hostile requests, seeded and so repeatable, to every operation of openapi.yaml:
 * random JSON, wrong types, huge strings, control characters, SQL and path fragments, Unicode confusables, in
 * path, query, headers and body. Every answer must be below 500; every error an RFC 9457 problem; and after
 * every refused request the registry's rows and the server's databases must be exactly as before.
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
			    || (SELECT md5(string_agg(datname::text, '|' ORDER BY datname)) FROM pg_database)""";

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
		Http http = new Http(this.port);
		for (String id : ids("SELECT id FROM projects")) {
			if (!this.projectsBefore.contains(id)) {
				http.send("DELETE", "/api/v1/projects/" + id, null, Map.of());
			}
		}
		http.send("DELETE", "/api/v1/projects/" + this.projectId, null, Map.of());
		for (String session : ids("SELECT session_id FROM sessions")) {
			if (!this.sessionsBefore.contains(session)) {
				http.send("DELETE", "/api/v1/sessions/" + session, null, Map.of());
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
					throw new AssertionError("Request " + i + " (seed " + SEED + ") broke the connection: " + attempt, ex);
				}
				int status = response.statusCode();
				statuses.merge(attempt.method() + " " + operation.path() + " " + status, 1, Integer::sum);
				String context = "request " + i + " (seed " + SEED + "): " + attempt + " -> " + status + " "
						+ abbreviated(response.body());
				assertThat(status).as(context).isLessThan(500);
				if (status >= 400) {
					refused++;
					assertProblem(response, context);
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
	}

	private static void assertProblem(HttpResponse<String> response, String context) {
		assertThat(response.headers().firstValue("Content-Type")).as(context).hasValue("application/problem+json");
		JsonNode problem = JSON.readTree(response.body());
		assertThat(problem.get("status").asInt()).as(context).isEqualTo(response.statusCode());
		assertThat(problem.get("title").asString()).as(context).isNotBlank();
		assertThat(response.body()).as(context).doesNotContain("Exception", "\tat ", "io.codebase");
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
		Set<String> ids = new HashSet<>();
		try (Connection connection = db.connect(); Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery(query)) {
			while (result.next()) {
				ids.add(result.getString(1));
			}
		}
		catch (SQLException ex) {
			throw new IllegalStateException(ex);
		}
		return ids;
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
