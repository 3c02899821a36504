/**
 * The container health check, run by the image without a shell or curl.
 */
@ApplicationModule(displayName = "Deployment", allowedDependencies = {})
package io.codebase.registry.deployment;

import org.springframework.modulith.ApplicationModule;
