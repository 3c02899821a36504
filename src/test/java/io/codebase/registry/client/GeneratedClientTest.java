package io.codebase.registry.client;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.codebase.registry.client.api.ImportAndExportApi;
import io.codebase.registry.client.api.ProjectsApi;
import io.codebase.registry.client.api.ResolutionsApi;
import io.codebase.registry.client.api.SessionsApi;
import io.codebase.registry.client.model.ActiveProject;
import io.codebase.registry.client.model.CreateProjectRequest;
import io.codebase.registry.client.model.Entry;
import io.codebase.registry.client.model.ImportReport;
import io.codebase.registry.client.model.Problem;
import io.codebase.registry.client.model.Project;
import io.codebase.registry.client.model.Resolution;
import io.codebase.registry.client.model.ResolutionRequest;
import io.codebase.registry.client.model.Session;
import io.codebase.registry.client.model.TraceEntry;
import io.codebase.registry.client.model.UpdateProjectRequest;
import io.codebase.registry.client.model.WorkingDirectory;
import io.codebase.registry.support.ApiTest;
import io.codebase.registry.support.Projects;
import io.codebase.registry.support.RegistryClient;
import io.codebase.registry.support.TestWorkspace;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.tuple;

/**
 * The Java client that the build generates from {@code openapi.yaml} (OpenAPI Generator, {@code java}/{@code native};
 * see pom.xml), driven through the main flows against the running service the way a Java consumer uses it: typed
 * requests, typed answers, errors as {@link ApiException} carrying the problem. Answers are read strictly (a member
 * the spec does not declare fails the call), so a response that does not match its schema fails here.
 */
@ApiTest
class GeneratedClientTest {

	/** Problems may carry extension members (RFC 9457 section 3.2), so they are read leniently. */
	private static final ObjectMapper PROBLEMS = ApiClient.createDefaultObjectMapper();

	/** The tests' own client, for cleaning up. */
	private final RegistryClient api;

	/** Projects to delete after the test. */
	private final List<UUID> created = new ArrayList<>();

	@LocalServerPort
	int port;

	private ProjectsApi projects;

	private ResolutionsApi resolutions;

	private SessionsApi sessions;

	private ImportAndExportApi transfers;

	private ObjectMapper json;

	GeneratedClientTest(RegistryClient api) {
		this.api = api;
	}

	@BeforeEach
	void connect() {
		ApiClient client = new ApiClient();
		client.updateBaseUri("http://localhost:" + this.port);
		client.setObjectMapper(
				ApiClient.createDefaultObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES));
		this.projects = new ProjectsApi(client);
		this.resolutions = new ResolutionsApi(client);
		this.sessions = new SessionsApi(client);
		this.transfers = new ImportAndExportApi(client);
		this.json = client.getObjectMapper();
	}

	/** Through the tests' own client: what a test made is deleted even where the generated client fails. */
	@AfterEach
	void deleteCreatedProjects() {
		for (UUID id : this.created) {
			assertThat(this.api.delete(id.toString()).status()).as("deleting %s", id).isIn(204, 404);
		}
	}

	@Test
	void aProjectIsCreatedReadByIdAndNameAndUpdatedWithItsETag() throws Exception {
		String name = Projects.uniqueName("client");

		ApiResponse<Project> created = this.projects
			.createProjectWithHttpInfo(new CreateProjectRequest().name(name).description("Made by the client"), null);

		assertThat(created.getStatusCode()).isEqualTo(201);
		Project project = created.getData();
		UUID id = project.getId();
		this.created.add(id);
		assertThat(project.getName()).isEqualTo(name);
		assertThat(project.getState()).isEqualTo(Project.StateEnum.READY);
		assertThat(project.getDatabaseName()).isNotBlank();
		assertThat(project.getPlacement().getServer()).isEqualTo(project.getServer());
		String etag = etag(created);
		// Later reads show the project as stored: without the placement, which only the creating answer explains.
		project.setPlacement(null);
		assertThat(this.projects.getProject(id.toString())).isEqualTo(project);
		assertThat(this.projects.getProject(name)).isEqualTo(project);

		ApiResponse<Project> updated = this.projects.updateProjectWithHttpInfo(name, etag,
				new UpdateProjectRequest().description("Updated by the client"));

		assertThat(updated.getStatusCode()).isEqualTo(200);
		assertThat(updated.getData().getDescription()).isEqualTo("Updated by the client");
		assertThat(etag(updated)).isNotEqualTo(etag);

		// The ETag read before the update is stale now: a 412 problem, and nothing changes.
		Problem stale = problem(
				() -> this.projects.updateProject(id.toString(), etag, new UpdateProjectRequest().description("stale")), 412);
		assertThat(stale.getType()).hasToString("urn:project-registry:problem:version-mismatch");
		assertThat(this.projects.getProject(id.toString()).getDescription()).isEqualTo("Updated by the client");
	}

	@Test
	void aProjectIsDeletedWithItsETagAndASessionEnded() throws Exception {
		ApiResponse<Project> created = this.projects
			.createProjectWithHttpInfo(new CreateProjectRequest().name(Projects.uniqueName("client-delete")), null);
		UUID id = created.getData().getId();
		this.created.add(id);
		String session = "client-" + UUID.randomUUID();
		this.sessions.setActiveProject(session, new ActiveProject().project(id.toString()));

		assertThat(this.projects.deleteProjectWithHttpInfo(id.toString(), etag(created)).getStatusCode()).isEqualTo(204);

		Problem gone = problem(() -> this.projects.getProject(id.toString()), 404);
		assertThat(gone.getType()).hasToString("urn:project-registry:problem:project-not-found");
		assertThat(this.sessions.endSessionWithHttpInfo(session).getStatusCode()).isEqualTo(204);
		problem(() -> this.sessions.getSession(session), 404);
	}

	@Test
	void everyResolutionTierAnswersThroughTheClient() throws Exception {
		Project project = create(Projects.uniqueName("client-explicit"));

		// EXPLICIT: by id in the body, by name in the query.
		assertResolved(this.resolutions.resolve(null, new ResolutionRequest().project(project.getId().toString())),
				Resolution.TierEnum.EXPLICIT, project);
		assertResolved(this.resolutions.resolveByQuery(project.getName(), null, null, null, null),
				Resolution.TierEnum.EXPLICIT, project);

		// SESSION_CONFIG: the session works in a directory whose config file names a project nobody created yet.
		Path repository = TestWorkspace.newDirectory("client-repository");
		String configured = Projects.uniqueName("client-config");
		TestWorkspace.writeConfig(repository,
				TestWorkspace.fixture("codebase-mcp-config.json").replace("Payments Service", configured));
		String working = "client-" + UUID.randomUUID();
		Session session = this.sessions.setWorkingDirectory(working,
				new WorkingDirectory().workingDirectory(repository.toString()));
		assertThat(session.getWorkingDirectory()).isEqualTo(repository.toString());

		Resolution fromConfig = this.resolutions.resolve(working, new ResolutionRequest().explain(true));

		this.created.add(fromConfig.getProject().getId());
		assertThat(fromConfig.getTier()).isEqualTo(Resolution.TierEnum.SESSION_CONFIG);
		assertThat(fromConfig.getCreated()).isTrue();
		assertThat(fromConfig.getFallback()).isFalse();
		assertThat(fromConfig.getProject().getName()).isEqualTo(configured);
		assertThat(fromConfig.getTrace()).extracting(TraceEntry::getTier, TraceEntry::getOutcome)
			.containsExactly(tuple(TraceEntry.TierEnum.EXPLICIT, TraceEntry.OutcomeEnum.SKIPPED),
					tuple(TraceEntry.TierEnum.SESSION_CONFIG, TraceEntry.OutcomeEnum.HIT));

		// ACTIVE_PROJECT: a session with no directory, only an active project (set by name).
		String active = "client-" + UUID.randomUUID();
		assertThat(this.sessions.setActiveProject(active, new ActiveProject().project(project.getName()))
			.getActiveProjectId()).isEqualTo(project.getId());
		assertResolved(this.resolutions.resolveByQuery(null, active, null, null, null),
				Resolution.TierEnum.ACTIVE_PROJECT, project);

		// DEFAULT: nothing identifies a project, so the default workspace, marked as a fallback; strict refuses it.
		Resolution fallback = this.resolutions.resolve(null, new ResolutionRequest());
		assertThat(fallback.getTier()).isEqualTo(Resolution.TierEnum.DEFAULT);
		assertThat(fallback.getFallback()).isTrue();
		assertThat(fallback.getProject().getName()).isEqualTo("default-workspace");
		Problem strict = problem(() -> this.resolutions.resolve(null, new ResolutionRequest().strict(true)), 404);
		assertThat(strict.getType()).hasToString("urn:project-registry:problem:no-project-identified");
	}

	@Test
	void theOldRegistryIsImportedWithItsActiveProjectAndExported() throws Exception {
		Map<String, String> ids = new LinkedHashMap<>();
		String file = renewed(TestWorkspace.fixture("gardener-registry.json"), ids);
		UUID inventory = UUID.fromString(ids.get("0f8fad5b-d9cb-469f-a165-70867728950e"));
		List<UUID> imported = ids.values().stream().map(UUID::fromString).toList();
		this.created.addAll(imported);
		String session = "client-import-" + UUID.randomUUID();

		ImportReport report = this.transfers.importProjects(this.json.readValue(file, Object.class), null, null,
				session, null);

		assertThat(report.getFormat()).isEqualTo("codebase-gardener");
		assertThat(report.getImported()).extracting(Entry::getId).containsExactlyInAnyOrderElementsOf(imported);
		assertThat(report.getImported()).allSatisfy(entry -> assertThat(entry.getDatabaseName()).isNotBlank());
		// The old registry's active project, reported with its id and made active in the session. Read by property
		// name: the spec types it as the session request body {project} (issue 15 item 1), which has no getId().
		assertThat(report.getActiveProject().getId()).isEqualTo(inventory);
		assertThat(report.getActiveProject().getSession()).isEqualTo(session);
		assertThat(this.sessions.getSession(session).getActiveProjectId()).isEqualTo(inventory);
		Project project = this.projects.getProject(inventory.toString());
		assertThat(project.getIndexStatus()).isEqualTo(Project.IndexStatusEnum.INDEXED);
		assertThat(project.getSourcePath()).isEqualTo("/srv/code/inventory");

		// The export lists every project; the generated type is a plain map, as the spec gives it no schema.
		Map<?, ?> export = (Map<?, ?>) this.transfers.exportProjects();
		assertThat(export.get("format")).isEqualTo("project-registry-export");
		assertThat((List<?>) export.get("projects")).map(entry -> String.valueOf(((Map<?, ?>) entry).get("id")))
			.containsAll(ids.values());
	}

	private Project create(String name) throws ApiException {
		Project project = this.projects.createProject(new CreateProjectRequest().name(name), null);
		this.created.add(project.getId());
		return project;
	}

	private static void assertResolved(Resolution resolution, Resolution.TierEnum tier, Project project) {
		assertThat(resolution.getTier()).isEqualTo(tier);
		assertThat(resolution.getFallback()).isFalse();
		assertThat(resolution.getProject().getId()).isEqualTo(project.getId());
		assertThat(resolution.getDatabaseName()).isEqualTo(project.getDatabaseName());
		assertThat(resolution.getJdbcUrl()).endsWith("/" + project.getDatabaseName());
	}

	private static String etag(ApiResponse<?> response) {
		List<String> etags = response.getHeaders().get("ETag");
		assertThat(etags).as("ETag of %s", response.getData()).hasSize(1);
		return etags.get(0);
	}

	/** The problem a failed call carries: its status and content type as promised, its body as the typed model. */
	private static Problem problem(ThrowingCallable call, int status) throws Exception {
		ApiException failure = catchThrowableOfType(ApiException.class, call);
		assertThat(failure).as("an ApiException").isNotNull();
		assertThat(failure.getCode()).as(failure.getResponseBody()).isEqualTo(status);
		assertThat(failure.getResponseHeaders().firstValue("Content-Type")).hasValue("application/problem+json");
		Problem problem = PROBLEMS.readValue(failure.getResponseBody(), Problem.class);
		assertThat(problem.getStatus()).isEqualTo(status);
		assertThat(problem.getDetail()).isNotBlank();
		return problem;
	}

	/**
	 * The fixture with new ids and names, so that this test shares nothing with the other import tests; {@code ids}
	 * receives each old id with its new one.
	 */
	private static String renewed(String fixture, Map<String, String> ids) {
		String suffix = UUID.randomUUID().toString().substring(0, 8);
		String file = fixture;
		for (String old : List.of("0f8fad5b-d9cb-469f-a165-70867728950e", "7c9e6679-7425-40de-944b-e07fc1f90ae7",
				"e02fd0e4-00fd-490a-bd5a-3e5b0d8a8a1b", "16fd2706-8baf-433b-82eb-8c7fada847da")) {
			ids.put(old, UUID.randomUUID().toString());
			file = file.replace(old, ids.get(old));
		}
		for (String name : List.of("inventory", "Web Frontend", "data_pipeline", "scratch")) {
			file = file.replace("\"name\": \"" + name + "\"", "\"name\": \"" + name + " " + suffix + "\"");
		}
		return file;
	}

}
