package io.codebase.registry.problem;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Base of every error the registry raises on purpose: a stable kind that clients can switch on, a detail for
 * people, and properties saying what the error is about, in the order they were added. It knows nothing of
 * the transport: the web layer's problem table decides how each type is answered.
 */
public abstract class RegistryException extends RuntimeException {

	private final ProblemCategory category;

	private final String kind;

	private final String title;

	private final Map<String, Object> properties = new LinkedHashMap<>();

	private Duration retryAfter;

	protected RegistryException(ProblemCategory category, String kind, String title, String detail) {
		super(detail);
		this.category = category;
		this.kind = kind;
		this.title = title;
	}

	public ProblemCategory category() {
		return this.category;
	}

	/** A short summary of this kind of error, the same for every occurrence. */
	public String title() {
		return this.title;
	}

	/** When the same request may succeed if sent again, if it may. */
	public Optional<Duration> retryAfter() {
		return Optional.ofNullable(this.retryAfter);
	}

	protected void retryAfter(Duration delay) {
		this.retryAfter = delay;
	}

	/** The stable slug of this kind of error, such as {@code project-not-found}. */
	public String kind() {
		return this.kind;
	}

	/** What went wrong in this case, for people. */
	public String detail() {
		return getMessage();
	}

	public Map<String, Object> properties() {
		return Collections.unmodifiableMap(this.properties);
	}

	/** Adds a property saying what the error is about (a later value for the same name replaces the earlier). */
	public RegistryException with(String name, Object value) {
		this.properties.put(name, value);
		return this;
	}

	/**
	 * Whether the registry refused the request itself (it breaks a rule, names nothing known, or conflicts with
	 * the current state), rather than failing to carry out a valid one.
	 */
	public boolean isRefusal() {
		return this.category.isRefusal();
	}

}
