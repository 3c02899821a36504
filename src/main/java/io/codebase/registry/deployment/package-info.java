/**
 * What the platform sees of the service: the container health check, run by the image without a shell or curl, the
 * readiness gauge that alerts watch, and help texts for Spring's own meters.
 */
@ApplicationModule(displayName = "Deployment", allowedDependencies = {})
package io.codebase.registry.deployment;

import org.springframework.modulith.ApplicationModule;
