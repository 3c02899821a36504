package io.codebase.registry.move;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Moves of project databases between servers.
 *
 * @param sourceGrace how long the source database is kept after a successful move before it is dropped (the
 * reconciler reports it as MOVED_SOURCE meanwhile)
 * @param copyTimeout how long the initial copy and catching up may take before the move is rolled back
 * @param cutOverLag the replication lag (bytes of WAL) under which the cut-over begins: the smaller, the shorter
 * the write freeze
 * @param freezeTimeout how long the write freeze may last (ending sessions, the last changes, sequences) before
 * the move is rolled back and writes are let in again
 * @param resumeInterval how often every replica looks for moves whose runner died, and for drains to go on with
 * @param drainParallelism how many projects a drain moves off its server at a time
 * @param rebalanceSpread how far (as a share of the mean) a server's projects per unit of weight may be from the
 * fleet's mean before a rebalance moves projects off it
 * @param maxConcurrent moves one replica runs at once
 */
@ConfigurationProperties("registry.moves")
public record MoveProperties(
		@DefaultValue("24h") Duration sourceGrace,
		@DefaultValue("1h") Duration copyTimeout,
		@DefaultValue("1MB") DataSize cutOverLag,
		@DefaultValue("30s") Duration freezeTimeout,
		@DefaultValue("10s") Duration resumeInterval,
		@DefaultValue("2") int drainParallelism,
		@DefaultValue("0.2") double rebalanceSpread,
		@DefaultValue("8") int maxConcurrent) {

	public MoveProperties {
		if (sourceGrace.isNegative() || !positive(copyTimeout) || !positive(freezeTimeout) || !positive(resumeInterval)
				|| cutOverLag.isNegative()) {
			throw new IllegalArgumentException("registry.moves: durations must be positive (source-grace may be 0)");
		}
		if (drainParallelism < 1 || maxConcurrent < 1 || !(rebalanceSpread > 0)) {
			throw new IllegalArgumentException(
					"registry.moves: drain-parallelism and max-concurrent must be at least 1, rebalance-spread above 0");
		}
	}

	private static boolean positive(Duration duration) {
		return !duration.isNegative() && !duration.isZero();
	}

}
