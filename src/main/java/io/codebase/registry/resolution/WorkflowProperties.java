package io.codebase.registry.resolution;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The external workflow service asked for its active project (resolution tier 3), when {@code url} is set.
 *
 * @param url base URL of the workflow service asked in tier 3 ({@code GET {url}/api/v1/projects/active}); empty: not
 * asked
 * @param timeout longest wait for its answer, connecting included; {@code 100ms} to {@code 5s}
 * @param cacheTtl how long an answer naming a project is reused, {@code 10s} to {@code 300s}; failures are not
 * cached
 */
@ConfigurationProperties("registry.workflow")
public record WorkflowProperties(
		@DefaultValue("") String url,
		@DefaultValue("1s") Duration timeout,
		@DefaultValue("60s") Duration cacheTtl) {

	public WorkflowProperties {
		if (timeout.compareTo(Duration.ofMillis(100)) < 0 || timeout.compareTo(Duration.ofSeconds(5)) > 0) {
			throw new IllegalArgumentException("registry.workflow.timeout must be between 100ms and 5s");
		}
		if (cacheTtl.compareTo(Duration.ofSeconds(10)) < 0 || cacheTtl.compareTo(Duration.ofSeconds(300)) > 0) {
			throw new IllegalArgumentException("registry.workflow.cache-ttl must be between 10s and 300s");
		}
	}

	boolean enabled() {
		return !this.url.isBlank();
	}

}
