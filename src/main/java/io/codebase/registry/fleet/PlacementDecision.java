package io.codebase.registry.fleet;

import java.util.List;

import io.swagger.v3.oas.annotations.media.Schema;

/**
 * Which server a new project was placed on, and why every other server was not chosen.
 *
 * @param server the chosen server
 * @param reason why it was chosen
 * @param skipped the other servers, each with the reason it was passed over
 */
@Schema(name = "Placement", description = "The server a new project was placed on, and why each other server was not.",
		example = """
				{"server": "pg-eu-2", "reason": "fewest projects per unit of weight among 2 eligible servers (41 projects, weight 2)",
				 "skipped": [{"server": "pg-eu-1", "why": "CORDONED", "detail": "cordoned: takes no new projects"},
				             {"server": "pg-us-1", "why": "LABELS", "detail": "wants region=eu, has region=us"}]}""")
public record PlacementDecision(
		@Schema(description = "The chosen server.", example = "pg-eu-2", requiredMode = Schema.RequiredMode.REQUIRED) String server,
		@Schema(description = "Why it was chosen.", example = "fewest projects per unit of weight among 2 eligible servers (41 projects, weight 2)", requiredMode = Schema.RequiredMode.REQUIRED) String reason,
		@Schema(description = "The servers passed over, with the reason for each.", requiredMode = Schema.RequiredMode.REQUIRED) List<Skipped> skipped) {

	public PlacementDecision {
		skipped = List.copyOf(skipped);
	}

	/** A server that was not eligible, or not the best. */
	@Schema(name = "SkippedServer", description = "A server that was not chosen, and why.",
			example = "{\"server\": \"pg-eu-1\", \"why\": \"CORDONED\", \"detail\": \"cordoned: takes no new projects\"}")
	public record Skipped(
			@Schema(description = "The server.", example = "pg-eu-1", requiredMode = Schema.RequiredMode.REQUIRED) String server,
			@Schema(description = "Why it was passed over: cordoned, down, labels, full, not requested, the current server of a project that moves, or more loaded.", example = "CORDONED", requiredMode = Schema.RequiredMode.REQUIRED) SkipReason why,
			@Schema(description = "The details, for people.", example = "cordoned: no new projects", requiredMode = Schema.RequiredMode.REQUIRED) String detail) {
	}

	/** Why a server was passed over. */
	public enum SkipReason {

		/** Not the server the request named. */
		NOT_REQUESTED,

		/** It holds the project that moves. */
		CURRENT,

		/** Cordoned: takes no new projects. */
		CORDONED,

		/** Its last health check failed, or it has not been checked yet. */
		DOWN,

		/** Its labels lack one the request wants. */
		LABELS,

		/** At capacity (projects or size), minus the reserve. */
		FULL,

		/** Eligible, but another had fewer projects per unit of weight. */
		MORE_LOADED

	}

}
