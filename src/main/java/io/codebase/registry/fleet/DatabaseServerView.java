package io.codebase.registry.fleet;

import java.time.Instant;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.swagger.v3.oas.annotations.media.Schema;

/** A server of the fleet as the API shows it: never its credentials. */
@Schema(name = "DatabaseServer", description = "A PostgreSQL server that holds project databases.", example = """
		{"name": "pg-eu-1", "state": "ACTIVE", "host": "pg-eu-1.db.internal", "port": 5432, "configured": true,
		 "health": {"status": "UP", "since": "2026-11-29T04:00:00Z", "checkedAt": "2026-11-29T04:10:15Z", "lastError": null},
		 "labels": {"region": "eu"}, "weight": 1, "capacity": {"projects": 500, "bytes": 536870912000},
		 "usage": {"projects": 41, "bytes": 12884901888, "measuredAt": "2026-11-29T04:09:00Z"}}""")
record DatabaseServerView(
		@Schema(description = "The server's name; projects refer to it.", example = "pg-eu-1", requiredMode = Schema.RequiredMode.REQUIRED) String name,
		@Schema(description = "ACTIVE takes new projects; CORDONED takes none (its projects stay).", example = "ACTIVE", requiredMode = Schema.RequiredMode.REQUIRED) ServerState.Status state,
		@Schema(description = "Host clients connect to.", example = "pg-eu-1.db.internal", nullable = true, requiredMode = Schema.RequiredMode.REQUIRED) String host,
		@Schema(description = "Port clients connect to.", example = "5432", nullable = true, requiredMode = Schema.RequiredMode.REQUIRED) Integer port,
		@Schema(description = "Whether the server is in this replica's configuration; a server that is not cannot be used.", example = "true", requiredMode = Schema.RequiredMode.REQUIRED) boolean configured,
		@Schema(description = "The last health check.", requiredMode = Schema.RequiredMode.REQUIRED) HealthView health,
		@Schema(description = "Labels that placement constraints match.", example = "{\"region\": \"eu\"}", requiredMode = Schema.RequiredMode.REQUIRED) Map<String, String> labels,
		@Schema(description = "Its share of new projects relative to the other servers.", example = "1", requiredMode = Schema.RequiredMode.REQUIRED) double weight,
		@Schema(description = "How much it may hold; 0 is unlimited.", requiredMode = Schema.RequiredMode.REQUIRED) CapacityView capacity,
		@Schema(description = "How much it holds.", requiredMode = Schema.RequiredMode.REQUIRED) UsageView usage,
		@Schema(description = "Its latest drain; absent when it was never drained.") @JsonInclude(JsonInclude.Include.NON_NULL) DrainProgress drain) {

	@Schema(name = "DatabaseServerHealth", description = "The outcome of the last health check.",
			example = "{\"status\": \"DOWN\", \"since\": \"2026-11-29T04:00:00Z\", \"checkedAt\": \"2026-11-29T04:10:15Z\", \"lastError\": \"Connection refused (SQLSTATE 08001)\"}")
	record HealthView(
			@Schema(description = "UP, DOWN, or UNKNOWN before the first check.", example = "UP", requiredMode = Schema.RequiredMode.REQUIRED) ServerState.Health status,
			@Schema(description = "Since when the status holds.", example = "2026-11-29T04:00:00Z", requiredMode = Schema.RequiredMode.REQUIRED) Instant since,
			@Schema(description = "When the server was last checked.", example = "2026-11-29T04:10:15Z", nullable = true, requiredMode = Schema.RequiredMode.REQUIRED) Instant checkedAt,
			@Schema(description = "Why the last check failed; null when UP.", example = "null", nullable = true, requiredMode = Schema.RequiredMode.REQUIRED) String lastError) {
	}

	@Schema(name = "DatabaseServerCapacity", description = "How much the server may hold; 0 is unlimited.",
			example = "{\"projects\": 500, \"bytes\": 536870912000}")
	record CapacityView(
			@Schema(description = "Most projects; 0 is unlimited.", example = "500", requiredMode = Schema.RequiredMode.REQUIRED) long projects,
			@Schema(description = "Most bytes of project databases; 0 is unlimited.", example = "536870912000", requiredMode = Schema.RequiredMode.REQUIRED) long bytes) {
	}

	@Schema(name = "DatabaseServerUsage", description = "How much the server holds.",
			example = "{\"projects\": 41, \"bytes\": 12884901888, \"measuredAt\": \"2026-11-29T04:09:00Z\"}")
	record UsageView(
			@Schema(description = "Projects placed on it (exact).", example = "41", requiredMode = Schema.RequiredMode.REQUIRED) long projects,
			@Schema(description = "Size of its project databases when last measured.", example = "12884901888", requiredMode = Schema.RequiredMode.REQUIRED) long bytes,
			@Schema(description = "When the size was last measured.", example = "2026-11-29T04:09:00Z", nullable = true, requiredMode = Schema.RequiredMode.REQUIRED) Instant measuredAt) {
	}

}
