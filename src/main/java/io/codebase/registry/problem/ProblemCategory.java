package io.codebase.registry.problem;

/**
 * What kind of outcome an error is, in the registry's own terms. The web layer's one table turns each category
 * into an HTTP status; nothing here knows HTTP.
 */
public enum ProblemCategory {

	/** The request breaks a rule of its shape or values. */
	INVALID(true),

	/** The caller's role does not allow what the request would do. */
	FORBIDDEN(true),

	/** The request names something that does not exist. */
	NOT_FOUND(true),

	/** The request conflicts with the registry's current state. */
	CONFLICT(true),

	/** The request was made against a version that is no longer current. */
	STALE_VERSION(true),

	/** The request must name the version it applies to, and did not. */
	VERSION_REQUIRED(true),

	/** The request is well formed, but what it points at (a file, a directory) cannot be used. */
	UNUSABLE_CONTENT(true),

	/** A valid request that the registry could not carry out: a database server refused the work. */
	DOWNSTREAM_FAILED(false),

	/** A valid request that cannot be answered yet: another caller's work on the same thing is in progress. */
	BUSY(false);

	private final boolean refusal;

	ProblemCategory(boolean refusal) {
		this.refusal = refusal;
	}

	/** Whether the registry refused the request, rather than failing to carry out a valid one. */
	public boolean isRefusal() {
		return this.refusal;
	}

}
