package io.codebase.registry.project;

import java.util.Map;
import java.util.UUID;

/**
 * A project carried over from another registry (the old codebase-gardener file, or this service's export).
 *
 * @param databaseName the database it already has, or {@code null} to derive one
 */
public record ImportedProject(UUID id, String name, String description, String sourcePath,
		Map<String, Object> metadata, IndexStatus indexStatus, String databaseName) {
}
