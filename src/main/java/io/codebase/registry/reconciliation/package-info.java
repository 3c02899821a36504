/**
 * Finds and repairs drift between the registry's rows and the databases that exist: one vocabulary of drift
 * kinds, one policy table from kind to action and repair, one elected replica repairing at a time.
 */
@ApplicationModule(displayName = "Reconciliation", allowedDependencies = { "credentials", "fleet", "move", "problem", "project", "provisioning", "security", "session" })
package io.codebase.registry.reconciliation;

import org.springframework.modulith.ApplicationModule;
