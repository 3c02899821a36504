package io.codebase.registry.problem;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The problem statuses an operation can answer besides those every operation can (400, 401, 406 and 503; 403
 * for writes, 415 for those that read a body); the OpenAPI document lists each with the {@code Problem} schema
 * (web.OpenApiConfiguration).
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
public @interface ProblemResponses {

	int[] value();

}
