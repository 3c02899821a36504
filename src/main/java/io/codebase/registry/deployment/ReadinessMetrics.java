package io.codebase.registry.deployment;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.boot.health.actuate.endpoint.HealthDescriptor;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.health.contributor.Status;
import org.springframework.stereotype.Component;

/**
 * {@code registry.readiness}: 1 while the readiness health group (what the readiness probe asks) is UP, 0 otherwise,
 * evaluated at each scrape. Kubernetes keeps no history of a pod's readiness; with this gauge an alert can see it
 * flap (docs/alerts.md). The group's checks are cheap and bounded: the {@code db} check answers within 2 s.
 */
@Component
class ReadinessMetrics {

	static final String GROUP = "readiness";

	ReadinessMetrics(HealthEndpoint health, MeterRegistry meters) {
		Gauge.builder("registry.readiness", health, ReadinessMetrics::ready)
			.description("1 while the readiness health group is UP (the pod takes traffic), 0 otherwise")
			.strongReference(true)
			.register(meters);
	}

	private static double ready(HealthEndpoint health) {
		HealthDescriptor readiness = health.healthForPath(GROUP);
		return readiness != null && Status.UP.equals(readiness.getStatus()) ? 1 : 0;
	}

}
