package io.codebase.registry.idempotency;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UnsupportedEncodingException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import io.codebase.registry.security.Caller;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.http.server.ServletServerHttpRequest;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.servlet.HandlerExceptionResolver;
import org.springframework.web.util.ContentCachingResponseWrapper;

/**
 * Makes the writes of {@link IdempotentOperations} retry-safe with the {@code Idempotency-Key} header (IETF
 * httpapi draft "The Idempotency-Key HTTP Header Field"). Runs after the security filter chain, so the caller is
 * known and only callers allowed to write ever claim a key.
 * <ul>
 * <li>The first request with a key claims it (committed before the handler runs), runs, and stores its outcome
 * before the response is sent, so the outcome is kept even when the client is gone.</li>
 * <li>A retry of the same request (method, path, query and body) gets the stored status, headers and body again,
 * with {@code Idempotency-Replayed: true}. Another request with the key is 422 {@code idempotency-key-reused}; a
 * retry while the first still runs is 409 {@code idempotency-key-in-use} with {@code Retry-After}.</li>
 * <li>Only final outcomes are stored. A 5xx, a response with {@code Retry-After} (the service's own "try again":
 * reconciliation-running, project-provisioning), 408, 425 and 429, a failure of the handler, or a response that
 * could not be captured releases the key, so the retry runs again: every write here can be run again safely, and
 * a replayed transient failure would keep the client from ever succeeding with its key.</li>
 * </ul>
 * Requests without the header are untouched.
 */
final class IdempotencyFilter extends OncePerRequestFilter {

	static final String REPLAYED_HEADER = "Idempotency-Replayed";

	/** Headers that belong to the outcome and are replayed with it; Content-Type is read on its own. */
	private static final List<String> REPLAYED_HEADERS = List.of(HttpHeaders.LOCATION, HttpHeaders.CONTENT_LOCATION,
			HttpHeaders.ETAG, HttpHeaders.LAST_MODIFIED, HttpHeaders.LINK);

	private static final List<Integer> TRANSIENT_STATUSES = List.of(408, 425, 429);

	/** Retry-After of a 409 is the time until the claim may be taken over, but clients need not wait that long. */
	private static final long MAX_RETRY_AFTER_SECONDS = 5;

	private static final Logger log = LoggerFactory.getLogger(IdempotencyFilter.class);

	private final IdempotencyStore store;

	private final IdempotencyProperties properties;

	private final HandlerExceptionResolver resolver;

	private final Map<String, Counter> outcomes = new LinkedHashMap<>();

	IdempotencyFilter(IdempotencyStore store, IdempotencyProperties properties, HandlerExceptionResolver resolver,
			MeterRegistry meters) {
		this.store = store;
		this.properties = properties;
		this.resolver = resolver;
		for (String outcome : List.of("stored", "replayed", "conflict", "mismatch", "released")) {
			this.outcomes.put(outcome, Counter.builder("registry.idempotency.requests")
				.description("Requests with an Idempotency-Key, by outcome")
				.tag("outcome", outcome)
				.register(meters));
		}
	}

	@Override
	protected boolean shouldNotFilter(HttpServletRequest request) {
		return request.getHeader(IdempotencyKey.HEADER) == null || operation(request).isEmpty();
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		List<String> headers = Collections.list(request.getHeaders(IdempotencyKey.HEADER));
		Optional<IdempotencyKey> parsed = (headers.size() == 1)
				? IdempotencyKey.parse(headers.get(0), this.properties.maxKeyLength()) : Optional.empty();
		if (parsed.isEmpty()) {
			render(request, response, IdempotencyKeyException.invalid(this.properties.maxKeyLength()));
			return;
		}
		IdempotencyKey key = parsed.get();
		byte[] body;
		try {
			body = request.getInputStream().readAllBytes();
		}
		catch (IOException ex) {
			// Rendered like any unreadable body: 413 when it outgrew registry.web.max-request-body.
			render(request, response, new HttpMessageNotReadableException("The request body cannot be read", ex,
					new ServletServerHttpRequest(request)));
			return;
		}
		byte[] fingerprint = Fingerprint.of(request.getMethod(), request.getRequestURI(), request.getQueryString(), body);
		String caller = Caller.current().name();
		Claim claim;
		try {
			claim = this.store.claim(caller, key, operation(request).orElseThrow(), fingerprint);
		}
		catch (RuntimeException ex) {
			// The registry database is unreachable: the usual 503 problem, with Retry-After.
			render(request, response, ex);
			return;
		}
		if (claim instanceof Claim.Acquired acquired) {
			run(new CachedBodyRequest(request, body), response, chain, caller, key, acquired.owner());
		}
		else if (claim instanceof Claim.Completed completed && Arrays.equals(completed.fingerprint(), fingerprint)) {
			count("replayed");
			replay(completed.response(), response);
		}
		else if (claim instanceof Claim.Running running && Arrays.equals(running.fingerprint(), fingerprint)) {
			count("conflict");
			long retryAfter = Math.max(1, Math.min(MAX_RETRY_AFTER_SECONDS, running.untilTakeover().toSeconds()));
			render(request, response, IdempotencyKeyException.inUse(Duration.ofSeconds(retryAfter)));
		}
		else {
			count("mismatch");
			render(request, response, IdempotencyKeyException.reused());
		}
	}

	/** Runs the request holding the key, then stores its outcome before the client sees it, or releases the key. */
	private void run(HttpServletRequest request, HttpServletResponse response, FilterChain chain, String caller,
			IdempotencyKey key, UUID owner) throws ServletException, IOException {
		CapturingResponse captured = new CapturingResponse(response);
		boolean handled = false;
		try {
			chain.doFilter(request, captured);
			handled = true;
		}
		finally {
			if (!handled) {
				release(caller, key, owner);
			}
		}
		if (isFinal(captured)) {
			store(caller, key, owner, captured);
		}
		else {
			release(caller, key, owner);
		}
		captured.copyBodyToResponse();
	}

	private static boolean isFinal(CapturingResponse response) {
		int status = response.getStatus();
		return status < 500 && !TRANSIENT_STATUSES.contains(status) && !response.errorSent
				&& response.getHeader(HttpHeaders.RETRY_AFTER) == null;
	}

	private void store(String caller, IdempotencyKey key, UUID owner, CapturingResponse captured) {
		Map<String, List<String>> headers = new LinkedHashMap<>();
		if (captured.getContentType() != null) {
			headers.put(HttpHeaders.CONTENT_TYPE, List.of(captured.getContentType()));
		}
		for (String name : REPLAYED_HEADERS) {
			if (!captured.getHeaders(name).isEmpty()) {
				headers.put(name, List.copyOf(captured.getHeaders(name)));
			}
		}
		try {
			if (this.store.complete(caller, key, owner,
					new StoredResponse(captured.getStatus(), headers, captured.getContentAsByteArray()))) {
				count("stored");
			}
			else {
				log.warn("The outcome of Idempotency-Key '{}' of {} was not stored: the request ran longer than "
						+ "registry.idempotency.in-progress-timeout and a retry took the key over", key.value(), caller);
			}
		}
		catch (RuntimeException ex) {
			// The answer is still sent; the claim is taken over after the in-progress timeout.
			log.warn("The outcome of Idempotency-Key '{}' of {} could not be stored: {}", key.value(), caller, ex.toString());
		}
	}

	private void release(String caller, IdempotencyKey key, UUID owner) {
		count("released");
		try {
			this.store.release(caller, key, owner);
		}
		catch (RuntimeException ex) {
			log.warn("Idempotency-Key '{}' of {} could not be released; it can be taken over after "
					+ "registry.idempotency.in-progress-timeout: {}", key.value(), caller, ex.toString());
		}
	}

	private static void replay(StoredResponse stored, HttpServletResponse response) throws IOException {
		response.setStatus(stored.status());
		stored.headers().forEach((name, values) -> values.forEach(value -> response.addHeader(name, value)));
		response.setHeader(REPLAYED_HEADER, "true");
		response.setContentLength(stored.body().length);
		response.getOutputStream().write(stored.body());
	}

	/** Problems are rendered by the API's one exception mapping, as the security filters do. */
	private void render(HttpServletRequest request, HttpServletResponse response, Exception problem)
			throws ServletException {
		if (this.resolver.resolveException(request, response, null, problem) == null) {
			throw new ServletException(problem);
		}
	}

	private void count(String outcome) {
		this.outcomes.get(outcome).increment();
	}

	private static Optional<String> operation(HttpServletRequest request) {
		return IdempotentOperations.match(request.getMethod(),
				request.getRequestURI().substring(request.getContextPath().length()));
	}

	/** The response kept in memory until the outcome is stored; an error page sent instead cannot be replayed. */
	private static final class CapturingResponse extends ContentCachingResponseWrapper {

		private boolean errorSent;

		CapturingResponse(HttpServletResponse response) {
			super(response);
		}

		@Override
		public void sendError(int status) throws IOException {
			this.errorSent = true;
			super.sendError(status);
		}

		@Override
		public void sendError(int status, String message) throws IOException {
			this.errorSent = true;
			super.sendError(status, message);
		}

	}

	/** The request with its body, which was read for the fingerprint, readable again. */
	private static final class CachedBodyRequest extends HttpServletRequestWrapper {

		private final byte[] body;

		CachedBodyRequest(HttpServletRequest request, byte[] body) {
			super(request);
			this.body = body;
		}

		@Override
		public ServletInputStream getInputStream() {
			ByteArrayInputStream in = new ByteArrayInputStream(this.body);
			return new ServletInputStream() {

				@Override
				public int read() {
					return in.read();
				}

				@Override
				public int read(byte[] buffer, int offset, int length) {
					return in.read(buffer, offset, length);
				}

				@Override
				public boolean isFinished() {
					return in.available() == 0;
				}

				@Override
				public boolean isReady() {
					return true;
				}

				@Override
				public void setReadListener(ReadListener listener) {
					throw new UnsupportedOperationException("The body is already read");
				}

			};
		}

		@Override
		public BufferedReader getReader() throws UnsupportedEncodingException {
			String encoding = (getCharacterEncoding() != null) ? getCharacterEncoding() : StandardCharsets.UTF_8.name();
			return new BufferedReader(new InputStreamReader(getInputStream(), encoding));
		}

		@Override
		public int getContentLength() {
			return this.body.length;
		}

		@Override
		public long getContentLengthLong() {
			return this.body.length;
		}

	}

}
