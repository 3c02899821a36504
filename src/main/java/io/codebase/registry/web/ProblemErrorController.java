package io.codebase.registry.web;

import io.codebase.registry.web.ProblemTypes.WebProblem;
import io.swagger.v3.oas.annotations.Hidden;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;

import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * Renders the errors that never reach a controller (a body refused by a filter, a request the servlet container
 * rejects) as problems too, replacing Spring Boot's default error page. Only messages the service itself set
 * are shown; container messages and exceptions are not.
 */
@Hidden
@RestController
class ProblemErrorController implements ErrorController {

	@RequestMapping("${server.error.path:${error.path:/error}}")
	ResponseEntity<ProblemDetail> error(HttpServletRequest request) {
		Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
		HttpStatus status = (code instanceof Integer value && HttpStatus.resolve(value) != null)
				? HttpStatus.valueOf(value) : HttpStatus.NOT_FOUND;
		ProblemDetail problem;
		if (status == HttpStatus.CONTENT_TOO_LARGE) {
			problem = ProblemFactory.of(WebProblem.REQUEST_TOO_LARGE,
					String.valueOf(request.getAttribute(RequestDispatcher.ERROR_MESSAGE))).getBody();
		}
		else {
			problem = ProblemFactory.forStatus(status.value(),
					status.is5xxServerError() ? ProblemFactory.NOT_PROCESSED : status.getReasonPhrase()).getBody();
		}
		if (request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI) instanceof String uri) {
			problem.setInstance(UriComponentsBuilder.fromPath(uri).build().encode().toUri());
		}
		return ResponseEntity.status(status).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(problem);
	}

}
