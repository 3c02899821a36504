/**
 * Client sessions: working directory (under the allowed roots) and active project, with a sliding expiry.
 */
@ApplicationModule(displayName = "Sessions", allowedDependencies = { "problem", "project" })
package io.codebase.registry.session;

import org.springframework.modulith.ApplicationModule;
