package io.codebase.registry.idempotency;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Retry-safe writes with the {@code Idempotency-Key} header.
 *
 * @param ttl how long the outcome of an {@code Idempotency-Key} is kept and replayed, counted from when it was
 * stored; must be longer than {@code in-progress-timeout}
 * @param inProgressTimeout how long a claimed key may stay unfinished before another request with the same key may
 * take it over (its replica is taken to have died); keep it above the longest write, a large import
 * @param maxKeyLength longest {@code Idempotency-Key} accepted, 1 to 255 characters (the width of its column)
 * @param purgeInterval how often expired keys are deleted; expired keys are ignored even before
 */
@ConfigurationProperties("registry.idempotency")
public record IdempotencyProperties(
		@DefaultValue("24h") Duration ttl,
		@DefaultValue("5m") Duration inProgressTimeout,
		@DefaultValue("255") int maxKeyLength,
		@DefaultValue("10m") Duration purgeInterval) {

	/** The width of {@code idempotency_keys.idempotency_key}. */
	static final int KEY_COLUMN_LENGTH = 255;

	public IdempotencyProperties {
		requirePositive(ttl, "ttl");
		requirePositive(inProgressTimeout, "in-progress-timeout");
		requirePositive(purgeInterval, "purge-interval");
		if (inProgressTimeout.compareTo(ttl) >= 0) {
			throw new IllegalArgumentException("registry.idempotency.in-progress-timeout must be shorter than its ttl");
		}
		if (maxKeyLength < 1 || maxKeyLength > KEY_COLUMN_LENGTH) {
			throw new IllegalArgumentException("registry.idempotency.max-key-length must be 1 to " + KEY_COLUMN_LENGTH);
		}
	}

	private static void requirePositive(Duration value, String name) {
		if (value.isNegative() || value.isZero()) {
			throw new IllegalArgumentException("registry.idempotency." + name + " must be positive");
		}
	}

}
