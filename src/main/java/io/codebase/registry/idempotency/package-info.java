/**
 * Retry-safe writes: the first outcome of a non-idempotent request sent with an {@code Idempotency-Key} is stored
 * in PostgreSQL and replayed to retries of the same request by the same caller.
 */
@ApplicationModule(displayName = "Idempotency", allowedDependencies = { "problem", "security", "web" })
package io.codebase.registry.idempotency;

import org.springframework.modulith.ApplicationModule;
