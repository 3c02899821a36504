package io.codebase.registry.problem;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Base of every error the registry raises on purpose: a stable kind that clients can switch on, a detail for
 * people, and properties saying what the error is about, in the order they were added. It knows nothing of
 * the transport: the web layer's problem table decides how each type is answered.
 */
public abstract class RegistryException extends RuntimeException {

	private final String kind;

	private final Map<String, Object> properties = new LinkedHashMap<>();

	protected RegistryException(String kind, String detail) {
		super(detail);
		this.kind = kind;
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
	 * the current state), rather than failing to carry out a valid one. Failures say so by overriding this.
	 */
	public boolean isRefusal() {
		return true;
	}

}
