/**
 * The shared vocabulary of errors: {@link io.codebase.registry.problem.RegistryException} (a category, a stable
 * kind, a title, a detail and properties, nothing of HTTP), field problems, and the annotation that documents the
 * problems an endpoint answers with. Every module may use it; it uses none.
 */
@ApplicationModule(displayName = "Problems", allowedDependencies = {})
package io.codebase.registry.problem;

import org.springframework.modulith.ApplicationModule;
