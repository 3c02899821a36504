package io.codebase.registry.problem;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The problem statuses an operation can answer besides 503 (which every operation can); the OpenAPI document
 * lists each with the {@code ProblemDetail} schema ({@link OpenApiConfiguration}).
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
public @interface ProblemResponses {

	int[] value();

}
