/**
 * API keys and roles, safe defaults for unauthenticated deployments, and the audit log.
 */
@ApplicationModule(displayName = "Security", allowedDependencies = { "web" })
package io.codebase.registry.security;

import org.springframework.modulith.ApplicationModule;
