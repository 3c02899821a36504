package io.codebase.registry.resolution;

import java.util.List;
import java.util.Map;

import io.codebase.registry.problem.ProblemCategory;
import io.codebase.registry.problem.RegistryException;
import io.codebase.registry.project.CreationPolicy;
import io.codebase.registry.project.EnsuredProject;
import io.codebase.registry.project.ProjectGetOrCreate;
import io.codebase.registry.project.ProjectLookup;
import io.codebase.registry.project.ProjectReader;
import io.codebase.registry.project.ProjectConnection;
import io.codebase.registry.project.ProjectView;
import io.codebase.registry.session.SessionService;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.http.HttpStatus;
import org.springframework.util.unit.DataSize;
import org.springframework.web.ErrorResponseException;

import static io.codebase.registry.resolution.Tier.ACTIVE_PROJECT;
import static io.codebase.registry.resolution.Tier.DEFAULT;
import static io.codebase.registry.resolution.Tier.EXPLICIT;
import static io.codebase.registry.resolution.Tier.SESSION_CONFIG;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.tuple;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;

/** The order of the tiers, and how the service runs them, without a database or a server. */
class ResolutionTierOrderTest {

	private final ProjectLookup projects = mock(ProjectLookup.class);

	private final ProjectReader cached = mock(ProjectReader.class);

	private final ProjectGetOrCreate getOrCreate = mock(ProjectGetOrCreate.class);

	private final SessionService sessions = mock(SessionService.class);

	private final WorkflowClient workflow = mock(WorkflowClient.class);

	private final ConfigReader configs = mock(ConfigReader.class);

	private final ResolutionProperties properties = new ResolutionProperties("default-workspace",
			".codebase-mcp/config.json", 20, DataSize.ofKilobytes(64));

	private final ResolutionService service = new ResolutionService(new ExplicitTier(this.projects, this.getOrCreate),
			new SessionConfigTier(this.projects, this.getOrCreate, mock(ConfigLocator.class), this.configs,
					mock(ConfigWriteBack.class), this.properties),
			new ActiveProjectTier(this.projects, this.getOrCreate, this.workflow),
			new DefaultTier(this.getOrCreate, this.properties), this.sessions, this.projects, new SimpleMeterRegistry());

	@Test
	void theTiersAreTriedInOrderAndTheDefaultDecidesLast() {
		ProjectView workspace = project();
		when(this.getOrCreate.getOrCreate(any(), any())).thenReturn(new EnsuredProject(workspace, false));

		Resolution resolution = this.service.resolve(new ResolutionRequest(null, null, null, null, true),
				CreationPolicy.MAY_CREATE);

		assertThat(resolution.trace().stream().map(TraceEntry::tier).distinct())
			.containsExactly(EXPLICIT, SESSION_CONFIG, ACTIVE_PROJECT, DEFAULT);
		assertThat(resolution.tier()).isEqualTo(DEFAULT);
		assertThat(resolution.fallback()).isTrue();
	}

	@Test
	void theFirstHitWinsAndTheTiersAfterItNeverRun() {
		ProjectView named = project();
		when(this.projects.cached()).thenReturn(this.cached);
		when(this.cached.get("named")).thenReturn(named);
		when(this.getOrCreate.ensureReady(named, CreationPolicy.EXISTING_ONLY)).thenReturn(named);

		Resolution resolution = this.service.resolve(new ResolutionRequest("named", "s-1", null, null, true),
				CreationPolicy.EXISTING_ONLY);

		assertThat(resolution.tier()).isEqualTo(EXPLICIT);
		assertThat(resolution.fallback()).isFalse();
		assertThat(resolution.trace()).extracting(TraceEntry::tier).containsExactly(EXPLICIT);
		verifyNoInteractions(this.sessions, this.workflow);
	}

	@Test
	void aNamedSessionThatDoesNotExistFailsTheSessionConfigTierBeforeAnyConfigIsRead() {
		when(this.sessions.get("gone")).thenThrow(new RegistryException(ProblemCategory.NOT_FOUND, "session-not-found",
				"Session not found", "No live session has the id 'gone'") {
		});

		ResolutionFailedException error = catchThrowableOfType(ResolutionFailedException.class,
				() -> this.service.resolve(new ResolutionRequest(null, "gone", Map.of("project", Map.of("name", "x")),
						null, true), CreationPolicy.MAY_CREATE));

		assertThat(error.tier()).isEqualTo(SESSION_CONFIG);
		assertThat((List<?>) error.failure().properties().get("trace")).extracting("tier", "outcome")
			.containsExactly(tuple(EXPLICIT, TraceEntry.Outcome.SKIPPED),
					tuple(SESSION_CONFIG, TraceEntry.Outcome.ERROR));
		verifyNoInteractions(this.configs, this.getOrCreate);
	}

	/** A project stand-in: the tiers only pass it on; the answer reads where its database is. */
	private static ProjectView project() {
		ProjectView project = mock(ProjectView.class);
		when(project.connection()).thenReturn(new ProjectConnection("default", null, null, "cb_proj_x_00000000", null, null));
		// Not being moved: handed out as it is.
		when(project.requireNotMoving()).thenReturn(project);
		return project;
	}

}
