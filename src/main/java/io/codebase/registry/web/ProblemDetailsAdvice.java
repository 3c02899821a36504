package io.codebase.registry.web;

import java.net.ConnectException;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collection;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

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
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * The one mapping from exceptions to RFC 9457 problems for the whole API. Spring MVC's own errors (405, 406,
 * 415, 404 for unknown routes...) and every {@link ApiException} are rendered by the base class; this class adds
 * precise messages for unreadable bodies, 503 for an unreachable database, and a stack-trace-free 500 for bugs.
 */
@RestControllerAdvice
class ProblemDetailsAdvice extends ResponseEntityExceptionHandler {

	private static final Logger log = LoggerFactory.getLogger(ProblemDetailsAdvice.class);

	/** A package-qualified Java name, reduced to its simple name. */
	private static final Pattern INTERNAL_NAME = Pattern.compile("\\b(?:[a-z_][a-z0-9_]*\\.)+([A-Z][A-Za-z0-9_$]*)");

	private static final String CLOSED_CONNECTION = "Connection is closed";

	static final Duration DATABASE_RETRY_AFTER = Duration.ofSeconds(5);

	@Override
	protected ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException ex,
			HttpHeaders headers, HttpStatusCode status, WebRequest request) {
		ApiException problem = describeUnreadableBody(ex);
		return handleExceptionInternal(problem, problem.getBody(), headers, problem.getStatusCode(), request);
	}

	@Override
	protected ResponseEntity<Object> handleTypeMismatch(TypeMismatchException ex, HttpHeaders headers,
			HttpStatusCode status, WebRequest request) {
		String name = (ex instanceof MethodArgumentTypeMismatchException argument) ? argument.getName()
				: ex.getPropertyName();
		ApiException problem = new InvalidRequestException(name,
				"'" + ex.getValue() + "' is not " + expected(ex.getRequiredType()));
		return handleExceptionInternal(problem, problem.getBody(), headers, problem.getStatusCode(), request);
	}

	@ExceptionHandler({ CannotCreateTransactionException.class, DataAccessResourceFailureException.class,
			TransientDataAccessResourceException.class, QueryTimeoutException.class })
	ResponseEntity<ProblemDetail> databaseUnavailable(Exception ex) {
		log.warn("Database unavailable: {}", NestedExceptionUtils.getMostSpecificCause(ex).getMessage());
		ProblemDetail problem = ApiException.problem(HttpStatus.SERVICE_UNAVAILABLE, "database-unavailable",
				"Database unavailable", "The registry database cannot be reached; retry shortly");
		return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
			.header(HttpHeaders.RETRY_AFTER, String.valueOf(DATABASE_RETRY_AFTER.toSeconds()))
			.body(problem);
	}

	/** Tomcat refuses to decode a malformed query string or form body only when parameters are first read. */
	@ExceptionHandler(InvalidParameterException.class)
	ResponseEntity<Object> undecodableParameters(InvalidParameterException ex, WebRequest request) {
		ApiException problem = new ApiException(HttpStatus.BAD_REQUEST, "malformed-parameters", "Malformed parameters",
				"The query string or form body cannot be decoded (bad percent-encoding or character set)");
		return handleExceptionInternal(problem, problem.getBody(), new HttpHeaders(), problem.getStatusCode(), request);
	}

	@ExceptionHandler(Exception.class)
	ResponseEntity<ProblemDetail> unexpected(Exception ex) {
		if (isConnectionFailure(ex)) {
			return databaseUnavailable(ex);
		}
		String reference = UUID.randomUUID().toString();
		log.error("Unexpected error, reference {}", reference, ex);
		ProblemDetail problem = ApiException.problem(HttpStatus.INTERNAL_SERVER_ERROR, "internal-error",
				"Internal error", "An unexpected error occurred; quote reference " + reference + " when reporting it");
		problem.setProperty("reference", reference);
		return ResponseEntity.internalServerError().body(problem);
	}

	/**
	 * A lost or refused database connection can surface wrapped in anything (a failed rollback, a Hibernate
	 * exception): look for a connection error anywhere in the chain (SQLSTATE class 08, a shutdown, 57P0x, or
	 * HikariCP's closed-connection error, which carries no SQLSTATE).
	 */
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

	private static ApiException describeUnreadableBody(HttpMessageNotReadableException ex) {
		Throwable cause = ex.getCause();
		if (NestedExceptionUtils.getRootCause(ex) instanceof RequestBodyLimitFilter.BodyTooLargeException tooLarge) {
			return new ApiException(HttpStatus.CONTENT_TOO_LARGE, "request-too-large", "Request body too large",
					tooLarge.getMessage());
		}
		if (cause instanceof PropertyBindingException unknown) {
			return new InvalidRequestException(path(unknown), "is not a known field; known fields: "
					+ unknown.getKnownPropertyIds().stream().map(String::valueOf).sorted().collect(Collectors.joining(", ")));
		}
		if (cause instanceof MismatchedInputException mismatch && !isTrailingContent(mismatch)) {
			return new InvalidRequestException(path(mismatch), "must be " + expected(mismatch.getTargetType()));
		}
		if (cause instanceof JacksonException jackson) {
			String where = (jackson.getLocation() != null) ? " at line " + jackson.getLocation().getLineNr()
					+ ", column " + jackson.getLocation().getColumnNr() : "";
			return new ApiException(HttpStatus.BAD_REQUEST, "malformed-json", "Malformed JSON",
					"The request body is not valid JSON" + where + ": " + withoutInternals(jackson.getOriginalMessage()));
		}
		return new ApiException(HttpStatus.BAD_REQUEST, "unreadable-body", "Unreadable request body",
				(cause == null) ? "A JSON request body is required" : "The request body cannot be read");
	}

	private static boolean isTrailingContent(MismatchedInputException ex) {
		return ex.getPath().isEmpty() && String.valueOf(ex.getOriginalMessage()).startsWith("Trailing token");
	}

	/** Parser messages name Java types and settings; callers get the JSON part only. */
	private static String withoutInternals(String message) {
		String text = String.valueOf(message);
		int internals = text.indexOf(" (bound as");
		if (internals < 0) {
			internals = text.indexOf(" (for ");
		}
		String json = (internals < 0) ? text : text.substring(0, internals);
		return INTERNAL_NAME.matcher(json).replaceAll("$1");
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
		if (Map.class.isAssignableFrom(type)) {
			return "a JSON object";
		}
		if (Collection.class.isAssignableFrom(type) || type.isArray()) {
			return "a JSON array";
		}
		return "a JSON object";
	}

}
