package io.codebase.registry.project;

import java.util.UUID;

import io.codebase.registry.fleet.PlacementRequest;

/**
 * A project a caller needs to exist, e.g. from a client's config file.
 *
 * @param id the id to create it with, if the caller already knows one; {@code null}: a new id
 * @param databaseName an existing managed database to adopt; {@code null}: derived from name and id
 * @param placement where a project created for it goes
 */
public record EnsureProject(String name, String description, UUID id, String databaseName, PlacementRequest placement) {

	public EnsureProject {
		placement = PlacementRequest.orAny(placement);
	}

	/** A project wanted anywhere the placement policy chooses. */
	public EnsureProject(String name, String description, UUID id, String databaseName) {
		this(name, description, id, databaseName, null);
	}

}
