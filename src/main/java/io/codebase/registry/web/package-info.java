/**
 * What every HTTP endpoint shares: the one mapping from errors to RFC 9457 problems, request limits, strict JSON
 * and the OpenAPI document.
 */
@ApplicationModule(displayName = "Web", allowedDependencies = { "problem" })
package io.codebase.registry.web;

import org.springframework.modulith.ApplicationModule;
