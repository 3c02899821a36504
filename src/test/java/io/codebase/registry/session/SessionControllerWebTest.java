package io.codebase.registry.session;

import java.time.Instant;
import java.util.List;

import io.codebase.registry.project.ProjectNotFoundException;
import io.codebase.registry.support.ControllerTest;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.MockMvc;

import static io.codebase.registry.support.Problems.isProblem;
import static org.hamcrest.Matchers.not;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.put;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * The HTTP mapping of the sessions API alone: routes, bodies, status codes and the error mapping, with the
 * service mocked. What the service decides (paths on disk, id rules, expiry) is {@link SessionApiTest}'s.
 */
@ControllerTest({ SessionController.class, ProjectSessionsController.class })
class SessionControllerWebTest {

	private static final SessionView SESSION = new SessionView("mcp-7f3a", "/work/payments", null,
			Instant.parse("2026-11-23T10:00:00Z"), Instant.parse("2026-11-23T10:05:00Z"),
			Instant.parse("2026-11-24T10:05:00Z"));

	@Autowired
	MockMvc mvc;

	@MockitoBean
	SessionService sessions;

	@Test
	void putGetAndDeleteMapToTheService() throws Exception {
		given(this.sessions.setWorkingDirectory("mcp-7f3a", "/work/payments")).willReturn(SESSION);
		given(this.sessions.get("mcp-7f3a")).willReturn(SESSION);

		this.mvc.perform(put("/api/v1/sessions/mcp-7f3a").contentType(MediaType.APPLICATION_JSON)
				.content("{\"workingDirectory\": \"/work/payments\"}"))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.sessionId").value("mcp-7f3a"))
			.andExpect(jsonPath("$.workingDirectory").value("/work/payments"))
			.andExpect(jsonPath("$.expiresAt").value("2026-11-24T10:05:00Z"));
		this.mvc.perform(get("/api/v1/sessions/mcp-7f3a")).andExpect(status().isOk())
			.andExpect(jsonPath("$.createdAt").value("2026-11-23T10:00:00Z"));
		this.mvc.perform(delete("/api/v1/sessions/mcp-7f3a")).andExpect(status().isNoContent());
		verify(this.sessions).delete("mcp-7f3a");
	}

	@Test
	void activeProjectIsSetClearedAndListedPerProject() throws Exception {
		given(this.sessions.setActiveProject("mcp-7f3a", "Payments Service")).willReturn(SESSION);
		given(this.sessions.clearActiveProject("mcp-7f3a")).willReturn(SESSION);
		given(this.sessions.activeSessionsOf("Payments Service", null, 500))
			.willReturn(new ActiveSessions(List.of(SESSION), null));
		given(this.sessions.activeSessionsOf("Payments Service", null, 1))
			.willReturn(new ActiveSessions(List.of(SESSION), "c1"));

		this.mvc.perform(put("/api/v1/sessions/mcp-7f3a/active-project").contentType(MediaType.APPLICATION_JSON)
				.content("{\"project\": \"Payments Service\"}"))
			.andExpect(status().isOk());
		this.mvc.perform(delete("/api/v1/sessions/mcp-7f3a/active-project")).andExpect(status().isOk())
			.andExpect(jsonPath("$.sessionId").value("mcp-7f3a"));
		this.mvc.perform(get("/api/v1/projects/Payments Service/active-sessions")).andExpect(status().isOk())
			.andExpect(jsonPath("$[0].sessionId").value("mcp-7f3a"))
			.andExpect(header().doesNotExist("Link"));
		this.mvc.perform(get("/api/v1/projects/Payments Service/active-sessions?size=1")).andExpect(status().isOk())
			.andExpect(header().string("Link",
					"</api/v1/projects/Payments%20Service/active-sessions?size=1&cursor=c1>; rel=\"next\""));
	}

	@Test
	void refusedBodiesNeverReachTheService() throws Exception {
		for (String body : new String[] { "{", "", "[]", "{\"workingDirectory\": 5}",
				"{\"workingDirectory\": \"/w\", \"extra\": 1}" }) {
			this.mvc.perform(put("/api/v1/sessions/s").contentType(MediaType.APPLICATION_JSON).content(body)).andExpect(isProblem(400));
		}
		this.mvc.perform(put("/api/v1/sessions/s").contentType(MediaType.TEXT_PLAIN).content("/w")).andExpect(isProblem(415));
		this.mvc.perform(put("/api/v1/sessions/s/active-project").contentType(MediaType.APPLICATION_JSON)
			.content("{\"project\": [\"a\"]}")).andExpect(isProblem(400));
		this.mvc.perform(get("/api/v1/sessions/s/unknown")).andExpect(isProblem(404));
		verifyNoInteractions(this.sessions);
	}

	@Test
	void serviceRefusalsBecomeProblems() throws Exception {
		given(this.sessions.get("gone")).willThrow(new SessionNotFoundException("gone"));
		given(this.sessions.setWorkingDirectory("s", "/etc"))
			.willThrow(new InvalidWorkingDirectoryException("/etc", "allowed-root", "not under an allowed root"));
		given(this.sessions.setActiveProject("s", "nope")).willThrow(new ProjectNotFoundException("nope"));

		this.mvc.perform(get("/api/v1/sessions/gone")).andExpect(isProblem(404))
			.andExpect(jsonPath("$.type").value("urn:project-registry:problem:session-not-found"));
		this.mvc.perform(put("/api/v1/sessions/s").contentType(MediaType.APPLICATION_JSON)
			.content("{\"workingDirectory\": \"/etc\"}")).andExpect(isProblem(422))
			.andExpect(jsonPath("$.type").value("urn:project-registry:problem:invalid-working-directory"))
			.andExpect(jsonPath("$.rule").value("allowed-root"));
		this.mvc.perform(put("/api/v1/sessions/s/active-project").contentType(MediaType.APPLICATION_JSON)
			.content("{\"project\": \"nope\"}")).andExpect(isProblem(404))
			.andExpect(jsonPath("$.type").value("urn:project-registry:problem:project-not-found"));
	}


}
