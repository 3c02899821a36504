package io.codebase.registry.security;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;

import io.codebase.registry.support.Http;
import io.codebase.registry.support.TestDatabase;
import io.codebase.registry.support.TestWorkspace;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.env.Environment;

import static io.codebase.registry.support.Http.json;
import static io.codebase.registry.support.Problems.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * API keys and roles over real HTTP: 401 without or with a wrong key, 403 for a reader's writes, a reader's
 * resolutions that would create refused without writing, open health probes and documents, audit events
 * naming the key and never holding it.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
		"registry.security.keys[0].name=ci-admin", "registry.security.keys[0].role=admin",
		"registry.security.keys[0].key=" + SecurityApiTest.ADMIN_KEY,
		// The reader's key is configured hashed; callers still send the key itself.
		"registry.security.keys[1].name=indexer", "registry.security.keys[1].role=reader",
		"registry.security.keys[1].key=sha256:5e0a152d5546c13bb308e2f8c9e83b82768ff3b4808318df8f6e10f991ab67fa" })
@ExtendWith(OutputCaptureExtension.class)
class SecurityApiTest {

	static final String ADMIN_KEY = "admin-key-6f1d2c9e4b7a";

	static final String READER_KEY = "reader-key-3e8b5a0c7d21";

	private static final TestDatabase db = TestDatabase.get();

	@LocalServerPort
	int port;

	@Autowired
	Environment environment;

	@Test
	void configuredHashIsTheDigestOfTheReaderKey() {
		// Keeps the hashed key in the annotation above honest.
		assertThat(ApiKeys.hash(READER_KEY)).isEqualTo(this.environment.getProperty("registry.security.keys[1].key"));
	}

	@Test
	void withoutAKeyEveryApiCallIs401WithTheBearerChallenge() {
		HttpResponse<String> response = http().get("/api/v1/projects");

		assertProblem(response, 401, "unauthorized");
		assertThat(response.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"project-registry\"");
		assertProblem(http().post("/api/v1/projects", "{\"name\": \"anonymous-try\"}"), 401, "unauthorized");
		assertThat(db.count("SELECT count(*) FROM projects WHERE name = 'anonymous-try'")).isZero();
	}

	@Test
	void aWrongKeyIs401AndNeverFallsBackToAnonymous() {
		HttpResponse<String> bearer = send("GET", "/api/v1/projects", null, "Authorization", "Bearer " + ADMIN_KEY + "x");
		JsonNode problem = assertProblem(bearer, 401, "unauthorized");
		assertThat(bearer.headers().firstValue("WWW-Authenticate"))
			.hasValue("Bearer realm=\"project-registry\", error=\"invalid_token\"");
		assertThat(problem.toString()).doesNotContain(ADMIN_KEY);

		assertProblem(send("GET", "/api/v1/projects", null, "X-API-Key", "wrong-key-0000000000"), 401, "unauthorized");
		// The stored digest is not a key.
		assertProblem(send("GET", "/api/v1/projects", null, "X-API-Key",
				this.environment.getProperty("registry.security.keys[1].key")), 401, "unauthorized");
	}

	@Test
	void bothHeadersWork() {
		assertThat(send("GET", "/api/v1/projects", null, "Authorization", "Bearer " + READER_KEY).statusCode()).isEqualTo(200);
		assertThat(send("GET", "/api/v1/projects", null, "authorization", "bearer " + READER_KEY).statusCode()).isEqualTo(200);
		assertThat(send("GET", "/api/v1/projects", null, "X-API-Key", ADMIN_KEY).statusCode()).isEqualTo(200);
	}

	@Test
	void aReaderReadsButEveryWriteIs403AndChangesNothing() {
		String name = "reader-try-" + suffix();
		long databases = db.count("SELECT count(*) FROM pg_database");

		HttpResponse<String> create = asReader("POST", "/api/v1/projects", "{\"name\": \"" + name + "\"}");
		assertProblem(create, 403, "forbidden");
		assertThat(json(create).get("detail").asString()).contains("indexer").doesNotContain(READER_KEY);
		assertProblem(asReader("PUT", "/api/v1/sessions/reader-session",
				"{\"workingDirectory\": \"" + TestWorkspace.ROOT + "\"}"), 403, "forbidden");
		assertProblem(asReader("POST", "/api/v1/imports", "{\"version\": \"1.0\", \"projects\": {}}"), 403, "forbidden");

		assertThat(db.count("SELECT count(*) FROM projects WHERE name = ?", name)).isZero();
		assertThat(db.count("SELECT count(*) FROM sessions WHERE session_id = 'reader-session'")).isZero();
		assertThat(db.count("SELECT count(*) FROM pg_database")).isEqualTo(databases);
		assertThat(asReader("GET", "/api/v1/projects", null).statusCode()).isEqualTo(200);
	}

	@Test
	void anAdminCreatesAndDeletesAndTheAuditNamesTheKeyNeverTheKeyItself(CapturedOutput output) {
		String name = "admin-made-" + suffix();

		HttpResponse<String> created = asAdmin("POST", "/api/v1/projects", "{\"name\": \"" + name + "\"}");
		assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
		String id = json(created).get("id").asString();
		assertThat(asAdmin("POST", "/api/v1/projects/" + id + "/provision", null).statusCode()).isEqualTo(200);
		assertThat(asAdmin("DELETE", "/api/v1/projects/" + id, null).statusCode()).isEqualTo(204);

		assertThat(output.getOut()).contains("action=project.create caller=ci-admin role=admin projectId=" + id
				+ " name=" + name)
			.contains("action=project.provisioning-retry caller=ci-admin role=admin projectId=" + id)
			.contains("action=project.delete caller=ci-admin role=admin projectId=" + id)
			.doesNotContain(ADMIN_KEY)
			.doesNotContain(READER_KEY);
	}

	@Test
	void aReaderResolvesExistingProjectsButCreatesNothing() throws Exception {
		String existing = "resolvable-" + suffix();
		assertThat(asAdmin("POST", "/api/v1/projects", "{\"name\": \"" + existing + "\"}").statusCode()).isEqualTo(201);
		Path directory = TestWorkspace.newDirectory("reader");
		Path config = TestWorkspace.writeConfig(directory, "{\"project\": {\"name\": \"" + existing + "\"}}");

		JsonNode byName = json(asReader("POST", "/api/v1/resolutions", inline(existing)));
		assertThat(byName.get("project").get("name").asString()).isEqualTo(existing);
		assertThat(asReader("GET", "/api/v1/resolutions?project=" + existing, null).statusCode()).isEqualTo(200);

		String unknown = "not-yet-" + suffix();
		long projects = db.count("SELECT count(*) FROM projects");
		long databases = db.count("SELECT count(*) FROM pg_database");
		HttpResponse<String> refused = asReader("POST", "/api/v1/resolutions", inline(unknown));
		assertProblem(refused, 403, "creation-forbidden");
		assertThat(refused.headers().firstValue("X-Resolution-Tier")).hasValue("SESSION_CONFIG");
		assertThat(db.count("SELECT count(*) FROM projects")).isEqualTo(projects);
		assertThat(db.count("SELECT count(*) FROM pg_database")).isEqualTo(databases);

		// An admin's session, resolved by a reader: the config names an existing project, whose id is written back.
		String session = "reader-wd-" + suffix();
		assertThat(asAdmin("PUT", "/api/v1/sessions/" + session, "{\"workingDirectory\": \"" + directory + "\"}")
			.statusCode()).isEqualTo(200);
		JsonNode viaSession = json(asReader("GET", "/api/v1/resolutions?session=" + session, null));
		assertThat(viaSession.get("tier").asString()).isEqualTo("SESSION_CONFIG");
		assertThat(Files.readString(config)).contains(viaSession.get("project").get("id").asString());
	}

	@Test
	void aReaderIsNotHandedAFailedProjectThatWouldBeProvisionedAgain() {
		String name = "failed-for-reader-" + suffix();
		JsonNode created = json(asAdmin("POST", "/api/v1/projects", "{\"name\": \"" + name + "\"}"));
		String databaseName = created.get("databaseName").asString();
		db.execute("DROP DATABASE " + databaseName);
		db.execute("UPDATE projects SET state = 'FAILED', last_error = 'disk full' WHERE name = '" + name + "'");

		assertProblem(asReader("GET", "/api/v1/resolutions?project=" + name, null), 403, "creation-forbidden");

		assertThat(db.databaseExists(databaseName)).isFalse();
		assertThat(db.count("SELECT count(*) FROM projects WHERE name = ? AND state = 'FAILED'", name)).isEqualTo(1);
	}

	@Test
	void healthProbesAndTheApiDocumentAreOpenMetricsNeedAKey() {
		assertThat(http().get("/actuator/health/liveness").statusCode()).isEqualTo(200);
		assertThat(http().get("/actuator/health/readiness").statusCode()).isEqualTo(200);
		assertThat(http().get("/v3/api-docs").statusCode()).isEqualTo(200);
		assertThat(http().get("/swagger-ui/index.html").statusCode()).isEqualTo(200);
		assertProblem(http().get("/actuator/prometheus"), 401, "unauthorized");
		assertThat(send("GET", "/actuator/prometheus", null, "X-API-Key", READER_KEY).statusCode()).isEqualTo(200);
	}

	@Test
	void keysAreNeverLogged(CapturedOutput output) {
		asReader("GET", "/api/v1/projects", null);
		send("GET", "/api/v1/projects", null, "X-API-Key", "wrong-key-0000000000");

		assertThat(output.getAll()).doesNotContain(ADMIN_KEY, READER_KEY, "wrong-key-0000000000");
	}

	private HttpResponse<String> asAdmin(String method, String path, String body) {
		return send(method, path, body, "Authorization", "Bearer " + ADMIN_KEY);
	}

	private HttpResponse<String> asReader(String method, String path, String body) {
		return send(method, path, body, "Authorization", "Bearer " + READER_KEY);
	}

	private HttpResponse<String> send(String method, String path, String body, String header, String value) {
		return http().send(method, path, body, Map.of(header, value));
	}

	private Http http() {
		return new Http(this.port);
	}

	private static String inline(String name) {
		return "{\"config\": {\"project\": {\"name\": \"" + name + "\"}}}";
	}

	private static String suffix() {
		return UUID.randomUUID().toString().substring(0, 8);
	}

}
