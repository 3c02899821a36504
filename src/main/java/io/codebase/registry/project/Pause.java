package io.codebase.registry.project;

import java.time.Duration;

/** The one way this module sleeps between attempts: an interrupt ends the wait and is kept for the caller's loop. */
final class Pause {

	private Pause() {
	}

	/** False when interrupted (the thread's interrupt flag is set again). */
	static boolean of(Duration pause) {
		try {
			Thread.sleep(pause.toMillis());
			return true;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

}
