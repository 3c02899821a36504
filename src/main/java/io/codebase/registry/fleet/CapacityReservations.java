package io.codebase.registry.fleet;

import java.util.Map;

/**
 * What servers are promised beyond the projects on them: project databases on their way to them (moves). Implemented
 * by the module that moves databases, so that the fleet need not depend on it; {@link Placement} reads it under the
 * servers' row locks, and the promise is written in the transaction that holds them, so two replicas never both
 * promise a server its last free place.
 */
public interface CapacityReservations {

	/** Per server, what is on its way to it as committed now; a server with nothing on its way is absent. */
	Map<String, Reserved> reserved();

	/**
	 * @param projects projects that will count on the server once their move switches
	 * @param bytes the expected size of the databases on their way (their source's size when the move started)
	 */
	record Reserved(long projects, long bytes) {

		public static final Reserved NONE = new Reserved(0, 0);

	}

}
