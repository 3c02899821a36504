package io.codebase.registry.fleet;

/**
 * A configured server's load, for rebalancing.
 *
 * @param accepting ACTIVE and UP: it may take projects
 */
public record ServerLoad(String name, long projects, double weight, boolean accepting) {

	/** Projects per unit of weight. */
	public double load() {
		return this.projects / this.weight;
	}

}
