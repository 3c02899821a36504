package io.codebase.registry.move;

import java.util.List;

import io.swagger.v3.oas.annotations.media.Schema;

/** What a rebalance started. */
@Schema(name = "Rebalance", description = "The moves a rebalance started, and those it planned but could not start.",
		example = """
				{"spread": 0.2, "moves": [], "refused": []}""")
public record RebalanceResult(
		@Schema(description = "How far from the mean (projects per unit of weight) a server may be (registry.moves.rebalance-spread).", example = "0.2", requiredMode = Schema.RequiredMode.REQUIRED) double spread,
		@Schema(description = "The moves started; poll each at /api/v1/moves/{id}.", requiredMode = Schema.RequiredMode.REQUIRED) List<Move> moves,
		@Schema(description = "Moves planned but not started, each with the reason.", example = "[]", requiredMode = Schema.RequiredMode.REQUIRED) List<String> refused) {
}
