package io.codebase.registry.resolution;

import java.nio.file.Path;
import java.util.UUID;

import io.codebase.registry.fleet.PlacementRequest;
import tools.jackson.databind.node.ObjectNode;

/**
 * A validated {@code .codebase-mcp/config.json}: the members the service acts on, the whole document (other
 * members are kept untouched), and where it came from.
 *
 * @param placement where a project created from it goes ({@code project.placement})
 * @param file the real path of the file; {@code null} for a config sent inline
 * @param text the file's text as read, for a write-back that changes nothing else
 */
record ProjectConfig(String name, UUID id, String description, String databaseName, PlacementRequest placement,
		ObjectNode document, Path file, String text) {

	String source() {
		return (this.file != null) ? this.file.toString() : "inline config";
	}

}
