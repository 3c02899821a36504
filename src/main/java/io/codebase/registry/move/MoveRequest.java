package io.codebase.registry.move;

import io.swagger.v3.oas.annotations.media.Schema;

/**
 * @param target the server to move to; null: the placement policy chooses among the others
 */
@Schema(name = "MoveRequest", description = "Where to move the project's database. Without a target, the server "
		+ "that placement would choose for a new project (ACTIVE, UP, below capacity, fewest projects per unit of "
		+ "weight), never the current one.", example = "{\"target\": \"pg-eu-2\"}")
public record MoveRequest(
		@Schema(description = "The target database server; omit it to let placement choose.", example = "pg-eu-2", nullable = true)
		String target) {

	static final MoveRequest ANY = new MoveRequest(null);

}
