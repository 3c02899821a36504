package io.codebase.registry.resolution;

/** The resolution tiers, tried in this order; the first hit wins. */
public enum Tier {

	/** The caller named the project by id or name. */
	EXPLICIT,
	/** The session's (or an inline) {@code .codebase-mcp/config.json}. */
	SESSION_CONFIG,
	/** The session's active project, then the workflow service's. */
	ACTIVE_PROJECT,
	/** The default workspace, when nothing above identified a project. */
	DEFAULT

}
