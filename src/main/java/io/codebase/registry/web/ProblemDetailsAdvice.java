package io.codebase.registry.web;

import io.codebase.registry.problem.InvalidRequestException;
import java.net.ConnectException;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;
import java.time.temporal.Temporal;
import java.util.Arrays;
import java.util.Collection;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import io.codebase.registry.problem.RegistryException;
import io.codebase.registry.web.ProblemTypes.WebProblem;
import org.apache.tomcat.util.http.InvalidParameterException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.PropertyBindingException;

import org.springframework.beans.TypeMismatchException;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.dao.TransientDataAccessResourceException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.security.web.firewall.RequestRejectedException;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.ServletWebRequest;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.NoHandlerFoundException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import org.springframework.web.servlet.resource.NoResourceFoundException;

/**
 * The one mapping from exceptions to RFC 9457 problems for the whole API. Spring MVC's own errors (405, 406,
 * 415...) are rendered by the base class and given the registry's problem types here; this class renders every
 * {@link RegistryException} as its {@link ProblemTypes} entry says, and adds precise messages for unreadable
 * bodies, 503 for an unreachable database, and a stack-trace-free 500 for bugs.
 */
@RestControllerAdvice
class ProblemDetailsAdvice extends ResponseEntityExceptionHandler {

	private static final Logger log = LoggerFactory.getLogger(ProblemDetailsAdvice.class);

	private static final String CLOSED_CONNECTION = "Connection is closed";

	/** Spring MVC's own problems (405, 406, 415...) carry its {@code about:blank}: they get the registry's type. */
	@Override
	protected ResponseEntity<Object> handleExceptionInternal(Exception ex, Object body, HttpHeaders headers,
			HttpStatusCode statusCode, WebRequest request) {
		ResponseEntity<Object> response = super.handleExceptionInternal(ex, body, headers, statusCode, request);
		if (response == null || !(response.getBody() instanceof ProblemDetail spring) || !isUntyped(spring)) {
			return response;
		}
		ProblemDetail typed = ProblemFactory.forStatus(response.getStatusCode().value(), spring.getDetail()).getBody();
		typed.setInstance(spring.getInstance());
		if (spring.getProperties() != null) {
			spring.getProperties().forEach(typed::setProperty);
		}
		return ResponseEntity.status(response.getStatusCode()).headers(response.getHeaders()).body(typed);
	}

	@Override
	protected ResponseEntity<Object> handleNoResourceFoundException(NoResourceFoundException ex, HttpHeaders headers,
			HttpStatusCode status, WebRequest request) {
		return render(ex, noSuchResource(request), request);
	}

	@Override
	protected ResponseEntity<Object> handleNoHandlerFoundException(NoHandlerFoundException ex, HttpHeaders headers,
			HttpStatusCode status, WebRequest request) {
		return render(ex, noSuchResource(request), request);
	}

	@ExceptionHandler(RegistryException.class)
	ResponseEntity<Object> registryException(RegistryException ex, WebRequest request) {
		return render(ex, ProblemFactory.of(ex), request);
	}

	@Override
	protected ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException ex,
			HttpHeaders headers, HttpStatusCode status, WebRequest request) {
		return render(ex, describeUnreadableBody(ex), request);
	}

	@Override
	protected ResponseEntity<Object> handleTypeMismatch(TypeMismatchException ex, HttpHeaders headers,
			HttpStatusCode status, WebRequest request) {
		String name = (ex instanceof MethodArgumentTypeMismatchException argument) ? argument.getName()
				: ex.getPropertyName();
		return render(ex, ProblemFactory.of(new InvalidRequestException(name,
				"'" + ex.getValue() + "' is not " + expected(ex.getRequiredType()))), request);
	}

	@ExceptionHandler({ CannotCreateTransactionException.class, DataAccessResourceFailureException.class,
			TransientDataAccessResourceException.class, QueryTimeoutException.class })
	ResponseEntity<ProblemDetail> databaseUnavailable(Exception ex) {
		log.warn("Database unavailable: {}", NestedExceptionUtils.getMostSpecificCause(ex).getMessage());
		ErrorResponseException problem = ProblemFactory.of(WebProblem.DATABASE_UNAVAILABLE,
				"The registry database cannot be reached; retry shortly");
		return ResponseEntity.status(problem.getStatusCode()).headers(problem.getHeaders()).body(problem.getBody());
	}

	/** Tomcat refuses to decode a malformed query string or form body only when parameters are first read. */
	@ExceptionHandler(InvalidParameterException.class)
	ResponseEntity<Object> undecodableParameters(InvalidParameterException ex, WebRequest request) {
		return render(ex, ProblemFactory.of(WebProblem.MALFORMED_PARAMETERS,
				"The query string or form body cannot be decoded (bad percent-encoding or character set)"), request);
	}

	/** Spring Security's firewall refuses some parameter names only when a form body is read, inside a handler. */
	@ExceptionHandler(RequestRejectedException.class)
	ResponseEntity<Object> rejectedParameters(RequestRejectedException ex, WebRequest request) {
		return render(ex, ProblemFactory.of(WebProblem.MALFORMED_PARAMETERS,
				"The query string or form body holds a parameter name or value that is not allowed"), request);
	}

	@ExceptionHandler(Exception.class)
	ResponseEntity<ProblemDetail> unexpected(Exception ex) {
		if (isConnectionFailure(ex)) {
			return databaseUnavailable(ex);
		}
		String reference = UUID.randomUUID().toString();
		log.error("Unexpected error, reference {}", reference, ex);
		ProblemDetail problem = ProblemFactory.of(WebProblem.INTERNAL_ERROR,
				"An unexpected error occurred; quote reference " + reference + " when reporting it").getBody();
		problem.setProperty("reference", reference);
		return ResponseEntity.internalServerError().body(problem);
	}

	private ResponseEntity<Object> render(Exception ex, ErrorResponseException problem, WebRequest request) {
		return handleExceptionInternal(ex, problem.getBody(), problem.getHeaders(), problem.getStatusCode(), request);
	}

	private static boolean isUntyped(ProblemDetail problem) {
		return problem.getType() == null || "about:blank".equals(problem.getType().toString());
	}

	/**
	 * An unknown path: a trailing slash is named as the mistake it is (no path of the API ends with one), any other
	 * path points at the root document, which lists the entry points.
	 */
	private static ErrorResponseException noSuchResource(WebRequest request) {
		String path = (request instanceof ServletWebRequest servlet) ? servlet.getRequest().getRequestURI() : "";
		String hint = (path.length() > 1 && path.endsWith("/"))
				? "no path of this service ends with '/'; try " + path.replaceAll("/+$", "")
				: "GET " + RootDocument.PATHS.get(0) + " lists the entry points of this service";
		ErrorResponseException problem = ProblemFactory.of(WebProblem.NO_SUCH_RESOURCE, "Nothing is at " + path + ": " + hint);
		problem.getBody().setProperty("root", RootDocument.PATHS.get(0));
		return problem;
	}

	private static boolean isConnectionFailure(Throwable ex) {
		for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
			if (cause instanceof SQLTransientConnectionException || cause instanceof SQLNonTransientConnectionException
					|| cause instanceof ConnectException) {
				return true;
			}
			if (cause instanceof SQLException sql && (CLOSED_CONNECTION.equals(sql.getMessage())
					|| sql.getSQLState() != null
							&& (sql.getSQLState().startsWith("08") || sql.getSQLState().startsWith("57P0")))) {
				return true;
			}
		}
		return false;
	}

	private static ErrorResponseException describeUnreadableBody(HttpMessageNotReadableException ex) {
		Throwable cause = ex.getCause();
		if (NestedExceptionUtils.getRootCause(ex) instanceof RequestBodyLimitFilter.BodyTooLargeException tooLarge) {
			return ProblemFactory.of(WebProblem.REQUEST_TOO_LARGE, tooLarge.getMessage());
		}
		if (cause instanceof PropertyBindingException unknown) {
			return ProblemFactory.of(new InvalidRequestException(path(unknown), "is not a known field; known fields: "
					+ unknown.getKnownPropertyIds().stream().map(String::valueOf).sorted().collect(Collectors.joining(", "))));
		}
		if (cause instanceof MismatchedInputException mismatch && !isTrailingContent(mismatch)) {
			return ProblemFactory.of(new InvalidRequestException(path(mismatch),
					"must be " + expected(mismatch.getTargetType())));
		}
		if (cause instanceof JacksonException jackson) {
			return ProblemFactory.of(WebProblem.MALFORMED_JSON,
					"The request body is not valid JSON" + JsonErrors.location(jackson) + ": " + JsonErrors.message(jackson));
		}
		return ProblemFactory.of(WebProblem.UNREADABLE_BODY,
				(cause == null) ? "A JSON request body is required" : "The request body cannot be read");
	}

	private static boolean isTrailingContent(MismatchedInputException ex) {
		return ex.getPath().isEmpty() && String.valueOf(ex.getOriginalMessage()).startsWith("Trailing token");
	}

	private static String path(JacksonException ex) {
		StringBuilder path = new StringBuilder();
		for (JacksonException.Reference reference : ex.getPath()) {
			if (reference.getPropertyName() != null) {
				path.append(path.isEmpty() ? "" : ".").append(reference.getPropertyName());
			}
			else if (reference.getIndex() >= 0) {
				path.append('[').append(reference.getIndex()).append(']');
			}
		}
		return path.isEmpty() ? "$" : path.toString();
	}

	private static String expected(Class<?> type) {
		if (type == null) {
			return "of another type";
		}
		if (type.isEnum()) {
			return "one of " + Arrays.stream(type.getEnumConstants()).map(String::valueOf).collect(Collectors.joining(", "));
		}
		if (CharSequence.class.isAssignableFrom(type)) {
			return "a string";
		}
		if (type == UUID.class) {
			return "a UUID";
		}
		if (type == Boolean.class || type == boolean.class) {
			return "true or false";
		}
		if (Number.class.isAssignableFrom(type) || type.isPrimitive()) {
			return "a number";
		}
		if (Temporal.class.isAssignableFrom(type)) {
			return "an RFC 3339 date-time string such as 2026-11-23T19:21:00Z";
		}
		if (Map.class.isAssignableFrom(type)) {
			return "a JSON object";
		}
		if (Collection.class.isAssignableFrom(type) || type.isArray()) {
			return "a JSON array";
		}
		return "a JSON object";
	}

}
