/**
 * Which project a caller means, through an ordered list of tiers (explicit, session config, active project,
 * default workspace), with a trace of each tier's outcome.
 */
@ApplicationModule(displayName = "Resolution", allowedDependencies = { "credentials", "fleet", "problem", "project", "provisioning", "security", "session", "web" })
package io.codebase.registry.resolution;

import org.springframework.modulith.ApplicationModule;
