/**
 * Start-up wiring that belongs to no feature: the embedded PostgreSQL used when no datasource is configured.
 */
@ApplicationModule(displayName = "Configuration", allowedDependencies = {})
package io.codebase.registry.config;

import org.springframework.modulith.ApplicationModule;
