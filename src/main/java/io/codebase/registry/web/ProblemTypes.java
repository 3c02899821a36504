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

		/** Refused before it was read: a malformed request line, path encoding or header, by the server or firewall. */
		MALFORMED_REQUEST("malformed-request", problem(HttpStatus.BAD_REQUEST, "Malformed request")),

		NO_SUCH_RESOURCE("no-such-resource", problem(HttpStatus.NOT_FOUND, "No such resource")),

		METHOD_NOT_ALLOWED("method-not-allowed", problem(HttpStatus.METHOD_NOT_ALLOWED, "Method not allowed")),

		NOT_ACCEPTABLE("not-acceptable", problem(HttpStatus.NOT_ACCEPTABLE, "Not acceptable")),

		UNSUPPORTED_MEDIA_TYPE("unsupported-media-type", problem(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "Unsupported media type")),

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

		/**
		 * The problem an error of this status is when Spring MVC, Spring Security or the servlet container raised
		 * it without one of the registry's types; null for a status none of them is answered with.
		 */
		static WebProblem forStatus(int status) {
			return switch (status) {
				case 400 -> MALFORMED_REQUEST;
				case 401 -> UNAUTHORIZED;
				case 403 -> FORBIDDEN;
				case 404 -> NO_SUCH_RESOURCE;
				case 405 -> METHOD_NOT_ALLOWED;
				case 406 -> NOT_ACCEPTABLE;
				case 413 -> REQUEST_TOO_LARGE;
				case 415 -> UNSUPPORTED_MEDIA_TYPE;
				case 500 -> INTERNAL_ERROR;
				default -> null;
			};
		}

	}

}
