/**
 * The registry of projects: the {@code projects} table and its rules, the cache of committed rows, and the
 * lifecycle that provisions a database per project. Publishes {@link io.codebase.registry.project.ProjectLookup}
 * (cached and committed reads), {@link io.codebase.registry.project.ProjectLifecycle},
 * {@link io.codebase.registry.project.ProjectGetOrCreate} and {@link io.codebase.registry.project.ProjectImports};
 * the entity, repository and write primitives stay package-private.
 */
@ApplicationModule(displayName = "Projects", allowedDependencies = { "fleet", "problem", "provisioning", "security" })
package io.codebase.registry.project;

import org.springframework.modulith.ApplicationModule;
