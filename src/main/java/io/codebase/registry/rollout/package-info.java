/**
 * Migrates every project database to the current project schema, recording each outcome, resumable after a
 * restart.
 */
@ApplicationModule(displayName = "Schema rollouts", allowedDependencies = { "fleet", "problem", "project", "provisioning", "security" })
package io.codebase.registry.rollout;

import org.springframework.modulith.ApplicationModule;
