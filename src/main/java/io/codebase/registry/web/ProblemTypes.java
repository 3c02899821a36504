package io.codebase.registry.web;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import io.codebase.registry.problem.RegistryException;
import io.codebase.registry.project.CreationForbiddenException;
import io.codebase.registry.project.IfMatchRequiredException;
import io.codebase.registry.project.ProjectBusyException;
import io.codebase.registry.project.ProjectConflictException;
import io.codebase.registry.project.ProjectNotFoundException;
import io.codebase.registry.project.ProvisioningFailedException;
import io.codebase.registry.project.VersionMismatchException;
import io.codebase.registry.reconciliation.ReconciliationRunningException;
import io.codebase.registry.resolution.InvalidConfigException;
import io.codebase.registry.resolution.NoProjectIdentifiedException;
import io.codebase.registry.rollout.RolloutConflictException;
import io.codebase.registry.rollout.RolloutNotFoundException;
import io.codebase.registry.session.InvalidWorkingDirectoryException;
import io.codebase.registry.session.SessionNotFoundException;
import io.codebase.registry.transfer.ImportConflictException;
import io.codebase.registry.transfer.InvalidImportException;

import org.springframework.http.HttpStatus;

/**
 * The one table of how problems are answered over HTTP: status, title and Retry-After of every problem type
 * ({@value #TYPE_PREFIX}{@code <slug>}). Domain exceptions name their own slug, so they are listed by exception
 * type; the problems the HTTP layer raises itself have a fixed slug ({@link WebProblem}).
 * {@link ProblemFactory} builds every problem from here.
 */
public final class ProblemTypes {

	public static final String TYPE_PREFIX = "urn:project-registry:problem:";

	private static final String CONFLICT_TITLE = "Conflict with the current state of the registry";

	private static final Map<Class<? extends RegistryException>, ProblemType> DOMAIN = Map.ofEntries(
			Map.entry(InvalidRequestException.class, problem(HttpStatus.BAD_REQUEST, "Invalid request")),
			Map.entry(CreationForbiddenException.class, problem(HttpStatus.FORBIDDEN, "Admin role required")),
			Map.entry(ProjectNotFoundException.class, problem(HttpStatus.NOT_FOUND, "Project not found")),
			Map.entry(SessionNotFoundException.class, problem(HttpStatus.NOT_FOUND, "Session not found")),
			Map.entry(NoProjectIdentifiedException.class, problem(HttpStatus.NOT_FOUND, "No project identified")),
			Map.entry(RolloutNotFoundException.class, problem(HttpStatus.NOT_FOUND, "Schema rollout not found")),
			Map.entry(ProjectConflictException.class, problem(HttpStatus.CONFLICT, CONFLICT_TITLE)),
			Map.entry(RolloutConflictException.class, problem(HttpStatus.CONFLICT, CONFLICT_TITLE)),
			Map.entry(ImportConflictException.class, problem(HttpStatus.CONFLICT, "Import clashes with existing projects")),
			// A conflict with a run in progress, not an outage: retrying on another replica would not help.
			Map.entry(ReconciliationRunningException.class,
					new ProblemType(HttpStatus.CONFLICT, "Reconciliation already running", Duration.ofSeconds(5))),
			Map.entry(VersionMismatchException.class, problem(HttpStatus.PRECONDITION_FAILED, "Precondition failed")),
			Map.entry(InvalidWorkingDirectoryException.class,
					problem(HttpStatus.UNPROCESSABLE_CONTENT, "Working directory refused")),
			Map.entry(InvalidConfigException.class, problem(HttpStatus.UNPROCESSABLE_CONTENT, "Invalid project config")),
			Map.entry(InvalidImportException.class, problem(HttpStatus.UNPROCESSABLE_CONTENT, "Invalid import file")),
			Map.entry(IfMatchRequiredException.class, problem(HttpStatus.PRECONDITION_REQUIRED, "Precondition required")),
			Map.entry(ProvisioningFailedException.class,
					problem(HttpStatus.BAD_GATEWAY, "Project database provisioning failed")),
			Map.entry(ProjectBusyException.class,
					new ProblemType(HttpStatus.SERVICE_UNAVAILABLE, "Project is being provisioned", Duration.ofSeconds(2))));

	private ProblemTypes() {
	}

	/** How problems of this exception type (or the nearest listed supertype) are answered. */
	public static Optional<ProblemType> of(Class<? extends RegistryException> exceptionType) {
		for (Class<?> type = exceptionType; RegistryException.class.isAssignableFrom(type); type = type.getSuperclass()) {
			ProblemType problemType = DOMAIN.get(type);
			if (problemType != null) {
				return Optional.of(problemType);
			}
		}
		return Optional.empty();
	}

	private static ProblemType problem(HttpStatus status, String title) {
		return new ProblemType(status, title, null);
	}

	/**
	 * How one kind of problem is answered.
	 *
	 * @param retryAfter sent as Retry-After when the same request may succeed later; {@code null} otherwise
	 */
	public record ProblemType(HttpStatus status, String title, Duration retryAfter) {
	}

	/** The problems the HTTP layer raises itself, for requests that never reach the domain. */
	public enum WebProblem {

		MALFORMED_JSON("malformed-json", problem(HttpStatus.BAD_REQUEST, "Malformed JSON")),

		UNREADABLE_BODY("unreadable-body", problem(HttpStatus.BAD_REQUEST, "Unreadable request body")),

		MALFORMED_PARAMETERS("malformed-parameters", problem(HttpStatus.BAD_REQUEST, "Malformed parameters")),

		UNAUTHORIZED("unauthorized", problem(HttpStatus.UNAUTHORIZED, "API key required")),

		FORBIDDEN("forbidden", problem(HttpStatus.FORBIDDEN, "Forbidden")),

		REQUEST_TOO_LARGE("request-too-large", problem(HttpStatus.CONTENT_TOO_LARGE, "Request body too large")),

		INTERNAL_ERROR("internal-error", problem(HttpStatus.INTERNAL_SERVER_ERROR, "Internal error")),

		DATABASE_UNAVAILABLE("database-unavailable",
				new ProblemType(HttpStatus.SERVICE_UNAVAILABLE, "Database unavailable", Duration.ofSeconds(5)));

		private final String slug;

		private final ProblemType type;

		WebProblem(String slug, ProblemType type) {
			this.slug = slug;
			this.type = type;
		}

		public String slug() {
			return this.slug;
		}

		public ProblemType type() {
			return this.type;
		}

	}

}
