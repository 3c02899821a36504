package io.codebase.registry.project;

/** Which projects a list page holds; {@code null} members do not filter. */
public record ProjectFilter(ProjectState state, IndexStatus indexStatus, String namePrefix) {
}
