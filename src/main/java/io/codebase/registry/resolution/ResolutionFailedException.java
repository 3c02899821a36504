package io.codebase.registry.resolution;

import io.codebase.registry.problem.RegistryException;

/**
 * A resolution that ended in an error: the error the caller is told, and the tier it happened in, which the
 * answer names just as a successful resolution names the tier that decided.
 */
public class ResolutionFailedException extends RuntimeException {

	private final Tier tier;

	ResolutionFailedException(Tier tier, RegistryException failure) {
		super(failure.getMessage(), failure);
		this.tier = tier;
	}

	public Tier tier() {
		return this.tier;
	}

	public RegistryException failure() {
		return (RegistryException) getCause();
	}

}
