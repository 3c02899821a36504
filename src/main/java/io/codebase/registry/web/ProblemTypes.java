package io.codebase.registry.web;

import java.time.Duration;

import io.codebase.registry.problem.ProblemCategory;

import org.springframework.http.HttpStatus;

/**
 * The one table of how problems are answered over HTTP: the status of each category of domain error, and status,
 * title and Retry-After of the problems the HTTP layer raises itself ({@link WebProblem}). Domain errors carry
 * their own type slug, title and Retry-After; only their status is decided here, so the domain modules know
 * nothing of HTTP and this table knows nothing of them. {@link ProblemFactory} builds every problem from here.
 */
public final class ProblemTypes {

	public static final String TYPE_PREFIX = "urn:project-registry:problem:";

	private ProblemTypes() {
	}

	/** The status every error of a category is answered with. */
	public static HttpStatus statusOf(ProblemCategory category) {
		return switch (category) {
			case INVALID -> HttpStatus.BAD_REQUEST;
			case FORBIDDEN -> HttpStatus.FORBIDDEN;
			case NOT_FOUND -> HttpStatus.NOT_FOUND;
			case CONFLICT -> HttpStatus.CONFLICT;
			case STALE_VERSION -> HttpStatus.PRECONDITION_FAILED;
			case VERSION_REQUIRED -> HttpStatus.PRECONDITION_REQUIRED;
			case UNUSABLE_CONTENT -> HttpStatus.UNPROCESSABLE_CONTENT;
			case DOWNSTREAM_FAILED -> HttpStatus.BAD_GATEWAY;
			case BUSY -> HttpStatus.SERVICE_UNAVAILABLE;
		};
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
