package io.codebase.registry.web;

import java.net.URI;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/**
 * Base of every error the service raises on purpose. Each is an RFC 9457 problem with a stable {@code type}
 * URI ({@value #TYPE_PREFIX}{@code <slug>}) that clients can switch on; the one exception handler
 * ({@link ProblemDetailsAdvice}) renders it as {@code application/problem+json}.
 */
public class ApiException extends ErrorResponseException {

	public static final String TYPE_PREFIX = "urn:project-registry:problem:";

	public ApiException(HttpStatus status, String typeSlug, String title, String detail) {
		super(status, problem(status, typeSlug, title, detail), null);
	}

	/** Adds an extension member to the problem body (RFC 9457 section 3.2). */
	public ApiException with(String name, Object value) {
		getBody().setProperty(name, value);
		return this;
	}

	static ProblemDetail problem(HttpStatus status, String typeSlug, String title, String detail) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
		problem.setType(URI.create(TYPE_PREFIX + typeSlug));
		problem.setTitle(title);
		return problem;
	}

	@Override
	public String getMessage() {
		return getBody().getDetail();
	}

}
