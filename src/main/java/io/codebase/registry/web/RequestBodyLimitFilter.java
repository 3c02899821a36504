package io.codebase.registry.web;

import java.io.IOException;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Refuses request bodies over {@code registry.web.max-request-body} with 413: at once when Content-Length says
 * so, and while reading when a chunked body grows past the limit (nothing is parsed or written either way).
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
class RequestBodyLimitFilter extends OncePerRequestFilter {

	private final long maxBytes;

	private final long maxImportBytes;

	RequestBodyLimitFilter(WebProperties properties) {
		this.maxBytes = properties.maxRequestBody().toBytes();
		this.maxImportBytes = properties.maxImportBody().toBytes();
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		long limit = WebProperties.IMPORTS_PATH.equals(request.getServletPath()) ? this.maxImportBytes : this.maxBytes;
		if (request.getContentLengthLong() > limit) {
			response.sendError(HttpStatus.CONTENT_TOO_LARGE.value(), tooLargeMessage(limit));
			return;
		}
		chain.doFilter(new LimitedRequest(request, limit), response);
	}

	static String tooLargeMessage(long maxBytes) {
		return "The request body exceeds the limit of " + maxBytes + " bytes";
	}

	/** Thrown while reading a body past the limit; the problem handler turns it into 413. */
	static final class BodyTooLargeException extends IOException {

		BodyTooLargeException(long maxBytes) {
			super(tooLargeMessage(maxBytes));
		}

	}

	private static final class LimitedRequest extends HttpServletRequestWrapper {

		private final long maxBytes;

		private ServletInputStream stream;

		LimitedRequest(HttpServletRequest request, long maxBytes) {
			super(request);
			this.maxBytes = maxBytes;
		}

		@Override
		public ServletInputStream getInputStream() throws IOException {
			if (this.stream == null) {
				this.stream = new LimitedInputStream(super.getInputStream(), this.maxBytes);
			}
			return this.stream;
		}

	}

	private static final class LimitedInputStream extends ServletInputStream {

		private final ServletInputStream delegate;

		private final long maxBytes;

		private long read;

		LimitedInputStream(ServletInputStream delegate, long maxBytes) {
			this.delegate = delegate;
			this.maxBytes = maxBytes;
		}

		@Override
		public int read() throws IOException {
			int b = this.delegate.read();
			if (b != -1) {
				count(1);
			}
			return b;
		}

		@Override
		public int read(byte[] buffer, int offset, int length) throws IOException {
			int n = this.delegate.read(buffer, offset, length);
			if (n > 0) {
				count(n);
			}
			return n;
		}

		private void count(int n) throws BodyTooLargeException {
			this.read += n;
			if (this.read > this.maxBytes) {
				throw new BodyTooLargeException(this.maxBytes);
			}
		}

		@Override
		public boolean isFinished() {
			return this.delegate.isFinished();
		}

		@Override
		public boolean isReady() {
			return this.delegate.isReady();
		}

		@Override
		public void setReadListener(ReadListener listener) {
			this.delegate.setReadListener(listener);
		}

	}

}
