package io.codebase.registry.idempotency;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/** Deletes expired keys every {@code registry.idempotency.purge-interval}, on every replica. */
@Component
class IdempotencyPurge {

	private static final Logger log = LoggerFactory.getLogger(IdempotencyPurge.class);

	private final IdempotencyStore store;

	IdempotencyPurge(IdempotencyStore store) {
		this.store = store;
	}

	@Scheduled(fixedDelayString = "${registry.idempotency.purge-interval:10m}",
			initialDelayString = "${registry.idempotency.purge-interval:10m}")
	void purgeOnSchedule() {
		int purged = this.store.purgeExpired();
		if (purged > 0) {
			log.info("Purged {} expired idempotency keys", purged);
		}
	}

}
