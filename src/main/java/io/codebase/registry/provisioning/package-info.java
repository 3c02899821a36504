/**
 * Project databases on the PostgreSQL server: names, CREATE and DROP DATABASE on an admin connection, and the
 * project schema applied by Flyway. Knows nothing of the registry's rows.
 */
@ApplicationModule(displayName = "Provisioning", allowedDependencies = {})
package io.codebase.registry.provisioning;

import org.springframework.modulith.ApplicationModule;
