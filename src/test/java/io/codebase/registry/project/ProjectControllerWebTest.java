package io.codebase.registry.project;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import io.codebase.registry.support.ControllerTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.http.MediaType;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.MockMvc;

import static io.codebase.registry.support.Problems.isProblem;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.patch;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * The HTTP mapping of the projects API alone: status codes, headers, bodies and error mapping. The service is a
 * mock here, so that a refused request can be shown to never reach it; its behaviour on PostgreSQL is covered
 * by {@link ProjectApiTest}.
 */
@ControllerTest(ProjectController.class)
class ProjectControllerWebTest {

	private static final UUID ID = UUID.fromString("3f6c1a52-8f0e-4d4e-9c55-2b7f7a0c9e11");

	private static final ProjectView PROJECT = new ProjectView(ID, "Payments Service", null,
			"cb_proj_payments_service_3f6c1a52", ProjectState.READY, "1", IndexStatus.NOT_INDEXED, null, null, null, null,
			"{\"a\": [1, 2]}",
			null, 3, Instant.parse("2026-11-23T10:00:00Z"), Instant.parse("2026-11-23T10:00:01Z"), "default",
			new ProjectConnection("default", "localhost", 5432, "cb_proj_payments_service_3f6c1a52",
					"jdbc:postgresql://localhost:5432/cb_proj_payments_service_3f6c1a52",
					"postgresql://localhost:5432/cb_proj_payments_service_3f6c1a52"), null, null);

	@Autowired
	MockMvc mvc;

	@MockitoBean
	ProjectLookup lookup;

	@MockitoBean
	ProjectLifecycle lifecycle;

	@MockitoBean
	ProjectEdits edits;

	/** Lists are tested over HTTP on PostgreSQL (ProjectListPagingTest); the controller needs one to be built. */
	@MockitoBean
	ProjectListing listing;

	private final ProjectReader cached = mock(ProjectReader.class);

	private final ProjectReader committed = mock(ProjectReader.class);

	@BeforeEach
	void readThroughTheCache() {
		given(this.lookup.cached()).willReturn(this.cached);
		given(this.lookup.committed()).willReturn(this.committed);
		given(this.committed.get(ID.toString())).willReturn(PROJECT);
		given(this.committed.get("Payments Service")).willReturn(PROJECT);
	}

	@Test
	void createAnswers201WithLocationETagAndTheRawMetadata() throws Exception {
		given(this.lifecycle.create(any())).willReturn(PROJECT);

		this.mvc.perform(post("/api/v1/projects").contentType(MediaType.APPLICATION_JSON)
				.content("{\"name\": \"Payments Service\", \"metadata\": {\"a\": [1, 2]}}"))
			.andExpect(status().isCreated())
			.andExpect(header().string("Location", "/api/v1/projects/" + ID))
			.andExpect(header().string("ETag", "\"3\""))
			.andExpect(jsonPath("$.metadata.a[1]").value(2))
			.andExpect(jsonPath("$.createdAt").value("2026-11-23T10:00:00Z"));
		verify(this.lifecycle).create(new CreateProjectRequest("Payments Service", null, null, Map.of("a", java.util.List.of(1, 2))));
	}

	@Test
	void getAnswers304WhenIfNoneMatchHoldsTheETag() throws Exception {
		given(this.cached.get("Payments Service")).willReturn(PROJECT);

		this.mvc.perform(get("/api/v1/projects/Payments Service").header("If-None-Match", "\"3\""))
			.andExpect(status().isNotModified());
		this.mvc.perform(get("/api/v1/projects/Payments Service").header("If-None-Match", "\"2\""))
			.andExpect(status().isOk())
			.andExpect(header().string("ETag", "\"3\""));
	}

	@Test
	void patchPassesIfMatchAndTheMergePatchThrough() throws Exception {
		given(this.edits.update(eq(ID), eq("\"3\""), any())).willReturn(PROJECT);

		this.mvc.perform(patch("/api/v1/projects/" + ID).contentType("application/merge-patch+json")
				.header("If-Match", "\"3\"")
				.content("{\"description\": null, \"metadata\": {\"a\": 1}}"))
			.andExpect(status().isOk())
			.andExpect(header().string("ETag", "\"3\""));
		Map<String, Object> patch = new java.util.HashMap<>();
		patch.put("description", null);
		patch.put("metadata", Map.of("a", 1));
		verify(this.edits).update(ID, "\"3\"", new ProjectPatch(patch));
	}

	@Test
	void deleteAnswers204() throws Exception {
		this.mvc.perform(delete("/api/v1/projects/" + ID)).andExpect(status().isNoContent());
		verify(this.lifecycle).delete(ID, null);
	}

	/** A write names the project by id or name; it acts on the id of the project PostgreSQL has under that name. */
	@Test
	void writesByNameActOnTheProjectsId() throws Exception {
		this.mvc.perform(delete("/api/v1/projects/Payments Service").header("If-Match", "\"3\""))
			.andExpect(status().isNoContent());
		verify(this.lifecycle).delete(ID, "\"3\"");
		verify(this.committed).get("Payments Service");
		verifyNoInteractions(this.cached);
	}

	@Test
	void refusedBodiesNeverReachTheService() throws Exception {
		this.mvc.perform(post("/api/v1/projects").contentType(MediaType.APPLICATION_JSON).content("{")).andExpect(isProblem(400));
		this.mvc.perform(post("/api/v1/projects").contentType(MediaType.APPLICATION_JSON)
			.content("{\"name\": \"a\", \"extra\": 1}")).andExpect(isProblem(400))
			.andExpect(jsonPath("$.errors[0].field").value("extra"));
		this.mvc.perform(post("/api/v1/projects").contentType(MediaType.APPLICATION_JSON)
			.content("{\"name\": 1.5}")).andExpect(isProblem(400))
			.andExpect(jsonPath("$.errors[0].message").value("must be a string"));
		this.mvc.perform(post("/api/v1/projects").contentType(MediaType.TEXT_PLAIN).content("a")).andExpect(isProblem(415));
		this.mvc.perform(patch("/api/v1/projects/" + ID).contentType(MediaType.APPLICATION_XML)
			.content("<a/>")).andExpect(isProblem(415));
		this.mvc.perform(get("/api/v1/projects").param("state", "NOPE")).andExpect(isProblem(400))
			.andExpect(jsonPath("$.errors[0].field").value("state"));
		verifyNoInteractions(this.lifecycle, this.edits, this.cached);
	}

	@Test
	void serviceErrorsBecomeProblems() throws Exception {
		given(this.cached.get("gone")).willThrow(new ProjectNotFoundException("gone"));
		given(this.cached.get("down")).willThrow(new DataAccessResourceFailureException("connection refused"));
		given(this.cached.get("bug")).willThrow(new IllegalStateException("secret internals"));

		this.mvc.perform(get("/api/v1/projects/gone")).andExpect(isProblem(404))
			.andExpect(jsonPath("$.type").value("urn:project-registry:problem:project-not-found"));
		this.mvc.perform(get("/api/v1/projects/down")).andExpect(isProblem(503))
			.andExpect(header().string("Retry-After", "5"));
		this.mvc.perform(get("/api/v1/projects/bug")).andExpect(isProblem(500))
			.andExpect(jsonPath("$.reference").isString())
			.andExpect(content().string(not(containsString("secret internals"))));
	}

	/** The controller binds the page-size limits (the slice does not scan for configuration properties). */
	@TestConfiguration
	@EnableConfigurationProperties(ProjectProperties.class)
	static class ListLimits {

	}


}
