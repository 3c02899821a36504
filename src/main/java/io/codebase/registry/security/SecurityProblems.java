package io.codebase.registry.security;

import java.io.IOException;

import io.codebase.registry.web.ProblemFactory;
import io.codebase.registry.web.ProblemTypes.WebProblem;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.HttpHeaders;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.servlet.HandlerExceptionResolver;

/**
 * 401 and 403 from the security filter chain, as problems. They are handed to Spring MVC's exception
 * resolvers, so the one problem mapping ({@code ProblemDetailsAdvice}) renders them like every other error.
 */
final class SecurityProblems implements AuthenticationEntryPoint, AccessDeniedHandler {

	static final String REALM = "Bearer realm=\"project-registry\"";

	private final HandlerExceptionResolver resolver;

	SecurityProblems(HandlerExceptionResolver resolver) {
		this.resolver = resolver;
	}

	@Override
	public void commence(HttpServletRequest request, HttpServletResponse response, AuthenticationException failure)
			throws IOException {
		boolean wrongKey = failure instanceof BadCredentialsException;
		ErrorResponseException problem = ProblemFactory.of(WebProblem.UNAUTHORIZED, wrongKey ? failure.getMessage()
				: "This API needs an API key: send Authorization: Bearer <key> or X-API-Key: <key>");
		problem.getHeaders().set(HttpHeaders.WWW_AUTHENTICATE, wrongKey ? REALM + ", error=\"invalid_token\"" : REALM);
		render(request, response, problem);
	}

	@Override
	public void handle(HttpServletRequest request, HttpServletResponse response, AccessDeniedException denied)
			throws IOException {
		render(request, response, ProblemFactory.of(WebProblem.FORBIDDEN, "The API key '" + Caller.current().name()
				+ "' has the reader role; " + request.getMethod() + " needs the admin role"));
	}

	private void render(HttpServletRequest request, HttpServletResponse response, ErrorResponseException problem)
			throws IOException {
		if (this.resolver.resolveException(request, response, null, problem) == null) {
			response.sendError(problem.getStatusCode().value(), problem.getBody().getDetail());
		}
	}

}
