package io.codebase.registry.deployment;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.boot.health.actuate.endpoint.HealthDescriptor;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.health.contributor.Status;
import org.springframework.stereotype.Component;

/**
 * Two health groups as gauges, evaluated at each scrape: {@code registry.readiness} (what the readiness probe asks:
 * whether the pod takes traffic) and {@code registry.dependencies} (the registry database and the coherence listener,
 * which readiness leaves out so that a database failover does not empty the Service). Kubernetes keeps no history
 * of a pod's readiness; with these gauges an alert can see it flap, or see a dependency down (docs/alerts.md). The
 * groups' checks are cheap and bounded: the {@code db} check answers within 2 s.
 */
@Component
class ReadinessMetrics {

	static final String GROUP = "readiness";

	static final String DEPENDENCIES = "dependencies";

	ReadinessMetrics(HealthEndpoint health, MeterRegistry meters) {
		register(meters, health, GROUP, "1 while the readiness health group is UP (the pod takes traffic), 0 otherwise");
		register(meters, health, DEPENDENCIES,
				"1 while the registry database and the coherence listener are UP (health group dependencies), 0 otherwise");
	}

	private static void register(MeterRegistry meters, HealthEndpoint health, String group, String description) {
		Gauge.builder("registry." + group, health, endpoint -> up(endpoint, group))
			.description(description)
			.strongReference(true)
			.register(meters);
	}

	private static double up(HealthEndpoint health, String group) {
		HealthDescriptor descriptor = health.healthForPath(group);
		return descriptor != null && Status.UP.equals(descriptor.getStatus()) ? 1 : 0;
	}

}
