/**
 * The fleet of PostgreSQL servers that hold project databases: which servers exist (configuration), their state at
 * run time (cordoned, health, usage, in the {@code database_servers} table), where a new project goes
 * ({@link io.codebase.registry.fleet.Placement}) and the API that lists and cordons them. Publishes
 * {@link io.codebase.registry.fleet.DatabaseServers} and {@link io.codebase.registry.fleet.Placement}.
 */
@ApplicationModule(displayName = "Fleet", allowedDependencies = { "config", "problem", "provisioning", "security" })
package io.codebase.registry.fleet;

import org.springframework.modulith.ApplicationModule;
