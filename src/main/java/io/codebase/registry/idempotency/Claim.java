package io.codebase.registry.idempotency;

import java.time.Duration;
import java.util.UUID;

/** What claiming a key found. */
sealed interface Claim {

	/** The key is this request's: it runs, then stores or releases the outcome as {@code owner}. */
	record Acquired(UUID owner) implements Claim {
	}

	/** An earlier request with this key finished; its outcome is replayed if the request is the same. */
	record Completed(byte[] fingerprint, StoredResponse response) implements Claim {
	}

	/** An earlier request with this key is still running; it may be taken over after {@code untilTakeover}. */
	record Running(byte[] fingerprint, Duration untilTakeover) implements Claim {
	}

}
