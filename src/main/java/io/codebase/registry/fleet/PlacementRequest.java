package io.codebase.registry.fleet;

import java.util.Map;

import io.swagger.v3.oas.annotations.media.Schema;

/**
 * Where a new project may go: on one named server, or on any server whose labels include all of these.
 *
 * @param server only this server; null: any eligible one
 * @param labels every one must be among the server's labels; null or empty: no constraint
 */
@Schema(name = "PlacementRequest", description = "Constraints on the server a new project's database is placed on. "
		+ "Only servers that are ACTIVE, UP and below capacity are eligible; among them the one with the fewest "
		+ "projects per unit of weight is chosen.", example = "{\"labels\": {\"region\": \"eu\"}}")
public record PlacementRequest(
		@Schema(description = "Place on this server only.", example = "pg-eu-1", nullable = true) String server,
		@Schema(description = "Place only on a server whose labels include all of these.", example = "{\"region\": \"eu\"}",
				nullable = true) Map<String, String> labels) {

	/** No constraint: any eligible server. */
	public static final PlacementRequest ANY = new PlacementRequest(null, Map.of());

	public PlacementRequest {
		labels = (labels == null) ? Map.of() : Map.copyOf(labels);
	}

	/** The request when a caller sent none. */
	public static PlacementRequest orAny(PlacementRequest request) {
		return (request == null) ? ANY : request;
	}

}
