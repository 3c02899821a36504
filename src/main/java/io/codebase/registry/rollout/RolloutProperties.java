package io.codebase.registry.rollout;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Fleet rollouts of the project schema.
 *
 * @param defaultParallelism project databases migrated at once when a request names no parallelism
 * @param maxParallelism the most a request may ask for (each takes up to two connections to the project server)
 * @param resumeInterval how often a replica looks for an unfinished rollout that nobody runs (its runner died)
 * and resumes it; it also looks once at start-up
 */
@ConfigurationProperties("registry.schema-rollouts")
public record RolloutProperties(
		@DefaultValue("2") int defaultParallelism,
		@DefaultValue("8") int maxParallelism,
		@DefaultValue("30s") Duration resumeInterval) {

	public RolloutProperties {
		if (maxParallelism < 1 || defaultParallelism < 1 || defaultParallelism > maxParallelism) {
			throw new IllegalArgumentException("registry.schema-rollouts: need 1 <= default-parallelism <= max-parallelism");
		}
	}

}
