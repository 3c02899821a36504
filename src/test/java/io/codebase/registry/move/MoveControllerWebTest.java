package io.codebase.registry.move;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import io.codebase.registry.fleet.DrainProgress;
import io.codebase.registry.problem.InvalidRequestException;
import io.codebase.registry.problem.ProblemCategory;
import io.codebase.registry.problem.RegistryException;
import io.codebase.registry.project.IndexStatus;
import io.codebase.registry.project.ProjectConnection;
import io.codebase.registry.project.ProjectNotFoundException;
import io.codebase.registry.project.ProjectState;
import io.codebase.registry.project.ProjectView;
import io.codebase.registry.support.ControllerTest;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.ResultActions;

import static io.codebase.registry.support.Problems.isProblem;
import static org.hamcrest.Matchers.containsString;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * The HTTP mapping of the moves API alone: status codes, Location, bodies and the problems of refused moves, with
 * the services mocked (so that a refused body is shown never to reach them). What a move does between real servers
 * is {@link ProjectMoveTest}'s; the slice has no security (roles are checked over HTTP by the security tests).
 */
@ControllerTest(MoveController.class)
class MoveControllerWebTest {

	private static final UUID PROJECT_ID = UUID.fromString("3f6c1a52-8f0e-4d4e-9c55-2b7f7a0c9e11");

	private static final UUID MOVE_ID = UUID.fromString("0195f3a4-5c2e-7d10-9a3b-4f2e8c1d0a78");

	private static final Instant CREATED = Instant.parse("2026-11-23T19:25:00Z");

	private static final Move MOVE = new Move(MOVE_ID, PROJECT_ID, "Payments Service", "cb_proj_payments_service_3f6c1a52",
			"pg-eu-1", "pg-eu-2", "api", MoveState.RUNNING, MovePhase.PREPARING, null, null, null, 0, null, null, CREATED,
			CREATED, null);

	private static final ProjectView PROJECT = new ProjectView(PROJECT_ID, "Payments Service", null,
			"cb_proj_payments_service_3f6c1a52", ProjectState.READY, "1", IndexStatus.NOT_INDEXED, null, null, null, null,
			"{}", null, 3, CREATED, CREATED, "pg-eu-1",
			new ProjectConnection("pg-eu-1", "localhost", 5432, "cb_proj_payments_service_3f6c1a52",
					"jdbc:postgresql://localhost:5432/cb_proj_payments_service_3f6c1a52",
					"postgresql://localhost:5432/cb_proj_payments_service_3f6c1a52"), null, null);

	@Autowired
	MockMvc mvc;

	@MockitoBean
	MoveService moves;

	@MockitoBean
	Drains drains;

	@MockitoBean
	Rebalancer rebalancer;

	@Test
	void aMoveAnswers202WithTheMoveAndItsLocation() throws Exception {
		given(this.moves.start("Payments Service", new MoveRequest("pg-eu-2"), "api")).willReturn(MOVE);

		this.mvc.perform(post("/api/v1/projects/Payments Service/moves").contentType(MediaType.APPLICATION_JSON)
				.content("{\"target\": \"pg-eu-2\"}"))
			.andExpect(status().isAccepted())
			.andExpect(header().string("Location", "/api/v1/moves/" + MOVE_ID))
			.andExpect(jsonPath("$.id").value(MOVE_ID.toString()))
			.andExpect(jsonPath("$.state").value("RUNNING"))
			.andExpect(jsonPath("$.phase").value("PREPARING"))
			.andExpect(jsonPath("$.createdAt").value("2026-11-23T19:25:00Z"))
			// Absent until measured, or until the switch; never null.
			.andExpect(jsonPath("$.progress").doesNotExist())
			.andExpect(jsonPath("$.freezeMillis").doesNotExist());
	}

	/** The body is optional: none and an empty object both let placement choose. */
	@Test
	void withoutATargetPlacementChooses() throws Exception {
		given(this.moves.start(PROJECT_ID.toString(), MoveRequest.ANY, "api")).willReturn(MOVE);

		this.mvc.perform(post("/api/v1/projects/" + PROJECT_ID + "/moves")).andExpect(status().isAccepted());
		this.mvc.perform(post("/api/v1/projects/" + PROJECT_ID + "/moves").contentType(MediaType.APPLICATION_JSON)
				.content("{}")).andExpect(status().isAccepted());
		verify(this.moves, times(2)).start(PROJECT_ID.toString(), MoveRequest.ANY, "api");
	}

	@Test
	void refusedBodiesNeverReachTheService() throws Exception {
		this.mvc.perform(post("/api/v1/projects/p/moves").contentType(MediaType.APPLICATION_JSON).content("{"))
			.andExpect(isProblem(400));
		this.mvc.perform(post("/api/v1/projects/p/moves").contentType(MediaType.APPLICATION_JSON)
				.content("{\"traget\": \"pg-eu-2\"}"))
			.andExpect(isProblem(400))
			.andExpect(jsonPath("$.errors[0].field").value("traget"));
		this.mvc.perform(post("/api/v1/projects/p/moves").contentType(MediaType.APPLICATION_JSON)
				.content("{\"target\": 2}"))
			.andExpect(isProblem(400))
			.andExpect(jsonPath("$.errors[0].field").value("target"))
			.andExpect(jsonPath("$.errors[0].message").value("must be a string"));
		this.mvc.perform(post("/api/v1/projects/p/moves").contentType(MediaType.APPLICATION_JSON).content("[]"))
			.andExpect(isProblem(400));
		this.mvc.perform(post("/api/v1/projects/p/moves").contentType(MediaType.TEXT_PLAIN).content("pg-eu-2"))
			.andExpect(isProblem(415));
		this.mvc.perform(get("/api/v1/moves/not-a-uuid")).andExpect(isProblem(400));
		verifyNoInteractions(this.moves);
	}

	@Test
	void refusedMovesAreProblemsOfTheirKind() throws Exception {
		given(this.moves.start(anyString(), any(), anyString()))
			.willThrow(new InvalidRequestException("target", "'nowhere' is not a configured database server"))
			.willThrow(new ProjectNotFoundException("ghost"))
			.willThrow(MoveConflictException.running(PROJECT, MOVE_ID))
			.willThrow(MoveConflictException.prerequisites("The servers lack what logical replication needs",
					List.of("source: wal_level is replica, must be logical")))
			.willThrow(MoveConflictException.noTarget(PROJECT, "pg-eu-2 full: 2 of 2 projects"))
			.willThrow(MoveConflictException.notReady(PROJECT))
			.willThrow(MoveConflictException.uncheckable("pg-eu-2: Connection refused"));

		move().andExpect(isProblem(400)).andExpect(jsonPath("$.type").value(type("invalid-request")))
			.andExpect(jsonPath("$.errors[0].field").value("target"));
		move().andExpect(isProblem(404)).andExpect(jsonPath("$.type").value(type("project-not-found")));
		move().andExpect(isProblem(409)).andExpect(jsonPath("$.type").value(type("move-running")))
			.andExpect(jsonPath("$.moveId").value(MOVE_ID.toString()));
		move().andExpect(isProblem(409)).andExpect(jsonPath("$.type").value(type("move-prerequisites")))
			.andExpect(jsonPath("$.missing[0]").value("source: wal_level is replica, must be logical"));
		move().andExpect(isProblem(409)).andExpect(jsonPath("$.type").value(type("move-no-target")))
			.andExpect(jsonPath("$.detail").value(containsString("full: 2 of 2 projects")));
		move().andExpect(isProblem(409)).andExpect(jsonPath("$.type").value(type("project-state-conflict")))
			.andExpect(jsonPath("$.state").value("READY"));
		move().andExpect(isProblem(502)).andExpect(jsonPath("$.type").value(type("move-check-failed")));
	}

	@Test
	void movesAreReadByIdAndByProject() throws Exception {
		given(this.moves.get(MOVE_ID)).willReturn(MOVE);
		given(this.moves.forProject("Payments Service")).willReturn(List.of(MOVE));
		UUID unknown = UUID.randomUUID();
		given(this.moves.get(unknown)).willThrow(new MoveNotFoundException(unknown));
		given(this.moves.forProject("ghost")).willThrow(new ProjectNotFoundException("ghost"));

		this.mvc.perform(get("/api/v1/moves/" + MOVE_ID)).andExpect(status().isOk())
			.andExpect(jsonPath("$.projectName").value("Payments Service"));
		this.mvc.perform(get("/api/v1/projects/Payments Service/moves")).andExpect(status().isOk())
			.andExpect(jsonPath("$[0].id").value(MOVE_ID.toString()));
		this.mvc.perform(get("/api/v1/moves/" + unknown)).andExpect(isProblem(404))
			.andExpect(jsonPath("$.type").value(type("move-not-found")));
		this.mvc.perform(get("/api/v1/projects/ghost/moves")).andExpect(isProblem(404));
	}

	@Test
	void aDrainAnswers202WithItsProgressAndTheServersLocation() throws Exception {
		given(this.drains.start("pg-eu-1")).willReturn(new DrainProgress("RUNNING", 12, 2, 0, 0, 2, CREATED, null, null));
		given(this.drains.start("nowhere")).willThrow(new RegistryException(ProblemCategory.NOT_FOUND,
				"database-server-not-found", "Database server not found", "No database server is named 'nowhere'") {
		});

		this.mvc.perform(post("/api/v1/database-servers/pg-eu-1/drain"))
			.andExpect(status().isAccepted())
			.andExpect(header().string("Location", "/api/v1/database-servers/pg-eu-1"))
			.andExpect(jsonPath("$.state").value("RUNNING"))
			.andExpect(jsonPath("$.moving").value(2));
		this.mvc.perform(post("/api/v1/database-servers/nowhere/drain")).andExpect(isProblem(404))
			.andExpect(jsonPath("$.type").value(type("database-server-not-found")));
	}

	@Test
	void aRebalanceAnswers202WithTheMovesItStarted() throws Exception {
		given(this.rebalancer.rebalance()).willReturn(new RebalanceResult(0.2, List.of(MOVE), List.of()));

		this.mvc.perform(post("/api/v1/database-servers/rebalance"))
			.andExpect(status().isAccepted())
			.andExpect(jsonPath("$.spread").value(0.2))
			.andExpect(jsonPath("$.moves[0].target").value("pg-eu-2"))
			.andExpect(jsonPath("$.refused").isEmpty());
	}

	private ResultActions move() throws Exception {
		return this.mvc.perform(post("/api/v1/projects/Payments Service/moves").contentType(MediaType.APPLICATION_JSON)
			.content("{\"target\": \"pg-eu-2\"}"));
	}

	private static String type(String kind) {
		return "urn:project-registry:problem:" + kind;
	}

}
