package io.codebase.registry.security;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import io.codebase.registry.support.ApiResponse;
import io.codebase.registry.support.ApiTest;
import io.codebase.registry.support.Json;
import io.codebase.registry.support.Projects;
import io.codebase.registry.support.RegistryClient;
import io.codebase.registry.support.TestDatabase;
import io.codebase.registry.support.TestWorkspace;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.logging.LogLevel;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.core.env.Environment;

import static io.codebase.registry.support.Json.object;
import static io.codebase.registry.support.Problems.assertProblem;
import static io.codebase.registry.support.Projects.uniqueName;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * API keys and roles over real HTTP: 401 without or with a wrong key, 403 for every write of a reader (every
 * write operation the OpenAPI document lists), a reader's resolutions that would create refused without
 * writing, open health probes and documents, requests logged and audit events naming the key, never holding it.
 */
@ApiTest(properties = {
		"registry.security.keys[0].name=ci-admin", "registry.security.keys[0].role=admin",
		"registry.security.keys[0].key=" + SecurityApiTest.ADMIN_KEY,
		// The reader's key is configured hashed; callers still send the key itself.
		"registry.security.keys[1].name=indexer", "registry.security.keys[1].role=reader",
		"registry.security.keys[1].key=sha256:5e0a152d5546c13bb308e2f8c9e83b82768ff3b4808318df8f6e10f991ab67fa" })
@ExtendWith(OutputCaptureExtension.class)
class SecurityApiTest {

	static final String ADMIN_KEY = "admin-key-6f1d2c9e4b7a";

	static final String READER_KEY = "reader-key-3e8b5a0c7d21";

	private static final String WRONG_KEY = "wrong-key-0000000000";

	/** The one write a reader may ask for: a resolution, which refuses to create anything for a reader. */
	private static final String READER_WRITE = "POST /api/v1/resolutions";

	/** Issuing a credential is open to readers too: theirs are READ_ONLY (CredentialsApiTest). */
	private static final String READER_CREDENTIAL = "POST /api/v1/projects/{project}/credentials";

	private static final TestDatabase db = TestDatabase.get();

	private final RegistryClient anonymous;

	private final RegistryClient admin;

	private final RegistryClient reader;

	/** Made by the admin: anonymous callers may not create the projects a test needs. */
	private final Projects projects;

	@Autowired
	Environment environment;

	@Autowired
	LoggingSystem logging;

	SecurityApiTest(RegistryClient api) {
		this.anonymous = api;
		this.admin = api.withKey(ADMIN_KEY);
		this.reader = api.withKey(READER_KEY);
		this.projects = new Projects(this.admin);
	}

	@AfterEach
	void deleteProjects() {
		this.projects.close();
	}

	@Test
	void configuredHashIsTheDigestOfTheReaderKey() {
		// Keeps the hashed key in the annotation above honest.
		assertThat(ApiKeys.hash(READER_KEY)).isEqualTo(this.environment.getProperty("registry.security.keys[1].key"));
	}

	@Test
	void withoutAKeyEveryApiCallIs401WithTheBearerChallenge() {
		ApiResponse response = this.anonymous.get("/api/v1/projects");

		assertProblem(response, 401, "unauthorized");
		assertThat(response.header("WWW-Authenticate")).hasValue("Bearer realm=\"project-registry\"");
		String name = uniqueName("anonymous-try");
		assertProblem(this.anonymous.createProject(name), 401, "unauthorized");
		assertThat(db.count("SELECT count(*) FROM projects WHERE name = ?", name)).isZero();
	}

	@Test
	void aWrongKeyIs401AndNeverFallsBackToAnonymous() {
		ApiResponse bearer = this.anonymous.withKey(ADMIN_KEY + "x").get("/api/v1/projects");
		JsonNode problem = assertProblem(bearer, 401, "unauthorized");
		assertThat(bearer.header("WWW-Authenticate"))
			.hasValue("Bearer realm=\"project-registry\", error=\"invalid_token\"");
		assertThat(problem.toString()).doesNotContain(ADMIN_KEY);

		assertProblem(this.anonymous.withHeader("X-API-Key", WRONG_KEY).get("/api/v1/projects"), 401, "unauthorized");
		// The stored digest is not a key.
		assertProblem(this.anonymous.withHeader("X-API-Key", this.environment.getProperty("registry.security.keys[1].key"))
			.get("/api/v1/projects"), 401, "unauthorized");
	}

	@Test
	void bothHeadersWork() {
		assertThat(this.reader.get("/api/v1/projects").status()).isEqualTo(200);
		assertThat(this.anonymous.withHeader("authorization", "bearer " + READER_KEY).get("/api/v1/projects").status())
			.isEqualTo(200);
		assertThat(this.anonymous.withHeader("X-API-Key", ADMIN_KEY).get("/api/v1/projects").status()).isEqualTo(200);
	}

	@Test
	void aReaderReadsButEveryWriteIs403AndChangesNothing() {
		JsonNode project = this.projects.ready("reader-target");
		String id = project.get("id").asString();
		String session = uniqueName("reader-session");
		assertThat(this.admin.put("/api/v1/sessions/" + session, object("workingDirectory", TestWorkspace.ROOT.toString()))
			.status()).isEqualTo(200);
		JsonNode sessionBefore = this.admin.get("/api/v1/sessions/" + session).json();
		long projectRows = db.count("SELECT count(*) FROM projects");
		long databases = db.databaseCount();
		long sessionRows = db.count("SELECT count(*) FROM sessions");
		long rollouts = db.count("SELECT count(*) FROM schema_rollouts");
		List<String> writes = writeOperations();
		assertThat(writes).as("the document's writes").contains("POST /api/v1/projects", "PATCH /api/v1/projects/{project}",
				"DELETE /api/v1/projects/{project}", "PUT /api/v1/sessions/{sessionId}", "POST /api/v1/imports", READER_WRITE, READER_CREDENTIAL,
				"DELETE /api/v1/projects/{project}/credentials/{name}");

		for (String write : writes) {
			if (write.equals(READER_WRITE) || write.equals(READER_CREDENTIAL)) {
				continue;
			}
			String method = write.substring(0, write.indexOf(' '));
			String path = write.substring(write.indexOf(' ') + 1)
				.replace("{project}", id)
				.replace("{sessionId}", session)
				.replace("{name}", "cb_proj_cred_00000000_aaaaaaaaaaaa")
				.replace("{id}", UUID.randomUUID().toString());
			assertThat(path).as(write).doesNotContain("{");
			// A body and an If-Match that would be accepted, so that only the role can be what refuses the call.
			ApiResponse response = this.reader.sendRaw(method, path, method.equals("DELETE") ? null : "{}",
					Map.of("If-Match", "\"" + project.get("version").asLong() + "\""));
			JsonNode problem = assertProblem(response, 403, "forbidden");
			assertThat(problem.get("detail").asString()).as(write).contains("indexer").doesNotContain(READER_KEY);
		}

		assertThat(this.reader.getProject(id).json()).isEqualTo(project);
		assertThat(this.reader.get("/api/v1/sessions/" + session).json().get("workingDirectory"))
			.isEqualTo(sessionBefore.get("workingDirectory"));
		assertThat(db.count("SELECT count(*) FROM projects")).isEqualTo(projectRows);
		assertThat(db.databaseCount()).isEqualTo(databases);
		assertThat(db.count("SELECT count(*) FROM sessions")).isEqualTo(sessionRows);
		assertThat(db.count("SELECT count(*) FROM schema_rollouts")).isEqualTo(rollouts);
		assertThat(this.reader.get("/api/v1/projects").status()).isEqualTo(200);
	}

	@Test
	void anAdminCreatesAndDeletesAndTheAuditNamesTheKeyNeverTheKeyItself(CapturedOutput output) {
		String name = uniqueName("admin-made");

		ApiResponse created = this.admin.createProject(name);
		assertThat(created.status()).as(created.toString()).isEqualTo(201);
		String id = created.json().get("id").asString();
		assertThat(this.admin.post("/api/v1/projects/" + id + "/provision", null).status()).isEqualTo(200);
		assertThat(this.admin.delete(id).status()).isEqualTo(204);

		assertThat(output.getOut()).contains("action=project.create caller=ci-admin role=admin projectId=" + id
				+ " name=" + name)
			.contains("action=project.provisioning-retry caller=ci-admin role=admin projectId=" + id)
			.contains("action=project.delete caller=ci-admin role=admin projectId=" + id)
			.doesNotContain(ADMIN_KEY)
			.doesNotContain(READER_KEY);
	}

	@Test
	void aReaderResolvesExistingProjectsButCreatesNothing() throws Exception {
		String existing = this.projects.ready("resolvable").get("name").asString();
		Path directory = TestWorkspace.newDirectory("reader");
		Path config = TestWorkspace.writeConfig(directory,
				Json.write(object("project", object("name", existing))));

		JsonNode byName = this.reader.resolve(inline(existing)).json();
		assertThat(byName.get("project").get("name").asString()).isEqualTo(existing);
		assertThat(this.reader.resolve(Map.of("project", existing)).status()).isEqualTo(200);

		String unknown = uniqueName("not-yet");
		long projectRows = db.count("SELECT count(*) FROM projects");
		long databases = db.databaseCount();
		ApiResponse refused = this.reader.resolve(inline(unknown));
		assertProblem(refused, 403, "creation-forbidden");
		assertThat(refused.header("X-Resolution-Tier")).hasValue("SESSION_CONFIG");
		assertThat(db.count("SELECT count(*) FROM projects")).isEqualTo(projectRows);
		assertThat(db.databaseCount()).isEqualTo(databases);

		// An admin's session, resolved by a reader: the config names an existing project, whose id is written back.
		String session = uniqueName("reader-wd");
		assertThat(this.admin.put("/api/v1/sessions/" + session, object("workingDirectory", directory.toString()))
			.status()).isEqualTo(200);
		JsonNode viaSession = this.reader.resolve(Map.of("session", session)).json();
		assertThat(viaSession.get("tier").asString()).isEqualTo("SESSION_CONFIG");
		assertThat(Files.readString(config)).contains(viaSession.get("project").get("id").asString());
	}

	@Test
	void aReaderIsNotHandedAFailedProjectThatWouldBeProvisionedAgain() {
		JsonNode created = this.projects.ready("failed-for-reader");
		String name = created.get("name").asString();
		String databaseName = created.get("databaseName").asString();
		db.execute("DROP DATABASE " + databaseName);
		db.execute("UPDATE projects SET state = 'FAILED', last_error = 'disk full' WHERE name = '" + name + "'");

		assertProblem(this.reader.resolve(Map.of("project", name)), 403, "creation-forbidden");

		assertThat(db.databaseExists(databaseName)).isFalse();
		assertThat(db.count("SELECT count(*) FROM projects WHERE name = ? AND state = 'FAILED'", name)).isEqualTo(1);
	}

	@Test
	void healthProbesTheApiDocumentAndTheRootDocumentAreOpenMetricsNeedAKey() {
		assertThat(this.anonymous.get("/actuator/health/liveness").status()).isEqualTo(200);
		assertThat(this.anonymous.get("/actuator/health/readiness").status()).isEqualTo(200);
		assertThat(this.anonymous.get("/v3/api-docs").status()).isEqualTo(200);
		assertThat(this.anonymous.get("/swagger-ui/index.html").status()).isEqualTo(200);
		assertThat(this.anonymous.get("/").status()).isEqualTo(200);
		assertThat(this.anonymous.get("/api/v1").status()).isEqualTo(200);
		assertProblem(this.anonymous.get("/api/v1/anything-else"), 401, "unauthorized");
		assertProblem(this.anonymous.get("/actuator/prometheus"), 401, "unauthorized");
		assertThat(this.anonymous.withHeader("X-API-Key", READER_KEY).get("/actuator/prometheus").status()).isEqualTo(200);
	}

	@Test
	void requestsAreLoggedButTheirKeysNeverAre(CapturedOutput output) {
		// The most talkative logs a deployment might turn on: every request, its authentication and its handling.
		List<String> loggers = List.of("org.springframework.security", "org.springframework.web", "io.codebase.registry");
		loggers.forEach(logger -> this.logging.setLogLevel(logger, LogLevel.DEBUG));
		String name = uniqueName("logged");
		try {
			this.reader.get("/api/v1/projects");
			this.anonymous.withHeader("X-API-Key", WRONG_KEY).get("/api/v1/projects?page=1");
			this.reader.createProject(name);
			this.projects.readyNamed(name);
		}
		finally {
			loggers.forEach(logger -> this.logging.setLogLevel(logger, null));
		}

		assertThat(output.getAll()).as("each request was logged")
			.contains("Securing GET /api/v1/projects", "Securing GET /api/v1/projects?page=1",
					"Securing POST /api/v1/projects", "action=project.create caller=ci-admin role=admin")
			.doesNotContain(ADMIN_KEY, READER_KEY, WRONG_KEY);
	}

	/** Every write operation of the API document: method and path template of each POST, PUT, PATCH and DELETE. */
	private List<String> writeOperations() {
		JsonNode paths = this.anonymous.get("/v3/api-docs").json().get("paths");
		List<String> writes = new ArrayList<>();
		for (String path : paths.propertyNames()) {
			for (String method : paths.get(path).propertyNames()) {
				if (Set.of("post", "put", "patch", "delete").contains(method)) {
					writes.add(method.toUpperCase() + " " + path);
				}
			}
		}
		return writes;
	}

	private static JsonNode inline(String name) {
		return object("config", object("project", object("name", name)));
	}

}
