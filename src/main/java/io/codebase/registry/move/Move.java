package io.codebase.registry.move;

import java.time.Instant;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.swagger.v3.oas.annotations.media.Schema;

/** A move of a project's database to another server, as recorded: what the API answers. */
@Schema(name = "Move", description = "The move of a project's database to another database server: its phase, "
		+ "progress and outcome.", example = """
				{"id": "0195f3a4-5c2e-7d10-9a3b-4f2e8c1d0a78", "projectId": "3f6c1a52-8f0e-4d4e-9c55-2b7f7a0c9e11",
				 "projectName": "Payments Service", "databaseName": "cb_proj_payments_service_3f6c1a52", "source": "pg-eu-1",
				 "target": "pg-eu-2", "cause": "api", "state": "RUNNING", "phase": "CATCHING_UP",
				 "progress": {"tables": 4, "tablesCopied": 3, "rowsCopied": 41200, "bytesCopied": 9830400,
				  "sourceBytes": 58720256, "targetBytes": 40894464, "lagBytes": 2097152},
				 "error": null, "attempts": 1, "sourceDropAfter": null, "sourceDroppedAt": null,
				 "createdAt": "2026-11-23T19:25:00Z", "updatedAt": "2026-11-23T19:25:41Z", "finishedAt": null}""")
public record Move(
		@Schema(description = "Identifier of the move.", example = "0195f3a4-5c2e-7d10-9a3b-4f2e8c1d0a78", requiredMode = Schema.RequiredMode.REQUIRED) UUID id,
		@Schema(description = "The project moved.", example = "3f6c1a52-8f0e-4d4e-9c55-2b7f7a0c9e11", requiredMode = Schema.RequiredMode.REQUIRED) UUID projectId,
		@Schema(description = "Its name when the move began.", example = "Payments Service", requiredMode = Schema.RequiredMode.REQUIRED) String projectName,
		@Schema(description = "Its database: the same name on both servers.", example = "cb_proj_payments_service_3f6c1a52", requiredMode = Schema.RequiredMode.REQUIRED) String databaseName,
		@Schema(description = "The server the database leaves.", example = "pg-eu-1", requiredMode = Schema.RequiredMode.REQUIRED) String source,
		@Schema(description = "The server the database goes to.", example = "pg-eu-2", requiredMode = Schema.RequiredMode.REQUIRED) String target,
		@Schema(description = "Who asked: api, drain (of the source) or rebalance.", example = "api", requiredMode = Schema.RequiredMode.REQUIRED) String cause,
		@Schema(description = "The outcome so far.", example = "RUNNING", requiredMode = Schema.RequiredMode.REQUIRED) MoveState state,
		@Schema(description = "The phase running now (or next, or the last one reached).", example = "CATCHING_UP", requiredMode = Schema.RequiredMode.REQUIRED) MovePhase phase,
		@Schema(description = "The copy's progress, as last measured; absent until the copy is measured.") @JsonInclude(JsonInclude.Include.NON_NULL) MoveProgress progress,
		@Schema(description = "How long the project's writes were frozen, from the freeze to the switch; absent before the switch.", example = "412") @JsonInclude(JsonInclude.Include.NON_NULL) Long freezeMillis,
		@Schema(description = "Why the move failed, or why its last attempt did.", example = "null", nullable = true, requiredMode = Schema.RequiredMode.REQUIRED) String error,
		@Schema(description = "How many times a runner took the move up (more than 1 after a replica died).", example = "1", requiredMode = Schema.RequiredMode.REQUIRED) int attempts,
		@Schema(description = "After a successful move: when the source database will be dropped.", example = "2026-11-24T19:26:00Z", nullable = true, requiredMode = Schema.RequiredMode.REQUIRED) Instant sourceDropAfter,
		@Schema(description = "When the source database was dropped.", example = "null", nullable = true, requiredMode = Schema.RequiredMode.REQUIRED) Instant sourceDroppedAt,
		@Schema(description = "When the move was asked for.", example = "2026-11-23T19:25:00Z", requiredMode = Schema.RequiredMode.REQUIRED) Instant createdAt,
		@Schema(description = "When its record last changed.", example = "2026-11-23T19:25:41Z", requiredMode = Schema.RequiredMode.REQUIRED) Instant updatedAt,
		@Schema(description = "When it succeeded or failed.", example = "null", nullable = true, requiredMode = Schema.RequiredMode.REQUIRED) Instant finishedAt) {

	/**
	 * The copy's progress.
	 */
	@Schema(name = "MoveProgress", description = "Where the copy stands, as last measured.",
			example = """
					{"tables": 4, "tablesCopied": 3, "rowsCopied": 41200, "bytesCopied": 9830400, "sourceBytes": 58720256,
					 "targetBytes": 40894464, "lagBytes": 2097152}""")
	public record MoveProgress(
			@Schema(description = "Tables the subscription copies.", example = "4", requiredMode = Schema.RequiredMode.REQUIRED) int tables,
			@Schema(description = "Tables copied and streaming.", example = "3", requiredMode = Schema.RequiredMode.REQUIRED) int tablesCopied,
			@Schema(description = "Rows read so far by the table copies running now.", example = "41200", requiredMode = Schema.RequiredMode.REQUIRED) long rowsCopied,
			@Schema(description = "Bytes read so far by the table copies running now.", example = "9830400", requiredMode = Schema.RequiredMode.REQUIRED) long bytesCopied,
			@Schema(description = "Size of the source database.", example = "58720256", requiredMode = Schema.RequiredMode.REQUIRED) long sourceBytes,
			@Schema(description = "Size of the target database.", example = "40894464", requiredMode = Schema.RequiredMode.REQUIRED) long targetBytes,
			@Schema(description = "WAL the source wrote that the target has not confirmed (replication lag), in bytes.", example = "2097152", requiredMode = Schema.RequiredMode.REQUIRED) long lagBytes) {
	}

}
