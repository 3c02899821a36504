package io.codebase.registry.rollout;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Fleet rollouts of the project schema.
 *
 * @param defaultParallelism project databases a rollout migrates at once when the request names no
 * {@code parallelism}
 * @param maxParallelism the most a rollout request may ask for (each database in flight takes up to two
 * connections on the project database server)
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
