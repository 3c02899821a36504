package io.codebase.registry.web;

import java.net.URI;

import io.codebase.registry.problem.RegistryException;
import io.codebase.registry.web.ProblemTypes.ProblemType;
import io.codebase.registry.web.ProblemTypes.WebProblem;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/**
 * Builds every RFC 9457 problem the service answers, from {@link ProblemTypes}: the exception handlers, the error
 * controller, Tomcat's error valve and the security entry points all come here. A problem is returned as an
 * {@link ErrorResponseException}: status, headers and body in one, which Spring MVC renders as it is.
 */
public final class ProblemFactory {

	/** The detail of an error whose cause callers are not told. */
	static final String NOT_PROCESSED = "The request could not be processed";

	private ProblemFactory() {
	}

	/** A domain exception as the problem of its type, with its properties as extension members. */
	public static ErrorResponseException of(RegistryException ex) {
		ProblemType type = new ProblemType(ProblemTypes.statusOf(ex.category()), ex.title(), ex.retryAfter().orElse(null));
		ErrorResponseException problem = build(ex.kind(), type, ex.detail(), ex);
		ex.properties().forEach(problem.getBody()::setProperty);
		return problem;
	}

	/** One of the HTTP layer's own problems. */
	public static ErrorResponseException of(WebProblem problem, String detail) {
		return build(problem.slug(), problem.type(), detail, null);
	}

	/**
	 * The problem of an error raised outside the registry's code (Spring MVC, the servlet container) with only a
	 * status: its {@link WebProblem}, or for a status that has none, a problem titled by the status, typed
	 * request-refused (4xx) or internal-error (5xx), so that every problem has a registry type.
	 */
	static ErrorResponseException forStatus(int status, String detail) {
		WebProblem known = WebProblem.forStatus(status);
		if (known != null) {
			return of(known, detail);
		}
		HttpStatus http = HttpStatus.resolve(status);
		if (http == null || !http.isError()) {
			return of(WebProblem.INTERNAL_ERROR, NOT_PROCESSED);
		}
		return build(http.is4xxClientError() ? "request-refused" : WebProblem.INTERNAL_ERROR.slug(),
				new ProblemType(http, http.getReasonPhrase(), null), detail, null);
	}

	private static ErrorResponseException build(String slug, ProblemType type, String detail, Throwable cause) {
		ProblemDetail body = ProblemDetail.forStatusAndDetail(type.status(), detail);
		body.setType(URI.create(ProblemTypes.TYPE_PREFIX + slug));
		body.setTitle(type.title());
		ErrorResponseException problem = new ErrorResponseException(type.status(), body, cause);
		if (type.retryAfter() != null) {
			problem.getHeaders().set(HttpHeaders.RETRY_AFTER, String.valueOf(type.retryAfter().toSeconds()));
		}
		return problem;
	}

}
