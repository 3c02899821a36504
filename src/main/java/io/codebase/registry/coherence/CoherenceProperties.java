package io.codebase.registry.coherence;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Cross-replica cache coherence: each replica listens for PostgreSQL's change notifications on one dedicated
 * connection (outside the pool) and drops the cache entries they name.
 *
 * @param enabled listen for PostgreSQL's change notifications, so that changes made by other replicas invalidate this
 * replica's cache; turn it off only when a single replica runs (its own writes still invalidate its cache)
 * @param pollTimeout how long one wait for notifications lasts before the listener checks whether a keepalive is
 * due or it should stop; notifications are handled as soon as they arrive, whatever this is
 * @param keepaliveInterval how often the listener runs a trivial query, so a silently dead connection (a network
 * partition, a failover) is noticed
 * @param networkTimeout limit for connecting and for the answer to a keepalive query (whole seconds, at least 1)
 * @param backoffMin the first pause before reconnecting; it doubles after each failed attempt
 * @param backoffMax the longest pause between reconnection attempts; it bounds how long a replica stays unready
 * after PostgreSQL is back
 */
@ConfigurationProperties("registry.coherence")
record CoherenceProperties(@DefaultValue("true") boolean enabled, @DefaultValue("1s") Duration pollTimeout,
		@DefaultValue("10s") Duration keepaliveInterval, @DefaultValue("5s") Duration networkTimeout,
		@DefaultValue("100ms") Duration backoffMin, @DefaultValue("5s") Duration backoffMax) {

	CoherenceProperties {
		if (backoffMax.compareTo(backoffMin) < 0) {
			throw new IllegalArgumentException("registry.coherence.backoff-max must not be less than backoff-min");
		}
	}

}
