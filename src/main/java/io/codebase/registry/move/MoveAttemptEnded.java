package io.codebase.registry.move;

import java.util.UUID;

/** A replica stopped running a move: it finished, failed, rolled back, or waits for its next attempt. */
record MoveAttemptEnded(UUID moveId) {
}
