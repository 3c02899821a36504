package io.codebase.registry.idempotency;

import java.time.Duration;

import io.codebase.registry.problem.ProblemCategory;
import io.codebase.registry.problem.RegistryException;

/** An {@code Idempotency-Key} that cannot be used for this request. */
class IdempotencyKeyException extends RegistryException {

	private IdempotencyKeyException(ProblemCategory category, String kind, String title, String detail) {
		super(category, kind, title, detail);
	}

	static IdempotencyKeyException invalid(int maxLength) {
		return new IdempotencyKeyException(ProblemCategory.INVALID, "invalid-idempotency-key", "Invalid Idempotency-Key",
				"Send one Idempotency-Key of 1 to " + maxLength + " printable ASCII characters, bare or as a quoted string");
	}

	/** The first request with this key is still running; a retry after the delay may find its outcome. */
	static IdempotencyKeyException inUse(Duration retryAfter) {
		IdempotencyKeyException inUse = new IdempotencyKeyException(ProblemCategory.CONFLICT, "idempotency-key-in-use",
				"Idempotency key in use", "A request with this Idempotency-Key is still being processed; retry after "
						+ retryAfter.toSeconds() + " s");
		inUse.retryAfter(retryAfter);
		return inUse;
	}

	static IdempotencyKeyException reused() {
		return new IdempotencyKeyException(ProblemCategory.UNUSABLE_CONTENT, "idempotency-key-reused",
				"Idempotency key reused", "This Idempotency-Key was used for another request (method, path, query or "
						+ "body); send a new key with a new request");
	}

}
