package io.codebase.registry.session;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import io.codebase.registry.support.ApiResponse;
import io.codebase.registry.support.ApiTest;
import io.codebase.registry.support.Projects;
import io.codebase.registry.support.RegistryClient;
import io.codebase.registry.support.TestDatabase;
import io.codebase.registry.support.TestWorkspace;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;

import static io.codebase.registry.support.Json.object;
import static io.codebase.registry.support.Problems.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Sessions over real HTTP on PostgreSQL and the real file system: working directories, active projects, expiry,
 * and the paths they refuse. The controller's mapping alone is {@link SessionControllerWebTest}'s.
 */
@ApiTest
class SessionApiTest {

	private static final TestDatabase db = TestDatabase.get();

	private final RegistryClient api;

	private final Projects projects;

	private final String id = "test-" + UUID.randomUUID();

	@Autowired
	SessionService sessions;

	SessionApiTest(RegistryClient api, Projects projects) {
		this.api = api;
		this.projects = projects;
	}

	@Test
	void setReadAndEndASession() throws Exception {
		Path directory = TestWorkspace.newDirectory("work");
		ApiResponse put = putDirectory(this.id, directory.toString());
		assertThat(put.status()).as(put.toString()).isEqualTo(200);
		assertThat(put.json().get("workingDirectory").asString()).isEqualTo(directory.toString());

		JsonNode read = this.api.get(session(this.id)).json();
		assertThat(read.get("workingDirectory").asString()).isEqualTo(directory.toString());
		assertThat(Instant.parse(read.get("expiresAt").asString()))
			.isAfter(Instant.parse(put.json().get("expiresAt").asString()).minusMillis(1));

		assertThat(delete(session(this.id)).status()).isEqualTo(204);
		assertProblem(this.api.get(session(this.id)), 404, "session-not-found");
		assertThat(db.count("SELECT count(*) FROM sessions WHERE session_id = ?", this.id)).isZero();
	}

	@Test
	void workingDirectoriesAreStoredAsRealPaths() throws Exception {
		Path directory = TestWorkspace.newDirectory("real");
		Path link = Files.createSymbolicLink(TestWorkspace.ROOT.resolve("link-" + UUID.randomUUID()), directory);
		ApiResponse put = putDirectory(this.id, link + "/../" + directory.getFileName());
		assertThat(put.json().get("workingDirectory").asString()).isEqualTo(directory.toString());
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
		// No working directory at all is reported as none (JSON null), not as the text "null".
		JsonNode missing = assertProblem(this.api.put(session(this.id), object()), 422, "invalid-working-directory");
		assertThat(missing.get("rule").asString()).isEqualTo("present");
		assertThat(missing.path("workingDirectory").isMissingNode() || missing.get("workingDirectory").isNull())
			.as(missing.toString()).isTrue();
		assertThat(db.count("SELECT count(*) FROM sessions WHERE session_id = ?", this.id)).isZero();
	}

	/** Outside the allowed roots nothing about a host path may be learnt: one answer for every such path. */
	@Test
	void pathsOutsideTheRootsAllGetOneAnswerThatRevealsNothing() throws Exception {
		Path directory = TestWorkspace.newDirectory("probe");
		Path link = Files.createSymbolicLink(directory.resolve("to-etc"), Path.of("/etc"));
		Set<String> answers = new HashSet<>();
		for (String probe : List.of("/etc/shadow", "/etc/nonexistent", "/proc/self", "/etc", "/", link.toString(),
				directory + "/../../../../../../../../etc/passwd")) {
			JsonNode problem = assertProblem(putDirectory(this.id, probe), 422, "invalid-working-directory");
			assertThat(problem.get("rule").asString()).as(probe).isEqualTo("allowed-root");
			String detail = problem.get("detail").asString();
			assertThat(detail).as(probe).doesNotContain("/etc", "/proc", "exist", "resolves");
			answers.add(detail);
		}
		assertThat(answers).hasSize(1);
	}

	@Test
	void sessionIdsAreBounded() {
		assertProblem(putDirectory("x".repeat(10_000), TestWorkspace.ROOT.toString()), 400, "invalid-request");
		assertProblem(putDirectory("bad%20id", TestWorkspace.ROOT.toString()), 400, "invalid-request");
		assertProblem(this.api.get(session("y".repeat(129))), 400, "invalid-request");
		assertThat(db.count("SELECT count(*) FROM sessions WHERE length(session_id) > 128")).isZero();
	}

	@Test
	void activeProjectIsSetByNameClearedAndForgottenWhenTheProjectIsDeleted() {
		JsonNode project = this.projects.ready("active");
		String name = project.get("name").asString();

		assertProblem(putActive(this.id, "no such project"), 404, "project-not-found");
		JsonNode session = putActive(this.id, name.toUpperCase()).json();
		assertThat(session.get("activeProjectId").asString()).isEqualTo(project.get("id").asString());
		String activeSessions = "/api/v1/projects/" + project.get("id").asString() + "/active-sessions";
		assertThat(this.api.get(activeSessions).json().findValuesAsString("sessionId")).containsExactly(this.id);

		JsonNode cleared = delete(session(this.id) + "/active-project").json();
		assertThat(cleared.get("activeProjectId").isNull()).isTrue();

		assertThat(this.api.get(activeSessions).json()).isEmpty();
		putActive(this.id, name);
		assertThat(this.api.delete(project.get("id").asString()).status()).isEqualTo(204);
		assertProblem(this.api.get(activeSessions), 404, "project-not-found");
		assertThat(this.api.get(session(this.id)).json().get("activeProjectId").isNull()).isTrue();
	}

	@Test
	void activeSessionsArePagedByCursorMostRecentlyUsedFirst() {
		JsonNode project = this.projects.ready("paged sessions");
		String name = project.get("name").asString();
		List<String> used = new java.util.ArrayList<>();
		for (int i = 0; i < 5; i++) {
			String session = this.id + "-" + i;
			putActive(session, name);
			used.add(0, session);
		}
		// Two sessions last used at the same instant: the session id decides, so no page boundary loses one.
		db.execute("UPDATE sessions SET last_seen_at = (SELECT last_seen_at FROM sessions WHERE session_id = '"
				+ this.id + "-2') WHERE session_id = '" + this.id + "-1'");
		List<String> expected = List.of(used.get(0), used.get(1), this.id + "-1", this.id + "-2", used.get(4));

		List<String> seen = new java.util.ArrayList<>();
		String next = "/api/v1/projects/" + name.replace(" ", "%20") + "/active-sessions?size=2";
		int pages = 0;
		while (next != null) {
			ApiResponse page = this.api.get(next);
			assertThat(page.status()).as(page.body()).isEqualTo(200);
			assertThat(page.json().size()).isLessThanOrEqualTo(2);
			seen.addAll(page.json().findValuesAsString("sessionId"));
			next = page.header("Link").map(link -> link.substring(1, link.indexOf('>'))).orElse(null);
			pages++;
		}
		assertThat(seen).containsExactlyElementsOf(expected);
		assertThat(pages).isEqualTo(3);

		String list = "/api/v1/projects/" + project.get("id").asString() + "/active-sessions";
		assertProblem(this.api.get(list + "?size=0"), 400, "invalid-request");
		assertProblem(this.api.get(list + "?size=501"), 400, "invalid-request");
		for (String forged : List.of("x", "bm90LWEtdGltZXxz", "%00", "////", "a".repeat(2000))) {
			assertProblem(this.api.get(list + "?cursor=" + forged), 400, "invalid-request");
		}
	}

	@Test
	void expiredSessionsAreGoneAndPurged() {
		putDirectory(this.id, TestWorkspace.ROOT.toString());
		db.execute("UPDATE sessions SET expires_at = now() - interval '1 second' WHERE session_id = '" + this.id + "'");

		assertProblem(this.api.get(session(this.id)), 404, "session-not-found");
		assertThat(db.count("SELECT count(*) FROM sessions WHERE session_id = ?", this.id)).isEqualTo(1);
		this.sessions.purgeExpired();
		assertThat(db.count("SELECT count(*) FROM sessions WHERE session_id = ?", this.id)).isZero();
	}

	@Test
	void anExpiredSessionThatIsUsedAgainStartsOver() {
		String name = this.projects.ready("expired").get("name").asString();
		putActive(this.id, name);
		db.execute("UPDATE sessions SET expires_at = now() - interval '1 second' WHERE session_id = '" + this.id + "'");

		assertThat(delete(session(this.id)).status()).isEqualTo(404);
		putActive(this.id, name);
		db.execute("UPDATE sessions SET expires_at = now() - interval '1 second' WHERE session_id = '" + this.id + "'");
		JsonNode revived = putDirectory(this.id, TestWorkspace.ROOT.toString()).json();

		assertThat(revived.get("activeProjectId").isNull()).isTrue();
		assertThat(revived.get("createdAt").asString()).isEqualTo(revived.get("lastSeenAt").asString());
	}

	private ApiResponse putDirectory(String sessionId, String directory) {
		return this.api.put(session(sessionId), object("workingDirectory", directory));
	}

	private ApiResponse putActive(String sessionId, String project) {
		return this.api.put(session(sessionId) + "/active-project", object("project", project));
	}

	private ApiResponse delete(String path) {
		return this.api.send("DELETE", path, null, Map.of());
	}

	/** The session's path; ids go in as they are (some tests send ids that are not valid on purpose). */
	private static String session(String sessionId) {
		return "/api/v1/sessions/" + sessionId;
	}

}
