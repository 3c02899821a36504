/**
 * Who may connect to a project database: each database's owner role and its read-write and read-only group roles
 * (CONNECT revoked from PUBLIC, default privileges for tables that later migrations create), and short-lived login
 * roles issued per project with a random password and {@code VALID UNTIL}. Publishes
 * {@link io.codebase.registry.credentials.Credentials} (issue, revoke, expiry, access drift) and implements the
 * project module's {@link io.codebase.registry.project.ProjectDatabaseAccess}.
 */
@ApplicationModule(displayName = "Credentials",
		allowedDependencies = { "fleet", "problem", "project", "provisioning", "security", "web" })
package io.codebase.registry.credentials;

import org.springframework.modulith.ApplicationModule;
