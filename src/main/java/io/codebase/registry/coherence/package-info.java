/**
 * Keeps every replica's project cache equal to PostgreSQL: listens to the change notifications the
 * {@code projects} trigger sends on commit, and clears the whole cache whenever notifications may have been missed.
 */
@ApplicationModule(displayName = "Coherence", allowedDependencies = { "project" })
package io.codebase.registry.coherence;

import org.springframework.modulith.ApplicationModule;
