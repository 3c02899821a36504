/**
 * Moves of project databases between the fleet's servers with PostgreSQL's logical replication
 * ({@link io.codebase.registry.provisioning.DatabaseMove}): the {@code project_moves} table, where every phase is
 * written before it runs; the runner, which holds the project's ownership for the whole move so that two replicas
 * never run one, and resumes a move whose owner died; draining a server and rebalancing the fleet; and the API.
 * A module of its own because it uses projects, credentials, the fleet and provisioning together, and none of them
 * should depend on the others for it.
 */
@ApplicationModule(displayName = "Moves",
		allowedDependencies = { "credentials", "fleet", "problem", "project", "provisioning", "security" })
package io.codebase.registry.move;

import org.springframework.modulith.ApplicationModule;
