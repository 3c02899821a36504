package io.codebase.registry.project;

import java.util.Map;
import java.util.UUID;

import io.codebase.registry.fleet.PlacementRequest;

/**
 * A project carried over from another registry (the old codebase-gardener file, or this service's export).
 *
 * @param databaseName the database it already has, or {@code null} to derive one
 * @param placement where its database goes, e.g. the server it was exported from
 */
public record ImportedProject(UUID id, String name, String description, String sourcePath,
		Map<String, Object> metadata, IndexStatus indexStatus, String databaseName, PlacementRequest placement) {

	public ImportedProject {
		placement = PlacementRequest.orAny(placement);
	}

}
