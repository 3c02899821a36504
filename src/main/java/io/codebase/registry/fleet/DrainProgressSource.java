package io.codebase.registry.fleet;

import java.util.Optional;

/**
 * Where the fleet learns how a server's drain goes, implemented by the module that drains (moves), so that the
 * fleet need not depend on it.
 */
public interface DrainProgressSource {

	/** The server's latest drain; empty when it was never drained. */
	Optional<DrainProgress> drainOf(String server);

}
