/**
 * What the platform sees of the service: the container health check, run by the image without a shell or curl, and
 * the readiness gauge that alerts watch.
 */
@ApplicationModule(displayName = "Deployment", allowedDependencies = {})
package io.codebase.registry.deployment;

import org.springframework.modulith.ApplicationModule;
