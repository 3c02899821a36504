package io.codebase.registry.resolution;

import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.codebase.registry.project.CreateProjectRequest;
import io.codebase.registry.support.Http;
import io.codebase.registry.support.TestDatabase;
import io.codebase.registry.support.TestWorkspace;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.validation.Validator;
import jakarta.validation.constraints.Size;
import jakarta.validation.metadata.ConstraintDescriptor;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import static io.codebase.registry.support.Http.json;
import static io.codebase.registry.support.Problems.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

/** Resolution over real HTTP with real config files, sessions and PostgreSQL (invariants 3 and 5, docs/architecture.md#invariants). */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ResolutionApiTest {

	private static final TestDatabase db = TestDatabase.get();

	@LocalServerPort
	int port;

	@Autowired
	MeterRegistry meters;

	@Autowired
	Validator validator;

	Http http;

	String unique;

	@BeforeEach
	void setUp() {
		this.http = new Http(this.port);
		this.unique = UUID.randomUUID().toString().substring(0, 8);
	}

	@Test
	void explicitProjectsResolveByIdOrNameAndUnknownOnesAre404NotAFallback() {
		JsonNode project = json(this.http.post("/api/v1/projects", "{\"name\": \"explicit " + this.unique + "\"}"));
		String id = project.get("id").asString();

		HttpResponse<String> byId = this.http.get("/api/v1/resolutions?project=" + id);
		assertThat(byId.statusCode()).isEqualTo(200);
		assertThat(byId.headers().firstValue("X-Resolution-Tier")).hasValue("EXPLICIT");
		JsonNode resolution = json(byId);
		assertThat(resolution.get("project").get("id").asString()).isEqualTo(id);
		assertThat(resolution.get("fallback").asBoolean()).isFalse();
		assertThat(resolution.get("databaseName").asString()).isEqualTo(project.get("databaseName").asString());
		assertThat(resolution.get("jdbcUrl").asString()).endsWith("/" + project.get("databaseName").asString())
			.startsWith("jdbc:postgresql://").doesNotContain("password", "user=");
		assertThat(resolution.has("trace")).isFalse();

		assertThat(json(post("{\"project\": \"EXPLICIT " + this.unique + "\"}")).get("project").get("id").asString()).isEqualTo(id);

		HttpResponse<String> unknown = post("{\"project\": \"missing " + this.unique + "\", \"explain\": true}");
		JsonNode problem = assertProblem(unknown, 404, "project-not-found");
		assertThat(unknown.headers().firstValue("X-Resolution-Tier")).hasValue("EXPLICIT");
		assertThat(problem.get("trace").get(0).get("outcome").asString()).isEqualTo("ERROR");
	}

	/** Found by the fault test: an id that is not the first member of project was written a second time (a 500). */
	@Test
	void anIdAfterOtherMembersIsReplacedInPlace() throws Exception {
		Path repository = TestWorkspace.newDirectory("id-last");
		String name = "id last " + this.unique;
		String existing = json(this.http.post("/api/v1/projects", "{\"name\": \"" + name + "\"}")).get("id").asString();
		String stale = UUID.randomUUID().toString();
		String original = "{\n  \"version\": \"1.0\",\n  \"project\": {\n    \"name\": \"" + name
				+ "\",\n    \"id\": \"" + stale + "\",\n    \"description\": \"kept\"\n  }\n}\n";
		Path config = TestWorkspace.writeConfig(repository, original);

		HttpResponse<String> resolved = post("{\"sessionId\": \"" + session(repository) + "\"}");

		assertThat(resolved.statusCode()).as(resolved.body()).isEqualTo(200);
		assertThat(json(resolved).get("project").get("id").asString()).isEqualTo(existing);
		assertThat(Files.readString(config, StandardCharsets.UTF_8)).isEqualTo(original.replace(stale, existing));
	}

	@Test
	void aSessionConfigAutoCreatesTheProjectCommitsItAndWritesTheIdBack() throws Exception {
		Path repository = TestWorkspace.newDirectory("payments");
		Files.createDirectories(repository.resolve(".git"));
		Path nested = Files.createDirectories(repository.resolve("src/main/java"));
		String name = "Payments Service " + this.unique;
		String original = TestWorkspace.fixture("codebase-mcp-config.json").replace("Payments Service", name);
		Path config = TestWorkspace.writeConfig(repository, original);
		String session = session(nested);

		HttpResponse<String> first = post("{\"sessionId\": \"" + session + "\", \"explain\": true}");

		assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
		assertThat(first.headers().firstValue("X-Resolution-Tier")).hasValue("SESSION_CONFIG");
		JsonNode resolution = json(first);
		String id = resolution.get("project").get("id").asString();
		assertThat(resolution.get("created").asBoolean()).isTrue();
		assertThat(resolution.get("fallback").asBoolean()).isFalse();
		assertThat(resolution.get("project").get("description").asString())
			.isEqualTo("Card payments backend, indexed for semantic search");
		assertThat(resolution.get("trace").findValuesAsString("outcome")).containsExactly("SKIPPED", "HIT");
		// The tier that created it says where its database was placed, and why.
		assertThat(resolution.get("trace").get(1).get("reason").asString())
			.contains("created on server default: fewest projects per unit of weight");
		assertThat(resolution.get("connection").get("server").asString()).isEqualTo("default");
		assertThat(db.count("SELECT count(*) FROM projects WHERE id = ?::uuid AND state = 'READY'", id)).isEqualTo(1);
		assertThat(db.databaseExists(resolution.get("databaseName").asString())).isTrue();

		// The id went into the file; every other byte of it stayed as the client wrote it.
		String written = Files.readString(config, StandardCharsets.UTF_8);
		assertThat(written).isEqualTo(original.replace("  \"project\": {\n", "  \"project\": {\n    \"id\": \"" + id + "\",\n"));
		assertThat(repository.resolve(".codebase-mcp").toFile().list()).containsExactly("config.json");

		// Resolving again changes nothing; the id in the file now finds the project directly.
		long rows = db.count("SELECT count(*) FROM projects");
		JsonNode again = json(post("{\"sessionId\": \"" + session + "\", \"explain\": true}"));
		assertThat(again.get("project").get("id").asString()).isEqualTo(id);
		assertThat(again.get("created").asBoolean()).isFalse();
		assertThat(again.get("trace").get(1).get("reason").asString()).startsWith("project.id " + id);
		assertThat(db.count("SELECT count(*) FROM projects")).isEqualTo(rows);
		assertThat(Files.readString(config, StandardCharsets.UTF_8)).isEqualTo(written);

		// Later, with no session at all, the explicit id finds the same project.
		assertThat(json(this.http.get("/api/v1/resolutions?project=" + id)).get("project").get("name").asString()).isEqualTo(name);
	}

	@Test
	void aConfigWithIdAndDatabaseNameAdoptsThatDatabase() {
		Path directory = TestWorkspace.newDirectory("billing");
		UUID id = UUID.randomUUID();
		String databaseName = "cb_proj_billing_api_" + id.toString().substring(0, 8);
		String config = TestWorkspace.fixture("codebase-mcp-config-with-id.json")
			.replace("billing-api", "billing-api-" + this.unique)
			.replace("5b0e6f0c-7d1a-4c5e-9a51-2f7c3e9b8d10", id.toString())
			.replace("cb_proj_billing_api_5b0e6f0c", databaseName);
		TestWorkspace.writeConfig(directory, config);
		db.execute("CREATE DATABASE " + databaseName);

		JsonNode resolution = json(post("{\"sessionId\": \"" + session(directory) + "\"}"));

		assertThat(resolution.get("project").get("id").asString()).isEqualTo(id.toString());
		assertThat(resolution.get("databaseName").asString()).isEqualTo(databaseName);
		assertThat(resolution.get("created").asBoolean()).isTrue();
		assertThat(db.databasesStartingWith("cb_proj_billing_api_" + id.toString().substring(0, 8))).isEqualTo(1);
	}

	@Test
	void aDatabaseNameOwnedByAnotherProjectOrDifferentFromTheProjectsIsA409() {
		JsonNode owner = json(this.http.post("/api/v1/projects", "{\"name\": \"owner " + this.unique + "\"}"));
		String taken = owner.get("databaseName").asString();
		long rows = db.count("SELECT count(*) FROM projects");

		assertProblem(post(inline("thief " + this.unique, ", \"database_name\": \"" + taken + "\"")), 409, "database-name-taken");
		assertProblem(post(inline("owner " + this.unique, ", \"database_name\": \"cb_proj_owner_00000000\"")), 409,
				"project-database-mismatch");
		assertThat(db.count("SELECT count(*) FROM projects")).isEqualTo(rows);
	}

	@Test
	void inlineConfigsResolveWithoutASession() {
		HttpResponse<String> response = post(inline("inline " + this.unique, ""));
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		assertThat(response.headers().firstValue("X-Resolution-Tier")).hasValue("SESSION_CONFIG");
		assertThat(json(response).get("created").asBoolean()).isTrue();
	}

	@Test
	void aReadOnlyConfigIsUsedAndLeftAlone() throws Exception {
		Path directory = TestWorkspace.newDirectory("readonly");
		Path config = TestWorkspace.writeConfig(directory, "{\"version\": \"1.0\", \"project\": {\"name\": \"ro " + this.unique + "\"}}");
		Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("r--r--r--"));

		JsonNode resolution = json(post("{\"sessionId\": \"" + session(directory) + "\", \"explain\": true}"));

		assertThat(resolution.get("tier").asString()).isEqualTo("SESSION_CONFIG");
		assertThat(resolution.get("trace").get(1).get("reason").asString()).contains("read-only");
		assertThat(Files.readString(config)).doesNotContain("\"id\"");
	}

	@Test
	void malformedConfigsAre422sNamingTheFileAndCreateNothing() throws Exception {
		Map<String, String> configs = Map.of(
				"{\"project\": {\"name\": \"broken", "not valid JSON",
				"{\"version\": \"1.0\"}", "project must be an object",
				"{\"project\": {\"name\": \"x; DROP DATABASE postgres\"}}", "project.name must be",
				"{\"project\": {\"name\": \"ok\", \"id\": \"not-a-uuid\"}}", "is not a UUID",
				"{\"version\": \"one\", \"project\": {\"name\": \"ok\"}}", "version must be",
				"{\"project\": {\"name\": \"ok\", \"database_name\": \"postgres\"}}", "not a managed database name",
				"[1, 2]", "must hold a JSON object",
				"{\"project\": {\"name\": \"ok\", \"x\": \"" + "x".repeat(70_000) + "\"}}", "larger than");
		long rows = db.count("SELECT count(*) FROM projects");
		long databases = db.databaseCount();
		for (Map.Entry<String, String> config : configs.entrySet()) {
			Path directory = TestWorkspace.newDirectory("malformed");
			Path file = TestWorkspace.writeConfig(directory, config.getKey());
			HttpResponse<String> response = post("{\"sessionId\": \"" + session(directory) + "\"}");
			JsonNode problem = assertProblem(response, 422, "invalid-project-config");
			assertThat(problem.get("file").asString()).isEqualTo(file.toString());
			assertThat(problem.get("detail").asString()).contains(file.toString()).contains(config.getValue());
			assertThat(response.headers().firstValue("X-Resolution-Tier")).hasValue("SESSION_CONFIG");
		}
		assertThat(db.count("SELECT count(*) FROM projects")).isEqualTo(rows);
		assertThat(db.databaseCount()).isEqualTo(databases);
	}

	@Test
	void aConfigIsHeldToTheApisRulesForAProject() {
		String tooLong = "d".repeat(descriptionLimit() + 1);
		JsonNode api = assertProblem(this.http.post("/api/v1/projects",
				"{\"name\": \"long " + this.unique + "\", \"description\": \"" + tooLong + "\"}"), 400, "invalid-request");
		assertThat(api.get("errors").findValuesAsString("field")).containsExactly("description");
		String rule = "project.description " + api.get("errors").get(0).get("message").asString();
		long rows = db.count("SELECT count(*) FROM projects");

		Path directory = TestWorkspace.newDirectory("long");
		Path file = TestWorkspace.writeConfig(directory,
				"{\"project\": {\"name\": \"long " + this.unique + "\", \"description\": \"" + tooLong + "\"}}");
		JsonNode fromFile = assertProblem(post("{\"sessionId\": \"" + session(directory) + "\"}"), 422, "invalid-project-config");
		assertThat(fromFile.get("detail").asString()).isEqualTo(file + ": " + rule);
		JsonNode inline = assertProblem(post(inline("long " + this.unique, ", \"description\": \"" + tooLong + "\"")), 422,
				"invalid-project-config");
		assertThat(inline.get("detail").asString()).isEqualTo("inline config: " + rule);
		assertThat(db.count("SELECT count(*) FROM projects")).isEqualTo(rows);

		// What the API accepts, a config may hold.
		String longest = tooLong.substring(1);
		HttpResponse<String> accepted = post(inline("longest " + this.unique, ", \"description\": \"" + longest + "\""));
		assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(200);
		assertThat(json(accepted).get("project").get("description").asString()).isEqualTo(longest);
	}

	/** The API's limit, read from its constraint: the test copies no number. */
	private int descriptionLimit() {
		return this.validator.getConstraintsForClass(CreateProjectRequest.class)
			.getConstraintsForProperty("description")
			.getConstraintDescriptors()
			.stream()
			.map(ConstraintDescriptor::getAnnotation)
			.filter(Size.class::isInstance)
			.map(size -> ((Size) size).max())
			.findFirst()
			.orElseThrow();
	}

	@Test
	void theSearchStopsAtTheRepositoryRootAndTheDepthLimit() throws Exception {
		Path outer = TestWorkspace.newDirectory("outer");
		TestWorkspace.writeConfig(outer, "{\"project\": {\"name\": \"outer " + this.unique + "\"}}");
		Path repository = Files.createDirectories(outer.resolve("repo"));
		Files.createDirectories(repository.resolve(".git"));
		JsonNode stopped = json(post("{\"sessionId\": \"" + session(repository) + "\", \"explain\": true}"));
		assertThat(stopped.get("tier").asString()).isEqualTo("DEFAULT");
		assertThat(stopped.get("fallback").asBoolean()).isTrue();
		assertThat(stopped.get("trace").get(1).get("reason").asString()).contains("repository root");

		// A worktree or submodule has a .git file, not a directory: it is a repository root too.
		Path worktree = Files.createDirectories(outer.resolve("worktree"));
		Files.writeString(worktree.resolve(".git"), "gitdir: /elsewhere/.git/worktrees/w\n");
		assertThat(json(post("{\"sessionId\": \"" + session(worktree) + "\", \"explain\": true}")).get("trace").get(1)
			.get("reason").asString()).contains("repository root");

		Path deep = outer.resolve("a/b/c/d/e/f/g/h/i/j/k/l/m/n/o/p/q/r/s/t/u");
		Files.createDirectories(deep);
		JsonNode tooDeep = json(post("{\"sessionId\": \"" + session(deep) + "\", \"explain\": true}"));
		assertThat(tooDeep.get("trace").get(1).get("reason").asString()).contains("after 20 directories");
		assertThat(db.count("SELECT count(*) FROM projects WHERE name_key = ?", "outer " + this.unique)).isZero();
	}

	@Test
	void theActiveProjectTierUsesTheSessionsActiveProject() {
		json(this.http.post("/api/v1/projects", "{\"name\": \"active " + this.unique + "\"}"));
		String session = "s-" + this.unique;
		this.http.send("PUT", "/api/v1/sessions/" + session + "/active-project", "{\"project\": \"active " + this.unique + "\"}", Map.of());

		HttpResponse<String> response = this.http.send("GET", "/api/v1/resolutions", null, Map.of("X-Session-Id", session));

		assertThat(response.headers().firstValue("X-Resolution-Tier")).hasValue("ACTIVE_PROJECT");
		assertThat(json(response).get("project").get("name").asString()).isEqualTo("active " + this.unique);
	}

	@Test
	void theDefaultWorkspaceIsOnlyAMarkedFallbackAndStrictModeRefusesIt() {
		HttpResponse<String> fallback = this.http.get("/api/v1/resolutions?explain=true");
		assertThat(fallback.headers().firstValue("X-Resolution-Tier")).hasValue("DEFAULT");
		JsonNode resolution = json(fallback);
		assertThat(resolution.get("fallback").asBoolean()).isTrue();
		assertThat(resolution.get("project").get("name").asString()).isEqualTo("default-workspace");
		assertThat(resolution.get("trace").findValuesAsString("tier"))
			.containsExactly("EXPLICIT", "SESSION_CONFIG", "ACTIVE_PROJECT", "ACTIVE_PROJECT", "DEFAULT");

		HttpResponse<String> strict = this.http.get("/api/v1/resolutions?strict=true");
		assertProblem(strict, 404, "no-project-identified");
		assertThat(strict.headers().firstValue("X-Resolution-Tier")).hasValue("DEFAULT");
	}

	@Test
	void anUnknownSessionIsA404NotAFallback() {
		HttpResponse<String> response = this.http.get("/api/v1/resolutions?session=gone-" + this.unique);
		assertProblem(response, 404, "session-not-found");
		assertThat(response.headers().firstValue("X-Resolution-Tier")).hasValue("SESSION_CONFIG");
	}

	@Test
	void hostileResolutionRequestsAre4xxAndCreateNothing() throws Exception {
		long rows = db.count("SELECT count(*) FROM projects");
		long databases = db.databaseCount();

		assertProblem(this.http.get("/api/v1/resolutions?session=" + "s".repeat(10_000)), 400, "invalid-request");
		assertProblem(this.http.send("POST", "/api/v1/resolutions", "{}", Map.of("X-Session-Id", "a", "Content-Type", "application/json")), 404, "session-not-found");
		assertProblem(post("{\"sessionId\": \"a\", \"bogus\": 1}"), 400, "invalid-request");
		assertProblem(post(inline("x'; DROP DATABASE postgres; --", "")), 422, "invalid-project-config");
		String deep = "{\"a\":".repeat(2000) + "1" + "}".repeat(2000);
		assertThat(post("{\"config\": " + deep + "}").statusCode()).isBetween(400, 499);
		// A 10 MB config: refused on its Content-Length, before a byte of it is read.
		try (Socket socket = new Socket("localhost", this.port)) {
			socket.getOutputStream().write(("POST /api/v1/resolutions HTTP/1.1\r\nHost: localhost\r\n"
					+ "Content-Type: application/json\r\nContent-Length: " + 10 * 1024 * 1024 + "\r\n\r\n{\"config\": {")
				.getBytes(StandardCharsets.US_ASCII));
			socket.setSoTimeout(10_000);
			byte[] buffer = new byte[4096];
			String response = new String(buffer, 0, socket.getInputStream().read(buffer), StandardCharsets.UTF_8);
			assertThat(response).startsWith("HTTP/1.1 413").contains("application/problem+json");
		}

		assertThat(db.count("SELECT count(*) FROM projects")).isEqualTo(rows);
		assertThat(db.databaseCount()).isEqualTo(databases);
	}

	@Test
	void everyTierStepIsCounted() {
		Map<String, Double> before = new HashMap<>();
		for (String tier : List.of("EXPLICIT", "SESSION_CONFIG", "ACTIVE_PROJECT", "DEFAULT")) {
			for (String outcome : List.of("HIT", "MISS", "SKIPPED", "ERROR")) {
				before.put(tier + " " + outcome, count(tier, outcome));
			}
		}
		JsonNode trace = json(this.http.get("/api/v1/resolutions?explain=true")).get("trace");

		Map<String, Integer> steps = new HashMap<>();
		trace.forEach(step -> steps.merge(step.get("tier").asString() + " " + step.get("outcome").asString(), 1, Integer::sum));
		assertThat(steps.keySet()).contains("EXPLICIT SKIPPED", "SESSION_CONFIG SKIPPED", "ACTIVE_PROJECT SKIPPED",
				"DEFAULT HIT");
		before.forEach((step, count) -> {
			String[] tierAndOutcome = step.split(" ");
			assertThat(count(tierAndOutcome[0], tierAndOutcome[1])).as(step)
				.isEqualTo(count + steps.getOrDefault(step, 0));
		});
		assertThat(this.meters.find("registry.resolution.duration").tag("tier", "DEFAULT").timer()).isNotNull();
	}

	private double count(String tier, String outcome) {
		var counter = this.meters.find("registry.resolutions").tags("tier", tier, "outcome", outcome).counter();
		return counter == null ? 0 : counter.count();
	}

	private String session(Path directory) {
		String session = "s-" + UUID.randomUUID();
		HttpResponse<String> put = this.http.send("PUT", "/api/v1/sessions/" + session,
				"{\"workingDirectory\": \"" + directory + "\"}", Map.of());
		assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
		return session;
	}

	private static String inline(String name, String extra) {
		return "{\"config\": {\"version\": \"1.0\", \"project\": {\"name\": \"" + name + "\"" + extra + "}}}";
	}

	private HttpResponse<String> post(String body) {
		return this.http.post("/api/v1/resolutions", body);
	}

}
