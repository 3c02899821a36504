package io.codebase.registry.security;

import java.io.IOException;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.HttpHeaders;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.context.SecurityContextHolderStrategy;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Authenticates a request by its API key ({@code Authorization: Bearer <key>} or {@code X-API-Key: <key>}). A
 * wrong key is a 401 at once, never a fall-back to anonymous. Without configured keys every caller is
 * {@link Caller#ANONYMOUS}. Not a bean: it runs only inside the security filter chain.
 */
final class ApiKeyFilter extends OncePerRequestFilter {

	static final String API_KEY_HEADER = "X-API-Key";

	private static final String BEARER = "Bearer ";

	private final ApiKeys keys;

	private final AuthenticationEntryPoint entryPoint;

	private final SecurityContextHolderStrategy contexts = SecurityContextHolder.getContextHolderStrategy();

	ApiKeyFilter(ApiKeys keys, AuthenticationEntryPoint entryPoint) {
		this.keys = keys;
		this.entryPoint = entryPoint;
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		if (this.keys.isEmpty()) {
			authenticate(Caller.ANONYMOUS);
			chain.doFilter(request, response);
			return;
		}
		String bearer = bearerToken(request.getHeader(HttpHeaders.AUTHORIZATION));
		String apiKey = request.getHeader(API_KEY_HEADER);
		if (bearer != null && apiKey != null && !bearer.equals(apiKey)) {
			reject(request, response, "Authorization and X-API-Key hold different keys; send one");
			return;
		}
		String presented = (bearer != null) ? bearer : apiKey;
		if (presented != null) {
			Caller caller = this.keys.authenticate(presented).orElse(null);
			if (caller == null) {
				reject(request, response, "The API key is not valid");
				return;
			}
			authenticate(caller);
		}
		// No key: Spring Security's anonymous caller, refused with 401 by the authorization rules.
		chain.doFilter(request, response);
	}

	private void authenticate(Caller caller) {
		SecurityContext context = this.contexts.createEmptyContext();
		context.setAuthentication(UsernamePasswordAuthenticationToken.authenticated(caller, null, caller.role().authorities()));
		this.contexts.setContext(context);
	}

	private void reject(HttpServletRequest request, HttpServletResponse response, String reason)
			throws IOException, ServletException {
		this.contexts.clearContext();
		this.entryPoint.commence(request, response, new BadCredentialsException(reason));
	}

	/** The token of a Bearer authorization; other schemes are not API keys. */
	private static String bearerToken(String authorization) {
		if (authorization == null || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
			return null;
		}
		String token = authorization.substring(BEARER.length()).strip();
		return token.isEmpty() ? null : token;
	}

}
