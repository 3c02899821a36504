/**
 * Import of a legacy or exported registry file (checked whole before anything is written) and export.
 */
@ApplicationModule(displayName = "Import and export", allowedDependencies = { "project", "provisioning", "session", "web" })
package io.codebase.registry.transfer;

import org.springframework.modulith.ApplicationModule;
