package io.codebase.registry.problem;

/** One broken rule of a request, listed in the {@code errors} member of a 400 problem. */
public record FieldProblem(String field, String message) {
}
