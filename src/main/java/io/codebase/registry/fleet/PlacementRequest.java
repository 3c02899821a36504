package io.codebase.registry.fleet;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

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
		@Schema(description = "Place on this server only.", example = "pg-eu-1", nullable = true)
		@Pattern(regexp = SERVER_NAME, message = "must be a server name: lower-case letters, digits and '-', at most 63") String server,
		@Schema(description = "Place only on a server whose labels include all of these (at most 16; keys and values "
				+ "of letters, digits, '.', '_', '-' and '/', at most 63).", example = "{\"region\": \"eu\"}", nullable = true)
		@Size(max = 16) Map<@NotNull @Pattern(regexp = LABEL, message = "must be a label key: letters, digits, '.', '_', '-', '/', 1 to 63") String,
				@NotNull @Pattern(regexp = LABEL, message = "must be a label value: letters, digits, '.', '_', '-', '/', 1 to 63") String> labels) {

	static final String SERVER_NAME = "^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$";

	static final String LABEL = "^[A-Za-z0-9._/-]{1,63}$";

	/** No constraint: any eligible server. */
	public static final PlacementRequest ANY = new PlacementRequest(null, Map.of());

	public PlacementRequest {
		// Kept as sent (a null key or value included) for validation to refuse with a 400, not a failure here.
		labels = (labels == null) ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(labels));
	}

	/** The request when a caller sent none. */
	public static PlacementRequest orAny(PlacementRequest request) {
		return (request == null) ? ANY : request;
	}

}
