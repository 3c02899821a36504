package io.codebase.registry.session;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import io.codebase.registry.support.Http;
import io.codebase.registry.support.TestDatabase;
import io.codebase.registry.support.TestWorkspace;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import static io.codebase.registry.support.Http.json;
import static io.codebase.registry.support.Problems.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

/** Sessions over real HTTP: working directories, active projects, expiry, and the paths they refuse. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class SessionApiTest {

	private static final TestDatabase db = TestDatabase.get();

	@LocalServerPort
	int port;

	@Autowired
	SessionService sessions;

	Http http;

	String id;

	@BeforeEach
	void setUp() {
		this.http = new Http(this.port);
		this.id = "test-" + UUID.randomUUID();
	}

	@Test
	void setReadAndEndASession() throws Exception {
		Path directory = TestWorkspace.newDirectory("work");
		HttpResponse<String> put = putDirectory(this.id, directory.toString());
		assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
		assertThat(json(put).get("workingDirectory").asString()).isEqualTo(directory.toString());

		JsonNode read = json(this.http.get("/api/v1/sessions/" + this.id));
		assertThat(read.get("workingDirectory").asString()).isEqualTo(directory.toString());
		assertThat(Instant.parse(read.get("expiresAt").asString()))
			.isAfter(Instant.parse(json(put).get("expiresAt").asString()).minusMillis(1));

		assertThat(this.http.send("DELETE", "/api/v1/sessions/" + this.id, null, Map.of()).statusCode()).isEqualTo(204);
		assertProblem(this.http.get("/api/v1/sessions/" + this.id), 404, "session-not-found");
		assertThat(db.count("SELECT count(*) FROM sessions WHERE session_id = ?", this.id)).isZero();
	}

	@Test
	void workingDirectoriesAreStoredAsRealPaths() throws Exception {
		Path directory = TestWorkspace.newDirectory("real");
		Path link = Files.createSymbolicLink(TestWorkspace.ROOT.resolve("link-" + UUID.randomUUID()), directory);
		HttpResponse<String> put = putDirectory(this.id, link + "/../" + directory.getFileName());
		assertThat(json(put).get("workingDirectory").asString()).isEqualTo(directory.toString());
	}

	@Test
	void refusedWorkingDirectoriesNameTheRuleAndChangeNothing() throws Exception {
		Path directory = TestWorkspace.newDirectory("rules");
		Path file = Files.writeString(directory.resolve("file.txt"), "x");
		Path escape = Files.createSymbolicLink(directory.resolve("escape"), Path.of("/etc"));
		Map<String, String> cases = Map.of(
				"relative/path", "absolute",
				directory.resolve("missing").toString(), "exists",
				file.toString(), "directory",
				escape.toString(), "allowed-root",
				directory + "/../../../../../../../../etc", "allowed-root",
				"/", "allowed-root",
				"/tmp/a\u0000b", "well-formed");
		cases.forEach((workingDirectory, rule) -> {
			JsonNode problem = assertProblem(putDirectory(this.id, workingDirectory), 422, "invalid-working-directory");
			assertThat(problem.get("rule").asString()).as(workingDirectory).isEqualTo(rule);
		});
		assertThat(db.count("SELECT count(*) FROM sessions WHERE session_id = ?", this.id)).isZero();
	}

	@Test
	void sessionIdsAreBounded() {
		assertProblem(putDirectory("x".repeat(10_000), TestWorkspace.ROOT.toString()), 400, "invalid-request");
		assertProblem(putDirectory("bad%20id", TestWorkspace.ROOT.toString()), 400, "invalid-request");
		assertProblem(this.http.get("/api/v1/sessions/" + "y".repeat(129)), 400, "invalid-request");
		assertThat(db.count("SELECT count(*) FROM sessions WHERE length(session_id) > 128")).isZero();
	}

	@Test
	void activeProjectIsSetByNameClearedAndForgottenWhenTheProjectIsDeleted() {
		String name = "active " + UUID.randomUUID().toString().substring(0, 8);
		JsonNode project = json(this.http.post("/api/v1/projects", "{\"name\": \"" + name + "\"}"));

		assertProblem(putActive(this.id, "no such project"), 404, "project-not-found");
		JsonNode session = json(putActive(this.id, name.toUpperCase()));
		assertThat(session.get("activeProjectId").asString()).isEqualTo(project.get("id").asString());
		String activeSessions = "/api/v1/projects/" + project.get("id").asString() + "/active-sessions";
		assertThat(json(this.http.get(activeSessions)).findValuesAsString("sessionId")).containsExactly(this.id);

		JsonNode cleared = json(this.http.send("DELETE", "/api/v1/sessions/" + this.id + "/active-project", null, Map.of()));
		assertThat(cleared.get("activeProjectId").isNull()).isTrue();

		assertThat(json(this.http.get(activeSessions))).isEmpty();
		putActive(this.id, name);
		this.http.send("DELETE", "/api/v1/projects/" + project.get("id").asString(), null, Map.of());
		assertProblem(this.http.get(activeSessions), 404, "project-not-found");
		assertThat(json(this.http.get("/api/v1/sessions/" + this.id)).get("activeProjectId").isNull()).isTrue();
	}

	@Test
	void expiredSessionsAreGoneAndPurged() {
		putDirectory(this.id, TestWorkspace.ROOT.toString());
		db.execute("UPDATE sessions SET expires_at = now() - interval '1 second' WHERE session_id = '" + this.id + "'");

		assertProblem(this.http.get("/api/v1/sessions/" + this.id), 404, "session-not-found");
		assertThat(db.count("SELECT count(*) FROM sessions WHERE session_id = ?", this.id)).isEqualTo(1);
		this.sessions.purgeExpired();
		assertThat(db.count("SELECT count(*) FROM sessions WHERE session_id = ?", this.id)).isZero();
	}

	@Test
	void anExpiredSessionThatIsUsedAgainStartsOver() {
		String name = "expired " + UUID.randomUUID().toString().substring(0, 8);
		this.http.post("/api/v1/projects", "{\"name\": \"" + name + "\"}");
		putActive(this.id, name);
		db.execute("UPDATE sessions SET expires_at = now() - interval '1 second' WHERE session_id = '" + this.id + "'");

		assertThat(this.http.send("DELETE", "/api/v1/sessions/" + this.id, null, Map.of()).statusCode()).isEqualTo(404);
		putActive(this.id, name);
		db.execute("UPDATE sessions SET expires_at = now() - interval '1 second' WHERE session_id = '" + this.id + "'");
		JsonNode revived = json(putDirectory(this.id, TestWorkspace.ROOT.toString()));

		assertThat(revived.get("activeProjectId").isNull()).isTrue();
		assertThat(revived.get("createdAt").asString()).isEqualTo(revived.get("lastSeenAt").asString());
	}

	private HttpResponse<String> putDirectory(String sessionId, String directory) {
		return this.http.send("PUT", "/api/v1/sessions/" + sessionId,
				"{\"workingDirectory\": \"" + directory.replace("\u0000", "\\u0000") + "\"}", Map.of());
	}

	private HttpResponse<String> putActive(String sessionId, String project) {
		return this.http.send("PUT", "/api/v1/sessions/" + sessionId + "/active-project",
				"{\"project\": \"" + project + "\"}", Map.of());
	}

}
