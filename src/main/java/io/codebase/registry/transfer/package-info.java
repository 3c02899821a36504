/**
 * Import of a legacy or exported registry file (checked whole before anything is written) and export.
 */
@ApplicationModule(displayName = "Import and export", allowedDependencies = { "fleet", "problem", "project", "provisioning", "session" })
package io.codebase.registry.transfer;

import org.springframework.modulith.ApplicationModule;
