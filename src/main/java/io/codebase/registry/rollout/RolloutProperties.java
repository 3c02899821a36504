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
 * @param maxPerServer project databases a rollout migrates at once on one database server when the request names
 * no {@code maxPerServer} (never more than its parallelism)
 * @param dryRunTimeout how long a dry run may read the schema histories of the databases altogether; a database
 * not read by then is reported as unknown
 * @param resumeInterval how often a replica looks for an unfinished rollout that nobody runs (its runner died)
 * and resumes it; it also looks once at start-up
 */
@ConfigurationProperties("registry.schema-rollouts")
public record RolloutProperties(
		@DefaultValue("2") int defaultParallelism,
		@DefaultValue("8") int maxParallelism,
		@DefaultValue("4") int maxPerServer,
		@DefaultValue("30s") Duration dryRunTimeout,
		@DefaultValue("30s") Duration resumeInterval) {

	public RolloutProperties {
		if (maxParallelism < 1 || defaultParallelism < 1 || defaultParallelism > maxParallelism || maxPerServer < 1) {
			throw new IllegalArgumentException(
					"registry.schema-rollouts: need 1 <= default-parallelism <= max-parallelism and max-per-server >= 1");
		}
		if (dryRunTimeout.isNegative() || dryRunTimeout.isZero()) {
			throw new IllegalArgumentException("registry.schema-rollouts.dry-run-timeout must be positive");
		}
	}

}
