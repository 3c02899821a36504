package io.codebase.registry.project;

/** The outcome of a get-or-create: the READY project, and whether this call created it. */
public record EnsuredProject(ProjectView project, boolean created) {
}
