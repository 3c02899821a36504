package io.codebase.registry.coherence;

import io.codebase.registry.coherence.ProjectChangeListener.ListenerState;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * Health contributor {@code coherence}, part of the readiness group: a replica that does not hear change
 * notifications may answer stale projects from its cache. UP while listening (or when coherence is disabled,
 * for a single replica), DOWN with the last error and since when while it is not.
 */
@Component
class CoherenceHealthIndicator implements HealthIndicator {

	private final ProjectChangeListener listener;

	CoherenceHealthIndicator(ProjectChangeListener listener) {
		this.listener = listener;
	}

	@Override
	public Health health() {
		ListenerState state = this.listener.state();
		Health.Builder health = switch (state.phase()) {
			case DISABLED -> Health.up().withDetail("enabled", false);
			case LISTENING -> Health.up().withDetail("backendPid", state.backendPid());
			case DISCONNECTED -> Health.down().withDetail("lastError", state.lastError());
			case NOT_STARTED -> Health.outOfService();
		};
		health.withDetail("state", state.phase().name()).withDetail("channel", ProjectChangeListener.CHANNEL);
		if (state.since() != null) {
			health.withDetail("since", state.since().toString());
		}
		return health.build();
	}

}
